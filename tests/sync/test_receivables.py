"""The receivables rules on a hand-worked rep's shipments, synced from a real workbook
as of Thursday 2026-11-26 (each line 1,000.00, nothing received, due 2026-11-16):

    HT1  shipped 11-06                  → shipped, 10 days overdue (≤30)
    HT2  not shipped                    → pending, not overdue (only goods that left age)
    HT3  ship date 11-30 (after as-of)  → pending, not overdue, a date.future warning
    HT4  shipped 11-06, confirmed 12-01 → shipped (not confirmed), overdue, date.future
    HT5  shipped 11-06, all received    → settled
    HT6  ship date 12-02, all received  → pending, never settled (the date is to come)

The KPI sheet shows that money as ¥ (6,000.00 of sales in November, all ordered on
11-02) and the month's signings target (3) in the month's columns only.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from sync.demo import write_workbook

from .conftest import run

SHIPPED, DUE = date(2026, 11, 6), date(2026, 11, 16)
LINES = {
    "HT1": {"ship_date": SHIPPED},
    "HT2": {},
    "HT3": {"ship_date": date(2026, 11, 30)},
    "HT4": {"ship_date": SHIPPED, "confirmed_date": date(2026, 12, 1)},
    "HT5": {"ship_date": SHIPPED, "received": 1000},
    "HT6": {"ship_date": date(2026, 12, 2), "received": 1000},
}


def test_only_goods_shipped_by_the_as_of_date_age_and_none_to_come_is_done(
    tmp_path: Path,
) -> None:
    rows = [
        {
            "order_no": order,
            "date": date(2026, 11, 2),
            "customer": "华信科技",
            "product": "X1",
            "quantity": 1,
            "unit_price": 1000,
            "ship_date": None,
            "confirmed_date": None,
            "received": 0,
            "due_date": DUE,
            **line,
        }
        for order, line in LINES.items()
    ]
    write_workbook(tmp_path / "team" / "甲" / "发货.xlsx", [("发货", "shipments", rows, "zh")])
    result = run(tmp_path / "team", tmp_path / "master.xlsx")
    lines = {r.record["order_no"]: r for r in result.figures.receivables}
    assert {o: (r.status, r.overdue_days, r.bucket) for o, r in lines.items()} == {
        "HT1": ("shipped", 10, "≤30"),
        "HT2": ("pending", 0, None),
        "HT3": ("pending", 0, None),
        "HT4": ("shipped", 10, "≤30"),
        "HT5": ("settled", 0, None),
        "HT6": ("pending", 0, None),
    }
    future = sorted((p.header, p.value) for p in result.problems if p.code == "date.future")
    assert future == [
        ("发货日期", "2026-11-30"),
        ("发货日期", "2026-12-02"),
        ("客户确认日期", "2026-12-01"),
    ]
    wb = openpyxl.load_workbook(tmp_path / "master.xlsx")
    aging = wb["应收款"]
    greens = [
        cf
        for rng in aging.conditional_formatting
        for cf in rng.rules
        if any("合计" in f for f in cf.formula)
    ]
    assert greens == []  # the total row is a sum, never coloured as "met"


def test_the_kpi_sheet_shows_money_as_yuan_and_a_monthly_target_by_the_month(
    tmp_path: Path,
) -> None:
    rows = [
        {
            "order_no": order,
            "date": date(2026, 11, 2),
            "customer": "华信科技",
            "product": "X1",
            "quantity": 1,
            "unit_price": 1000,
        }
        for order in LINES
    ]
    write_workbook(tmp_path / "team" / "甲" / "发货.xlsx", [("发货", "shipments", rows, "zh")])
    run(tmp_path / "team", tmp_path / "master.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "master.xlsx")["指标完成情况"]
    assert ws.freeze_panes == "A3"  # the counts' header, whose columns the money's share
    cells = {(row[0].value, row[1].value): row for row in ws.iter_rows() if row[0].value == "甲"}
    signings = [c.value for c in cells[("甲", "签约客户")]]
    # day: actual, target, ratio, status; week: the same; month: 0 of 3, 0%, behind
    assert signings[2:] == [0, None, None, None, 0, None, None, None, 0, 3, 0, "落后"]
    sales = cells[("甲", "销售额")]
    assert (sales[10].value, sales[10].number_format) == (6000, '"¥"#,##0.00')
