"""One sync at a time: an OS file lock beside the master.

Two syncs of one master (a timer and a manager's click) must not interleave their
store updates and master writes. The lock is the operating system's (`fcntl.flock`
on Linux and macOS, `msvcrt.locking` on Windows), so it is released when the process
ends, however it ends: a sync that was killed never leaves a stale lock behind.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import Bilingual

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fh: IO[bytes]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(fh: IO[bytes]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


DEFAULT_WAIT = 30.0
POLL = 0.2


class SyncBusy(Bilingual):
    """Another sync holds the lock and did not finish within the wait."""

    def __init__(self, lock_path: Path, waited: float) -> None:
        super().__init__(
            f"另一个同步正在进行（{lock_path}），已等待 {waited:.0f} 秒，请稍后再试",
            f"another sync is running ({lock_path}); waited {waited:.0f} s, try again later",
        )


def lock_path_for(master: Path) -> Path:
    return master.with_name(master.name + ".lock")


@contextmanager
def sync_lock(master: Path, wait: float = DEFAULT_WAIT) -> Iterator[Path]:
    """Hold the master's lock for the block; wait up to `wait` seconds for it, then
    raise `SyncBusy`."""
    path = lock_path_for(master)
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = path.open("a+b")
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                _try_lock(fh)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    raise SyncBusy(path, wait) from None
                time.sleep(POLL)
        try:
            yield path
        finally:
            _unlock(fh)
    finally:
        fh.close()
