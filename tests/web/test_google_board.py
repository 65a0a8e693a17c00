"""The board and Google spreadsheets (the loopback Sheets emulator): Google refusing the
credentials mid-way is said on the board, and the board syncs again once access is back — a
refusal never ends the server or its sync thread, as it ends `salesflow sync`; and with
`--google-master` every sync the board runs writes the Google master too.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from sheets_templates.registers import REGISTERS
from sync.master_meeting import TITLES
from tests.google.conftest import sheets_emulator as sheets_emulator  # the fixture
from tests.google.emulator import CellValue, SheetsEmulator
from tests.google.offices import TOKEN

from .serving import serve, write_rep, write_team

HEADER = [f.header_zh for f in REGISTERS["calls"].fields]
CALL = [46352, 0.4, "戊", "华信科技", "王经理", 13800138000, "制造", "", "是"]


def board_text(url: str) -> str:
    return httpx.get(url + "/").text


def wait_for(check: object, url: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        page = board_text(url)
        if check(page):  # type: ignore[operator]
            return page
        time.sleep(0.5)
    raise AssertionError(page[-2000:])


def test_google_refusing_is_said_on_the_board_and_the_next_sync_recovers(
    tmp_path: Path, sheets_emulator: SheetsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = sheets_emulator.create_spreadsheet("华东办公室", {"电话记录": [HEADER, CALL]})
    monkeypatch.setenv("SALESFLOW_GOOGLE_TOKEN", TOKEN)
    monkeypatch.setenv("SALESFLOW_GOOGLE_API_ROOT", sheets_emulator.url)
    with serve(write_team(tmp_path), "--google", key, "--poll", "1") as served:
        assert "failure" not in board_text(served.url).split("<main", 1)[-1]
        accepted = sheets_emulator.tokens
        sheets_emulator.tokens = {"ya29.someone-elses-token"}  # ours is refused: 401
        refused = wait_for(lambda page: 'class="failure"' in page, served.url)
        assert "上次同步失败" in refused and "凭据" in refused and TOKEN not in refused
        sheets_emulator.tokens = accepted
        wait_for(lambda page: 'class="failure"' not in page, served.url)
        assert served.process.poll() is None


def evening_row(emulator: SheetsEmulator, key: str, rep: str) -> list[CellValue]:
    """`rep`'s row of the Google master's 夕会 ranking: rep, effective calls (the
    place before them is a medal or text)."""
    rows = emulator.values(key, TITLES["evening"]("zh"))
    return next(row[1:3] for row in rows if len(row) > 2 and row[1] == rep)


def test_serve_writes_the_google_master_on_every_sync(
    tmp_path: Path, sheets_emulator: SheetsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    master = sheets_emulator.create_spreadsheet("销售总表")
    monkeypatch.setenv("SALESFLOW_GOOGLE_TOKEN", TOKEN)
    monkeypatch.setenv("SALESFLOW_GOOGLE_API_ROOT", sheets_emulator.url)
    with serve(write_team(tmp_path), "--google-master", master) as served:
        # the first sync: 丙 typed 30 effective calls, fourth of four (serving.py)
        deadline = time.monotonic() + 60
        while TITLES["evening"]("zh") not in dict(sheets_emulator.tab_titles(master)):
            assert time.monotonic() < deadline, "the Google master was never written"
            time.sleep(0.3)
        assert evening_row(sheets_emulator, master, "丙") == ["丙", 30]
        write_rep(served.folder, "丙", 120)
        deadline = time.monotonic() + 60
        while evening_row(sheets_emulator, master, "丙") != ["丙", 120]:
            assert time.monotonic() < deadline, evening_row(sheets_emulator, master, "丙")
            time.sleep(0.3)
        assert evening_row(sheets_emulator, master, "丁") == ["丁", 100]
        assert (served.folder / "master.xlsx").exists()  # the workbook is written too
