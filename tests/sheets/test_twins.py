"""What ties each in-sheet check to the full rule it stands in for (no spreadsheet
needed; the LibreOffice parity tests run the formulas themselves).

The word lists the formulas compare against are derived from the parsers' lists, so
comparing one with the other would hold by construction: here both are held to the
lists written out by hand, and the Python twins to figures worked by hand.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_templates import rules, status
from sheets_templates.problems import ValueProblem
from sheets_templates.values import ReadContext, parse_grade, parse_phone, parse_yes_no

from .workbooks import PHONES

CTX = ReadContext(year=2026)
VALID_PHONES = st.one_of(
    st.builds(lambda p, d, sep: sep.join((p, d[:4], d[4:])), st.sampled_from(("13", "15", "18", "19")), st.text("0123456789", min_size=9, max_size=9), st.sampled_from(("", " ", "-"))),
    st.builds(lambda d: f"010-{d}", st.text("0123456789", min_size=8, max_size=8)),
    st.builds(lambda d: f"0755 {d}", st.text("0123456789", min_size=7, max_size=8)),
    st.builds(lambda d: f"+86 139{d}", st.text("0123456789", min_size=8, max_size=8)),
    st.builds(lambda d: int(f"10{d}"), st.text("0123456789", min_size=8, max_size=8)),
    st.builds(lambda d: f"400-{d[:3]}-{d[3:]}", st.text("0123456789", min_size=7, max_size=7)),
)  # fmt: skip

YES_WORDS = ("1", "OK", "TRUE", "Y", "YES", "√", "✓", "✔", "对", "已", "已加", "是", "是的", "有", "有效")  # fmt: skip
"""Every yes a rep types, as a formula compares it (upper case), in code-point order."""


@settings(max_examples=600)
@given(st.one_of(PHONES, VALID_PHONES))
def test_phone_flag_never_fires_on_a_phone_the_check_accepts(raw: object) -> None:
    if rules.phone_length_flagged(raw):
        try:
            parse_phone(raw, CTX)
        except ValueProblem:
            return
        raise AssertionError(f"flagged but valid: {raw!r}")


@settings(max_examples=300)
@given(VALID_PHONES)
def test_valid_phones_are_accepted_and_not_flagged(raw: object) -> None:
    parse_phone(raw, CTX)
    assert not rules.phone_length_flagged(raw)


@pytest.mark.parametrize(
    ("raw", "flagged"),
    [
        ("13800138000", False),  # a mobile: 11 digits
        ("138 0013 8000", False),
        ("1380013", True),  # a mobile short of 4 digits
        ("138001380001", True),  # a mobile one too many
        ("010-12345678", False),  # a landline with its area code: 11 digits
        (1012345678, False),  # that landline stored as a number, its 0 lost: 10 digits
        ("12345678", True),  # a landline without its area code: 8 digits
        ("0755 1234 5678 转 123", False),  # any length of 10 digits or more
        ("", False),  # blank is the required check's business
        (None, False),
    ],
)
def test_phone_flag_on_values_worked_by_hand(raw: object, flagged: bool) -> None:
    assert rules.phone_length_flagged(raw) is flagged


def test_formula_yes_words_are_the_parsers() -> None:
    assert rules.FORMULA_YES == YES_WORDS
    for word in YES_WORDS:
        assert parse_yes_no(word, CTX) is True
        assert parse_yes_no(word.lower(), CTX) is True
    assert parse_yes_no("否", CTX) is False and "否" not in rules.FORMULA_YES


def test_grade_words_parse_to_their_grade() -> None:
    assert rules.grade_words("AB") == (
        "A", "A类", "A级", "A类客户", "A级客户", "A客户",
        "B", "B类", "B级", "B类客户", "B级客户", "B客户",
    )  # fmt: skip
    for word, grade in (("A类客户", "A"), ("b级", "B"), ("C客户", "C"), ("d", "D")):
        assert parse_grade(word, CTX) == grade


def test_day_counts_on_rows_counted_by_hand() -> None:
    assert {spec.metric for spec in rules.DAY_COUNTS} == {
        "calls", "effective_calls", "wechat_adds", "new_intent_leads",
        "visits", "cold_visits", "c_plus_visits",
    }  # fmt: skip
    day = date(2026, 11, 26)
    calls = [
        {"date": day, "effective": True, "wechat_added": True},
        {"date": day, "effective": False, "wechat_added": True},
        {"date": day, "effective": True, "wechat_added": False},
        {"date": date(2026, 11, 25), "effective": True, "wechat_added": True},
    ]
    visits = [
        {"date": day, "visit_type": " cold ", "customer_grade": "A"},
        {"date": day, "visit_type": "计划拜访", "customer_grade": "C"},
        {"date": day, "visit_type": "陌生拜访", "customer_grade": "D"},
        {"date": day, "visit_type": "回访", "customer_grade": None},
        {"date": date(2026, 11, 25), "visit_type": "陌生拜访", "customer_grade": "B"},
    ]
    leads = [
        {"registered": day, "grade": "B"},
        {"registered": day, "grade": None},
        {"registered": date(2026, 11, 24), "grade": "A"},
    ]
    rows = {"calls": calls, "visits": visits, "leads": leads}
    counted = {s.metric: rules.day_count(s, rows[s.register], day) for s in rules.DAY_COUNTS}
    assert counted == {
        "calls": 3,
        "effective_calls": 2,
        "wechat_adds": 2,
        "new_intent_leads": 1,
        "visits": 4,
        "cold_visits": 2,
        "c_plus_visits": 2,
    }


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        (time(9, 0), "0.0"),  # before the morning starts
        (time(9, 40), "2.7"),  # 10 of 150 minutes of 40: 2.666…, to one place as ROUND(…,1)
        (time(10, 45), "20.0"),  # 75 of the morning's 150 minutes: half of 40
        (time(12, 0), "40.0"),
        (time(13, 0), "40.0"),  # lunch: flat
        (time(15, 40), "70.0"),  # 40 + 110 of the afternoon's 220 minutes: half of 60
        (time(18, 0), "100.0"),
    ],
)
def test_pace_by_the_clock(clock: time, expected: str) -> None:
    assert rules.expected_by(clock) == Decimal(expected)


def test_pace_split_is_forty_sixty() -> None:
    assert rules.pace_split(Decimal(100)) == (Decimal(40), Decimal(60))
    assert rules.pace_split(Decimal(80)) == (Decimal(32), Decimal(48))
    assert rules.expected_by(time(15, 40), Decimal(32), Decimal(48)) == Decimal("56.0")


@pytest.mark.parametrize(
    ("actual", "target", "due", "expected"),
    [
        (100, Decimal(100), Decimal(40), "met"),
        (40, Decimal(100), Decimal(40), "on_pace"),  # exactly what 12:00 asks
        (39, Decimal(100), Decimal(40), "behind"),
        (0, Decimal(100), Decimal(0), "on_pace"),  # before 09:30 nothing is due yet
        (5, None, Decimal(0), None),  # no target: no verdict
        (0, Decimal(0), None, "met"),
    ],
)
def test_status_worked_by_hand(
    actual: int, target: Decimal | None, due: Decimal | None, expected: str | None
) -> None:
    assert status.status_of(actual, target, due) == expected


@pytest.mark.parametrize(
    ("done", "due", "more"),
    [(12, "14.8", 3), (15, "14.8", 0), (0, "0.8", 1), (39, "40", 1), (40, "40", 0), (99, "37", 0)],
)
def test_short_by_counts_whole_calls(done: int, due: str, more: int) -> None:
    assert status.short_by(done, Decimal(due)) == more
