"""Benchmark: a company's offices syncing at once into one PostgreSQL server, then the
head office's master; and the same offices each on a SQLite file of its own.

    python tests/benchmarks/bench_offices.py            # 20 offices × 10 reps × 2,000 calls
    python tests/benchmarks/bench_offices.py --quick    # 2 offices × 2 reps × 100 calls

Every office's sync is `salesflow sync --office NAME` in its own process, all started
together (as offices on a timer would); the server is a throwaway cluster
(`tests/postgres.py`). Reported: the wall time until the last office finished, each
office's time and peak RSS (the process and its reader workers, from `wait4`), and
the head office's sync (`--all-offices`: every office's records into one master).
With SQLite each office is an island: there is no head office to build.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sync import AS_OF, write_rep

from tests.postgres import bin_dir, cluster

SALESFLOW = Path(sys.executable).with_name("salesflow")


@dataclass
class Run:
    """One `salesflow sync` process: how long it took and its peak RSS (with workers)."""

    name: str
    seconds: float
    peak_rss_mb: float
    records: int


def office_name(n: int) -> str:
    return f"办公室{n + 1:02d}"


def make_offices(root: Path, offices: int, reps: int, calls: int) -> list[Path]:
    """`root/办公室01 …`, each with `reps` reps (numbered across the company, so no rep
    is in two offices) of `calls` calls each; kept from an earlier run of the same size
    (`--keep`), since writing 200 workbooks takes minutes."""
    made = root / f"made-{offices}x{reps}x{calls}"
    folders = [root / office_name(office) for office in range(offices)]
    if made.exists():
        return folders
    for office, folder in enumerate(folders):
        for rep in range(reps):
            write_rep(folder, office * reps + rep, calls)
    made.touch()
    return folders


def start(args: list[str], log: Path) -> tuple[subprocess.Popen[bytes], float]:
    """A sync in its own process, its output to `log.out` / `log.err` (never a full pipe)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SALESFLOW_STORE", "SALESFLOW_OFFICE")}
    with log.with_suffix(".out").open("wb") as out, log.with_suffix(".err").open("wb") as err:
        process = subprocess.Popen(
            [str(SALESFLOW), "sync", *args, "--as-of", AS_OF.isoformat(), "--json"],
            stdout=out,
            stderr=err,
            env=env,
        )
    return process, time.perf_counter()


def finish(name: str, process: subprocess.Popen[bytes], started: float, log: Path) -> Run:
    """Wait for a sync (its rusage from `wait4`), then read its JSON summary."""
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        err = log.with_suffix(".err").read_text(encoding="utf-8")
        raise RuntimeError(f"{name}: exit {process.returncode}: {err}")
    document = json.loads(log.with_suffix(".out").read_text(encoding="utf-8"))
    return Run(name, seconds, usage.ru_maxrss / 1024, sum(document["records"].values()))


def offices_at_once(folders: list[Path], store_of: dict[str, str], work: Path) -> list[Run]:
    """Every office's sync started together; each as it finished."""
    work.mkdir(parents=True, exist_ok=True)
    running = []
    for folder in folders:
        master = work / f"{folder.name}.xlsx"
        args = ["--from", str(folder), "--master", str(master), "--office", folder.name]
        if folder.name in store_of:
            args += ["--store", store_of[folder.name]]
        log = work / f"{folder.name}.log"
        running.append((folder.name, *start(args, log), log))
    return [finish(name, process, started, log) for name, process, started, log in running]


def head_office(url: str, work: Path) -> Run:
    master = work / "hq" / "hq.xlsx"
    master.parent.mkdir(exist_ok=True)
    log = master.with_suffix(".log")
    process, started = start(["--all-offices", "--store", url, "--master", str(master)], log)
    return finish("head office", process, started, log)


def report(title: str, wall: float, runs: list[Run]) -> None:
    seconds = sorted(r.seconds for r in runs)
    rss = sorted(r.peak_rss_mb for r in runs)
    print(
        f"{title}: {len(runs)} offices at once, all done in {wall:.1f} s; per office "
        f"{seconds[0]:.1f}–{seconds[-1]:.1f} s, peak RSS {rss[0]:.0f}–{rss[-1]:.0f} MB "
        f"(median {rss[len(rss) // 2]:.0f} MB), {sum(r.records for r in runs):,} records"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--offices", type=int)
    parser.add_argument("--reps", type=int, help="reps per office")
    parser.add_argument("--calls", type=int, help="calls per rep")
    parser.add_argument("--keep", type=Path, help="keep the offices' folders here, for reuse")
    opts = parser.parse_args(argv)
    offices = opts.offices or (2 if opts.quick else 20)
    reps = opts.reps or (2 if opts.quick else 10)
    calls = opts.calls or (100 if opts.quick else 2000)
    found = bin_dir()
    if found is None:
        print("PostgreSQL is not installed (initdb): nothing to measure")
        return 2
    work = Path(tempfile.mkdtemp(prefix="bench-offices-"))
    try:
        t0 = time.perf_counter()
        folders = make_offices(opts.keep or work / "offices", offices, reps, calls)
        print(
            f"company: {offices} offices × {reps} reps × {calls:,} calls = "
            f"{offices * reps * calls:,} rows (generated in {time.perf_counter() - t0:.1f} s)"
            f" at {datetime.now():%H:%M}"
        )
        with cluster(found) as pg:
            url = pg.database()
            t0 = time.perf_counter()
            runs = offices_at_once(folders, {f.name: url for f in folders}, work / "pg")
            report("PostgreSQL, one server", time.perf_counter() - t0, runs)
            hq = head_office(url, work)
            print(
                f"head office (--all-offices): {hq.seconds:.1f} s, peak RSS "
                f"{hq.peak_rss_mb:.0f} MB, {hq.records:,} records in one master"
            )
        t0 = time.perf_counter()
        runs = offices_at_once(folders, {}, work / "sqlite")  # NAME.sqlite beside each master
        report("SQLite, a file per office", time.perf_counter() - t0, runs)
        print("  (each SQLite file is an island: no head-office master can be built from them)")
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"this script's own peak RSS (writing the workbooks): {own:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
