"""Refresh: the sync written into the open master, as the file master lays it out."""

from __future__ import annotations

import os
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from addin import buttons
from sheets_templates.master_book import CONF_SHEET, CONF_STORE, master_template
from sync.crash import log_detail
from sync.demo import make_team
from sync.engine import run_sync
from sync.master_file import write_master_xlsx
from sync.master_words import SHEET_TITLES
from sync.reader import load_grids
from sync.sources import file_sources
from sync.templates_xlsx import write_master_workbook

from .fake_excel import Book
from .workbooks import DAY


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("refresh")
    make_team(folder / "team", DAY)
    return folder


def _same(shown: Any, stored: Any) -> bool:
    """A value Refresh writes and the file master's value at the same cell."""
    if isinstance(shown, str) and shown.startswith("'"):
        shown = shown[1:]
    if isinstance(stored, datetime) and not isinstance(shown, datetime):
        stored = stored.date() if stored.time() == datetime.min.time() else stored
    if isinstance(stored, time):
        stored = (stored.hour * 3600 + stored.minute * 60 + stored.second) / 86400
    if isinstance(shown, float) and isinstance(stored, int | float):
        return abs(shown - stored) < 1e-9
    if shown is None:
        return stored in (None, "")
    return shown == stored


def test_cell_values_for_excel():
    assert buttons.cell_value(Decimal("12.50")) == 12.5
    assert buttons.cell_value("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert [buttons.cell_value(v) for v in ("+1", "-x", "@a", "a=b")] == [
        "'+1",
        "'-x",
        "'@a",
        "a=b",
    ]


def test_blocks_sit_where_the_file_master_puts_them(team: Path, tmp_path: Path):
    result = run_sync(file_sources([team / "team"], DAY), tmp_path / "store.sqlite", DAY)
    path = tmp_path / "master.xlsx"
    write_master_xlsx(result.sheets, path)
    grids = dict(load_grids(path))
    blocks = buttons.sheet_blocks(result.sheets)
    assert [b.title for b in blocks] == [s.title for s in result.sheets]
    compared = 0
    for sheet in blocks:
        grid = grids[sheet.title]
        for block in sheet.blocks:
            assert all(len(line) == len(block.values[0]) for line in block.values)
            for dr, line in enumerate(block.values):
                for dc, value in enumerate(line):
                    r, c = block.row - 1 + dr, dc
                    stored = grid[r][c] if r < len(grid) and c < len(grid[r]) else None
                    assert _same(value, stored), (sheet.title, r + 1, c + 1, value, stored)
                    compared += 1
    assert compared > 1000


def test_refresh_writes_the_sync_into_the_open_master(team: Path, tmp_path: Path):
    folder = team
    master = folder / "salesflow_master.xlsm"
    write_master_workbook(master, master_template("zh", "team", str(tmp_path / "store.sqlite")))
    book = Book.open(master)
    buttons.refresh(book, DAY)
    assert book.sheets[0].range(buttons.STATUS_CELL).value.startswith("上次刷新")
    titles = [s.name for s in book.sheets]
    assert titles[:2] == ["首页", CONF_SHEET]
    assert {title("zh") for title in SHEET_TITLES.values()} <= set(titles)
    calls = book.sheets[SHEET_TITLES["calls"]("zh")].used_range.value
    expected = run_sync(file_sources([folder / "team"], DAY), tmp_path / "again.sqlite", DAY)
    register = next(s for s in expected.sheets if s.key == "calls").tables[0]
    filled = [r for r in calls if any(v is not None for v in r)]
    assert len(filled) == 2 + len(register.rows)  # the window's title line, the header
    assert filled[0][0] == register.title
    assert book.sheets[CONF_SHEET].range("A1").value == "UDF Modules"

    book.sheets[SHEET_TITLES["calls"]("zh")].range((len(calls) + 5, 1)).value = [["旧内容"]]
    buttons.refresh(book, DAY)
    again = book.sheets[SHEET_TITLES["calls"]("zh")].used_range.value
    assert "旧内容" not in [v for row in again for v in row]


def test_refresh_reads_its_settings_from_the_conf_sheet(tmp_path: Path):
    rows = [
        ["UDF Modules", "addin.functions"],
        [CONF_STORE, "db/s.sqlite"],
        ["SALESFLOW_LANG", "en"],
    ]
    settings = buttons.master_settings(rows, tmp_path, tmp_path / "m.sqlite")
    assert settings.store == tmp_path / "db" / "s.sqlite"
    assert settings.team == tmp_path / "team"
    assert settings.lang == "en"
    default = buttons.master_settings(rows[:1], tmp_path, tmp_path / "m.sqlite")
    assert default.store == tmp_path / "m.sqlite"


def test_refresh_says_why_it_could_not_run(team: Path, tmp_path: Path):
    master = tmp_path / "salesflow_master.xlsm"
    template = master_template("en", str(team / "team"), "/proc/nowhere/s.sqlite")
    write_master_workbook(master, template)
    book = Book.open(master)
    buttons.refresh(book, DAY)
    status = book.sheets[0].range(buttons.STATUS_CELL).value
    assert status.startswith("cannot open or write the store")
    assert [s.name for s in book.sheets] == ["Home", CONF_SHEET]


def test_refresh_says_when_it_cannot_make_its_lock_file(team: Path, tmp_path: Path):
    master = tmp_path / "salesflow_master.xlsm"
    template = master_template("en", str(team / "team"), str(tmp_path / "s.sqlite"))
    write_master_workbook(master, template)
    (tmp_path / "salesflow_master.xlsm.lock").mkdir()  # the OS refuses to open it as a file
    book = Book.open(master)
    buttons.refresh(book, DAY)
    status = book.sheets[0].range(buttons.STATUS_CELL).value
    assert status.startswith(f"cannot create a file in {tmp_path / 'salesflow_master.xlsm.lock'}")
    assert status.endswith("check the folder's permissions")
    assert [s.name for s in book.sheets] == ["Home", CONF_SHEET]


def test_refresh_of_an_empty_team_folder_leaves_the_master_alone(tmp_path: Path):
    (tmp_path / "team").mkdir()
    master = tmp_path / "salesflow_master.xlsm"
    write_master_workbook(master, master_template("zh", "team", str(tmp_path / "s.sqlite")))
    book = Book.open(master)
    buttons.refresh(book, DAY)
    status = book.sheets[0].range(buttons.STATUS_CELL).value
    assert status == "没有找到任何登记表（.xlsx / .xlsm / .csv），总表未改动"
    assert [s.name for s in book.sheets] == ["首页", CONF_SHEET]
    assert not (tmp_path / "s.sqlite").exists()


def test_refresh_status_counts_in_english(tmp_path: Path):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "张三.csv").write_text(
        "日期,销售员,客户名称,电话,有效通话,通话结果\n2026-11-26,张三,华信科技,13800138000,是,有意向\n",
        encoding="utf-8",
    )
    master = tmp_path / "salesflow_master.xlsm"
    write_master_workbook(master, master_template("en", "team", str(tmp_path / "s.sqlite")))
    book = Book.open(master)
    buttons.refresh(book, DAY)
    status = book.sheets[0].range(buttons.STATUS_CELL).value
    assert status.startswith("Refreshed ")
    assert status.endswith(": 1 source, 1 record, 0 data problems")


def test_refresh_logs_the_technical_side_beside_the_master(tmp_path: Path):
    """A damaged workbook in the team folder: the master says it in words, and the
    reading library's own (`ZipError … `) goes to `salesflow.log` beside the master, as
    `salesflow sync` puts it; the log is closed when Refresh ends."""
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "张三.csv").write_text(
        "日期,销售员,客户名称,电话,有效通话,通话结果\n2026-11-26,张三,华信科技,13800138000,是,有意向\n",
        encoding="utf-8",
    )
    (tmp_path / "team" / "坏的.xlsx").write_bytes(b"PK\x03\x04 truncated")
    master = tmp_path / "salesflow_master.xlsm"
    write_master_workbook(master, master_template("en", "team", str(tmp_path / "s.sqlite")))
    book = Book.open(master)
    buttons.refresh(book, DAY)
    status = book.sheets[0].range(buttons.STATUS_CELL).value
    assert status.endswith(": 2 sources, 1 record, 0 data problems")  # the file is listed apart
    shown = [v for s in book.sheets for row in s.used_range.value for v in row if v]
    assert any("open it in Excel" in str(v) for v in shown)
    assert not any("Zip" in str(v) for v in shown)
    log = (tmp_path / "salesflow.log").read_text(encoding="utf-8")
    assert "坏的.xlsx: ZipError" in log
    log_detail("after Refresh", "written by a later call")
    assert (tmp_path / "salesflow.log").read_text(encoding="utf-8") == log


def test_a_bug_in_refresh_says_one_line_and_logs_the_traceback(tmp_path: Path):
    """A file copied from a Chinese Windows zip keeps its GBK-encoded name, which is no
    UTF-8 text: the store cannot take it, and nothing in salesflow expects that (as in
    `tests/sync/test_faults`). Refresh says so in A2 in one line naming the log, as
    `salesflow sync` does on stderr; the traceback is in the log, not in front of the
    manager."""
    (tmp_path / "team").mkdir()
    gbk_name = os.fsencode(tmp_path / "team") + b"/" + "李四电话".encode("gbk") + b".csv"
    with open(gbk_name, "wb") as fh:
        fh.write(
            "日期,销售员,客户名称,电话,有效通话\n2026-11-26,李四,华信科技,13800138000,是\n".encode()
        )
    master = tmp_path / "salesflow_master.xlsm"
    write_master_workbook(master, master_template("en", "team", str(tmp_path / "s.sqlite")))
    book = Book.open(master)
    buttons.refresh(book, DAY)
    status = book.sheets[0].range(buttons.STATUS_CELL).value
    assert status == (
        f"salesflow hit a bug (UnicodeEncodeError) while working on {master}; the details "
        f"are in {tmp_path / 'salesflow.log'} — please send it to whoever maintains salesflow"
    )
    log = (tmp_path / "salesflow.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and f"working on: {master}" in log
