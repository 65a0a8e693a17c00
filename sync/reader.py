"""Reading source files (which files: `sources.py`) into sheet results.

Cells are read raw with python-calamine (≈100k rows/s here, 8× openpyxl read-only),
then handed to `sheets_templates.table`, which knows what they mean. Reading is
bounded (`xlsx_cells`): a far stray cell costs that cell, not a grid to it, and a file
too large to read safely says so. A file that cannot be read becomes a `FileResult`
with a plain reason; it never stops the others. Files are read in worker processes
(`workers.read_in_workers`), so even a reader that dies costs only its file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import python_calamine

from sheets_templates.header import year_in
from sheets_templates.problems import CELL_FAR_OFF, Problem, column_letter, display
from sheets_templates.registers import REP_WORDS, normalize_header
from sheets_templates.roster import Owner, Roster, owner_from_path
from sheets_templates.table import SheetContext, SheetResult, fill_merged, read_grid
from sheets_templates.templates import TODAY_SHEET
from sheets_templates.values import is_blank
from sheets_templates.words import Lang, Text

from .errors import Bilingual
from .workers import read_in_workers
from .xlsx_cells import (
    MAX_CELLS,
    Stray,
    Survey,
    TooLarge,
    book_of,
    check_unpacked,
    restore_errors,
    sparse_grid,
    survey,
)

SETTINGS_SHEETS = {normalize_header(n) for n in ("设置", "settings", "配置")}
TEMPLATE_SHEETS = {normalize_header(n) for n in TODAY_SHEET.both()}
"""Sheets of salesflow's rep template that are no register, skipped without a note."""
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CSV_ENCODINGS = ("utf-8-sig", "gb18030")
_CSV_DELIMITERS = (",", "\t", ";")
_CELL_LIMIT = "Cell limit exceeded"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


@dataclass
class FileResult:
    """One source file: its sheets, or why it could not be read."""

    path: str
    sheets: list[SheetResult] = field(default_factory=list)
    error: str | None = None
    error_en: str | None = None
    detail: str | None = None
    """Why the file could not be read, in the reading library's own words: for the log."""

    @property
    def status(self) -> str:
        return "unreadable" if self.error else "ok"

    def reason(self, lang: Lang = "zh") -> str | None:
        return Text(self.error, self.error_en or self.error)(lang) if self.error else None


class Unreadable(Bilingual):
    """A file that is not a workbook we can read, with the reason in both languages."""

    @classmethod
    def because(cls, reason: Text, detail: str | None = None, **values: Any) -> Unreadable:
        return cls(*reason.both(**values), detail=detail)


EMPTY = Text("文件是空的（0 字节）", "the file is empty (0 bytes)")
LOCKED = Text("文件被占用或没有读取权限", "the file is locked or not readable")
MISSING = Text("文件不存在", "the file does not exist")
DAMAGED = Text(
    "不是有效的 Excel 文件，或文件已损坏：请用 Excel 打开看看，能打开就另存一份",
    "not a valid Excel workbook, or the file is damaged: open it in Excel and, if it "
    "opens, save a copy",
)
PASSWORD = Text(
    "文件有密码保护，无法读取：请另存一份不带密码的 .xlsx",
    "the file is password-protected: save a copy without a password",
)
OLD_XLS_RENAMED = Text(
    "这是旧版 Excel (.xls) 文件，但扩展名是 .xlsx：请在 Excel 中另存为 .xlsx",
    "this is an old Excel (.xls) file with an .xlsx name: save it as .xlsx in Excel",
)
CSV_ENCODING = Text(
    "CSV 文件的编码无法识别（请存为 UTF-8 或 GBK）",
    "the CSV file's encoding is not UTF-8 or GB18030/GBK",
)
TOO_LARGE = Text(
    "文件太大，无法安全读取（解压后的大小或有内容的单元格数超出上限）：请拆分成几个文件",
    "the file is too large to read safely (its unpacked size or the number of cells "
    "holding values is over the limit): split it into several files",
)
CSV_NOT_TEXT = Text("不是文本格式的 CSV 文件", "not a text CSV file")


NO_ROSTER = Roster()
"""The roster of a read with no master (`check`): names are told by their shape alone."""


def owner_of(parts: tuple[str, ...], roster: Roster) -> Owner:
    """Who a file's path within the synced folder says it belongs to (`owner_from_path`):
    `华东区/王磊/calls.csv` and `2026-11/王磊.csv` are 王磊's, never 华东区's or 2026-11's."""
    if not parts:
        return Owner(None, None)
    return owner_from_path(parts[:-1], Path(parts[-1]).stem, roster)


def parts_within(path: Path, root: Path) -> tuple[str, ...]:
    """The folders and file name of `path` below the folder synced (`root`)."""
    try:
        return path.relative_to(root).parts
    except ValueError:
        return (path.name,)


def display_path(path: Path) -> str:
    """The path as the user gave it, relative to the working folder where possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


Grids = list[tuple[str, list[list[Any]]]]
"""A workbook's sheets by name, each a grid of raw cell values from A1."""


def load_grids(path: Path) -> Grids:
    """Every sheet's cells, from A1, as raw values; raises `Unreadable` with a reason.
    (Cells far from a sheet's table are left out: `load_cells` says which.)"""
    return load_cells(path)[0]


def load_cells(path: Path) -> tuple[Grids, dict[str, list[Stray]]]:
    """Every sheet's grid, and per sheet the cells far from its table (`Stray`);
    raises `Unreadable` with a reason.

    Reading is bounded: an archive that unpacks to too much or holds too many cells is
    "too large to read safely", and an .xlsx sheet whose furthest cell lies far beyond
    its data is read sparsely (`xlsx_cells`), never as a dense grid to that cell.
    Hidden sheets are read like the others (hiding a sheet is not deleting it). A
    vertically merged cell gives each of its rows its value (`fill_merged`), and a
    cell showing an error (`#DIV/0!`, `#N/A`), which calamine reads as blank, gets its
    error text back so the problem says what the rep sees.
    """
    try:
        size = path.stat().st_size
        if size == 0:
            raise Unreadable.because(EMPTY)
        with path.open("rb") as fh:
            head = fh.read(8)
    except PermissionError:
        raise Unreadable.because(LOCKED) from None
    except FileNotFoundError:
        raise Unreadable.because(MISSING) from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [(path.stem, _csv_grid(path))], {}
    try:
        return _workbook_cells(path, suffix)
    except python_calamine.PasswordError:
        raise _password_protected() from None
    except TooLarge:
        raise Unreadable.because(TOO_LARGE) from None
    except Exception as exc:  # calamine raises its own types for every kind of damage
        if head == _OLE_MAGIC:
            raise _ole_reason(path) from None
        if _CELL_LIMIT in str(exc):  # calamine's own cap on a sheet's extent (.ods)
            raise Unreadable.because(TOO_LARGE) from None
        raise Unreadable.because(DAMAGED, detail=f"{type(exc).__name__}: {exc}") from None


def _workbook_cells(path: Path, suffix: str) -> tuple[Grids, dict[str, list[Stray]]]:
    surveys: dict[str, Survey] = {}
    if zipfile.is_zipfile(path):  # .xlsx .xlsm .xlsb .ods
        with zipfile.ZipFile(path) as archive:
            check_unpacked(archive)
            if suffix in (".xlsx", ".xlsm"):
                surveys = survey(archive)
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    grids: Grids = []
    strays: dict[str, list[Stray]] = {}
    for meta in workbook.sheets_metadata:
        if not str(meta.typ).endswith("WorkSheet"):
            continue
        seen = surveys.get(meta.name)
        if seen is not None and seen.sparse:
            grid, strays[meta.name] = _sparse(path, seen)
        else:
            sheet = workbook.get_sheet_by_name(meta.name)
            end = sheet.end if seen is None else None  # .xls, .xlsb, .ods: not surveyed
            if end is not None and (end[0] + 1) * (end[1] + 1) > MAX_CELLS:
                raise TooLarge  # calamine's own grid is built (under the worker's cap)
            grid = sheet.to_python(skip_empty_area=False)
            if seen is None:  # calamine knows these formats' merges
                fill_merged(grid, sheet.merged_cell_ranges or [])
        if seen is not None:
            fill_merged(grid, seen.merges)
            restore_errors(grid, seen.errors)
        grids.append((meta.name, grid))
    return grids, strays


def _sparse(path: Path, seen: Survey) -> tuple[list[list[Any]], list[Stray]]:
    with zipfile.ZipFile(path) as archive:
        return sparse_grid(archive.read(seen.part), book_of(archive))


def _password_protected() -> Unreadable:
    return Unreadable.because(PASSWORD)


def _ole_reason(path: Path) -> Unreadable:
    """An OLE container named .xlsx: an encrypted workbook, or an old .xls renamed."""
    if _ENCRYPTED_MARK in path.read_bytes():
        return _password_protected()
    return Unreadable.because(OLD_XLS_RENAMED)


def _csv_grid(path: Path) -> list[list[Any]]:
    """A CSV as Excel in China saves it (GB18030/GBK), or UTF-8 with or without a BOM,
    or UTF-16; separated by commas, tabs or semicolons, whichever the header uses."""
    data = path.read_bytes()
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else _CSV_ENCODINGS
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Unreadable.because(CSV_ENCODING)
    if "\x00" in text:
        raise Unreadable.because(CSV_NOT_TEXT)
    first = text[: text.find("\n")] if "\n" in text else text
    delimiter = max(_CSV_DELIMITERS, key=first.count)
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


@dataclass(frozen=True)
class Settings:
    """A workbook's settings sheet (设置): whose it is and which month it covers."""

    rep: str | None = None
    year: int | None = None


_SETTING_REP = {normalize_header(w) for w in REP_WORDS}
_SETTING_MONTH = {normalize_header(w) for w in ("月份", "年月", "month", "年份", "year")}


def read_settings(grids: list[tuple[str, list[list[Any]]]]) -> Settings:
    """Label/value pairs from a sheet named 设置 / settings."""
    rep = year = None
    for name, grid in grids:
        if normalize_header(name) not in SETTINGS_SHEETS:
            continue
        for row in grid:
            cells = [c for c in row if c not in (None, "")]
            if len(cells) < 2:
                continue
            label, value = normalize_header(cells[0]), cells[1]
            if label in _SETTING_REP:
                rep = display(value).strip() or None
            elif label in _SETTING_MONTH:
                year = _year_of(value)
    return Settings(rep, year)


def _year_of(value: Any) -> int | None:
    """The year of a settings cell: a date, a year number, or text like `2026-11`."""
    if isinstance(value, date):
        return value.year
    if isinstance(value, int | float) and 1900 <= value <= 2999:
        return int(value)
    return year_in(display(value))


def read_file(
    path: Path,
    root: Path,
    as_of: date | None,
    keep_records: bool = True,
    roster: Roster = NO_ROSTER,
) -> FileResult:
    """Read one source file; an unreadable file comes back with its reason.

    `as_of` None means today, with no as-of date asked for (see `SheetContext`). The
    file's name and folders may name its rep (`owner_of`, by the `roster`), which comes
    last, after the sheet's own word.
    """
    shown = display_path(path)
    try:
        grids, strays = load_cells(path)
    except Unreadable as exc:
        return FileResult(shown, error=exc.zh, error_en=exc.en, detail=exc.detail)
    owner = owner_of(parts_within(path, root), roster).rep
    sheets = read_grids(grids, shown, as_of, owner, year_in(path.stem), keep_records)
    for sheet in sheets:
        sheet.problems += [
            Problem.place(
                CELL_FAR_OFF.at(cell.value),
                shown,
                sheet.sheet,
                row=cell.row + 1,
                column=column_letter(cell.column),
            )
            for cell in strays.get(sheet.sheet, [])
            if not is_blank(cell.value)
        ]
    return FileResult(shown, sheets)


def read_grids(
    grids: list[tuple[str, list[list[Any]]]],
    shown: str,
    as_of: date | None,
    owner: str | None = None,
    file_year: int | None = None,
    keep_records: bool = True,
) -> list[SheetResult]:
    """One workbook's sheets, already loaded as grids, read against the registers.

    The settings sheet gives the rep and the year and is not itself read. Shared by
    files on disk and by a workbook open in Excel (the Check button reads its grids
    through xlwings).
    """
    settings = read_settings(grids)
    sheets = []
    for name, grid in grids:
        if normalize_header(name) in SETTINGS_SHEETS:
            continue
        ctx = SheetContext(
            file=shown,
            sheet=name,
            as_of=as_of or date.today(),
            owner_rep=owner,
            settings_rep=settings.rep,
            settings_year=settings.year,
            file_year=file_year,
            as_of_given=as_of is not None,
            keep_records=keep_records,
        )
        sheet = read_grid(grid, ctx)
        if normalize_header(name) in TEMPLATE_SHEETS:
            sheet.near_miss = None  # the template's own Today sheet: no news to a rep
        sheets.append(sheet)
    return sheets


def _read_job(job: tuple[Path, Path, date | None, bool]) -> FileResult:
    return read_file(*job)


def _crashed_job(job: tuple[Path, Path, date | None, bool], reason: Text) -> FileResult:
    return FileResult(display_path(job[0]), error=reason.zh, error_en=reason.en)


def read_files(
    sources: list[tuple[Path, Path]],
    as_of: date | None,
    keep_records: bool = True,
    workers: int | None = None,
) -> Iterator[FileResult]:
    """Read many files (`read_in_workers`); results in input order. With
    `keep_records=False` only counts and problems travel back, which is cheap."""
    jobs = [(path, root, as_of, keep_records) for path, root in sources]
    return read_in_workers(jobs, _read_job, _crashed_job, workers)
