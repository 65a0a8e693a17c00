"""A stand-in for Excel as xlwings shows it, over an openpyxl workbook.

There is no Excel on Linux, so the buttons' xlwings glue runs against this: the few
xlwings calls `addin.buttons` makes (sheets, ranges, values, colours, notes, number
formats), with Excel's own conventions — numbers come back as floats, a leading `'`
makes a value text. It stands in for Excel, not for any of our code.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet


def _xl(value: Any) -> Any:
    """A cell value as Excel hands it to Python: every number a float."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


class Note:
    def __init__(self, cell: Any) -> None:
        self.cell = cell

    @property
    def text(self) -> str:
        return self.cell.comment.text

    def delete(self) -> None:
        self.cell.comment = None


class Range:
    def __init__(self, ws: Worksheet, first: tuple[int, int], last: tuple[int, int] | None = None):
        self.ws, self.first, self.last = ws, first, last or first
        self.ndim: int | None = None

    def options(self, ndim: int | None = None) -> Range:
        self.ndim = ndim
        return self

    @property
    def row(self) -> int:
        return self.first[0]

    @property
    def column(self) -> int:
        return self.first[1]

    @property
    def last_cell(self) -> Range:
        return Range(self.ws, self.last)

    def _cells(self) -> list[list[Any]]:
        (r1, c1), (r2, c2) = self.first, self.last
        return [[self.ws.cell(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    def _shown(self, cell: Any) -> Any:
        """What Excel shows: a formula's result (the file's cached one), else the value."""
        if cell.data_type == "f":
            cached = self.ws.parent.cached
            return cached[self.ws.title][cell.coordinate].value if cached else None
        return _xl(cell.value)

    @property
    def value(self) -> Any:
        grid = [[self._shown(c) for c in row] for row in self._cells()]
        if self.ndim == 2 or len(grid) > 1 or len(grid[0]) > 1:
            return grid
        return grid[0][0]

    @value.setter
    def value(self, rows: Any) -> None:
        r1, c1 = self.first
        for dr, row in enumerate(rows if isinstance(rows, list) else [[rows]]):
            for dc, v in enumerate(row):
                cell = self.ws.cell(r1 + dr, c1 + dc)
                if isinstance(v, str) and v.startswith("'"):
                    cell.value = v[1:]
                    cell.data_type = "s"  # Excel's text prefix: shown as typed, never run
                else:
                    cell.value = v

    @property
    def color(self) -> tuple[int, int, int] | None:
        fill = self.ws.cell(*self.first).fill
        rgb = fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else None
        if not isinstance(rgb, str):
            return None
        return tuple(int(rgb[-6:][i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]

    @color.setter
    def color(self, value: str | None) -> None:
        for row in self._cells():
            for cell in row:
                cell.fill = (
                    PatternFill(fill_type=None)
                    if value is None
                    else PatternFill("solid", fgColor=value.lstrip("#").upper())
                )

    @property
    def note(self) -> Note | None:
        cell = self.ws.cell(*self.first)
        return Note(cell) if cell.comment is not None else None

    def add_note(self, text: str) -> Note:
        cell = self.ws.cell(*self.first)
        if cell.comment is not None:
            raise ValueError("This cell already has a note")
        cell.comment = Comment(text, "Excel")
        return Note(cell)

    @property
    def number_format(self) -> str:
        return self.ws.cell(*self.first).number_format

    @number_format.setter
    def number_format(self, value: str) -> None:
        for row in self._cells():
            for cell in row:
                cell.number_format = value


def _position(ref: Any) -> tuple[int, int]:
    if isinstance(ref, tuple):
        return ref
    letters, row = coordinate_from_string(ref)
    return row, column_index_from_string(letters)


class Sheet:
    def __init__(self, book: Book, ws: Worksheet) -> None:
        self.book, self.ws = book, ws

    @property
    def name(self) -> str:
        return self.ws.title

    def range(self, first: Any, last: Any = None) -> Range:
        return Range(self.ws, _position(first), _position(last) if last is not None else None)

    @property
    def used_range(self) -> Range:
        return Range(self.ws, (1, 1), (max(self.ws.max_row, 1), max(self.ws.max_column, 1)))

    def clear_contents(self) -> None:
        for row in self.ws.iter_rows():
            for cell in row:
                cell.value = None

    def delete(self) -> None:
        self.book.workbook.remove(self.ws)


class Sheets:
    def __init__(self, book: Book) -> None:
        self.book = book

    def _all(self) -> list[Sheet]:
        return [Sheet(self.book, ws) for ws in self.book.workbook.worksheets]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._all())

    def __len__(self) -> int:
        return len(self.book.workbook.worksheets)

    def __getitem__(self, key: str | int) -> Sheet:
        if isinstance(key, int):
            return self._all()[key]
        return Sheet(self.book, self.book.workbook[key])

    def add(self, name: str, after: Sheet | None = None) -> Sheet:
        return Sheet(self.book, self.book.workbook.create_sheet(name))


class Book:
    """An open workbook: `name` and `fullname` as Excel reports them."""

    def __init__(self, workbook: Workbook, path: Path) -> None:
        self.workbook, self.fullname, self.name = workbook, str(path), path.name
        self.sheets = Sheets(self)
        workbook.cached = openpyxl.load_workbook(path, data_only=True) if path.exists() else None

    @classmethod
    def open(cls, path: Path) -> Book:
        workbook = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
        if workbook.vba_archive is not None:  # openpyxl never closes it: closed with the book
            weakref.finalize(workbook, workbook.vba_archive.close)
        return cls(workbook, path)

    def save(self, path: Path) -> None:
        self.workbook.save(path)
