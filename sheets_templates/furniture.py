"""Sheet furniture under a register's header: the rows that are not records.

A totals row (合计, 总计, Total) and a note under the table (注：…, 以上…) are typed by
reps in the middle or at the foot of their tables; they are skipped, and counted by
reason so a sheet's rows are all accounted for (see `table.SheetResult`).
"""

from __future__ import annotations

import re
from typing import Any

from .values import is_blank

SKIP_REASONS = ("totals", "notes")
"""Why a non-blank row under the header is not a record."""

_TOTALS = re.compile(
    r"^\s*(?:本[日周月年页]|当[日月]|\d{1,2}\s*月(?:份)?)?\s*(?:合\s*计|总\s*计|小\s*计|共\s*计)"
    r"\s*[:：]?\s*$|^\s*(?:grand\s*|sub\s*)?totals?\s*:?\s*$|^\s*sum\s*:?\s*$",
    re.IGNORECASE,
)
"""A totals label filling a cell: 合计, 总计, 小计, 本月合计, Total, Subtotal (never a
customer called "Total Solutions")."""
_NOTE = re.compile(
    r"^\s*(?:注意?|备注|说明|填表说明|制表人?|填表人?|审核人?|统计人?|note|notes|remarks?)\s*[:：]"
    r"|^\s*(?:以上|[*※])",
    re.IGNORECASE,
)


def data_rows(body: list[list[Any]], distinct: list[set[Any]]) -> tuple[list[int], dict[str, int]]:
    """Rows that hold a record: not blank, not a totals row, not a note under the table;
    with how many rows were skipped for each of those reasons (`totals`, `notes`)."""
    width = len(distinct)
    texts = {v for d in distinct for v in d if v.__class__ is str}
    if any(v.isspace() for v in texts if v):
        counts = [sum(1 for v in row if not is_blank(v)) for row in body]
    else:  # the usual sheet: blank cells are "" or None, counted in C
        counts = [width - row.count("") - row.count(None) for row in body]
    words = {v for v in texts if len(v) < 16 and _TOTALS.match(v)}
    data = []
    skipped = dict.fromkeys(SKIP_REASONS, 0)
    for i, filled in enumerate(counts):
        if not filled:
            continue
        if words and not words.isdisjoint(body[i]) and _is_totals_row(body[i]):
            skipped["totals"] += 1
        elif filled == 1 and _is_note_row(body[i]):
            skipped["notes"] += 1
        else:
            data.append(i)
    return data, skipped


def _is_totals_row(row: list[Any]) -> bool:
    """合计 / 总计 / 小计 (or Total) among the first cells filled in."""
    filled = [c for c in row if not is_blank(c)][:3]
    return any(isinstance(c, str) and _TOTALS.match(c) for c in filled)


def _is_note_row(row: list[Any]) -> bool:
    """A single cell of text under the table that says it is a note (注：…, 以上…, *…)."""
    (cell,) = [c for c in row if not is_blank(c)]
    return isinstance(cell, str) and bool(_NOTE.match(cell))
