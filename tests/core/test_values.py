"""The value parsers on the values people really type (DESIGN "Values people really type")."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from sheets_templates.problems import ValueProblem
from sheets_templates.values import (
    ReadContext,
    date_to_excel_serial,
    excel_serial_to_date,
    parse_date,
    parse_grade,
    parse_money,
    parse_phone,
    parse_quantity,
    parse_text,
    parse_time,
    parse_yes_no,
)


def ctx(year: int = 2026, known: bool = True) -> ReadContext:
    return ReadContext(year=year, year_known=known, today=date(2026, 11, 26))


def problem_of(parser, raw, context: ReadContext | None = None) -> ValueProblem:
    with pytest.raises(ValueProblem) as caught:
        parser(raw, context or ctx())
    return caught.value


# --- dates ---------------------------------------------------------------------------

NOV3 = date(2026, 11, 3)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-11-03",
        "2026/11/3",
        "2026.11.3",
        "20261103",
        "2026年11月3日",
        "2026年11月3号",
        "2026 年 11 月 3 日",
        "２０２６／１１／３",
        "2026-11-03 10:30",
        "2026/11/3 星期二",
        "11月3日",
        "11月3号",
        "11-3",
        "11/3",
        NOV3,
        datetime(2026, 11, 3, 0, 0),
        datetime(2026, 11, 3, 15, 45),
        46329,
        46329.0,
        46329.625,
        "46329",
        20261103,
        20261103.0,
    ],
)
def test_every_date_form_reads_as_the_day(raw) -> None:
    assert parse_date(raw, ctx()) == NOV3


def test_serials_honour_the_1900_leap_year_quirk() -> None:
    assert excel_serial_to_date(1) == date(1900, 1, 1)
    assert excel_serial_to_date(59) == date(1900, 2, 28)
    assert excel_serial_to_date(61) == date(1900, 3, 1)
    with pytest.raises(ValueError):
        excel_serial_to_date(60)  # 1900-02-29, a day that never was
    for day in (date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), NOV3):
        assert excel_serial_to_date(date_to_excel_serial(day)) == day
    assert problem_of(parse_date, 59).finding.kind.code == "date.number"  # no register's day


def test_a_date_without_a_year_takes_the_context_year() -> None:
    assert parse_date("3月5日", ctx(2025)) == date(2025, 3, 5)
    known = ctx(2025)
    parse_date("3-5", known)
    assert known.warnings == []
    guessed = ctx(2026, known=False)
    assert parse_date("3-5", guessed) == date(2026, 3, 5)
    assert [w.kind.code for w in guessed.warnings] == ["date.year_assumed"]


@pytest.mark.parametrize(
    "raw",
    [
        "2026/13/45",
        "2026-02-30",
        "昨天",
        "下周",
        "0226-11-03",
        "2026",
        "1103",
        "13月3日",
        "",
        True,
        time(9, 30),
    ],
)
def test_what_is_not_a_date_is_reported_with_the_value(raw) -> None:
    finding = problem_of(parse_date, raw).finding
    assert finding.kind.code == "date.invalid"
    assert finding.message("zh").startswith("日期看不懂")
    assert "2026-11-03" in finding.message("zh")  # says what would be right


@pytest.mark.parametrize(
    ("raw", "zh", "en"),
    [
        (
            11.3,
            "11.3 是数字，不是日期：请写成 2026-11-03",
            "11.3 is a number, not a date: write it as 2026-11-03",
        ),
        (
            12.25,
            "12.25 是数字，不是日期：请写成 2026-12-25",
            "12.25 is a number, not a date: write it as 2026-12-25",
        ),
        (
            5,
            "5 是数字，不是日期：请写成 2026-11-03",
            "5 is a number, not a date: write it as 2026-11-03",
        ),
        (
            -5,
            "-5 是数字，不是日期：请写成 2026-11-03",
            "-5 is a number, not a date: write it as 2026-11-03",
        ),
        (
            60,
            "60 是数字，不是日期：请写成 2026-11-03",
            "60 is a number, not a date: write it as 2026-11-03",
        ),
        (
            "10000",
            "10000 是数字，不是日期：请写成 2026-11-03",
            "10000 is a number, not a date: write it as 2026-11-03",
        ),
        (
            36525,
            "36525 是数字，不是日期：请写成 2026-11-03",
            "36525 is a number, not a date: write it as 2026-11-03",
        ),
        (
            3e9,
            "3000000000 是数字，不是日期：请写成 2026-11-03",
            "3000000000 is a number, not a date: write it as 2026-11-03",
        ),
        (
            float("inf"),
            "inf 是数字，不是日期：请写成 2026-11-03",
            "inf is a number, not a date: write it as 2026-11-03",
        ),
        (
            float("nan"),
            "nan 是数字，不是日期：请写成 2026-11-03",
            "nan is a number, not a date: write it as 2026-11-03",
        ),
    ],
)
def test_a_number_that_is_no_plausible_date_is_an_error_showing_it(raw, zh, en) -> None:
    finding = problem_of(parse_date, raw).finding
    assert finding.kind.code == "date.number"
    assert finding.message("zh") == zh
    assert finding.message("en") == en


def test_a_number_suggests_its_month_and_day_in_the_most_recent_past() -> None:
    january = ReadContext(year=None, today=date(2027, 1, 10))
    finding = problem_of(parse_date, 12.28, january).finding
    assert finding.message("zh") == "12.28 是数字，不是日期：请写成 2026-12-28"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1900-01-05", "date.too_early"),
        (date(1900, 1, 5), "date.too_early"),
        (datetime(1900, 1, 11, 7, 12), "date.too_early"),
        ("1999/12/31", "date.too_early"),
        ("19991231", "date.too_early"),
        (19991231, "date.too_early"),
        ("2027-11-27", "date.too_late"),  # a year and a day after 2026-11-26
        (date(2036, 11, 3), "date.too_late"),
        (20301103, "date.too_late"),
        (date_to_excel_serial(date(2028, 1, 1)), "date.too_late"),
    ],
)
def test_a_day_outside_2000_to_a_year_ahead_is_an_error(raw, code) -> None:
    assert problem_of(parse_date, raw).finding.kind.code == code


def test_the_plausible_range_ends_with_its_days_and_messages_show_the_value() -> None:
    assert parse_date("2000-01-01", ctx()) == date(2000, 1, 1)
    assert parse_date(36526, ctx()) == date(2000, 1, 1)
    assert parse_date("2027-11-26", ctx()) == date(2027, 11, 26)
    early = problem_of(parse_date, "1900-01-05").finding
    assert (
        early.message("zh")
        == "日期早于2000年: 1900-01-05（请检查年份，写成 2026-11-03 这样的日期）"
    )
    late = problem_of(parse_date, "2030-1-2").finding
    assert late.message("en") == "Date more than a year after 2026-11-26: 2030-1-2 (check the year)"
    # without an as-of date only 2000 bounds a day
    assert parse_date("2099-01-01", ReadContext(year=2026)) == date(2099, 1, 1)


@pytest.mark.parametrize(
    ("raw", "today", "expected"),
    [
        ("12/28", date(2027, 1, 10), date(2026, 12, 28)),
        ("12月28日", date(2027, 1, 10), date(2026, 12, 28)),
        ("1/10", date(2027, 1, 10), date(2027, 1, 10)),
        ("1-11", date(2027, 1, 10), date(2026, 1, 11)),
        ("11-3", date(2026, 11, 26), date(2026, 11, 3)),
        ("2/29", date(2027, 1, 10), date(2024, 2, 29)),
    ],
)
def test_a_day_without_a_year_is_the_most_recent_one_not_in_the_future(
    raw, today, expected
) -> None:
    assert parse_date(raw, ReadContext(year=None, today=today)) == expected


def test_a_guessed_year_is_named_in_the_warning() -> None:
    guessed = ReadContext(year=None, year_known=False, today=date(2027, 1, 10))
    assert parse_date("12/28", guessed) == date(2026, 12, 28)
    (warning,) = guessed.warnings
    assert warning.kind.code == "date.year_assumed"
    assert "2026 年" in warning.message("zh")


# --- times ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("09:30", time(9, 30)),
        ("9:30", time(9, 30)),
        ("9：30", time(9, 30)),
        ("09:30:15", time(9, 30, 15)),
        ("14:05", time(14, 5)),
        ("下午2点", time(14, 0)),
        ("下午3点半", time(15, 30)),
        ("上午9点15分", time(9, 15)),
        ("2:30 pm", time(14, 30)),
        ("12:10am", time(0, 10)),
        (time(9, 30), time(9, 30)),
        (datetime(1899, 12, 30, 9, 30), time(9, 30)),
        (0.5, time(12, 0)),
        (0.396527777777778, time(9, 31)),
    ],
)
def test_times(raw, expected) -> None:
    assert parse_time(raw, ctx()) == expected


@pytest.mark.parametrize("raw", ["25:00", "9:75", "早上", "半", 1.5, -0.2, True, "nine"])
def test_bad_times(raw) -> None:
    finding = problem_of(parse_time, raw).finding
    assert finding.kind.code == "time.invalid"
    assert "09:30" in finding.message("zh") and "09:30" in finding.message("en")


# --- yes / no ------------------------------------------------------------------------

YES = ["是", "有", "Y", "y", "yes", "YES", "1", 1, 1.0, "TRUE", "true", True, "√", "✓", "对"]
NO = ["否", "无", "N", "no", "0", 0, 0.0, "FALSE", False, "×", "✗", "错", " 否 "]


@pytest.mark.parametrize("raw", YES)
def test_yes(raw) -> None:
    assert parse_yes_no(raw, ctx()) is True


@pytest.mark.parametrize("raw", NO)
def test_no(raw) -> None:
    assert parse_yes_no(raw, ctx()) is False


@pytest.mark.parametrize("raw", ["可能", "待定", 2, 0.5, "yes!", "是否"])
def test_neither_yes_nor_no(raw) -> None:
    finding = problem_of(parse_yes_no, raw).finding
    assert finding.kind.code == "yes_no.invalid"
    assert finding.message("zh") == f"请填 是 或 否: {raw}"


# --- phones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("（+86）138-0013-8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        (13800138000, "13800138000"),
        (13800138000.0, "13800138000"),
        ("1.3800138000E+10", "13800138000"),
        ("1.3800138000e10", "13800138000"),
        ("4008208820", "4008208820"),
        ("400-820-8820", "4008208820"),
        ("010-12345678", "01012345678"),
        ("(010)12345678", "01012345678"),
        ("0755 1234 5678", "075512345678"),
        ("0755-1234567", "07551234567"),
        ("010-12345678 转 123", "01012345678-123"),
        ("010-12345678转123", "01012345678-123"),
        ("010-12345678 ext. 88", "01012345678-88"),
        ("010-12345678-123", "01012345678-123"),
        ("075512345678-123", "075512345678-123"),
        ("+86 10 1234 5678", "01012345678"),
    ],
)
def test_phones(raw, expected) -> None:
    context = ctx()
    assert parse_phone(raw, context) == expected
    assert context.warnings == []


@pytest.mark.parametrize("raw", [1012345678, 1012345678.0, "1012345678", "7551234567"])
def test_a_landline_that_lost_its_zero_is_restored_with_a_warning(raw) -> None:
    context = ctx()
    phone = parse_phone(raw, context)
    assert phone.startswith("0") and len(phone) in (11, 12)
    (warning,) = context.warnings
    assert warning.kind.code == "phone.zero_restored"
    assert phone in warning.message("zh")


@pytest.mark.parametrize(
    "raw",
    [
        "1380013",
        1380013,
        "1380013800",
        1380013800,
        "23800138000",
        "138001380001",
        "12345678",
        "电话",
        13.8,
        -13800138000,
        "-",
        float("inf"),
        10**40,
    ],
)
def test_bad_phones_show_the_value_and_what_is_right(raw) -> None:
    finding = problem_of(parse_phone, raw).finding
    assert finding.kind.code == "phone.invalid"
    zh = finding.message("zh")
    assert zh.startswith(f"电话号码位数不对: {finding.value}")
    assert "11位" in zh and "010-12345678" in zh


@pytest.mark.parametrize("raw", ["1.38E+10", "1.38001E+10", "1.3800138E+10"])
def test_scientific_notation_that_lost_digits_is_an_error_not_a_wrong_number(raw) -> None:
    finding = problem_of(parse_phone, raw).finding
    assert finding.kind.code == "phone.scientific"
    assert raw in finding.message("zh") and "文本" in finding.message("zh")


def test_the_design_example_message() -> None:
    assert (
        problem_of(parse_phone, "1380013")
        .finding.message("zh")
        .startswith("电话号码位数不对: 1380013（手机号应为11位")
    )


# --- money and quantities ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.50", "1234.50"),
        ("¥1234.5", "1234.5"),
        ("￥1,234.50", "1234.50"),
        ("1234.5元", "1234.5"),
        ("3000元", "3000"),
        ("1.2万", "12000"),
        ("1.2万元", "12000"),
        ("3千", "3000"),
        ("3千元", "3000"),
        ("3k", "3000"),
        ("2.5K", "2500"),
        ("1.5w", "15000"),
        ("3 万", "30000"),
        ("1亿", "100000000"),
        ("1 234.50", "1234.50"),
        ("12,345,678.9", "12345678.9"),
        ("¥ 800", "800"),
        ("RMB 1,000", "1000"),
        ("人民币500元整", "500"),
        (1234.5, "1234.5"),
        (0.1 + 0.2, "0.3"),
        (1234, "1234"),
        ("0", "0"),
    ],
)
def test_money_is_exact(raw, expected) -> None:
    value = parse_money(raw, ctx())
    assert isinstance(value, Decimal)
    assert value == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("-5", "money.negative"),
        (-0.01, "money.negative"),
        ("一千", "money.invalid"),
        ("12..5", "money.invalid"),
        ("NaN", "money.invalid"),
        ("Infinity", "money.invalid"),
        (float("nan"), "money.invalid"),
        (1e300, "money.invalid"),
        ("1e999999", "money.invalid"),
        (True, "money.invalid"),
        ("1,2,3", "money.invalid"),
        ("1,23", "money.invalid"),
        ("12,34.5", "money.invalid"),
        ("1 2 3", "money.invalid"),
        ("3千万千", "money.invalid"),
        ("k", "money.invalid"),
    ],
)
def test_bad_money(raw, code) -> None:
    assert problem_of(parse_money, raw).finding.kind.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("10", "10"), (10, "10"), (2.5, "2.5"), ("10台", "10"), ("5 pcs", "5"), ("1,000", "1000")],
)
def test_quantities(raw, expected) -> None:
    assert parse_quantity(raw, ctx()) == Decimal(expected)


@pytest.mark.parametrize("raw", [0, "0", -3, "abc", "台", 1e30, "1,2,3", "1,23台"])
def test_bad_quantities(raw) -> None:
    finding = problem_of(parse_quantity, raw).finding
    assert finding.kind.code == "quantity.invalid"
    assert "大于0" in finding.message("zh")


# --- grades and text -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A", "A"),
        ("b", "B"),
        ("C类", "C"),
        ("a级", "A"),
        ("Ａ", "A"),
        ("ｄ类", "D"),
        ("B级客户", "B"),
    ],
)
def test_grades(raw, expected) -> None:
    assert parse_grade(raw, ctx()) == expected


@pytest.mark.parametrize("raw", ["E", "AB", "优", 1, "A+"])
def test_bad_grades(raw) -> None:
    finding = problem_of(parse_grade, raw).finding
    assert finding.kind.code == "grade.invalid"
    assert "A、B、C、D" in finding.message("zh")


def test_text_keeps_what_was_typed() -> None:
    assert parse_text("  华信科技  ", ctx()) == "华信科技"
    assert parse_text(12.0, ctx()) == "12"
    assert parse_text(12.5, ctx()) == "12.5"
