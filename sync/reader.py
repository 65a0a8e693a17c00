"""Reading source files (which files: `sources.py`) into sheet results.

Cells are read raw with python-calamine (≈100k rows/s here, 8× openpyxl read-only),
then handed to `sheets_templates.table`, which knows what they mean. A file that
cannot be read becomes a `FileResult` with a plain reason; it never stops the others.
Many files are read by worker processes, one per core.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import python_calamine

from sheets_templates.header import year_in
from sheets_templates.problems import display
from sheets_templates.registers import REP_WORDS, normalize_header
from sheets_templates.table import SheetContext, SheetResult, fill_merged, read_grid
from sheets_templates.words import Lang

from .errors import Bilingual

SETTINGS_SHEETS = {normalize_header(n) for n in ("设置", "settings", "配置")}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CSV_ENCODINGS = ("utf-8-sig", "gb18030")
_CSV_DELIMITERS = (",", "\t", ";")
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


@dataclass
class FileResult:
    """One source file: its sheets, or why it could not be read."""

    path: str
    sheets: list[SheetResult] = field(default_factory=list)
    error: str | None = None
    error_en: str | None = None

    @property
    def status(self) -> str:
        return "unreadable" if self.error else "ok"

    def reason(self, lang: Lang = "zh") -> str | None:
        return self.error if lang == "zh" else self.error_en


class Unreadable(Bilingual):
    """A file that is not a workbook we can read, with the reason in both languages."""


def owner_of(path: Path, root: Path) -> str | None:
    """A folder per rep names the rep: `team/张三/calls.xlsx` belongs to 张三."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None
    return parts[0] if len(parts) > 1 else None


def display_path(path: Path) -> str:
    """The path as the user gave it, relative to the working folder where possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_grids(path: Path) -> list[tuple[str, list[list[Any]]]]:
    """Every sheet's cells, from A1, as raw values; raises `Unreadable` with a reason.

    Hidden sheets are read like the others (hiding a sheet is not deleting it). A
    vertically merged cell gives each of its rows its value (`fill_merged`), and a
    cell showing an error (`#DIV/0!`, `#N/A`), which calamine reads as blank, gets its
    error text back so the problem says what the rep sees.
    """
    try:
        size = path.stat().st_size
        if size == 0:
            raise Unreadable("文件是空的（0 字节）", "the file is empty (0 bytes)")
        with path.open("rb") as fh:
            head = fh.read(8)
    except PermissionError:
        raise Unreadable("文件被占用或没有读取权限", "the file is locked or not readable") from None
    except FileNotFoundError:
        raise Unreadable("文件不存在", "the file does not exist") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [(path.stem, _csv_grid(path))]
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        grids = []
        for meta in workbook.sheets_metadata:
            if not str(meta.typ).endswith("WorkSheet"):
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            grid = sheet.to_python(skip_empty_area=False)
            if suffix not in (".xlsx", ".xlsm"):  # for those the sheet XML gives them cheaper
                fill_merged(grid, sheet.merged_cell_ranges or [])
            grids.append((meta.name, grid))
    except python_calamine.PasswordError:
        raise _password_protected() from None
    except Exception as exc:  # calamine raises its own types for every kind of damage
        if head == _OLE_MAGIC:
            raise _ole_reason(path) from None
        raise Unreadable(
            f"不是有效的 Excel 文件，或文件已损坏（{type(exc).__name__}）",
            f"not a valid Excel workbook, or the file is damaged ({type(exc).__name__}: {exc})",
        ) from None
    if suffix in (".xlsx", ".xlsm"):
        _merges_and_errors(path, grids)
    return grids


def _password_protected() -> Unreadable:
    return Unreadable(
        "文件有密码保护，无法读取：请另存一份不带密码的 .xlsx",
        "the file is password-protected: save a copy without a password",
    )


def _ole_reason(path: Path) -> Unreadable:
    """An OLE container named .xlsx: an encrypted workbook, or an old .xls renamed."""
    if _ENCRYPTED_MARK in path.read_bytes():
        return _password_protected()
    return Unreadable(
        "这是旧版 Excel (.xls) 文件，但扩展名是 .xlsx：请在 Excel 中另存为 .xlsx",
        "this is an old Excel (.xls) file with an .xlsx name: save it as .xlsx in Excel",
    )


_CELL_TAG = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(/?)>')
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merges_and_errors(path: Path, grids: list[tuple[str, list[list[Any]]]]) -> None:
    """What calamine's grid lacks, from each sheet's XML (in place): merged ranges, so a
    vertically merged cell fills its rows (`fill_merged`), and error cells (`#DIV/0!`,
    `#N/A`), which calamine reads as blank, with the error text they show.

    One decompression per sheet; calamine's own `merged_cell_ranges` parses the whole
    sheet again, which costs four times as much.
    """
    with zipfile.ZipFile(path) as archive:
        parts = _sheet_parts(archive)
        names = set(archive.namelist())
        for name, grid in grids:
            part = parts.get(name)
            if part not in names:
                continue
            xml = archive.read(part)
            if b"mergeCell" in xml[xml.rfind(b"sheetData") :]:  # merges follow the cells
                ranges = [
                    ((int(r0) - 1, _column_index(c0)), (int(r1) - 1, _column_index(c1)))
                    for c0, r0, c1, r1 in _MERGE.findall(xml, xml.rfind(b"sheetData"))
                ]
                fill_merged(grid, ranges)
            at = xml.find(b't="e"')
            while at != -1:
                _restore_error(grid, xml, xml.rfind(b"<", 0, at))
                at = xml.find(b't="e"', at + 1)


def _restore_error(grid: list[list[Any]], xml: bytes, start: int) -> None:
    """The error text of the cell whose tag starts at `start`, put into the grid."""
    tag = _CELL_TAG.match(xml, start)
    if not tag or tag[3]:  # not a cell with a reference, or an empty `<c .../>`
        return
    end = _CELL_END.search(xml, tag.end())
    value = _CELL_VALUE.search(xml, tag.end(), end.start()) if end else None
    r, c = int(tag[2]) - 1, _column_index(tag[1])
    if value and r < len(grid) and c < len(grid[r]) and grid[r][c] == "":
        grid[r][c] = value[1].decode()


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part (`xl/worksheets/sheet1.xml`), from the workbook's rels."""
    try:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    except KeyError:
        return {}
    targets = {}
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId="([^"]+)"', rel[0]), re.search(r'\bTarget="([^"]+)"', rel[0])
        if rid and target:
            path = target[1].lstrip("/")
            targets[rid[1]] = path if path.startswith("xl/") else f"xl/{path}"
    parts = {}
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name, rid = (
            re.search(r'\bname="([^"]*)"', sheet[0]),
            re.search(r'\br:id="([^"]+)"', sheet[0]),
        )
        if name and rid and rid[1] in targets:
            parts[_xml_text(name[1])] = targets[rid[1]]
    return parts


def _xml_text(text: str) -> str:
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


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
        raise Unreadable(
            "CSV 文件的编码无法识别（请存为 UTF-8 或 GBK）",
            "the CSV file's encoding is not UTF-8 or GB18030/GBK",
        )
    if "\x00" in text:
        raise Unreadable("不是文本格式的 CSV 文件", "not a text CSV file")
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
    owner: str | None = None,
) -> FileResult:
    """Read one source file; an unreadable file comes back with its reason.

    `as_of` None means today, with no as-of date asked for (see `SheetContext`).
    `owner` is the rep a sync config names for this source; without one, a folder per
    rep names the rep (`owner_of`). Either comes last, after the sheet's own word.
    """
    shown = display_path(path)
    try:
        grids = load_grids(path)
    except Unreadable as exc:
        return FileResult(shown, error=exc.zh, error_en=exc.en)
    owner = owner or owner_of(path, root)
    return FileResult(
        shown, read_grids(grids, shown, as_of, owner, year_in(path.stem), keep_records)
    )


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
        sheets.append(read_grid(grid, ctx))
    return sheets


def _read_one(args: tuple[Path, Path, date | None, bool]) -> FileResult:
    return read_file(*args)


def read_files(
    sources: list[tuple[Path, Path]],
    as_of: date | None,
    keep_records: bool = True,
    workers: int | None = None,
) -> Iterator[FileResult]:
    """Read many files, in parallel when there are several; results in input order.

    Parsing is pure Python, so processes (not threads) use the second core; with
    `keep_records=False` only counts and problems travel back, which is cheap.
    """
    jobs = [(path, root, as_of, keep_records) for path, root in sources]
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(jobs) < 4:
        yield from map(_read_one, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_read_one, jobs, chunksize=max(1, len(jobs) // (workers * 4)))
