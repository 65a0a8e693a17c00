"""The meeting's figures on small hand-made registers: targets from a sheet, pace to
date, PK ranks, collisions, stalled customers, receivables aging."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sheets_templates import flags, kpi, rules
from sheets_templates import targets as target_sheet

from .teams import AS_OF

D = Decimal


def test_targets_come_from_the_sheet_with_team_row_rep_rows_and_bad_cells() -> None:
    rows: list[list[Any]] = [
        ["指标：可直接修改", None, None],
        ["销售员", "有效通话（每天）", "签约客户（每月）", "备注"],
        ["全部", 80, None, "team"],
        ["张三", "1.2万", None],
        ["李四", None, "五个"],
    ]
    targets, issues = target_sheet.targets_from_rows(rows)
    assert targets.value("王五", "effective_calls") == 80
    assert targets.value("张三", "effective_calls") == 12000
    assert targets.value("李四", "effective_calls") == 80  # blank: as the team
    assert targets.value("王五", "signed_customers") is None  # the team cleared it
    assert targets.value("王五", "wechat_adds") == 30  # no column: DESIGN's default
    assert [(i.row, i.column, i.finding.value) for i in issues] == [(4, 2, "五个")]
    assert targets.unread == {("李四", "signed_customers"): "五个"}
    sheet = target_sheet.targets_rows(targets, ["王五"], "zh")
    assert sheet[0][0] == "全部" and [r[0] for r in sheet[1:]] == ["张三", "李四", "王五"]
    assert target_sheet.targets_from_rows([["no header here"]])[0] == target_sheet.DEFAULT_TARGETS


def test_a_period_target_is_due_in_step_with_its_working_days() -> None:
    wednesday = date(2026, 11, 25)
    assert rules.target_to_date(D(100), None, "day", wednesday) == 100
    assert rules.target_to_date(D(100), None, "week", wednesday) == 300
    assert rules.target_to_date(D(100), None, "week", date(2026, 11, 29)) == 500  # Sunday
    assert rules.target_to_date(None, D(3), "month", AS_OF) == D("2.59")  # 19 of 22 days
    entries = kpi.kpis({}, ["甲"], wednesday, target_sheet.DEFAULT_TARGETS)
    week = next(k for k in entries if k.period == "week" and k.metric == "effective_calls")
    assert (week.target, week.due, week.status) == (500, 300, "behind")


def calls(rep: str, day: date, effective: int) -> list[dict[str, Any]]:
    return [{"rep": rep, "date": day, "effective": True, "customer": "x"}] * effective


def test_pk_ranks_share_ties() -> None:
    registers = {"calls": calls("甲", AS_OF, 5) + calls("乙", AS_OF, 3) + calls("丙", AS_OF, 3)}
    days = kpi.daily_figures(registers, {})
    entries = kpi.kpis(days, ["甲", "乙", "丙", "丁"], AS_OF, target_sheet.DEFAULT_TARGETS)
    ranked = [(rank, k.rep, k.actual) for rank, k in kpi.ranking(entries, "day", "effective_calls")]
    assert ranked == [(1, "甲", 5), (2, "丙", 3), (2, "乙", 3), (4, "丁", 0)]


def test_new_intent_leads_count_on_the_first_grading_only() -> None:
    last_month = AS_OF - timedelta(days=40)
    registers = {
        "calls": [
            {"rep": "甲", "date": last_month, "customer": "华信科技", "intent_grade": "C"},
            {"rep": "甲", "date": AS_OF, "customer": "华信科技有限公司", "intent_grade": "B"},
            {"rep": "甲", "date": AS_OF, "customer": "东方建材", "intent_grade": "D"},
            {"rep": "乙", "date": AS_OF, "customer": "华信科技", "intent_grade": "A"},
        ],
        "leads": [{"rep": "甲", "customer": "远大电气", "grade": "B", "registered": None}],
    }
    figures = kpi.figures(registers, AS_OF)
    new = {
        k.rep: k.actual
        for k in figures.kpis
        if k.period == "day" and k.metric == "new_intent_leads"
    }
    assert new == {"甲": 1, "乙": 1}  # 华信 was graded last month by 甲; undated leads never new
    pipeline = {(e.rep, e.customer): e.grade for e in figures.pipeline}
    assert pipeline[("甲", "华信科技有限公司")] == "B"  # the latest grade
    assert pipeline[("甲", "远大电气")] == "B"


def test_collisions_by_name_or_phone_owned_by_the_earliest_registration() -> None:
    leads = [
        {"rep": "乙", "customer": "华信科技", "phone": "13800138000", "registered": AS_OF},
        {
            "rep": "甲",
            "customer": "华信科技有限公司",
            "phone": None,
            "registered": date(2026, 11, 2),
        },
        {"rep": "丙", "customer": "华信（老客户）", "phone": "13800138000", "registered": None},
        {"rep": "甲", "customer": "东方建材", "phone": None, "registered": AS_OF},
    ]
    found = {(c.rep, c.owner, c.by) for c in flags.collisions(leads)}
    assert found == {("乙", "甲", "name"), ("丙", "甲", "phone")}


def visit(day: int, breakthrough: bool = False, plan: str = "") -> dict[str, Any]:
    return {
        "rep": "甲",
        "customer": "鼎盛地产有限公司",
        "date": date(2026, 11, day),
        "breakthrough": breakthrough,
        "new_plan": plan,
    }


def test_stalled_after_three_visits_without_breakthrough_unless_a_new_plan() -> None:
    stalled = flags.stalled_customers([visit(2, True), visit(5), visit(9), visit(12)])
    assert [(s.visits, s.first, s.last) for s in stalled] == [
        (3, date(2026, 11, 5), date(2026, 11, 12))
    ]
    assert flags.stalled_customers([visit(5), visit(9), visit(12, plan="换决策人")]) == []
    assert flags.stalled_customers([visit(5), visit(9), visit(12, True)]) == []


def test_receivables_age_into_buckets_per_rep_and_customer() -> None:
    def line(rep: str, due_days_ago: int, amount: str, received: str) -> dict[str, Any]:
        return {
            "rep": rep,
            "customer": "华信科技",
            "order_no": f"HT{due_days_ago}",
            "amount": D(amount),
            "received": D(received),
            "ship_date": AS_OF - timedelta(days=100),
            "due_date": AS_OF - timedelta(days=due_days_ago),
        }

    lines = flags.receivables(
        [
            line("甲", 10, "100", "0"),
            line("甲", 31, "200", "50"),
            line("甲", 95, "300", "0"),
            line("甲", -5, "400", "0"),
            line("甲", 70, "500", "500"),
        ],
        AS_OF,
    )
    assert [(r.record["order_no"], r.overdue_days, r.bucket, r.status) for r in lines] == [
        ("HT-5", 0, None, "shipped"),
        ("HT10", 10, "≤30", "shipped"),
        ("HT31", 31, "31–60", "shipped"),
        ("HT70", 0, None, "settled"),
        ("HT95", 95, ">90", "shipped"),
    ]
    by_rep, by_customer = flags.aging(lines)
    assert by_rep[0].outstanding == D(950)
    assert by_rep[0].not_due == D(400)
    assert by_rep[0].buckets == {"≤30": D(100), "31–60": D(150), "61–90": D(0), ">90": D(300)}
    assert len(by_customer) == 1 and by_customer[0].outstanding == D(950)
