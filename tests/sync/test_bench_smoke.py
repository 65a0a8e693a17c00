"""The sync benchmark runs end to end on small sizes (its timings are not asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import bench_sync

sys.path.pop(0)


def test_the_benchmark_runs_quick(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_sync.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "naive (pandas/openpyxl + pydantic)" in out
    assert "salesflow sync, full" in out and "peak RSS" in out
    assert "PASS  incremental parsed 1 file" in out  # exactly the one file changed
    assert "changes {'added': 0, 'updated': 3, 'removed': 5}" in out
