"""The Google master is never half written: a failure at any request of a write leaves
the previous master as it was, readable, and the next write cleans up after it.

The emulator fails the Nth request of a write (`fail_request`); the client retries
nothing (one try), so the failure ends the write exactly there, at every N in turn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheets_templates.registers import REGISTERS
from sync.engine import run_sync
from sync.google import GoogleError, RetryPolicy, connect, google_sources
from sync.google.master import read_targets_google, write_master_google
from sync.master_words import SHEET_TITLES

from .emulator import SheetsEmulator
from .offices import AS_OF, TOKEN, google_calls

HEADER = [f.header_zh for f in REGISTERS["calls"].fields]
CHUNK = 6_000
"""Small value chunks, so that a write has several values requests to fail at."""


def _state(emu: SheetsEmulator, key: str) -> dict[str, Any]:
    """Everything a reader of the master sees: its tabs in order and each tab's values,
    frozen rows, colour rules, filter, charts and protection."""
    tabs = emu.tab_titles(key)
    return {
        "tabs": tabs,
        "content": {
            title: (
                emu.values(key, title),
                emu.sheet_properties(key, title)["gridProperties"]["frozenRowCount"],
                emu.conditional_formats(key, title),
                emu.basic_filter(key, title),
                emu.charts(key, title),
                emu.protected_ranges(key, title),
            )
            for title, _hidden in tabs
        },
    }


def _without_ids(value: Any) -> Any:
    """A state with the ids Google draws afresh for every new tab, chart and protection
    left out: what two writes of the same master have in common."""
    if isinstance(value, dict):
        return {
            k: _without_ids(v)
            for k, v in value.items()
            if k not in ("sheetId", "chartId", "protectedRangeId")
        }
    if isinstance(value, list | tuple):
        return [_without_ids(v) for v in value]
    return value


@pytest.mark.parametrize("status", [500, 429])
def test_a_failure_at_any_request_leaves_the_previous_master_intact(
    tmp_path: Path, sheets_emulator: SheetsEmulator, status: int
) -> None:
    office = sheets_emulator.create_spreadsheet(
        "办公室", {"电话记录": [HEADER, *google_calls(30, "旧客户")]}
    )
    master = sheets_emulator.create_spreadsheet("总表", {"经理的备注": [["别动我"]]})
    client = connect(token=TOKEN, api_root=sheets_emulator.url).client(
        policy=RetryPolicy(tries=1), sleep=lambda _s: None
    )
    store = tmp_path / "s.db"
    old = run_sync(google_sources(client, [office], AS_OF), store, AS_OF)
    write_master_google(client, master, old.sheets, chunk_bytes=CHUNK)
    before = _state(sheets_emulator, master)
    assert [title for title, hidden in before["tabs"] if hidden] == []
    assert before["tabs"][0] == ("经理的备注", False)

    rows = [HEADER, *google_calls(80, "新客户")]
    client.http_client.values_update(
        office, "'电话记录'!A1", params={"valueInputOption": "RAW"}, body={"values": rows}
    )
    new = run_sync(google_sources(client, [office], AS_OF), store, AS_OF)
    sheets_emulator.reset_requests()
    written = write_master_google(client, master, new.sheets, chunk_bytes=CHUNK)
    assert written.requests == len(sheets_emulator.requests) >= 6  # get, add, 3+ values, swap
    clean = _without_ids(_state(sheets_emulator, master))
    assert clean != _without_ids(before)

    # back to the old master, then fail each request of the new write in turn
    write_master_google(client, master, old.sheets, chunk_bytes=CHUNK)
    before = _state(sheets_emulator, master)
    targets = SHEET_TITLES["targets"]("zh")
    for n in range(1, written.requests + 1):
        sheets_emulator.fail_request(n, status)
        with pytest.raises(GoogleError) as caught:
            write_master_google(client, master, new.sheets, chunk_bytes=CHUNK)
        assert caught.value.status == status
        after = _state(sheets_emulator, master)
        visible = [title for title, hidden in after["tabs"] if not hidden]
        assert visible == [title for title, _hidden in before["tabs"]], n
        assert {title: after["content"][title] for title in visible} == before["content"], n
        # the sheets the manager edits read back as they were
        assert read_targets_google(client, master) == before["content"][targets][0]

    # the next write succeeds and leaves no fresh tab behind
    write_master_google(client, master, new.sheets, chunk_bytes=CHUNK)
    assert _without_ids(_state(sheets_emulator, master)) == clean
    assert [title for title, hidden in sheets_emulator.tab_titles(master) if hidden] == []


def test_a_passing_failure_is_retried_and_the_write_completes(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    """With the default retries, one 503 at any request costs a retry, not the write."""
    office = sheets_emulator.create_spreadsheet(
        "办公室", {"电话记录": [HEADER, *google_calls(40, "客户")]}
    )
    waits: list[float] = []
    client = connect(token=TOKEN, api_root=sheets_emulator.url).client(sleep=waits.append)
    result = run_sync(google_sources(client, [office], AS_OF), tmp_path / "s.db", AS_OF)
    reference = sheets_emulator.create_spreadsheet("参照")
    written = write_master_google(client, reference, result.sheets, chunk_bytes=CHUNK)
    expected = _without_ids(_state(sheets_emulator, reference))
    for n in range(1, written.requests + 1):
        master = sheets_emulator.create_spreadsheet("参照")
        sheets_emulator.fail_request(n, 503)
        again = write_master_google(client, master, result.sheets, chunk_bytes=CHUNK)
        assert again.requests == written.requests
        assert _without_ids(_state(sheets_emulator, master)) == expected, n
    assert len(waits) == written.requests


def test_a_write_is_four_requests_whatever_the_tabs(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    office = sheets_emulator.create_spreadsheet(
        "办公室", {"电话记录": [HEADER, *google_calls(5, "客户")]}
    )
    master = sheets_emulator.create_spreadsheet("总表")
    client = connect(token=TOKEN, api_root=sheets_emulator.url).client()
    result = run_sync(google_sources(client, [office], AS_OF), tmp_path / "s.db", AS_OF)
    assert len(result.sheets) > 10
    base = f"/v4/spreadsheets/{master}"
    for _first_then_again in range(2):
        sheets_emulator.reset_requests()
        written = write_master_google(client, master, result.sheets)
        made = [(m, p.split("?")[0].removeprefix(base)) for m, p, _ in sheets_emulator.requests]
        # the metadata; the fresh tabs added; the values; their look and the swap
        assert made == [
            ("GET", ""),
            ("POST", ":batchUpdate"),
            ("POST", "/values:batchUpdate"),
            ("POST", ":batchUpdate"),
        ]
        assert written.requests == 4


def test_a_managers_tab_named_like_a_fresh_tab_is_left_alone(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    office = sheets_emulator.create_spreadsheet(
        "办公室", {"电话记录": [HEADER, *google_calls(3, "客户")]}
    )
    mine = "指标 (新)"
    master = sheets_emulator.create_spreadsheet("总表", {mine: [["明年的指标草稿"]]})
    client = connect(token=TOKEN, api_root=sheets_emulator.url).client()
    result = run_sync(google_sources(client, [office], AS_OF), tmp_path / "s.db", AS_OF)
    for _twice in range(2):
        write_master_google(client, master, result.sheets)
        assert sheets_emulator.values(master, mine) == [["明年的指标草稿"]]
        tabs = sheets_emulator.tab_titles(master)
        assert tabs == [(mine, False)] + [(s.title, False) for s in result.sheets]


def _links(emu: SheetsEmulator, key: str) -> dict[tuple[str, int, int], str]:
    """Every `#gid=` link in the spreadsheet: (tab, row, column) → the title of the tab
    the link opens; a link to a tab that is gone would fail here (KeyError)."""
    ids = {emu.sheet_properties(key, title)["sheetId"]: title for title, _ in emu.tab_titles(key)}
    out = {}
    for title, _hidden in emu.tab_titles(key):
        for f in emu.formats(key, title):
            link = f["cell"]["userEnteredFormat"].get("textFormat", {}).get("link")
            if link is not None:
                grid = f["range"]
                where = (title, grid["startRowIndex"], grid["startColumnIndex"])
                out[where] = ids[int(link["uri"].removeprefix("#gid="))]
    return out


def test_the_banner_links_open_the_new_tabs_after_each_sync(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    """Each sync replaces every master tab (new sheet ids), so the meetings' health
    banner (row 5: unreadable files, problems, reps without data, unknown reps,
    follow-ups) must link to the tabs of the same write, never to the ones it deleted."""
    office = sheets_emulator.create_spreadsheet(
        "办公室", {"电话记录": [HEADER, *google_calls(3, "客户")]}
    )
    master = sheets_emulator.create_spreadsheet("总表", {"经理的备注": [["别动我"]]})
    client = connect(token=TOKEN, api_root=sheets_emulator.url).client()
    banner = ["数据问题", "数据问题", "指标完成情况", "数据问题", "今天先联系谁"]
    expected = {(tab, 4, c): title for tab in ("晨会", "夕会") for c, title in enumerate(banner)}
    ids = []
    for n in (3, 5):
        rows = [HEADER, *google_calls(n, "客户")]
        client.http_client.values_update(
            office, "'电话记录'!A1", params={"valueInputOption": "RAW"}, body={"values": rows}
        )
        result = run_sync(google_sources(client, [office], AS_OF), tmp_path / "s.db", AS_OF)
        write_master_google(client, master, result.sheets)
        assert _links(sheets_emulator, master) == expected
        ids.append(sheets_emulator.sheet_properties(master, "数据问题")["sheetId"])
    assert ids[0] != ids[1]  # the tab was replaced, and the links followed it
