"""Fixtures for the sync tests: a generated team on disk and a sync that runs the same
code as `salesflow sync` (file sources → store → master file), in process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sync.engine import SyncResult
from sync.run import XlsxMaster, sync_into
from sync.sources import file_sources
from sync.store import default_store

from .teams import AS_OF, Team, build_team


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return build_team(tmp_path / "team")


def run(folder: Path, master: Path, as_of: date = AS_OF, lang: str = "zh") -> SyncResult:
    """One sync of `folder` into `master` (store beside it), as the CLI does it."""
    sources = file_sources([folder], as_of)
    store = default_store(master)
    return sync_into(sources, [XlsxMaster(master)], store, as_of, lang, lock=master, wait=5.0)
