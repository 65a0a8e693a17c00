"""The master file on disk: put in place atomically with the last five kept as
backups, never under a user who has it open in Excel, its file mode kept, a killed
sync's temporary file cleared; and the sheets a manager edits (指标, 团队) read back.

The workbook itself is written by `master_xlsx.write_xlsx`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import python_calamine

from sheets_templates.words import Text

from .errors import Bilingual
from .master_model import MasterSheet
from .master_words import SHEET_TITLES
from .master_xlsx import STAMP_PROPERTY, WriteAbandoned, write_xlsx
from .processes import process_alive
from .sheet_xml import Tails

KEEP_BACKUPS = 5


class MasterWriteError(Bilingual):
    """The master could not be put in place; the message says why in both languages."""


def backup_name(path: Path, when: datetime) -> Path:
    """`master.backup-20261126-0830.xlsx`; `-2`, `-3`… when syncs share a second."""
    stem = f"{path.stem}.backup-{when:%Y%m%d-%H%M%S}"
    name = path.with_name(f"{stem}{path.suffix}")
    n = 1
    while name.exists():
        n += 1
        name = path.with_name(f"{stem}-{n}{path.suffix}")
    return name


def backups(path: Path) -> list[Path]:
    """The master's backups, oldest first (a backup keeps its master's write time)."""
    found = path.parent.glob(f"{glob_escape(path.stem)}.backup-*{path.suffix}")
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


OPEN_IN_EXCEL = Text(
    "总表 {path} 正在 Excel 中打开（旁边有 {owner}），未替换：请关闭它后再同步。"
    "若没有人打开它，{owner} 是 Excel 异常退出留下的，删除它即可",
    "the master {path} is open in Excel ({owner} lies beside it), so it was not replaced: "
    "close it and sync again. If nobody has it open, {owner} was left by Excel closing "
    "abnormally: delete it",
)
MASTER_DISK_FULL = Text(
    "磁盘已满：总表 {path} 写不下，原总表未改动；请腾出磁盘空间后再同步",
    "disk full: the master {path} could not be written and the old one was left as it "
    "was; free some disk space and sync again",
)
MASTER_LOCKED = Text(
    "无法写入总表 {path}：它可能正在 Excel 中打开，或文件夹是只读的；请关闭后重试",
    "cannot write the master {path}: it may be open in Excel, or its folder is read-only; "
    "close it and try again",
)


def owner_file(path: Path) -> Path | None:
    """The owner file Excel keeps beside a workbook it has open (`~$master.xlsx`), if any."""
    owner = path.with_name(f"~${path.name}")
    return owner if owner.exists() else None


def write_master_xlsx(
    sheets: list[MasterSheet],
    path: Path,
    keep: int = KEEP_BACKUPS,
    stamp: str = "",
    stop: Callable[[], bool] | None = None,
    tails: Tails | None = None,
) -> Path | None:
    """Write the master atomically; keep the previous one as a backup (the last `keep`).

    Returns the backup made (None on a first write). A master that cannot be replaced
    (open in Excel: its owner file lies beside it; a read-only folder; a full disk)
    raises `MasterWriteError` and leaves the old master untouched. The new master
    keeps the old one's file mode (a read-only master stays read-only). A write that
    `stop` gives up (`WriteAbandoned`, raised on) leaves the old master too. `tails`
    are the big tables' last rows begun before (`sheet_xml.Tails`).
    """
    if (owner := owner_file(path)) is not None:
        raise MasterWriteError(*OPEN_IN_EXCEL.both(path=path, owner=owner.name))
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_dead_temps(path)
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    backup = None
    try:
        write_xlsx(sheets, temp, stamp, stop, tails)
        with temp.open("rb+") as fh:
            os.fsync(fh.fileno())
        if path.exists():
            temp.chmod(stat.S_IMODE(path.stat().st_mode))
            backup = backup_name(path, datetime.now())
            shutil.copy2(path, backup)
        os.replace(temp, path)
    except WriteAbandoned:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()
        if exc.errno == errno.ENOSPC:
            raise MasterWriteError(*MASTER_DISK_FULL.both(path=path)) from None
        raise MasterWriteError(
            *MASTER_LOCKED.both(path=path), detail=f"{type(exc).__name__}: {exc}"
        ) from None
    for old in backups(path)[:-keep] if keep else backups(path):
        with contextlib.suppress(OSError):
            old.unlink()
    return backup


def remove_dead_temps(path: Path) -> list[Path]:
    """Remove `master.xlsx.<pid>.tmp` files whose writer is no longer running: a sync
    killed mid-write leaves one, and the pid in its name tells whether it is still being
    written (a live pid's file is left alone). Returns the files removed."""
    removed = []
    for temp in path.parent.glob(f"{glob_escape(path.name)}.*.tmp"):
        pid = temp.name[len(path.name) + 1 : -len(".tmp")]
        if pid.isdigit() and not process_alive(int(pid)):
            with contextlib.suppress(OSError):
                temp.unlink()
                removed.append(temp)
    return removed


TARGETS_UNREADABLE = Text(
    "总表 {path} 的指标表无法读取（文件可能已损坏，详情见 salesflow.log）：本次沿用上次同步的指标（首次同步则用默认指标），"
    "在其中改过的指标没有生效；原总表另存为备份，请在新总表的指标表中重新填写",
    "The targets sheet of the master {path} cannot be read (the file may be damaged; "
    "details in salesflow.log): this sync uses the last sync's targets (the defaults on a first sync), so targets edited there did not "
    "apply; the old master is kept as a backup: type them again in the new master's "
    "targets sheet",
)


TEAM_UNREADABLE = Text(
    "总表 {path} 的团队表无法读取（文件可能已损坏，详情见 salesflow.log）：本次沿用上次同步的团队名单，"
    "在其中改过的内容没有生效；原总表另存为备份，请在新总表的团队表中重新填写",
    "The Team sheet of the master {path} cannot be read (the file may be damaged; "
    "details in salesflow.log): this sync uses the last sync's team, so edits there did not apply; the old master is kept as a backup: "
    "make them again in the new master's Team sheet",
)
UNREADABLE_SHEET = {"targets": TARGETS_UNREADABLE, "team": TEAM_UNREADABLE}
"""What the sync says when a sheet the manager edits cannot be read, by sheet key."""


class TargetsUnreadable(Bilingual):
    """The master is there but a sheet the manager edits (targets, team) cannot be
    read: the manager's edits there would be lost without a word, so the sync says so."""


def read_targets_xlsx(path: Path) -> list[list[Any]] | None:
    """The rows of the master's targets sheet (指标 / Targets): `read_manager_sheet_xlsx`."""
    return read_manager_sheet_xlsx(path, "targets")


def read_manager_sheet_xlsx(path: Path, key: str) -> list[list[Any]] | None:
    """The rows of a sheet of the master the manager edits (`UNREADABLE_SHEET`) as raw
    values, or None when there is no master or no such sheet. A master that is there
    but cannot be read (damaged, not a workbook, unreadable) raises `TargetsUnreadable`."""
    if not path.exists():
        return None
    names = set(SHEET_TITLES[key].both())
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            if name in names:
                return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine's own errors, OSError, a damaged part: all told
        unreadable = UNREADABLE_SHEET[key]
        raise TargetsUnreadable(
            *unreadable.both(path=path), detail=f"{type(exc).__name__}: {exc}"
        ) from exc
    return None


_STAMP = re.compile(rf'name="{STAMP_PROPERTY}"[^>]*>\s*<vt:lpwstr>([^<]*)</vt:lpwstr>'.encode())


def read_stamp(path: Path) -> str | None:
    """The content stamp the master at `path` was written with (`STAMP_PROPERTY`); None
    when it has none or cannot be read (it is then written again)."""
    try:
        with zipfile.ZipFile(path) as book:
            found = _STAMP.search(book.read("docProps/custom.xml"))
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    return found.group(1).decode() if found else None
