"""The in-cell functions, called directly (xlwings' decorators do nothing off Windows):
single values, whole columns, bad input."""

from __future__ import annotations

import inspect
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest

from addin import functions as sf
from sheets_templates import rules
from sheets_templates.problems import ValueProblem
from sheets_templates.registers import REGISTERS
from sheets_templates.values import ReadContext, parse_phone, parse_yes_no
from sync.check import run_check
from sync.reader import load_grids

from .workbooks import NO_SPELLINGS, REP, YES_SPELLINGS, grade_rows

UDFS = [f for name, f in vars(sf).items() if name.startswith("SF_") and callable(f)]
CTX = ReadContext(year=2026)


def _rule_grade(row: dict) -> str:
    return rules.grade(*(parse_yes_no(row[f], CTX) if row.get(f) not in (None, "") else False for f in rules.STAGE_FACTS)) or ""  # fmt: skip


def test_every_function_has_help_and_takes_positional_arguments():
    assert {f.__name__ for f in UDFS} >= {
        "SF_GRADE", "SF_GRADES", "SF_CHECK", "SF_CHECKS", "SF_TARGET", "SF_PROGRESS",
        "SF_PACE", "SF_PHONE", "SF_PHONES", "SF_DATE", "SF_DATES",
    }  # fmt: skip
    for f in UDFS:
        assert f.__doc__ and len(f.__doc__) < 255, f.__name__
        kinds = {p.kind for p in inspect.signature(f).parameters.values()}
        assert kinds <= {inspect.Parameter.POSITIONAL_OR_KEYWORD}, f.__name__


@pytest.mark.parametrize("junk", [object(), [[1, 2], [3]], float("nan"), "💥"])
def test_bad_input_comes_back_as_readable_text_never_a_traceback(junk: object):
    for f in UDFS:
        n = sum(1 for p in inspect.signature(f).parameters.values() if p.default is p.empty)
        answer = f(*([junk] * max(n, 1)))
        if isinstance(answer, str) and answer.startswith("#SF!"):
            assert "Traceback" not in answer and len(answer) < 300


def test_grade_of_single_rows_is_the_rule():
    for row in grade_rows():
        facts = [row.get(f) for f in rules.STAGE_FACTS]
        assert sf.SF_GRADE(*facts) == _rule_grade(row), row


def test_grades_of_a_whole_column_in_one_call():
    rows = grade_rows()
    facts = [[row.get(f) for f in rules.STAGE_FACTS] for row in rows]
    facts[7][2] = "可能"
    answer = sf.SF_GRADES(facts)
    assert len(answer) == len(rows)
    for n, (out,) in enumerate(answer):
        if n == 7:
            assert out.startswith("#SF!") and "可能" in out
        else:
            assert out == _rule_grade(rows[n])
    assert sf.SF_GRADE("可能") == sf.SF_GRADES([["可能"]])[0][0]


def test_spellings_of_yes_and_no():
    assert {sf.SF_GRADE(v) for v in YES_SPELLINGS} == {"A"}
    assert {sf.SF_GRADE(v) for v in NO_SPELLINGS} == {""}


def _grid(path: Path, name: str) -> list[list]:
    return dict(load_grids(path))[name]


def test_checks_of_a_sheet_are_the_problems_check_reports(workbook: Path):
    grid = _grid(workbook, "电话记录")
    answer = sf.SF_CHECKS(grid[0], grid[1:], REP)
    report = run_check([workbook], date.today())
    calls = next(s for f in report.files for s in f.sheets if s.sheet == "电话记录")
    by_row: dict[int, list[str]] = {}
    for p in calls.problems:
        if p.code != "date.future":  # the functions judge the future by today, not DAY
            by_row.setdefault(p.row, []).append(p.message("zh"))
    got = {n + 2: text for n, (text,) in enumerate(answer) if text}
    expected = {row: "; ".join(messages) for row, messages in by_row.items()}
    assert {r: t for r, t in got.items() if "将来" not in t} == expected
    assert sf.SF_CHECK(grid[0], grid[4], REP) == answer[3][0] != ""
    assert sf.SF_CHECK(grid[0], grid[1], REP) == ""


def test_check_speaks_the_headers_language():
    fields = REGISTERS["calls"].fields
    row = ["2026-11-03", "09:30", "张三", "甲", "", "1380013", "", "", "是", "", "", "", "", "", ""]
    assert "位数" in sf.SF_CHECK([f.header_zh for f in fields], row)
    assert "wrong length" in sf.SF_CHECK([f.header_en for f in fields], row)
    without_rep = list(row)
    without_rep[2], without_rep[5] = None, "13800138000"
    assert sf.SF_CHECK([f.header_zh for f in fields], without_rep) != ""
    assert sf.SF_CHECK([f.header_zh for f in fields], without_rep, "张三") == ""
    assert sf.SF_CHECK(["甲", "乙"], [1, 2]).startswith("#SF!")


def test_phones():
    values = [
        "138 0013 8000",
        "+86 138-0013-8000",
        13800138000.0,
        "010-12345678转123",
        "1380013",
        None,
    ]
    answer = sf.SF_PHONES(values)
    for (out,), raw in zip(answer, values, strict=True):
        if raw is None:
            assert out == ""
            continue
        try:
            assert out == parse_phone(raw, CTX)
        except ValueProblem as problem:
            assert out == f"#SF! {problem.finding.message('zh')}"
        assert sf.SF_PHONE(raw) == out
    assert "wrong length" in sf.SF_PHONE("1380013", "en")


def test_dates():
    assert sf.SF_DATE("11月3日", 2025) == date(2025, 11, 3)
    assert sf.SF_DATE("2026/11/3") == date(2026, 11, 3)
    assert sf.SF_DATE(46000.0) == date(2025, 12, 9)
    assert sf.SF_DATE("2026/13/45", None, "en").startswith("#SF! Not a date")
    assert sf.SF_DATES(["20261103", None, "昨天"]) == [
        [date(2026, 11, 3)],
        [""],
        [sf.SF_DATE("昨天")],
    ]


def test_targets_progress_and_pace():
    for metric in rules.METRICS:
        for period in ("day", "week", "month"):
            target = rules.target_for(metric.daily_target, metric.monthly_target, period)
            answer = sf.SF_TARGET(
                metric.label.zh, {"day": "日", "week": "周", "month": "月"}[period]
            )
            assert answer == ("" if target is None else float(target))
            assert sf.SF_TARGET(metric.name, period) == answer
    assert sf.SF_TARGET("nope").startswith("#SF!")
    assert sf.SF_PROGRESS(40, "effective_calls") == float(rules.progress(40, Decimal(100)))
    assert sf.SF_PROGRESS(3, 4) == 0.75
    assert sf.SF_PROGRESS(3, "calls") == ""
    for clock in ("09:00", "10:45", "12:30", "15:10", "18:00"):
        t = time(*map(int, clock.split(":")))
        assert sf.SF_PACE(clock) == float(rules.expected_by(t))
        assert sf.SF_PACE(clock, 80) == float(rules.expected_by(t, *rules.pace_split(Decimal(80))))
    assert isinstance(sf.SF_PACE(), float)
    assert sf.SF_PACE("later").startswith("#SF!")
