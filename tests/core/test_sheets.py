"""Sheets the way reps really keep them, written to disk with openpyxl and xlsxwriter and
read back: furniture around the table, every value form, and the rules across a row."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from sheets_templates.problems import column_letter
from sheets_templates.roster import Member, Roster
from sync.reader import read_file

from .helpers import AS_OF, codes, only_sheet, read_one, template_headers, write_xlsx

CALL_HEADERS = [
    "日期",
    "时间",
    "客户名称",
    "联系人",
    "电话",
    "有效通话",
    "添加微信",
    "意向等级",
    "备注",
]


def call(day: object, phone: object = "13800138000", **more: object) -> list[object]:
    row = {
        "日期": day,
        "时间": "10:30",
        "客户名称": "华信科技有限公司",
        "联系人": "王经理",
        "电话": phone,
        "有效通话": "是",
        "添加微信": "否",
        "意向等级": "",
        "备注": "",
    }
    row.update(more)
    return [row[h] for h in CALL_HEADERS]


# --- furniture: titles, merged cells, labels, blank rows, totals, notes ---------------


def test_the_template_shape(tmp_path: Path) -> None:
    """Merged title, a `销售员：张三` line, headers on row 3, blank rows, a totals row and
    a note under the table."""
    rows = [
        ["电话记录表 2026年11月"],
        ["销售员：张三"],
        CALL_HEADERS,
        call(date(2026, 11, 3)),
        call("11月4日", phone="13900139000"),
        [],
        call("2026/11/5", phone=13700137000),
        ["合计", None, None, None, None, 3],
        [],
        ["注：有效通话指通话超过1分钟"],
    ]
    path = write_xlsx(tmp_path / "张三.xlsx", rows, merges=("A1:I1", "A2:C2"))
    sheet = only_sheet(read_one(path))
    assert (sheet.kind, sheet.header_row, sheet.rows, sheet.valid) == ("calls", 3, 5, 3)
    assert (sheet.error_rows, sheet.duplicates, sheet.skipped) == (0, 0, {"totals": 1, "notes": 1})
    assert sheet.problems == []
    assert [r.source.row for r in sheet.records] == [4, 5, 7]
    assert [r.date for r in sheet.records] == [date(2026, 11, d) for d in (3, 4, 5)]
    assert {r.rep for r in sheet.records} == {"张三"}
    assert [r.phone for r in sheet.records] == ["13800138000", "13900139000", "13700137000"]
    first = sheet.records[0]
    assert (first.time, first.effective, first.wechat_added) == (time(10, 30), True, False)
    assert (first.customer, first.contact, first.intent_grade) == (
        "华信科技有限公司",
        "王经理",
        None,
    )


def test_the_header_need_not_be_the_first_non_empty_row(tmp_path: Path) -> None:
    rows = [
        [],
        ["华东区销售部"],
        ["填表说明：每天下班前更新", None, None, "部门：销售一部"],
        [],
        ["业务员", "张三", None, "月份", "2026年11月"],
        CALL_HEADERS,
        call("11-6"),
    ]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "calls.xlsx", rows)))
    assert (sheet.header_row, sheet.rows, sheet.valid) == (6, 1, 1)
    assert sheet.records[0].rep == "张三"
    assert sheet.records[0].date == date(2026, 11, 6)
    assert sheet.records[0].source.row == 7


@pytest.mark.parametrize(
    "label",
    ["合计", "总计", "小计", "合 计", "本月合计", "11月小计", "合计：", "Total", "SUBTOTAL"],
)
def test_totals_rows_are_not_records(tmp_path: Path, label: str) -> None:
    rows = [
        ["销售员：张三"],
        CALL_HEADERS,
        call("2026-11-03"),
        [label, None, None, None, None, 1, 0],
    ]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "t.xlsx", rows)))
    assert (sheet.rows, sheet.valid, sheet.problems) == (2, 1, [])
    assert sheet.skipped == {"totals": 1, "notes": 0}


def test_a_customer_named_like_a_total_is_still_a_record(tmp_path: Path) -> None:
    rows = [["销售员：张三"], CALL_HEADERS, call("2026-11-03", 客户名称="Total Solutions Ltd")]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "t.xlsx", rows)))
    assert sheet.valid == 1 and sheet.records[0].customer == "Total Solutions Ltd"


@pytest.mark.parametrize(
    "note",
    [
        "注：以上为本周数据",
        "备注: 电话均已核实",
        "说明：A类客户需当天上报",
        "以上数据截至11月25日",
        "* 表示重点客户",
    ],
)
def test_notes_under_the_table_are_not_records(tmp_path: Path, note: str) -> None:
    rows = [["销售员：张三"], CALL_HEADERS, call("2026-11-03"), [], [note]]
    path = write_xlsx(tmp_path / "t.xlsx", rows, merges=("A5:I5",))
    sheet = only_sheet(read_one(path))
    assert (sheet.rows, sheet.valid, sheet.problems) == (2, 1, [])
    assert sheet.skipped == {"totals": 0, "notes": 1}


def test_an_incomplete_row_is_reported_not_dropped(tmp_path: Path) -> None:
    rows = [["销售员：张三"], CALL_HEADERS, call("2026-11-03"), [None, None, "恒通物流"]]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "t.xlsx", rows)))
    assert (sheet.rows, sheet.valid, sheet.error_rows) == (2, 1, 1)
    assert codes(sheet) == [
        (4, "A", "required.missing"),
        (4, "E", "required.missing"),
        (4, "F", "required.missing"),
    ]
    assert [p.header for p in sheet.problems] == ["日期", "电话", "有效通话"]


def test_extra_and_hidden_columns_are_kept(tmp_path: Path) -> None:
    headers = ["序号", *CALL_HEADERS, "渠道备注", None]
    rows = [
        ["销售员：张三"],
        headers,
        [1, *call("2026-11-03"), "老客户介绍", "看不见的批注"],
        [2, *call("2026-11-04")],
    ]
    path = write_xlsx(tmp_path / "t.xlsx", rows, hidden_columns=("A", "K"))
    sheet = only_sheet(read_one(path))
    assert sheet.valid == 2 and sheet.problems == []
    assert sheet.records[0].extra == {"序号": "1", "渠道备注": "老客户介绍", "L": "看不见的批注"}
    assert sheet.records[1].extra == {"序号": "2"}


def test_merged_header_cells_two_rows_tall(tmp_path: Path) -> None:
    """`日期` merged down over two header rows; `客户信息` merged across its three columns."""
    rows = [
        ["电话记录表 2026年11月"],
        ["日期", "客户信息", None, None, "有效通话", "销售员"],
        [None, "客户名称", "联系人", "电话", None, None],
        ["2026-11-03", "华信科技", "王经理", "13800138000", "是", "张三"],
    ]
    merges = ("A1:F1", "A2:A3", "B2:D2", "E2:E3", "F2:F3")
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "t.xlsx", rows, merges=merges)))
    assert (sheet.kind, sheet.header_row, sheet.valid) == ("calls", 3, 1)
    assert sheet.problems == []
    record = sheet.records[0]
    assert (record.customer, record.contact, record.phone, record.rep) == (
        "华信科技",
        "王经理",
        "13800138000",
        "张三",
    )


def test_a_date_merged_down_over_a_days_calls(tmp_path: Path) -> None:
    rows = [
        CALL_HEADERS,
        call(date(2026, 11, 3), phone="13800138001"),
        call(None, phone="13800138002"),
        call(None, phone="13800138003"),
        call(date(2026, 11, 4), phone="13800138004"),
    ]
    path = write_xlsx(tmp_path / "t.xlsx", [["销售员：张三"], *rows], merges=("A3:A5",))
    sheet = only_sheet(read_one(path))
    assert sheet.problems == []
    assert [r.date.day for r in sheet.records] == [3, 3, 3, 4]


def test_hidden_sheets_are_read_and_other_sheets_listed_as_skipped(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本工作簿记录张三的电话"])
    old = wb.create_sheet("10月电话")
    old.sheet_state = "hidden"
    for row in (["销售员：张三"], CALL_HEADERS, call("2026-10-30")):
        old.append(row)
    lists = wb.create_sheet("下拉选项")
    lists.sheet_state = "veryHidden"
    lists.append(["是", "否"])
    wb.save(tmp_path / "张三.xlsx")
    result = read_one(tmp_path / "张三.xlsx")
    assert [(s.sheet, s.kind) for s in result.sheets] == [
        ("说明", None),
        ("10月电话", "calls"),
        ("下拉选项", None),
    ]
    assert [s.problems for s in result.sheets] == [[], [], []]
    assert result.sheets[1].valid == 1


# --- values as typed -------------------------------------------------------------------


def test_dates_in_every_form(tmp_path: Path) -> None:
    forms = [
        "2026-11-03",
        "2026/11/3",
        "2026.11.3",
        "20261103",
        "11月3日",
        "11-3",
        "2026年11月3日",
        datetime(2026, 11, 3),
        date(2026, 11, 3),
        46329,
        "46329",
        20261103,
    ]
    rows = [["电话记录 2026年11月"], ["销售员：张三"], CALL_HEADERS]
    rows += [call(form, phone=f"138001380{n:02d}") for n, form in enumerate(forms)]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "dates.xlsx", rows)))
    assert sheet.problems == []
    assert [r.date for r in sheet.records] == [date(2026, 11, 3)] * len(forms)


def test_numbers_and_days_no_register_holds_are_errors_showing_the_value(tmp_path: Path) -> None:
    """Issue 10: `11.3` typed in Excel is the number 11.3 (1900-01-11 when the cell is
    formatted as a date), a typed `1900-01-05` is a real 1900 date cell, and serials 59,
    60, 61 are days of 1900: each is an error, never a call that vanishes from the KPIs."""
    path = tmp_path / "calls.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("电话记录")
    as_date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["销售员：张三"])
    ws.write_row(1, 0, CALL_HEADERS)
    days: list[tuple[object, object]] = [
        (11.3, None),
        (11.3, as_date),
        (datetime(1900, 1, 5), as_date),
        (59, None),
        (61, None),
        (datetime(2026, 11, 3), as_date),
        ("12/28", None),
        ("2028-01-02", None),
    ]
    for r, (day, fmt) in enumerate(days, start=2):
        ws.write_row(r, 0, call("", phone=f"1380013800{r}"))
        if isinstance(day, datetime):
            ws.write_datetime(r, 0, day, fmt)
        else:
            ws.write(r, 0, day, fmt)
    wb.close()
    sheet = only_sheet(read_one(path))
    assert [r.date for r in sheet.records] == [date(2026, 11, 3), date(2025, 12, 28)]
    assert [(p.row, p.column, p.code, p.value) for p in sheet.problems] == [
        (3, "A", "date.number", "11.3"),
        (4, "A", "date.too_early", "1900-01-11 07:12"),
        (5, "A", "date.too_early", "1900-01-05"),
        (6, "A", "date.number", "59"),
        (7, "A", "date.number", "61"),
        (10, "A", "date.too_late", "2028-01-02"),
    ]
    assert sheet.problems[0].message_zh == "11.3 是数字，不是日期：请写成 2026-11-03"


def test_real_excel_dates_and_times_from_xlsxwriter(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("电话")
    fmt_date = wb.add_format({"num_format": "yyyy年m月d日"})
    fmt_time = wb.add_format({"num_format": "hh:mm"})
    ws.write_row(0, 0, ["销售员", *CALL_HEADERS])
    ws.write_string(1, 0, "张三")
    ws.write_datetime(1, 1, datetime(2026, 11, 3), fmt_date)
    ws.write_datetime(1, 2, datetime(1899, 12, 31, 14, 5), fmt_time)
    ws.write_string(1, 3, "东方建材")
    ws.write_number(1, 5, 13800138000)
    ws.write_string(1, 6, "是")
    wb.close()
    record = only_sheet(read_one(path)).records[0]
    assert (record.date, record.time, record.phone) == (
        date(2026, 11, 3),
        time(14, 5),
        "13800138000",
    )


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        (13800138000, "13800138000"),
        (13800138000.0, "13800138000"),
        ("1.3800138000E+10", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("010-12345678", "01012345678"),
        ("0755 1234 5678", "075512345678"),
        ("010-12345678 转 123", "01012345678-123"),
        ("(021)87654321-8008", "02187654321-8008"),
    ],
)
def test_phones_as_numbers_text_and_landlines(tmp_path: Path, typed: object, phone: str) -> None:
    rows = [["销售员：张三"], CALL_HEADERS, call("2026-11-03", phone=typed)]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "p.xlsx", rows)))
    assert sheet.problems == []
    assert sheet.records[0].phone == phone


def test_a_landline_stored_as_a_number_gets_its_zero_back_with_a_warning(tmp_path: Path) -> None:
    rows = [["销售员：张三"], CALL_HEADERS, call("2026-11-03", phone=1012345678)]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "p.xlsx", rows)))
    assert sheet.valid == 1 and sheet.records[0].phone == "01012345678"
    (warning,) = sheet.problems
    assert (warning.row, warning.column, warning.code, warning.value) == (
        3,
        "E",
        "phone.zero_restored",
        "1012345678",
    )
    assert "01012345678" in warning.message_zh


def test_numbers_stored_as_text(tmp_path: Path) -> None:
    headers = template_headers("shipments")
    row = {
        "合同号": "HT2026001",
        "申请日期": "46329",
        "销售员": "赵六",
        "客户名称": "恒通物流",
        "产品": "扫码枪 S3",
        "数量": "10",
        "单价": "268.00",
        "金额": "2,680.00",
        "回款金额": "1340",
    }
    path = write_xlsx(
        tmp_path / "发货.xlsx", [headers, [row.get(h) for h in headers]], sheet="发货"
    )
    sheet = only_sheet(read_one(path))
    assert sheet.problems == []
    record = sheet.records[0]
    assert (record.date, record.quantity, record.unit_price) == (
        date(2026, 11, 3),
        Decimal(10),
        Decimal(268),
    )
    assert (record.amount, record.received) == (Decimal("2680.00"), Decimal(1340))


def test_error_cells_are_located_with_what_they_show(tmp_path: Path) -> None:
    """`#DIV/0!` and `#N/A` cells (a formula's result) read as errors, not as blanks."""
    path = tmp_path / "errors.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("电话记录")
    ws.write_row(0, 0, ["销售员", *CALL_HEADERS, "完成率"])
    ws.write_row(1, 0, ["张三", "2026-11-03", "10:30", "华信科技"])
    ws.write_formula(1, 5, "=VLOOKUP(D2,客户!A:B,2,FALSE)", None, "#N/A")
    ws.write_string(1, 6, "是")
    ws.write_formula(1, 10, "=1/0", None, "#DIV/0!")
    ws.write_row(2, 0, ["张三", "2026-11-03", "10:40", "东方建材", None, "13900139000", "是"])
    ws.write_formula(2, 8, "=1/0", None, "#DIV/0!")
    wb.close()
    sheet = only_sheet(read_one(path))
    assert codes(sheet) == [(2, "F", "cell.error"), (3, "I", "cell.error")]
    assert [p.value for p in sheet.problems] == ["#N/A", "#DIV/0!"]
    assert "#N/A" in sheet.problems[0].message_zh and "公式" in sheet.problems[0].message_zh
    assert sheet.valid == 0


def test_english_headers_and_english_values(tmp_path: Path) -> None:
    rows = [
        [
            "Date",
            "Time",
            "Salesperson",
            "Company",
            "Contact",
            "Mobile",
            "Effective call",
            "WeChat",
            "Intent",
        ],
        ["2026-11-03", "2:30 pm", "Li Si", "Acme", "Mr Wang", "+86 139 0013 9000", "yes", "Y", "b"],
    ]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "en.xlsx", rows, sheet="Calls")))
    assert sheet.problems == []
    record = sheet.records[0]
    assert (record.rep, record.time, record.phone) == ("Li Si", time(14, 30), "13900139000")
    assert (record.effective, record.wechat_added, record.intent_grade) == (True, True, "B")


def test_every_bad_cell_is_located(tmp_path: Path) -> None:
    rows = [
        ["销售员：张三"],
        CALL_HEADERS,
        call("2026-13-45"),
        call("2026-11-03", phone="1380013"),
        call("2026-11-03", phone="13800138009", 有效通话="可能"),
        call("2026-11-03", phone="13800138008", 时间="25:61", 意向等级="E"),
    ]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "bad.xlsx", rows)))
    assert codes(sheet) == [
        (3, "A", "date.invalid"),
        (4, "E", "phone.invalid"),
        (5, "F", "yes_no.invalid"),
        (6, "B", "time.invalid"),
        (6, "H", "grade.invalid"),
    ]
    assert [p.value for p in sheet.problems] == ["2026-13-45", "1380013", "可能", "25:61", "E"]
    assert [p.header for p in sheet.problems] == ["日期", "电话", "有效通话", "时间", "意向等级"]
    assert sheet.rows == 4 and sheet.valid == 0
    for problem in sheet.problems:
        assert problem.value in problem.message_zh and problem.value in problem.message_en
        assert problem.column == column_letter(CALL_HEADERS.index(problem.header))


# --- the year for dates without one ----------------------------------------------------


def _no_year_calls(tmp_path: Path, name: str, title: str | None, settings: str | None) -> Path:
    rows = ([[title]] if title else []) + [
        ["销售员：张三"],
        CALL_HEADERS,
        call("11月3日"),
        call("11-4"),
    ]
    extra = {"设置": [["月份", settings]]} if settings else None
    return write_xlsx(tmp_path / name, rows, extra_sheets=extra)


@pytest.mark.parametrize(
    ("title", "file_name", "settings", "year"),
    [
        ("电话记录表 2024年11月", "calls_2023.xlsx", "2022-11", 2024),
        (None, "calls_2023.xlsx", "2022-11", 2023),
        ("电话记录表", "calls.xlsx", "2022年11月", 2022),
        (None, "calls.xlsx", None, AS_OF.year),
    ],
)
def test_the_year_comes_from_title_then_file_name_then_settings_then_as_of(
    tmp_path: Path, title: str | None, file_name: str, settings: str | None, year: int
) -> None:
    sheet = only_sheet(read_one(_no_year_calls(tmp_path, file_name, title, settings)))
    assert [r.date for r in sheet.records] == [date(year, 11, 3), date(year, 11, 4)]
    assert sheet.problems == []


def test_no_year_anywhere_assumes_this_year_with_one_warning(tmp_path: Path) -> None:
    path = _no_year_calls(tmp_path, "calls.xlsx", None, None)
    sheet = only_sheet(read_one(path, as_of=None))
    this_year = date.today().year
    assert [r.date for r in sheet.records] == [date(this_year, 11, 3), date(this_year, 11, 4)]
    (warning,) = [p for p in sheet.problems if p.code != "date.future"]
    assert (warning.code, warning.row, warning.column, warning.value) == (
        "date.year_assumed",
        3,
        "A",
        "11月3日",
    )
    assert str(this_year) in warning.message_zh
    assert sheet.valid == 2


# --- who is the rep ----------------------------------------------------------------------


def _rep_workbook(
    tmp_path: Path, label: str | None, settings: str | None, rep_cell: str | None
) -> Path:
    rows = ([[label]] if label else []) + [
        ["销售员", *CALL_HEADERS],
        [rep_cell, *call("2026-11-03")],
    ]
    extra = {"设置": [["销售员", settings]]} if settings else None
    return write_xlsx(tmp_path / "团队" / "王五" / "calls.xlsx", rows, extra_sheets=extra)


@pytest.mark.parametrize(
    ("rep_cell", "label", "settings", "expected"),
    [
        ("张三", "销售员：李四", "赵六", "张三"),
        (None, "销售员：李四", "赵六", "李四"),
        (None, "业务员: 李四  部门: 华东", "赵六", "李四"),
        (None, None, "赵六", "赵六"),
        (None, None, None, "王五"),
    ],
)
def test_the_rep_is_the_row_then_the_label_then_settings_then_the_folder(
    tmp_path: Path, rep_cell: str | None, label: str | None, settings: str | None, expected: str
) -> None:
    path = _rep_workbook(tmp_path, label, settings, rep_cell)
    sheet = only_sheet(read_one(path, root=tmp_path / "团队"))
    assert sheet.problems == []
    assert sheet.records[0].rep == expected


def test_a_label_cell_followed_by_the_name_in_merged_cells(tmp_path: Path) -> None:
    rows = [["销售员", None, "李四"], CALL_HEADERS, call("2026-11-03")]
    path = write_xlsx(tmp_path / "c.xlsx", rows, merges=("A1:B1",))
    assert only_sheet(read_one(path)).records[0].rep == "李四"


def test_no_rep_anywhere_is_an_error_on_the_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "calls.xlsx", [CALL_HEADERS, call("2026-11-03")])
    sheet = only_sheet(read_one(path))
    (problem,) = sheet.problems
    assert (problem.code, problem.severity, problem.row, problem.field) == (
        "rep.missing",
        "error",
        1,
        "rep",
    )
    assert "销售员" in problem.message_zh and "rep" in problem.message_en
    assert sheet.valid == 0 and sheet.records == []


def test_a_blank_rep_cell_with_no_other_source_is_located(tmp_path: Path) -> None:
    rows = [["销售员", *CALL_HEADERS], ["张三", *call("2026-11-03")], [None, *call("2026-11-04")]]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "calls.xlsx", rows)))
    assert codes(sheet) == [(3, "A", "required.missing")]
    assert sheet.valid == 1


def test_a_missing_required_column_is_reported_once(tmp_path: Path) -> None:
    headers = [h for h in CALL_HEADERS if h != "电话"]
    rows = [
        ["销售员：张三"],
        headers,
        [c for h, c in zip(CALL_HEADERS, call("2026-11-03"), strict=True) if h != "电话"],
    ]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "calls.xlsx", rows)))
    assert [(p.code, p.row, p.header) for p in sheet.problems] == [("column.missing", 2, "电话")]
    assert sheet.rows == 1 and sheet.valid == 0


# --- rules across a row: grades, amounts, duplicates ---------------------------------------

LEAD_HEADERS = [
    "客户名称",
    "负责人",
    "商务谈判中",
    "已递交方案",
    "面谈有兴趣",
    "曾购买同类产品",
    "接受产品可面谈",
    "等级",
    "登记日期",
]


def test_lead_grades_follow_the_stage_facts(tmp_path: Path) -> None:
    rows = [
        LEAD_HEADERS,
        ["华信科技", "张三", "是", "是", None, None, None, "A", "2026-11-02"],
        ["东方建材", "张三", "否", "是", None, None, None, "a级", "2026-11-02"],
        ["恒通物流", "张三", None, None, None, None, None, "C类", "2026-11-02"],
        ["金桥贸易", "张三", "否", "否", "否", "否", "否", "D", "2026-11-02"],
        ["新华印务", "张三", None, None, "是", None, "是", None, "2026-11-02"],
    ]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "leads.xlsx", rows, sheet="意向客户")))
    assert sheet.kind == "leads"
    assert [(r.grade, r.grade_typed) for r in sheet.records] == [
        ("A", "A"),
        ("B", "A"),
        ("C", "C"),
        (None, "D"),
        ("C", None),
    ]
    assert codes(sheet) == [(3, "H", "grade.disagrees"), (5, "H", "grade.disagrees")]
    disagree = sheet.problems[0]
    assert disagree.severity == "warning" and disagree.value == "a级"
    assert "B" in disagree.message_zh and "a级" in disagree.message_zh
    assert sheet.valid == 5


SHIP_HEADERS = ["合同号", "申请日期", "销售员", "客户名称", "产品", "数量", "单价", "金额(元)"]


def test_shipment_amounts_are_computed_or_checked_to_the_cent(tmp_path: Path) -> None:
    rows = [
        SHIP_HEADERS,
        ["HT001", "2026-11-03", "赵六", "华信科技", "扫码枪", 3, 268, None],
        ["HT002", "2026-11-03", "赵六", "华信科技", "打印机", 3, 899.5, 2698.5],
        ["HT003", "2026-11-03", "赵六", "华信科技", "终端", 2, "1,280.00", "¥2,660.00"],
        ["HT004", "2026-11-03", "赵六", "华信科技", "终端", 0, 1280, None],
        ["HT005", "2026-11-03", "赵六", "华信科技", "终端", "1.5", "0.333", None],
        ["合计", None, None, None, None, 8, None, 5000],
    ]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "ships.xlsx", rows, sheet="发货")))
    assert (sheet.error_rows, sheet.skipped["totals"]) == (2, 1)
    assert codes(sheet) == [(4, "H", "amount.mismatch"), (5, "F", "quantity.invalid")]
    mismatch = sheet.problems[0]
    assert mismatch.value == "¥2,660.00" and "2560.00" in mismatch.message_zh
    assert [(r.order_no, r.amount) for r in sheet.records] == [
        ("HT001", Decimal("804.00")),
        ("HT002", Decimal("2698.5")),
        ("HT005", Decimal("0.50")),
    ]
    assert sheet.rows == 6 and sheet.valid == 3


def test_a_duplicate_repeats_an_earlier_row_in_every_field(tmp_path: Path) -> None:
    """Row 5 repeats row 3 exactly (the date typed another way): one warning, not counted;
    row 4 shares row 3's key but its time differs, row 6 differs only in a note."""
    rows = [
        ["销售员：张三"],
        CALL_HEADERS,
        call("2026-11-03", 时间="10:30"),
        call("2026-11-03", 时间="10:31"),
        call("2026/11/3", 时间="10:30"),
        call("2026-11-03", 时间="10:30", 备注="又录了一遍"),
    ]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "dups.xlsx", rows)))
    (dup,) = sheet.problems
    assert (dup.code, dup.severity, dup.row, dup.column) == ("row.duplicate", "warning", 5, None)
    assert "第 3 行" in dup.message_zh and "row 3" in dup.message_en
    assert "张三 / 2026-11-03 / 10:30 / 13800138000" in dup.message_en
    assert [r.source.row for r in sheet.records] == [3, 4, 6]
    assert (sheet.rows, sheet.valid, sheet.error_rows, sheet.duplicates) == (4, 3, 0, 1)


def test_a_redial_without_a_time_is_its_own_call(tmp_path: Path) -> None:
    """Issue 10: the same customer and phone on the same day, no time column: 无人接听,
    then 已接通. Both are calls; the second is the effective one."""
    headers = ["日期", "销售员", "客户名称", "电话", "通话结果", "有效通话"]
    rows = [
        headers,
        ["2026-11-03", "张三", "华信科技", "13800138000", "无人接听", "否"],
        ["2026-11-03", "张三", "华信科技", "13800138000", "已接通", "是"],
    ]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "redial.xlsx", rows, sheet="电话")))
    assert sheet.problems == []
    assert [(r.outcome, r.effective) for r in sheet.records] == [
        ("无人接听", False),
        ("已接通", True),
    ]
    assert (sheet.rows, sheet.valid, sheet.duplicates) == (2, 2, 0)


def test_visits_sharing_a_key_are_kept_when_they_differ(tmp_path: Path) -> None:
    headers = ["日期", "销售员", "客户名称", "拜访类型", "是否突破", "客户等级"]
    rows = [
        headers,
        ["2026-11-03", "张三", "华信科技有限公司", "陌生拜访", "否", "C"],
        ["2026-11-03", "张三", "华信科技", "回访", "是", "B"],
        ["2026-11-03", "张三", "华信科技", "回访", "是", "B"],
    ]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "v.xlsx", rows, sheet="拜访")))
    assert sheet.kind == "visits"
    assert codes(sheet) == [(4, None, "row.duplicate")]
    assert [r.breakthrough for r in sheet.records] == [False, True]
    assert (sheet.rows, sheet.valid, sheet.duplicates) == (3, 2, 1)


def test_the_rosters_name_for_the_folder_comes_after_the_sheets_own_word(
    tmp_path: Path,
) -> None:
    roster = Roster((Member("孙七", ("王五",)),))  # the folder uses an other name
    path = _rep_workbook(tmp_path, None, None, None)
    rostered = read_file(path, tmp_path / "团队", AS_OF, roster=roster)
    assert only_sheet(rostered).records[0].rep == "孙七"
    labelled = _rep_workbook(tmp_path, "销售员：李四", None, None)
    assert only_sheet(read_file(labelled, tmp_path, AS_OF, roster=roster)).records[0].rep == "李四"


def test_a_header_used_twice_keeps_both_columns(tmp_path: Path) -> None:
    headers = [*CALL_HEADERS, "电话", "附言", "附言"]
    row = [*call("2026-11-03"), "13900139000", "先发资料", "下周再打"]
    sheet = only_sheet(read_one(write_xlsx(tmp_path / "t.xlsx", [["销售员：张三"], headers, row])))
    assert sheet.problems == [] and sheet.records[0].phone == "13800138000"
    assert sheet.records[0].extra == {
        "电话": "13900139000",
        "附言": "先发资料",
        "附言 (L)": "下周再打",
    }
