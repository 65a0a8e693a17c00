"""A Google outage never stops the local sync: the office spreadsheet is listed as
unreachable, keeps its records in the master, and the sync exits 1, not 2."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sheets_templates.registers import REGISTERS
from sync.cli import main
from tests.sync.teams import build_team

from .emulator import SheetsEmulator
from .offices import AS_OF, TOKEN

HEADER = [f.header_zh for f in REGISTERS["calls"].fields]


def _sync(api_root: str, *args: str) -> tuple[int, dict[str, object], str]:
    env = {"SALESFLOW_GOOGLE_TOKEN": TOKEN, "SALESFLOW_GOOGLE_API_ROOT": api_root}
    result = CliRunner().invoke(
        main, ["sync", "--json", "--as-of", AS_OF.isoformat(), *args], env=env
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}, result.stderr


def test_an_unreachable_google_keeps_its_records_and_the_local_folder_syncs(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    team = build_team(tmp_path / "team")
    calls = [
        [46352, 0.4, "张三", f"客户{k}", "王经理", 13800138000 + k, "制造", "", "是"]
        for k in range(5)
    ]
    office = sheets_emulator.create_spreadsheet("华东办公室", {"电话记录": [HEADER, *calls]})
    args = ("--from", str(team.folder), "--google", office, "--master", str(tmp_path / "m.xlsx"))
    url = sheets_emulator.url
    code, first, _err = _sync(url, *args)
    assert code == 0
    local = sum(len(r["calls"]) for r in team.rows.values())
    assert first["records"]["calls"] == local + 5

    sheets_emulator.stop()  # Google is down: nothing answers on its address
    team.rows["甲"]["calls"] = team.rows["甲"]["calls"][:-1]  # and a rep edits a file
    team.write("甲")
    code, second, _err = _sync(url, *args)
    assert code == 1
    assert second["records"]["calls"] == local - 1 + 5
    statuses = {(s["path"], s["status"]) for s in second["sources"]}
    assert ("team/甲/登记表.xlsx", "synced") in statuses
    unreachable = {s["path"]: s for s in second["sources"] if s["status"] == "unreadable"}
    assert set(unreachable) == {f"Google {office}", "华东办公室"}
    assert "连不上 Google" in unreachable[f"Google {office}"]["error"]
    assert unreachable["华东办公室"]["records"] == 5
