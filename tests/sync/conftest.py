"""Fixtures for the sync tests: a generated team on disk and a sync that runs the same
code as `salesflow sync` (file sources → store → master file), in process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sync.cli import sync_into_master
from sync.engine import SyncResult
from sync.sources import file_sources

from .teams import AS_OF, Team, build_team


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return build_team(tmp_path / "team")


def run(folder: Path, master: Path, as_of: date = AS_OF, lang: str = "zh") -> SyncResult:
    """One sync of `folder` into `master` (store beside it), as the CLI does it."""
    return sync_into_master(file_sources([folder], as_of), master, None, as_of, lang, 5.0)
