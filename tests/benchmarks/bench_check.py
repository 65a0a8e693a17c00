"""Benchmark: `salesflow check` against the naive way, measured in the same run.

The naive way is what one writes first: `pandas.read_excel(engine="openpyxl")` for
each file, then a pydantic `model_validate` per row into a model of the same fields.
Each side runs in its own process, so the peak RSS of each is its own: the largest
process of its tree (`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` of a wrapper that
ran only it; `check` reads files in one worker process per core, each about this size).

    python tests/benchmarks/bench_check.py            # 50 files × 2,000 calls
    python tests/benchmarks/bench_check.py --quick    # 4 files × 500 calls

The generated folder is cached under /tmp, so repeat runs skip the generation.
Goal: ≥ 8× faster than the naive way, peak RSS ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

AS_OF = date(2026, 11, 26)
CACHE = Path("/tmp/salesflow-bench")
CALLS_PER_DAY = 100
GOAL_RATIO = 8.0
GOAL_RSS_MB = 300.0


def team_folder(files: int, rows: int) -> Path:
    """`files` workbooks of `rows` calls each, as reps keep them (made once, then cached)."""
    from sync.demo import call_rows, write_workbook

    folder = CACHE / f"calls-{files}x{rows}"
    done = folder / ".complete"
    if done.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    days = [AS_OF - timedelta(days=n) for n in range(-(-rows // CALLS_PER_DAY))][::-1]
    started = time.perf_counter()
    for n in range(files):
        calls = call_rows(random.Random(n), f"销售{n:02d}", days, CALLS_PER_DAY)[:rows]
        write_workbook(folder / f"销售{n:02d}.xlsx", [("电话记录", "calls", calls, "zh")])
    done.write_text("")
    print(f"generated {files} files × {rows} calls in {time.perf_counter() - started:.1f} s")
    return folder


# --- the sides, each run in its own process ---------------------------------------------


def side_ours(folder: Path, keep_records: bool = False) -> dict[str, Any]:
    from sync.check import run_check

    started = time.perf_counter()
    report = run_check([folder], AS_OF, keep_records=keep_records)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": report.rows, "valid": report.valid}


def side_records(folder: Path) -> dict[str, Any]:
    """`run_check` keeping every record (what `--records` and a sync need)."""
    return side_ours(folder, keep_records=True)


def naive_model() -> Any:
    """The calls register as a plain pydantic model, as one would write it by hand."""
    from datetime import time as clock

    from pydantic import BaseModel, BeforeValidator

    def yes(v: Any) -> Any:
        return {"是": True, "否": False}.get(v, v)

    def text(v: Any) -> Any:
        return None if v is None else str(int(v)) if isinstance(v, float) else str(v)

    Yes = Annotated[bool, BeforeValidator(yes)]
    Text = Annotated[str | None, BeforeValidator(text)]

    class NaiveCall(BaseModel):
        date: date
        time: clock | None = None
        rep: str
        customer: str
        contact: Text = None
        phone: Annotated[str, BeforeValidator(text)]
        industry: Text = None
        outcome: Text = None
        effective: Yes
        wechat_added: Yes = False
        intent_grade: Literal["A", "B", "C", "D"] | None = None
        objection: Text = None
        open_question: Text = None
        follow_up: date | None = None
        notes: Text = None

    return NaiveCall


def side_naive(folder: Path) -> dict[str, Any]:
    import pandas as pd
    from pydantic import ValidationError

    from sheets_templates.registers import REGISTERS

    model = naive_model()
    names = {f.header_zh: f.name for f in REGISTERS["calls"].fields}
    started = time.perf_counter()
    rows = valid = 0
    for path in sorted(folder.glob("*.xlsx")):
        frame = pd.read_excel(path, engine="openpyxl").rename(columns=names)
        frame = frame.astype(object).where(frame.notna(), None)
        for row in frame.to_dict("records"):
            rows += 1
            if isinstance(row.get("date"), pd.Timestamp):
                row["date"] = row["date"].date()
            if isinstance(row.get("follow_up"), pd.Timestamp):
                row["follow_up"] = row["follow_up"].date()
            try:
                model.model_validate(row)
                valid += 1
            except ValidationError:
                pass
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": rows, "valid": valid}


SIDES = {"ours": side_ours, "records": side_records, "naive": side_naive}


def measured(command: list[str]) -> dict[str, Any]:
    """Run one side in a wrapper process that runs only it, and read its peak RSS."""
    wrapper = [sys.executable, __file__, "--measure", "--", *command]
    done = subprocess.run(wrapper, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(command: list[str]) -> None:
    """The wrapper: wall time and peak RSS of the command's process tree, then its result."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):  # `check` exits 1 when it finds problems
        sys.exit(f"{command} failed ({done.returncode}):\n{done.stderr}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = json.loads(done.stdout)
    if "totals" in result:  # the CLI's `check --json` document
        result = {
            "seconds": wall,
            "rows": result["totals"]["rows"],
            "valid": result["totals"]["valid"],
        }
    print(json.dumps({**result, "wall": wall, "peak_mb": peak_kb / 1024}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 files × 500 calls")
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each salesflow side (median shown)"
    )
    parser.add_argument("--side", choices=sorted(SIDES), help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.rest)
        return 0
    if args.side:
        print(json.dumps(SIDES[args.side](Path(args.rest[0]))))
        return 0
    files, rows = (4, 500) if args.quick else (args.files, args.rows)
    repeat = 1 if args.quick else max(1, args.repeat)
    folder = team_folder(files, rows)
    salesflow = shutil.which("salesflow") or sys.exit("the `salesflow` command is not installed")
    me = [sys.executable, __file__]
    commands = {
        "salesflow check (library: run_check)": ([*me, "--side", "ours", str(folder)], repeat),
        "salesflow check (CLI, whole process)": (
            [salesflow, "check", str(folder), "--as-of", AS_OF.isoformat(), "--json"],
            repeat,
        ),
        "run_check keeping records (--records)": ([*me, "--side", "records", str(folder)], repeat),
        NAIVE: ([*me, "--side", "naive", str(folder)], 1),
    }
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{files} files × {rows} calls = {files * rows:,} rows; {os.cpu_count()} cores, load {load}"
    )
    results = {}
    for name, (command, times) in commands.items():
        runs = [measured(command) for _ in range(times)]
        for run in runs:
            assert run["rows"] == files * rows, (name, run)
        seconds = sorted(r["seconds"] for r in runs)
        results[name] = {
            "seconds": statistics.median(seconds),
            "runs": seconds,
            "rows": runs[0]["rows"],
            "peak_mb": max(r["peak_mb"] for r in runs),
        }
    report(results)
    if args.quick:
        print("(quick size: process start-up dominates; the goal is for the full size)")
    return 0


NAIVE = "naive (pandas openpyxl + pydantic per row)"


def report(results: dict[str, dict[str, Any]]) -> None:
    naive = results[NAIVE]["seconds"]
    print(f"\n{'':42} {'seconds':>8} {'rows/s':>9} {'peak RSS':>9} {'vs naive':>9}   runs")
    for name, r in results.items():
        runs = " ".join(f"{x:.2f}" for x in r["runs"])
        print(
            f"{name:42} {r['seconds']:8.2f} {r['rows'] / r['seconds']:9,.0f} "
            f"{r['peak_mb']:7.0f}MB {naive / r['seconds']:8.1f}×   {runs}"
        )
    ours = results["salesflow check (library: run_check)"]["seconds"]
    cli = results["salesflow check (CLI, whole process)"]["seconds"]
    peak = max(r["peak_mb"] for name, r in results.items() if name != NAIVE)
    verdict = {True: "met", False: "NOT met"}
    print(
        f"\ngoal ≥ {GOAL_RATIO:.0f}× faster than naive: library {naive / ours:.1f}×, "
        f"CLI {naive / cli:.1f}× — {verdict[naive / cli >= GOAL_RATIO]}; "
        f"peak RSS ≤ {GOAL_RSS_MB:.0f} MB: {peak:.0f} MB — {verdict[peak <= GOAL_RSS_MB]}"
    )


if __name__ == "__main__":
    sys.exit(main())
