"""What can go wrong with the store's file, in words a manager can act on.

A full disk (free space, sync again: nothing was saved, nothing lost), a damaged file
(rebuild it from the team's files with `salesflow sync … --rebuild-store`, the damaged
file kept aside), or a file that cannot be opened or is busy. `sqlite_store` turns
every SQLite failure into one of these `StoreError`s; the CLI sets a damaged store
aside before rebuilding.
"""

from __future__ import annotations

import errno
import sqlite3
from datetime import datetime
from pathlib import Path

from sheets_templates.words import Text

from .store import StoreError

IN_USE = Text(
    "无法打开或写入数据库 {path}：{error}（文件夹只读，或正被其他程序占用？）",
    "cannot open or write the store {path}: {error} (read-only folder, or in use?)",
)
DISK_FULL = Text(
    "磁盘已满：数据库 {path} 写不下，本次同步没有保存（之前的数据完好）；请腾出磁盘空间后再同步",
    "disk full: the store {path} could not be written, so this sync was not saved (what "
    "was saved before is intact); free some disk space and sync again",
)
DAMAGED = Text(
    "数据库 {path} 已损坏（{error}）：可以在同步命令后加 --rebuild-store，从团队的文件重建它"
    "（损坏的文件改名保留，不会删除）",
    "the store {path} is damaged ({error}): add --rebuild-store to the sync command to "
    "rebuild it from the team's files (the damaged file is kept aside, nothing is deleted)",
)
_FULL = {sqlite3.SQLITE_FULL}
_BROKEN = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


def store_error(path: Path | str, exc: sqlite3.Error | OSError) -> StoreError:
    """What went wrong with the store, in words a manager can act on: a full disk, a
    damaged file (rebuild it), or a file that cannot be opened or is busy."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code in _FULL or getattr(exc, "errno", None) == errno.ENOSPC:
        return StoreError(path, *DISK_FULL.both(path=path))
    if code in _BROKEN or (code is None and isinstance(exc, sqlite3.DatabaseError)):
        return StoreError(path, *DAMAGED.both(path=path, error=exc), damaged=True)
    return StoreError(path, *IN_USE.both(path=path, error=exc))


def set_aside(path: Path, when: datetime) -> Path | None:
    """Move a (damaged) store out of the way before it is rebuilt, with its journal
    files, as `NAME.damaged-YYYYmmdd-HHMMSS`: nothing is deleted, and a hot journal is
    never replayed into the new store. Returns where it went (None: no store there)."""
    if not path.exists():
        return None
    aside = path.with_name(f"{path.name}.damaged-{when:%Y%m%d-%H%M%S}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{when:%Y%m%d-%H%M%S}-{n}")
    for suffix in ("-journal", "-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(aside.with_name(aside.name + suffix))
    path.rename(aside)
    return aside
