"""The meeting pack's content on a hand-worked team of four, effective calls 10 a day.

Effective calls (10 a day):      Tue 11-24   Wed 11-25   Thu 11-26 (the as-of day)
    甲                                5           12           2
    乙                                9            7           8
    丙                               10           10          10
    丁                                3            —           —

At 08:30 on Thursday the morning meeting reviews Wednesday's final results: 甲 12 and 丙
10 met the target (praised), 乙 is 3 short of the full 10; 丁 has no data. Ranks move
against Tuesday (丙 1, 乙 2, 甲 3, 丁 4). At 18:00 the evening meeting reviews Thursday:
丙 met it, 乙 is 2 and 甲 8 short of the full day; at 15:40 only 7 are due (4 by noon,
3 of the afternoon's 6 by 15:40), so 乙's 8 is on pace and 甲 is 5 short.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

from sheets_templates import kpi
from sheets_templates.problems import Problem, Severity
from sheets_templates.targets import Targets
from sync.meeting import build_meeting, clock_for, kind_at, previous_working_day

from .teams import AS_OF

TUE, WED, THU = date(2026, 11, 24), date(2026, 11, 25), AS_OF
TEN_CALLS = Targets({"effective_calls": Decimal(10)})
OBJECTIONS = ["价格太高", "已有供应商", "价格太高", "  价格太高 ", "要跟老板商量", "已有供应商"]


def calls(rep: str, day: date, n: int, **more: Any) -> list[dict[str, Any]]:
    return [{"rep": rep, "date": day, "effective": True, "customer": "x", **more}] * n


def team() -> kpi.Figures:
    made = [("甲", (5, 12, 2)), ("乙", (9, 7, 8)), ("丙", (10, 10, 10)), ("丁", (3, 0, 0))]
    rows = [
        c
        for rep, ns in made
        for day, n in zip((TUE, WED, THU), ns, strict=True)
        for c in calls(rep, day, n)
    ]
    rows += [
        {"rep": "丙", "date": THU, "customer": "y", "phone": "13800138000", "objection": o}
        for o in OBJECTIONS
    ]
    return kpi.figures({"calls": rows}, THU, TEN_CALLS)


def calls_of(standings: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (s.rep, s.actual, s.rank, s.medal, s.change)
        for s in standings
        if s.metric == "effective_calls"
    ]


def short(standings: list[Any]) -> list[tuple[str, str, Decimal | None, Decimal]]:
    return [(s.rep, s.metric, s.expected, s.gap) for s in standings]


def test_the_morning_reviews_the_last_working_day_in_full() -> None:
    m = build_meeting(team(), time(8, 30), "morning", [], 0)
    assert (m.kind, m.day, m.before) == ("morning", WED, TUE)
    assert calls_of(m.ranking) == [
        ("甲", 12, 1, "🥇", "↑"),
        ("丙", 10, 2, "🥈", "↓"),
        ("乙", 7, 3, "🥉", "↓"),
    ]
    assert [(s.rep, s.metric) for s in m.praise] == [
        ("甲", "effective_calls"),
        ("丙", "effective_calls"),
    ]
    assert short(m.shortfalls) == [("乙", "effective_calls", Decimal(10), Decimal(3))]
    assert m.health.reps_without_data == ["丁"]
    total = next(t for t in m.totals if t.metric == "effective_calls")
    assert (total.actual, total.target, total.expected) == (29, 30, 30)
    assert m.objections == []  # the evening's


def test_the_evening_at_six_reviews_today_against_the_full_day() -> None:
    m = build_meeting(team(), time(18, 0), "evening", [], 0)
    assert (m.day, m.before) == (THU, WED)
    assert calls_of(m.ranking) == [
        ("丙", 10, 1, "🥇", "↑"),
        ("乙", 8, 2, "🥈", "↑"),
        ("甲", 2, 3, "🥉", "↓"),
    ]
    assert [s.rep for s in m.praise] == ["丙"]
    assert short(m.shortfalls) == [
        ("甲", "effective_calls", Decimal(10), Decimal(8)),
        ("乙", "effective_calls", Decimal(10), Decimal(2)),
    ]
    assert m.objections == [("价格太高", 3), ("已有供应商", 2), ("要跟老板商量", 1)]


def test_the_evening_at_twenty_to_four_holds_reps_to_the_pace() -> None:
    m = build_meeting(team(), time(15, 40), "evening", [], 0)
    status = {s.rep: s.status for s in m.standings if s.metric == "effective_calls"}
    assert status == {"丙": "met", "乙": "on_pace", "甲": "behind"}
    assert short(m.shortfalls) == [("甲", "effective_calls", Decimal(7), Decimal(5))]
    assert [s.rep for s in m.praise] == ["丙"]


def test_health_counts_unreadable_files_problems_and_unknown_reps() -> None:
    def problem(code: str, value: str) -> Problem:
        return Problem(
            code, Severity.WARNING, "a.xlsx", "s", 2, "C", "销售员", "rep", value, "", ""
        )

    problems = [
        problem("rep.unknown", "赵六"),
        problem("date.invalid", "x"),
        problem("rep.unknown", "赵六"),
    ]
    health = build_meeting(team(), time(18, 0), "evening", problems, 2).health
    assert (health.unreadable, health.problems, health.unknown_reps) == (2, 3, ["赵六"])


def test_the_meeting_is_the_morning_one_before_noon_unless_pinned() -> None:
    assert kind_at(time(11, 59)) == "morning"
    assert kind_at(time(12, 0)) == "evening"
    assert kind_at(time(8, 30), "evening") == "evening"
    assert previous_working_day(date(2026, 11, 30)) == date(2026, 11, 27)  # Monday → Friday
    assert previous_working_day(date(2026, 11, 30), frozenset({date(2026, 11, 27)})) == date(
        2026, 11, 26
    )


def test_a_date_alone_is_now_on_today_and_the_end_of_any_other_day() -> None:
    from datetime import datetime

    now = datetime(2026, 11, 26, 9, 5, 42)
    assert clock_for(THU, now) == time(9, 5)
    assert clock_for(WED, now) == time(17, 30)


def test_nobody_is_praised_for_nothing_even_against_a_target_of_nothing() -> None:
    figures = kpi.figures(
        {"calls": calls("甲", THU, 3) + calls("乙", THU, 0)},
        THU,
        Targets({"wechat_adds": Decimal(0)}),
    )
    m = build_meeting(figures, time(18, 0), "evening", [], 0)
    assert [(s.rep, s.actual, s.status) for s in m.ranking if s.metric == "wechat_adds"] == [
        ("甲", 0, "met")
    ]
    assert m.praise == []


def test_objections_are_counted_by_the_kind_the_rep_filed_them_under() -> None:
    """异议类型 (the dropdown) groups differently worded objections; one filed with no
    kind counts under its own words, and a kind alone (no words typed) still counts."""
    rows = [
        {"rep": "甲", "date": THU, "objection": "太贵了", "objection_kind": "价格"},
        {"rep": "甲", "date": THU, "objection": "价格比同行高", "objection_kind": "价格"},
        {"rep": "乙", "date": THU, "objection_kind": "价格"},
        {"rep": "乙", "date": THU, "objection": "已有供应商", "objection_kind": "竞品"},
        {"rep": "丙", "date": THU, "objection": "要跟老板商量"},
        {"rep": "丙", "date": WED, "objection_kind": "价格"},  # yesterday's: not tonight's
    ]
    figures = kpi.figures({"calls": rows}, THU, TEN_CALLS)
    m = build_meeting(figures, time(18, 0), "evening", [], 0)
    assert m.objections == [("价格", 3), ("竞品", 1), ("要跟老板商量", 1)]
