"""Reading in worker processes: the one way salesflow reads many files at once.

`check` reads files and `sync` reads sources through `read_in_workers`. A worker that
dies on a file (a panic or abort inside calamine, the memory cap below, a kill) costs
that one file, never the run: unlike `concurrent.futures`, whose pool breaks for good
when one worker dies, each worker here has its own pipe, and a dead one is replaced.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar, cast

from sheets_templates.words import Text

Task = TypeVar("Task")
Outcome = TypeVar("Outcome")

MAX_WORKERS = 4
PARALLEL_MIN_TASKS = 4
"""Where a worker is a new interpreter (no fork: Windows, macOS), fewer files than this
are read in the calling process."""
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

    Parsing is pure Python, so processes (not threads) use the other cores. The workers
    start on the first tasks at once, before the first result is asked for, so the
    caller can do other work while they read (`sync` reads the store meanwhile). A
    worker that dies on a task (a panic or abort in calamine, the memory cap, a kill)
    costs that one task: it becomes `crashed(task, READER_CRASHED)`, a fresh worker
    takes its place, and every other task is still read. Where forking is cheap, even a
    single file is read in a worker for that reason (about 30 ms); where processes
    cannot be started at all, or would cost more than a few reads
    (`PARALLEL_MIN_TASKS`), tasks are read here, as their results are asked for.
    """
    outcomes = _outcomes(tasks, read, crashed, workers)
    next(outcomes)  # up to its first yield: the workers have their first tasks
    return cast(Iterator[Outcome], outcomes)


def _outcomes(
    tasks: Sequence[Task],
    read: Callable[[Task], Outcome],
    crashed: Callable[[Task, Text], Outcome],
    workers: int | None,
) -> Iterator[Outcome | None]:
    """`read_in_workers`' results after a first None, yielded once the workers have
    their first tasks (or, read here, before any is read)."""
    if len(tasks) < PARALLEL_MIN_TASKS and multiprocessing.get_start_method() != "fork":
        yield None
        yield from map(read, tasks)  # a new interpreter per worker costs more than the read
        return
    count = min(workers or min(os.cpu_count() or 1, MAX_WORKERS), len(tasks))
    pool: list[_Worker] = []
    try:
        pool += (_Worker(read) for _ in range(count))
    except (NotImplementedError, OSError, AssertionError):  # no fork, no pipes; or this
        for worker in pool:  # is itself a daemonic worker, which may not have children
            worker.stop()
        yield None
        yield from map(read, tasks)
        return
    waiting = deque(enumerate(tasks))
    done: dict[int, Outcome] = {}
    shown = 0

    def hand_out() -> None:
        for worker in pool:
            if worker.task is None and waiting:
                at, task = waiting.popleft()
                if not worker.give(at, task):  # it died idle; the task is not retried
                    done[at] = crashed(task, READER_CRASHED)

    try:
        hand_out()
        yield None
        while shown < len(tasks):
            hand_out()
            busy = [w for w in pool if w.task is not None]
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for worker in busy:
                if not {worker.conn, worker.process.sentinel} & ready:
                    continue
                held, outcome = worker.task, worker.take()
                if held is None:
                    continue
                # None: the worker died on this task
                done[held] = crashed(tasks[held], READER_CRASHED) if outcome is None else outcome[0]
            for n, worker in enumerate(pool):
                if worker.dead and waiting:
                    worker.stop()
                    pool[n] = _Worker(read)
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
        self.dead = False

    def give(self, at: int, task: Any) -> bool:
        """Hand the worker a task; False when it is no longer there to take it."""
        try:
            self.conn.send(task)
        except OSError:
            self.dead = True
            return False
        self.task = at
        return True

    def take(self) -> tuple[Any] | None:
        """The answer to the task in hand (a 1-tuple), or None when the worker died
        before giving one. An exception the task raised is raised here."""
        try:
            failed, value = self.conn.recv() if self.conn.poll() else (None, None)
        except (EOFError, OSError):
            failed = None
        self.task = None
        if failed is None:
            self.dead = True
            return None
        if failed:
            raise value if isinstance(value, BaseException) else RuntimeError(value)
        return (value,)

    def stop(self) -> None:
        """Ask an idle worker to finish (other workers hold copies of this pipe, so
        closing it alone would not end the worker); one still reading (the caller gave
        up early) is killed."""
        if self.task is None:
            with contextlib.suppress(OSError):
                self.conn.send(None)
            self.process.join(timeout=5)
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _serve(conn: Connection, read: Callable[[Any], Any]) -> None:
    """A worker's life: cap its memory, then answer tasks until told to stop. What a
    dying reader prints (calamine's Rust backtrace) is not for the user, who gets the
    file's reason instead: the worker's stderr goes nowhere, nor a fault handler's dump."""
    gc.freeze()  # what the parent held is never collected here (nor copied by walking it)
    _cap_memory(WORKER_MEMORY)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    faulthandler.disable()  # it may hold its own copy of stderr
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
