"""What the board and a rep's page show, as plain data for their templates.

The board is the sync's `Meeting` (the same content as the master's 晨会/夕会 sheets and
`sync --json`'s `meeting`) laid out for a TV across the room: the effective-call
ranking with medals and bars against the pace, the team's total, praise, the
under-target list and the data-health line. It names reps only: no customer and no
phone number ever reaches a viewer.

A rep's page is that rep's today against the time-of-day pace (the evening meeting's
view of today, at the sync's clock), the next checkpoint's gap ("12:00 前还差 N 个"),
and today's follow-ups (the master's 今天先联系谁: promises due, overdue payments, stalled
and quiet A/B customers), for the manager's eyes only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from sheets_templates import followups, rules
from sheets_templates.kpi import MONEY_METRICS, Figures
from sheets_templates.records import money_text
from sheets_templates.words import Count, Lang, Text

from ..master_meeting import HEADINGS, TITLES, WEEKDAYS
from ..master_words import KPI_STATUS
from ..meeting import DAY_END, NOON, Meeting, Standing, build_meeting

MAIN = "effective_calls"
"""The metric the board ranks in large print (the PK the documents describe)."""
TEAM = Text("团队合计", "Team total")
DUE = Text("应完成 {n}", "due {n}")
RANKING = Text("有效通话 PK 排名", "Effective calls ranking")
PRAISE = Text("表扬", "Praise")
SHORTFALLS = Text("未达标", "Under target")
NOBODY = Text("暂无", "none yet")
SHORT_BY = Text("{rep} · {metric} 差 {gap}", "{rep} · {metric} {gap} short")
PRAISED = Text(
    "{medal}{rep} · {metric} {actual}/{target}", "{medal}{rep} · {metric} {actual}/{target}"
)
HEALTH = Text(
    "数据：无法读取 {unreadable} 个文件 · 数据问题 {problems} 个",
    "Data: {unreadable} unreadable files · {problems} data problems",
)
WITHOUT_DATA = Text(" · 无数据：{names}", " · no data: {names}")
UNKNOWN = Text(" · 未登记：{names}", " · not on the team sheet: {names}")
FOLLOW_UPS = Count(" · 待跟进 {n} 项", " · {n} follow-up", " · {n} follow-ups")
NAMES_AND = Text("、", ", ")
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
    return rules.METRICS_BY_NAME[metric].label(lang)


@dataclass(frozen=True)
class Board:
    """The TV board: everything in it is about reps and counts, nothing about customers."""

    title: str
    heading: str
    ranking_title: str
    ranking: list[Bar]
    team: Bar | None
    praise_title: str
    praise: list[str]
    shortfalls_title: str
    shortfalls: list[str]
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
    """The data-health line: what the figures may be missing, in one line."""
    line = HEALTH(lang, unreadable=m.health.unreadable, problems=m.health.problems)
    and_ = NAMES_AND(lang)
    if m.health.reps_without_data:
        line += WITHOUT_DATA(lang, names=and_.join(m.health.reps_without_data))
    if m.health.unknown_reps:
        line += UNKNOWN(lang, names=and_.join(m.health.unknown_reps))
    return line + FOLLOW_UPS(m.follow_ups, lang)


def board(m: Meeting, lang: Lang, synced: str) -> Board:
    """The board of meeting `m`, synced at `synced` (HH:MM:SS)."""
    ranked = [s for s in m.ranking if s.metric == MAIN]
    total = next((t for t in m.totals if t.metric == MAIN), None)
    team = None
    if total is not None:
        team = Bar(
            label=TEAM(lang),
            actual=shown(MAIN, total.actual),
            target=shown(MAIN, total.target),
            filled=_percent(total.actual, total.target) or 0.0,
            pace=_percent(total.expected, total.target),
            status="",
            status_text=DUE(lang, n=shown(MAIN, total.expected)),
        )
    return Board(
        title=TITLES[m.kind](lang),
        heading=heading(m, lang, synced),
        ranking_title=RANKING(lang),
        ranking=[_bar(s, s.rep, lang) for s in ranked],
        team=team,
        praise_title=PRAISE(lang),
        praise=[
            PRAISED(
                lang,
                medal=s.medal,
                rep=s.rep,
                metric=_label(s.metric, lang),
                actual=shown(s.metric, s.actual),
                target=shown(s.metric, s.target),
            )
            for s in m.praise
        ],
        shortfalls_title=SHORTFALLS(lang),
        shortfalls=[
            SHORT_BY(lang, rep=s.rep, metric=_label(s.metric, lang), gap=shown(s.metric, s.gap))
            for s in m.shortfalls
        ],
        health=health_line(m, lang),
        nobody=NOBODY(lang),
        chart={
            "reps": [s.rep for s in ranked],
            "actual": [float(s.actual) for s in ranked],
            "due": [float(s.expected or 0) for s in ranked],
            "actualName": _label(MAIN, lang),
            "dueName": DUE(lang, n="").strip(),
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
