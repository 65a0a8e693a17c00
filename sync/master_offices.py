"""What the head office's master adds to every office's view: the office as a column
of the register and KPI sheets, and an office ranking on the meeting sheets.

Only the head office's master (`--all-offices`, `MasterInput.offices` set) has them;
an office's own master is exactly as a one-office company's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from sheets_templates import rules
from sheets_templates.kpi import PK_METRICS
from sheets_templates.registers import REGISTERS
from sheets_templates.roster import OFFICE
from sheets_templates.words import Lang, Text, lang_of

from . import master_words as w
from .master_model import INT, NUMBER, PERCENT, Column, MasterInput, Table
from .meeting import Meeting
from .offices import OfficeView

REPS = Text("人数", "Reps")
OFFICE_RANKING = Text(
    "办公室排名（团队合计，按{metric}）", "Offices ranked (team totals, by {metric})"
)


def office_columns(
    key: str, tables: list[Table], view: OfficeView | None, lang: Lang
) -> list[Table]:
    """The sheet `key`'s tables with the office as their first column on the head
    office's master (`view`; None: an office's own): a register row's office is its
    file's, a KPI row's its rep's."""
    if view is None:
        return tables
    office_of: Callable[[list[Any]], str]
    if key in REGISTERS:  # a register row ends with its file, sheet and row
        office_of = lambda row: view.by_source.get(row[-3], "")  # noqa: E731
    elif key == "kpis":  # a KPI row begins with its rep
        office_of = lambda row: view.by_rep.get(row[0], "")  # noqa: E731
    else:
        return tables
    header = Column(OFFICE(lang))
    return [
        Table(
            t.title,
            [header, *t.columns],
            [[office_of(row), *row] for row in t.rows],
            t.autofilter,
            t.empty,
            {position + 1: sheet for position, sheet in t.links.items()},
        )
        if t.columns  # a title line alone stays as it is
        else t
        for t in tables
    ]


def _sum(values: Sequence[int | Decimal | None]) -> Decimal | None:
    """A team total: the sum of what is there; None when nothing is."""
    there = [Decimal(v) for v in values if v is not None]
    return sum(there, Decimal(0)) if there else None


def office_tables(m: Meeting, data: MasterInput) -> list[Table]:
    """The office ranking on the head office's meeting sheets (none on an office's):
    each office's team totals of the PK metrics, ranked on the first (effective calls),
    with its target and how far it got; equal totals share a place."""
    view = data.offices
    if view is None:
        return []
    return [office_ranking(m, view, lang_of(data.lang))]


def office_ranking(m: Meeting, view: OfficeView, lang: Lang) -> Table:
    first = PK_METRICS[0]
    label = rules.METRICS_BY_NAME[first].label(lang)
    columns = [
        Column(w.RANK(lang), INT),
        Column(OFFICE(lang)),
        Column(REPS(lang), INT),
        Column(label, NUMBER),
        Column(w.TARGET(lang), NUMBER),
        Column(w.RATIO(lang), PERCENT),
        *(Column(rules.METRICS_BY_NAME[metric].label(lang), NUMBER) for metric in PK_METRICS[1:]),
    ]
    totals: list[list[Any]] = []
    for office in view.offices:
        reps = {rep for rep, at in view.by_rep.items() if at == office}
        mine = [s for s in m.standings if s.rep in reps]
        actual = _sum([s.actual for s in mine if s.metric == first]) or 0
        target = _sum([s.target for s in mine if s.metric == first])
        others = [_sum([s.actual for s in mine if s.metric == metric]) for metric in PK_METRICS[1:]]
        totals.append(
            [office or "—", len(reps), actual, target, rules.progress(actual, target), *others]
        )
    totals.sort(key=lambda row: (-row[2], row[0]))
    rows: list[list[Any]] = []
    for n, row in enumerate(totals):
        place = n + 1 if n == 0 or row[2] != totals[n - 1][2] else rows[-1][0]
        rows.append([place, *row])
    title = OFFICE_RANKING(lang, metric=label)
    return Table(title, columns, rows, empty=w.NONE(lang))
