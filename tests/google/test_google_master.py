"""The master written into a Google spreadsheet, and the manager's targets read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_templates.registers import REGISTERS
from sync.engine import run_sync
from sync.google import connect, google_sources
from sync.google.batch import Block, chunks
from sync.google.master import read_targets_google, write_master_google
from sync.master_words import SHEET_TITLES
from sync.summary import sync_json

from .emulator import Formula, SheetsEmulator
from .offices import AS_OF, TOKEN, google_calls

INJECTION = '=HYPERLINK("http://example.invalid/x","点我")'
HEADER = [f.header_zh for f in REGISTERS["calls"].fields]


@pytest.fixture
def client(sheets_emulator: SheetsEmulator):
    return connect(token=TOKEN, api_root=sheets_emulator.url).client()


def test_master_tabs_are_written_raw_and_injection_stays_text(
    tmp_path: Path, sheets_emulator: SheetsEmulator, client
) -> None:
    rows = google_calls(3)
    rows[1][3] = INJECTION
    source = sheets_emulator.create_spreadsheet("办公室", {"电话记录": [HEADER, *rows]})
    master = sheets_emulator.create_spreadsheet("总表", {"经理的备注": [["别动我"]]})
    result = run_sync(google_sources(client, [source], AS_OF), tmp_path / "s.db", AS_OF)

    written = write_master_google(client, master, result.sheets)

    titles = [s.title for s in result.sheets]
    assert written.tabs == titles
    assert written.requests == 4  # get, add the fresh tabs, one values write, look + swap
    calls = sheets_emulator.values(master, SHEET_TITLES["calls"]("zh"))
    assert calls[0][0] == "本月 2026-11-01 至 2026-11-30，共 3 行；全部历史见 salesflow export"
    assert calls[1][: len(HEADER)] == HEADER
    customers = [row[3] for row in calls[2:]]
    assert INJECTION in customers
    cell = next(c for c in customers if c == INJECTION)
    assert type(cell) is str and not isinstance(cell, Formula)
    # the only formulas are the meetings' sparklines, sent as formulas on purpose
    assert all(
        not isinstance(v, Formula) or v.startswith("=SPARKLINE(")
        for t in titles
        for r in sheets_emulator.values(master, t)
        for v in r
    )
    assert sheets_emulator.values(master, "经理的备注") == [["别动我"]]
    # a date column holds serial numbers shown as dates; the register's header is frozen
    assert calls[2][0] == 46352
    formats = sheets_emulator.formats(master, SHEET_TITLES["calls"]("zh"))
    dated = [
        f
        for f in formats
        if f["cell"]["userEnteredFormat"].get("numberFormat", {}).get("type") == "DATE"
    ]
    assert any(f["range"]["startColumnIndex"] == 0 for f in dated)
    grid = sheets_emulator.sheet_properties(master, SHEET_TITLES["calls"]("zh"))["gridProperties"]
    assert grid["frozenRowCount"] == 2  # the window's title line and the header


def test_a_second_write_replaces_the_contents(
    tmp_path: Path, sheets_emulator: SheetsEmulator, client
) -> None:
    source = sheets_emulator.create_spreadsheet("办公室", {"电话记录": [HEADER, *google_calls(40)]})
    master = sheets_emulator.create_spreadsheet("总表")
    store = tmp_path / "s.db"
    write_master_google(
        client, master, run_sync(google_sources(client, [source], AS_OF), store, AS_OF).sheets
    )
    tab = SHEET_TITLES["calls"]("zh")
    assert len(sheets_emulator.values(master, tab)) == 2 + 40
    meeting = SHEET_TITLES["evening"]("zh")
    colours = sheets_emulator.conditional_formats(master, meeting)
    words = {r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in colours}
    assert {"达标", "落后"} <= words
    client.http_client.values_batch_clear(source, body={"ranges": ["'电话记录'!A4:Z"]})
    again = run_sync(google_sources(client, [source], AS_OF), store, AS_OF)
    write_master_google(client, master, again.sheets)
    assert len(sheets_emulator.values(master, tab)) == 2 + 2
    assert len(sheets_emulator.conditional_formats(master, meeting)) == len(colours)
    assert again.changes.removed == 38


def test_targets_edited_in_the_google_master_are_used_next_sync(
    tmp_path: Path, sheets_emulator: SheetsEmulator, client
) -> None:
    source = sheets_emulator.create_spreadsheet("办公室", {"电话记录": [HEADER, *google_calls(90)]})
    master = sheets_emulator.create_spreadsheet("总表")
    store = tmp_path / "s.db"
    assert read_targets_google(client, master) is None  # no targets tab yet: defaults
    first = run_sync(google_sources(client, [source], AS_OF), store, AS_OF)
    write_master_google(client, master, first.sheets)
    assert _target(first, "effective_calls") == 100
    assert _met(first, "effective_calls") is False

    # the manager lowers the team's daily effective calls to 80 in the Google tab
    rows = read_targets_google(client, master)
    assert rows is not None
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "销售员")
    column = next(c for c, h in enumerate(rows[header_at]) if str(h).startswith("有效通话"))
    team_row = header_at + 2  # 1-based: the row after the header is the team's (全部)
    letter = chr(ord("A") + column)
    client.http_client.values_update(
        master,
        f"'{SHEET_TITLES['targets']('zh')}'!{letter}{team_row}",
        params={"valueInputOption": "USER_ENTERED"},
        body={"values": [["80"]]},
    )

    second = run_sync(
        google_sources(client, [source], AS_OF),
        store,
        AS_OF,
        targets_rows=read_targets_google(client, master),
    )
    assert _target(second, "effective_calls") == 80
    assert _met(second, "effective_calls") is True


def _kpi(result, metric: str) -> dict:
    return next(
        k for k in sync_json(result)["kpi"] if k["metric"] == metric and k["period"] == "day"
    )


def _target(result, metric: str) -> object:
    return _kpi(result, metric)["target"]


def _met(result, metric: str) -> object:
    return _kpi(result, metric)["met"]


def test_values_are_written_in_chunks_under_the_request_limit(
    tmp_path: Path, sheets_emulator: SheetsEmulator, client
) -> None:
    source = sheets_emulator.create_spreadsheet(
        "办公室", {"电话记录": [HEADER, *google_calls(600)]}
    )
    master = sheets_emulator.create_spreadsheet("总表")
    result = run_sync(google_sources(client, [source], AS_OF), tmp_path / "s.db", AS_OF)
    limit = 60_000
    # the look-and-swap batchUpdate (~100 kB: a request per column run, never per row)
    # cannot be split, being the swap; the values can, and stay under their limit
    sheets_emulator.max_request_bytes = 200_000
    sheets_emulator.reset_requests()
    written = write_master_google(client, master, result.sheets, chunk_bytes=limit - 5_000)
    writes = [size for m, p, size in sheets_emulator.requests if p.endswith("values:batchUpdate")]
    assert len(writes) == written.requests - 3 >= 3
    assert max(writes) < limit
    calls = sheets_emulator.values(master, SHEET_TITLES["calls"]("zh"))
    assert len(calls) == 2 + 600
    assert {row[3] for row in calls[2:]} == {f"华信科技{k}" for k in range(600)}
    # the same master written in one piece holds exactly the same cells
    sheets_emulator.max_request_bytes = 10 * 1024 * 1024
    whole = sheets_emulator.create_spreadsheet("总表2")
    assert write_master_google(client, whole, result.sheets).requests == 4
    for sheet in result.sheets:
        assert sheets_emulator.values(whole, sheet.title) == sheets_emulator.values(
            master, sheet.title
        )


def test_chunks_split_a_tab_by_rows_and_keep_every_row() -> None:
    import json

    rows = [[f"客户{n}", n] for n in range(1000)]
    parts = list(chunks([Block("电话", "B3", rows), Block("x", "A1", [["a"]])], 4_000))
    assert len(parts) > 5
    starts = [d["range"] for part in parts for d in part]
    assert starts[0] == "'电话'!B3" and starts[-1] == "'x'!A1"
    assert sum(len(d["values"]) for part in parts for d in part) == 1001
    assert all(len(json.dumps(part)) < 4_000 for part in parts)
