"""When the board's sync runs: on a change in the team's folders, on an interval for
Google tabs (which have no change events), and on Refresh.

Every trigger only asks (`Syncer.request`); one worker thread runs the syncs, one at a
time, after a quiet spell (`QUIET`), so a save that writes a file in three steps, or
ten reps saving at once, is one sync. A request that comes while a sync runs is kept
and answered by the next one: the board never misses the last save.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from sheets_templates.words import Text

from ..crash import LOG_NAME
from ..engine import SyncResult
from ..run import SyncFailed
from ..sources import SOURCE_SUFFIXES, UNSUPPORTED_SUFFIXES, is_ignored

INTERNAL = Text(
    "salesflow 内部错误，详情已记入 {log}；看板显示上次的结果",
    "an internal error in salesflow, written to {log}; the board shows the last result",
)
QUIET = 0.3
"""Seconds without a new request before a sync starts."""


@dataclass(frozen=True)
class Outcome:
    """One sync's end: its result, or the words of why it failed."""

    result: SyncResult | None
    failure: SyncFailed | None = None


class SourceChanges(watchfiles.DefaultFilter):
    """The changes worth a sync: a source file (or a folder) added, saved or removed;
    never the master, its backups, the store, lock and temporary files salesflow
    writes itself (else every sync would set off the next)."""

    def __init__(self, master: Path) -> None:
        super().__init__()
        self.master = os.path.realpath(master)

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        name = os.path.basename(path)
        suffix = os.path.splitext(name)[1].lower()
        if is_ignored(name) or os.path.realpath(path) == self.master:
            return False
        return suffix in SOURCE_SUFFIXES or suffix in UNSUPPORTED_SUFFIXES or not suffix


class Syncer:
    """Runs `sync` in its own thread whenever asked, one at a time, after `quiet`
    seconds of calm; hands each `Outcome` to `done` (from that thread): the result
    when `sync` calls back with it, a failure when it raises."""

    def __init__(
        self,
        sync: Callable[[Callable[[SyncResult], None]], SyncResult],
        done: Callable[[Outcome], None],
        bug: Callable[[Exception], None],
        quiet: float = QUIET,
    ) -> None:
        self.sync, self.done, self.bug, self.quiet = sync, done, bug, quiet
        self.wanted = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._work, name="salesflow-sync", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def request(self) -> None:
        self.wanted.set()

    def stop(self) -> None:
        self.stopping.set()
        self.wanted.set()
        self.thread.join(timeout=60)

    def _work(self) -> None:
        while not self.stopping.is_set():
            self.wanted.wait()
            while self.wanted.is_set():  # wait for calm: one sync for a burst of saves
                self.wanted.clear()
                if self.stopping.wait(self.quiet):
                    return
            try:  # the figures are shown as soon as computed, before the master is written
                self.sync(lambda result: self.done(Outcome(result)))
            except SyncFailed as exc:
                self.done(Outcome(None, exc))
            except Exception as exc:  # a bug: logged, said, and the board keeps serving
                self.bug(exc)
                self.done(Outcome(None, SyncFailed(*INTERNAL.both(log=LOG_NAME))))


def watch_folders(
    folders: Sequence[Path], master: Path, syncer: Syncer, stopping: threading.Event
) -> threading.Thread:
    """A thread asking `syncer` for a sync on every change under `folders`."""

    def run() -> None:
        for _changes in watchfiles.watch(
            *folders,
            watch_filter=SourceChanges(master),
            stop_event=stopping,
            debounce=int(QUIET * 1000),
            step=50,
            yield_on_timeout=False,
        ):
            syncer.request()

    thread = threading.Thread(target=run, name="salesflow-watch", daemon=True)
    thread.start()
    return thread


def poll_tabs(every: float, syncer: Syncer, stopping: threading.Event) -> threading.Thread:
    """A thread asking `syncer` for a sync every `every` seconds (Google tabs)."""

    def run() -> None:
        while not stopping.wait(every):
            syncer.request()

    thread = threading.Thread(target=run, name="salesflow-poll", daemon=True)
    thread.start()
    return thread
