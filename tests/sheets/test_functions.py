"""The in-cell functions, called directly (xlwings' decorators do nothing off Windows):
single values, whole columns, bad input. Every expected answer is worked out by hand
from the rules in domain/BRIEF.md, never asked of the rules under test."""

from __future__ import annotations

import inspect
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from addin import functions as sf
from sheets_templates.registers import REGISTERS
from sync.check import run_check
from sync.reader import load_grids

from .workbooks import NO_SPELLINGS, REP, YES_SPELLINGS

UDFS = [f for name, f in vars(sf).items() if name.startswith("SF_") and callable(f)]
SHORT_PHONE = "电话号码位数不对: 1380013（手机号应为11位，座机应带区号，如 010-12345678）"


def test_every_function_has_help_and_takes_positional_arguments():
    assert {f.__name__ for f in UDFS} >= {
        "SF_GRADE", "SF_GRADES", "SF_CHECK", "SF_CHECKS", "SF_TARGET", "SF_PROGRESS",
        "SF_PACE", "SF_PHONE", "SF_PHONES", "SF_DATE", "SF_DATES",
    }  # fmt: skip
    for f in UDFS:
        assert f.__doc__ and len(f.__doc__) < 255, f.__name__
        kinds = {p.kind for p in inspect.signature(f).parameters.values()}
        assert kinds <= {inspect.Parameter.POSITIONAL_OR_KEYWORD}, f.__name__


def _cells(answer: Any) -> list[Any]:
    """A single answer, or each cell of a column answer."""
    if isinstance(answer, list):
        assert all(isinstance(row, list) and len(row) == 1 for row in answer), answer
        return [row[0] for row in answer]
    return [answer]


@pytest.mark.parametrize("junk", [object(), [[1, 2], [3]], float("nan"), "💥"])
def test_bad_input_comes_back_as_readable_text_never_a_traceback(junk: object):
    for f in UDFS:
        n = sum(1 for p in inspect.signature(f).parameters.values() if p.default is p.empty)
        answer = f(*([junk] * max(n, 1)))
        if f is sf.SF_TARGET and isinstance(junk, float):
            assert math.isnan(answer)  # a number given as the target is the target
            continue
        for cell in _cells(answer):
            assert isinstance(cell, str) and cell.startswith("#SF! "), (f.__name__, answer)
            assert "Traceback" not in cell and len(cell) < 300, (f.__name__, answer)


@pytest.mark.parametrize(
    ("facts", "grade"),
    [
        (("是", "是", "是", "是", "是"), "A"),  # negotiating outranks every later stage
        (("否", "是", "否", "否", "是"), "B"),
        (("否", "否", "是", "否", "否"), "C"),
        (("", "", "", "有", ""), "C"),  # bought before counts as much as met with interest
        ((None, None, None, None, "Y"), "D"),
        (("否", "否", "否", "否", "否"), ""),
        ((None, None, None, None, None), ""),
        ((0, 1.0, False, True, ""), "B"),  # Excel's numbers and booleans
    ],
)
def test_grade_of_single_rows(facts: tuple[Any, ...], grade: str):
    assert sf.SF_GRADE(*facts) == grade


def test_grades_of_a_whole_column_in_one_call():
    column = [
        ["是", "", "", "", ""],
        ["否", "是"],
        ["否", "否", "可能", "否", "否"],
        [None, None, None, None, "√"],
        ["no", "no", "no", "no", "no"],
    ]
    assert sf.SF_GRADES(column) == [["A"], ["B"], ["#SF! 请填 是 或 否: 可能"], ["D"], [""]]
    assert sf.SF_GRADE("可能") == "#SF! 请填 是 或 否: 可能"


def test_spellings_of_yes_and_no():
    assert {sf.SF_GRADE(v) for v in YES_SPELLINGS} == {"A"}
    assert {sf.SF_GRADE(v) for v in NO_SPELLINGS} == {""}


def _grid(path: Path, name: str) -> list[list]:
    return dict(load_grids(path))[name]


def test_checks_of_a_sheet_are_the_problems_check_reports(workbook: Path, as_of: date):
    grid = _grid(workbook, "电话记录")
    answer = sf.SF_CHECKS(grid[0], grid[1:], REP)
    assert len(answer) == 121
    # Excel rows of the mistakes `write_mistakes_workbook` planted; the future date on
    # row 14 is left out: the functions judge the future by the real today.
    got = {n + 2: text for n, (text,) in enumerate(answer) if text and n + 2 != 14}
    assert got == {
        5: SHORT_PHONE,
        10: "请填 是 或 否: 可能",
        122: "与第 22 行重复（张三 / 2026-11-25 / 10:25 / 13516521170），本行不重复计算",
    }
    report = run_check([workbook], as_of)
    calls = next(s for f in report.files for s in f.sheets if s.sheet == "电话记录")
    assert [(p.row, p.column, p.code) for p in calls.problems] == [
        (5, "F", "phone.invalid"),
        (10, "I", "yes_no.invalid"),
        (14, "A", "date.future"),
        (122, None, "row.duplicate"),
    ]
    assert sf.SF_CHECK(grid[0], grid[4], REP) == SHORT_PHONE
    assert sf.SF_CHECK(grid[0], grid[1], REP) == ""


SHORT_PHONE_EN = (
    "Phone number has the wrong length: 1380013 (a mobile has 11 digits; "
    "a landline needs its area code, like 010-12345678)"
)


def test_check_speaks_the_headers_language():
    fields = REGISTERS["calls"].fields
    zh, en = [f.header_zh for f in fields], [f.header_en for f in fields]
    row = ["2026-11-03", "09:30", "张三", "甲", "", "1380013", "", "", "是", "", "", "", "", "", ""]
    assert sf.SF_CHECK(zh, row) == SHORT_PHONE
    assert sf.SF_CHECK(en, row) == SHORT_PHONE_EN
    without_rep = list(row)
    without_rep[2], without_rep[5] = None, "13800138000"
    assert sf.SF_CHECK(zh, without_rep) == "必填项为空: 销售员（这一列每行都要填写）"
    assert sf.SF_CHECK(zh, without_rep, "张三") == ""
    assert sf.SF_CHECK(["甲", "乙"], [1, 2]) == "#SF! 看不出是哪种登记表：请把表头行一起选上"


def test_phones():
    values = [
        "138 0013 8000",
        "+86 138-0013-8000",
        13800138000.0,
        "010-12345678转123",
        "1380013",
        None,
    ]
    assert sf.SF_PHONES(values) == [
        ["13800138000"],
        ["13800138000"],
        ["13800138000"],
        ["01012345678-123"],
        [f"#SF! {SHORT_PHONE}"],
        [""],
    ]
    assert sf.SF_PHONE("0755 1234 5678") == "075512345678"
    assert sf.SF_PHONE("1380013", "en") == f"#SF! {SHORT_PHONE_EN}"


def test_dates():
    assert sf.SF_DATE("11月3日", 2025) == date(2025, 11, 3)
    assert sf.SF_DATE("2026/11/3") == date(2026, 11, 3)
    assert sf.SF_DATE(46000.0) == date(2025, 12, 9)
    assert sf.SF_DATE("2026/13/45", None, "en").startswith("#SF! Not a date")
    assert sf.SF_DATES(["20261103", None, "昨天"]) == [
        [date(2026, 11, 3)],
        [""],
        ["#SF! 日期看不懂: 昨天（请写成 2026-11-03 或 2026/11/3）"],
    ]


def test_targets_by_metric_and_period():
    for metric in ("有效通话", "effective_calls", "Effective calls"):
        assert [sf.SF_TARGET(metric, p) for p in ("日", "week", "月")] == [100.0, 500.0, 2200.0]
    assert [sf.SF_TARGET("wechat_adds", p) for p in ("day", "周", "month")] == [30.0, 150.0, 660.0]
    assert sf.SF_TARGET("陌生拜访") == 3.0
    # 3 signings a month over its 22 working days: 3/22 a day, 15/22 a week
    assert [sf.SF_TARGET("签约客户", p) for p in ("day", "week", "month")] == [0.14, 0.68, 3.0]
    assert [sf.SF_TARGET("calls", p) for p in ("day", "week", "month")] == ["", "", ""]
    assert sf.SF_TARGET("nope").startswith("#SF! Unknown metric: nope")
    assert sf.SF_TARGET("calls", "year") == "#SF! Period must be day, week or month: year"


def test_progress():
    assert sf.SF_PROGRESS(40, "effective_calls") == 0.4
    assert sf.SF_PROGRESS(3, 4) == 0.75
    assert sf.SF_PROGRESS(1, "signed_customers", "month") == 0.3333
    assert sf.SF_PROGRESS(3, "calls") == ""


@pytest.mark.parametrize(
    ("clock", "target", "expected"),
    [
        ("09:00", None, 0.0),
        ("10:45", None, 20.0),  # half the morning's 150 minutes: half of 40
        ("12:30", None, 40.0),  # lunch: flat
        ("15:40", None, 70.0),  # 40 + half the afternoon's 220 minutes: half of 60
        ("18:00", None, 100.0),
        ("15:40", 80, 56.0),  # 80 splits 32 / 48: 32 + 24
    ],
)
def test_pace(clock: str, target: int | None, expected: float):
    assert sf.SF_PACE(clock, target) == expected


def test_pace_now_and_unreadable_clocks():
    assert isinstance(sf.SF_PACE(), float)
    assert sf.SF_PACE("later") == "#SF! 时间看不懂: later（请写成 09:30）"
