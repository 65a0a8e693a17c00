"""The check benchmark runs end to end at its quick size (no timing is asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[1] / "benchmarks" / "bench_check.py"


def test_bench_check_quick(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_check", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "naive" in out and "rows/s" in out and "peak RSS" in out and "vs naive" in out


SCALE = Path(__file__).parents[1] / "benchmarks" / "bench_scale.py"


def test_bench_scale_quick(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_scale", SCALE)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "full sync" in out and "one changed" in out and "nothing" in out
    assert "PASS  one changed file parsed 1 file" in out  # exactly the file saved again
