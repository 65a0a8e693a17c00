"""The store on its own, each test against SQLite and PostgreSQL (`store_at`): named
rows, one transaction per sync, history search, problems in order; then what only one
kind has: old SQLite stores read, the PostgreSQL schema versions and server faults."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import psycopg
import pytest

from sheets_templates.problems import Problem, Severity
from sync.current import count_changes
from sync.parsed import ParsedSource, RecordRow, SheetSummary
from sync.postgres_store import shown
from sync.schema import SCHEMA
from sync.store import (
    CurrentRecord,
    Location,
    OpenVersion,
    StoreError,
    SyncCounts,
    SyncLogRow,
    current_records,
    open_store,
)
from tests.conftest import salesflow
from tests.postgres import Cluster

DAY = date(2026, 11, 3)
PATH = "team/张三.xlsx"
TEXT = '{"date":"2026-11-03","time":"09:30","rep":"张三","phone":"13800138000"}'
KEY = "张三 / 2026-11-03 / 09:30 / 13800138000"


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def one_call(row: int = 5, text: str = TEXT, key: str = KEY) -> ParsedSource:
    """A source as a reader leaves it: one calls sheet with one valid row."""
    sheet = SheetSummary(PATH, 0, "电话记录", "calls", 2, "张三", 1, 1, 0, 0)
    record = RecordRow("calls", key, "张三", "", text, sha1(text), "电话记录", row)
    return ParsedSource(PATH, "file", "hash-1", sheets=[sheet], records=[record])


def test_rows_come_back_named(store_at: Location) -> None:
    with open_store(store_at) as store:
        with store.transaction(DAY) as sync_id:
            store.replace_source(sync_id, one_call(), DAY)
            store.log_sync(sync_id, SyncCounts(synced=1, records=1, added=1))
        (current,) = current_records(store)
        assert current == CurrentRecord("calls", KEY, TEXT, sha1(TEXT), PATH, "电话记录", 5)
        assert (current.path, current.sheet, current.row) == (PATH, "电话记录", 5)
        assert store.versions_of("", [("calls", KEY)], 1) == [
            (OpenVersion("calls", KEY, sha1(TEXT), PATH, "电话记录", 5), 1, None)
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


def test_a_failure_inside_the_transaction_leaves_the_store_as_before(
    store_at: Location,
) -> None:
    path = store_at
    with open_store(path) as store, store.transaction(DAY) as sync_id:
        store.replace_source(sync_id, one_call(), DAY)
        store.log_sync(sync_id, SyncCounts(synced=1))
    with open_store(path) as store:
        before = (list(current_records(store)), store.sync_log(), store.sheets())
        failing = pytest.raises(RuntimeError, match="disk on fire")
        with failing, store.transaction(date(2026, 11, 4)) as sync_id:
            moved = one_call(row=9, text=TEXT.replace("09:30", "10:00"))
            store.replace_source(sync_id, moved, date(2026, 11, 4))
            store.mark_gone(sync_id, PATH)
            store.put_setting("targets_rows", [["x"]])
            raise RuntimeError("disk on fire")
        assert (list(current_records(store)), store.sync_log(), store.sheets()) == before
        assert store.setting("targets_rows") is None
        assert store.sources()[PATH].state == "present"
    with open_store(path) as store, store.transaction(date(2026, 11, 4)) as sync_id:
        assert sync_id == 2  # the failed sync left no row in the log


def test_leaving_the_with_block_closes_the_store(store_at: Location) -> None:
    with open_store(store_at) as store:
        pass
    closed = StoreError if isinstance(store_at, str) else sqlite3.ProgrammingError
    with pytest.raises(closed) as caught:
        store.sync_log()
    # the server's own words stay out of the message and go to the log (`detail`)
    assert "closed" in str(getattr(caught.value, "detail", None) or caught.value)


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
        (current,) = current_records(store)
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
    after = [r for r in now if r.path == b]
    changes = count_changes(before, after, (r for r in now if r.path != b))
    assert vars(changes) == {"added": 1, "updated": 3, "removed": 1}


def problem(path: str, row: int | None, code: str) -> Problem:
    return Problem(
        code, Severity.ERROR, path, "电话记录", row, "B", "日期", "date", "", "错", "bad"
    )


def with_problems(path: str, *problems: Problem) -> ParsedSource:
    sheet = SheetSummary(path, 0, "电话记录", "calls", 2, "张三", 2, 0, len(problems), 0)
    return ParsedSource(path, "file", "hash-" + path, sheets=[sheet], problems=list(problems))


def test_problems_come_back_by_file_then_sheet_problems_then_rows(store_at: Location) -> None:
    """Code-point order of files (`Z` before `b`), and a sheet's own problem (no row)
    before its rows' problems, on either store."""
    with open_store(store_at) as store, store.transaction(DAY) as sync_id:
        store.replace_source(
            sync_id,
            with_problems(
                "team/b.xlsx",
                problem("team/b.xlsx", 7, "r7"),
                problem("team/b.xlsx", None, "sheet"),
            ),
            DAY,
        )
        store.replace_source(
            sync_id, with_problems("team/Z.xlsx", problem("team/Z.xlsx", 3, "z3")), DAY
        )
        codes = [p.code for p in store.problems()]
    assert codes == ["z3", "sheet", "r7"]


def test_history_finds_a_key_whatever_the_case_of_its_letters(store_at: Location) -> None:
    key = "Zhang / SO-2611-07"
    with open_store(store_at) as store:
        with store.transaction(DAY) as sync_id:
            store.replace_source(sync_id, one_call(key=key), DAY)
        (found,), total = store.history("so-2611")
        assert (found.key, total) == (key, 1)
        assert store.history("so_2611") == ([], 0)  # `_` is a character, not a wildcard


def test_a_new_store_is_made_at_the_schema_version(store_at: Location) -> None:
    with open_store(store_at) as store:
        assert list(store.schema_versions()) == [1, 2, 3, 4]
    with open_store(store_at) as store:  # opened again: nothing applied twice
        assert list(store.schema_versions()) == [1, 2, 3, 4]


def test_a_store_from_a_newer_salesflow_is_refused(store_at: Location) -> None:
    with open_store(store_at):
        pass
    newer = "INSERT INTO schema_version VALUES (99, '2027-01-01T00:00:00')"
    if isinstance(store_at, Path):
        with sqlite3.connect(store_at) as db:
            db.execute(newer)
    else:
        with psycopg.connect(store_at, autocommit=True) as conn:
            conn.execute(newer)
    with pytest.raises(StoreError, match="schema version 99; this salesflow knows up to 4"):
        open_store(store_at)


def test_rows_compare_by_code_point_whatever_the_database_locale(pg_cluster: Cluster) -> None:
    """A database made with an English collation would put `b` before `Z`."""
    url = pg_cluster.database(icu="en-US")
    with open_store(url) as store, store.transaction(DAY) as sync_id:
        for path in ("team/b.xlsx", "team/Z.xlsx"):
            store.replace_source(sync_id, with_problems(path, problem(path, 2, path)), DAY)
        assert [p.code for p in store.problems()] == ["team/Z.xlsx", "team/b.xlsx"]


def test_a_server_that_is_not_there_is_said_with_where_and_no_password() -> None:
    url = "postgresql://rep:secret@127.0.0.1:1/sales"
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert "postgresql://rep:***@127.0.0.1:1/sales" in caught.value.en
    assert "secret" not in caught.value.en + caught.value.zh
    assert "服务器是否在运行" in caught.value.zh
    assert shown("postgresql://rep@db.example/sales") == "postgresql://rep@db.example/sales"


def test_a_server_going_away_mid_sync_is_said_and_nothing_is_kept(pg_cluster: Cluster) -> None:
    url = pg_cluster.database()
    failing = pytest.raises(StoreError)
    with open_store(url) as store, failing as caught, store.transaction(DAY) as sync_id:
        with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (store.db.conn.info.backend_pid,))
        store.replace_source(sync_id, one_call(), DAY)
    assert "服务器是否在运行" in caught.value.zh  # words for the person,
    assert "terminating connection" in (caught.value.detail or "")  # the server's for the log
    with open_store(url) as store:
        assert (store.sync_log(), list(current_records(store))) == ([], [])


def test_the_commands_say_an_unreachable_server_and_exit_2(tmp_path: Path) -> None:
    url = "postgresql://rep:secret@127.0.0.1:1/sales"
    (tmp_path / "team" / "甲").mkdir(parents=True)
    (tmp_path / "team" / "甲" / "电话.csv").write_text("日期,时间,电话\n", encoding="utf-8")
    for args in (["history", "13800138000"], ["sync", "--from", "team"]):
        out = salesflow(*args, "--store", url, "--lang", "en", cwd=tmp_path)
        assert out.returncode == 2, out.stderr
        assert "cannot reach or write the store on the server" in out.stderr
        assert "postgresql://rep:***@127.0.0.1:1/sales" in out.stderr
        assert "secret" not in out.stdout + out.stderr
