"""The meeting's figures: KPIs per rep per day / week / month, the PK ranking, praise
and under-target lists, the pipeline, and what a manager must act on (stalled
customers, two reps on one customer, overdue receivables); plus the targets sheet
(指标) a manager edits.

Pure functions over records: any `Mapping` of field name → typed value as the
registers define them (dates as `date`, money as `Decimal`, yes/no as `bool`), so the
sync, a test or the add-in call them on whatever rows they hold. The rules themselves
(a cold visit, a stalled customer, an overdue line, targets per period) live in
`rules`; this module counts with them.

Periods are counted to date: the week and month of the as-of date up to and including
that day. `due` is the share of a target due by then (`rules.target_to_date`), which is
what "behind" is measured against; `met` compares with the whole period's target.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from . import rules
from .problems import Finding, ProblemKind, Severity, ValueProblem
from .registers import REP_WORDS, normalize_header
from .values import ReadContext, is_blank, parse_money

Record = Mapping[str, Any]
PERIODS = ("day", "week", "month")
MONTHLY_TARGETS = frozenset({"signed_customers", "sales_amount", "collected_amount"})
"""Metrics whose target is set per month (split evenly over its working days)."""
MONEY_METRICS = frozenset({"sales_amount", "collected_amount"})
PK_METRICS = ("effective_calls", "wechat_adds", "new_intent_leads", "signed_customers")
"""What the evening PK ranks and the morning meeting praises."""
PRAISE_TOP = 3


# --- targets -----------------------------------------------------------------------


def target_unit(metric: str) -> str:
    return "month" if metric in MONTHLY_TARGETS else "day"


@dataclass(frozen=True)
class Targets:
    """Targets per metric for the team, and per-rep overrides (a rep's blank = team's).

    Values are in the metric's unit: per day, or per month for `MONTHLY_TARGETS`.
    """

    team: Mapping[str, Decimal | None]
    reps: Mapping[str, Mapping[str, Decimal | None]] = field(default_factory=dict)
    unread: Mapping[tuple[str | None, str], Any] = field(default_factory=dict)
    """Cells that could not be read, by (rep or None for the team, metric): written
    back as typed, so the manager sees and fixes them (the default applies meanwhile)."""

    def value(self, rep: str, metric: str) -> Decimal | None:
        own = self.reps.get(rep, {})
        return own[metric] if metric in own else self.team.get(metric)

    def _split(self, rep: str, metric: str) -> tuple[Decimal | None, Decimal | None]:
        value = self.value(rep, metric)
        return (None, value) if target_unit(metric) == "month" else (value, None)

    def for_period(self, rep: str, metric: str, period: str) -> Decimal | None:
        return rules.target_for(*self._split(rep, metric), period)

    def due(self, rep: str, metric: str, period: str, as_of: date) -> Decimal | None:
        return rules.target_to_date(*self._split(rep, metric), period, as_of)


DEFAULT_TARGETS = Targets(
    {
        m.name: m.daily_target if m.daily_target is not None else m.monthly_target
        for m in rules.METRICS
    }
)
"""DESIGN's defaults: 100 effective calls, 30 WeChat adds, 2 new intent leads, 3 cold
and 2 C+ visits a day; 3 signed customers a month."""

TEAM_WORDS = ("全部", "All")
_TEAM_KEYS = {normalize_header(w) for w in (*TEAM_WORDS, "全队", "所有人", "team", "*", "默认")}
_REP_HEADERS = {normalize_header(w) for w in REP_WORDS}
_UNIT_WORDS = {
    "zh": {"day": "每天", "month": "每月"},
    "en": {"day": "per day", "month": "per month"},
}

TARGET_INVALID = ProblemKind(
    "target.invalid",
    Severity.ERROR,
    "指标应为不小于0的数: {value}（已按默认指标计算）",
    "A target must be a number, 0 or more: {value} (the default was used)",
)


def targets_header(lang: str) -> list[str]:
    """The targets sheet's header: rep, then each metric with its unit."""
    first = "销售员" if lang == "zh" else "Rep"
    return [first] + [
        f"{m.label(lang)}（{_UNIT_WORDS[lang][target_unit(m.name)]}）"
        if lang == "zh"
        else f"{m.label(lang)} ({_UNIT_WORDS[lang][target_unit(m.name)]})"
        for m in rules.METRICS
    ]


def targets_rows(targets: Targets, reps: Iterable[str], lang: str) -> list[list[Any]]:
    """The sheet's rows: the team row (全部), then one row per rep, blank where the
    rep follows the team."""
    team_word = TEAM_WORDS[0] if lang == "zh" else TEAM_WORDS[1]
    unread = targets.unread
    rows = [
        [team_word] + [unread.get((None, m.name), targets.team.get(m.name)) for m in rules.METRICS]
    ]
    named = {rep for rep, _metric in unread if rep is not None}
    for rep in sorted(set(reps) | set(targets.reps) | named):
        own = targets.reps.get(rep, {})
        rows.append([rep] + [unread.get((rep, m.name), own.get(m.name)) for m in rules.METRICS])
    return rows


@dataclass(frozen=True)
class TargetIssue:
    """A targets cell that could not be read (0-based row and column of `rows`)."""

    row: int
    column: int
    header: str
    finding: Finding


def _metric_of(header: Any) -> str | None:
    text = normalize_header(header) if isinstance(header, str) else ""
    for m in rules.METRICS:
        if text in {normalize_header(m.zh), normalize_header(m.en), normalize_header(m.name)}:
            return m.name
    return None


def _target_value(raw: Any) -> Decimal | None:
    if is_blank(raw):
        return None
    value = parse_money(raw, ReadContext(year=2000))
    return value.normalize() if value == value.to_integral_value() else value


def targets_from_rows(rows: Sequence[Sequence[Any]]) -> tuple[Targets, list[TargetIssue]]:
    """Targets from the rows of a targets sheet (Excel, Google tab or an open workbook).

    The header is the first row whose first cell says 销售员 / Rep; metric columns are
    matched by their label (`有效通话（每天）` → effective_calls). The 全部 / All row
    sets the team; a blank team cell means no target. A rep row overrides only what it
    fills in. Missing columns keep DESIGN's defaults; an unreadable cell keeps the
    default too and is reported.
    """
    issues: list[TargetIssue] = []
    header_at = next(
        (
            i
            for i, row in enumerate(rows)
            if row and isinstance(row[0], str) and normalize_header(row[0]) in _REP_HEADERS
        ),
        None,
    )
    if header_at is None:
        return DEFAULT_TARGETS, issues
    columns = {
        c: metric
        for c, cell in enumerate(rows[header_at])
        if c > 0 and (metric := _metric_of(cell)) is not None
    }
    team: dict[str, Decimal | None] = dict(DEFAULT_TARGETS.team)
    reps: dict[str, dict[str, Decimal | None]] = {}
    unread: dict[tuple[str | None, str], Any] = {}
    for r in range(header_at + 1, len(rows)):
        row = rows[r]
        if not row or is_blank(row[0]):
            continue
        name = str(row[0]).strip()
        is_team = normalize_header(name) in _TEAM_KEYS
        values: dict[str, Decimal | None] = {}
        for c, metric in columns.items():
            raw = row[c] if c < len(row) else None
            try:
                value = _target_value(raw)
            except ValueProblem:
                issues.append(TargetIssue(r, c, str(rows[header_at][c]), TARGET_INVALID.at(raw)))
                unread[(None if is_team else name, metric)] = raw
                continue
            if value is not None or is_team:
                values[metric] = value
        if is_team:
            team.update(values)
        else:
            reps.setdefault(name, {}).update(values)
    return Targets(team, reps, unread), issues


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
        if known is None or g.day < known.day:
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
    def shortfall(self) -> Decimal:
        """How much is missing against what is due by the as-of date (0 when not behind)."""
        if self.due is None or not self.behind:
            return Decimal(0)
        return self.due - Decimal(self.actual)

    @property
    def status(self) -> str | None:
        """met (the whole period's target reached), on_pace, behind, or None (no target)."""
        if self.target is None:
            return None
        if self.met:
            return "met"
        return "behind" if self.behind else "on_pace"


_SUMS = (
    ("signed_customers", "leads", "signed_date", None),
    ("sales_amount", "shipments", "date", "amount"),
    ("collected_amount", "shipments", "date", "received"),
)
"""Metrics that are not day counts of `rules.DAY_COUNTS`: signed leads by signing date,
and shipment amounts and collections by the order's date (a line carries no date of
payment, so money collected is booked to its order's date)."""


def daily_figures(
    registers: Mapping[str, Iterable[Record]], first: Mapping[tuple[str, str], Grading]
) -> dict[tuple[str, date], Counter[str]]:
    """Each metric per (rep, day): the day counts of `rules.DAY_COUNTS` (the same ones
    the rep's Today sheet shows), the sums above and the new intent leads."""
    days: dict[tuple[str, date], Counter[str]] = defaultdict(Counter)
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
                    days[(rep, day)][spec.metric] += 1
    for metric, register, date_field, amount_field in _SUMS:
        for r in registers.get(register, ()):
            day = r.get(date_field)
            if day is None:
                continue
            amount = (r.get(amount_field) or Decimal(0)) if amount_field else 1
            days[(r["rep"], day)][metric] += amount
    for (rep, _customer), g in first.items():
        days[(rep, g.day)]["new_intent_leads"] += 1
    return days


def kpis(
    days: Mapping[tuple[str, date], Counter[str]],
    reps: Iterable[str],
    as_of: date,
    targets: Targets,
) -> list[Kpi]:
    """One entry per rep, period and metric, zeros included, in that order."""
    reps = sorted(set(reps))
    totals: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    bounds = {p: rules.period_bounds(p, as_of) for p in PERIODS}
    for (rep, day), counts in days.items():
        if day > as_of:
            continue
        for period, (start, _end) in bounds.items():
            if day >= start:
                totals[(rep, period)].update(counts)
    out = []
    for rep in reps:
        for period in PERIODS:
            start, end = bounds[period]
            counts = totals.get((rep, period), Counter())
            for m in rules.METRICS:
                zero: int | Decimal = Decimal("0.00") if m.name in MONEY_METRICS else 0
                out.append(
                    Kpi(
                        rep,
                        period,
                        start,
                        end,
                        m.name,
                        counts.get(m.name, zero),
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


def praise(entries: Iterable[Kpi], period: str, metric: str) -> list[tuple[int, Kpi]]:
    """The top three of a PK metric (ties included); nobody is praised for zero."""
    return [
        (rank, k)
        for rank, k in ranking(entries, period, metric)
        if rank <= PRAISE_TOP and k.actual > 0
    ]


def under_target(entries: Iterable[Kpi]) -> list[Kpi]:
    """Every rep, period and metric behind what is due by the as-of date."""
    return [k for k in entries if k.behind]


# --- pipeline ----------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineEntry:
    """A customer a rep works on: its latest grade and when it was first graded."""

    rep: str
    customer: str
    grade: str
    graded_on: date | None
    first_graded_on: date | None


def pipeline(
    all_gradings: Iterable[Grading], first: Mapping[tuple[str, str], Grading]
) -> list[PipelineEntry]:
    """Each (rep, customer)'s latest grade: by date, and on the same date a lead's over
    a visit's over a call's. Sorted by rep, grade, customer."""
    latest: dict[tuple[str, str], Grading] = {}
    for g in all_gradings:
        key = (g.rep, g.customer_key)
        known = latest.get(key)
        rank = (g.day or date.min, _REGISTER_WEIGHT[g.register])
        if known is None or rank >= (known.day or date.min, _REGISTER_WEIGHT[known.register]):
            latest[key] = g
    entries = [
        PipelineEntry(g.rep, g.customer, g.grade, g.day, first[key].day if key in first else None)
        for key, g in latest.items()
    ]
    return sorted(entries, key=lambda e: (e.rep, e.grade, e.customer))


# --- flags -------------------------------------------------------------------------


@dataclass(frozen=True)
class Stalled:
    """Three or more visits to one customer with no breakthrough and no new plan."""

    rep: str
    customer: str
    visits: int
    first: date
    last: date
    record: Record


def stalled_customers(visits: Iterable[Record]) -> list[Stalled]:
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for v in visits:
        groups[(v["rep"], rules.customer_key(v.get("customer")))].append(v)
    out = []
    for (rep, _key), group in groups.items():
        group.sort(key=lambda v: v["date"])
        if rules.is_stalled(group):
            since = rules.visits_since_breakthrough(group)
            last = since[-1]
            out.append(
                Stalled(rep, last["customer"], len(since), since[0]["date"], last["date"], last)
            )
    return sorted(out, key=lambda s: (s.rep, s.customer))


@dataclass(frozen=True)
class Collision:
    """Two reps claiming one customer (撞单): the earlier registration owns it."""

    customer: str
    rep: str
    registered: date | None
    owner: str
    owner_registered: date | None
    by: str
    record: Record
    owner_record: Record


def collisions(leads: Sequence[Record]) -> list[Collision]:
    """Leads of different reps that are one customer, by normalised name or by phone.

    Claims on one customer are linked through any shared name or phone; the owner is
    the rep whose lead was registered first (an undated lead comes last), and every
    other rep's claim is one collision.
    """
    parent = list(range(len(leads)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple[str, str], int] = {}
    for i, lead in enumerate(leads):
        for kind, value in (
            ("name", rules.customer_key(lead.get("customer"))),
            ("phone", lead.get("phone")),
        ):
            if not value:
                continue
            j = seen.setdefault((kind, value), i)
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(leads)):
        groups[root(i)].append(i)
    out = []
    for members in groups.values():
        claims: dict[str, Record] = {}
        for i in sorted(members, key=lambda i: _registered_order(leads[i], i)):
            claims.setdefault(leads[i]["rep"], leads[i])
        if len(claims) < 2:
            continue
        (owner, owner_lead), *others = claims.items()
        for rep, lead in others:
            same_name = rules.customer_key(lead.get("customer")) == rules.customer_key(
                owner_lead.get("customer")
            )
            out.append(
                Collision(
                    owner_lead["customer"],
                    rep,
                    lead.get("registered"),
                    owner,
                    owner_lead.get("registered"),
                    "name" if same_name else "phone",
                    lead,
                    owner_lead,
                )
            )
    return sorted(out, key=lambda c: (c.customer, c.rep))


def _registered_order(lead: Record, i: int) -> tuple[bool, date, int]:
    day = lead.get("registered")
    return (day is None, day or date.max, i)


# --- receivables -------------------------------------------------------------------


@dataclass(frozen=True)
class Receivable:
    """An order line along requisition → shipped → confirmed → collected."""

    record: Record
    status: str
    outstanding: Decimal
    overdue_days: int
    bucket: str | None


def receivables(shipments: Iterable[Record], as_of: date) -> list[Receivable]:
    out = []
    for s in shipments:
        amount = s.get("amount") or Decimal(0)
        received = s.get("received")
        days = rules.overdue_days(s.get("due_date"), amount, received, as_of)
        out.append(
            Receivable(
                s,
                rules.shipment_status(
                    s.get("ship_date"), s.get("confirmed_date"), amount, received
                ),
                rules.outstanding(amount, received),
                days,
                rules.aging_bucket(days),
            )
        )
    return sorted(
        out, key=lambda r: (r.record.get("order_no") or "", r.record.get("product") or "")
    )


@dataclass
class Aging:
    """Money outstanding for a rep (and a customer, or all of the rep's: None), split
    into not yet due and the overdue buckets of `rules.AGING_BUCKETS`."""

    rep: str
    customer: str | None
    outstanding: Decimal = Decimal("0.00")
    not_due: Decimal = Decimal("0.00")
    buckets: dict[str, Decimal] = field(
        default_factory=lambda: {label: Decimal("0.00") for *_r, label in rules.AGING_BUCKETS}
    )

    def add(self, line: Receivable) -> None:
        self.outstanding += line.outstanding
        if line.bucket is None:
            self.not_due += line.outstanding
        else:
            self.buckets[line.bucket] += line.outstanding


def aging(lines: Iterable[Receivable]) -> tuple[list[Aging], list[Aging]]:
    """Outstanding money per rep, and per rep and customer (lines with money owed)."""
    per_rep: dict[str, Aging] = {}
    per_customer: dict[tuple[str, str], Aging] = {}
    for line in lines:
        if line.outstanding <= 0:
            continue
        rep = line.record["rep"]
        name = line.record.get("customer") or ""
        per_rep.setdefault(rep, Aging(rep, None)).add(line)
        per_customer.setdefault((rep, rules.customer_key(name)), Aging(rep, name)).add(line)
    return (
        sorted(per_rep.values(), key=lambda a: a.rep),
        sorted(per_customer.values(), key=lambda a: (a.rep, -a.outstanding)),
    )


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

    @property
    def overdue(self) -> list[Receivable]:
        return [r for r in self.receivables if r.overdue_days > 0]


def rep_names(registers: Mapping[str, Iterable[Record]], targets: Targets) -> list[str]:
    """Every rep with a record in any register or a row on the targets sheet."""
    names = {r["rep"] for rows in registers.values() for r in rows if r.get("rep")}
    return sorted(names | set(targets.reps))


def figures(
    registers: Mapping[str, Sequence[Record]], as_of: date, targets: Targets = DEFAULT_TARGETS
) -> Figures:
    """The meeting's figures from the current registers (keyed calls / visits / leads /
    shipments)."""
    graded = gradings(registers)
    first = first_gradings(graded)
    reps = rep_names(registers, targets)
    return Figures(
        as_of=as_of,
        reps=reps,
        kpis=kpis(daily_figures(registers, first), reps, as_of, targets),
        pipeline=pipeline(graded, first),
        stalled=stalled_customers(registers.get("visits", ())),
        collisions=collisions(registers.get("leads", ())),
        receivables=receivables(registers.get("shipments", ()), as_of),
        objections=[
            c
            for c in registers.get("calls", ())
            if c.get("date") == as_of and (c.get("objection") or c.get("open_question"))
        ],
    )
