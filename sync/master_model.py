"""The master workbook's CONTENT, as plain data: what each sheet says, not how a file
stores it.

Three writers put the same `MasterSheet` list somewhere: `master_xlsx` (a file, for the
CLI), the add-in's Refresh (the open workbook, through xlwings) and the Google master
(spreadsheet tabs). A table is a list of `Column`s (header, kind, tones) and its rows;
values are plain (str, int, float, Decimal, date, time, bool, None) and a column's
`kind` tells a writer its number format. Text that came from a rep is text: every
writer must write a value of type `str` as text, never as a formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sheets_templates.kpi import Figures
from sheets_templates.problems import Problem
from sheets_templates.words import Lang

from .meeting import Meeting
from .offices import OfficeView
from .window import DEFAULT_WINDOW, Window

TEXT, INT, NUMBER, MONEY, DATE, TIME, PERCENT, RANK = (
    "text",
    "int",
    "number",
    "money",
    "date",
    "time",
    "percent",
    "rank",
)
"""Column kinds: how a writer formats a column (`number` as it comes, `rank` a centred
whole number)."""
NUMBER_FORMATS = {
    DATE: "yyyy-mm-dd",
    TIME: "hh:mm",
    MONEY: '"¥"#,##0.00',
    INT: "0",
    PERCENT: "0%",
    RANK: "0",
}
"""The number format of each column kind (Excel's codes; `text` and `number` have none),
for every writer of the master."""
GOOD, BAD, WARN = "good", "bad", "warn"
"""Tones a writer may colour a cell with (`Column.tones`)."""


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, its kind (the number format its values get)
    and the cell texts a writer colours (`{"落后": BAD}`), held together so a header
    can never drift from its format."""

    header: str
    kind: str = TEXT
    tones: Mapping[str, str] = field(default_factory=dict)
    big: bool = False
    """A figure read from across the room (the meeting's ranking): a writer that can
    shows it in a larger, bold font."""


@dataclass(frozen=True)
class Sparkline:
    """A small line chart in column `column` of every data row, of that row's `count`
    values from column `first` on (a rep's effective calls over the last 7 working
    days). The `.xlsx` writer draws a native sparkline, the Google tabs Sheets' own
    `=SPARKLINE(...)` over the same cells; a writer without either (the open workbook
    through xlwings) shows the numbers of those columns only."""

    column: int
    first: int
    count: int


@dataclass
class Table:
    """A block of a sheet: an optional title line, its columns (the header row) and
    data rows, each row a value per column in column order.

    `autofilter` asks for a filter on the header; `empty` is shown when there are no
    rows. A table without columns is a title line alone (the meeting's heading).
    `links` makes every data cell of a column (by position) a link to the top of the
    sheet titled so (the meeting's health banner → the sheets listing the problems).
    `sparkline` draws a row's numbers as a line in one of its cells (`Sparkline`).
    """

    title: str | None
    columns: list[Column]
    rows: list[list[Any]]
    autofilter: bool = False
    empty: str | None = None
    links: Mapping[int, str] = field(default_factory=dict)
    sparkline: Sparkline | None = None
    texts_fit: bool = False
    """Every text is known to fit a cell (a register whose record texts do): the look
    over every cell for one too long (`sheet_limits.fit_sheets`) is spared."""

    @property
    def header(self) -> list[str]:
        """The header row's texts, for writers that lay a row out by position."""
        return [c.header for c in self.columns]

    @property
    def tones(self) -> dict[int, Mapping[str, str]]:
        """Each coloured column's tones by its 0-based position, for writers that place
        conditional formats by position."""
        return {i: c.tones for i, c in enumerate(self.columns) if c.tones}


@dataclass
class Chart:
    """A column chart of one table's column per row, with another column as a line
    (effective calls per rep against the target); `rows` plots the first rows only
    (the ranked reps, not the no-data reps or the total row)."""

    title: str
    table: int
    categories: int
    values: int
    line: int | None = None
    rows: int | None = None


@dataclass
class MasterSheet:
    """One sheet: a stable key, a title in the team's language, its tables.

    `freeze` keeps the first table's header in view (sheets that are one long table).
    `one_page` is a sheet projected and printed as is (a meeting): its heading stays in
    view, and it prints on one landscape A4 page.
    """

    key: str
    title: str
    tables: list[Table]
    chart: Chart | None = None
    freeze: bool = False
    one_page: bool = False


Row = Mapping[str, Any]
"""A current record: its typed field values plus `source` = (file, sheet, row)."""


@dataclass
class Duplicate:
    """A record seen twice: within a sheet (the reader's `row.duplicate`) or in two
    sources (the second is not counted)."""

    register: str
    rep: str | None
    customer: str | None
    file: str
    sheet: str
    row: int | None
    message_zh: str
    message_en: str
    key: str | None = None
    first: tuple[str, str, int] | None = None

    def message(self, lang: Lang) -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass
class MasterInput:
    """Everything the master shows, gathered by the sync."""

    as_of: date
    synced_at: datetime
    lang: Lang
    registers: Mapping[str, Sequence[Row]]
    figures: Figures
    duplicates: list[Duplicate]
    problems: list[Problem]
    unreadable: list[tuple[str, str, str]]
    targets_header: list[str]
    targets_rows: list[list[Any]]
    sync_log: list[tuple[Any, ...]]
    meeting: Meeting
    other_meeting: Meeting
    """The other kind of meeting at the same time (`meeting.both_meetings`)."""
    team_rows: list[list[Any]]
    """The 团队 sheet: its header, then a row per rep (`sheets_templates.roster`)."""
    window: Window = DEFAULT_WINDOW
    """Which records the register sheets show (`sync.window`); the rest show all."""
    offices: OfficeView | None = None
    """Each source's and rep's office: the head office's master (None: one office's)."""
