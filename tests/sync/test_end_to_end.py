"""A whole team synced into a master: the JSON summary against the contract, and the
KPIs of a small team against figures counted by hand from the rows written here."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from sheets_templates.registers import REGISTERS
from sync.demo import make_team

from .conftest import run
from .teams import AS_OF, Team, sync_json

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
STAGES = ("negotiating", "solution_submitted", "met_with_interest", "bought_before", "accepts_meeting")  # fmt: skip


def _call(
    day: date, phone: str, customer: str, effective: str, wechat: str, grade: str = ""
) -> dict[str, Any]:
    return {
        "date": day,
        "customer": customer,
        "phone": phone,
        "effective": effective,
        "wechat_added": wechat,
        "intent_grade": grade,
    }


def _visit(day: date, customer: str, kind: str, grade: str) -> dict[str, Any]:
    return {"date": day, "customer": customer, "visit_type": kind, "customer_grade": grade}


def _lead(
    customer: str, registered: date, stages: str, signed: date | None = None
) -> dict[str, Any]:
    """`stages`: 是/否 for negotiating, solution_submitted, met_with_interest,
    bought_before, accepts_meeting in that order."""
    facts = dict(zip(STAGES, stages, strict=True))
    return {"customer": customer, **facts, "registered": registered, "signed_date": signed}


def _shipment(order: str, day: date, qty: int, price: str, received: str) -> dict[str, Any]:
    amount = Decimal(price) * qty
    return {
        "order_no": order,
        "date": day,
        "customer": "明德软件",
        "product": "X1",
        "quantity": qty,
        "unit_price": float(price),
        "amount": float(amount),
        "received": float(received),
    }


def small_team(folder: Path) -> Team:
    """Two reps whose every KPI is counted by hand below; as of Thursday 2026-11-26 the
    week starts on Monday 11-23 and the month on 11-01."""
    team = Team(folder)
    team.rows["甲"] = {
        "calls": [
            _call(date(2026, 11, 26), "13800000001", "明德软件有限公司", "是", "是", "B"),
            _call(date(2026, 11, 26), "13800000002", "东方建材", "否", "否"),
            _call(date(2026, 11, 24), "13800000003", "华信科技", "是", "否"),
            _call(date(2026, 11, 10), "13800000004", "远大物流", "是", "是", "C"),
            _call(date(2026, 10, 30), "13800000005", "旧客户", "是", "是", "A"),
        ],
        "visits": [
            _visit(date(2026, 11, 26), "明德软件", "陌生拜访", "A"),  # 明德 again: same customer
            _visit(date(2026, 11, 25), "海天食品", "计划拜访", "D"),
            _visit(date(2026, 11, 20), "海天食品", "回访", "C"),
            _visit(date(2026, 11, 26), "新客户", "陌生拜访", ""),
        ],
        "leads": [
            _lead("远大物流", date(2026, 11, 25), "是否否否否"),  # graded A; first graded 11-10
            _lead("星光传媒", date(2026, 11, 23), "否否否否是", signed=date(2026, 11, 24)),
            _lead("长江电力", date(2026, 11, 5), "否否否否否", signed=date(2026, 11, 26)),
        ],
        "shipments": [
            _shipment("A-1", date(2026, 11, 26), 2, "1000", "500"),
            _shipment("A-2", date(2026, 11, 16), 1, "1234.5", "1234.5"),
            _shipment("A-3", date(2026, 10, 28), 1, "100", "100"),
        ],
    }
    team.rows["乙"] = {"calls": [_call(date(2026, 11, 26), "13900000001", "南方电器", "是", "否")]}
    for rep in team.rows:
        team.write(rep)
    return team


COUNTED = {
    # rep, period: calls, effective, wechat, new intent, visits, cold, C+, signed, sales, collected
    ("甲", "day"): (2, 1, 1, 1, 2, 2, 1, 1, "2000", "500"),
    ("甲", "week"): (3, 2, 1, 2, 3, 2, 1, 2, "2000", "500"),
    ("甲", "month"): (4, 3, 2, 4, 4, 2, 2, 2, "3234.5", "1734.5"),
    ("乙", "day"): (1, 1, 0, 0, 0, 0, 0, 0, "0", "0"),
    ("乙", "week"): (1, 1, 0, 0, 0, 0, 0, 0, "0", "0"),
    ("乙", "month"): (1, 1, 0, 0, 0, 0, 0, 0, "0", "0"),
}
"""甲's new intent leads are the customers first graded in the period: 明德 (call and
visit 11-26, one customer however it is spelled), 星光 (11-23), 海天 (visit 11-20),
远大 (call 11-10; its lead's A on 11-25 is not a first grading); 旧客户 was graded in
October and 长江电力's stages give no grade."""

TARGETS = {
    # period: effective, wechat, new intent, cold, C+, signed (3 a month over 22 days)
    "day": (100, 30, 2, 3, 2, 0.14),
    "week": (500, 150, 10, 15, 10, 0.68),
    "month": (2200, 660, 44, 66, 44, 3.0),
}
STARTS = {"day": "2026-11-26", "week": "2026-11-23", "month": "2026-11-01"}


def test_kpis_counted_by_hand(
    tmp_path: Path, as_of: date, cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    small_team(tmp_path / "team")
    args = ("sync", "--json", "--as-of", as_of.isoformat(), "--from", "team")
    done = cli(*args, "--master", "m.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr  # every row is clean
    kpi = {(e["rep"], e["period"], e["metric"]): e for e in json.loads(done.stdout)["kpi"]}
    assert len(kpi) == 2 * 3 * len(METRIC_NAMES)
    for (rep, period), counted in COUNTED.items():
        effective, wechat, intent, cold, c_plus, signed = TARGETS[period]
        targets = (None, effective, wechat, intent, None, cold, c_plus, signed, None, None)
        for metric, want, target in zip(METRIC_NAMES, counted, targets, strict=True):
            entry = kpi[(rep, period, metric)]
            assert set(entry) == {"rep", "period", "start", "metric", "actual", "target", "met"}
            assert entry["start"] == STARTS[period]
            if isinstance(want, str):
                assert Decimal(entry["actual"]) == Decimal(want), (rep, period, metric)
            else:
                assert entry["actual"] == want, (rep, period, metric)
            assert entry["target"] == target, (rep, period, metric)
    met = sorted((rep, period, m) for (rep, period, m), e in kpi.items() if e["met"])
    assert met == [("甲", "day", "signed_customers"), ("甲", "week", "signed_customers")]
    no_target = {m for (_r, _p, m), e in kpi.items() if e["met"] is None}
    assert no_target == {"calls", "visits", "sales_amount", "collected_amount"}


def test_summary_matches_the_contract_field_by_field(tmp_path: Path) -> None:
    team = make_team(tmp_path / "team", AS_OF)
    code, doc = sync_json("--from", "team", "--master", "master.xlsx", cwd=tmp_path)
    assert code == 1  # the demo has mistakes on purpose; the sync still completed
    assert set(doc) == {
        "sources",
        "records",
        "changes",
        "issues",
        "flags",
        "kpi",
        "meeting",
        "team",
        "office",
        "offices",
    }
    assert (doc["office"], doc["offices"]) == ("", [])  # one office, no head office
    meeting = doc["meeting"]  # its figures: tests/sync/test_meeting_json.py
    assert set(meeting) == {
        "kind",
        "day",
        "at",
        "ranking",
        "praise",
        "shortfalls",
        "health",
        "follow_ups",
    }
    assert (meeting["kind"], meeting["at"]) == ("evening", "17:30")  # a past day alone: its end
    assert meeting["health"]["problems"] == doc["issues"]
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
    assert {m["name"] for m in doc["team"]} == reps  # the first sync seeds the roster
    for member in doc["team"]:
        assert set(member) == {"name", "other_names", "office", "new"} and not member["new"]


def test_master_holds_every_sheet_in_the_teams_language(team: Team, tmp_path: Path) -> None:
    for lang, titles in (
        ("zh", ["夕会", "电话记录", "数据问题", "指标", "同步记录", "应收款", "预警", "晨会"]),
        ("en", ["Evening meeting", "Calls", "Data problems", "Targets", "Sync log", "Receivables"]),
    ):
        master = tmp_path / f"master-{lang}.xlsx"
        result = run(team.folder, master, lang=lang)
        wb = openpyxl.load_workbook(master)
        assert set(titles) <= set(wb.sheetnames)
        assert wb.sheetnames[0] == titles[0]  # a past day alone is its end: the evening's
        assert [s.title for s in result.sheets] == wb.sheetnames
        calls = wb[titles[1]]
        assert calls.freeze_panes == "A3"  # under the window's title line and the header
        # the month's calls: all but 30 Oct's, 12 for each of the three reps
        assert calls.max_row == 2 + result.records["calls"] - 3 * 12
        header = [c.value for c in calls[2]]
        assert header[-3:] == (
            ["来源文件", "工作表", "行"] if lang == "zh" else ["Source file", "Sheet", "Row"]
        )
        date_cell = calls.cell(row=3, column=1)
        assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"
        assert calls.column_dimensions["A"].width >= 10  # a date never shows as ####
        problems = wb[titles[2]]
        assert problems.auto_filter.ref is not None
        assert any(n.startswith("xl/charts/") for n in _zip_names(master))


def _zip_names(path: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.namelist()
