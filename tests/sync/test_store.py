"""The SQLite store on its own: named rows, one transaction per sync, old stores read."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from sync.engine import count_changes
from sync.parsed import ParsedSource, RecordRow, SheetSummary
from sync.sqlite_store import SCHEMA, open_store
from sync.store import CurrentRecord, OpenVersion, SyncCounts, SyncLogRow

DAY = date(2026, 11, 3)
PATH = "team/张三.xlsx"
TEXT = '{"date":"2026-11-03","time":"09:30","rep":"张三","phone":"13800138000"}'
KEY = "张三 / 2026-11-03 / 09:30 / 13800138000"


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def one_call(row: int = 5, text: str = TEXT) -> ParsedSource:
    """A source as a reader leaves it: one calls sheet with one valid row."""
    sheet = SheetSummary(PATH, 0, "电话记录", "calls", 2, "张三", 1, 1, 0, 0)
    record = RecordRow("calls", KEY, "张三", "", text, sha1(text), "电话记录", row)
    return ParsedSource(PATH, "file", "hash-1", sheets=[sheet], records=[record])


def test_rows_come_back_named(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        with store.transaction(DAY) as sync_id:
            store.replace_source(sync_id, one_call(), DAY)
            store.log_sync(sync_id, SyncCounts(synced=1, records=1, added=1))
        (current,) = store.current_records()
        assert current == CurrentRecord("calls", KEY, TEXT, sha1(TEXT), PATH, "电话记录", 5)
        assert (current.path, current.sheet, current.row) == (PATH, "电话记录", 5)
        assert store.open_rows([PATH]) == [
            OpenVersion("calls", KEY, sha1(TEXT), PATH, "电话记录", 5)
        ]
        (log,) = store.sync_log()
        assert isinstance(log, SyncLogRow)
        assert (log.id, log.as_of, log.synced, log.records, log.added) == (
            1,
            "2026-11-03",
            1,
            1,
            1,
        )
        known = store.sources()[PATH]
        assert (known.state, known.content_hash, known.parsed_as_of) == (
            "present",
            "hash-1",
            DAY,
        )


def test_a_failure_inside_the_transaction_leaves_the_store_as_before(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with open_store(path) as store, store.transaction(DAY) as sync_id:
        store.replace_source(sync_id, one_call(), DAY)
        store.log_sync(sync_id, SyncCounts(synced=1))
    with open_store(path) as store:
        before = (list(store.current_records()), store.sync_log(), store.sheets())
        failing = pytest.raises(RuntimeError, match="disk on fire")
        with failing, store.transaction(date(2026, 11, 4)) as sync_id:
            moved = one_call(row=9, text=TEXT.replace("09:30", "10:00"))
            store.replace_source(sync_id, moved, date(2026, 11, 4))
            store.mark_gone(sync_id, PATH)
            store.put_setting("targets_rows", [["x"]])
            raise RuntimeError("disk on fire")
        assert (list(store.current_records()), store.sync_log(), store.sheets()) == before
        assert store.setting("targets_rows") is None
        assert store.sources()[PATH].state == "present"
    with open_store(path) as store, store.transaction(date(2026, 11, 4)) as sync_id:
        assert sync_id == 2  # the failed sync left no row in the log


def test_leaving_the_with_block_closes_the_store(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        pass
    with pytest.raises(sqlite3.ProgrammingError):
        store.sync_log()


def test_a_store_written_with_seconds_in_times_reads_as_the_same_version(
    tmp_path: Path,
) -> None:
    """Before the shared codec the store kept `09:30:00`; the same row read again must
    not become an update."""
    path = tmp_path / "old.sqlite"
    old_text = TEXT.replace('"09:30"', '"09:30:00"')
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.execute(
        "INSERT INTO syncs (id, started_at, as_of) VALUES (1, '2026-11-02T08:00', ?)",
        ("2026-11-02",),
    )
    db.execute(
        "INSERT INTO versions (id, register, natural_key, rep, customer, data, data_hash,"
        " source_path, sheet, row_no, first_sync) VALUES (1, 'calls', ?, '张三', '', ?, ?, ?,"
        " '电话记录', 5, 1)",
        (KEY, old_text, sha1(old_text), PATH),
    )
    db.commit()
    db.close()
    with open_store(path) as store:
        (current,) = store.current_records()
        assert (current.data, current.data_hash) == (TEXT, sha1(TEXT))
        with store.transaction(DAY) as sync_id:
            store.replace_source(sync_id, one_call(), DAY)
        assert store.history("13800138000")[1] == 1  # still one version, not an update


def test_changes_are_counted_by_identity_over_named_rows() -> None:
    """Two files hold calls; b.xlsx is re-read: k1 edited, k2 deleted, k3 added; k4 (also
    in a.xlsx with other data: two records) edited in b; the 2nd of b's two k5 rows
    edited; and b now repeats a.xlsx's k6 exactly (a duplicate: no change)."""
    a, b = "team/a.xlsx", "team/b.xlsx"
    before = [
        OpenVersion("calls", "k1", "h1", b, "电话记录", 2),
        OpenVersion("calls", "k2", "h2", b, "电话记录", 3),
        OpenVersion("calls", "k4", "h4b", b, "电话记录", 4),
        OpenVersion("calls", "k5", "h5", b, "电话记录", 5),
        OpenVersion("calls", "k5 #2", "h5-2", b, "电话记录", 6),
    ]
    now = [
        OpenVersion("calls", "k1", "h1-edited", b, "电话记录", 2),
        OpenVersion("calls", "k3", "h3", b, "电话记录", 3),
        OpenVersion("calls", "k4", "h4a", a, "电话记录", 9),
        OpenVersion("calls", "k4", "h4b-edited", b, "电话记录", 4),
        OpenVersion("calls", "k5", "h5", b, "电话记录", 5),
        OpenVersion("calls", "k5 #2", "h5-2-edited", b, "电话记录", 6),
        OpenVersion("calls", "k6", "h6", a, "电话记录", 10),
        OpenVersion("calls", "k6", "h6", b, "电话记录", 7),
    ]
    changes = count_changes(before, now, {b})
    assert vars(changes) == {"added": 1, "updated": 3, "removed": 1}
