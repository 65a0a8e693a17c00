"""The KPI counts the store keeps per source × rep × day: the figures a sync adds up from
them are exactly the figures counted from every current record, on both stores."""

from __future__ import annotations

import sqlite3
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from sheets_templates import kpi
from sheets_templates.codec import decode_record
from sync.current import first_of_each_record, place
from sync.demo import make_team, write_workbook
from sync.engine import SyncResult, run_sync
from sync.offices import Scope
from sync.sources import file_sources
from sync.store import Location, current_records, open_store

from .teams import AS_OF

D24, D25, D26 = date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)


def call(day: date, rep: str, customer: str, effective: bool, grade: str = "") -> dict[str, Any]:
    return {
        "date": day,
        "time": time(10, 0),
        "rep": rep,
        "customer": customer,
        "phone": "13800138000",
        "outcome": "接通",
        "effective": "是" if effective else "否",
        "wechat_added": "是" if effective else "否",
        "intent_grade": grade,
    }


def lead(customer: str, rep: str, registered: date, negotiating: bool) -> dict[str, Any]:
    return {
        "customer": customer,
        "phone": "13900139000",
        "rep": rep,
        "negotiating": "是" if negotiating else "否",
        "solution_submitted": "否",
        "met_with_interest": "是",
        "bought_before": "否",
        "accepts_meeting": "否",
        "registered": registered,
    }


def shipment(order: str, rep: str, day: date, amount: str, received: str) -> dict[str, Any]:
    return {
        "order_no": order,
        "date": day,
        "rep": rep,
        "customer": "甲公司",
        "product": "X1",
        "quantity": 1,
        "unit_price": amount,
        "received": received,
        "due_date": date(2026, 12, 31),
    }


def mixed_team(folder: Path) -> None:
    """Two reps; 张三's first call is also kept in 李四's file (a copy, counted once);
    甲公司 is graded by 张三's calls on the 24th and 25th but by his lead, in another
    file, on the 20th (so it is new on the 20th only)."""
    first = call(D24, "张三", "甲公司", True, "B")
    write_workbook(
        folder / "张三" / "电话.xlsx",
        [
            (
                "电话记录",
                "calls",
                [first, call(D24, "张三", "乙公司", False), call(D25, "张三", "甲公司", True, "A")],
                "zh",
            )
        ],
    )
    write_workbook(
        folder / "张三" / "意向.xlsx",
        [
            (
                "意向客户",
                "leads",
                [
                    lead("甲公司", "张三", date(2026, 11, 20), False),
                    lead("丁公司", "张三", D26, True),
                ],
                "zh",
            )
        ],
    )
    write_workbook(
        folder / "李四" / "电话.xlsx",
        [("电话记录", "calls", [call(D25, "李四", "丙公司", True, "C"), first], "zh")],
    )
    write_workbook(
        folder / "李四" / "发货.xlsx",
        [
            (
                "发货",
                "shipments",
                [
                    shipment("SO-1", "李四", D25, "1200.50", "200"),
                    shipment("SO-2", "李四", D25, "99.5", "0"),
                ],
                "zh",
            )
        ],
    )


def sync(folder: Path, store: Location) -> SyncResult:
    return run_sync(file_sources([folder], AS_OF), store, AS_OF)


def test_the_kept_counts_of_a_mixed_team_by_hand(tmp_path: Path) -> None:
    mixed_team(tmp_path / "team")
    result = sync(tmp_path / "team", tmp_path / "store.sqlite")
    days = {key: dict(tally) for key, tally in result.figures.days.items()}
    assert days == {
        ("张三", D24): {"calls": 2, "effective_calls": 1, "wechat_adds": 1},
        ("张三", D25): {"calls": 1, "effective_calls": 1, "wechat_adds": 1},
        ("张三", date(2026, 11, 20)): {"new_intent_leads": 1},
        ("张三", D26): {"new_intent_leads": 1},
        ("李四", D25): {
            "calls": 1,
            "effective_calls": 1,
            "wechat_adds": 1,
            "new_intent_leads": 1,
            "sales_amount": Decimal("1300.00"),
            "collected_amount": Decimal("200"),
        },
    }
    pipeline = [(e.rep, e.customer, e.grade, e.first_graded_on) for e in result.figures.pipeline]
    assert pipeline == [
        ("张三", "丁公司", "A", D26),
        ("张三", "甲公司", "A", date(2026, 11, 20)),  # the call of the 25th is the latest
        ("李四", "丙公司", "C", D25),
    ]
    assert result.records["calls"] == 4 and len(result.duplicates) == 1


def counted_from_every_record(
    store_at: Location, result: SyncResult, office: str = ""
) -> kpi.Figures:
    """The figures as `kpi.figures` counts them from all the current records (those an
    office's sync sees, when named): each record once (its first copy), under its
    roster name, in the order typed."""
    with open_store(store_at) as store:
        best, _copies = first_of_each_record(current_records(store, office))
    registers: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(best.values(), key=place):
        values = decode_record(row.register, row.data)
        values["rep"] = result.team.name_of(values["rep"])
        values["source"] = place(row)
        registers.setdefault(row.register, []).append(values)
    return kpi.figures(registers, AS_OF, result.figures.targets)


def assert_same_figures(got: kpi.Figures, want: kpi.Figures) -> None:
    assert got.reps == want.reps
    assert dict(got.days) == dict(want.days)
    assert got.kpis == want.kpis
    assert got.pipeline == want.pipeline
    assert (got.stalled, got.collisions, got.receivables, got.objections) == (
        want.stalled,
        want.collisions,
        want.receivables,
        want.objections,
    )
    assert got.follow_ups == want.follow_ups


def test_the_kept_counts_equal_a_count_of_every_record_on_both_stores(
    tmp_path: Path, store_at: Location
) -> None:
    mixed_team(tmp_path / "team")
    result = sync(tmp_path / "team", store_at)
    assert_same_figures(result.figures, counted_from_every_record(store_at, result))


def test_each_offices_kept_counts_equal_a_count_of_its_records(
    tmp_path: Path, store_at: Location
) -> None:
    mixed_team(tmp_path / "华东")  # 张三, 李四
    make_team(tmp_path / "华南", AS_OF)  # the demo team, less 张三's and 李四's files
    for name in ("张三.xlsx", "~$张三.xlsx", "李四.xlsx"):
        (tmp_path / "华南" / name).unlink()
    east, south = (
        run_sync(file_sources([tmp_path / o], AS_OF), store_at, AS_OF, scope=Scope(o))
        for o in ("华东", "华南")
    )
    head = run_sync([], store_at, AS_OF, scope=Scope(head_office=True))
    assert east.figures.reps == ["张三", "李四"]
    assert "张三" not in south.figures.reps and "王五" in south.figures.reps
    assert set(head.figures.reps) == set(east.figures.reps) | set(south.figures.reps)
    assert_same_figures(east.figures, counted_from_every_record(store_at, east, "华东"))
    assert_same_figures(south.figures, counted_from_every_record(store_at, south, "华南"))
    assert_same_figures(head.figures, counted_from_every_record(store_at, head))


def edit_a_calls_file(folder: Path) -> Path:
    """A rep deletes a row, grades a call and re-dates another in the first calls
    workbook of `folder`, as in Excel."""
    for path in sorted(folder.rglob("*.xlsx")):
        try:
            book = openpyxl.load_workbook(path)
        except Exception:  # the demo's broken files on purpose
            continue
        sheet = book.worksheets[0]
        for top, cells in enumerate(sheet.iter_rows(max_row=5, values_only=True), start=1):
            header = [str(v or "") for v in cells]
            if "意向等级" not in header or sheet.max_row < top + 20:
                continue
            sheet.delete_rows(sheet.max_row - 3)
            sheet.cell(top + 3, header.index("意向等级") + 1).value = "A"
            sheet.cell(top + 4, header.index("日期") + 1).value = date(2026, 11, 20)
            book.save(path)
            return path
    raise AssertionError("no calls workbook to edit")


def test_the_demo_team_counted_full_then_after_one_file_changed(tmp_path: Path) -> None:
    make_team(tmp_path / "team", AS_OF)
    store = tmp_path / "store.sqlite"
    first = sync(tmp_path / "team", store)
    assert first.duplicates and first.figures.pipeline  # copies and gradings to get right
    assert_same_figures(first.figures, counted_from_every_record(store, first))
    edited = edit_a_calls_file(tmp_path / "team")
    second = sync(tmp_path / "team", store)
    assert edited.relative_to(tmp_path).as_posix() in second.parsed
    assert_same_figures(second.figures, counted_from_every_record(store, second))
    assert second.figures.kpis != first.figures.kpis


def since_the_25th(store_at: Location) -> list[tuple[str, str, int]]:
    with open_store(store_at) as store:
        return sorted(
            (r.path, r.sheet, r.row)
            for r in current_records(store, since=D25, registers=["calls", "leads"])
        )


def test_the_current_records_since_a_day_of_some_registers(
    tmp_path: Path, store_at: Location
) -> None:
    mixed_team(tmp_path / "team")
    sync(tmp_path / "team", store_at)
    assert since_the_25th(store_at) == [
        ("team/张三/意向.xlsx", "意向客户", 3),
        ("team/张三/电话.xlsx", "电话记录", 4),
        ("team/李四/电话.xlsx", "电话记录", 2),
    ]
    with open_store(store_at) as store:
        assert list(current_records(store, registers=[])) == []
        assert len(list(current_records(store))) == 9


def test_a_store_from_before_the_kept_counts_counts_its_records_once(tmp_path: Path) -> None:
    mixed_team(tmp_path / "team")
    store = tmp_path / "store.sqlite"
    before = sync(tmp_path / "team", store).figures
    with sqlite3.connect(store) as db:  # as an older salesflow left it
        db.execute("DROP TABLE tallies")
        db.execute("DROP TABLE gradings")
        db.execute("DROP TABLE rep_rows")
        db.execute("DROP TABLE latest_calls")
        for index in ("versions_day", "versions_keys", "versions_promise", "versions_contacts"):
            db.execute(f"DROP INDEX {index}")
        db.execute("ALTER TABLE versions DROP COLUMN day")
        db.execute("ALTER TABLE versions DROP COLUMN promise")
        db.execute("DELETE FROM settings WHERE name = 'day_counts'")
        db.execute("DELETE FROM schema_version WHERE version >= 3")  # at version 2
    assert len(since_the_25th(store)) == 3  # dated again on opening
    again = sync(tmp_path / "team", store)
    assert again.parsed == []  # nothing read again: the counts come from the store
    assert_same_figures(again.figures, before)
