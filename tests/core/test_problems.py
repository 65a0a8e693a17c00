"""The problem catalogue: stable codes, and words in both languages that show the value."""

from __future__ import annotations

import re

import pytest

from sheets_templates.problems import KINDS, Problem, ProblemKind, Severity

NO_TYPED_VALUE = {"required.missing", "column.missing", "rep.missing", "row.duplicate"}


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


def test_codes_are_unique_and_the_documented_ones_exist() -> None:
    assert len(KINDS) == len({k.code for k in KINDS.values()})
    for code in (
        "phone.invalid",
        "date.invalid",
        "required.missing",
        "grade.invalid",
        "amount.mismatch",
        "row.duplicate",
        "grade.disagrees",
    ):
        assert code in KINDS
