"""Syncing again: unchanged sources are not read, edits count exactly by natural key,
nothing deleted is lost from the history, targets edited in the master are used. The
syncs that keep history run against both stores (`store_at`: SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import openpyxl

from sheets_templates.rules import customer_key
from sync.engine import run_sync
from sync.reader import FileResult
from sync.sources import file_sources
from sync.store import Location, open_store
from sync.summary import sync_json

from .conftest import run
from .teams import AS_OF, Team, salesflow


def test_second_identical_sync_reports_no_changes_and_reads_nothing(
    team: Team, tmp_path: Path, store_at: Location
) -> None:
    master = tmp_path / "master.xlsx"
    first = run(team.folder, master, store=store_at)
    assert first.changes.added == sum(first.records.values()) > 0
    second = run(team.folder, master, store=store_at)
    assert vars(second.changes) == {"added": 0, "updated": 0, "removed": 0}
    assert second.parsed == []
    assert {s.status for s in second.sources} == {"unchanged"}
    assert second.records == first.records
    assert sync_json(second)["kpi"] == sync_json(first)["kpi"]


def test_an_unchanged_source_is_never_read(team: Team, tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    sources = file_sources([team.folder], AS_OF)
    run_sync(sources, store, AS_OF)
    calls: list[str] = []

    def refusing(path: str) -> FileResult:
        calls.append(path)
        raise AssertionError("an unchanged source was read")

    again = [replace(s, read=lambda p=s.path, **_: refusing(p)) for s in sources]
    result = run_sync(again, store, AS_OF)
    assert calls == [] and result.parsed == []


def test_edits_deletions_and_additions_count_exactly(
    team: Team, tmp_path: Path, store_at: Location
) -> None:
    master = tmp_path / "master.xlsx"
    run(team.folder, master, store=store_at)
    calls = team.rows["乙"]["calls"]
    removed = calls[5:8]
    del calls[5:8]  # three rows deleted
    calls[0]["outcome"] = "改约到下周"  # two rows edited
    calls[1]["effective"] = "否" if calls[1]["effective"] == "是" else "是"
    added = copy.deepcopy(calls[-4:])
    for n, row in enumerate(added):  # four new calls (new phones: new keys)
        row["phone"] = 13900000000 + n
    calls.insert(2, added[0])  # one at the top: the rows below move, unchanged
    calls.extend(added[1:])
    team.write("乙")
    result = run(team.folder, master, store=store_at)
    assert vars(result.changes) == {"added": 4, "updated": 2, "removed": 3}
    assert result.parsed == ["team/乙/登记表.xlsx"]
    statuses = {(s.path, s.status) for s in result.sources}
    assert ("team/甲/登记表.xlsx", "unchanged") in statuses
    assert ("team/乙/登记表.xlsx", "synced") in statuses

    with open_store(store_at) as db:
        phone = str(removed[0]["phone"])
        versions, total = db.history(phone)
        assert total == 1 and versions[0].end_reason == "removed"
        assert versions[0].data["phone"] == phone
        edited, _ = db.history(str(calls[0]["phone"]))
        assert [v.end_reason for v in edited] == ["updated", None]
        assert edited[1].data["outcome"] == "改约到下周"
    out = salesflow("history", phone, "--store", str(store_at), "--lang", "en", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "deleted from its sheet" in out.stdout and phone in out.stdout


def test_a_vanished_source_leaves_the_registers_but_not_the_history(
    team: Team, tmp_path: Path, store_at: Location
) -> None:
    master = tmp_path / "master.xlsx"
    first = run(team.folder, master, store=store_at)
    held = len(team.rows["丙"]["calls"]) + len(team.rows["丙"]["leads"])
    held += len(team.rows["丙"]["visits"]) + len(team.rows["丙"]["shipments"])
    team.path("丙").unlink()
    result = run(team.folder, master, store=store_at)
    assert result.changes.removed == held and result.changes.added == 0
    assert sum(result.records.values()) == sum(first.records.values()) - held
    assert ("team/丙/登记表.xlsx", "gone") in {(s.path, s.status) for s in result.sources}
    lead = team.rows["丙"]["leads"][0]["customer"]
    with open_store(store_at) as db:
        versions, _ = db.history(lead)
        gone = [v for v in versions if v.path == "team/丙/登记表.xlsx"]
        assert gone and all(v.end_reason == "source_gone" for v in gone)
        assert customer_key(gone[0].data["customer"]) == customer_key(lead)
    team.write("丙")  # the file comes back: its records are current again
    back = run(team.folder, master, store=store_at)
    assert back.records == first.records and back.changes.added == held


def test_targets_edited_in_the_master_are_used_and_kept(team: Team, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    first = run(team.folder, master)
    wb = openpyxl.load_workbook(master)
    ws = wb["指标"]
    header = [c.value for c in ws[2]]
    assert header[0] == "销售员" and ws["A3"].value == "全部"
    effective = header.index("有效通话（每天）") + 1
    wechat = header.index("添加微信（每天）") + 1
    assert ws.cell(row=3, column=effective).value == 100  # DESIGN's default, written first
    ws.cell(row=3, column=effective).value = 80
    rows = {ws.cell(row=r, column=1).value: r for r in range(3, ws.max_row + 1)}
    ws.cell(row=rows["甲"], column=effective).value = "120"
    ws.cell(row=rows["乙"], column=wechat).value = "很多"
    wb.save(master)

    result = run(team.folder, master)
    day = {(k.rep, k.metric): k for k in result.figures.kpis if k.period == "day"}
    assert day[("甲", "effective_calls")].target == 120
    assert day[("乙", "effective_calls")].target == 80
    assert day[("丙", "effective_calls")].target == 80
    assert day[("乙", "wechat_adds")].target == 30  # unreadable cell: the default, reported
    bad = [p for p in result.problems if p.code == "target.invalid"]
    assert len(bad) == 1 and bad[0].value == "很多" and bad[0].row == rows["乙"]
    assert first.problems == []  # the problem is new, the sources are clean
    kept = openpyxl.load_workbook(master)["指标"]
    assert kept.cell(row=3, column=effective).value == 80
    assert kept.cell(row=rows["甲"], column=effective).value == 120
    assert kept.cell(row=rows["乙"], column=wechat).value == "很多"  # kept as typed
