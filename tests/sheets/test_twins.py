"""What ties each in-sheet check to the full rule it stands in for (no spreadsheet
needed): the formulas' word lists come from the parsers, and a coarse flag never
fires on a value the full check accepts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_templates import rules
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


@settings(max_examples=600)
@given(st.one_of(PHONES, VALID_PHONES))
def test_phone_flag_never_fires_on_a_phone_the_check_accepts(raw: object):
    if rules.phone_length_flagged(raw):
        try:
            parse_phone(raw, CTX)
        except ValueProblem:
            return
        raise AssertionError(f"flagged but valid: {raw!r}")


@settings(max_examples=300)
@given(VALID_PHONES)
def test_valid_phones_are_accepted_and_not_flagged(raw: object):
    parse_phone(raw, CTX)
    assert not rules.phone_length_flagged(raw)


def test_formula_yes_words_are_the_parsers():
    for word in rules.FORMULA_YES:
        assert parse_yes_no(word, CTX) is True
        assert parse_yes_no(word.lower(), CTX) is True


def test_grade_words_parse_to_their_grade():
    for grades in ("ABC", "ABCD"):
        words = rules.grade_words(grades)
        assert {parse_grade(w, CTX) for w in words} == set(grades)
        assert all(parse_grade(w.lower(), CTX) in grades for w in words)


def test_day_counts_cover_the_daily_metrics():
    counted = {spec.metric for spec in rules.DAY_COUNTS}
    assert counted == {m.name for m in rules.METRICS if m.daily_target is not None} | {
        "calls",
        "visits",
    }
    rows = [
        {"date": date(2026, 11, 26), "effective": True, "visit_type": " cold "},
        {"date": date(2026, 11, 26), "effective": False, "visit_type": "计划拜访"},
        {"date": date(2026, 11, 25), "effective": True, "visit_type": "陌生拜访"},
    ]
    day = date(2026, 11, 26)
    by_metric = {s.metric: s for s in rules.DAY_COUNTS}
    assert rules.day_count(by_metric["calls"], rows, day) == 2
    assert rules.day_count(by_metric["effective_calls"], rows, day) == 1
    assert rules.day_count(by_metric["cold_visits"], rows, day) == 1


def test_pace_split_is_forty_sixty():
    assert rules.pace_split(Decimal(100)) == (Decimal(40), Decimal(60))
    assert rules.expected_by(rules.AFTERNOON[1], *rules.pace_split(Decimal(80))) == Decimal(80)
