"""An office's Google spreadsheets sync like the same workbooks in a folder.

Real parts throughout: the demo team's workbooks on disk, the same cells stored in the
emulator as Google keeps them, our `connect()` session (api-root rewriting, bearer
token) and gspread over HTTP.
"""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import pytest

from sheets_templates.registers import REGISTERS
from sync.check import CheckReport, report_json
from sync.demo import call_rows, make_team, write_workbook
from sync.engine import run_sync
from sync.google import GoogleError, cell_link, connect, google_sources, spreadsheet_key
from sync.google.source import tab_owner
from sync.reader import load_grids
from sync.sources import file_sources, find_sources
from sync.summary import sync_json

from .emulator import SheetsEmulator
from .offices import AS_OF, TOKEN, comparable, google_rows, upload_workbook


@pytest.fixture
def client(sheets_emulator: SheetsEmulator):
    return connect(token=TOKEN, api_root=sheets_emulator.url).client()


def test_office_spreadsheets_sync_into_the_same_master_as_the_folder(
    tmp_path: Path, sheets_emulator: SheetsEmulator, client
) -> None:
    team = make_team(tmp_path / "team", AS_OF)
    keys = []
    for path in (f.path for f in find_sources([team.folder])):
        if path.name in team.unreadable:
            continue
        if path.parent.name == "王五":
            # 王五's folder names him; a spreadsheet of his own says it on its settings tab
            keys.append(_upload_with_settings(sheets_emulator, path, "王五"))
        else:
            keys.append(upload_workbook(sheets_emulator, path))

    from_folder = run_sync(file_sources([team.folder], AS_OF), tmp_path / "a.db", AS_OF)
    from_google = run_sync(google_sources(client, keys, AS_OF), tmp_path / "b.db", AS_OF)

    assert from_google.records == from_folder.records
    assert sum(from_google.records.values()) > 800
    assert comparable(from_google) == comparable(from_folder)
    planted = {(p.sheet, p.row, p.code) for p in team.planted}
    found = {(p.sheet, p.row, p.code) for p in from_google.problems}
    assert planted <= found
    assert all(s.status in ("synced", "skipped") for s in from_google.sources)


def _upload_with_settings(emu: SheetsEmulator, path: Path, rep: str) -> str:
    tabs = {name: google_rows(grid) for name, grid in load_grids(path)}
    tabs["设置"] = [["销售员", rep]]
    return emu.create_spreadsheet(path.stem, tabs)


def test_a_tab_per_rep_is_read_like_a_folder_per_rep(
    tmp_path: Path, sheets_emulator: SheetsEmulator, client
) -> None:
    """The office layout: one spreadsheet, a tab named after each rep, no rep column."""
    rng = random.Random(3)
    days = [AS_OF]
    folder = tmp_path / "team"
    tabs = {}
    for rep in ("张三", "李四"):
        rows = call_rows(rng, rep, days, 12)
        for row in rows:
            row.pop("rep")
        path = folder / rep / "calls.xlsx"
        write_workbook(path, [("电话记录", "calls", rows, "zh")], title="2026年11月")
        ((_name, grid),) = load_grids(path)
        tabs[rep] = google_rows(grid)
    key = sheets_emulator.create_spreadsheet("华东办公室 2026", tabs)

    from_folder = run_sync(file_sources([folder], AS_OF), tmp_path / "a.db", AS_OF)
    from_google = run_sync(google_sources(client, [key], AS_OF), tmp_path / "b.db", AS_OF)

    assert from_google.records["calls"] == 24
    assert comparable(from_google)["registers"] == comparable(from_folder)["registers"]
    reps = {k["rep"] for k in sync_json(from_google)["kpi"]}
    assert reps == {"张三", "李四"}


def test_tab_titles_that_name_no_rep() -> None:
    assert tab_owner("张三") == "张三"
    assert tab_owner(" Wang Wu ") == "Wang Wu"
    for title in ("电话记录", "Calls", "拜访", "意向客户", "发货2026", "设置", "Sheet1", "工作表2"):
        assert tab_owner(title) is None, title


def test_problems_carry_a_link_to_their_cell(sheets_emulator: SheetsEmulator, client) -> None:
    header = [f.header_zh for f in REGISTERS["calls"].fields]
    good = [46350, 0.4, "张三", "华信科技", "王经理", 13800138000, "制造", "", "是"]
    bad = [46350, 0.41, "张三", "东方建材", "李总", 1380013, "制造", "", "可能"]
    key = sheets_emulator.create_spreadsheet(
        "华东办公室", {"说明": [["填表说明"]], "电话记录": [header, good, bad]}
    )
    (source,) = google_sources(client, [key], AS_OF)
    result = source.read()
    document = report_json(CheckReport([result]), "en")
    (file_entry,) = document["files"]
    assert file_entry["path"] == "华东办公室"
    calls = next(s for s in file_entry["sheets"] if s["name"] == "电话记录")
    gid = sheets_emulator.sheet_properties(key, "电话记录")["sheetId"]
    issues = {(i["column"], i["row"]): i for i in calls["issues"]}
    assert issues[("F", 3)]["code"] == "phone.invalid"
    assert issues[("F", 3)]["link"] == (
        f"https://docs.google.com/spreadsheets/d/{key}/edit#gid={gid}&range=F3"
    )
    assert issues[("I", 3)]["link"].endswith("&range=I3")
    assert calls["valid"] == 1
    # the contract's keys are all still there, in order, with the link added at the end
    assert list(issues[("F", 3)])[-1] == "link"


def test_an_unchanged_spreadsheet_is_not_parsed_again(
    tmp_path: Path, sheets_emulator: SheetsEmulator, client
) -> None:
    header = [f.header_zh for f in REGISTERS["calls"].fields]
    row = [46350, 0.4, "张三", "华信科技", "王经理", 13800138000, "制造", "", "是"]
    key = sheets_emulator.create_spreadsheet("办公室", {"电话记录": [header, row]})
    store = tmp_path / "store.db"
    first = run_sync(google_sources(client, [key], AS_OF), store, AS_OF)
    second = run_sync(google_sources(client, [key], AS_OF), store, AS_OF)
    assert first.parsed == ["办公室"] and second.parsed == []
    client.http_client.values_update(
        key, "'电话记录'!D2", params={"valueInputOption": "RAW"}, body={"values": [["新客户"]]}
    )
    third = run_sync(google_sources(client, [key], AS_OF), store, AS_OF)
    assert third.parsed == ["办公室"]
    assert third.changes.updated == 1


def test_missing_and_unshared_spreadsheets_are_reported_and_the_rest_syncs(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    sheets_emulator.tokens = {TOKEN, "someone-elses-token-1234"}
    header = [f.header_zh for f in REGISTERS["calls"].fields]
    row = [46350, 0.4, "张三", "华信科技", "王经理", 13800138000, "制造", "", "是"]
    mine = sheets_emulator.create_spreadsheet("办公室", {"电话记录": [header, row]})
    private = sheets_emulator.create_spreadsheet(
        "别人的表", {"电话记录": [header]}, owner_token="someone-elses-token-1234"
    )
    missing = "1NoSuchSpreadsheetKeyAtAll0000000000000000"
    client = connect(token=TOKEN, api_root=sheets_emulator.url).client()
    sources = google_sources(client, [mine, private, missing], AS_OF)
    result = run_sync(sources, tmp_path / "store.db", AS_OF)
    statuses = {s.path: (s.status, s.error) for s in result.sources}
    assert statuses["办公室"][0] == "synced"
    assert statuses[f"Google {private}"][0] == "unreadable"
    assert "没有权限" in statuses[f"Google {private}"][1]
    assert "共享" in statuses[f"Google {private}"][1]
    assert statuses[f"Google {missing}"][0] == "unreadable"
    assert "找不到" in statuses[f"Google {missing}"][1]
    english = sources[2].read().error_en
    assert english is not None and "does not exist" in english
    assert result.records["calls"] == 1
    assert result.exit_code() == 1


def test_spreadsheet_keys_and_links() -> None:
    key = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-xyz"
    assert spreadsheet_key(key) == key
    assert spreadsheet_key(f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0") == key
    with pytest.raises(GoogleError) as caught:
        spreadsheet_key("not a key")
    assert "不是" in caught.value.zh and "Not a Google" in caught.value.en
    assert cell_link(key, 7) == f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=7"
    assert cell_link(key, 7, None, 4).endswith("#gid=7&range=4:4")


def test_values_arrive_as_raw_cells(sheets_emulator: SheetsEmulator, client) -> None:
    """Dates and times as serial numbers, numbers as numbers, booleans as booleans —
    one read per spreadsheet for the tab list and one for every tab's values."""
    header = [f.header_zh for f in REGISTERS["calls"].fields]
    row = [46350, 0.5, "张三", "华信科技", "王经理", 13800138000, "制造", "", True, False, "b类"]
    key = sheets_emulator.create_spreadsheet("办公室", {"电话记录": [header, row], "Sheet2": []})
    sheets_emulator.reset_requests()
    (source,) = google_sources(client, [key], AS_OF)
    methods = [(m, p.split("?")[0].rsplit("/", 1)[-1]) for m, p, _ in sheets_emulator.requests]
    assert methods == [("GET", key), ("GET", "values:batchGet")]
    query = sheets_emulator.requests[1][1]
    assert "valueRenderOption=UNFORMATTED_VALUE" in query
    assert "dateTimeRenderOption=SERIAL_NUMBER" in query
    (record,) = source.read().sheets[0].records
    assert str(record.date) == "2026-11-24"
    assert str(record.time) == "12:00:00"
    assert record.phone == "13800138000"
    assert record.effective is True and record.wechat_added is False
    assert record.intent_grade == "B"


def test_sources_are_plain_data(sheets_emulator: SheetsEmulator, client) -> None:
    """A Google source's reader pickles, like a file source's (worker processes)."""
    key = sheets_emulator.create_spreadsheet("办公室", {"Sheet1": [["a"]]})
    (source,) = google_sources(client, [key], AS_OF)
    again = pickle.loads(pickle.dumps(source.read))
    assert again().path == "办公室"
