"""The board over an office's Google spreadsheet (the loopback Sheets emulator): Google
refusing the credentials mid-way is said on the board, and the board syncs again once access is
back — a refusal never ends the server or its sync thread, as it ends `salesflow sync`.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from sheets_templates.registers import REGISTERS
from tests.google.conftest import sheets_emulator as sheets_emulator  # the fixture
from tests.google.emulator import SheetsEmulator
from tests.google.offices import TOKEN

from .serving import serve, write_team

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
