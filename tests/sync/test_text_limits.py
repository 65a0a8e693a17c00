"""A text longer than a cell holds: the master keeps the cut, the sync says it.

One call whose 备注 a rep filled with 40,000 characters (`甲乙丙丁戊` 8,000 times). Excel
takes 32,767 characters in a cell, so the master's 电话记录 sheet holds the first 32,766
and a `…`; the call is the sheet's only record, on row 3 (the window line, the header,
then the data), and 备注 is its 16th column, P. An export's sheet has no window line:
row 2 there; its CSV holds the text whole.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from tests.conftest import AS_OF, salesflow

NOTES = "甲乙丙丁戊" * 8000
KEPT = NOTES[:32766] + "…"


def write_call(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "张三.csv").write_text(
        "日期,销售员,客户名称,电话,有效通话,通话结果,备注\n"
        f"{AS_OF.isoformat()},张三,华信科技,13800138000,是,有意向,{NOTES}\n",
        encoding="utf-8",
    )


def test_a_text_past_excels_cell_limit_is_cut_and_said(tmp_path: Path) -> None:
    write_call(tmp_path / "team")
    args = ("sync", "--from", "team", "--master", "master.xlsx", "--as-of", AS_OF.isoformat())
    done = salesflow(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "总表的“电话记录”表: 【已截断】第 3 行 P 列（备注）的文字有 40,000 个字符，Excel 一格最多 "
        "32,767 个：只保留前 32,766 个（以“…”结尾），全文仍在数据库里"
    ]
    sheet = openpyxl.load_workbook(tmp_path / "master.xlsx")["电话记录"]
    assert sheet["P2"].value == "备注"
    assert sheet["P3"].value == KEPT and len(KEPT) == 32767
    english = salesflow(*args, "--lang", "en", cwd=tmp_path)
    assert english.returncode == 0, english.stderr
    assert english.stderr.splitlines() == [
        "the master's sheet 'Calls': [CUT] the text at row 3, column P (Notes) has 40,000 "
        "characters and an Excel cell holds at most 32,767: the first 32,766 are kept (ending "
        "in '…'); the whole text is still in the store"
    ]


def test_an_export_says_its_cut_and_its_csv_keeps_the_whole_text(tmp_path: Path) -> None:
    write_call(tmp_path / "team")
    day = AS_OF.isoformat()
    assert salesflow("sync", "--from", "team", "--as-of", day, cwd=tmp_path).returncode == 0
    done = salesflow("export", "out.xlsx", "--register", "calls", "--as-of", day, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "out.xlsx [电话记录]: 【已截断】第 2 行 P 列（备注）的文字有 40,000 个字符，Excel 一格最多 "
        "32,767 个：只保留前 32,766 个（以“…”结尾），全文仍在数据库里"
    ]
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["电话记录"]
    assert sheet["P1"].value == "备注" and sheet["P2"].value == KEPT
    done = salesflow("export", "out.csv", "--register", "calls", "--as-of", day, cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as fh:
        header, row = csv.reader(fh)
    assert header[15] == "备注" and row[15] == NOTES
