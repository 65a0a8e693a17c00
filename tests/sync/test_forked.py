"""A forked child makes bytes beside this process (`sync.forked`): the second half of a
big master sheet. What it makes is what this process would have; a child that dies
costs nothing but the time (its bytes are made here); a caller who stops early stops
the child."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import closing

import pytest

from sync.forked import Forked


def test_the_bytes_are_made_in_a_child_beside_this_process() -> None:
    parent = os.getpid()

    def make() -> Iterator[bytes]:
        yield b"made in a child: "
        yield str(os.getpid() != parent).encode()

    with closing(Forked(make)) as child:
        assert child.pid > 0
        assert b"".join(child) == b"made in a child: True"


def test_the_bytes_of_a_child_that_died_are_made_here() -> None:
    parent = os.getpid()

    def make() -> Iterator[bytes]:
        yield b"one, "
        if os.getpid() != parent:  # the child is killed half-way (out of memory, say)
            os.kill(os.getpid(), signal.SIGKILL)
        yield b"two"

    with closing(Forked(make)) as child:
        assert b"".join(child) == b"one, two"


def test_closing_stops_a_child_still_at_work() -> None:
    parent = os.getpid()

    def make() -> Iterator[bytes]:
        while os.getpid() != parent:  # the child never finishes
            time.sleep(0.01)
        yield b""

    child = Forked(make)
    pid = child.pid
    assert pid > 0
    child.close()  # the caller gave up (a newer sync is waiting)
    with pytest.raises(ChildProcessError):  # killed and reaped: no zombie left
        os.waitpid(pid, os.WNOHANG)
