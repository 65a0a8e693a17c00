"""The problem catalogue: stable codes, and words in both languages that show the value."""

from __future__ import annotations

import re

import pytest

from sheets_templates import problems
from sheets_templates.problems import KINDS, Problem, ProblemKind, Severity

NO_TYPED_VALUE = {"required.missing", "column.missing", "rep.missing", "row.duplicate"}
NO_TYPED_VALUE |= {"column.mostly_empty", "column.mostly_invalid"}  # a column, said once


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_every_kind_speaks_both_languages_and_shows_the_value(kind: ProblemKind) -> None:
    assert re.fullmatch(r"[a-z_]+\.[a-z_]+", kind.code)
    assert kind.severity in (Severity.ERROR, Severity.WARNING)
    assert re.search(r"[\u4e00-\u9fff]{2}", kind.zh)
    assert not re.search(r"[\u4e00-\u9fff]{2}", kind.en)  # `1.2万` is a form, not a word
    if kind.code not in NO_TYPED_VALUE:
        assert "{value}" in kind.zh and "{value}" in kind.en
    details = {"header": "电话", "year": 2026, "phone": "01012345678", "expected": "B"}
    details |= {"today": "2026-11-26", "first_row": 3, "key": "张三 / 2026-11-03"}
    details |= {"count": "19,998", "rows": "20,000", "first_zh": "电话号码…", "first_en": "Phone…"}
    details |= {"office": "华东区", "here": "华南区"}
    placed = Problem.place(kind.at("{x}", **details), "f.xlsx", "s", 4, "E", "电话", "phone")
    assert placed.message("zh") != placed.message("en")
    if kind.code not in NO_TYPED_VALUE:
        assert "{x}" in placed.message_zh and "{x}" in placed.message_en
    assert placed.to_json("en") == {
        "severity": str(kind.severity),
        "row": 4,
        "column": "E",
        "header": "电话",
        "field": "phone",
        "value": "{x}",
        "code": kind.code,
        "message": placed.message_en,
    }


def test_every_declared_kind_has_its_own_code() -> None:
    # KINDS is keyed by code, so two kinds sharing a code would silently leave one out
    # of it: count the kinds as declared in the module instead.
    declared = [k for k in vars(problems).values() if isinstance(k, ProblemKind)]
    codes = sorted(k.code for k in declared)
    assert codes == sorted(set(codes)), [c for c in codes if codes.count(c) > 1]
    assert len(declared) == len(KINDS)


def test_the_codes_scripts_rely_on() -> None:
    assert sorted(KINDS) == [
        "amount.mismatch",
        "cell.error",
        "cell.far_off",
        "column.missing",
        "column.mostly_empty",
        "column.mostly_invalid",
        "date.future",
        "date.invalid",
        "date.number",
        "date.too_early",
        "date.too_late",
        "date.year_assumed",
        "grade.disagrees",
        "grade.invalid",
        "money.invalid",
        "money.negative",
        "phone.invalid",
        "phone.scientific",
        "phone.zero_restored",
        "quantity.invalid",
        "rep.missing",
        "rep.other_office",
        "rep.unknown",
        "required.missing",
        "row.duplicate",
        "time.invalid",
        "yes_no.invalid",
    ]
    warnings = sorted(code for code, k in KINDS.items() if k.severity is Severity.WARNING)
    assert warnings == [
        "cell.far_off",
        "date.future",
        "date.year_assumed",
        "grade.disagrees",
        "phone.zero_restored",
        "rep.unknown",
        "row.duplicate",
    ]


def test_a_placed_problem_reads_back_the_value_as_typed() -> None:
    finding = KINDS["amount.mismatch"].at(1200.0, expected="1,250.00")
    placed = Problem.place(finding, "张三.xlsx", "发货", 7, "H", "金额", "amount")
    assert placed.message_zh == "金额 1200 不等于 数量×单价 = 1,250.00"
    assert placed.message_en == "Amount 1200 is not quantity × unit price = 1,250.00"
    assert placed.to_json("zh") == {
        "severity": "error",
        "row": 7,
        "column": "H",
        "header": "金额",
        "field": "amount",
        "value": "1200",
        "code": "amount.mismatch",
        "message": "金额 1200 不等于 数量×单价 = 1,250.00",
    }
    missing = Problem.place(KINDS["column.missing"].at(), "张三.xlsx", "电话记录", 1, "A", "电话")
    assert missing.message_en == "A required column is missing: 电话 (add it to the header row)"
    assert (missing.severity, missing.value) == (Severity.ERROR, "")
