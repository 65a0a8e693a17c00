"""A refresh costs what changed (issue 12): the figures read only the calls they need,
the changes are counted from the keys a sync touched, and a refresh with nothing new
leaves the master as it is. Hand-worked teams, both stores."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import sync.current
import sync.engine
import sync.postgres_store
import sync.sheet_xml
import sync.sqlite_counts
from sheets_templates.followups import FollowUp
from sync.demo import write_workbook
from sync.engine import SyncResult, run_sync
from sync.forked import Forked
from sync.master_words import SHEET_TITLES
from sync.run import XlsxMaster, sync_into
from sync.sources import file_sources
from sync.store import Location, current_records, open_store

from .conftest import run
from .teams import AS_OF
from .test_master_targets import set_team_target

OCT15, NOV02, NOV20, NOV25 = (
    date(2026, 10, 15),
    date(2026, 11, 2),
    date(2026, 11, 20),
    date(2026, 11, 25),
)


def call(day: date, customer: str, contact: str, phone: str, **more: Any) -> dict[str, Any]:
    return {
        "date": day,
        "time": time(10, 0),
        "rep": "张三",
        "customer": customer,
        "contact": contact,
        "phone": phone,
        "outcome": "接通",
        "effective": "是",
        "wechat_added": "否",
        **more,
    }


def zhang_san(folder: Path) -> None:
    """张三 graded 甲公司 A on 15 October and promised to call back on the as-of date
    (26 November, a Thursday); he last called it on the 20th, someone else answering.
    乙公司 (B) was last called on 2 November; 丙公司 yesterday."""
    calls = [
        call(OCT15, "甲公司", "王经理", "13800000001", intent_grade="A", follow_up=AS_OF),
        call(NOV02, "乙公司", "赵经理", "13800000003", intent_grade="B"),
        call(NOV20, "甲公司", "李总", "13800000002"),
        call(NOV25, "丙公司", "钱女士", "13800000004"),
    ]
    write_workbook(folder / "张三" / "电话.xlsx", [("电话记录", "calls", calls, "zh")])


def test_the_store_hands_over_the_promised_and_the_latest_calls(
    tmp_path: Path, store_at: Location
) -> None:
    zhang_san(tmp_path / "team")
    run_sync(file_sources([tmp_path / "team"], AS_OF), store_at, AS_OF)
    with open_store(store_at) as store:
        promised = [r.row for r in store.promised_records("", "calls", AS_OF)]
        latest = sorted(r.row for r in store.latest_calls("", AS_OF))
        before_the_20th = sorted(r.row for r in store.latest_calls("", NOV02))
    assert promised == [2]  # the call of 15 October, row 2
    assert latest == [3, 4, 5]  # 乙 on the 2nd, 甲 on the 20th, 丙 on the 25th
    assert before_the_20th == [2, 3]  # by 2 November: 甲 on 15 October, 乙 on the 2nd


def test_the_window_reads_bare_rows_of_the_same_calls(tmp_path: Path, store_at: Location) -> None:
    """The window's sheet needs only each call's data and place: the store hands them
    over bare (register, key and hash None), for the same calls in the same chunks."""
    zhang_san(tmp_path / "team")
    run_sync(file_sources([tmp_path / "team"], AS_OF), store_at, AS_OF)
    with open_store(store_at) as store:
        whole = [*store.current_chunks("", NOV02, ["calls"], AS_OF)]
        bare = [*store.current_chunks("", NOV02, ["calls"], AS_OF, bare=True)]
    assert sorted(row[-1] for chunk in whole for row in chunk) == [3, 4, 5]
    assert [[(None, None, r[2], None, *r[4:]) for r in chunk] for chunk in whole] == bare


def test_the_follow_ups_come_from_the_calls_the_store_hands_over(tmp_path: Path) -> None:
    zhang_san(tmp_path / "team")
    result = run(tmp_path / "team", tmp_path / "master.xlsx")
    assert result.figures.follow_ups == [
        # promised on 15 October: shown with the contact of the latest call
        FollowUp("张三", "call_promised", "甲公司", "李总", "13800000002", OCT15),
        # A, quiet since the 20th: Mon 23 to Thu 26 are 4 working days (≥ 3)
        FollowUp("张三", "silent_a", "甲公司", "李总", "13800000002", NOV20, 4),
        # B, quiet since 2 November: 4 + 5 + 5 + 4 = 18 working days (≥ 7)
        FollowUp("张三", "silent_b", "乙公司", "赵经理", "13800000003", NOV02, 18),
    ]
    calls = openpyxl.load_workbook(tmp_path / "master.xlsx", read_only=True)["电话记录"]
    (title,) = next(calls.iter_rows(max_row=1, max_col=1, values_only=True))
    assert "共 3 行" in str(title)  # the month's three calls; October's stays in the store


def test_changes_are_counted_a_few_keys_at_a_time(
    tmp_path: Path, store_at: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of 2 keys and streams of 2 rows: the count is the same as in one go."""
    for module in (sync.sqlite_counts, sync.postgres_store):
        monkeypatch.setattr(module, "STREAM_CHUNK", 2)
    monkeypatch.setattr(sync.current, "KEY_CHUNK", 2)
    team = tmp_path / "team"
    calls = [call(NOV20, f"客户{n}", "王经理", f"1380000000{n}", time=time(9, n)) for n in range(5)]
    write_workbook(team / "张三" / "电话.xlsx", [("电话记录", "calls", calls, "zh")])
    first = run_sync(file_sources([team], AS_OF), store_at, AS_OF)
    assert vars(first.changes) == {"added": 5, "updated": 0, "removed": 0}
    calls[0]["outcome"] = "已回访"  # edited
    calls[3]["outcome"] = "无人接听"  # edited
    del calls[1]  # deleted
    calls.append(call(NOV25, "客户9", "钱女士", "13800000009"))  # added
    write_workbook(team / "张三" / "电话.xlsx", [("电话记录", "calls", calls, "zh")])
    second = run_sync(file_sources([team], AS_OF), store_at, AS_OF)
    assert vars(second.changes) == {"added": 1, "updated": 2, "removed": 1}


def test_a_refresh_with_nothing_new_leaves_the_master_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nor does it read the window's calls: no sheet is built, early or late."""
    zhang_san(tmp_path / "team")
    master = tmp_path / "master.xlsx"
    run(tmp_path / "team", master)
    written = (master.read_bytes(), master.stat().st_mtime_ns)
    windows: list[int] = []
    read_window = sync.engine.window_calls

    def noted(*args: Any) -> Any:
        windows.append(1)
        return read_window(*args)

    monkeypatch.setattr(sync.engine, "window_calls", noted)
    again = run(tmp_path / "team", master)
    assert again.master_kept and again.sheets == [] and windows == []
    assert (master.read_bytes(), master.stat().st_mtime_ns) == written
    assert list(tmp_path.glob("master.backup-*")) == []

    set_team_target(master, "有效通话（每天）", 80)  # the manager's edit is news
    edited = run(tmp_path / "team", master)
    assert not edited.master_kept
    daily = {
        k.target for k in edited.figures.kpis if k.metric == "effective_calls" and k.period == "day"
    }
    assert daily == {80}

    saved = run(tmp_path / "team", master)
    assert saved.master_kept  # the edit is in the master the last sync wrote
    (tmp_path / "team" / "张三" / "电话.xlsx").unlink()  # a file gone is news too
    zhang_san(tmp_path / "other")
    (tmp_path / "other" / "张三" / "电话.xlsx").rename(tmp_path / "team" / "张三" / "电话2.xlsx")
    moved = run(tmp_path / "team", master)
    assert not moved.master_kept and len(list(tmp_path.glob("master.backup-*"))) == 2


def sync_superseded(tmp_path: Path, superseded: Callable[[], bool], **more: Any) -> SyncResult:
    """`tmp_path/team` synced into `tmp_path/master.xlsx` as the board syncs it, asking
    `superseded` whether a rep has saved again meanwhile."""
    master = tmp_path / "master.xlsx"
    sources = file_sources([tmp_path / "team"], AS_OF)
    store = tmp_path / "master.sqlite"
    return sync_into(
        sources, [XlsxMaster(master)], store, AS_OF, lock=master, superseded=superseded, **more
    )


def test_a_sync_superseded_before_its_master_leaves_it_to_the_next(tmp_path: Path) -> None:
    zhang_san(tmp_path / "team")
    master = tmp_path / "master.xlsx"
    heard: list[int] = []
    first = sync_superseded(
        tmp_path,
        lambda: True,  # a rep saved again while the figures were computed
        computed=lambda result: heard.append(len(result.figures.follow_ups)),
    )
    assert heard == [3] and first.superseded and not first.master_kept
    assert not master.exists()  # the next sync writes it
    second = run(tmp_path / "team", master)
    assert not second.superseded and master.exists()


def test_a_write_superseded_half_way_leaves_the_old_master(tmp_path: Path) -> None:
    zhang_san(tmp_path / "team")
    master = tmp_path / "master.xlsx"
    run(tmp_path / "team", master)
    before = master.read_bytes()
    more = [call(AS_OF, "丁公司", "孙总", "13800000005")]  # a call made today, saved
    write_workbook(tmp_path / "team" / "张三" / "今天.xlsx", [("电话记录", "calls", more, "zh")])

    def newer_save_waiting() -> bool:  # a rep saves again while the master is written
        return any(tmp_path.glob("master.xlsx.*.tmp"))

    result = sync_superseded(tmp_path, newer_save_waiting)
    assert result.superseded  # given up at the first chunk of rows
    assert master.read_bytes() == before and not list(tmp_path.glob("master.xlsx.*.tmp"))
    assert run(tmp_path / "team", master).records["calls"] == 5  # the next sync writes it
    assert master.read_bytes() != before


def test_a_read_of_the_window_superseded_half_way_leaves_the_master_to_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's calls are read a batch at a time, and a newer save stops the read
    between two batches: the board's next sync does not wait for the whole read."""
    monkeypatch.setattr(sync.sqlite_counts, "STREAM_CHUNK", 2)
    zhang_san(tmp_path / "team")
    master = tmp_path / "master.xlsx"
    asked: list[bool] = []  # whether the master was being written when asked

    def saved_during_the_read() -> bool:  # no before the read and at its first batch
        asked.append(any(tmp_path.glob("master.xlsx.*.tmp")))
        return len(asked) > 2

    result = sync_superseded(tmp_path, saved_during_the_read)
    assert result.superseded and result.sheets == []
    assert asked == [False, False, False]  # all three before the master was written
    assert not master.exists()  # the next sync writes it
    assert run(tmp_path / "team", master).records["calls"] == 4 and master.exists()


def calls_sheet(result: Any) -> list[list[Any]]:
    (sheet,) = [s for s in result.sheets if s.key == "calls"]
    rows: list[list[Any]] = sheet.tables[0].rows
    return rows


def test_the_calls_sheet_is_rendered_by_a_child_begun_before_the_master_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync from the command line begins on the calls' sheet as soon as it is built: a
    forked child renders its last rows while the figures are computed, before the master
    is written (`sheet_xml.Tails`); the master holds each call where the sheet put it."""
    monkeypatch.setattr(sync.sheet_xml, "SPLIT_ROWS", 1)  # a table of two rows is big
    forked_while: list[str] = []

    class Noted(Forked):
        def __init__(self, *args: Any) -> None:
            writing = any(tmp_path.glob("master.xlsx.*.tmp"))
            forked_while.append("writing" if writing else "computing")
            super().__init__(*args)

    monkeypatch.setattr(sync.sheet_xml, "Forked", Noted)
    zhang_san(tmp_path / "team")
    result = run(tmp_path / "team", tmp_path / "master.xlsx")
    assert forked_while[0] == "computing" and set(forked_while[1:]) == {"writing"}
    rows = calls_sheet(result)
    assert len(rows) == 3  # this month's: the call of 15 October is out of the window
    sheet = openpyxl.load_workbook(tmp_path / "master.xlsx")[SHEET_TITLES["calls"]("zh")]
    shown = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert [row[3] for row in shown] == [row[3] for row in rows]  # each customer in place
    assert [row[-1] for row in shown] == [row[-1] for row in rows]  # and its Excel row


def test_the_calls_read_while_the_workers_parse_are_those_read_after(
    tmp_path: Path, store_at: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's calls of the sources a sync leaves alone are read before it changes
    the store (`current.early_window`), and their sheet is built before the figures are
    computed (`run_sync`'s `begin` hears it); with an edit, a copy made and one undone,
    a file gone and one new, the sheet is the one a sync reading them last shows."""
    early: list[int] = []
    read_early = sync.engine.early_window

    def noted(*args: Any) -> Any:
        found = read_early(*args)
        early.append(len(found.calls))
        return found

    monkeypatch.setattr(sync.engine, "early_window", noted)
    a = [call(NOV20, "甲公司", "王经理", "13800000001"), call(NOV25, "乙公司", "赵经理", "1380002")]
    b = [dict(a[0]), call(NOV02, "丙公司", "钱女士", "13800000004")]  # a copy of 甲, typed later
    c = [call(NOV25, "丁公司", "孙总", "13800000005"), call(OCT15, "戊公司", "周总", "1380006")]
    histories = {"early": store_at, "after": tmp_path / "after.sqlite"}
    for name, store in histories.items():
        team = tmp_path / name
        for rep, calls in (("a", a), ("b", b), ("c", c)):
            write_workbook(team / rep / "电话.xlsx", [("电话记录", "calls", calls, "zh")])
        run_sync(file_sources([team], AS_OF), store, AS_OF)
        edited = [
            call(NOV20, "甲公司", "王经理", "13800000001", outcome="已回访"),
            dict(c[0]),
            dict(b[1]),  # a copy of b's call, typed first: b's is the copy now
        ]
        write_workbook(team / "a" / "电话.xlsx", [("电话记录", "calls", edited, "zh")])
        (team / "c" / "电话.xlsx").unlink()  # gone
        new = [call(AS_OF, "己公司", "吴总", "13800000007")]
        write_workbook(team / "d" / "电话.xlsx", [("电话记录", "calls", new, "zh")])
    sources = {name: file_sources([tmp_path / name], AS_OF) for name in histories}
    begun: list[Any] = []
    heard_with: list[int] = []  # how many sheets were begun when the figures were heard
    shown = run_sync(
        sources["early"],
        store_at,
        AS_OF,
        begin=begun.append,
        computed=lambda result: heard_with.append(len(begun)),
    )
    assert early == [2]  # b's two calls, before the sync: a is read again, c is gone
    assert heard_with == [1] and [s.key for s in begun] == ["calls"]
    assert any(sheet is begun[0] for sheet in shown.sheets)  # the very sheet begun on
    after = run_sync(sources["after"], histories["after"], AS_OF, read_early=False)
    assert early == [2]  # read after, not early

    def typed(rows: list[list[Any]]) -> list[tuple[Any, ...]]:
        return sorted((row[3], row[-2], row[-1], Path(row[-3]).parent.name) for row in rows)

    assert (
        typed(calls_sheet(shown))
        == typed(calls_sheet(after))
        == [
            ("丁公司", "电话记录", 3, "a"),  # now a's, c's is gone
            ("丙公司", "电话记录", 4, "a"),  # b's row, read early, is its copy
            ("己公司", "电话记录", 2, "d"),  # new
            ("甲公司", "电话记录", 2, "a"),  # edited: b's copy is a record of its own again
            ("甲公司", "电话记录", 2, "b"),
        ]
    )


def copies_in(store_at: Location) -> list[tuple[str, int]]:
    """Where the store's copies are (`Store.copies`), and where every current record
    holding data another holds too is (all of them read and grouped); the data the last
    sync kept as copied (`found_copies`) is that data."""
    with open_store(store_at) as store:
        kept = sorted((Path(r.path).parent.name, r.row) for r in store.copies())
        rows = list(current_records(store))
        remembered = store.setting(sync.current.COPIES_SETTING)
        last = store.sync_log()[-1].id
    held: dict[tuple[str, str], int] = {}
    for r in rows:
        held[r.register, r.data_hash] = held.get((r.register, r.data_hash), 0) + 1
    copied = [r for r in rows if held[r.register, r.data_hash] > 1]
    assert kept == sorted((Path(r.path).parent.name, r.row) for r in copied)
    assert remembered["sync"] == last
    assert sorted(map(tuple, remembered["data"])) == sorted(
        {(r.register, r.data_hash) for r in copied}
    )
    return kept


def test_the_copies_follow_the_sources_as_they_change(
    tmp_path: Path, store_at: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records two places hold are found by their hashes (`Store.copies`) as files
    change: copies made, undone, tripled and gone. Each sync after the first looks up
    only the data copied before and the data it changed (`found_copies`)."""
    team = tmp_path / "team"
    x, y, z = (call(NOV20, name, "王经理", f"1380000000{n}") for n, name in enumerate("XYZ"))
    looked_up: list[int | None] = []
    copies = sync.sqlite_counts.KeptCounts.copies

    def heard(store: Any, office: str = "", among: Any = None) -> Any:
        looked_up.append(None if among is None else len(among))
        return copies(store, office, among)

    monkeypatch.setattr(sync.sqlite_counts.KeptCounts, "copies", heard)

    def save(rep: str, *calls: dict[str, Any]) -> list[tuple[str, int]]:
        write_workbook(team / rep / "电话.xlsx", [("电话记录", "calls", list(calls), "zh")])
        run_sync(file_sources([team], AS_OF), store_at, AS_OF)
        return copies_in(store_at)

    assert save("a", x, y) == []
    assert save("b", dict(y), z) == [("a", 3), ("b", 2)]  # y in a and b
    assert save("a", x, {**y, "outcome": "已回访"}) == []  # a's y edited: b's is alone
    assert save("c", dict(z)) == [("b", 3), ("c", 2)]
    w = call(NOV20, "W", "王经理", "13800000009")
    assert save("d", w) == [("b", 3), ("c", 2)]  # kept, though this sync did not touch them
    edited_y = {**y, "outcome": "已回访"}
    assert save("a", x, edited_y, dict(z)) == [("a", 4), ("b", 3), ("c", 2)]  # z thrice
    (team / "b" / "电话.xlsx").unlink()
    run_sync(file_sources([team], AS_OF), store_at, AS_OF)
    assert copies_in(store_at) == [("a", 4), ("c", 2)]  # b is gone, a and c still share z
    assert save("a", x) == []
    syncs = looked_up[::2]  # each sync's, then `copies_in`'s (every open version grouped)
    assert syncs[0] is None and None not in syncs[1:] and looked_up[1::2] == [None] * 8


def test_the_sync_after_the_first_reads_nothing_when_nothing_changed(tmp_path: Path) -> None:
    """销售01.xlsx names no one until the first sync learns 销售01 from its rep column;
    the file is read again then, by the roster that knows the name, not by every later
    sync (the board's first save after a new team's start waited for all 50 files)."""
    team, master = tmp_path / "team", tmp_path / "master.xlsx"
    for rep in ("销售01", "销售02"):
        calls = [call(NOV20, "甲公司", "王经理", "13800000001", rep=rep)]
        write_workbook(team / f"{rep}.xlsx", [("电话记录", "calls", calls, "zh")])
    first = run(team, master)
    assert sorted(first.parsed) == ["team/销售01.xlsx", "team/销售02.xlsx"]
    assert {s.status for s in first.sources} == {"synced"}
    second = run(team, master)
    assert second.parsed == [] and {s.status for s in second.sources} == {"unchanged"}
    with open_store(tmp_path / "master.sqlite") as store:
        owners = {path: sheets[0].rep for path, sheets in store.sheets().items()}
    assert owners == {"team/销售01.xlsx": "销售01", "team/销售02.xlsx": "销售02"}
