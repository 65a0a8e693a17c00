"""Store faults a person can act on: a full disk and a damaged store each exit 2 with
words that say what to do, never a traceback; a damaged store is rebuilt from the
team's files with `--rebuild-store`, the damaged file kept aside; `history` refuses
what it cannot answer."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .teams import AS_OF, build_team, salesflow

DAY = ("--as-of", AS_OF.isoformat())


def _damage(store: Path) -> bytes:
    """Write garbage over every page after the first (the schema stays readable, the
    tables do not), as a failing disk or a half-copied file leaves it."""
    data = bytearray(store.read_bytes())
    assert len(data) > 8192
    data[4096:] = b"\xde\xad\xbe\xef" * ((len(data) - 4096) // 4)
    store.write_bytes(bytes(data))
    return bytes(data)


def test_a_damaged_store_names_the_file_and_the_command_that_rebuilds_it(tmp_path: Path) -> None:
    team = build_team(tmp_path / "team")
    first = salesflow("sync", "--from", "team", *DAY, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    store = tmp_path / "master.sqlite"
    damaged = _damage(store)

    refused = salesflow("sync", "--from", "team", *DAY, cwd=tmp_path)
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    assert "master.sqlite" in refused.stderr and "损坏" in refused.stderr
    command = f"salesflow sync --from team --as-of {AS_OF.isoformat()} --rebuild-store"
    assert command in refused.stderr
    assert store.read_bytes() == damaged  # nothing touched

    history = salesflow("history", "甲", cwd=tmp_path)
    assert history.returncode == 2
    assert "Traceback" not in history.stderr and "损坏" in history.stderr

    rebuilt = salesflow(*command.split()[1:], cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    aside = list(tmp_path.glob("master.sqlite.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged
    again = salesflow("sync", "--from", "team", "--json", *DAY, cwd=tmp_path)
    assert again.returncode == 0
    assert '"unchanged"' in again.stdout and '"synced"' not in again.stdout
    assert team.path("甲").exists()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 160 KB filesystem (tmpfs; mounting needs root, as CI runs the tests)."""
    where = tmp_path / "disk"
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def test_a_full_disk_is_said_as_such_and_exits_2(tmp_path: Path, tiny_disk: Path) -> None:
    build_team(tmp_path / "team")
    master = tiny_disk / "master.xlsx"
    out = salesflow("sync", "--from", "team", "--master", str(master), *DAY, cwd=tmp_path)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "磁盘已满" in out.stderr and "master.sqlite" in out.stderr
    assert not master.exists()


def test_history_refuses_an_empty_or_overlong_query(tmp_path: Path) -> None:
    build_team(tmp_path / "team")
    assert salesflow("sync", "--from", "team", *DAY, cwd=tmp_path).returncode == 0
    for text in ("", "   "):
        out = salesflow("history", text, cwd=tmp_path)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert "请给出要查找的内容" in out.stderr
    long = salesflow("history", "9" * 50_000, cwd=tmp_path)
    assert long.returncode == 2 and "Traceback" not in long.stderr
    assert "50000" in long.stderr


def test_a_master_that_does_not_fit_on_the_disk_is_said_as_such(
    tmp_path: Path, tiny_disk: Path
) -> None:
    """The store fits elsewhere; the master's folder is nearly full."""
    build_team(tmp_path / "team")
    (tiny_disk / "filler").write_bytes(b"\0" * 150_000)
    master = tiny_disk / "master.xlsx"
    store = tmp_path / "store.sqlite"
    args = ("--master", str(master), "--store", str(store), *DAY)
    out = salesflow("sync", "--from", "team", *args, cwd=tmp_path)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "磁盘已满" in out.stderr and "master.xlsx" in out.stderr
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler", "master.xlsx.lock"]
