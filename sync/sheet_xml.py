"""A master sheet's cells as XML, streamed straight into the sheet's part.

Each table's rows are rendered a column at a time, with each distinct value of a
column rendered once and only its reference added per cell (`column_xml`): registers
repeat reps, dates, words and file names on every row. Every `str` is an inline
string, so text from a rep that starts with `=`, `+`, `-` or `@` is text, never a
formula, and such text carries the `quotePrefix` style so that editing it in Excel
keeps it text (`sync.excel_text`). Every `<row>` and `<c>` carries its `r`: stricter
readers (ExcelJS) refuse a cell without one.

A big table's tail is rendered and deflated by a forked child (`forked.Forked`,
`xlsx_zip.deflated`) while this process renders the rest: begun when the workbook is
written, or earlier, as soon as the table is known (`Tails`), while the sync still
computes the other sheets.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from itertools import repeat, zip_longest
from typing import Any

from sheets_templates.excel import day_fraction
from sheets_templates.problems import column_letter

from .excel_text import looks_like_formula
from .forked import Forked
from .master_layout import Placed, layout
from .master_model import RANK, TEXT, MasterSheet, Table
from .sheet_limits import cut_text
from .xlsx_zip import Deflated, deflated

CHUNK_ROWS = 2000
_EPOCH = date(1899, 12, 30).toordinal()
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_HEADER_ALIGN = {TEXT: "left", RANK: "center"}
"""Headers sit over their values: text left, ranks centred, numbers and dates right."""


# --- cells as XML ------------------------------------------------------------------

BLANK = ""
"""An empty cell is not written at all: every written cell carries its `r`."""

QUOTED = ' s="1"'
"""The style of text that looks like a formula: `quotePrefix` and nothing else. The
frame makes it its first format, so its xf index is 1 (checked there)."""


def _escape(text: str) -> str:
    if _NEEDS_ESCAPE.search(text):
        text = _ILLEGAL.sub("\ufffd", text)
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def inline_text(text: str) -> str:
    """An inline string's body (`column_xml` renders a repeated word once per chunk)."""
    text = cut_text(text)  # a no-op: `sheet_limits.fit_sheets` cut and said it before
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f"<is><t{space}>{_escape(text)}</t></is>"


def cell_xml(value: Any, style: str, text_style: str) -> str:
    """One cell after its reference (`_row` and `rows_xml` put `<c r="B7"` before it, so
    a value repeated down a column is rendered once): text as an inline string (never a
    formula), numbers, dates, times; `BLANK` for an empty cell."""
    kind = type(value)
    if kind is str:
        if not value:
            return BLANK
        if looks_like_formula(value):
            text_style = QUOTED
        return f'{text_style} t="inlineStr">{inline_text(value)}</c>'
    if value is None:
        return BLANK
    if kind is bool:
        return f'{text_style} t="b"><v>{int(value)}</v></c>'
    if kind is int:
        return f"{style}><v>{value}</v></c>"
    if kind is float or kind is Decimal:
        return f"{style}><v>{_number(value)}</v></c>"
    if kind is date:
        return f"{style}><v>{value.toordinal() - _EPOCH}</v></c>"
    if kind is datetime:
        return f"{style}><v>{value.toordinal() - _EPOCH + day_fraction(value)!r}</v></c>"
    if kind is time:
        return f"{style}><v>{day_fraction(value)!r}</v></c>"
    return cell_xml(str(value), style, text_style)


def _number(value: float | Decimal) -> str:
    """A float or decimal as its equal int is written (12.0 and Decimal("12.00") as
    12), and Decimal("1.50") as 1.5: equal values are one key of `column_xml`'s
    renderings, whichever of them came first must do for all."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return f"{value.normalize():f}" if value.is_finite() else str(value)


@lru_cache(maxsize=1 << 12)
def _opening(column: int) -> str:
    """`<c r="B` for 0-based column 1: a cell's start up to its row number."""
    return f'<c r="{column_letter(column)}'


def column_xml(
    values: Sequence[Any], style: str, text_style: str = "", known: dict[Any, str] | None = None
) -> list[str]:
    """The cells of one column over a run of rows. Each distinct value is rendered once
    and looked up for the others: registers repeat reps, dates, words and file names on
    every row, and a lookup costs a fraction of rendering. `known` holds the column's
    values rendered for earlier runs of rows, and takes this run's."""
    try:
        distinct = set(values)
    except TypeError:  # an unhashable value
        distinct = None
    if distinct is None or _has_bool(values, distinct):
        # True == 1 would share a cell with 1: booleans (rare) are rendered one by one
        return [cell_xml(value, style, text_style) for value in values]
    rendered = {} if known is None else known
    for value in distinct.difference(rendered):
        rendered[value] = cell_xml(value, style, text_style)
    return list(map(rendered.__getitem__, values))


def _has_bool(values: Sequence[Any], distinct: set[Any]) -> bool:
    """Whether `values` hold a boolean. Their set can't say: of True and 1 it keeps
    whichever came first, so only a set that holds a value equal to one is looked
    through."""
    return (True in distinct or False in distinct) and bool in set(map(type, values))


def rows_xml(
    rows: Sequence[Sequence[Any]],
    first_row: int,
    styles: Sequence[str],
    text_styles: Sequence[str] = (),
    known: Sequence[dict[Any, str]] = (),
) -> str:
    """`<row>`s of data rows from 0-based `first_row`, built column by column: each
    cell is its column's opening, its row number and its rendered value (`known`: each
    column's values rendered so far, as `column_xml`)."""
    numbers = [f'{n}"' for n in range(first_row + 1, first_row + 1 + len(rows))]
    cells = []
    for c, values in enumerate(zip_longest(*rows)):
        opening = _opening(c)
        rendered = column_xml(
            values,
            styles[c] if c < len(styles) else "",
            text_styles[c] if c < len(text_styles) else "",
            known[c] if c < len(known) else None,
        )
        if not any(rendered):  # blank over these rows (a register's unused fields)
            continue
        cells.append(
            [
                f"{opening}{n}{body}" if body else BLANK
                for n, body in zip(numbers, rendered, strict=True)
            ]
        )
    starts = [f'<row r="{n}>' for n in numbers]
    return "".join(map("".join, zip(starts, *cells, repeat("</row>"))))


@dataclass
class Styles:
    """xf indices (as ` s="N"` attributes) of the frame's formats."""

    title: str
    empty: str
    kinds: dict[str, str]
    headers: dict[str, str]
    big: dict[str, str]
    """The kinds' formats in `BIG_FONT` (`Column.big`), text included."""

    def header_for(self, kind: str) -> str:
        return self.headers[_HEADER_ALIGN.get(kind, "right")]


SPLIT_ROWS = 20_000
"""A table of more rows than this has its tail rendered and deflated by a forked child
while this process renders the rest: 0.5 s less for a 95k-row month of calls."""
EARLY_SHARE = 0.7
"""The share of a big table's rows that a child begun early renders (`Tails.begin`):
meanwhile this process still computes the figures and builds the other sheets."""


def table_xml(
    p: Placed, styles: Styles, tail: Tail | None = None
) -> Generator[bytes | Deflated, None, None]:
    """The `<row>`s of a placed table, top-down, in pieces of at most `CHUNK_ROWS` rows;
    a big table's tail as one piece, deflated by the child that rendered it: `tail`,
    begun before the write (`Tails.of`), else begun now for the second half."""
    t = p.table
    if p.title_row is not None:
        yield _row(p.title_row, [cell_xml(t.title, "", styles.title)]).encode()
    if p.header_row is not None:
        headers = [cell_xml(c.header, "", styles.header_for(c.kind)) for c in t.columns]
        yield _row(p.header_row, headers).encode()
    if not t.rows and t.empty:
        yield _row(p.first_row, [cell_xml(t.empty, "", styles.empty)]).encode()
        return
    if tail is None and len(t.rows) > SPLIT_ROWS:
        tail = forked_tail(p, styles, len(t.rows) // 2)
    if tail is None:
        yield from _data_rows(p, styles, 0, len(t.rows))
        return
    with contextlib.closing(tail.child):
        yield from _data_rows(p, styles, 0, tail.start)
        yield Deflated.of(b"".join(tail.child))


def _data_rows(p: Placed, styles: Styles, start: int, stop: int) -> Iterator[bytes]:
    """The `<row>`s of the placed table's rows `start` to `stop`, `CHUNK_ROWS` at a time,
    each distinct value of a column rendered once over them."""
    t = p.table
    column_styles = [(styles.big if c.big else styles.kinds).get(c.kind, "") for c in t.columns]
    text_styles = [styles.big[TEXT] if c.big else "" for c in t.columns]
    known: list[dict[Any, str]] = [{} for _ in t.columns]
    for first in range(start, stop, CHUNK_ROWS):
        rows = t.rows[first : min(first + CHUNK_ROWS, stop)]
        yield rows_xml(rows, p.first_row + first, column_styles, text_styles, known).encode()


@dataclass
class Tail:
    """A placed table's rows from `start` on, rendered and deflated by a forked `child`."""

    table: Table
    first_row: int
    rows: int
    start: int
    child: Forked


def forked_tail(p: Placed, styles: Styles, start: int) -> Tail:
    """A child begun now that renders and deflates the placed table's rows from `start`."""
    t, end = p.table, len(p.table.rows)
    child = Forked(lambda: deflated(_data_rows(p, styles, start, end)))
    return Tail(t, p.first_row, end, start, child)


class Tails:
    """The tails of big tables begun before their workbook is written (`begin`), each
    found by the write (`of`); closed by `contextlib.closing`, which stops a child still
    running (a sync that writes nothing after all)."""

    def __init__(self) -> None:
        self.begun: list[Tail] = []

    def begin(self, sheet: MasterSheet, styles: Styles) -> None:
        """Begin the tails of `sheet`'s big tables, `sheet` as it will be written (its
        texts and rows cut to fit: `sheet_limits.fit_sheets`), in `styles` (the frame's,
        known before it is built)."""
        for p in layout(sheet):
            rows = len(p.table.rows)
            if rows > SPLIT_ROWS:
                self.begun.append(forked_tail(p, styles, round(rows * (1 - EARLY_SHARE))))

    def of(self, p: Placed) -> Tail | None:
        """The tail begun for the placed table `p`: the very table, placed alike, its
        rows as many as then; None if none was."""
        for tail in self.begun:
            if tail.table is p.table and (tail.first_row, tail.rows) == (
                p.first_row,
                len(p.table.rows),
            ):
                return tail
        return None

    def close(self) -> None:
        for tail in self.begun:
            tail.child.close()
        self.begun = []


def _row(r: int, cells: list[str]) -> str:
    """A `<row>` of 0-based row `r` from cells rendered by `cell_xml`, from column A."""
    n = f'{r + 1}"'
    placed = [f"{_opening(c)}{n}{body}" for c, body in enumerate(cells) if body]
    return f'<row r="{n}>{"".join(placed)}</row>'
