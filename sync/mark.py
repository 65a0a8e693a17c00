"""Marking problems in a rep's workbook: fill + comment on each problem cell, and a
问题 (Problems) sheet listing them — the Check button and `salesflow mark`.

The plan (which cells, which words, how to undo the last marks) is pure and shared;
a writer only knows how to read and set a cell's fill and note. `salesflow mark`
uses openpyxl on a copy of the file (every value stays as typed); the Check button
(`addin.buttons`) uses xlwings on the open workbook. The problems come from the same
reader `salesflow check` uses.

The copy is saved in the conventional container (`[Content_Types].xml` first, as Excel
writes it), and the 问题 sheet lists typed values that look like formulas as text with
Excel's `quotePrefix` style.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import openpyxl
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook import Workbook

from sheets_templates.problems import Problem, Severity
from sheets_templates.registers import normalize_header
from sheets_templates.table import SheetResult
from sheets_templates.words import Lang

from .excel_text import looks_like_formula
from .reader import Unreadable, load_grids, read_files
from .sources import OUTPUT_MARKED, OUTPUT_PROPERTY

OPENPYXL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
"""The formats a marked copy can keep everything of (styles, formulas, notes); any other
(CSV, .xls, .ods, WPS) is copied as its values into a new `.xlsx`."""

PROBLEMS_SHEET = {"zh": "问题", "en": "Problems"}
MARK_FILL = {Severity.ERROR: "#FFC7CE", Severity.WARNING: "#FFEB9C"}
AUTHOR = "salesflow"

_COLUMNS = {
    "zh": ("工作表", "单元格", "级别", "列", "填写的值", "问题", "代码", "原底色", "加了批注"),
    "en": ("Sheet", "Cell", "Level", "Column", "Value", "Problem", "Code", "Fill", "Noted"),
}
_SEVERITY = {
    "zh": {Severity.ERROR: "错误", Severity.WARNING: "提醒"},
    "en": {Severity.ERROR: "error", Severity.WARNING: "warning"},
}
_YES = {"zh": "是", "en": "yes"}


@dataclass(frozen=True)
class Mark:
    """What one cell gets: the worst severity there and every message, one per line."""

    sheet: str
    cell: str
    severity: Severity
    note: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Placed:
    """What marking did to a cell, kept on the 问题 sheet so the next Check can undo it:
    the cell's own fill before (hex, or None) and whether the note is ours."""

    sheet: str
    cell: str
    fill: str | None
    noted: bool


def cell_of(problem: Problem) -> str:
    """Where a problem is marked: its cell; a whole-row problem (a duplicate) on the row's
    first cell; a sheet problem (a missing column) on the header row's first cell."""
    return f"{problem.column or 'A'}{problem.row or 1}"


def plan_marks(sheets: Iterable[SheetResult], lang: Lang = "zh") -> list[Mark]:
    """One mark per problem cell, in sheet and reading order."""
    by_cell: dict[tuple[str, str], list[Problem]] = {}
    for result in sheets:
        for problem in result.problems:
            by_cell.setdefault((result.sheet, cell_of(problem)), []).append(problem)
    marks = []
    for (sheet_name, cell), problems in by_cell.items():
        worst = Severity.ERROR if any(p.severity is Severity.ERROR for p in problems) else None
        marks.append(
            Mark(
                sheet=sheet_name,
                cell=cell,
                severity=worst or Severity.WARNING,
                note="\n".join(p.message(lang) for p in problems),
                problems=tuple(problems),
            )
        )
    return marks


def problems_grid(
    marks: list[Mark], placed: dict[tuple[str, str], Placed], lang: Lang
) -> list[list[Any]]:
    """The 问题 sheet: a header and one row per problem, with how to undo its mark."""
    rows: list[list[Any]] = [list(_COLUMNS[lang])]
    for mark in marks:
        done = placed[(mark.sheet, mark.cell)]
        for p in mark.problems:
            rows.append(
                [
                    mark.sheet,
                    mark.cell,
                    _SEVERITY[lang][p.severity],
                    p.header or "",
                    p.value,
                    p.message(lang),
                    p.code,
                    done.fill or "",
                    _YES[lang] if done.noted else "",
                ]
            )
    return rows


_KEPT = {"sheet": 0, "cell": 1, "fill": 7, "noted": 8}
"""The 问题 sheet's columns the next Check reads back, by position in `_COLUMNS`."""


def previous_marks(grid: list[list[Any]]) -> list[Placed]:
    """The marks a 问题 sheet (in either language) says were placed, once per cell."""
    if not grid:
        return []
    header = [normalize_header(h) if isinstance(h, str) else "" for h in grid[0]]
    columns: dict[str, int] = {}
    for names in _COLUMNS.values():
        for key, position in _KEPT.items():
            if normalize_header(names[position]) in header:
                columns.setdefault(key, header.index(normalize_header(names[position])))
    if "sheet" not in columns or "cell" not in columns:
        return []
    seen: dict[tuple[str, str], Placed] = {}
    for row in grid[1:]:
        at = {key: row[c] if c < len(row) else None for key, c in columns.items()}
        if not at["sheet"] or not at["cell"]:
            continue
        sheet, cell, fill = str(at["sheet"]), str(at["cell"]), at.get("fill")
        noted = at.get("noted") in _YES.values()
        seen.setdefault((sheet, cell), Placed(sheet, cell, str(fill) if fill else None, noted))
    return list(seen.values())


class Cells(Protocol):
    """What a writer does to a workbook's cells; everything else is shared."""

    def fill(self, sheet: str, cell: str) -> str | None: ...

    def set_fill(self, sheet: str, cell: str, color: str | None) -> None: ...

    def has_note(self, sheet: str, cell: str) -> bool: ...

    def set_note(self, sheet: str, cell: str, text: str | None) -> None: ...

    def has_sheet(self, sheet: str) -> bool: ...


def remark(cells: Cells, old: list[Placed], marks: list[Mark], lang: Lang) -> list[list[Any]]:
    """Undo the previous marks, place the new ones, return the 问题 sheet's rows.

    A cell keeps a note the rep wrote (the message is on the 问题 sheet then), and gets
    its own fill back when its problem is gone.
    """
    for p in old:
        if cells.has_sheet(p.sheet):
            cells.set_fill(p.sheet, p.cell, p.fill)
            if p.noted:
                cells.set_note(p.sheet, p.cell, None)
    placed: dict[tuple[str, str], Placed] = {}
    for mark in marks:
        noted = not cells.has_note(mark.sheet, mark.cell)
        placed[(mark.sheet, mark.cell)] = Placed(
            mark.sheet, mark.cell, cells.fill(mark.sheet, mark.cell), noted
        )
        cells.set_fill(mark.sheet, mark.cell, MARK_FILL[mark.severity])
        if noted:
            cells.set_note(mark.sheet, mark.cell, mark.note)
    return problems_grid(marks, placed, lang)


# --- `salesflow mark`: the same on a copy, with openpyxl -----------------------------


class _OpenpyxlCells:
    """`Cells` over an openpyxl workbook."""

    def __init__(self, book: Workbook) -> None:
        self.book = book

    def has_sheet(self, sheet: str) -> bool:
        return sheet in self.book.sheetnames

    def fill(self, sheet: str, cell: str) -> str | None:
        f = self.book[sheet][cell].fill
        rgb = f.fgColor.rgb if f is not None and f.fill_type == "solid" else None
        return f"#{rgb[-6:]}" if isinstance(rgb, str) else None

    def set_fill(self, sheet: str, cell: str, color: str | None) -> None:
        target = self.book[sheet][cell]
        if color is None:
            target.fill = PatternFill(fill_type=None)
        else:
            target.fill = PatternFill("solid", fgColor=color.lstrip("#").upper())

    def has_note(self, sheet: str, cell: str) -> bool:
        return self.book[sheet][cell].comment is not None

    def set_note(self, sheet: str, cell: str, text: str | None) -> None:
        target = self.book[sheet][cell]
        if text is None:
            target.comment = None
        else:
            comment = Comment(text, AUTHOR)
            comment.width, comment.height = 320, 40 + 20 * text.count("\n")
            target.comment = comment


@dataclass
class MarkResult:
    out: Path
    marks: int
    problems: int
    errors: int
    warnings: int


def default_out(path: Path) -> Path:
    """`张三.xlsx` → `张三.marked.xlsx`, beside the original (`张三.csv` → `张三.marked.xlsx`):
    a name, like the marker inside, that check and sync never read as a source."""
    suffix = path.suffix if path.suffix.lower() in OPENPYXL_SUFFIXES else ".xlsx"
    return path.with_name(f"{path.stem}.marked{suffix}")


def _load_book(path: Path) -> Workbook:
    """The workbook to mark: the file itself for Excel's own formats, else a new one
    holding each sheet's values as read (a CSV is one sheet named after the file)."""
    if path.suffix.lower() in OPENPYXL_SUFFIXES:
        return openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", rich_text=True)
    book = Workbook()
    book.remove(book.active)
    for name, grid in load_grids(path):
        sheet = book.create_sheet(name)
        for r, row in enumerate(grid, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # typed as text, stays text
    return book


def _mark_as_output(book: Workbook) -> None:
    """The marker check and sync know a marked copy by, whatever it is renamed to."""
    if OUTPUT_PROPERTY not in book.custom_doc_props.names:
        book.custom_doc_props.append(StringProperty(name=OUTPUT_PROPERTY, value=OUTPUT_MARKED))


def mark_file(
    path: Path, out: Path | None = None, as_of: date | None = None, lang: Lang = "zh"
) -> MarkResult:
    """Write a copy of a rep's workbook with its problem cells marked and a 问题 sheet.

    Raises `Unreadable` when the file cannot be read as a workbook.
    """
    out = out or default_out(path)
    [result] = read_files([(path, path.parent)], as_of or date.today(), keep_records=False)
    if result.error:
        raise Unreadable(result.error, result.error_en or result.error)
    book = _load_book(path)
    old: list[Placed] = []
    for name in PROBLEMS_SHEET.values():
        if name in book.sheetnames:
            sheet = book[name]
            old += previous_marks([list(r) for r in sheet.iter_rows(values_only=True)])
            book.remove(sheet)
    marks = plan_marks(result.sheets, lang)
    rows = remark(_OpenpyxlCells(book), old, marks, lang)
    _write_problems_sheet(book, PROBLEMS_SHEET[lang], rows)
    book.calculation.fullCalcOnLoad = True
    _mark_as_output(book)
    out.parent.mkdir(parents=True, exist_ok=True)
    _save(book, out)
    if book.vba_archive is not None:  # openpyxl leaves the macros' archive open
        book.vba_archive.close()
    problems = [p for m in marks for p in m.problems]
    return MarkResult(
        out=out,
        marks=len(marks),
        problems=len(problems),
        errors=sum(p.severity is Severity.ERROR for p in problems),
        warnings=sum(p.severity is Severity.WARNING for p in problems),
    )


CONTENT_TYPES = "[Content_Types].xml"


def _save(book: Workbook, out: Path) -> None:
    """Save with `[Content_Types].xml` first: openpyxl writes it last, and some readers
    (and Excel's own files) expect the conventional order."""
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as saved, zipfile.ZipFile(out, "w") as target:
        items = sorted(saved.infolist(), key=lambda item: item.filename != CONTENT_TYPES)
        for item in items:
            target.writestr(item, saved.read(item))


def _write_problems_sheet(book: Workbook, name: str, rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(name)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and looks_like_formula(cell.value):
                cell.data_type = "s"  # a value typed as `=…` is listed as text, not run
                cell.quotePrefix = True  # and stays text when edited in Excel
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", (14, 8, 8, 14, 18, 60, 18, 10, 8), strict=True):
        sheet.column_dimensions[letter].width = width
