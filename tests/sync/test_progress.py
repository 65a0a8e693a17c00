"""The progress bar of a long sync: on the terminal's stderr only, never in output a
program reads (a pipe, `--json`)."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

from .teams import AS_OF, Team

COMMAND = [sys.executable, "-c", "from sync.cli import main; main()", "sync", "--from", "team"]


def _sync_on_a_terminal(tmp_path: Path, *args: str) -> tuple[str, bytes]:
    """Run a sync with stderr on a pseudo-terminal; (stdout, what the terminal got)."""
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [*COMMAND, "--as-of", AS_OF.isoformat(), *args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, "TERM": "xterm", "COLUMNS": "100"},
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    stdout, _ = child.communicate(timeout=120)
    assert child.returncode == 0, shown
    return stdout.decode(), shown


def test_a_terminal_sees_the_progress_and_stdout_does_not(team: Team, tmp_path: Path) -> None:
    shutil.move(team.folder, tmp_path / "team")
    stdout, shown = _sync_on_a_terminal(tmp_path)
    assert b"3/3" in shown and b"team/" in shown and "━".encode() in shown
    assert "━" not in stdout and "\x1b" not in stdout and stdout.startswith("来源: 12 个表")


def test_json_output_has_no_progress(team: Team, tmp_path: Path) -> None:
    shutil.move(team.folder, tmp_path / "team")
    stdout, shown = _sync_on_a_terminal(tmp_path, "--json")
    assert shown == b""
    assert stdout.startswith("{")
