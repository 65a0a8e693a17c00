"""The master's cells land where its tables put them, typed as they were, in every reader.

`sheet_xml` streams the cells itself, rendered a column at a time with each
distinct value of a table's column rendered once, and a big table's second half
rendered by a forked child. These tests write tables full of what could go wrong
there — blanks between values and at the end of rows, short rows, booleans beside
equal numbers (True == 1) in one chunk and in another, texts that need escaping or
look like formulas, more rows than one chunk — and read the file back with openpyxl,
calamine and LibreOffice: every cell must be the table's.
"""

from __future__ import annotations

import contextlib
import random
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine

import sync.sheet_xml
from sync.forked import Forked
from sync.master_layout import layout
from sync.master_model import DATE, INT, MONEY, NUMBER, TEXT, TIME, Column, MasterSheet, Table
from sync.master_xlsx import frame_styles, write_xlsx
from sync.sheet_xml import CHUNK_ROWS, Tails, cell_xml, column_xml
from tests.sheets.libreoffice import convert, in_ci, missing_reason, soffice

Grid = dict[tuple[int, int], Any]

POOLS: list[tuple[str, list[Any]]] = [
    (TEXT, ["张三", "=1+1", "+86 138", "-5", "@rep", " lead", "trail ", "<a & b>", "", "x"]),
    (DATE, [date(2026, 11, 26), date(2000, 2, 29), datetime(2026, 1, 2, 12, 0)]),
    (TIME, [time(8, 30), time(0, 0), time(23, 59, 59)]),
    (MONEY, [Decimal("1.50"), Decimal("0"), Decimal("-12345.67"), 1, 2.5]),
    (INT, [1, 0, 7, 120000]),
    (NUMBER, [True, False, 1, 0, 1.0, 0.0, Decimal("1"), 2.5]),
    (TEXT, ["是", "否", "True", "1"]),
    (TEXT, ["甲.xlsx", "乙/登记表.xlsx"]),
]
"""Each column's kind and the values it draws from: few, so values repeat down a
column and across chunks; booleans share a column with numbers equal to them."""


def tricky_sheets() -> list[MasterSheet]:
    rng = random.Random(7)
    rows: list[list[Any]] = []
    for _ in range(CHUNK_ROWS + 7):
        row = [rng.choice(pool) if rng.random() < 0.7 else None for _kind, pool in POOLS]
        rows.append(row[: rng.randint(1, len(row))] if rng.random() < 0.1 else row)
    rows[CHUNK_ROWS - 1] = [None] * len(POOLS)  # a row of blanks at a chunk's end
    columns = [Column(f"列{c}", kind) for c, (kind, _pool) in enumerate(POOLS)]
    tables = [
        Table("混合", columns, rows, autofilter=True),
        Table("空表", [Column("a"), Column("b")], [], empty="（无）"),
        Table(None, [Column("x"), Column(""), Column("z")], [[None, None, 3], [1], []]),
    ]
    return [MasterSheet("cells", "单元格", tables, freeze=True)]


def normal(value: Any) -> Any:
    """A value as every reader can agree on it: blanks None, numbers float, dates
    datetime (openpyxl reads a date cell as a datetime), booleans tagged (True == 1.0,
    but a boolean cell is not a number cell)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    return value


def expected(sheets: list[MasterSheet]) -> dict[str, Grid]:
    """Each sheet's non-blank cells as the tables place them (0-based row, column)."""
    out = {}
    for sheet in sheets:
        grid: Grid = {}
        for p in layout(sheet):
            t = p.table
            if p.title_row is not None:
                grid[(p.title_row, 0)] = t.title
            if p.header_row is not None:
                grid.update({(p.header_row, c): h for c, h in enumerate(t.header)})
            if not t.rows and t.empty:
                grid[(p.first_row, 0)] = t.empty
            for r, row in enumerate(t.rows, start=p.first_row):
                grid.update({(r, c): v for c, v in enumerate(row)})
        out[sheet.title] = {at: normal(v) for at, v in grid.items() if normal(v) is not None}
    return out


def calamine_grids(path: Path) -> dict[str, Grid]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    out = {}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out[name] = {
            (r, c): normal(v)
            for r, row in enumerate(rows)
            for c, v in enumerate(row)
            if normal(v) is not None
        }
    return out


def openpyxl_grids(path: Path) -> dict[str, Grid]:
    book = openpyxl.load_workbook(path)
    return {
        ws.title: {
            (cell.row - 1, cell.column - 1): normal(cell.value)
            for row in ws.iter_rows()
            for cell in row
            if normal(cell.value) is not None
        }
        for ws in book.worksheets
    }


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Grid]]:
    sheets = tricky_sheets()
    path = tmp_path_factory.mktemp("cells") / "master.xlsx"
    write_xlsx(sheets, path)
    return path, expected(sheets)


def test_openpyxl_and_calamine_read_every_cell_where_the_table_put_it(
    written: tuple[Path, dict[str, Grid]],
) -> None:
    path, want = written
    cells = want["单元格"].values()
    assert len(cells) > CHUNK_ROWS * 4  # the tables really are full of values
    assert ("boolean", True) in cells and 1.0 in cells  # booleans beside equal numbers
    assert calamine_grids(path) == want
    assert openpyxl_grids(path) == want


def test_a_table_rendered_in_halves_is_the_table_rendered_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big table's second half is rendered by a forked child (`SPLIT_ROWS`): the
    sheet is the one rendered in this process alone, byte for byte."""
    sheets = tricky_sheets()
    whole, halves = tmp_path / "whole.xlsx", tmp_path / "halves.xlsx"
    write_xlsx(sheets, whole)
    children = noted_children(monkeypatch)
    write_xlsx(sheets, halves)
    assert len(children) == 1 and children[0] > 0  # the 2,007-row table, in a child
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(whole) as a, zipfile.ZipFile(halves) as b:
        assert a.read(part) == b.read(part)
    assert calamine_grids(halves) == expected(sheets)


def test_a_tail_begun_before_the_write_is_the_table_rendered_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big table's tail can be begun as soon as its sheet is known (`Tails.begin`,
    while a sync computes the other sheets) in the frame's styles, known before the
    frame is built; the write splices it in, and the sheet is the one rendered whole."""
    sheets = tricky_sheets()
    whole, early = tmp_path / "whole.xlsx", tmp_path / "early.xlsx"
    write_xlsx(sheets, whole)
    children = noted_children(monkeypatch)
    tails = Tails()
    with contextlib.closing(tails):
        tails.begin(sheets[0], frame_styles())
        assert len(children) == 1  # the 2,007-row table's tail, forked before the write
        write_xlsx(sheets, early, tails=tails)
    assert len(children) == 1  # the write took that tail and forked no other
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(whole) as a, zipfile.ZipFile(early) as b:
        assert a.read(part) == b.read(part)


def test_a_tail_begun_for_rows_that_then_changed_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table given more rows after its tail was begun is rendered again at the write:
    every row lands, the last one too."""
    sheets = tricky_sheets()
    children = noted_children(monkeypatch)
    tails = Tails()
    with contextlib.closing(tails):
        tails.begin(sheets[0], frame_styles())
        sheets[0].tables[0].rows.append(["added later", date(2026, 11, 30)])
        write_xlsx(sheets, tmp_path / "master.xlsx", tails=tails)
    assert len(children) == 2  # begun, then forked again by the write
    assert calamine_grids(tmp_path / "master.xlsx") == expected(sheets)


def noted_children(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children `sheet_xml` forks from now on, a table of more than one
    chunk being big."""
    children: list[int] = []

    class Noted(Forked):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            children.append(self.pid)

    monkeypatch.setattr(sync.sheet_xml, "Forked", Noted)
    monkeypatch.setattr(sync.sheet_xml, "SPLIT_ROWS", CHUNK_ROWS)
    return children


def test_a_boolean_after_an_equal_number_is_still_a_boolean() -> None:
    """Of 1 and a True after it, a set keeps only the 1 (True == 1): a column's booleans
    are looked for among its values, so each is written as a boolean."""
    cells = column_xml([1, True, 0.0, False, 1], "")
    assert ['t="b"' in cell for cell in cells] == [False, True, False, True, False]


def test_equal_numbers_are_written_alike() -> None:
    """A column renders each distinct value once, and equal numbers of other types are
    one key there (12 == 12.0 == Decimal("12.00")): each is written as all of them."""
    assert len({cell_xml(v, "", "") for v in (12, 12.0, Decimal("12.00"))}) == 1
    assert len({cell_xml(v, "", "") for v in (1.5, Decimal("1.50"))}) == 1
    assert len({cell_xml(v, "", "") for v in (0, -0.0, 0.0, Decimal("0.000"))}) == 1


@pytest.mark.libreoffice
def test_libreoffice_opens_the_master_with_every_cell_in_place(
    written: tuple[Path, dict[str, Grid]], tmp_path: Path
) -> None:
    if soffice() is None:
        if in_ci():
            pytest.fail(f"CI=true and {missing_reason()}")
        pytest.skip(missing_reason())
    path, want = written
    saved = convert([path], tmp_path / "lo", "ods")[path]

    def as_number(grid: Grid) -> Grid:  # LibreOffice keeps a boolean as 1 or 0
        return {at: float(v[1]) if isinstance(v, tuple) else v for at, v in grid.items()}

    assert as_number(calamine_grids(saved)["单元格"]) == as_number(want["单元格"])
