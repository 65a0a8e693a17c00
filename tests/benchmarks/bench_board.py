"""Benchmark: the live board, from a rep's save to every open page.

`salesflow serve` runs as a user runs it (a child process on a loopback port) over a
team of 50 reps × 2,000 calls (20 working days up to Thursday 2026-11-26). One rep
(销售00) saves their workbook 20 times, the way Excel saves (a new file renamed into
place), alternately with all of today's 100 calls effective (first place) and none
(last place); a page listening to `/events` times each save until the board's meeting
shows that rep's new count. Then 200 pages listen at once: one more save, and the time
from the first page's update to the last's, with the server's resident memory before
and after they connected and its peak.

    python tests/benchmarks/bench_board.py            # 50 reps × 2,000 calls, 200 viewers
    python tests/benchmarks/bench_board.py --quick    # 5 reps × 500 calls, 20 viewers

Goal: p95 ≤ 2 s from save to board.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sync.demo import call_rows, write_workbook
from tests.web.serving import Served, serve

AS_OF = date(2026, 11, 26)
CACHE = Path("/tmp/salesflow-bench")
CALLS_PER_DAY = 100
SAVER = "销售00"
GOAL_P95 = 2.0


def team(reps: int, rows: int) -> tuple[Path, list[dict[str, Any]]]:
    """The team folder (made once, then cached) and the saver's rows."""
    folder = CACHE / f"board-{reps}x{rows}"
    days = [AS_OF - timedelta(days=n) for n in range(-(-rows // CALLS_PER_DAY))][::-1]
    saver: list[dict[str, Any]] = []
    fresh = not (folder / ".complete").exists()
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
    for n in range(reps):
        rep = f"销售{n:02d}"
        calls = call_rows(random.Random(n), rep, days, CALLS_PER_DAY)[:rows]
        if fresh:
            write_workbook(folder / "team" / f"{rep}.xlsx", [("电话记录", "calls", calls, "zh")])
        if rep == SAVER:
            saver = calls
    (folder / ".complete").write_text("")
    for made in ("master.xlsx", "master.sqlite", "master.access.json"):
        (folder / made).unlink(missing_ok=True)  # every run starts with a first sync
    return folder, saver


def save(folder: Path, rows: list[dict[str, Any]], effective: bool) -> float:
    """Save the saver's workbook with today's calls all effective or none, as Excel does
    (write aside, rename into place); the moment it is in place."""
    for row in rows:
        if row["date"] == AS_OF:
            row["effective"] = "是" if effective else "否"
    aside = folder / "team" / f"~${SAVER}.xlsx"
    write_workbook(aside, [("电话记录", "calls", rows, "zh")])
    os.replace(aside, folder / "team" / f"{SAVER}.xlsx")
    return time.monotonic()


def settled(folder: Path) -> None:
    """Until the first sync has written the master too (the board shows a sync before
    its master is written): the saves are timed from a quiet server."""
    while not (folder / "master.xlsx").exists() or list(folder.glob("master.xlsx.*.tmp")):
        time.sleep(0.2)


def saver_calls(document: dict[str, Any]) -> int | None:
    meeting = document.get("meeting") or {}
    for entry in meeting.get("ranking", []):
        if entry["rep"] == SAVER and entry["metric"] == "effective_calls":
            return int(entry["actual"])
    return None


Seen = list[tuple[float, str]]


async def listen(client: httpx.AsyncClient, url: str, seen: Seen) -> None:
    """One page: every event as it arrived, and when (read later: the 200 pages share
    this process, and the timing is the server's, not this client's parsing)."""
    async with client.stream("GET", url + "/events") as answer:
        async for line in answer.aiter_lines():
            if line.startswith("data: "):
                seen.append((time.monotonic(), line))


async def until(seen: Seen, calls: int, since: float) -> float:
    """When the page first showed the saver at `calls` after `since`."""
    read = 0
    while True:
        for at, line in seen[read:]:
            read += 1
            if at >= since and saver_calls(json.loads(line[6:])) == calls:
                return at
        await asyncio.sleep(0.005)


async def arrived(pages: list[Seen], since: float) -> None:
    """Until every page has had an event after `since` (nothing parsed meanwhile)."""
    while not all(p and p[-1][0] >= since for p in pages):
        await asyncio.sleep(0.005)


def memory(pid: int) -> dict[str, float]:
    """The process's resident and peak resident memory (MB), from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


async def measure(served: Served, rows: list[dict[str, Any]], saves: int, viewers: int) -> None:
    limits = httpx.Limits(max_connections=viewers + 10)
    timeout = httpx.Timeout(10.0, read=None)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        seen: Seen = []
        page = asyncio.create_task(listen(client, served.url, seen))
        await asyncio.sleep(0.5)
        latencies = []
        for n in range(saves):
            effective = n % 2 == 0
            saved = await asyncio.to_thread(save, served.folder, rows, effective)
            shown = await asyncio.wait_for(until(seen, 100 if effective else 0, saved), 600)
            latencies.append(shown - saved)
            print(f"  save {n + 1}: {shown - saved:.2f} s", flush=True)
            await asyncio.sleep(0.5)
        page.cancel()
        latencies.sort()
        p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
        print(
            f"save -> board ({saves} saves): median {statistics.median(latencies):.2f} s, "
            f"p95 {p95:.2f} s, max {latencies[-1]:.2f} s (goal p95 ≤ {GOAL_P95} s)"
        )

        before = memory(served.process.pid)
        pages: list[Seen] = [[] for _ in range(viewers)]
        tasks = [asyncio.create_task(listen(client, served.url, p)) for p in pages]
        while sum(1 for p in pages if p) < viewers:  # each has its first event
            await asyncio.sleep(0.05)
        connected = memory(served.process.pid)
        effective = saves % 2 == 0
        saved = await asyncio.to_thread(save, served.folder, rows, effective)
        await asyncio.wait_for(arrived(pages, saved), 600)
        calls = 100 if effective else 0
        arrivals = [await asyncio.wait_for(until(p, calls, saved), 60) for p in pages]
        for task in tasks:
            task.cancel()
        after = memory(served.process.pid)
        print(
            f"{viewers} viewers: save -> first page {min(arrivals) - saved:.2f} s, "
            f"-> last page {max(arrivals) - saved:.2f} s; fan-out (first to last page) "
            f"{(max(arrivals) - min(arrivals)) * 1000:.0f} ms"
        )
        print(
            f"server RSS: {before['VmRSS']:.0f} MB before the viewers, "
            f"{connected['VmRSS']:.0f} MB with {viewers} connected, "
            f"{after['VmRSS']:.0f} MB after the update; peak {after['VmHWM']:.0f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 reps × 500 calls, 20 viewers")
    args = parser.parse_args()
    reps, rows, viewers = (5, 500, 20) if args.quick else (50, 2000, 200)
    folder, saver = team(reps, rows)
    print(f"team: {reps} reps × {rows} calls in {folder}")
    started = time.monotonic()
    with serve(folder) as served:
        print(f"first sync (the server's start): {time.monotonic() - started:.1f} s", flush=True)
        settled(folder)
        asyncio.run(measure(served, saver, 20, viewers))


if __name__ == "__main__":
    main()
