"""A whole team synced into a master: the JSON summary against the contract, and the
KPIs against figures recomputed here straight from the rows that were written."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from sheets_templates import rules
from sheets_templates.registers import REGISTERS
from sync.demo import make_team

from .conftest import run
from .teams import AS_OF, REPS, Team, monday, sync_json

YES = "是"
METRIC_NAMES = (
    "calls",
    "effective_calls",
    "wechat_adds",
    "new_intent_leads",
    "visits",
    "cold_visits",
    "c_plus_visits",
    "signed_customers",
    "sales_amount",
    "collected_amount",
)
DAILY_DEFAULTS = {
    "effective_calls": 100,
    "wechat_adds": 30,
    "new_intent_leads": 2,
    "cold_visits": 3,
    "c_plus_visits": 2,
}


def period_start(period: str) -> date:
    return {"day": AS_OF, "week": monday(AS_OF), "month": AS_OF.replace(day=1)}[period]


def lead_grade(row: dict[str, Any]) -> str | None:
    facts = [
        row[f] == YES
        for f in (
            "negotiating",
            "solution_submitted",
            "met_with_interest",
            "bought_before",
            "accepts_meeting",
        )
    ]
    return rules.grade(*facts)


def expected_actuals(team: Team) -> dict[tuple[str, str, str], Any]:
    """Every KPI recomputed from the written rows, with plain loops."""
    out: dict[tuple[str, str, str], Any] = defaultdict(int)
    for rep, registers in team.rows.items():
        first_graded: dict[str, date] = {}
        gradings = [(c["customer"], c["date"]) for c in registers["calls"] if c["intent_grade"]]
        gradings += [(v["customer"], v["date"]) for v in registers["visits"] if v["customer_grade"]]
        gradings += [(x["customer"], x["registered"]) for x in registers["leads"] if lead_grade(x)]
        for customer, day in gradings:
            key = rules.customer_key(customer)
            first_graded[key] = min(day, first_graded.get(key, day))
        for period in ("day", "week", "month"):
            start = period_start(period)

            def within(day: date | None, start: date = start) -> bool:
                return day is not None and start <= day <= AS_OF

            k = (rep, period)
            for c in registers["calls"]:
                if within(c["date"]):
                    out[(*k, "calls")] += 1
                    out[(*k, "effective_calls")] += c["effective"] == YES
                    out[(*k, "wechat_adds")] += c["wechat_added"] == YES
            for v in registers["visits"]:
                if within(v["date"]):
                    out[(*k, "visits")] += 1
                    out[(*k, "cold_visits")] += v["visit_type"] == "陌生拜访"
                    out[(*k, "c_plus_visits")] += v["customer_grade"] in ("A", "B", "C")
            out[(*k, "signed_customers")] = sum(
                within(x["signed_date"]) for x in registers["leads"]
            )
            out[(*k, "new_intent_leads")] = sum(within(d) for d in first_graded.values())
            sales = [s for s in registers["shipments"] if within(s["date"])]
            out[(*k, "sales_amount")] = sum((Decimal(str(s["amount"])) for s in sales), Decimal(0))
            out[(*k, "collected_amount")] = sum(
                (Decimal(str(s["received"])) for s in sales), Decimal(0)
            )
    return out


def expected_target(metric: str, period: str) -> float | None:
    days = {"day": 1, "week": 5, "month": 22}[period]
    if metric in DAILY_DEFAULTS:
        return DAILY_DEFAULTS[metric] * days
    if metric == "signed_customers":
        return round(3 * days / 22, 2)
    return None


def test_kpis_match_figures_recomputed_from_the_rows(team: Team, tmp_path: Path) -> None:
    code, doc = sync_json("--from", str(team.folder), "--master", "m.xlsx", cwd=tmp_path)
    assert code == 0, doc  # a clean team: every source clean
    expected = expected_actuals(team)
    assert len(doc["kpi"]) == len(REPS) * 3 * len(METRIC_NAMES)
    seen = set()
    for entry in doc["kpi"]:
        assert set(entry) == {"rep", "period", "start", "metric", "actual", "target", "met"}
        key = (entry["rep"], entry["period"], entry["metric"])
        seen.add(key)
        assert entry["start"] == period_start(entry["period"]).isoformat()
        want = expected[key]
        if entry["metric"] in ("sales_amount", "collected_amount"):
            assert Decimal(entry["actual"]) == want, key
        else:
            assert entry["actual"] == want, key
        target = expected_target(entry["metric"], entry["period"])
        assert entry["target"] == target, key
        assert entry["met"] == (None if target is None else want >= target), key
    assert len(seen) == len(doc["kpi"])
    day = {(e["rep"], e["metric"]): e for e in doc["kpi"] if e["period"] == "day"}
    assert day[("甲", "effective_calls")]["met"] is True  # 110 effective calls today
    assert day[("乙", "effective_calls")]["met"] is False


def test_summary_matches_the_contract_field_by_field(tmp_path: Path) -> None:
    team = make_team(tmp_path / "team", AS_OF)
    code, doc = sync_json("--from", "team", "--master", "master.xlsx", cwd=tmp_path)
    assert code == 1  # the demo has mistakes on purpose; the sync still completed
    assert set(doc) == {"sources", "records", "changes", "issues", "flags", "kpi"}
    for source in doc["sources"]:
        assert {"path", "sheet", "status", "records", "errors"} <= set(source)
        assert source["status"] in ("synced", "unchanged", "skipped", "unreadable")
    unreadable = [s for s in doc["sources"] if s["status"] == "unreadable"]
    assert [Path(s["path"]).name for s in unreadable] == team.unreadable
    assert unreadable[0]["sheet"] is None and unreadable[0]["error"]
    calls = next(
        s for s in doc["sources"] if s["path"] == "team/张三.xlsx" and s["sheet"] == "电话记录"
    )
    assert calls["status"] == "synced" and calls["errors"] == 2  # bad phone, bad yes/no
    assert set(doc["records"]) == set(REGISTERS)
    assert sum(s["records"] for s in doc["sources"]) == sum(doc["records"].values())
    assert doc["changes"] == {"added": sum(doc["records"].values()), "updated": 0, "removed": 0}
    assert doc["issues"] >= len(team.planted)
    types = {f["type"] for f in doc["flags"]}
    assert types == {"stalled_customer", "collision", "overdue", "duplicate"}
    for flag in doc["flags"]:
        assert {"type", "rep", "customer"} <= set(flag)
    stalled = [f for f in doc["flags"] if f["type"] == "stalled_customer"]
    assert any(f["rep"] == "张三" and f["customer"].startswith("鼎盛地产") for f in stalled)
    collision = [f for f in doc["flags"] if f["type"] == "collision"]
    assert any(f["customer"] == "明德软件有限公司" and f["owner"] == "张三" for f in collision)
    overdue = [f for f in doc["flags"] if f["type"] == "overdue"]
    assert sorted(f["bucket"] for f in overdue) == sorted(["≤30", "31–60", "61–90", ">90"])
    reps = {e["rep"] for e in doc["kpi"]}
    assert reps == {"张三", "李四", "王五", "赵六"}
    assert len(doc["kpi"]) == len(reps) * 3 * len(METRIC_NAMES)


def test_master_holds_every_sheet_in_the_teams_language(team: Team, tmp_path: Path) -> None:
    for lang, titles in (
        ("zh", ["晨会·夕会", "电话记录", "数据问题", "指标", "同步记录", "应收款", "预警"]),
        ("en", ["Meeting", "Calls", "Data problems", "Targets", "Sync log", "Receivables"]),
    ):
        master = tmp_path / f"master-{lang}.xlsx"
        result = run(team.folder, master, lang=lang)
        wb = openpyxl.load_workbook(master)
        assert set(titles) <= set(wb.sheetnames)
        assert [s.title for s in result.sheets] == wb.sheetnames
        calls = wb[titles[1]]
        assert calls.freeze_panes == "A2"
        assert calls.max_row == 1 + result.records["calls"]
        header = [c.value for c in calls[1]]
        assert header[-3:] == (
            ["来源文件", "工作表", "行"] if lang == "zh" else ["Source file", "Sheet", "Row"]
        )
        date_cell = calls.cell(row=2, column=1)
        assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"
        assert calls.column_dimensions["A"].width >= 10  # a date never shows as ####
        problems = wb[titles[2]]
        assert problems.auto_filter.ref is not None
        assert any(n.startswith("xl/charts/") for n in _zip_names(master))


def _zip_names(path: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.namelist()
