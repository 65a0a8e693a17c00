"""The templates' native formulas against the Python rules, recalculated by two real
spreadsheet engines (LibreOffice headless and Gnumeric's ssconvert; every test runs
once per engine): 100% agreement, case by case."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from sheets_templates import rules, status
from sheets_templates.master_book import CONF_SHEET, CONF_TEAM, master_template
from sheets_templates.problems import ValueProblem
from sheets_templates.status import STATUS_WORDS, status_of
from sheets_templates.templates import DAY_DONE, DAY_SHORT, NOON_DONE, NOON_SHORT, rep_template
from sheets_templates.typed_dates import text_date_flagged
from sheets_templates.values import (
    ReadContext,
    excel_serial_to_date,
    parse_date,
    parse_grade,
    parse_yes_no,
)
from sheets_templates.words import Lang
from sync.reader import read_file

from .conftest import Recalculated
from .workbooks import DAY

pytestmark = pytest.mark.libreoffice
CTX = ReadContext(year=2026)


def _yes(raw: Any) -> bool:
    try:
        return parse_yes_no(raw, CTX)
    except ValueProblem:
        return False


def _grade_in(raw: Any, grades: str) -> bool:
    try:
        return parse_grade(raw, CTX) in grades
    except ValueProblem:
        return False


def _disagreements(pairs: list[tuple[Any, Any, Any]]) -> list[tuple[Any, Any, Any]]:
    """(input, engine, python) where they differ; an empty list is 100% agreement."""
    return [(given, engine, python) for given, engine, python in pairs if engine != python]


def test_lead_grade_formula_agrees_with_the_rule_on_every_combination(recalculated: Recalculated):
    sheet = rep_template("zh").register("leads")
    grade_col = sheet.column("grade").letter
    ws = openpyxl.load_workbook(recalculated.grades, data_only=True)[sheet.name]
    pairs = []
    for n, row in enumerate(recalculated.grade_rows):
        facts = [_yes(row.get(f)) for f in rules.STAGE_FACTS]
        engine = ws[f"{grade_col}{sheet.first_row + n}"].value or None
        pairs.append((row, engine, rules.grade(*facts)))
    assert len(pairs) >= 32
    assert {p[2] for p in pairs} == {"A", "B", "C", "D", None}
    assert _disagreements(pairs) == []


def test_filled_template_reads_back_with_no_problems_and_the_formula_grades(
    recalculated: Recalculated,
):
    """The reader sees the recalculated grade column as typed: it must agree with the
    rule on every row (no `grade.disagrees` noise) and the file must be clean."""
    result = read_file(recalculated.grades, recalculated.grades.parent, DAY)
    assert result.error is None
    leads = next(s for s in result.sheets if s.kind == "leads")
    assert [p.code for s in result.sheets for p in s.problems] == []
    assert leads.valid == len(recalculated.grade_rows)
    for record, row in zip(leads.records, recalculated.grade_rows, strict=True):
        expected = rules.grade(*(_yes(row.get(f)) for f in rules.STAGE_FACTS))
        assert record.grade == expected
        assert record.grade_typed == expected


def _twin(recalculated: Recalculated, name: str) -> list[tuple[tuple[Any, ...], Any]]:
    sheet = recalculated.twins.sheets[name]
    ws = openpyxl.load_workbook(recalculated.twins_out, data_only=True)[name]
    return [
        (inputs, ws.cell(row=r, column=sheet.result_column + 1).value)
        for r, inputs in enumerate(sheet.inputs, start=1)
    ]


def test_phone_length_flag_agrees(recalculated: Recalculated):
    pairs = [
        (v, engine, rules.phone_length_flagged(v)) for (v,), engine in _twin(recalculated, "phone")
    ]
    assert {type(p[1]) for p in pairs} == {bool}
    assert any(p[2] for p in pairs) and not all(p[2] for p in pairs)
    assert _disagreements(pairs) == []


def test_yes_formula_agrees_with_the_parser(recalculated: Recalculated):
    pairs = [(v, engine, _yes(v)) for (v,), engine in _twin(recalculated, "yes")]
    assert _disagreements(pairs) == []


def test_grade_words_agree_with_the_parser(recalculated: Recalculated):
    pairs = [(v, engine, _grade_in(v, "ABC")) for (v,), engine in _twin(recalculated, "grade")]
    assert any(p[2] for p in pairs)
    assert _disagreements(pairs) == []


def test_cold_visit_words_agree(recalculated: Recalculated):
    pairs = [(v, engine, rules.is_cold_visit(v)) for (v,), engine in _twin(recalculated, "cold")]
    assert _disagreements(pairs) == []


def _as_day(value: Any) -> date | None:
    """A cell as a spreadsheet sees a date: a real date, or a number (a date serial)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def test_future_date_flag_agrees(recalculated: Recalculated):
    today = recalculated.twins.today
    pairs = []
    for (v,), engine in _twin(recalculated, "future"):
        day = _as_day(v) or (excel_serial_to_date(v) if isinstance(v, int | float) else None)
        pairs.append((v, engine, day is not None and rules.is_future(day, today)))
    assert any(p[2] for p in pairs)
    assert _disagreements(pairs) == []


def _typed_day(value: Any, today: date) -> date | None:
    """The day `check` reads from a date cell on `today` (None: no date)."""
    try:
        return parse_date(value, ReadContext(year=None, year_known=False, today=today))
    except ValueProblem:
        return None


def test_dates_typed_as_text_count_as_check_reads_them(recalculated: Recalculated):
    """Never silently different: a cell counts for the day exactly when `check` reads
    it as that day, unless the template shows it red (a time after the date,
    full-width digits), and then it does not count."""
    pairs = []
    for (value, day), engine in _twin(recalculated, "typed_date"):
        counted = _typed_day(value, day) == day and not text_date_flagged(value)
        pairs.append(((value, day), engine, int(counted)))
    assert sum(p[2] for p in pairs) >= 40
    assert _disagreements(pairs) == []


def test_text_date_flag_agrees(recalculated: Recalculated):
    pairs = [
        (v, engine, text_date_flagged(v)) for (v,), engine in _twin(recalculated, "typed_date_flag")
    ]
    assert any(p[2] for p in pairs) and not all(p[2] for p in pairs)
    assert _disagreements(pairs) == []


def test_amount_check_agrees(recalculated: Recalculated):
    pairs = []
    for (qty, price, amount), engine in _twin(recalculated, "amount"):
        numeric = isinstance(amount, Decimal)
        wrong = numeric and not rules.amount_agrees(amount, Decimal(str(qty)), price)
        pairs.append(((qty, price, amount), engine, wrong))
    assert _disagreements(pairs) == []


def test_progress_and_target_met_agree(recalculated: Recalculated):
    pairs = []
    for (actual, target), engine in _twin(recalculated, "progress"):
        ratio = rules.progress(actual, target)
        pairs.append(((actual, target), engine, "" if ratio is None else float(ratio)))
    for (actual, target, due), engine in _twin(recalculated, "status"):
        key = status_of(actual, target, due)
        pairs.append(((actual, target, due), engine, "" if key is None else STATUS_WORDS[key].en))
    assert {p[2] for p in pairs} >= {"", "Met", "On pace", "Behind"}
    assert _disagreements([(g, e if e is not None else "", p) for g, e, p in pairs]) == []


def test_short_by_agrees(recalculated: Recalculated):
    pairs = [(g, e, status.short_by(*g)) for g, e in _twin(recalculated, "short")]
    assert {p[2] for p in pairs} >= {0, 1, 15}  # 14.8 due with none done: 15 more
    assert _disagreements(pairs) == []


def test_pace_formula_agrees(recalculated: Recalculated):
    pairs = []
    for (clock, target), engine in _twin(recalculated, "pace"):
        expected = rules.expected_by(clock, *rules.pace_split(target))
        pairs.append(((clock, target), engine, float(expected)))
    assert len(pairs) > 200
    assert _disagreements(pairs) == []


def _blank(value: Any) -> Any:
    """A formula's blank text as openpyxl reads it back ("" or None) is None."""
    return None if value in ("", None) else value


def _records(path: Any, day: date) -> dict[str, list[dict[str, Any]]]:
    result = read_file(path, path.parent, day)
    assert result.error is None
    out: dict[str, list[dict[str, Any]]] = {}
    for sheet in result.sheets:
        if sheet.kind:
            assert [p for p in sheet.problems if p.severity == "error"] == []
            out[sheet.kind] = [dict(r) for r in sheet.records]
    return out


def test_today_sheet_agrees_with_the_rules_on_generated_registers(recalculated: Recalculated):
    """Generated registers, each workbook with its own day and time of day: every count,
    progress, status and the 40/60 pace as the engine computed them equals the rules
    over the records the reader gets from the same recalculated file."""
    compared = 0
    for n, (case, path) in enumerate(recalculated.today):
        lang: Lang = "zh" if n % 2 == 0 else "en"
        template = rep_template(lang)
        ws = openpyxl.load_workbook(path, data_only=True)[template.today.name]
        records = _records(path, case.day)
        for m in template.metrics:
            actual = rules.day_count(m.count, records.get(m.count.register, []), case.day)
            target = ws[m.target].value
            target = None if target is None else Decimal(str(target))
            ratio = rules.progress(actual, target)
            due = (
                rules.expected_by(case.clock, *rules.pace_split(target))
                if target is not None
                else None
            )
            key = status_of(actual, target, due)
            assert ws[m.actual].value == actual, (n, m.count.metric)
            assert _blank(ws[m.progress].value) == (None if ratio is None else float(ratio))
            assert _blank(ws[m.status].value) == (None if key is None else STATUS_WORDS[key](lang))
            compared += 1
        effective = next(m for m in template.metrics if m.count.metric == "effective_calls")
        done = ws[effective.actual].value
        target = Decimal(str(ws[effective.target].value))
        noon = status.short_by(done, rules.pace_split(target)[0])
        day = status.short_by(done, target)
        said = (ws[template.noon_short].value, ws[template.day_short].value)
        assert said == (
            NOON_SHORT(noon, lang) if noon else NOON_DONE(lang),
            DAY_SHORT(day, lang) if day else DAY_DONE(lang),
        ), (n, case.clock, done)
    assert compared == len(recalculated.today) * len(rules.DAY_COUNTS)
    totals = [sum(len(rows) for rows in case.rows.values()) for case, _p in recalculated.today]
    assert max(totals) > 0


def test_master_opens_in_the_engine(recalculated: Recalculated):
    template = master_template("zh")
    book = openpyxl.load_workbook(recalculated.master_out, data_only=True)
    assert book.sheetnames == [template.home.name, CONF_SHEET]
    conf = {r[0]: r[1] for r in book[CONF_SHEET].iter_rows(values_only=True) if r[0]}
    assert conf[CONF_TEAM] == template.settings[CONF_TEAM]
    assert book[template.home.name]["A1"].value == template.home.cells[0].value
