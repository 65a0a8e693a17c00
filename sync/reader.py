"""Reading source files (.xlsx, .xlsm, .csv) into sheet results.

Cells are read raw with python-calamine (≈100k rows/s here, 8× openpyxl read-only),
then handed to `sheets_templates.table`, which knows what they mean. A file that
cannot be read becomes a `FileResult` with a plain reason; it never stops the others.
Many files are read by worker processes, one per core.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import python_calamine

from sheets_templates.registers import normalize_header
from sheets_templates.table import SheetContext, SheetResult, read_grid, year_in
from sheets_templates.values import ReadContext, parse_date

SOURCE_SUFFIXES = {".xlsx", ".xlsm", ".csv"}
SETTINGS_SHEETS = {normalize_header(n) for n in ("设置", "settings", "配置")}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CSV_ENCODINGS = ("utf-8-sig", "gb18030")


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

    def reason(self, lang: str = "zh") -> str | None:
        return self.error if lang == "zh" else self.error_en


class Unreadable(Exception):
    """A file that is not a workbook we can read, with the reason in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def is_ignored(path: Path) -> bool:
    """Owner files (`~$x.xlsx`), hidden files and temporary files are not sources."""
    name = path.name
    return (
        name.startswith(("~$", ".", "~"))
        or name.endswith((".tmp", ".bak", "#"))
        or path.suffix.lower() not in SOURCE_SUFFIXES
    )


def expand(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """Each source file with the root it was found under (a folder expands recursively).

    Hidden folders are skipped like hidden files. A file named directly is taken
    even when its suffix is unusual, so the user hears why it cannot be read.
    """
    for root in paths:
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    path = Path(dirpath, name)
                    if not is_ignored(path):
                        yield path, root
        else:
            yield root, root.parent


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
    """Every sheet's cells, from A1, as raw values; raises `Unreadable` with a reason."""
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
    if path.suffix.lower() == ".csv":
        return [(path.stem, _csv_grid(path))]
    if head == _OLE_MAGIC:
        raise Unreadable(
            "文件有密码保护（或是旧版 .xls），请另存为无密码的 .xlsx",
            "the file is password-protected (or an old .xls); save it as an .xlsx without a password",
        )
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        return [
            (meta.name, workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False))
            for meta in workbook.sheets_metadata
            if str(meta.typ).endswith("WorkSheet")
        ]
    except Exception as exc:  # calamine raises its own types for every kind of damage
        raise Unreadable(
            f"不是有效的 Excel 文件，或文件已损坏（{type(exc).__name__}）",
            f"not a valid Excel workbook, or the file is damaged ({type(exc).__name__}: {exc})",
        ) from None


def _csv_grid(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    for encoding in _CSV_ENCODINGS:
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
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]


@dataclass(frozen=True)
class Settings:
    """A workbook's settings sheet (设置): whose it is and which month it covers."""

    rep: str | None = None
    year: int | None = None


_SETTING_REP = {normalize_header(w) for w in ("销售员", "业务员", "姓名", "rep", "salesperson")}
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
                rep = str(value).strip()
            elif label in _SETTING_MONTH:
                year = _year_of(value)
    return Settings(rep, year)


def _year_of(value: Any) -> int | None:
    if isinstance(value, date):
        return value.year
    if isinstance(value, int | float) and 1900 <= value <= 2999:
        return int(value)
    try:
        return parse_date(value, ReadContext(year=1)).year
    except ValueError:
        return year_in(str(value))


def read_file(path: Path, root: Path, as_of: date, keep_records: bool = True) -> FileResult:
    """Read one source file; an unreadable file comes back with its reason."""
    shown = display_path(path)
    try:
        grids = load_grids(path)
    except Unreadable as exc:
        return FileResult(shown, error=exc.zh, error_en=exc.en)
    settings = read_settings(grids)
    owner = owner_of(path, root)
    file_year = year_in(path.stem)
    result = FileResult(shown)
    for name, grid in grids:
        if normalize_header(name) in SETTINGS_SHEETS:
            continue
        ctx = SheetContext(
            file=shown,
            sheet=name,
            as_of=as_of,
            owner_rep=owner,
            settings_rep=settings.rep,
            settings_year=settings.year,
            file_year=file_year,
        )
        sheet = read_grid(grid, ctx)
        if not keep_records:
            sheet.records = []
        result.sheets.append(sheet)
    return result


def _read_one(args: tuple[Path, Path, date, bool]) -> FileResult:
    return read_file(*args)


def read_files(
    sources: list[tuple[Path, Path]],
    as_of: date,
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
