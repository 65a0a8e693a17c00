"""What the board and a rep's page show, as plain data for their templates.

The board is the sync's `Meeting` (the same content as the master's 晨会/夕会 sheets and
`sync --json`'s `meeting`) laid out for a TV across the room: the effective-call
ranking with medals and bars against the pace (its top `RANKING_TOP`), the team's total,
praise, the under-target list and the data-health line, in the meeting sheet's words.
Praise and the under-target list are grouped by metric in the meeting's order, so the
page can cut a big team's lists to the screen from the end and count who it cut. It
names reps only: no customer and no phone number ever reaches a viewer.

A rep's page is that rep's today against the time-of-day pace (the evening meeting's
view of today, at the sync's clock), the next checkpoint's gap ("12:00 前还差 N 个"),
and today's follow-ups (the master's 今天先联系谁: promises due, overdue payments, stalled
and quiet A/B customers), for the manager's eyes only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from sheets_templates import followups, rules
from sheets_templates.kpi import MONEY_METRICS, Figures
from sheets_templates.records import money_text
from sheets_templates.status import status_of
from sheets_templates.targets import MONTHLY_TARGETS
from sheets_templates.words import Lang, Text

from ..master_meeting import (
    AND,
    EXPECTED,
    FOLLOW_UPS,
    HEADINGS,
    PRAISE,
    PROBLEMS,
    RANKING,
    THIS_MONTH,
    TITLES,
    UNKNOWN_REPS,
    UNREADABLE_FILES,
    WEEKDAYS,
    WITHOUT_DATA,
)
from ..master_words import KPI_STATUS, NONE, TOTAL
from ..meeting import DAY_END, NOON, Meeting, Standing, build_meeting

MAIN = "effective_calls"
"""The metric the board ranks in large print (the PK the documents describe)."""
RANKING_TOP = 10
"""Rows of the TV's ranking: a 50-rep team's would run off the screen. The rest are
counted under it (`MORE`); every place is on the master's meeting sheet."""
SHORTFALLS = Text(
    "未达标（差多少，差得多的在前）", "Under target (how far short, the furthest first)"
)
SHORT = Text("{rep} 差 {gap}", "{rep} −{gap}")
MORE = Text("还有 {n} 人", "{n} more")
"""Under a list cut to the screen: how many are not shown (never dropped unsaid)."""
LABELLED = Text("{label} {value}", "{label} {value}")
NAMED = Text("{label}：{names}", "{label}: {names}")
BY_CHECKPOINT = Text("{at} 前还差 {n} 个", "{n} more by {at}")
CHECKPOINT_MET = Text("{at} 前的进度已完成", "on pace for {at}")
DAY_OVER_SHORT = Text("今天还差 {n} 个", "{n} short today")
NO_RECORDS = Text("今天还没有记录", "no records today yet")
TODAY = Text("{rep} · {day} 截至 {at}", "{rep} · {day} up to {at}")
FOLLOW_UP = Text("{customer} · {reason}（{detail}）", "{customer} · {reason} ({detail})")
NO_FOLLOW_UPS = Text("今天没有待跟进的客户", "no follow-ups today")


def shown(metric: str, value: int | Decimal | None) -> str:
    """A figure as a person reads it: money to the cent, counts whole, a share of a
    monthly target (2.45 signings due) to one place."""
    if value is None:
        return ""
    if metric in MONEY_METRICS:
        return money_text(Decimal(value))
    number = Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{number:f}".removesuffix(".0")


def _percent(part: int | Decimal | None, whole: Decimal | None) -> float | None:
    """`part` of `whole` in percent, capped at 100 for a bar's width."""
    if part is None or not whole:
        return None
    return float(min(Decimal(100), Decimal(part) * 100 / whole).quantize(Decimal("0.1")))


@dataclass(frozen=True)
class Bar:
    """One row with a progress bar: the bar to the target, a tick at the pace."""

    label: str
    actual: str
    target: str
    filled: float
    pace: float | None
    status: str
    status_text: str
    medal: str = ""
    rank: int | None = None
    change: str | None = None


def _bar(s: Standing, label: str, lang: Lang) -> Bar:
    status = s.status or "on_pace"
    return Bar(
        label=label,
        actual=shown(s.metric, s.actual),
        target=shown(s.metric, s.target),
        filled=_percent(s.actual, s.target) or 0.0,
        pace=_percent(s.expected, s.target),
        status=status,
        status_text=KPI_STATUS[status](lang),
        medal=s.medal,
        rank=s.rank,
        change=s.change,
    )


def _label(metric: str, lang: Lang) -> str:
    """A metric's name, with 本月 for one measured over the month so far."""
    label = rules.METRICS_BY_NAME[metric].label(lang)
    return THIS_MONTH(lang, metric=label) if metric in MONTHLY_TARGETS else label


@dataclass(frozen=True)
class Group:
    """One metric's reps in a list the page fits to the screen (praise, under target),
    in the meeting's order: those that do not fit are cut from the end and counted."""

    title: str
    items: list[str]


@dataclass(frozen=True)
class Board:
    """The TV board: everything in it is about reps and counts, nothing about customers."""

    title: str
    heading: str
    ranking_title: str
    ranking: list[Bar]
    ranking_more: str | None
    """How many places are not shown (`RANKING_TOP`); None when all are."""
    team: Bar | None
    praise_title: str
    praise: list[Group]
    shortfalls_title: str
    shortfalls: list[Group]
    more: str
    """`MORE` with `{n}` left for the page, which knows how many did not fit."""
    health: str
    nobody: str
    chart: dict[str, Any]


def heading(m: Meeting, lang: Lang, synced: str) -> str:
    """The meeting's heading as the master's meeting sheet has it."""
    return HEADINGS[m.kind](
        lang,
        day=m.day.isoformat(),
        weekday=WEEKDAYS[m.day.weekday()](lang),
        at=m.at.strftime("%H:%M"),
        synced=synced,
    )


def health_line(m: Meeting, lang: Lang) -> str:
    """The data-health line, in the words of the meeting sheet's health banner: what
    the figures may be missing, in one line."""
    h = m.health
    parts = [
        LABELLED(lang, label=UNREADABLE_FILES(lang), value=h.unreadable),
        LABELLED(lang, label=PROBLEMS(lang), value=h.problems),
    ]
    for label, names in ((WITHOUT_DATA, h.reps_without_data), (UNKNOWN_REPS, h.unknown_reps)):
        if names:
            parts.append(NAMED(lang, label=label(lang), names=AND(lang).join(names)))
    parts.append(LABELLED(lang, label=FOLLOW_UPS(lang), value=m.follow_ups))
    return " · ".join(parts)


def _groups(standings: list[Standing], item: Callable[[Standing], str], lang: Lang) -> list[Group]:
    """`standings` as one `Group` per metric, each in the order given."""
    items: dict[str, list[str]] = {}
    for s in standings:
        items.setdefault(s.metric, []).append(item(s))
    return [Group(_label(metric, lang), lines) for metric, lines in items.items()]


def _team(m: Meeting, lang: Lang) -> Bar | None:
    """The team's row of the main metric: its sum against the sum of the targets."""
    total = next((t for t in m.totals if t.metric == MAIN), None)
    if total is None:
        return None
    status = status_of(total.actual, total.target, total.expected)
    return Bar(
        label=TOTAL(lang),
        actual=shown(MAIN, total.actual),
        target=shown(MAIN, total.target),
        filled=_percent(total.actual, total.target) or 0.0,
        pace=_percent(total.expected, total.target),
        status=status or "",
        status_text=KPI_STATUS[status](lang) if status else "",
    )


def board(m: Meeting, lang: Lang, synced: str) -> Board:
    """The board of meeting `m`, synced at `synced` (HH:MM:SS)."""
    ranked = [s for s in m.ranking if s.metric == MAIN]
    top = ranked[:RANKING_TOP]
    at = m.at.strftime("%H:%M")
    left = len(ranked) - len(top)
    return Board(
        title=TITLES[m.kind](lang),
        heading=heading(m, lang, synced),
        ranking_title=f"{_label(MAIN, lang)} · {RANKING[m.kind](lang, at=at)}",
        ranking=[_bar(s, s.rep, lang) for s in top],
        ranking_more=MORE(lang, n=left) if left else None,
        team=_team(m, lang),
        praise_title=PRAISE(lang),
        praise=_groups(
            m.praise,
            lambda s: f"{s.medal}{s.rep} {shown(s.metric, s.actual)}/{shown(s.metric, s.target)}",
            lang,
        ),
        shortfalls_title=SHORTFALLS(lang),
        shortfalls=_groups(
            m.shortfalls, lambda s: SHORT(lang, rep=s.rep, gap=shown(s.metric, s.gap)), lang
        ),
        more=MORE(lang, n="{n}"),
        health=health_line(m, lang),
        nobody=NONE(lang),
        chart={
            "reps": [s.rep for s in top],
            "actual": [float(s.actual) for s in top],
            "due": [float(s.expected or 0) for s in top],
            "actualName": _label(MAIN, lang),
            "dueName": EXPECTED[m.kind](lang, at=at),
        },
    )


@dataclass(frozen=True)
class RepDay:
    """One rep's today, for a phone."""

    rep: str
    heading: str
    pace: str
    bars: list[Bar]
    follow_ups: list[str]


def checkpoint_words(actual: int | Decimal, target: Decimal, at: time, lang: Lang) -> str:
    """How far from the next pace checkpoint (12:00, then 17:30) a rep is at `at`."""
    goal = NOON if at < NOON else DAY_END
    missing = rules.expected_by(goal, *rules.pace_split(target)) - Decimal(actual)
    n = int(missing.to_integral_value(ROUND_CEILING))
    if at >= DAY_END:
        return DAY_OVER_SHORT(lang, n=n) if n > 0 else KPI_STATUS["met"](lang)
    clock = goal.strftime("%H:%M")
    return BY_CHECKPOINT(lang, at=clock, n=n) if n > 0 else CHECKPOINT_MET(lang, at=clock)


def rep_day(fig: Figures, at: time, rep: str, lang: Lang) -> RepDay:
    """`rep`'s day so far at `at`: each targeted metric against its pace, the gap to
    the next checkpoint, and the rep's 今天先联系谁 list (`followups`)."""
    today = build_meeting(fig, at, "evening", [], 0)
    mine = [s for s in today.standings if s.rep == rep and s.target is not None]
    main = next((s for s in mine if s.metric == MAIN), None)
    if main is not None and main.target is not None:
        pace = checkpoint_words(main.actual, main.target, at, lang)
    else:
        pace = NO_RECORDS(lang)
    follow_ups = [
        FOLLOW_UP(
            lang,
            customer=f.customer,
            reason=followups.REASONS[f.reason](lang),
            detail=followups.detail(f, lang),
        )
        for f in fig.follow_ups
        if f.rep == rep
    ]
    return RepDay(
        rep=rep,
        heading=TODAY(lang, rep=rep, day=fig.as_of.isoformat(), at=at.strftime("%H:%M")),
        pace=pace,
        bars=[_bar(s, _label(s.metric, lang), lang) for s in mine],
        follow_ups=follow_ups or [NO_FOLLOW_UPS(lang)],
    )
