"""A killed sync's `master.xlsx.<pid>.tmp` is removed by the next write of the master as
soon as its pid is dead, however recent; a temp file of a running writer is kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sync.master_file import remove_dead_temps, write_master_xlsx
from sync.master_model import Column, MasterSheet, Table


def dead_pid() -> int:
    """The pid of a process that has ended (and was reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_dead_writers_temp_files_are_removed(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = tmp_path / f"master.xlsx.{dead_pid()}.tmp"
        alive = tmp_path / f"master.xlsx.{running.pid}.tmp"
        mine = tmp_path / f"master.xlsx.{os.getpid()}.tmp"
        other = tmp_path / "other.xlsx.1.tmp"
        for path in (dead, alive, mine, other):
            path.write_bytes(b"half a workbook")
        assert remove_dead_temps(master) == [dead]
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            [alive.name, mine.name, other.name]
        )
    finally:
        running.kill()
        running.wait()


def test_writing_the_master_clears_a_dead_writers_fresh_temp_file(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    leftover = tmp_path / f"master.xlsx.{dead_pid()}.tmp"
    leftover.write_bytes(b"half a workbook")  # written a moment ago
    sheet = MasterSheet(
        key="k", title="表", tables=[Table(title=None, columns=[Column("a")], rows=[[1]])]
    )
    write_master_xlsx([sheet], master)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["master.xlsx"]
