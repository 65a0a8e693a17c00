"""Where each table of a master sheet goes, and how wide each column is: the one
layout every writer of the master follows (the `.xlsx` file, the open workbook through
xlwings, the Google tabs), so the three look alike."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import zip_longest
from typing import Any

from .master_model import DATE, MONEY, PERCENT, TEXT, TIME, MasterSheet, Table

CHART_ROWS = 18
"""Rows a chart takes below its table."""
MAX_WIDTH = 60
WIDTH_SAMPLE = 400
"""Rows measured at each end of a long table for its column widths."""


@dataclass
class Placed:
    """A table placed on its sheet: 0-based rows of its title, header and data."""

    table: Table
    title_row: int | None
    header_row: int | None
    first_row: int
    last_row: int
    chart_row: int | None = None


def layout(sheet: MasterSheet) -> list[Placed]:
    """Tables stacked top-down with a blank row between them; a chart below its table."""
    placed = []
    r = 0
    for i, table in enumerate(sheet.tables):
        title_row = header_row = None
        if table.title:
            title_row, r = r, r + 1
        if table.columns:
            header_row, r = r, r + 1
        rows = len(table.rows) or (1 if table.empty else 0)
        p = Placed(table, title_row, header_row, r, r + rows - 1)
        r += rows
        if sheet.chart and sheet.chart.table == i:
            p.chart_row, r = r + 1, r + 1 + CHART_ROWS
        placed.append(p)
        r += 1
    return placed


@lru_cache(maxsize=1 << 14)
def text_width(text: str) -> int:
    """Columns a text needs: CJK characters are two wide (cached: columns repeat words)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _value_width(value: Any, kind: str) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return text_width(value)
    if kind == DATE:
        return 10
    if kind == TIME:
        return 5
    if kind == PERCENT:
        return 6
    if kind == MONEY and isinstance(value, int | float | Decimal):
        return len(f"{value:,.2f}")
    return len(str(value))


def column_widths(placed: list[Placed]) -> list[float]:
    """Each column wide enough for its header and values (a sample of long tables), so
    no date or amount shows as `####`. A value repeated down a column is measured once."""
    widths: list[int] = []
    for p in placed:
        t = p.table
        rows = (
            t.rows
            if len(t.rows) <= 2 * WIDTH_SAMPLE
            else t.rows[:WIDTH_SAMPLE] + t.rows[-WIDTH_SAMPLE:]
        )
        values_by_column = list(zip_longest(*rows))
        for c, column in enumerate(t.columns):
            values = list(values_by_column[c]) if c < len(values_by_column) else []
            width = max(
                [_value_width(column.header, TEXT)]
                + [_value_width(v, column.kind) for v in _distinct(values)]
            )
            if c == len(widths):
                widths.append(0)
            widths[c] = max(widths[c], width)
    return [min(max(w + 2, 6), MAX_WIDTH) for w in widths]


def _distinct(values: list[Any]) -> Iterable[Any]:
    """Each value once (by type too: 1 and 1.0 are equal but print differently)."""
    try:
        return [v for _type, v in set(zip(map(type, values), values, strict=True))]
    except TypeError:  # an unhashable value: all of them
        return values
