"""The Google benchmark runs (small sizes) and says what it measured."""

from __future__ import annotations

import pytest

from tests.benchmarks import bench_google


def test_the_benchmark_runs_quick(capsys: pytest.CaptureFixture[str]) -> None:
    bench_google.main(["--quick"])
    out = capsys.readouterr().out
    assert "naive (gspread per tab)" in out and "ours (batched)" in out
    assert "fewer requests" in out and "peak RSS" in out
