"""Benchmark: the array in-cell functions against the naive per-cell way, same run.

Excel pays the Python round trip once per call, so a column of 10,000 grades is one
`=SF_GRADES(G2:K10001)` rather than 10,000 `=SF_GRADE(G2,H2,I2,J2,K2)`. This measures
the Python side of both (what runs inside the UDF server) on 10,000 rows:

    python tests/benchmarks/bench_addin.py            # 10,000 rows, best of 5
    python tests/benchmarks/bench_addin.py --quick    # 1,000 rows, best of 2

Goals: SF_GRADES ≤ 50 ms and SF_CHECKS ≤ 300 ms for 10,000 rows.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from addin.functions import SF_CHECK, SF_CHECKS, SF_GRADE, SF_GRADES
from sheets_templates import rules
from sheets_templates.registers import REGISTERS
from sync.demo import call_rows, lead_rows

GOAL_GRADES_MS = 50.0
GOAL_CHECKS_MS = 300.0
AS_OF = date(2026, 11, 26)


def lead_facts(rows: int, rng: random.Random) -> list[list[Any]]:
    """Five stage columns as reps fill them (是/否, a few blanks)."""
    leads = []
    while len(leads) < rows:
        leads += lead_rows(rng, "张三", [AS_OF], 20)
    return [[lead[f] for f in rules.STAGE_FACTS] for lead in leads[:rows]]


def call_grid(rows: int, rng: random.Random) -> tuple[list[str], list[list[Any]]]:
    """A calls sheet's header and rows, values as Excel hands them over (numbers as
    floats, dates as dates), with a mistake every 50 rows."""
    fields = REGISTERS["calls"].fields
    days = [AS_OF - timedelta(days=n) for n in range(rows // 100 + 1)]
    calls = call_rows(rng, "张三", days, 100)[:rows]
    for n in range(0, rows, 50):
        calls[n]["phone"] = 1380013
    grid = [[call.get(f.name) for f in fields] for call in calls]
    for row in grid:
        row[5] = float(row[5]) if isinstance(row[5], int) else row[5]
    return [f.header_zh for f in fields], grid


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The fastest of `repeat` runs, in seconds, and the last answer."""
    times, answer = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        answer = fn()
        times.append(time.perf_counter() - started)
    return min(times), answer


def report(name: str, rows: int, ours: float, naive: float, goal_ms: float) -> None:
    verdict = "meets" if ours * 1000 <= goal_ms else "MISSES"
    print(
        f"{name:<10} {rows:>6} rows: one call {ours * 1000:8.1f} ms ({rows / ours:>10,.0f} rows/s)"
        f" | per cell {naive * 1000:8.1f} ms ({rows / naive:>10,.0f} rows/s)"
        f" | {naive / ours:5.1f}× | goal ≤ {goal_ms:.0f} ms: {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 rows, 2 repeats")
    args = parser.parse_args(argv)
    rows, repeat = (1_000, 2) if args.quick else (10_000, 5)
    rng = random.Random(11)

    facts = lead_facts(rows, rng)
    ours, grades = best(lambda: SF_GRADES(facts), repeat)
    naive, single = best(lambda: [SF_GRADE(*row) for row in facts], repeat)
    assert [g for (g,) in grades] == single
    report("SF_GRADES", rows, ours, naive, GOAL_GRADES_MS)

    header, grid = call_grid(rows, rng)
    ours, checks = best(lambda: SF_CHECKS(header, grid, "张三"), repeat)
    naive, each = best(lambda: [SF_CHECK(header, row, "张三") for row in grid], 1)
    flagged = sum(1 for (text,) in checks if text)
    assert flagged >= rows // 50 and sum(1 for t in each if t) >= rows // 50
    report("SF_CHECKS", rows, ours, naive, GOAL_CHECKS_MS)
    print(f"rows with problems: {flagged}; peak RSS {peak_rss_mb():.0f} MB")
    return 0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    raise SystemExit(main())
