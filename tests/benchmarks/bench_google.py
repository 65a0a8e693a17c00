"""Benchmark: an office spreadsheet synced through the Sheets API, naive way and ours.

    python tests/benchmarks/bench_google.py           # 20 rep tabs × 1,000 calls = 20k rows
    python tests/benchmarks/bench_google.py --quick   # 4 tabs × 100 calls (a smoke run)

Both talk real HTTP to the loopback emulator in `tests/google/`, so the numbers that
matter are the API requests (Google's quota counts requests: 60 reads and 60 writes
per minute per user by default); the times show the cost of a round trip each.

The naive way is what a gspread script does: `worksheet.get_all_values()` per tab
(one request each, after the spreadsheet's metadata), and per master tab
`worksheet.clear()` then `worksheet.update()` (two requests each, plus a worksheet
lookup). Ours is `google_sources` (two requests per spreadsheet whatever its tabs)
and `write_master_google` (three requests plus one per 2 MB of values). Neither side's
time includes validating the rows (that is `bench_sync.py`'s subject); rows/s counts
the rows read.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

AS_OF = date(2026, 11, 26)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def office_tabs(tabs: int, calls: int) -> dict[str, list[list[Any]]]:
    """A tab per rep, named after the rep, cells as Google keeps them."""
    from sheets_templates.registers import REGISTERS
    from sync.demo import _workdays, call_rows
    from tests.google.offices import google_cell

    fields = [f for f in REGISTERS["calls"].fields if f.name != "rep"]
    days = _workdays(AS_OF, max(1, -(-calls // 100)))
    out = {}
    for n in range(tabs):
        rep = f"销售{n:02d}"
        rows = call_rows(random.Random(n), rep, days, 100)[:calls]
        grid = [[f.header_zh for f in fields]]
        grid += [
            [google_cell(r.get(f.name)) if r.get(f.name) is not None else "" for f in fields]
            for r in rows
        ]
        out[rep] = grid
    return out


def naive(emu: Any, office: str, master: str, sheets: list[Any]) -> tuple[float, int, int]:
    """gspread's high-level calls: a request per tab read, two per tab written."""
    from dataclasses import replace

    from sync.google.master import sheet_lines
    from sync.master_layout import layout

    client = emu.client()
    emu.reset_requests()
    started = time.perf_counter()
    book = client.open_by_key(office)
    rows = sum(len(ws.get_all_values()) for ws in book.worksheets())
    target = client.open_by_key(master)
    for sheet in sheets:
        lines = sheet_lines(layout(replace(sheet, chart=None)))
        ws = target.worksheet(sheet.title)
        ws.clear()
        ws.update(lines, "A1", value_input_option="RAW")
    return time.perf_counter() - started, len(emu.requests), rows


def ours(emu: Any, office: str, master: str, sheets: list[Any]) -> tuple[float, int, int]:
    from sync.google import connect, google_sources
    from sync.google.master import write_master_google

    client = connect(token="bench-token", api_root=emu.url).client()
    emu.reset_requests()
    started = time.perf_counter()
    google_sources(client, [office], AS_OF)  # fetched and hashed; parsing is the sync's
    write_master_google(client, master, sheets)
    return time.perf_counter() - started, len(emu.requests), 0


def main(argv: list[str] | None = None) -> None:
    from sync.engine import run_sync
    from sync.google import connect, google_sources
    from sync.google.master import write_master_google
    from tests.google.emulator import SheetsEmulator

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument(
        "--latency", type=float, default=0.3, help="seconds per Google round trip, for the estimate"
    )
    args = parser.parse_args(argv)
    tabs, calls = (4, 100) if args.quick else (20, 1000)
    import tempfile

    with SheetsEmulator() as emu, tempfile.TemporaryDirectory() as tmp:
        office = emu.create_spreadsheet("华东办公室", office_tabs(tabs, calls))
        client = connect(token="bench-token", api_root=emu.url).client()
        result = run_sync(google_sources(client, [office], AS_OF), Path(tmp) / "s.db", AS_OF)
        master_a = emu.create_spreadsheet("总表 A")
        master_b = emu.create_spreadsheet("总表 B")
        write_master_google(client, master_a, result.sheets)  # both masters have every tab
        write_master_google(client, master_b, result.sheets)
        t_naive, r_naive, rows = naive(emu, office, master_a, result.sheets)
        t_ours, r_ours, _ = ours(emu, office, master_b, result.sheets)
        assert emu.values(master_a, result.sheets[5].title) == emu.values(
            master_b, result.sheets[5].title
        )
    print(f"office: {tabs} tabs × {calls} calls = {rows} rows; master {len(result.sheets)} tabs")
    print(
        f"naive (gspread per tab): {t_naive:6.2f} s  {r_naive:4d} requests  {rows / t_naive:8.0f} rows/s"
    )
    print(
        f"ours (batched):          {t_ours:6.2f} s  {r_ours:4d} requests  {rows / t_ours:8.0f} rows/s"
    )
    print(f"ratio: {t_naive / t_ours:.2f}× faster, {r_naive / r_ours:.1f}× fewer requests")
    # Loopback round trips cost ~nothing, and the emulator copies a whole spreadsheet per
    # batch request (for all-or-nothing writes): Google's round trips cost far more.
    lat = args.latency
    e_naive, e_ours = t_naive + r_naive * lat, t_ours + r_ours * lat
    print(
        f"estimate at {lat * 1000:.0f} ms per Google round trip: naive {e_naive:.1f} s, "
        f"ours {e_ours:.1f} s ({e_naive / e_ours:.1f}× faster)"
    )
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
