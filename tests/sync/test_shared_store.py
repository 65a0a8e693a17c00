"""Several `salesflow sync` processes on one store at once, and a sync killed mid-way,
against both stores (`store_at`: a SQLite file and a PostgreSQL database).

These syncs name no office, so each is the whole store's (a company of one office)
and replaces every source it does not name: after four syncs of four folders the
registers hold the last one's (offices, each replacing only its own sources, are in
`test_offices`). What these tests hold the store to is what concurrency must never
break: every record kept exactly once, every sync numbered and logged with none lost,
and a killed sync leaving nothing behind.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import psycopg

from sync.postgres_store import SYNC_LOCK
from sync.store import Location, current_records, open_store
from tests.conftest import SALESFLOW

from .conftest import run
from .teams import AS_OF, Team, build_team

OFFICES = ("华东", "华南", "华北", "西南")


def typed(team: Team) -> int:
    """How many rows the team's reps typed (every one a valid record)."""
    return sum(len(rows) for rep in team.rows.values() for rows in rep.values())


def start_sync(folder: Path, master: Path, store: Location) -> subprocess.Popen[str]:
    """`salesflow sync` in its own process group, the store named by `SALESFLOW_STORE`."""
    args = ["--from", str(folder), "--master", str(master), "--as-of", AS_OF.isoformat()]
    return subprocess.Popen(
        [str(SALESFLOW), "sync", *args, "--json"],
        cwd=folder.parent,
        env={**os.environ, "SALESFLOW_STORE": str(store)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def writing(store: Location) -> bool:
    """Whether a sync holds the store's write transaction right now."""
    if isinstance(store, Path):
        probe = sqlite3.connect(store, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    with psycopg.connect(store) as conn:
        held = conn.execute(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = %s",
            (SYNC_LOCK,),
        ).fetchone()
        return bool(held and held[0])


def test_four_syncs_at_once_keep_every_record_exactly_once(
    tmp_path: Path, store_at: Location
) -> None:
    teams = {office: build_team(tmp_path / office, seed=n) for n, office in enumerate(OFFICES)}
    syncs = [start_sync(team.folder, tmp_path / f"{o}.xlsx", store_at) for o, team in teams.items()]
    for process in syncs:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    with open_store(store_at) as store:
        log = store.sync_log()
        versions, total = store.history("", limit=10**6)
    assert [s.id for s in log] == [1, 2, 3, 4]
    assert all(s.finished_at for s in log)
    assert total == len(versions) == sum(typed(t) for t in teams.values())
    kept = {(v.path, v.sheet, v.register, v.key) for v in versions}
    assert len(kept) == total  # no record twice
    last = next(s for s in log if s.id == 4)
    open_versions = [v for v in versions if v.ended_sync is None]
    (office,) = {v.path.split("/")[0] for v in open_versions}
    assert len(open_versions) == typed(teams[office]) == last.records
    assert {v.end_reason for v in versions if v.ended_sync is not None} == {"source_gone"}


def test_a_sync_killed_mid_way_leaves_the_store_as_the_last_sync_did(
    tmp_path: Path, store_at: Location
) -> None:
    team = build_team(tmp_path / "team")
    master = tmp_path / "master.xlsx"
    run(team.folder, master, store=store_at)
    with open_store(store_at) as store:
        before = (store.sync_log(), sorted(current_records(store)), store.sources())
    del team.rows["乙"]["calls"][:3]  # three calls deleted
    team.write("乙")
    for n in range(6):  # more to read, so the sync is still writing when it is killed
        build_team(tmp_path / "more" / f"part{n}", seed=n)
    killed = start_sync(tmp_path / "more", tmp_path / "killed.xlsx", store_at)
    deadline = time.monotonic() + 120
    while not writing(store_at):
        assert killed.poll() is None, killed.communicate()
        assert time.monotonic() < deadline, "the sync never began writing"
        time.sleep(0.02)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    assert killed.returncode == -signal.SIGKILL
    with open_store(store_at) as store:
        assert (store.sync_log(), sorted(current_records(store)), store.sources()) == before
    again = run(team.folder, master, store=store_at)
    assert again.sync_id == 2  # the killed sync left no row in the log
    assert vars(again.changes) == {"added": 0, "updated": 0, "removed": 3}
    with open_store(store_at) as store:
        assert not any(p.startswith("more/") for p in store.sources())
        assert len(list(current_records(store))) == typed(team)
