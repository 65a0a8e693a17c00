"""Fixtures for the sync tests: a generated team on disk, a sync that runs the same
code as `salesflow sync` (file sources → store → master file), in process, and the
stores to sync into: a SQLite file, or a database on a throwaway PostgreSQL cluster
(started once per session, only when a test asks for it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sync.engine import SyncResult
from sync.run import XlsxMaster, sync_into
from sync.sources import file_sources
from sync.store import Location, default_store
from tests.postgres import Cluster, bin_dir, cluster

from .teams import AS_OF, Team, build_team

STORES = ["sqlite", "postgresql"]
"""The store kinds every store test runs against (`store_at`)."""


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster for the session. Without PostgreSQL the test is skipped with
    the reason, except in CI (`CI=true`), where that fails it: `.ci/run` installs it."""
    found = bin_dir()
    if found is None:
        reason = "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    with cluster(found) as running:
        yield running


@pytest.fixture(params=STORES)
def store_at(request: pytest.FixtureRequest, tmp_path: Path) -> Location:
    """A new, empty store of each kind: a SQLite file's path, or a fresh database's URL."""
    if request.param == "sqlite":
        return tmp_path / "store.sqlite"
    pg: Cluster = request.getfixturevalue("pg_cluster")
    return pg.database()


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return build_team(tmp_path / "team")


def run(
    folder: Path,
    master: Path,
    as_of: date = AS_OF,
    lang: str = "zh",
    store: Location | None = None,
) -> SyncResult:
    """One sync of `folder` into `master` (store beside it unless given), as the CLI
    does it."""
    sources = file_sources([folder], as_of)
    store = store or default_store(master)
    return sync_into(sources, [XlsxMaster(master)], store, as_of, lang, lock=master, wait=5.0)
