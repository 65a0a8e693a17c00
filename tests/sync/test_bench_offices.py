"""The offices benchmark runs end to end on small sizes (its timings are not asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.postgres import Cluster

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import bench_offices

sys.path.pop(0)


def test_the_offices_benchmark_runs_quick(
    capsys: pytest.CaptureFixture[str], pg_cluster: Cluster
) -> None:
    """`pg_cluster` only holds the test to PostgreSQL being installed (skipped without
    it, failed in CI); the benchmark starts a cluster of its own."""
    assert bench_offices.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "2 offices × 2 reps × 100 calls = 400 rows" in out
    assert "PostgreSQL, one server: 2 offices at once" in out and "400 records" in out
    assert "400 records in one master" in out  # the head office holds both offices
    assert "SQLite, a file per office: 2 offices at once" in out
