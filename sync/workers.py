"""Reading in worker processes: the one way salesflow reads many files at once.

`check` reads files and `sync` reads sources through `read_in_workers`. A worker that
dies on a file (a panic or abort inside calamine, the memory cap below, a kill) costs
that one file, never the run: unlike `concurrent.futures`, whose pool breaks for good
when one worker dies, each worker here has its own pipe, and a dead one is replaced.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from sheets_templates.words import Text

Task = TypeVar("Task")
Outcome = TypeVar("Outcome")

MAX_WORKERS = 4
WORKER_MEMORY = 2 << 30
"""How much more address space a worker may take than it started with (bytes): a read
that wants more (a grid sized by a stray far cell, a decompression bomb) fails that
one file, not the machine."""
READER_CRASHED = Text("读取时程序崩溃", "the reader crashed on this file")


def read_in_workers(
    tasks: Sequence[Task],
    read: Callable[[Task], Outcome],
    crashed: Callable[[Task, Text], Outcome],
    workers: int | None = None,
) -> Iterator[Outcome]:
    """`read` over `tasks` in worker processes, results in input order: the one way
    salesflow reads many files (check and sync alike).

    Parsing is pure Python, so processes (not threads) use the other cores. A worker
    that dies on a task (a panic or abort in calamine, the memory cap, a kill) costs
    that one task: it becomes `crashed(task, READER_CRASHED)`, a fresh worker takes its
    place, and every other task is still read. Even a single file is read in a worker
    for that reason. Where processes cannot be started at all, tasks are read here.
    """
    count = min(workers or min(os.cpu_count() or 1, MAX_WORKERS), len(tasks))
    try:
        pool = [_Worker(read) for _ in range(count)]
    except (NotImplementedError, OSError):  # no fork, no semaphores, no pipes
        yield from map(read, tasks)
        return
    waiting = deque(enumerate(tasks))
    done: dict[int, Outcome] = {}
    shown = 0
    try:
        while shown < len(tasks):
            for n, worker in enumerate(pool):
                if worker.task is None and waiting:
                    at, task = waiting.popleft()
                    if not worker.give(at, task):  # it died idle: not this task's fault
                        waiting.appendleft((at, task))
                        worker.stop()
                        pool[n] = _Worker(read)
            busy = [w for w in pool if w.task is not None]
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for n, worker in enumerate(pool):
                if worker.task is None or not ({worker.conn, worker.process.sentinel} & ready):
                    continue
                at = worker.task
                outcome = worker.take()
                if outcome is None:  # the worker died on this task
                    done[at] = crashed(tasks[at], READER_CRASHED)
                    worker.stop()
                    pool[n] = _Worker(read)
                else:
                    done[at] = outcome[0]
            while shown in done:
                yield done.pop(shown)
                shown += 1
    finally:
        for worker in pool:
            worker.stop()


class _Worker:
    """One worker process and the pipe it takes tasks from and answers on."""

    def __init__(self, read: Callable[[Any], Any]) -> None:
        self.conn, theirs = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_serve, args=(theirs, read), daemon=True)
        self.process.start()
        theirs.close()
        self.task: int | None = None

    def give(self, at: int, task: Any) -> bool:
        """Hand the worker a task; False when it is no longer there to take it."""
        try:
            self.conn.send(task)
        except OSError:
            return False
        self.task = at
        return True

    def take(self) -> tuple[Any] | None:
        """The answer to the task in hand (a 1-tuple), or None when the worker died
        before giving one. An exception the task raised is raised here."""
        try:
            if not self.conn.poll():
                return None
            failed, value = self.conn.recv()
        except (EOFError, OSError):
            return None
        self.task = None
        if failed:
            raise value
        return (value,)

    def stop(self) -> None:
        """Ask the worker to finish (other workers hold copies of this pipe, so closing
        it alone would not end the worker), then make sure it has."""
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _serve(conn: Connection, read: Callable[[Any], Any]) -> None:
    """A worker's life: cap its memory, then answer tasks until the pipe closes."""
    _cap_memory(WORKER_MEMORY)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        try:
            answer: tuple[bool, Any] = (False, read(task))
        except Exception as exc:  # a bug in one read: raised again in the parent
            answer = (True, exc)
        try:
            conn.send(answer)
        except Exception as exc:  # an answer that cannot be pickled
            conn.send((True, RuntimeError(f"{type(exc).__name__}: {exc}")))


def _cap_memory(extra: int) -> None:
    """Limit this process's address space to what it has now plus `extra` bytes, where
    the system lets a process say so (Linux; elsewhere the cap is not applied)."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            now = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (now + extra, now + extra))
    except (ImportError, OSError, ValueError):
        pass
