"""When the board's sync runs: on a change in the team's folders, on an interval for
Google tabs (which have no change events), on Refresh, and at the group chat's posting
times (`--notify-at`), whose post carries that sync's meeting.

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
from datetime import datetime, time
from pathlib import Path

import watchfiles

from sheets_templates.words import Text

from ..crash import LOG_NAME
from ..engine import SyncResult
from ..notify import next_due
from ..run import SyncFailed
from ..sources import SOURCE_SUFFIXES, UNSUPPORTED_SUFFIXES, is_ignored

INTERNAL = Text(
    "salesflow 内部错误，详情已记入 {log}；看板显示上次的结果",
    "an internal error in salesflow, written to {log}; the board shows the last result",
)
QUIET = 0.05
"""Seconds without a new request before a sync starts (the folder watcher has grouped
a save's steps already: `SETTLE`)."""
SETTLE = 0.1
"""Seconds the folder watcher groups changes over: an Excel save (write aside, rename)
is one change."""


@dataclass(frozen=True)
class Outcome:
    """One sync's end: its result, or the words of why it failed."""

    result: SyncResult | None
    failure: SyncFailed | None = None


SyncRun = Callable[[Callable[[SyncResult], None], Callable[[], bool]], SyncResult]
"""A sync as the board runs it: it hands its result to the first callable as soon as
the figures are known, and asks the second whether a newer sync is already wanted
(reps still saving), in which case it leaves the master to that one to write."""


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
        sync: SyncRun,
        done: Callable[[Outcome], None],
        bug: Callable[[Exception], None],
        quiet: float = QUIET,
    ) -> None:
        self.sync, self.done, self.bug, self.quiet = sync, done, bug, quiet
        self.waiting: list[Callable[[Outcome], None]] = []
        self.waiting_lock = threading.Lock()
        self.wanted = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._work, name="salesflow-sync", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def request(self, then: Callable[[Outcome], None] | None = None) -> None:
        """Ask for a sync; `then` (if given) is handed its outcome once it has run."""
        if then is not None:
            with self.waiting_lock:
                self.waiting.append(then)
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
            with self.waiting_lock:
                waiting, self.waiting = self.waiting, []
            outcome = self._run()
            for then in waiting:
                then(outcome)

    def _run(self) -> Outcome:
        try:  # the figures are shown as soon as computed, before the master is written
            return Outcome(self.sync(lambda result: self.done(Outcome(result)), self.wanted.is_set))
        except SyncFailed as exc:
            failed = Outcome(None, exc)
        except Exception as exc:  # a bug: logged, said, and the board keeps serving
            self.bug(exc)
            failed = Outcome(None, SyncFailed(*INTERNAL.both(log=LOG_NAME)))
        self.done(failed)
        return failed


def watch_folders(
    folders: Sequence[Path], master: Path, syncer: Syncer, stopping: threading.Event
) -> threading.Thread:
    """A thread asking `syncer` for a sync on every change under `folders`."""

    def run() -> None:
        for _changes in watchfiles.watch(
            *folders,
            watch_filter=SourceChanges(master),
            stop_event=stopping,
            debounce=int(SETTLE * 1000),
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


def post_on_schedule(
    times: Sequence[time],
    syncer: Syncer,
    post: Callable[[Outcome], None],
    stopping: threading.Event,
) -> threading.Thread:
    """A thread that, at each of `times` every day, asks `syncer` for a sync and hands
    its outcome to `post`: the group chat gets the figures of that moment (the evening
    meeting at 18:00 judged against the day's end, not the pace of the last save)."""

    def run() -> None:
        while True:
            wait = (next_due(list(times), datetime.now()) - datetime.now()).total_seconds()
            if stopping.wait(max(wait, 0.0)):
                return
            syncer.request(then=post)

    thread = threading.Thread(target=run, name="salesflow-notify", daemon=True)
    thread.start()
    return thread
