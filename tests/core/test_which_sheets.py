"""Which sheets are registers, on real files: every sheet of the corpus is written to disk
as a person saves it (.xlsx, some as .csv) and read back by the reader `check` and `sync`
use. Lists, forms and item tables are skipped with a note that says what was found and
what is missing; thin and odd registers are still read, every row valid."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from sheets_templates.table import SheetResult
from sync.reader import read_file

from .corpus import NOT_REGISTERS, REGISTERS_TO_READ, Sheet
from .helpers import AS_OF, salesflow


def saved(sheet: Sheet, folder: Path) -> Path:
    """The sheet as a file: a workbook with that one sheet, or a UTF-8 CSV with a BOM."""
    folder.mkdir(parents=True, exist_ok=True)
    if sheet.csv:
        path = folder / f"{sheet.file}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows([["" if v is None else v for v in row] for row in sheet.rows])
        return path
    path = folder / f"{sheet.file}.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet.sheet
    for row in sheet.rows:
        ws.append(row)
    wb.save(path)
    return path


def read_back(sheet: Sheet, folder: Path) -> SheetResult:
    result = read_file(saved(sheet, folder), folder, AS_OF)
    assert result.error is None, result.error
    (read,) = result.sheets
    return read


@pytest.mark.parametrize("sheet", NOT_REGISTERS, ids=lambda s: s.file)
def test_a_sheet_that_is_no_register_is_skipped_with_a_note(sheet: Sheet, tmp_path: Path) -> None:
    read = read_back(sheet, tmp_path)
    assert (read.kind, read.rows, read.valid, read.problems) == (None, 0, 0, [])
    assert read.near_miss is not None
    zh, en = read.near_miss.note("zh"), read.near_miss.note("en")
    assert "；" in zh or "没有认出" in zh
    assert en and en != zh


SKIP_NOTES = {
    "客户资料": "像客户名单：有 客户名称/电话；作为电话记录还缺 日期、通话结果/有效通话",
    "增值税发票": "像明细单（订单、发票或清单）：有 数量/金额；作为发货还缺 合同号/产品、申请日期/发货日期",
    "订货单": "像明细单（订单、发票或清单）：有 产品名称/数量/金额；作为发货还缺 申请日期/发货日期",
    "报销单": "不是登记表：有 日期/金额；作为发货还缺 合同号/产品",
    "产品价目表": "像产品清单：有 产品名称；作为发货还缺 数量/金额、申请日期/发货日期",
    "物料清单": "不是登记表：没有认出登记表的关键列",
    "客户名单": "像客户名单：有 客户名称/联系电话；作为电话记录还缺 日期、通话结果/有效通话",
}


@pytest.mark.parametrize(("file", "note"), SKIP_NOTES.items())
def test_the_note_names_what_was_recognised_and_what_is_missing(
    file: str, note: str, tmp_path: Path
) -> None:
    (sheet,) = [s for s in NOT_REGISTERS if s.file == file]
    read = read_back(sheet, tmp_path)
    assert read.near_miss is not None and read.near_miss.note("zh") == note


def test_english_notes_read_as_english(tmp_path: Path) -> None:
    (sheet,) = [s for s in NOT_REGISTERS if s.file == "invoice_INV-1103"]
    skipped = read_back(sheet, tmp_path).near_miss
    assert skipped is not None
    assert skipped.note("en") == (
        "Looks like an item list (order, invoice): has Item/Qty/Amount; "
        "as Shipments it lacks Date/Ship date"
    )


@pytest.mark.parametrize("sheet", REGISTERS_TO_READ, ids=lambda s: f"{s.file}-{s.sheet}")
def test_a_register_is_read_as_itself_every_row_valid(sheet: Sheet, tmp_path: Path) -> None:
    read = read_back(sheet, tmp_path / "张三")
    header = next(i for i, row in enumerate(sheet.rows) if len(row) > 1)  # under a label
    data = len(sheet.rows) - header - 1
    assert read.kind == sheet.kind
    assert (read.rows, read.valid, read.problems, read.near_miss) == (data, data, [], None)


def test_a_visits_log_with_phone_and_result_columns_is_visits(tmp_path: Path) -> None:
    """电话 and 结果 are calls words too; on a sheet named 拜访, or in a file named so,
    the visits words win the tie."""
    for sheet in REGISTERS_TO_READ[1:3]:
        read = read_back(sheet, tmp_path / "张三")
        assert read.kind == "visits"
        assert read.records[0].customer == "华信科技"
        assert read.records[0].extra == {"电话": "13800138000"}


def export_without_effective(path: Path, rows: int, filled: int) -> Path:
    """A CRM export: 20,000 calls, the 有效通话 column there but filled in on `filled` rows."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("通话导出")
    ws.write_row(0, 0, ["日期", "销售员", "客户名称", "电话", "通话结果", "有效通话"])
    for i in range(rows):
        effective = "是" if i < filled else ""
        phone = f"138{i:08d}"
        ws.write_row(i + 1, 0, ["2026-11-03", "张三", f"客户{i}", phone, "已沟通", effective])
    wb.close()
    return path


def test_a_column_empty_in_nearly_every_row_is_one_sheet_problem(tmp_path: Path) -> None:
    path = export_without_effective(tmp_path / "导出.xlsx", 20_000, 2)
    (sheet,) = read_file(path, tmp_path, AS_OF, keep_records=False).sheets
    assert (sheet.kind, sheet.rows, sheet.valid) == ("calls", 20_000, 2)
    (problem,) = sheet.problems
    assert (problem.code, problem.row, problem.column, problem.field) == (
        "column.mostly_empty",
        1,
        "F",
        "effective",
    )
    assert problem.message_zh == (
        "有效通话 一列 19,998 / 20,000 行为空（这一列每行都要填写），这些行都没有计入"
    )
    assert problem.message_en == (
        "有效通话 is empty in 19,998 of 20,000 rows (every row needs one); "
        "none of those rows is counted"
    )


def test_a_column_empty_in_some_rows_is_reported_row_by_row(tmp_path: Path) -> None:
    """25 rows, 5 filled: 20 empty cells are 80%, not nearly all; each row is listed."""
    path = export_without_effective(tmp_path / "导出.xlsx", 25, 5)
    (sheet,) = read_file(path, tmp_path, AS_OF).sheets
    assert (sheet.rows, sheet.valid) == (25, 5)
    assert [(p.code, p.row, p.column) for p in sheet.problems] == [
        ("required.missing", row, "F") for row in range(7, 27)
    ]


def test_a_column_of_bad_phones_is_one_problem_naming_the_first(tmp_path: Path) -> None:
    path = tmp_path / "导出.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("电话记录")
    ws.write_row(0, 0, ["日期", "销售员", "客户名称", "电话", "有效通话"])
    for i in range(30):
        ws.write_row(i + 1, 0, ["2026-11-03", "张三", f"客户{i}", f"{1000 + i}", "是"])
    wb.close()
    (sheet,) = read_file(path, tmp_path, AS_OF).sheets
    assert (sheet.rows, sheet.valid) == (30, 0)
    (problem,) = sheet.problems
    assert (problem.code, problem.row, problem.column) == ("column.mostly_invalid", 1, "D")
    assert problem.message_zh.startswith(
        "电话 一列 30 / 30 行有同样的问题，这些行都没有计入；如第 2 行: "
    )
    assert "1000" in problem.message_zh
    assert problem.message_en.startswith("电话 has the same problem in 30 of 30 rows")


def test_check_says_a_customer_list_is_skipped_in_one_line_and_exits_0(tmp_path: Path) -> None:
    saved(NOT_REGISTERS[0], tmp_path / "team")
    done = salesflow("check", "team", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    skipped = [line for line in done.stdout.splitlines() if "客户名单" in line]
    assert skipped == [
        "team/客户资料.xlsx [客户名单]: 跳过 — "
        "像客户名单：有 客户名称/电话；作为电话记录还缺 日期、通话结果/有效通话"
    ]
    done = salesflow(
        "check", "team", "--json", "--lang", "en", "--as-of", AS_OF.isoformat(), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    (entry,) = json.loads(done.stdout)["files"]
    (sheet,) = entry["sheets"]
    assert (sheet["kind"], sheet["issues"]) == (None, [])
    assert sheet["note"] == (
        "Looks like a customer list: has 客户名称/电话; as Calls it lacks Date, Outcome/Effective"
    )


def test_sync_counts_a_customer_list_as_skipped_not_as_errors(tmp_path: Path) -> None:
    customers, calls = NOT_REGISTERS[0], REGISTERS_TO_READ[3]
    assert (customers.file, calls.file) == ("客户资料", "电话")
    saved(customers, tmp_path / "team" / "张三")
    saved(calls, tmp_path / "team" / "张三")
    done = salesflow(
        "sync",
        "--from",
        "team",
        "--master",
        "m.xlsx",
        "--as-of",
        AS_OF.isoformat(),
        "--json",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads(done.stdout)
    statuses = {(s["path"], s["status"], s["records"], s["errors"]) for s in summary["sources"]}
    assert statuses == {
        ("team/张三/客户资料.xlsx", "skipped", 0, 0),
        ("team/张三/电话.xlsx", "synced", 2, 0),
    }
    assert (summary["records"]["calls"], summary["issues"]) == (2, 0)
