"""The meeting pack's content: what 晨会 and 夕会 say, as plain data.

Pure functions from the sync's `Figures` to a `Meeting`, so the master's two meeting
sheets (`master_meeting`), `sync --json`'s `meeting` and a test all read the same
answer. The morning meeting (晨会) reviews the last working day's *final* results,
because today has barely started; the evening meeting (夕会) reviews today so far
against the time-of-day pace (`rules.expected_by`: 40 by 12:00, 100 by 17:30).

Each metric is measured over its target's unit: a daily target over the day, a
monthly one (signings) over the month so far, so three signings a month never read as
0.14 a day. A rep with no record on the reviewed day has "no data": they are named in
the health banner, never ranked, praised or listed as a red zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeAlias

from sheets_templates import followups, kpi, rules
from sheets_templates.kpi import MONEY_METRICS, PK_METRICS, Figures, Kpi
from sheets_templates.problems import Problem
from sheets_templates.status import short_by, status_of
from sheets_templates.targets import MONTHLY_TARGETS

Kind = Literal["morning", "evening"]
KINDS: tuple[Kind, ...] = ("morning", "evening")
NOON = rules.MORNING[1]
"""Before noon the meeting is the morning one, after it the evening one."""
DAY_END = rules.AFTERNOON[1]
"""The clock time a date given alone stands for (its working day is over)."""
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
UP, DOWN, SAME = "↑", "↓", "="
OBJECTIONS_TOP = 5
UNKNOWN_REP = "rep.unknown"
"""The problem code of a rep the roster does not know (`health.unknown_reps`)."""


@dataclass(frozen=True)
class Moment:
    """When a sync's meeting is held: a clock time (None: as `clock_for` says) and the
    meeting, when the user pinned it (`--meeting`)."""

    at: time | None = None
    kind: Kind | None = None


NOW = Moment()
"""The meeting the clock says (a Refresh click, a sync without `--as-of` time)."""


def kind_at(at: time, pinned: Kind | None = None) -> Kind:
    """The meeting held at `at`: morning before 12:00, evening after, unless pinned."""
    if pinned is not None:
        return pinned
    return "morning" if at < NOON else "evening"


def clock_for(as_of: date, now: datetime) -> time:
    """The time of day a date alone stands for: now on today, else the day's end."""
    return now.time().replace(second=0, microsecond=0) if as_of == now.date() else DAY_END


def previous_working_day(day: date, holidays: frozenset[date] = frozenset()) -> date:
    """The last working day before `day` (Monday's is Friday)."""
    before = day - timedelta(days=1)
    while not rules.is_working_day(before, holidays):
        before -= timedelta(days=1)
    return before


@dataclass(frozen=True)
class Standing:
    """One rep on one metric for the reviewed day: how far, against what, and where
    that puts them. `expected` is what was due (the full target in the morning, the
    pace at `at` in the evening); `rank` is None for a metric nobody ranks."""

    rep: str
    metric: str
    actual: int | Decimal
    target: Decimal | None
    expected: Decimal | None
    rank: int | None = None
    change: str | None = None

    @property
    def status(self) -> str | None:
        """met (the target reached), on_pace (what is due reached), behind; None
        without a target — the same three words as every other surface."""
        return status_of(self.actual, self.target, self.expected)

    @property
    def gap(self) -> Decimal:
        """What is missing against what was due (0 when nothing is): money to the cent,
        anything counted in whole ones (`short_by`: 2.45 signings due with 1 done is 2
        more, never "1.45"), as a rep is told on the Today sheet."""
        if self.expected is None:
            return Decimal(0)
        if self.metric in MONEY_METRICS:
            return max(Decimal(0), self.expected - Decimal(self.actual))
        return Decimal(short_by(self.actual, self.expected))

    @property
    def medal(self) -> str:
        return MEDALS.get(self.rank or 0, "")


@dataclass(frozen=True)
class Total:
    """The team's row of one metric: the reps with data, summed."""

    metric: str
    actual: int | Decimal
    target: Decimal | None
    expected: Decimal | None


@dataclass(frozen=True)
class Health:
    """What the figures may be missing: files not read, problems, silent reps."""

    unreadable: int
    problems: int
    reps_without_data: list[str]
    unknown_reps: list[str]


TREND_DAYS = 7
TREND_METRIC = PK_METRICS[0]
"""The trend is of effective calls, the metric the meetings rank first."""


@dataclass(frozen=True)
class Trend:
    """Each rep's effective calls on the last `TREND_DAYS` working days up to the
    reviewed day (oldest first), and the week so far: what was done from Monday to the
    reviewed day against the daily target times the working days of that stretch."""

    days: list[date]
    calls: Mapping[str, list[int]]
    week: Mapping[str, tuple[int, Decimal | None]]


def last_working_days(day: date, n: int, holidays: frozenset[date] = frozenset()) -> list[date]:
    """The `n` working days up to and including `day` (a working day), oldest first."""
    out = [day]
    while len(out) < n:
        out.append(previous_working_day(out[-1], holidays))
    return out[::-1]


KpisOn: TypeAlias = Callable[[date], list[Kpi]]
"""Every rep's KPIs as of a day (`kpis_on`)."""


def kpis_on(fig: Figures) -> KpisOn:
    """Every rep's KPIs as of a day (`kpi.kpis`), each day's worked out once: the two
    meetings of a sync look at three days five times, and the as-of day's are the
    figures' own."""
    known = {fig.as_of: fig.kpis}

    def on(day: date) -> list[Kpi]:
        if day not in known:
            known[day] = kpi.kpis(fig.days, fig.reps, day, fig.targets)
        return known[day]

    return on


def trend(fig: Figures, day: date, holidays: frozenset[date], on: KpisOn) -> Trend:
    """The reviewed day's trend for every rep (`Trend`)."""
    days = last_working_days(day, TREND_DAYS, holidays)
    calls = {
        rep: [int(fig.days.get((rep, d), {}).get(TREND_METRIC, 0)) for d in days]
        for rep in fig.reps
    }
    week = {
        k.rep: (int(k.actual), k.due)
        for k in on(day)
        if k.period == "week" and k.metric == TREND_METRIC
    }
    return Trend(days, calls, week)


@dataclass(frozen=True)
class Meeting:
    """One meeting: which, the day it reviews (`day`), the clock time it is held
    (`at`) and the day its ranking changes are measured against (`before`)."""

    kind: Kind
    day: date
    at: time
    before: date
    standings: list[Standing]
    totals: list[Total]
    health: Health
    follow_ups: int
    objections: list[tuple[str, int]]
    plan: Mapping[str, int] = field(default_factory=dict)
    """Today's plan: how many follow-ups each rep has (`followups`), `follow_ups` in all."""
    trend: Trend | None = None
    """Effective calls per rep over the last working days, and the week so far."""

    @property
    def ranking(self) -> list[Standing]:
        """The PK metrics, each highest first."""
        ranked = [s for s in self.standings if s.rank is not None]
        return sorted(ranked, key=lambda s: (PK_METRICS.index(s.metric), s.rank or 0, s.rep))

    @property
    def praise(self) -> list[Standing]:
        """Who met a PK metric's target (with something to show for it), by rank."""
        return [s for s in self.ranking if s.status == "met" and s.actual > 0]

    @property
    def shortfalls(self) -> list[Standing]:
        """Every rep and targeted metric behind what was due, biggest gap first."""
        behind = [s for s in self.standings if s.status == "behind"]
        return sorted(behind, key=lambda s: (_metric_order(s.metric), -s.gap, s.rep))


def _metric_order(metric: str) -> int:
    return [m.name for m in rules.METRICS].index(metric)


def _period(metric: str) -> str:
    """A metric is measured over its target's unit: the day, or the month so far."""
    return "month" if metric in MONTHLY_TARGETS else "day"


def day_kpis(on: KpisOn, day: date, reps: Sequence[str]) -> list[Kpi]:
    """Each rep's KPIs on `day`, one per metric over the metric's own period."""
    chosen = set(reps)
    return [k for k in on(day) if k.rep in chosen and k.period == _period(k.metric)]


def _expected(k: Kpi, at: time | None) -> Decimal | None:
    """What was due: all of it (the day is over), or by `at` at the day's pace."""
    if at is None or k.due is None or k.period != "day":
        return k.due
    return rules.expected_by(at, *rules.pace_split(k.due))


def _ranks(entries: list[Kpi]) -> dict[tuple[str, str], int]:
    return {
        (k.rep, metric): rank
        for metric in PK_METRICS
        for rank, k in kpi.ranking(entries, _period(metric), metric)
    }


def _change(now: int, then: int | None) -> str | None:
    if then is None:
        return None
    return UP if now < then else DOWN if now > then else SAME


def with_data(fig: Figures, day: date) -> list[str]:
    """The reps with at least one record dated `day`."""
    return [rep for rep in fig.reps if (rep, day) in fig.days]


def build_meeting(
    fig: Figures,
    at: time,
    kind: Kind,
    problems: Sequence[Problem],
    unreadable: int,
    holidays: frozenset[date] = frozenset(),
    on: KpisOn | None = None,
) -> Meeting:
    """The meeting held on `fig.as_of` at `at`: the morning one reviews the last
    working day before it (final results, due = the full target), the evening one
    today (due = the pace at `at`). Ranks change against the working day before the
    reviewed one. `on` gives a day's KPIs (`kpis_on`: both meetings share theirs)."""
    on = on or kpis_on(fig)
    day = previous_working_day(fig.as_of, holidays) if kind == "morning" else fig.as_of
    before = previous_working_day(day, holidays)
    present = with_data(fig, day)
    entries = day_kpis(on, day, present)
    ranks = _ranks(entries)
    earlier = _ranks(day_kpis(on, before, with_data(fig, before)))
    clock = at if kind == "evening" else None
    standings = []
    for k in entries:
        rank = ranks.get((k.rep, k.metric))
        if k.target is None and rank is None:
            continue
        change = _change(rank, earlier.get((k.rep, k.metric))) if rank is not None else None
        standings.append(
            Standing(k.rep, k.metric, k.actual, k.target, _expected(k, clock), rank, change)
        )
    unknown = sorted({p.value for p in problems if p.code == UNKNOWN_REP and p.value})
    return Meeting(
        kind=kind,
        day=day,
        at=at,
        before=before,
        standings=standings,
        totals=_totals(standings),
        health=Health(
            unreadable,
            len(problems),
            [rep for rep in fig.reps if rep not in present],
            unknown,
        ),
        follow_ups=len(fig.follow_ups),
        objections=top_objections(fig) if kind == "evening" else [],
        plan=followups.counts(fig.follow_ups),
        trend=trend(fig, day, holidays, on),
    )


def both_meetings(
    fig: Figures, at: time, kind: Kind, problems: Sequence[Problem], unreadable: int
) -> tuple[Meeting, Meeting]:
    """The meeting of `kind` and the other one, held at the same clock time: a sync
    shows both (晨会 and 夕会) and keeps both for `notify`, built once each."""
    other: Kind = KINDS[1 - KINDS.index(kind)]
    on = kpis_on(fig)
    return (
        build_meeting(fig, at, kind, problems, unreadable, on=on),
        build_meeting(fig, at, other, problems, unreadable, on=on),
    )


def sum_known(values: list[Decimal | None]) -> Decimal | None:
    """The sum of the values given (None: no value given at all)."""
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) if known else None


def _totals(standings: list[Standing]) -> list[Total]:
    metrics = sorted({s.metric for s in standings}, key=_metric_order)
    totals = []
    for metric in metrics:
        rows = [s for s in standings if s.metric == metric]
        actual: int | Decimal = sum((s.actual for s in rows), start=0)
        totals.append(
            Total(
                metric,
                actual,
                sum_known([s.target for s in rows]),
                sum_known([s.expected for s in rows]),
            )
        )
    return totals


def objection_kind(call: Mapping[str, Any]) -> str:
    """What an objection is counted under: its 异议类型 (the template's dropdown) when the
    rep filed it, else the objection's own words, trimmed ("" for none)."""
    return str(call.get("objection_kind") or call.get("objection") or "").strip()


def top_objections(fig: Figures) -> list[tuple[str, int]]:
    """Today's objections by kind (`objection_kind`), the five most heard, with how
    often: no customer, no phone number."""
    kinds = Counter(kind for c in fig.objections if (kind := objection_kind(c)))
    return sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))[:OBJECTIONS_TOP]
