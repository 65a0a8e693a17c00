"""The targets sheet (指标) a manager edits: the team's targets per metric and each
rep's overrides, read back on every sync and written back with what could not be read.

Values are in each metric's unit: per day, or per month for `MONTHLY_TARGETS`; how a
target splits over a week or a month is `rules.target_for` / `rules.target_to_date`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from . import rules
from .problems import Finding, ProblemKind, Severity, ValueProblem
from .registers import REP_WORDS, normalize_header
from .values import ReadContext, is_blank, parse_money
from .words import Lang, Text

MONTHLY_TARGETS = frozenset({"signed_customers", "sales_amount", "collected_amount"})
"""Metrics whose target is set per month (split evenly over its working days)."""


def target_unit(metric: str) -> str:
    return "month" if metric in MONTHLY_TARGETS else "day"


@dataclass(frozen=True)
class Setting:
    """A number on the targets sheet that is not a KPI's target: a column read back like
    them (the team row, a rep's override), with its default and its unit."""

    name: str
    label: Text
    default: Decimal


FOLLOW_UP_AFTER = {
    "A": Setting("follow_up_a", Text("A类客户未联系", "A customers not contacted"), Decimal(3)),
    "B": Setting("follow_up_b", Text("B类客户未联系", "B customers not contacted"), Decimal(7)),
}
"""After how many working days without a call or visit an A / B customer is on the rep's
follow-up list (今天先联系谁, `followups`)."""
SETTINGS = tuple(FOLLOW_UP_AFTER.values())


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
        **{
            m.name: m.daily_target if m.daily_target is not None else m.monthly_target
            for m in rules.METRICS
        },
        **{s.name: s.default for s in SETTINGS},
    }
)
"""DESIGN's defaults: 100 effective calls, 30 WeChat adds, 2 new intent leads, 3 cold
and 2 C+ visits a day; 3 signed customers a month; A customers called or visited within
3 working days, B within 7."""

REP_HEADER = Text("销售员", "Rep")
TEAM = Text("全部", "All")
"""The first cell of the team's row: its targets apply to every rep without their own."""
_TEAM_KEYS = {normalize_header(w) for w in (*TEAM.both(), "全队", "所有人", "team", "*", "默认")}
_REP_HEADERS = {normalize_header(w) for w in REP_WORDS}
PER_UNIT = {
    "day": Text("每天", "per day"),
    "month": Text("每月", "per month"),
    "working_days": Text("工作日", "working days"),
}
TARGET_COLUMN = Text("{metric}（{unit}）", "{metric} ({unit})")
"""A metric's column header, with the unit its targets are in (`有效通话（每天）`)."""

TARGET_INVALID = ProblemKind(
    "target.invalid",
    Severity.ERROR,
    "指标应为不小于0的数: {value}（已按默认指标计算）",
    "A target must be a number, 0 or more: {value} (the default was used)",
)


@dataclass(frozen=True)
class _Column:
    name: str
    label: Text
    unit: str


_COLUMNS = (
    *(_Column(m.name, m.label, target_unit(m.name)) for m in rules.METRICS),
    *(_Column(s.name, s.label, "working_days") for s in SETTINGS),
)
"""The sheet's columns after the rep's: each metric's target, then the settings."""


def targets_header(lang: Lang) -> list[str]:
    """The targets sheet's header: rep, then each metric with its unit, then the
    settings (`A类客户未联系（工作日）`)."""
    return [REP_HEADER(lang)] + [
        TARGET_COLUMN(lang, metric=c.label(lang), unit=PER_UNIT[c.unit](lang)) for c in _COLUMNS
    ]


def targets_rows(targets: Targets, reps: Iterable[str], lang: Lang) -> list[list[Any]]:
    """The sheet's rows: the team row (全部), then one row per rep, blank where the
    rep follows the team."""
    team_word = TEAM(lang)
    unread = targets.unread
    rows = [[team_word] + [unread.get((None, c.name), targets.team.get(c.name)) for c in _COLUMNS]]
    named = {rep for rep, _metric in unread if rep is not None}
    for rep in sorted(set(reps) | set(targets.reps) | named):
        own = targets.reps.get(rep, {})
        rows.append([rep] + [unread.get((rep, c.name), own.get(c.name)) for c in _COLUMNS])
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
    for c in _COLUMNS:
        if text in {*map(normalize_header, c.label.both()), normalize_header(c.name)}:
            return c.name
    return None


def _target_value(raw: Any) -> Decimal | None:
    if is_blank(raw):
        return None
    value = parse_money(raw, ReadContext(year=2000))
    whole = value.quantize(Decimal(1))  # 100.00 or 1E+2 → 100
    return whole if value == whole else value


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
