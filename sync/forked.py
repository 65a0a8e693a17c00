"""Bytes made by a forked child process while this one goes on: the second core renders
the second half of a big master sheet while this process renders the first.

A month's calls sheet of a 50-rep team is 95k rows, about 1 s of rendering in pure
Python: with two cores, half of it is made beside the other half. The child is a
`fork` (it shares the rows already in memory, nothing is sent to it) that writes its
bytes to a spooled temporary file and leaves with `os._exit`, running nothing of this
process's (no flush, no finalizer, no collection). Where processes do not fork (not
Linux), where the fork fails, or when the child dies, the same bytes are made here
when they are asked for, so the result never depends on the child.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO

READ_SIZE = 1 << 20
"""Bytes read back from the child's spool at a time."""


class Forked:
    """`make`'s bytes, made by a child started now (`iter` yields them once it is
    done); closed by `contextlib.closing`, so that a caller who stops early (a write
    given up) stops the child too."""

    def __init__(self, make: Callable[[], Iterable[bytes]]) -> None:
        self.make = make
        self.pid = 0
        self.spool: IO[bytes] | None = None
        if not sys.platform.startswith("linux"):
            return
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __iter__ or close)
        try:
            pid = os.fork()
        except OSError:  # no memory or processes to spare: made here instead
            spool.close()
            return
        if pid == 0:
            _child(make, spool)
        self.pid, self.spool = pid, spool

    def __iter__(self) -> Iterator[bytes]:
        if self.pid == 0 or self.spool is None:
            yield from self.make()
            return
        pid, self.pid = self.pid, 0
        _, status = os.waitpid(pid, 0)
        with self.spool as spool:
            if status != 0:  # the child died (killed, out of memory): made here
                yield from self.make()
                return
            spool.seek(0)
            while chunk := spool.read(READ_SIZE):
                yield chunk

    def close(self) -> None:
        """Stop the child if it still runs, and let go of its spool."""
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = 0
        if self.spool is not None:
            self.spool.close()


def _child(make: Callable[[], Iterable[bytes]], spool: IO[bytes]) -> None:
    """The child's life: make the bytes into the spool, then leave at once."""
    gc.disable()  # a collection here could run finalizers of the parent's objects
    status = 1
    try:
        for chunk in make():
            spool.write(chunk)
        spool.flush()
        status = 0
    finally:
        os._exit(status)
