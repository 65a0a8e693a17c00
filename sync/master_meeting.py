"""The master's two meeting sheets, 晨会 and 夕会, built from the meeting's content
(`meeting.Meeting`): what a manager projects at 8:30 and at 18:00.

Each sheet reads top-down as the meeting runs: the heading (which day, which clock
time), the data-health banner (what the figures may be missing, each count a link to
the sheet listing it), the PK ranking with the team total and its chart, praise,
the under-target list, and in the evening the day's objections by kind. Detail tables
(every KPI, every objection with its customer) stay on their own sheets.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sheets_templates import rules
from sheets_templates.kpi import PK_METRICS
from sheets_templates.targets import MONTHLY_TARGETS
from sheets_templates.words import Lang, Text, lang_of

from . import master_words as w
from .master_model import (
    BAD,
    GOOD,
    INT,
    NUMBER,
    PERCENT,
    TEXT,
    WARN,
    Chart,
    Column,
    MasterInput,
    MasterSheet,
    Sparkline,
    Table,
)
from .master_offices import office_tables
from .meeting import Meeting, Standing, sum_known

TITLES = {"morning": Text("晨会", "Morning meeting"), "evening": Text("夕会", "Evening meeting")}
"""Each meeting sheet's title, by the meeting's kind."""
WEEKDAYS = (
    Text("周一", "Mon"),
    Text("周二", "Tue"),
    Text("周三", "Wed"),
    Text("周四", "Thu"),
    Text("周五", "Fri"),
    Text("周六", "Sat"),
    Text("周日", "Sun"),
)
"""Monday first, as `date.weekday()` counts."""
HEADINGS = {
    "morning": Text(
        "晨会：回顾 {day}（{weekday}）全天结果 · 同步于 {synced}",
        "Morning meeting: {day} ({weekday}), the full day · synced {synced}",
    ),
    "evening": Text(
        "夕会：{day}（{weekday}）截至 {at} · 同步于 {synced}",
        "Evening meeting: {day} ({weekday}) up to {at} · synced {synced}",
    ),
}
HEALTH = Text("数据健康（点击数字查看明细）", "Data health (click a figure for the list)")
UNREADABLE_FILES = Text("无法读取的文件", "Unreadable files")
PROBLEMS = Text("数据问题", "Data problems")
WITHOUT_DATA = Text("当天无数据的销售员", "Reps with no data that day")
UNKNOWN_REPS = Text("未登记的销售员", "Unknown reps")
FOLLOW_UPS = Text("今天先联系谁", "Contact today")
PLAN = Text("今日跟进", "To contact today")
WEEK = Text("本周 完成 / 应完成", "Week: done / due")
TREND = Text("近 7 个工作日", "Last 7 working days")
RANKING = {
    "morning": Text("PK 排名（昨日全天）", "PK ranking (the full day)"),
    "evening": Text("PK 排名（今日截至 {at}）", "PK ranking (today up to {at})"),
}
PLACE = Text("名次", "Place")
EXPECTED = {
    "morning": Text("应完成（全天）", "Due (full day)"),
    "evening": Text("应完成（截至 {at}）", "Due (by {at})"),
}
CHANGE = Text("较前一工作日", "Against the day before")
THIS_MONTH = Text("{metric}（本月）", "{metric} (month)")
NO_DATA = Text("无数据", "no data")
CHART = Text("有效通话与目标（按名次）", "Effective calls against the target (by place)")
PRAISE = Text("表扬（达到目标者，按名次）", "Praise (reps at or above target, by place)")
PRAISED = Text("达标者", "At or above target")
SHORTFALLS = {
    "morning": Text(
        "未达标差额（全天目标 − 实际；空白 = 已达标）",
        "Under target (the full day's target − actual; blank: met)",
    ),
    "evening": Text(
        "未达标差额（截至 {at} 应完成 − 实际；空白 = 进度正常）",
        "Under target (due by {at} − actual; blank: on pace)",
    ),
}
OBJECTIONS = Text(
    "今日客户异议 Top 5（明细见“{sheet}”）", "Today's top 5 objections (all on “{sheet}”)"
)
TIMES = Text("次数", "Times")
AND = Text("、", ", ")
"""Between the names of a list in one cell."""

REP_COLUMN, CALLS_COLUMN, TARGET_COLUMN = 1, 2, 3
RANKING_TABLE = 2
"""The ranking is each sheet's third table (after the heading and the banner): its
chart plots effective calls per rep (by place) with the target as a line."""


def meeting_sheets(data: MasterInput, titles: Mapping[str, str]) -> list[MasterSheet]:
    """晨会 and 夕会, the sync's meeting first (the workbook opens on it); `titles` are
    every sheet's title by key, for the banner's links."""
    return [meeting_sheet(m, data, titles) for m in (data.meeting, data.other_meeting)]


def meeting_sheet(m: Meeting, data: MasterInput, titles: Mapping[str, str]) -> MasterSheet:
    lang = lang_of(data.lang)
    at = m.at.strftime("%H:%M")
    heading = HEADINGS[m.kind](
        lang,
        day=m.day.isoformat(),
        weekday=WEEKDAYS[m.day.weekday()](lang),
        at=at,
        synced=data.synced_at.strftime("%Y-%m-%d %H:%M"),
    )
    tables = [
        Table(heading, [], []),
        health_table(m, lang, titles),
        ranking_table(m, lang),
        praise_table(m, lang),
        shortfall_table(m, lang),
    ]
    if m.kind == "evening":
        tables.append(objection_table(m, lang, titles["objections"]))
    tables += office_tables(m, data)
    ranked = sum(1 for s in m.ranking if s.metric == PK_METRICS[0])
    chart = Chart(CHART(lang), RANKING_TABLE, REP_COLUMN, CALLS_COLUMN, TARGET_COLUMN, ranked)
    return MasterSheet(m.kind, TITLES[m.kind](lang), tables, chart, one_page=True)


def health_table(m: Meeting, lang: Lang, titles: Mapping[str, str]) -> Table:
    """One row of counts and names, each cell a link to the sheet that lists them."""
    h, none = m.health, w.NONE(lang)
    row: list[Any] = [
        h.unreadable,
        h.problems,
        AND(lang).join(h.reps_without_data) or none,
        AND(lang).join(h.unknown_reps) or none,
        m.follow_ups,
    ]
    columns = [
        Column(UNREADABLE_FILES(lang), INT),
        Column(PROBLEMS(lang), INT),
        Column(WITHOUT_DATA(lang), TEXT, {none: GOOD}),
        Column(UNKNOWN_REPS(lang), TEXT, {none: GOOD}),
        Column(FOLLOW_UPS(lang), INT),
    ]
    links = {
        0: titles["problems"],
        1: titles["problems"],
        2: titles["kpis"],
        3: titles["problems"],
        4: titles["follow_ups"],
    }
    return Table(HEALTH(lang), columns, [row], links=links)


def _label(metric: str, lang: Lang) -> str:
    label = rules.METRICS_BY_NAME[metric].label(lang)
    return THIS_MONTH(lang, metric=label) if metric in MONTHLY_TARGETS else label


def _place(s: Standing) -> str:
    return f"{s.medal} {s.rank}".strip()


def status_column(header: str, lang: Lang) -> Column:
    """A status column in the three words every surface uses: 达标 and 进度正常 green,
    落后 red; 无数据 (a rep with no record that day) amber, never a red zero."""
    tones = {
        w.KPI_STATUS[s](lang): t for s, t in (("met", GOOD), ("on_pace", GOOD), ("behind", BAD))
    }
    return Column(header, TEXT, tones | {NO_DATA(lang): WARN})


def ranking_table(m: Meeting, lang: Lang) -> Table:
    """Reps by their place on effective calls, each other PK metric with its place; a
    rep with no data last, said so; the team's total row at the bottom. Then the trend:
    the week so far (本周 done / due), a sparkline of the last 7 working days, in the
    morning each rep's follow-ups for today, and the 7 days' numbers the line is of."""
    at = m.at.strftime("%H:%M")
    by = {(s.rep, s.metric): s for s in m.standings}
    order = [s.rep for s in m.ranking if s.metric == PK_METRICS[0]]
    columns = [
        Column(PLACE(lang), big=True),
        Column(w.REP(lang), big=True),
        Column(_label(PK_METRICS[0], lang), INT, big=True),
        Column(w.TARGET(lang), NUMBER),
        Column(EXPECTED[m.kind](lang, at=at), NUMBER),
        Column(w.RATIO(lang), PERCENT, big=True),
        status_column(w.STATUS(lang), lang),
        Column(CHANGE(lang)),
    ]
    for metric in PK_METRICS[1:]:
        columns += [Column(_label(metric, lang), NUMBER), Column(PLACE(lang))]
    rows: list[list[Any]] = []
    for rep in order:
        s = by[(rep, PK_METRICS[0])]
        row: list[Any] = [
            _place(s),
            rep,
            s.actual,
            s.target,
            s.expected,
            rules.progress(s.actual, s.target),
            w.KPI_STATUS[s.status](lang) if s.status else None,
            s.change,
        ]
        for metric in PK_METRICS[1:]:
            other = by.get((rep, metric))
            row += [other.actual, _place(other)] if other else [None, None]
        rows.append(row)
    silent = [None] * (len(columns) - 7)
    rows += [
        [None, rep, None, None, None, None, NO_DATA(lang), *silent]
        for rep in m.health.reps_without_data
    ]
    reps = [row[1] for row in rows]
    totals = {t.metric: t for t in m.totals}
    calls = totals.get(PK_METRICS[0])
    if calls is not None:
        total: list[Any] = [
            None,
            w.TOTAL(lang),
            calls.actual,
            calls.target,
            calls.expected,
            rules.progress(calls.actual, calls.target),
            None,
            None,
        ]
        for metric in PK_METRICS[1:]:
            t = totals.get(metric)
            total += [t.actual if t else None, None]
        rows.append(total)
    sparkline = _trend(m, lang, columns, rows, reps)
    return Table(
        RANKING[m.kind](lang, at=at), columns, rows, empty=w.NONE(lang), sparkline=sparkline
    )


def week_so_far(done: int, due: Decimal | None) -> str:
    """The week so far as one figure a meeting reads aloud: "312 / 400"."""
    return f"{done:,} / {_figure(due)}" if due is not None else f"{done:,}"


def _trend(
    m: Meeting, lang: Lang, columns: list[Column], rows: list[list[Any]], reps: list[str]
) -> Sparkline | None:
    """Add the trend columns to the ranking (`ranking_table`), each rep's row and the
    total row's (the team's sums); the sparkline over the 7 days' columns."""
    trend = m.trend
    if trend is None or not rows:
        return None
    columns.append(Column(WEEK(lang)))
    line = len(columns)
    columns.append(Column(TREND(lang)))
    if m.kind == "morning":
        columns.append(Column(PLAN(lang), INT))
    first = len(columns)
    columns += [Column(f"{d:%m-%d}", INT) for d in trend.days]
    for row, rep in zip(rows, [*reps, None], strict=False):
        if rep is None:  # the total row
            done = sum(done for done, _due in trend.week.values())
            due = sum_known([due for _done, due in trend.week.values()])
            calls = [sum(day) for day in zip(*trend.calls.values(), strict=True)]
            plan = m.follow_ups
        else:
            done, due = trend.week.get(rep, (0, None))
            calls = trend.calls.get(rep, [0] * len(trend.days))
            plan = m.plan.get(rep, 0)
        row += [week_so_far(done, due), None]
        if m.kind == "morning":
            row.append(plan)
        row += calls or [0] * len(trend.days)
    return Sparkline(line, first, len(trend.days))


def praise_table(m: Meeting, lang: Lang) -> Table:
    """A line per PK metric: who reached its target, by place."""
    rows = []
    for metric in PK_METRICS:
        praised = [s for s in m.praise if s.metric == metric]
        if praised:
            names = " · ".join(f"{s.medal} {s.rep} {_figure(s.actual)}".strip() for s in praised)
            rows.append([_label(metric, lang), names])
    columns = [Column(w.METRIC(lang)), Column(PRAISED(lang))]
    return Table(PRAISE(lang), columns, rows, empty=w.NONE(lang))


def _figure(value: int | Decimal) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def shortfall_table(m: Meeting, lang: Lang) -> Table:
    """A row per rep under target on anything (in their order of place), the gap per
    metric (blank: fine); the team's total gap at the bottom."""
    at = m.at.strftime("%H:%M")
    short = m.shortfalls
    metrics = sorted({s.metric for s in short}, key=[x.name for x in rules.METRICS].index)
    gaps = {(s.rep, s.metric): s.gap for s in short}
    placed = [s.rep for s in m.ranking if s.metric == PK_METRICS[0]]
    reps = [rep for rep in placed if any(s.rep == rep for s in short)]
    rows: list[list[Any]] = [[rep, *(gaps.get((rep, x)) for x in metrics)] for rep in reps]
    if rows:
        rows.append(
            [
                w.TOTAL(lang),
                *(sum((gaps.get((r, x), Decimal(0)) for r in reps), Decimal(0)) for x in metrics),
            ]
        )
    columns = [Column(w.REP(lang)), *(Column(_label(x, lang), NUMBER) for x in metrics)]
    return Table(SHORTFALLS[m.kind](lang, at=at), columns, rows, empty=w.NONE(lang))


def objection_table(m: Meeting, lang: Lang, sheet: str) -> Table:
    """The day's five most heard objections with how often (no customer, no phone)."""
    columns = [Column(w.OBJECTION(lang)), Column(TIMES(lang), INT)]
    rows: list[list[Any]] = [[kind, n] for kind, n in m.objections]
    return Table(OBJECTIONS(lang, sheet=sheet), columns, rows, empty=w.NONE(lang))
