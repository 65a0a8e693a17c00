"""Benchmark: a full sync of a big team, the naive way and ours, then an incremental one.

    python tests/benchmarks/bench_sync.py            # 50 reps × 2,000 calls = 100k rows
    python tests/benchmarks/bench_sync.py --quick    # 4 reps × 250 calls (a smoke run)

The naive way is what a script would do: pandas.read_excel (openpyxl) per file,
per-row pydantic validation, pandas.to_excel (openpyxl) of the consolidated register.
Ours is `salesflow sync`: sources → store → master (`run_sync` + `write_master_xlsx`),
the whole master with the meeting pack, not just the register. Each phase runs in
its own process, so each peak RSS is its own (worker processes included).

Goals: full sync ≥ 4× faster than naive; an incremental sync with one file changed
parses exactly one file and takes ≤ 50% of the full sync; peak RSS ≤ 400 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 26)
GOAL_SPEEDUP = 4.0
GOAL_INCREMENTAL = 0.5
GOAL_RSS_MB = 400


def peak_rss_mb() -> float:
    """Peak RSS of this process and of its (finished) children, whichever is larger."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


# --- the team ----------------------------------------------------------------------


def rep_name(rep: int) -> str:
    """A rep's name, shaped like a person's (`Rep Ab`), so the folder named after them
    names them from the first sync on (`sheets_templates.roster.names_a_person`)."""
    return f"Rep {chr(65 + rep // 26)}{chr(97 + rep % 26)}"


def rep_rows(rep: int, calls: int) -> list[dict[str, Any]]:
    from sync.demo import _workdays, call_rows

    per_day = 100
    days = _workdays(AS_OF, max(1, -(-calls // per_day)))
    return call_rows(random.Random(rep), rep_name(rep), days, per_day)[:calls]


def edit_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A rep's day of editing: 1% of rows changed, the last 5 deleted."""
    for row in rows[::100]:
        row["outcome"] = "已回访，客户同意面谈"
    return rows[:-5]


def write_rep(folder: Path, rep: int, calls: int, edited: bool = False) -> Path:
    from sync.demo import write_workbook

    rows = rep_rows(rep, calls)
    path = folder / rep_name(rep) / "calls.xlsx"
    write_workbook(path, [("电话记录", "calls", edit_rows(rows) if edited else rows, "zh")])
    return path


def make_big_team(folder: Path, reps: int, calls: int) -> None:
    for rep in range(reps):
        write_rep(folder, rep, calls)


# --- the phases (each in its own process) -------------------------------------------


def naive(team: Path, out: Path) -> dict[str, Any]:
    """pandas.read_excel(openpyxl) + per-row pydantic + pandas.to_excel(openpyxl)."""
    import pandas as pd

    from sheets_templates.records import CallRecord
    from sheets_templates.registers import REGISTERS

    fields = {f.header_zh: f.name for f in REGISTERS["calls"].fields}
    yes = {"是": True, "否": False}
    started = time.perf_counter()
    frames = []
    valid = 0
    for path in sorted(team.rglob("*.xlsx")):
        df = pd.read_excel(path, engine="openpyxl", dtype=object).rename(columns=fields)
        for n, row in enumerate(df.to_dict("records"), start=2):
            values = {k: (None if pd.isna(v) else v) for k, v in row.items()}
            values["date"] = pd.Timestamp(values["date"]).date()
            values["phone"] = str(values["phone"])
            values["effective"] = yes[values["effective"]]
            values["wechat_added"] = yes.get(values["wechat_added"], False)
            for name in ("contact", "industry", "outcome", "objection", "open_question", "notes"):
                values[name] = None if values.get(name) is None else str(values[name])
            if values.get("follow_up") is not None:
                values["follow_up"] = pd.Timestamp(values["follow_up"]).date()
            values["intent_grade"] = values.get("intent_grade") or None
            values["source"] = {"file": str(path), "sheet": "电话记录", "row": n}
            CallRecord.model_validate(values)
            valid += 1
        frames.append(df)
    read = time.perf_counter()
    pd.concat(frames).to_excel(out, engine="openpyxl", index=False)
    done = time.perf_counter()
    return {"seconds": done - started, "read": read - started, "write": done - read, "rows": valid}


def ours(team: Path, master: Path) -> dict[str, Any]:
    """`salesflow sync`: sources → store → master (the whole workbook), with the
    collector tuned as the command tunes it (this phase's process is an entry point)."""
    from sync.run import XlsxMaster, sync_into, tune_gc
    from sync.sources import file_sources

    class Timed(XlsxMaster):
        """The file master, noting when the sync handed it the sheets."""

        synced = 0.0

        def write(self, sheets: list[Any], stamp: str, stop: Any = None) -> None:
            Timed.synced = time.perf_counter()
            super().write(sheets, stamp, stop)

    tune_gc()
    started = time.perf_counter()
    sources = file_sources([team], AS_OF)
    store = master.with_suffix(".sqlite")
    result = sync_into(sources, [Timed(master)], store, AS_OF, lock=master)
    done = time.perf_counter()
    synced = Timed.synced or done  # nothing new: the master is left as it is
    return {
        "seconds": done - started,
        "sync": synced - started,
        "write": done - synced,
        "rows": result.records["calls"],
        "parsed": len(result.parsed),
        "changes": vars(result.changes),
    }


def run_phase(name: str, *args: str) -> dict[str, Any]:
    """One phase in a process of its own (this script's `--phase`), its result as the
    last line it prints: each phase's peak RSS is its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def phase_main(name: str, args: list[str]) -> None:
    team, target = Path(args[0]), Path(args[1])
    result = naive(team, target) if name == "naive" else ours(team, target)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


# --- the report --------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--reps", type=int)
    parser.add_argument("--calls", type=int, help="calls per rep")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.phase:
        phase_main(opts.phase, opts.paths)
        return 0
    reps = opts.reps or (4 if opts.quick else 50)
    calls = opts.calls or (250 if opts.quick else 2000)
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        team = work / "team"
        t0 = time.perf_counter()
        make_big_team(team, reps, calls)
        print(
            f"team: {reps} reps × {calls} calls = {reps * calls:,} rows "
            f"(generated in {time.perf_counter() - t0:.1f} s) at {datetime.now():%H:%M}"
        )
        naive_run = run_phase("naive", str(team), str(work / "naive.xlsx"))
        full = run_phase("ours", str(team), str(work / "master.xlsx"))
        write_rep(team, 0, calls, edited=True)  # one rep saves a changed file
        incremental = run_phase("ours", str(team), str(work / "master.xlsx"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = full["rows"]
    speedup = naive_run["seconds"] / full["seconds"]
    share = incremental["seconds"] / full["seconds"]
    rss = max(full["peak_rss_mb"], incremental["peak_rss_mb"])
    print(
        f"naive (pandas/openpyxl + pydantic): {naive_run['seconds']:7.2f} s "
        f"(read+validate {naive_run['read']:.2f} s, write {naive_run['write']:.2f} s) "
        f"{naive_run['rows'] / naive_run['seconds']:9,.0f} rows/s  peak RSS {naive_run['peak_rss_mb']:.0f} MB"
    )
    print(
        f"salesflow sync, full:               {full['seconds']:7.2f} s "
        f"(sync {full['sync']:.2f} s, write {full['write']:.2f} s) "
        f"{rows / full['seconds']:9,.0f} rows/s  peak RSS {full['peak_rss_mb']:.0f} MB"
    )
    print(
        f"salesflow sync, one file changed:   {incremental['seconds']:7.2f} s "
        f"(sync {incremental['sync']:.2f} s, write {incremental['write']:.2f} s) "
        f"parsed {incremental['parsed']} file(s), changes {incremental['changes']}  "
        f"peak RSS {incremental['peak_rss_mb']:.0f} MB"
    )
    checks = [
        (
            f"full sync {speedup:.1f}× faster than naive (goal ≥ {GOAL_SPEEDUP:.0f}×)",
            speedup >= GOAL_SPEEDUP,
        ),
        (
            f"incremental parsed {incremental['parsed']} file (goal exactly 1)",
            incremental["parsed"] == 1,
        ),
        (
            f"incremental {share:.0%} of full (goal ≤ {GOAL_INCREMENTAL:.0%})",
            share <= GOAL_INCREMENTAL,
        ),
        (f"peak RSS {rss:.0f} MB (goal ≤ {GOAL_RSS_MB} MB)", rss <= GOAL_RSS_MB),
    ]
    for text, ok in checks:
        print(f"  {verdict(ok)}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
