"""The master shows a window of the registers (the store keeps everything), `salesflow
export` writes any slice, and no sheet passes Excel's limits.

One rep's workbook holds records over three months, counted by hand below: 18 calls
(5 on 09-10, 4 on 10-15, 3 on 11-02, 2 on 11-19, 1 on Saturday 11-21, 2 on 11-24, 1 on
11-26), three leads (one last contacted 11-10, one registered 09-05 only, one undated)
and two shipments (09-08, still owed; 11-16).
"""

from __future__ import annotations

import csv
import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sync.demo import call_rows, write_workbook
from sync.export import export_xlsx, slice_records
from sync.master_model import Column, MasterSheet, Table
from sync.master_xlsx import write_xlsx
from sync.sheet_limits import fit_sheets
from sync.store import open_store

from .teams import AS_OF, salesflow

CALL_DAYS = {
    date(2026, 9, 10): 5,
    date(2026, 10, 15): 4,
    date(2026, 11, 2): 3,
    date(2026, 11, 19): 2,
    date(2026, 11, 21): 1,
    date(2026, 11, 24): 2,
    date(2026, 11, 26): 1,
}


def _lead(customer: str, **dates: Any) -> dict[str, Any]:
    return {"customer": customer, "negotiating": "是", "rep": "甲", **dates}


def _shipment(order: str, day: date) -> dict[str, Any]:
    return {
        "order_no": order,
        "date": day,
        "rep": "甲",
        "customer": "华信科技有限公司",
        "product": "X1",
        "quantity": 2,
        "unit_price": 500,
        "due_date": date(day.year, day.month, 28),
    }


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """The team folder: one rep's workbook over September to November."""
    rng = random.Random(5)
    calls = [row for day, n in CALL_DAYS.items() for row in call_rows(rng, "甲", [day], n)]
    leads = [
        _lead("华信科技有限公司", registered=date(2026, 9, 1), last_contact=date(2026, 11, 10)),
        _lead("远景贸易有限公司", registered=date(2026, 9, 5)),
        _lead("东方电子有限公司"),
    ]
    shipments = [_shipment("HT-0908", date(2026, 9, 8)), _shipment("HT-1116", date(2026, 11, 16))]
    folder = tmp_path / "team"
    write_workbook(
        folder / "甲" / "登记表.xlsx",
        [
            ("电话记录", "calls", calls, "zh"),
            ("意向客户", "leads", leads, "zh"),
            ("发货", "shipments", shipments, "zh"),
        ],
    )
    return folder


def sync(folder: Path, master: Path, *args: str) -> dict[str, Any]:
    out = salesflow(
        "sync", "--json", "--as-of", AS_OF.isoformat(), "--from", str(folder),
        "--master", str(master), *args, cwd=master.parent,
    )  # fmt: skip
    assert out.returncode in (0, 1), out.stderr
    document: dict[str, Any] = json.loads(out.stdout)
    return document


def sheet_rows(master: Path, title: str) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(master, read_only=True)[title].iter_rows(values_only=True))


def test_the_master_shows_this_month_and_the_store_keeps_all(history: Path, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    summary = sync(history, master)
    assert summary["records"]["calls"] == 18  # the store holds every call
    calls = sheet_rows(master, "电话记录")
    assert calls[0][0] == "本月 2026-11-01 至 2026-11-30，共 9 行；全部历史见 salesflow export"
    assert calls[1][0] == "日期"
    assert len(calls) == 2 + 9
    assert {row[0].date() for row in calls[2:]} == {date(2026, 11, d) for d in (2, 19, 21, 24, 26)}
    leads = sheet_rows(master, "意向客户")
    assert leads[0][0] == "本月 2026-11-01 至 2026-11-30，共 2 行；全部历史见 salesflow export"
    assert {row[0] for row in leads[2:]} == {
        "华信科技有限公司",
        "东方电子有限公司",
    }  # undated: shown
    shipped = [row[0] for row in sheet_rows(master, "发货")[2:]]
    assert shipped == ["HT-1116"]
    # receivables are not windowed: September's line is still owed
    owed = {cell for row in sheet_rows(master, "应收款") for cell in row}
    assert "HT-0908" in owed


@pytest.mark.parametrize(
    ("window", "title", "rows"),
    [
        ("all", "全部历史，共 18 行", 18),
        ("7d", "近 7 天 2026-11-20 至 2026-11-26，共 4 行；全部历史见 salesflow export", 4),
        ("week", "本周 2026-11-23 至 2026-11-29，共 3 行；全部历史见 salesflow export", 3),
    ],
)
def test_the_window_on_the_command_line(
    history: Path, tmp_path: Path, window: str, title: str, rows: int
) -> None:
    master = tmp_path / "master.xlsx"
    sync(history, master, "--window", window)
    calls = sheet_rows(master, "电话记录")
    assert calls[0][0] == title
    assert len(calls) == 2 + rows


def test_a_window_that_is_not_one_is_a_usage_error(history: Path, tmp_path: Path) -> None:
    out = salesflow("sync", "--from", str(history), "--window", "year", cwd=tmp_path)
    assert out.returncode == 2
    assert "a window is month, week, Nd (7d) or all: year" in out.stderr


def set_window(master: Path, typed: str) -> None:
    """The manager's edit: the cell under 总表显示范围 on the 指标 sheet."""
    wb = openpyxl.load_workbook(master)
    ws = wb["指标"]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "总表显示范围")
    ws.cell(header + 1, 1).value = typed
    wb.save(master)


def test_the_window_typed_on_the_targets_sheet_is_read_back(history: Path, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    sync(history, master)
    set_window(master, "本周")
    sync(history, master)
    assert len(sheet_rows(master, "电话记录")) == 2 + 3
    targets = sheet_rows(master, "指标")
    assert targets[2][0] == "全部"  # the targets are read as before, not disturbed
    assert [row[0] for row in targets[-2:]] == ["总表显示范围", "本周"]

    sync(history, master, "--window", "all")  # the command line wins, and is kept
    assert len(sheet_rows(master, "电话记录")) == 2 + 18
    assert sheet_rows(master, "指标")[-1][0] == "全部历史"

    set_window(master, "下个季度")  # not a window: said, and the last one kept
    out = salesflow(
        "sync", "--as-of", AS_OF.isoformat(), "--from", str(history), "--master", str(master),
        cwd=tmp_path,
    )  # fmt: skip
    assert "指标表的“总表显示范围”无法识别: 下个季度" in out.stderr
    assert len(sheet_rows(master, "电话记录")) == 2 + 18


def test_export_writes_a_date_slice_in_the_masters_columns(history: Path, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    sync(history, master)
    out = salesflow(
        "export", "--from", "2026-10-01", "--to", "2026-11-19", "--master", str(master),
        "slice.xlsx", cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "slice.xlsx [电话记录]: 9 行" in out.stdout  # 4 + 3 + 2
    book = openpyxl.load_workbook(tmp_path / "slice.xlsx", read_only=True)
    assert book.sheetnames == ["电话记录", "拜访记录", "意向客户", "发货"]
    calls = list(book["电话记录"].iter_rows(values_only=True))
    assert list(calls[0]) == list(sheet_rows(master, "电话记录")[1])  # the master's header
    assert len(calls) == 1 + 9
    leads = list(book["意向客户"].iter_rows(values_only=True))
    assert [row[0] for row in leads[1:]] == ["华信科技有限公司"]  # dated in the slice only
    assert len(list(book["发货"].iter_rows(values_only=True))) == 1 + 1  # 11-16's


def test_export_splits_sheets_at_the_row_limit(history: Path, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    sync(history, master)
    with open_store(tmp_path / "master.sqlite") as store:
        records = slice_records(store, None, None, ["calls"])
    out = tmp_path / "calls.xlsx"
    written = export_xlsx(records, out, AS_OF, "zh", max_rows=5)
    book = openpyxl.load_workbook(out, read_only=True)
    titles = ["电话记录", "电话记录 (2)", "电话记录 (3)", "电话记录 (4)", "电话记录 (5)"]
    assert book.sheetnames == titles
    assert [w.rows for w in written] == [4, 4, 4, 4, 2]  # 18 calls, 4 under each header
    assert [len(list(book[t].iter_rows())) for t in titles] == [5, 5, 5, 5, 3]


def test_export_csv_is_utf8_with_a_bom_one_file_per_register(history: Path, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    sync(history, master)
    one = salesflow(
        "export", "--register", "calls", "--from", "2026-11-01", "--master", str(master),
        "calls.csv", cwd=tmp_path,
    )  # fmt: skip
    assert one.returncode == 0, one.stderr
    data = (tmp_path / "calls.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf\xe6\x97\xa5\xe6\x9c\x9f,")  # BOM, then 日期
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert len(rows) == 1 + 9 and rows[1][0] == "2026-11-02"

    every = salesflow("export", "--master", str(master), "all.csv", cwd=tmp_path)
    assert every.returncode == 0, every.stderr
    assert "每个文件只放一种登记表" in every.stdout
    names = sorted(p.name for p in tmp_path.glob("all-*.csv"))
    assert names == ["all-calls.csv", "all-leads.csv", "all-shipments.csv", "all-visits.csv"]
    leads = list(csv.reader((tmp_path / "all-leads.csv").read_text("utf-8-sig").splitlines()))
    assert len(leads) == 1 + 3  # no slice: the undated lead too


def test_a_sheet_past_the_limits_is_cut_and_says_so(tmp_path: Path) -> None:
    columns = [Column(f"c{i}") for i in range(5)]
    rows: list[list[Any]] = [[f"r{r}c{c}" for c in range(5)] for r in range(10)]
    sheet = MasterSheet("calls", "电话记录", [Table("本月", columns, rows)])
    other = MasterSheet("log", "同步记录", [Table(None, columns[:2], [["a", "b"]])])
    cuts = fit_sheets([sheet, other], "zh", max_rows=6, max_columns=3)
    note_zh = "【已截断】Excel 一张表最多 6 行：只显示前 4 行（共 10 行），请缩小显示范围（--window）或用 salesflow export 导出"
    assert (
        sheet.tables[0].title
        == "本月  【已截断】Excel 一张表最多 3 列：只显示前 3 列（共 5 列）  " + note_zh
    )
    assert [c.notice().message("en") for c in cuts] == [
        "the master's sheet '电话记录': [CUT] an Excel sheet holds at most 3 columns: the first "
        "3 of 5 columns are shown",
        "the master's sheet '电话记录': [CUT] an Excel sheet holds at most 6 rows: the first 4 "
        "of 10 rows are shown; narrow the window (--window) or use salesflow export",
    ]
    assert other.tables[0].rows == [["a", "b"]]  # within the limits: untouched
    out = tmp_path / "cut.xlsx"
    write_xlsx([sheet], out)
    written = list(
        openpyxl.load_workbook(out, read_only=True)["电话记录"].iter_rows(values_only=True)
    )
    assert len(written) == 6 and len(written[1]) == 3  # title, header, 4 rows; 3 columns
    assert written[-1] == ("r3c0", "r3c1", "r3c2")


def test_an_export_of_everything_is_the_masters_registers_with_window_all(
    history: Path, tmp_path: Path
) -> None:
    master = tmp_path / "master.xlsx"
    sync(history, master, "--window", "all")
    # the as-of day the master was synced on, for a shipment's days overdue
    args = ["--as-of", AS_OF.isoformat(), "--master", str(master), "all.xlsx"]
    out = salesflow("export", *args, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    for title in ("电话记录", "意向客户", "发货"):
        exported = list(
            openpyxl.load_workbook(tmp_path / "all.xlsx", read_only=True)[title].iter_rows(
                values_only=True
            )
        )
        assert exported == sheet_rows(master, title)[1:]  # the master's, under its title


def test_export_refuses_the_master_itself_a_backwards_slice_and_other_files(
    tmp_path: Path,
) -> None:
    master = tmp_path / "master.xlsx"
    master.write_bytes(b"the manager's master")
    for args, said in [
        (["master.xlsx"], "导出文件不能是总表本身: master.xlsx"),
        (["--from", "2026-12-01", "--to", "2026-11-01", "x.xlsx"], "--from 2026-12-01 晚于"),
        (["x.ods"], "导出文件应为 .xlsx 或 .csv: x.ods"),
        (["x.xlsx"], "没有数据库：请先运行 salesflow sync"),
    ]:
        out = salesflow("export", *args, cwd=tmp_path)
        assert out.returncode == 2 and said in out.stderr, out.stderr
    assert master.read_bytes() == b"the manager's master"
