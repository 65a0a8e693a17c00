"""What sets the board's sync off: which changes in the team's folder count, and the
debounced, one-at-a-time worker (a burst of saves is one sync; a save during a sync is
answered by the next one)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchfiles import Change

from sync.engine import SyncResult
from sync.web.watch import Outcome, SourceChanges, Syncer


def test_only_source_changes_count(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    counts = SourceChanges(master)
    team = tmp_path / "team"
    assert counts(Change.modified, str(team / "张三" / "登记表.xlsx"))
    assert counts(Change.added, str(team / "李四.csv"))
    assert counts(Change.deleted, str(team / "王五"))  # a rep's folder gone
    assert counts(Change.added, str(team / "旧表.wps"))  # said to be unsupported
    assert not counts(Change.modified, str(master))
    assert not counts(Change.added, str(tmp_path / "master.backup-20261126-180000.xlsx"))
    assert not counts(Change.added, str(tmp_path / "master.xlsx.4242.tmp"))
    assert not counts(Change.modified, str(tmp_path / "master.sqlite"))
    assert not counts(Change.modified, str(tmp_path / "master.xlsx.lock"))
    assert not counts(Change.added, str(team / "~$登记表.xlsx"))  # Excel's owner file
    assert not counts(Change.modified, str(team / "说明.txt"))
    assert not counts(Change.modified, str(team / ".git" / "index"))


class Counting:
    """A job that takes `seconds` and counts its runs: what the Syncer schedules is
    any callable; the real sync behind it is the browser tests' business."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.runs = seconds, 0
        self.started = threading.Event()
        self.superseded: list[bool] = []

    def __call__(
        self, computed: Callable[[SyncResult], None], superseded: Callable[[], bool]
    ) -> Any:
        self.runs += 1
        self.started.set()
        time.sleep(self.seconds)
        self.superseded.append(superseded())  # asked once the figures are shown


def test_a_burst_of_saves_is_one_sync() -> None:
    sync, outcomes = Counting(0.0), list[Outcome]()
    syncer = Syncer(sync, outcomes.append, lambda exc: None, quiet=0.2)
    syncer.start()
    for _ in range(10):
        syncer.request()
        time.sleep(0.02)
    time.sleep(0.8)
    syncer.stop()
    assert sync.runs == 1


def test_a_save_during_a_sync_gets_the_next_sync() -> None:
    sync, outcomes = Counting(0.5), list[Outcome]()
    syncer = Syncer(sync, outcomes.append, lambda exc: None, quiet=0.05)
    syncer.start()
    syncer.request()
    assert sync.started.wait(5)
    syncer.request()  # while the first sync runs
    time.sleep(1.5)
    syncer.stop()
    assert sync.runs == 2
    assert sync.superseded == [True, False]  # the first leaves the master to the second


def test_a_bug_is_logged_and_said_and_the_worker_goes_on() -> None:
    bugs: list[Exception] = []
    outcomes: list[Outcome] = []
    runs = []

    def broken(
        computed: Callable[[SyncResult], None], superseded: Callable[[], bool]
    ) -> SyncResult:
        runs.append(1)
        raise ZeroDivisionError("a bug")

    syncer = Syncer(broken, outcomes.append, bugs.append, quiet=0.05)
    syncer.start()
    syncer.request()
    time.sleep(0.4)
    syncer.request()
    time.sleep(0.4)
    syncer.stop()
    assert len(runs) == 2 and [type(b) for b in bugs] == [ZeroDivisionError] * 2
    assert outcomes[0].result is None and outcomes[0].failure is not None
    assert "salesflow.log" in outcomes[0].failure.message("en")
