"""The meeting's figures: KPIs per rep per day / week / month, the PK ranking (praise and
shortfalls are the meeting's, `sync.meeting`), the pipeline; and `figures`, everything the meeting pack shows
(with the flags of `flags`, against the targets of `targets`).

Pure functions over records: any `Mapping` of field name → typed value as the
registers define them (dates as `date`, money as `Decimal`, yes/no as `bool`), so the
sync, a test or the add-in call them on whatever rows they hold. The rules themselves
(a day's counts, targets per period) live in `rules`; this module counts with them.

Periods are counted to date: the week and month of the as-of date up to and including
that day. `due` is the share of a target due by then (`rules.target_to_date`), which is
what "behind" is measured against; `met` compares with the whole period's target.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from . import flags, followups, rules
from .flags import Collision, Receivable, Stalled
from .followups import FollowUp
from .status import Status, status_of
from .targets import DEFAULT_TARGETS, Targets

Record = Mapping[str, Any]
PERIODS = ("day", "week", "month")
MONEY_METRICS = frozenset({"sales_amount", "collected_amount"})
PK_METRICS = ("effective_calls", "wechat_adds", "new_intent_leads", "signed_customers")
"""What the meetings rank (PK) and praise."""
Tally = dict[str, int | Decimal]
"""Each metric's count (or sum of money) for one rep over one day or period."""


# --- KPIs --------------------------------------------------------------------------


@dataclass(frozen=True)
class Grading:
    """A record that grades a customer A–D for a rep, on a date (None: undated lead)."""

    rep: str
    customer: str
    customer_key: str
    day: date | None
    grade: str
    register: str


_GRADED_BY = (
    ("calls", "intent_grade", "date"),
    ("visits", "customer_grade", "date"),
    ("leads", "grade", "registered"),
)
_REGISTER_WEIGHT = {"calls": 0, "visits": 1, "leads": 2}


def gradings(registers: Mapping[str, Iterable[Record]]) -> list[Grading]:
    """Every grading: a call's intent grade and a visit's customer grade on their date,
    a lead's grade on its registered date (its last contact counts for the pipeline)."""
    out = []
    for register, grade_field, date_field in _GRADED_BY:
        for r in registers.get(register, ()):
            grade = r.get(grade_field)
            if grade and r.get("customer"):
                name = r["customer"]
                out.append(
                    Grading(
                        r["rep"],
                        name,
                        rules.customer_key(name),
                        r.get(date_field),
                        grade,
                        register,
                    )
                )
    return out


def first_gradings(all_gradings: Iterable[Grading]) -> dict[tuple[str, str], Grading]:
    """The new-intent-lead rule: a customer counts for a rep on the first date any of
    that rep's records grades it A–D (undated gradings never count as new)."""
    first: dict[tuple[str, str], Grading] = {}
    for g in all_gradings:
        if g.day is None:
            continue
        key = (g.rep, g.customer_key)
        known = first.get(key)
        if known is None or g.day < (known.day or date.max):
            first[key] = g
    return first


@dataclass(frozen=True)
class Kpi:
    """One metric for one rep over one period, counted up to the as-of date."""

    rep: str
    period: str
    start: date
    end: date
    metric: str
    actual: int | Decimal
    target: Decimal | None
    due: Decimal | None

    @property
    def met(self) -> bool | None:
        return rules.target_met(self.actual, self.target)

    @property
    def ratio(self) -> Decimal | None:
        return rules.progress(self.actual, self.target)

    @property
    def behind(self) -> bool:
        return self.due is not None and Decimal(self.actual) < self.due

    @property
    def status(self) -> Status | None:
        """met (the whole period's target reached), on_pace, behind, or None (no target)."""
        return status_of(self.actual, self.target, self.due)


_SUMS = (
    ("signed_customers", "leads", "signed_date", None),
    ("sales_amount", "shipments", "date", "amount"),
    ("collected_amount", "shipments", "date", "received"),
)
"""Metrics that are not day counts of `rules.DAY_COUNTS`: signed leads by signing date,
and shipment amounts and collections by the order's date (a line carries no date of
payment, so money collected is booked to its order's date)."""


def record_tallies(registers: Mapping[str, Iterable[Record]]) -> dict[tuple[str, date], Tally]:
    """Each metric a record counts toward on its own, per (rep, day): the day counts of
    `rules.DAY_COUNTS` (the same ones the rep's Today sheet shows) and the sums above —
    every metric but the new intent leads, which need a rep's gradings across records.
    Tallies of disjoint sets of records add up (`add_tallies`), so a store keeps them
    per source and sums them."""
    days: defaultdict[tuple[str, date], Tally] = defaultdict(dict)
    by_register: dict[str, list[rules.DayCount]] = defaultdict(list)
    for spec in rules.DAY_COUNTS:
        if spec.metric != "new_intent_leads":
            by_register[spec.register].append(spec)
    for register, specs in by_register.items():
        for r in registers.get(register, ()):
            rep = r["rep"]
            for spec in specs:
                day = spec.day_of(r)
                if day is not None:
                    tally = days[(rep, day)]
                    tally[spec.metric] = tally.get(spec.metric, 0) + 1
    for metric, register, date_field, amount_field in _SUMS:
        for r in registers.get(register, ()):
            day = r.get(date_field)
            if day is None:
                continue
            amount: int | Decimal = (r.get(amount_field) or Decimal(0)) if amount_field else 1
            tally = days[(r["rep"], day)]
            tally[metric] = tally.get(metric, 0) + amount
    return dict(days)


def add_tallies(
    into: dict[tuple[str, date], Tally],
    more: Mapping[tuple[str, date], Mapping[str, int | Decimal]],
    sign: int = 1,
) -> None:
    """Add (sign 1) or take away (sign -1) tallies, in place. Only what was added is
    ever taken away (a copy of a record counted twice), so nothing comes to be missing."""
    for key, counts in more.items():
        tally = into.setdefault(key, {})
        for metric, value in counts.items():
            tally[metric] = tally.get(metric, 0) + sign * value


def daily_figures(
    registers: Mapping[str, Iterable[Record]], first: Mapping[tuple[str, str], Grading]
) -> dict[tuple[str, date], Tally]:
    """Each metric per (rep, day): the records' own tallies and the new intent leads."""
    return with_new_leads(record_tallies(registers), first)


def with_new_leads(
    tallies: Mapping[tuple[str, date], Tally], first: Mapping[tuple[str, str], Grading]
) -> dict[tuple[str, date], Tally]:
    """The tallies with each first grading counted as a new intent lead on its day."""
    days: defaultdict[tuple[str, date], Tally] = defaultdict(dict)
    for key, counts in tallies.items():
        days[key] = dict(counts)
    for (rep, _customer), g in first.items():
        if g.day is not None:  # always: `first` holds dated gradings only
            tally = days[(rep, g.day)]
            tally["new_intent_leads"] = tally.get("new_intent_leads", 0) + 1
    return days


def kpis(
    days: Mapping[tuple[str, date], Mapping[str, int | Decimal]],
    reps: Iterable[str],
    as_of: date,
    targets: Targets,
) -> list[Kpi]:
    """One entry per rep, period and metric, zeros included, in that order."""
    reps = sorted(set(reps))
    totals: defaultdict[tuple[str, str], Tally] = defaultdict(dict)
    bounds = {p: rules.period_bounds(p, as_of) for p in PERIODS}
    for (rep, day), counts in days.items():
        if day > as_of:
            continue
        for period, (start, _end) in bounds.items():
            if day >= start:
                total = totals[(rep, period)]
                for metric, value in counts.items():
                    total[metric] = total.get(metric, 0) + value
    out = []
    for rep in reps:
        for period in PERIODS:
            start, end = bounds[period]
            total = totals.get((rep, period), {})
            for m in rules.METRICS:
                zero: int | Decimal = Decimal("0.00") if m.name in MONEY_METRICS else 0
                out.append(
                    Kpi(
                        rep,
                        period,
                        start,
                        end,
                        m.name,
                        total.get(m.name, zero),
                        targets.for_period(rep, m.name, period),
                        targets.due(rep, m.name, period, as_of),
                    )
                )
    return out


def ranking(entries: Iterable[Kpi], period: str, metric: str) -> list[tuple[int, Kpi]]:
    """The PK ranking of one metric: highest first, ties share a rank (1, 2, 2, 4)."""
    chosen = sorted(
        (k for k in entries if k.period == period and k.metric == metric),
        key=lambda k: (-k.actual, k.rep),
    )
    ranked: list[tuple[int, Kpi]] = []
    for i, k in enumerate(chosen):
        rank = ranked[-1][0] if ranked and ranked[-1][1].actual == k.actual else i + 1
        ranked.append((rank, k))
    return ranked


# --- pipeline ----------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineEntry:
    """A customer a rep works on: its latest grade and when it was first graded."""

    rep: str
    customer: str
    grade: str
    graded_on: date | None
    first_graded_on: date | None


def latest_gradings(all_gradings: Iterable[Grading]) -> dict[tuple[str, str], Grading]:
    """Each (rep, customer)'s latest grading: by date, and on the same date a lead's over
    a visit's over a call's; of equals, the last one given."""
    latest: dict[tuple[str, str], Grading] = {}
    for g in all_gradings:
        key = (g.rep, g.customer_key)
        known = latest.get(key)
        rank = (g.day or date.min, _REGISTER_WEIGHT[g.register])
        if known is None or rank >= (known.day or date.min, _REGISTER_WEIGHT[known.register]):
            latest[key] = g
    return latest


def pipeline(
    all_gradings: Iterable[Grading], first: Mapping[tuple[str, str], Grading]
) -> list[PipelineEntry]:
    """Each (rep, customer)'s latest grade (`latest_gradings`) and the day it was first
    graded. Sorted by rep, grade, customer."""
    entries = [
        PipelineEntry(g.rep, g.customer, g.grade, g.day, first[key].day if key in first else None)
        for key, g in latest_gradings(all_gradings).items()
    ]
    return sorted(entries, key=lambda e: (e.rep, e.grade, e.customer))


# --- all of it ---------------------------------------------------------------------


@dataclass
class Figures:
    """Everything the meeting pack and the flags show, computed once per sync."""

    as_of: date
    reps: list[str]
    kpis: list[Kpi]
    pipeline: list[PipelineEntry]
    stalled: list[Stalled]
    collisions: list[Collision]
    receivables: list[Receivable]
    objections: list[Record]
    days: Mapping[tuple[str, date], Tally] = field(default_factory=dict)
    """Each metric per (rep, day), so the meeting can rank any day (yesterday's final
    results in the morning, and the day before for the change)."""
    targets: Targets = DEFAULT_TARGETS
    """The targets the KPIs were measured against."""
    follow_ups: list[FollowUp] = field(default_factory=list)
    """Who each rep should contact on the as-of day (`followups`)."""

    @property
    def overdue(self) -> list[Receivable]:
        return [r for r in self.receivables if r.overdue_days > 0]


@dataclass(frozen=True)
class Counted:
    """What the figures need of every record, apart from the flags: the reps with a
    record, each metric's own tallies per (rep, day) (`record_tallies`) and the
    gradings. Small next to the records, so a store keeps it per source and a sync
    adds it up instead of reading every record again."""

    reps: frozenset[str]
    tallies: Mapping[tuple[str, date], Tally]
    gradings: Sequence[Grading]


def counted(registers: Mapping[str, Iterable[Record]]) -> Counted:
    """The `Counted` of some records."""
    reps = frozenset(r["rep"] for rows in registers.values() for r in rows if r.get("rep"))
    return Counted(reps, record_tallies(registers), gradings(registers))


def figures(
    registers: Mapping[str, Sequence[Record]], as_of: date, targets: Targets = DEFAULT_TARGETS
) -> Figures:
    """The meeting's figures from the current registers (keyed calls / visits / leads /
    shipments)."""
    return figures_of(counted(registers), registers, as_of, targets)


def figures_of(
    count: Counted,
    flagged: Mapping[str, Sequence[Record]],
    as_of: date,
    targets: Targets = DEFAULT_TARGETS,
) -> Figures:
    """The meeting's figures from what was counted of every record, and the flags and
    follow-ups from `flagged`: every visit, lead, shipment and call — what
    `flags` and `followups.follow_ups` look at."""
    first = first_gradings(count.gradings)
    reps = sorted(count.reps | set(targets.reps))
    days = with_new_leads(count.tallies, first)
    customers = pipeline(count.gradings, first)
    stalled = flags.stalled_customers(flagged.get("visits", ()))
    owed = flags.receivables(flagged.get("shipments", ()), as_of)
    return Figures(
        as_of=as_of,
        reps=reps,
        kpis=kpis(days, reps, as_of, targets),
        pipeline=customers,
        stalled=stalled,
        collisions=flags.collisions(flagged.get("leads", ())),
        receivables=owed,
        objections=[
            c
            for c in flagged.get("calls", ())
            if c.get("date") == as_of
            and (c.get("objection_kind") or c.get("objection") or c.get("open_question"))
        ],
        days=days,
        targets=targets,
        follow_ups=followups.follow_ups(flagged, as_of, targets, customers, stalled, owed),
    )
