"""今天先联系谁 on a hand-worked team synced from real workbooks as of Tuesday
2026-12-01 (the weekend of 11-28/29 is not counted), with 乙's A customers due after
2 working days on the 指标 sheet (the team keeps the default A 3, B 7):

    甲  A1 (A) last called Thu 11-26: Fri, Mon, Tue = 3 quiet days  → listed (A at 3)
        A2 (A) last called Fri 11-27: 2 quiet days                  → not listed
        B1 (B) last called Fri 11-20: 11-23 … 12-01 = 7 quiet days  → listed (B at 7)
        B2 (B) last called Mon 11-23: 6 quiet days                  → not listed
        C1 (C) last called 11-02                                    → never (only A and B)
        P  call on 11-24 promising 下次联系 12-01                    → listed; Q (12-02) not
        K  call on 11-24 promising 12-01, called again 12-01        → kept, not listed
        T  call 12-01 09:00 promising 12-01, called again 15:00     → kept, not listed
        U  call 12-01 10:00 promising 12-01, nothing after it       → listed
        V  visit on 11-25 promising 下次拜访 12-01                   → listed
        W  visit on 11-25 promising 12-01, visited again 12-01      → kept, not listed
        X  visit on 11-25 promising 12-01, only called on 12-01     → listed (a call
                                                                        keeps no visit)
        S  visited 11-25, 11-26, 11-27, no breakthrough, no plan    → stalled, listed
        O  shipped 11-02, 1,000.00 due 11-20, nothing received      → 11 days overdue
    乙  A3 (A) last called Fri 11-27: 2 quiet days, 乙's setting 2   → listed
        P  called 12-01: 甲's promise to P is still 甲's to keep
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from sheets_templates.followups import quiet_for
from sync.demo import write_workbook
from sync.engine import run_sync
from sync.master_xlsx import write_xlsx
from sync.sources import file_sources

TUESDAY = date(2026, 12, 1)


def call(
    day: date, customer: str, phone: str, promised: date | None = None, at: time | None = None
) -> dict[str, Any]:
    return {
        "date": day,
        "time": at,
        "customer": customer,
        "phone": phone,
        "effective": "是",
        "follow_up": promised,
    }


def lead(customer: str, grade: str, phone: str) -> dict[str, Any]:
    return {
        "customer": customer,
        "contact": f"{customer}经理",
        "phone": phone,
        "grade": grade,
        "registered": date(2026, 11, 2),
    }


def visit(day: date, customer: str, promised: date | None = None) -> dict[str, Any]:
    return {
        "date": day,
        "customer": customer,
        "visit_type": "计划拜访",
        "result": "再谈",
        "breakthrough": "否",
        "next_visit": promised,
    }


def write_team(folder: Path) -> None:
    calls = [
        call(date(2026, 11, 26), "A1", "13800000001"),
        call(date(2026, 11, 27), "A2", "13800000002"),
        call(date(2026, 11, 20), "B1", "13800000003"),
        call(date(2026, 11, 23), "B2", "13800000004"),
        call(date(2026, 11, 2), "C1", "13800000005"),
        call(date(2026, 11, 24), "P", "13800000006", TUESDAY),
        call(date(2026, 11, 24), "Q", "13800000007", date(2026, 12, 2)),
        call(date(2026, 11, 24), "K", "13800000008", TUESDAY),
        call(TUESDAY, "K", "13800000008"),
        call(TUESDAY, "T", "13800000009", TUESDAY, time(9)),
        call(TUESDAY, "T", "13800000009", None, time(15)),
        call(TUESDAY, "U", "13800000010", TUESDAY, time(10)),
        call(TUESDAY, "X", "13800000011"),
    ]
    leads = [
        lead("A1", "A", "13800000001"),
        lead("A2", "A", "13800000002"),
        lead("B1", "B", "13800000003"),
        lead("B2", "B", "13800000004"),
        lead("C1", "C", "13800000005"),
    ]
    visits = [
        visit(date(2026, 11, 25), "V", TUESDAY),
        visit(date(2026, 11, 25), "W", TUESDAY),
        visit(TUESDAY, "W"),
        visit(date(2026, 11, 25), "X", TUESDAY),
        *(visit(date(2026, 11, d), "S") for d in (25, 26, 27)),
    ]
    shipments = [
        {
            "order_no": "HT1",
            "date": date(2026, 10, 30),
            "customer": "O",
            "product": "X1",
            "quantity": 1,
            "unit_price": 1000,
            "ship_date": date(2026, 11, 2),
            "received": 0,
            "due_date": date(2026, 11, 20),
        }
    ]
    write_workbook(
        folder / "甲" / "登记表.xlsx",
        [
            ("电话记录", "calls", calls, "zh"),
            ("意向客户", "leads", leads, "zh"),
            ("拜访记录", "visits", visits, "zh"),
            ("发货", "shipments", shipments, "zh"),
        ],
    )
    write_workbook(
        folder / "乙" / "登记表.xlsx",
        [
            (
                "电话记录",
                "calls",
                [
                    call(date(2026, 11, 27), "A3", "13900000001"),
                    call(TUESDAY, "P", "13800000006"),
                ],
                "zh",
            ),
            ("意向客户", "leads", [lead("A3", "A", "13900000001")], "zh"),
        ],
    )


def test_quiet_days_skip_the_weekend() -> None:
    assert quiet_for(date(2026, 11, 26), date(2026, 11, 27)) == 1  # Thu → Fri
    assert quiet_for(date(2026, 11, 26), date(2026, 11, 30)) == 2  # Fri, Mon
    assert quiet_for(date(2026, 11, 26), TUESDAY) == 3


def test_each_rep_gets_their_list_and_the_meeting_counts_it(tmp_path: Path) -> None:
    write_team(tmp_path / "team")
    targets = [["销售员", "A类客户未联系（工作日）"], ["乙", 2]]
    result = run_sync(
        file_sources([tmp_path / "team"], TUESDAY),
        tmp_path / "s.sqlite",
        TUESDAY,
        targets_rows=targets,
    )
    listed = [
        (f.rep, f.reason, f.customer, f.day, f.days, f.amount) for f in result.figures.follow_ups
    ]
    assert listed == [
        ("乙", "silent_a", "A3", date(2026, 11, 27), 2, None),
        ("甲", "call_promised", "P", date(2026, 11, 24), None, None),
        ("甲", "call_promised", "U", TUESDAY, None, None),
        ("甲", "visit_promised", "V", date(2026, 11, 25), None, None),
        ("甲", "visit_promised", "X", date(2026, 11, 25), None, None),
        ("甲", "overdue", "O", date(2026, 11, 20), 11, Decimal("1000.00")),
        ("甲", "stalled", "S", date(2026, 11, 27), 3, None),
        ("甲", "silent_a", "A1", date(2026, 11, 26), 3, None),
        ("甲", "silent_b", "B1", date(2026, 11, 20), 7, None),
    ]
    assert result.meeting.follow_ups == 9
    assert result.meeting.plan == {"甲": 8, "乙": 1}
    write_xlsx(result.sheets, tmp_path / "master.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "master.xlsx")["今天先联系谁"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[7][:6] == [
        "甲",
        "A类客户久未联系",
        "A1",
        "A1经理",
        "13800000001",
        "3 个工作日未联系（最近 2026-11-26）",
    ]
    assert rows[5][5] == "欠款 ¥1,000.00，逾期 11 天"
    targets_sheet = openpyxl.load_workbook(tmp_path / "master.xlsx")["指标"]
    header = [c.value for c in next(targets_sheet.iter_rows(min_row=2, max_row=2))]
    assert header[-2:] == ["A类客户未联系（工作日）", "B类客户未联系（工作日）"]
