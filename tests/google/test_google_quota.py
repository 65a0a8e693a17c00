"""Quota: a fixed handful of requests per spreadsheet, bounded retries with backoff.

The sleep function is injected (a list that records the waits), never patched: the
whole retry schedule runs instantly and its waits are checked against the bound.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from sheets_templates.registers import REGISTERS
from sync.engine import run_sync
from sync.google import GoogleError, RetryPolicy, connect, google_sources
from sync.google.batch import CHUNK_BYTES, Block, chunks
from sync.google.master import read_targets_google, sheet_lines, write_master_google
from sync.master_layout import layout
from sync.master_model import Column, MasterSheet, Table

from .emulator import SheetsEmulator
from .offices import AS_OF, TOKEN

HEADER = [f.header_zh for f in REGISTERS["calls"].fields]
ROW = [46352, 0.4, "张三", "华信科技", "王经理", 13800138000, "制造", "", "是"]


def _client(emu: SheetsEmulator, waits: list[float]):
    return connect(token=TOKEN, api_root=emu.url).client(sleep=waits.append)


def test_a_20k_row_tab_syncs_within_the_request_budget(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    rows = [
        [
            46352 - k % 20,
            0.4,
            f"rep{k % 7}",
            f"客户{k}",
            "王经理",
            13800000000 + k,
            "制造",
            "",
            "是",
        ]
        for k in range(20_000)
    ]
    source = sheets_emulator.create_spreadsheet("办公室", {"电话记录": [HEADER, *rows], "设置": []})
    small = sheets_emulator.create_spreadsheet("分部", {"电话记录": [HEADER, ROW]})
    master = sheets_emulator.create_spreadsheet("总表")
    waits: list[float] = []
    client = _client(sheets_emulator, waits)
    sheets_emulator.reset_requests()

    sources = google_sources(client, [source, small], AS_OF)
    reads = len(sheets_emulator.requests)
    targets = read_targets_google(client, master)
    result = run_sync(sources, tmp_path / "s.db", AS_OF, targets_rows=targets)
    before_write = len(sheets_emulator.requests)
    written = write_master_google(client, master, result.sheets)
    writes = sheets_emulator.requests[before_write:]

    assert result.records["calls"] == 20_001
    assert reads == 2 * 2  # per spreadsheet: spreadsheets.get + one values:batchGet
    assert before_write - reads == 1  # targets: no tab yet, the metadata says so
    # the master: get + batchUpdate + batchClear + one values write per chunk
    data_bytes = sum(
        len(json.dumps(line)) + 2 for sheet in result.sheets for line in sheet_lines(layout(sheet))
    )
    budget = 3 + math.ceil(data_bytes / CHUNK_BYTES) + 1
    assert len(writes) == written.requests <= budget
    assert 5 <= len(writes) <= 8
    assert all(size < CHUNK_BYTES + 100_000 for _m, _p, size in writes)
    assert waits == []


def test_429_bursts_are_retried_with_backoff(sheets_emulator: SheetsEmulator) -> None:
    key = sheets_emulator.create_spreadsheet("办公室", {"电话记录": [HEADER, ROW]})
    waits: list[float] = []
    client = _client(sheets_emulator, waits)
    sheets_emulator.reset_requests()
    sheets_emulator.fail_next(3, 429)
    (source,) = google_sources(client, [key], AS_OF)
    assert source.read().sheets[0].valid == 1
    assert len(sheets_emulator.requests) == 3 + 2
    assert len(waits) == 3
    assert waits == sorted(waits) and waits[0] >= 2 and waits[-1] >= 8
    sheets_emulator.fail_next(2, 503)
    google_sources(client, [key], AS_OF)
    assert len(waits) == 5


@pytest.mark.parametrize(("status", "words"), [(429, "quota"), (500, "unavailable")])
def test_a_permanent_failure_ends_with_a_clear_error_within_the_bound(
    sheets_emulator: SheetsEmulator, status: int, words: str
) -> None:
    key = sheets_emulator.create_spreadsheet("办公室", {"电话记录": [HEADER, ROW]})
    master = sheets_emulator.create_spreadsheet("总表")
    waits: list[float] = []
    client = _client(sheets_emulator, waits)
    sheets_emulator.reset_requests()
    sheets_emulator.fail_always(status)

    (source,) = google_sources(client, [key], AS_OF)  # one spreadsheet: skipped, reported
    policy = RetryPolicy()
    assert len(sheets_emulator.requests) == policy.tries == 5
    assert len(waits) == policy.tries - 1
    assert sum(waits) <= policy.budget
    result = source.read()
    assert result.error is not None and str(status) in result.error
    assert result.error_en is not None and words in result.error_en
    assert "5 tries" in result.error_en

    with pytest.raises(GoogleError) as caught:  # the master cannot be skipped: it fails
        write_master_google(
            client, master, [MasterSheet("x", "表", [Table(None, [Column("a")], [[1]])])]
        )
    assert caught.value.status == status
    assert f"HTTP {status}" in caught.value.en and f"HTTP {status}" in caught.value.zh
    assert len(sheets_emulator.requests) == 10
    assert sum(waits) <= 2 * policy.budget


def test_a_long_retry_after_is_not_waited_past_the_budget() -> None:
    policy = RetryPolicy()
    assert policy.delay(1, 0.0, None, 0.5) == 2.5
    assert policy.delay(2, 2.5, 30.0, 0.0) == 30.0
    assert policy.delay(3, 55.0, None, 0.0) is None  # 8 s more would pass 60 s in all
    assert policy.delay(5, 0.0, None, 0.0) is None  # five tries made


def test_requests_that_cannot_succeed_are_not_retried(sheets_emulator: SheetsEmulator) -> None:
    waits: list[float] = []
    client = _client(sheets_emulator, waits)
    key = sheets_emulator.create_spreadsheet("办公室", {"电话记录": [HEADER, ROW]})
    sheets_emulator.reset_requests()
    with pytest.raises(GoogleError) as caught:
        client.http_client.values_get(key, "'没有这个表'!A1")
    assert caught.value.status == 400
    assert len(sheets_emulator.requests) == 1 and waits == []


def test_chunk_budget_is_what_the_chunker_makes() -> None:
    lines = [["客户" * 10, 12345, 0.5] for _ in range(50_000)]
    parts = list(chunks([Block("t", "A1", lines)], CHUNK_BYTES))
    total = sum(len(json.dumps(line)) + 2 for line in lines)
    assert len(parts) == math.ceil(total / CHUNK_BYTES)
