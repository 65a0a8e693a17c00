"""The buttons: Refresh in the master, Check in a rep's workbook (Excel, via xlwings).

Refresh runs the same sync as `salesflow sync` and writes its sheets into the open
master (an open workbook is locked for other writers, so Excel itself must write).
Check runs the same reader as `salesflow check` over the open workbook and marks it
the way `salesflow mark` marks a copy. What is Excel-specific here is small: reading
a sheet's cells, writing a block of values, setting a fill and a note. Turning sync
results into blocks of values and deciding the marks are pure and tested without Excel.

How the buttons are wired:
- Refresh: the master's button runs xlwings' quickstart macro `SampleCall`, i.e.
  `RunPython "import salesflow_master; salesflow_master.main()"`; the
  `salesflow_master.py` written beside the master is `from addin.buttons import
  refresh as main`. RunPython works on Windows and macOS.
- Check: `SF_CHECK_BOOK` below is an xlwings script; "Import Functions" (UDF Modules
  `addin.functions;addin.buttons`) makes it a macro of the rep's workbook, which the
  template's Check button calls (Windows, with the xlwings add-in).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlwings as xw

from sheets_templates.excel import day_fraction
from sheets_templates.header import year_in
from sheets_templates.master_book import CONF_LANG, CONF_SHEET, CONF_STORE, CONF_TEAM
from sheets_templates.registers import normalize_header
from sheets_templates.templates import language_of
from sheets_templates.words import Count, Lang, Text, lang_of
from sync.crash import log_details_to, report_bug, stop_logging_details
from sync.mark import PROBLEMS_SHEET, plan_marks, previous_marks, remark
from sync.master_layout import layout
from sync.master_model import NUMBER_FORMATS, MasterSheet, Table
from sync.master_words import SHEET_TITLES
from sync.reader import read_grids

FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class MasterSettings:
    """What Refresh needs, from the master's `xlwings.conf` sheet."""

    team: Path
    store: Path
    lang: Lang


def master_settings(rows: list[list[Any]], folder: Path, store: Path) -> MasterSettings:
    """Read the `xlwings.conf` key/value rows; paths are relative to the master's folder,
    and the store is `store` (beside the master, as for `salesflow sync`) unless set."""
    conf = {
        normalize_header(r[0]): r[1]
        for r in rows
        if len(r) > 1 and isinstance(r[0], str) and r[1] not in (None, "")
    }

    def path(key: str, default: str) -> Path:
        value = Path(str(conf.get(normalize_header(key), default)))
        return value if value.is_absolute() else folder / value

    return MasterSettings(
        team=path(CONF_TEAM, "team"),
        store=path(CONF_STORE, str(store)),
        lang=lang_of(conf.get(normalize_header(CONF_LANG), "zh")),
    )


def cell_value(value: Any) -> Any:
    """A value as Excel should receive it: money as a number, a time as a fraction of a
    day (its column gets `hh:mm`), and text Excel would run as a formula (`=`, `+`, `-`,
    `@`) kept as text by Excel's `'` prefix."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, time):
        return day_fraction(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, datetime | date | int | float | bool | str) or value is None:
        return value
    return str(value)


@dataclass(frozen=True)
class Block:
    """A rectangle of values for one `range.value = ...` call: its top-left row (1-based),
    its rows, and the number format of each column that needs one."""

    row: int
    values: list[list[Any]]
    formats: dict[int, str] = field(default_factory=dict)
    head: int = 0
    """Lines above the data (title, header): formats start below them."""


@dataclass(frozen=True)
class SheetBlocks:
    title: str
    blocks: list[Block]


def table_block(row: int, title: str | None, header: list[Any], rows: list[list[Any]]) -> Block:
    """One table as a rectangle: its title line, header and rows, padded to one width
    (Excel takes only rectangles)."""
    head = ([[title]] if title else []) + ([list(header)] if header else [])
    lines = head + rows
    width = max((len(line) for line in lines), default=0)
    values = [[cell_value(v) for v in line] + [None] * (width - len(line)) for line in lines]
    return Block(row, values, head=len(head))


def master_table_block(row: int, table: Table) -> Block:
    """A master table as a rectangle from `row`, with the number format of each column
    whose kind has one (when it has rows to format)."""
    rows = [list(r) for r in table.rows] or ([[table.empty]] if table.empty else [])
    block = table_block(row, table.title, table.header, rows)
    formats = {
        c: NUMBER_FORMATS[column.kind]
        for c, column in enumerate(table.columns)
        if column.kind in NUMBER_FORMATS and table.rows
    }
    return Block(block.row, block.values, formats, block.head)


def sheet_blocks(sheets: list[MasterSheet]) -> list[SheetBlocks]:
    """A sync's master sheets as blocks, placed where the `.xlsx` master places them
    (`master_layout.layout`), so the open master looks like the file one."""
    out = []
    for sheet in sheets:
        blocks = []
        for placed in layout(sheet):
            top = next(
                r for r in (placed.title_row, placed.header_row, placed.first_row) if r is not None
            )
            blocks.append(master_table_block(top + 1, placed.table))
        out.append(SheetBlocks(sheet.title, blocks))
    return out


def targets_rows(grids: dict[str, list[list[Any]]], key: str = "targets") -> list[list[Any]] | None:
    """A sheet the manager edits (the targets, 指标 / Targets, or the team, 团队 / Team)
    as the manager left it in the open master."""
    for title in SHEET_TITLES[key].both():
        grid = grids.get(title)
        if grid:
            return grid
    return None


# --- the xlwings part: small on purpose --------------------------------------------


def _sheet(book: Any, name: str) -> Any:
    if name in [s.name for s in book.sheets]:
        return book.sheets[name]
    return book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])


def write_blocks(book: Any, sheets: list[SheetBlocks]) -> None:
    """Each sheet cleared, then one `range.value = rows` per table (and a number format
    per dated, money or percent column)."""
    for sheet in sheets:
        target = _sheet(book, sheet.title)
        target.clear_contents()
        for block in sheet.blocks:
            if not block.values:
                continue
            target.range((block.row, 1)).value = block.values
            first, last = block.row + block.head, block.row + len(block.values) - 1
            for column, number_format in block.formats.items():
                cells = target.range((first, column + 1), (last, column + 1))
                cells.number_format = number_format


def _grid(sheet: Any) -> list[list[Any]]:
    """A sheet's cells from A1 to its last used cell, as rows of raw values."""
    last = sheet.used_range.last_cell
    value = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    return value or []


def _hex(rgb: Any) -> str | None:
    return None if rgb is None else "#{:02X}{:02X}{:02X}".format(*rgb)


class _XlwingsCells:
    """`sync.mark.Cells` over an open workbook."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.names = {s.name for s in book.sheets}

    def has_sheet(self, sheet: str) -> bool:
        return sheet in self.names

    def fill(self, sheet: str, cell: str) -> str | None:
        return _hex(self.book.sheets[sheet].range(cell).color)

    def set_fill(self, sheet: str, cell: str, color: str | None) -> None:
        self.book.sheets[sheet].range(cell).color = color

    def has_note(self, sheet: str, cell: str) -> bool:
        return self.book.sheets[sheet].range(cell).note is not None

    def set_note(self, sheet: str, cell: str, text: str | None) -> None:
        target = self.book.sheets[sheet].range(cell)
        if target.note is not None:
            target.note.delete()
        if text is not None:
            target.add_note(text)


def check(book: Any = None, as_of: date | None = None) -> int:
    """Mark the open workbook's problem cells and list them on its 问题 sheet, clearing
    the previous Check's marks first. Returns how many cells were marked."""
    book = book or xw.Book.caller()
    ours = set(PROBLEMS_SHEET.values())
    lang = language_of(s.name for s in book.sheets)
    old, grids = [], []
    for sheet in book.sheets:
        if sheet.name in ours:
            old += previous_marks(_grid(sheet))
        else:
            grids.append((sheet.name, _grid(sheet)))
    results = read_grids(grids, book.name, as_of or date.today(), None, year_in(book.name))
    marks = plan_marks(results, lang)
    rows = remark(_XlwingsCells(book), old, marks, lang)
    for name in ours - {PROBLEMS_SHEET[lang]}:
        if name in [s.name for s in book.sheets]:
            book.sheets[name].delete()
    write_blocks(
        book, [SheetBlocks(PROBLEMS_SHEET[lang], [table_block(1, None, rows[0], rows[1:])])]
    )
    return len(marks)


@xw.script
def SF_CHECK_BOOK() -> None:
    """Check this workbook: mark problem cells and list them on the 问题 sheet."""
    check(xw.Book.caller())


REFRESHED = Text(
    "上次刷新 {when:%Y-%m-%d %H:%M}：{sources}，{records}，{issues}",
    "Refreshed {when:%Y-%m-%d %H:%M}: {sources}, {records}, {issues}",
)
SOURCES = Count("{n} 个来源", "{n} source", "{n} sources")
RECORDS = Count("{n} 条记录", "{n} record", "{n} records")
ISSUES = Count("{n} 个数据问题", "{n} data problem", "{n} data problems")
STATUS_CELL = "A2"
"""On the master's first sheet, under the title: what the last Refresh did, or why not."""


@dataclass
class OpenWorkbook:
    """The master open in Excel, as a sync target (`sync.run.MasterTarget`): its
    targets sheet as the manager left it, its sheets written in place through xlwings
    (an open workbook is locked for other writers)."""

    book: Any
    grids: dict[str, list[list[Any]]]

    def read_targets(self) -> list[list[Any]] | None:
        return targets_rows(self.grids)

    def read_team(self) -> list[list[Any]] | None:
        return targets_rows(self.grids, "team")

    def stamp(self) -> None:
        return None  # what Excel shows may have been edited since: always written

    def begin(self, sheet: MasterSheet) -> contextlib.AbstractContextManager[object]:
        """Nothing to make early: the sheets are written into the open workbook, all at once."""
        return contextlib.nullcontext()

    def write(
        self, sheets: list[MasterSheet], stamp: str, stop: Callable[[], bool] | None = None
    ) -> None:
        write_blocks(self.book, sheet_blocks(sheets))


def refresh(book: Any = None, as_of: date | None = None) -> None:
    """Run the sync into the open master: the same run as `salesflow sync`, its sheets
    written in place. The targets sheet is read from the book as the manager left it.
    A sync that cannot run or write (another one holds the lock, the store or the
    folder is not writable, no registers found) says why on the first sheet instead
    of showing a traceback. The technical side of what went wrong (a damaged file's
    `ZipError`, a store's own message) goes to `salesflow.log` beside the master, as
    for `salesflow sync`: the manager's words stay plain, the maintainer still learns why.
    A bug says so in one line naming the file and the log, the traceback in the log."""
    from sync.run import SyncFailed, sync_into, tune_gc
    from sync.sources import file_sources
    from sync.store import default_store

    tune_gc()
    book = book or xw.Book.caller()
    master = Path(book.fullname)
    grids = {s.name: _grid(s) for s in book.sheets}
    settings = master_settings(grids.get(CONF_SHEET, []), master.parent, default_store(master))
    lang = settings.lang
    day = as_of or date.today()
    sources = file_sources([settings.team], day, exclude=[master])
    target = OpenWorkbook(book, grids)
    log_details_to(master.parent)
    try:
        result = sync_into(sources, [target], settings.store, day, lang, lock=master)
    except SyncFailed as exc:
        status = exc.message(lang)
    except Exception as exc:  # a bug: one line here, as `salesflow sync` exits 3 with
        status = report_bug(exc, master.parent, str(master), lang)
    else:
        status = REFRESHED(
            lang,
            when=datetime.now(),
            sources=SOURCES(len(sources), lang),
            records=RECORDS(sum(result.records.values()), lang),
            issues=ISSUES(result.issues, lang),
        )
    finally:
        stop_logging_details()  # Excel's Python lives on: the next call must not write here
    book.sheets[0].range(STATUS_CELL).value = status
