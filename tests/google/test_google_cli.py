"""The Google options of `salesflow check`, `sync` and `templates`, end to end.

Most tests run the click command in-process (the emulator serves from a thread of the
same process); the secrets test runs the installed console script in a subprocess,
so what a user's terminal would show is exactly what is checked.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from click.testing import CliRunner

from sheets_templates.registers import REGISTERS
from sheets_templates.templates import rep_template
from sync.cli import main
from sync.google import connect
from sync.master_sheets import SHEET_KEYS
from sync.master_words import SHEET_TITLES
from tests.conftest import SALESFLOW

from .emulator import Formula, SheetsEmulator
from .offices import AS_OF, TOKEN

HEADER = [f.header_zh for f in REGISTERS["calls"].fields]
GOOD = [46352, 0.4, "张三", "华信科技", "王经理", 13800138000, "制造", "", "是"]
BAD = [46352, 0.41, "张三", "东方建材", "李总", 1380013, "制造", "", "是"]


def _run(emu: SheetsEmulator, *args: str, token: str = TOKEN) -> tuple[int, str, str]:
    env = {"SALESFLOW_GOOGLE_TOKEN": token, "SALESFLOW_GOOGLE_API_ROOT": emu.url}
    result = CliRunner().invoke(main, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _sync(office: str, master: str, folder: Path) -> list[str]:
    """`salesflow sync` of spreadsheet `office` into the Google master `master`, and into
    `folder/master.xlsx` (its store beside it), as of the pinned day."""
    return [
        "sync",
        "--google",
        office,
        "--google-master",
        master,
        "--master",
        str(folder / "master.xlsx"),
        "--as-of",
        AS_OF.isoformat(),
    ]


def test_check_a_google_spreadsheet(sheets_emulator: SheetsEmulator) -> None:
    key = sheets_emulator.create_spreadsheet("华东办公室", {"电话记录": [HEADER, GOOD, BAD]})
    url = f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0"
    code, out, _err = _run(
        sheets_emulator, "check", "--google", url, "--json", "--as-of", AS_OF.isoformat()
    )
    assert code == 1
    document = json.loads(out)
    (entry,) = document["files"]
    assert entry["path"] == "华东办公室" and entry["status"] == "ok"
    (issue,) = entry["sheets"][0]["issues"]
    assert issue["code"] == "phone.invalid" and issue["row"] == 3 and issue["column"] == "F"
    assert issue["link"] == f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0&range=F3"
    assert document["totals"] == {"rows": 2, "valid": 1, "errors": 1, "warnings": 0}
    code, out, _err = _run(sheets_emulator, "check", "--google", key, "--lang", "en")
    assert code == 1 and "华东办公室 [电话记录] calls: 2 rows, 1 valid, 1 error" in out


def test_check_needs_something_to_check(sheets_emulator: SheetsEmulator) -> None:
    code, _out, err = _run(sheets_emulator, "check")
    assert code == 2 and "--google KEY" in err


def test_sync_an_office_into_a_google_master_and_read_its_targets_back(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    calls = [
        [*GOOD[:3], f"客户{k}", "王经理", 13800138000 + k, "制造", "", "是"] for k in range(90)
    ]
    office = sheets_emulator.create_spreadsheet("华东办公室", {"电话记录": [HEADER, *calls]})
    master = sheets_emulator.create_spreadsheet("销售总表")
    args = _sync(office, master, tmp_path)
    code, out, _err = _run(sheets_emulator, *args)
    assert code == 0, out
    assert f"Google 总表: https://docs.google.com/spreadsheets/d/{master}/edit" in out
    assert f"（{len(SHEET_KEYS)} 个表，4 次请求）" in out
    assert (tmp_path / "master.xlsx").exists()
    registered = sheets_emulator.values(master, SHEET_TITLES["calls"]("zh"))
    assert len(registered) == 2 + 90 and not any(isinstance(v, Formula) for v in registered[2])

    targets = SHEET_TITLES["targets"]("zh")
    rows = sheets_emulator.values(master, targets)
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "销售员")
    column = next(c for c, h in enumerate(rows[header_at]) if str(h).startswith("有效通话"))
    client = connect(token=TOKEN, api_root=sheets_emulator.url).client()
    client.http_client.values_update(
        master,
        f"'{targets}'!{chr(65 + column)}{header_at + 2}",
        params={"valueInputOption": "RAW"},
        body={"values": [[80]]},
    )
    code, out, _err = _run(sheets_emulator, *args, "--json")
    summary = json.loads(out)
    (effective,) = [
        k
        for k in summary["kpi"]
        if k["metric"] == "effective_calls" and k["period"] == "day" and k["rep"] == "张三"
    ]
    assert effective["target"] == 80 and effective["met"] is True
    assert summary["records"]["calls"] == 90
    assert [s["status"] for s in summary["sources"]] == ["unchanged"]


def test_a_text_past_the_cell_limit_is_cut_in_the_google_master_and_said(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    """A 40,000-character 备注: Google Sheets would take it (50,000 a cell), but the
    master is one for Excel and Google alike, so the Google master holds what the Excel
    one does, the first 32,766 and a `…`, and the sync names the cell (row 3, column
    P, 备注), as it does for the Excel master; the whole text stays in the store."""
    notes = "甲乙丙丁戊" * 8000
    office = sheets_emulator.create_spreadsheet(
        "华东办公室", {"电话记录": [[*HEADER[:9], "备注"], [*GOOD, notes]]}
    )
    master = sheets_emulator.create_spreadsheet("销售总表")
    code, out, err = _run(sheets_emulator, *_sync(office, master, tmp_path))
    assert code == 0, out + err
    assert err.splitlines() == [
        "总表的“电话记录”表: 【已截断】第 3 行 P 列（备注）的文字有 40,000 个字符，Excel 一格最多 "
        "32,767 个：只保留前 32,766 个（以“…”结尾），全文仍在数据库里"
    ]
    header, row = sheets_emulator.values(master, "电话记录")[1:3]
    assert header[15] == "备注" and row[15] == notes[:32766] + "…"


def test_templates_in_a_google_spreadsheet(sheets_emulator: SheetsEmulator) -> None:
    key = sheets_emulator.create_spreadsheet("张三的登记表")
    code, out, _err = _run(sheets_emulator, "templates", "--google", key, "--json")
    assert code == 0
    made = json.loads(out)["google"]
    assert made["created"] == ["今日", "电话记录", "拜访记录", "意向客户", "发货", "设置"]
    today = sheets_emulator.values(key, "今日")
    counts = [today[int(m.actual[1:]) - 1][1] for m in rep_template("zh").metrics]
    assert len(counts) == 7  # explicit array evaluation, as the xlsx's array formulas
    assert all(isinstance(c, Formula) and c.startswith("=ARRAYFORMULA(SUMPRODUCT(") for c in counts)
    code, out, _err = _run(sheets_emulator, "templates", "--google", key)
    assert code == 0 and "已存在（未改动）: 今日、电话记录" in out and "新建: —" in out
    code, out, _err = _run(sheets_emulator, "templates", "--google", key, "--lang", "en")
    assert "created: Today, Calls, Visits" in out


def test_a_missing_credentials_file_is_a_clear_usage_error(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    key = sheets_emulator.create_spreadsheet("办公室")
    missing = tmp_path / "nope.json"
    result = CliRunner().invoke(
        main,
        ["check", "--google", key, "--credentials", str(missing), "--lang", "en"],
        env={"SALESFLOW_GOOGLE_TOKEN": None, "GOOGLE_APPLICATION_CREDENTIALS": None},
    )
    assert result.exit_code == 2
    assert f"The credentials file does not exist: {missing}" in result.stderr
    result = CliRunner().invoke(
        main,
        ["check", "--google", key],
        env={"SALESFLOW_GOOGLE_TOKEN": None, "GOOGLE_APPLICATION_CREDENTIALS": None},
    )
    assert result.exit_code == 2 and "没有 Google 凭据" in result.stderr


def test_a_refused_token_is_never_printed(sheets_emulator: SheetsEmulator) -> None:
    exe = str(SALESFLOW)
    sheets_emulator.tokens = {"the-right-token-000"}
    key = sheets_emulator.create_spreadsheet("办公室")
    secret = "ya29.a-secret-token-that-must-not-leak"
    env = {
        **os.environ,
        "SALESFLOW_GOOGLE_TOKEN": secret,
        "SALESFLOW_GOOGLE_API_ROOT": sheets_emulator.url,
    }
    outputs = []
    for lang in ("zh", "en"):
        for command in (["check", "--google", key], ["templates", "--google", key]):
            done = subprocess.run(
                [exe, *command, "--lang", lang],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 2
            outputs.append(done.stdout + done.stderr)
    helped = subprocess.run(
        [exe, "sync", "--help"], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    outputs.append(helped.stdout + helped.stderr)
    assert "SALESFLOW_GOOGLE_TOKEN" in outputs[-1]
    assert "401" in outputs[0] and "凭据" in outputs[0]
    assert "did not accept the credentials" in outputs[2]
    assert all(secret not in text for text in outputs)
