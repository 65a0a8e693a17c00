"""Benchmark: what a refresh costs as the history grows — full, one file changed, nothing changed.

    python tests/benchmarks/bench_scale.py           # 100k, then 50 reps × 10,000 calls (500k)
    python tests/benchmarks/bench_scale.py --year    # … and a year: 50 reps × 25,000 (1.25 M)
    python tests/benchmarks/bench_scale.py --quick   # 4 reps × 250 calls (a smoke run)

Each size is a team folder of `bench_sync`'s rep workbooks, synced by `salesflow sync`
(sources → store → the whole master), each sync in its own process so that each
peak RSS (`ru_maxrss`, worker processes included) is its own: the first, full sync;
one rep's file saved with a day's edits (the edits, undone, made again); nothing
changed. The three are timed in three rounds, full sync, one file, nothing, and each
one's median reported: this machine's speed drifts by a quarter within minutes, and in
rounds a ratio's two times are taken close together. The naive way
(`bench_sync.naive`) runs at the smallest size.

Goals (issue 12) on 500k: full sync peak RSS ≤ 500 MB; one changed file ≤ 10% of the
full sync's time; nothing changed ≤ 5%; and at 100k the full sync ≥ 4× the naive way.
The growth lines say how time and memory follow the history; the one-file line
should be flat.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import bench_sync

sys.path.pop(0)

REPS = 50
SIZES = {"100k": 2_000, "500k": 10_000, "1.25M": 25_000}
"""Calls per rep of each size (50 reps each)."""
GOAL_SIZE = "500k"
GOAL_RSS_MB = 500
GOAL_ONE_FILE = 0.10
GOAL_NOTHING = 0.05
GOAL_SPEEDUP = 4.0
SAVES = (True, False, True)
"""The rounds: in each, a full sync from no store and no master, then one rep's file
saved with a real change (a day's edits, undone, made again), then a sync with nothing
changed. Each phase's median over the rounds is reported."""


def measure(work: Path, reps: int, calls: int, with_naive: bool) -> dict[str, Any]:
    """Make a team of `reps` × `calls`, then time its syncs (and the naive way)."""
    team = work / "team"
    shutil.rmtree(work, ignore_errors=True)
    started = time.perf_counter()
    bench_sync.make_big_team(team, reps, calls)
    made = time.perf_counter() - started
    master = str(work / "master.xlsx")
    runs: dict[str, Any] = {"rows": reps * calls, "generated": made}
    if with_naive:
        runs["naive"] = bench_sync.run_phase("naive", str(team), str(work / "naive.xlsx"))
    phases: dict[str, list[dict[str, Any]]] = {"full": [], "one": [], "nothing": []}
    for edited in SAVES:  # rounds, so that each ratio's two times are minutes apart
        for made in work.glob("master*"):  # the full sync is a first sync: no store, no master
            made.unlink()
        phases["full"].append(bench_sync.run_phase("ours", str(team), master))
        bench_sync.write_rep(team, 0, calls, edited=edited)  # one rep saves a day's edits
        phases["one"].append(bench_sync.run_phase("ours", str(team), master))
        phases["nothing"].append(bench_sync.run_phase("ours", str(team), master))
    runs.update({phase: median(timed) for phase, timed in phases.items()})
    shutil.rmtree(work, ignore_errors=True)
    return runs


def median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of the median time."""
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


def line(label: str, run: dict[str, Any], full: dict[str, Any]) -> str:
    share = run["seconds"] / full["seconds"]
    return (
        f"  {label:<14} {run['seconds']:7.2f} s ({share:4.0%} of full; "
        f"sync {run['sync']:.2f} s, write {run['write']:.2f} s), parsed {run['parsed']:>3}, "
        f"peak RSS {run['peak_rss_mb']:5.0f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 reps × 250 calls, a smoke run")
    parser.add_argument("--year", action="store_true", help="also a year: 1.25 M calls")
    opts = parser.parse_args(argv)
    if opts.quick:
        sizes = {"quick": (4, 250)}
    else:
        names = ["100k", "500k", *(["1.25M"] if opts.year else [])]
        sizes = {name: (REPS, SIZES[name]) for name in names}
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    results: dict[str, dict[str, Any]] = {}
    try:
        for n, (name, (reps, calls)) in enumerate(sizes.items()):
            runs = measure(work / name, reps, calls, with_naive=n == 0)
            results[name] = runs
            full = runs["full"]
            print(
                f"{name}: {reps} reps × {calls:,} calls = {runs['rows']:,} rows "
                f"(generated in {runs['generated']:.0f} s)"
            )
            if "naive" in runs:
                naive = runs["naive"]
                print(
                    f"  naive          {naive['seconds']:7.2f} s, peak RSS "
                    f"{naive['peak_rss_mb']:5.0f} MB; full sync "
                    f"{naive['seconds'] / full['seconds']:.1f}× faster"
                )
            print(line("full sync", full, full))
            print(line("one changed", runs["one"], full))
            print(line("nothing", runs["nothing"], full))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    first, *rest = results
    for name in rest:
        grow = {
            phase: results[name][phase]["seconds"] / results[first][phase]["seconds"]
            for phase in ("full", "one", "nothing")
        }
        rss = results[name]["full"]["peak_rss_mb"] / results[first]["full"]["peak_rss_mb"]
        print(
            f"growth {first} → {name} ({results[name]['rows'] / results[first]['rows']:.1f}× "
            f"the rows): full ×{grow['full']:.1f}, one changed ×{grow['one']:.1f}, "
            f"nothing ×{grow['nothing']:.1f}, peak RSS ×{rss:.1f}"
        )
    goal = results.get(GOAL_SIZE) or results[first]
    full = goal["full"]
    naive = results[first]["naive"]
    verdicts = [
        (
            f"full sync peak RSS {full['peak_rss_mb']:.0f} MB (goal ≤ {GOAL_RSS_MB} MB)",
            full["peak_rss_mb"] <= GOAL_RSS_MB,
        ),
        (
            f"one changed file {goal['one']['seconds'] / full['seconds']:.0%} of the full sync"
            f" (goal ≤ {GOAL_ONE_FILE:.0%})",
            goal["one"]["seconds"] <= GOAL_ONE_FILE * full["seconds"],
        ),
        (
            f"nothing changed {goal['nothing']['seconds'] / full['seconds']:.0%} of the full"
            f" sync (goal ≤ {GOAL_NOTHING:.0%})",
            goal["nothing"]["seconds"] <= GOAL_NOTHING * full["seconds"],
        ),
        (
            f"full sync {naive['seconds'] / results[first]['full']['seconds']:.1f}× the naive"
            f" way at {first} (goal ≥ {GOAL_SPEEDUP:.0f}×)",
            naive["seconds"] >= GOAL_SPEEDUP * results[first]["full"]["seconds"],
        ),
        (
            f"one changed file parsed {goal['one']['parsed']} file (goal exactly 1)",
            goal["one"]["parsed"] == 1,
        ),
    ]
    print(f"at {GOAL_SIZE if GOAL_SIZE in results else first}:")
    for text, ok in verdicts:
        print(f"  {bench_sync.verdict(ok)}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
