"""Property tests: every accepted form of a valid value parses back to it; garbage never
raises anything but `ValueProblem` from a parser, and through `read_grid` it becomes a
problem located at its row and column, showing the value — never an exception."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sheets_templates.problems import ValueProblem, column_letter, display
from sheets_templates.registers import REGISTERS, Kind
from sheets_templates.table import PARSERS
from sheets_templates.values import (
    ReadContext,
    date_to_excel_serial,
    parse_date,
    parse_grade,
    parse_money,
    parse_phone,
    parse_quantity,
    parse_time,
    parse_yes_no,
)

from .helpers import grid_result

TYPED_DAYS = st.dates(min_value=date(1900, 3, 1), max_value=date(2199, 12, 31))


def ctx(year: int = 2026) -> ReadContext:
    return ReadContext(year=year)


# --- valid values in every accepted form ----------------------------------------------


def date_forms(d: date) -> list[Any]:
    forms: list[Any] = [
        d,
        datetime(d.year, d.month, d.day, 14, 30),
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month}.{d.day}",
        f"{d:%Y%m%d}",
        int(f"{d:%Y%m%d}"),
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year}年{d.month}月{d.day}号",
        f"{d.isoformat()} 09:30",
        date_to_excel_serial(d),
        float(date_to_excel_serial(d)) + 0.25,
    ]
    if 10000 <= date_to_excel_serial(d) <= 99999:
        forms.append(str(date_to_excel_serial(d)))
    return forms


@given(TYPED_DAYS)
def test_any_date_in_any_form_parses_back(d: date) -> None:
    for form in date_forms(d):
        assert parse_date(form, ctx()) == d, form
    for form in (f"{d.month}月{d.day}日", f"{d.month}-{d.day}", f"{d.month}/{d.day}"):
        assert parse_date(form, ctx(d.year)) == d, form


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_every_real_day_has_a_serial_that_reads_back(d: date) -> None:
    assert parse_date(date_to_excel_serial(d), ctx()) == d


@given(st.times().map(lambda t: t.replace(microsecond=0)))
def test_any_time_in_any_form_parses_back(t: time) -> None:
    minute = t.replace(second=0)
    seconds = t.hour * 3600 + t.minute * 60 + t.second
    forms: list[Any] = [
        t,
        datetime(1899, 12, 30, t.hour, t.minute, t.second),
        f"{t:%H:%M:%S}",
        f"{t.hour}:{t.minute:02d}:{t.second:02d}",
        seconds / 86400,
    ]
    for form in forms:
        assert parse_time(form, ctx()) == t, form
    half = "上午" if t.hour < 12 else "下午"
    twelve = t.hour if t.hour <= 12 else t.hour - 12
    spoken = [f"{t:%H:%M}", f"{t.hour}：{t.minute}", f"{half}{twelve}点{t.minute}分"]
    for form in spoken:
        assert parse_time(form, ctx()) == minute, form


YES_FORMS = ["是", "有", "Y", "y", "Yes", "YES", "1", 1, 1.0, "TRUE", True, "√", "✓", "对"]
NO_FORMS = ["否", "无", "N", "n", "No", "0", 0, 0.0, "FALSE", False, "×", "✗", "错"]


@given(st.booleans(), st.data())
def test_yes_no_in_any_form_parses_back(value: bool, data: st.DataObject) -> None:
    form = data.draw(st.sampled_from(YES_FORMS if value else NO_FORMS))
    pad = data.draw(st.sampled_from(["", " ", "　"]))
    typed = f"{pad}{form}{pad}" if isinstance(form, str) else form
    assert parse_yes_no(typed, ctx()) is value


MOBILES = st.from_regex(r"\A1[3-9][0-9]{9}\Z")
LANDLINES = st.one_of(
    st.tuples(
        st.sampled_from(["010", *(f"02{n}" for n in range(10))]),
        st.from_regex(r"\A[2-9][0-9]{7}\Z"),
    ),
    st.tuples(
        st.from_regex(r"\A0[3-9][0-9]{2}\Z").filter(lambda a: a not in ("0400", "0800")),
        st.from_regex(r"\A[2-9][0-9]{6,7}\Z"),
    ),
)
"""Real area codes: 010 and 02x with 8 digits, 0xxx with 7 or 8 (never 0400 / 0800, which
as a number would be a 400 / 800 hotline)."""


@given(MOBILES)
def test_any_mobile_in_any_form_parses_back(mobile: str) -> None:
    a, b, c = mobile[:3], mobile[3:7], mobile[7:]
    forms: list[Any] = [
        mobile,
        int(mobile),
        float(mobile),
        f"{a} {b} {c}",
        f"{a}-{b}-{c}",
        f"+86 {mobile}",
        f"+86-{a}-{b}-{c}",
        f"86{mobile}",
        f"0086 {mobile}",
        f"(+86){mobile}",
        f"{mobile[0]}.{mobile[1:]}E+10",
        mobile.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ]
    for form in forms:
        context = ctx()
        assert parse_phone(form, context) == mobile, form
        assert context.warnings == []


@given(LANDLINES, st.one_of(st.none(), st.from_regex(r"\A[1-9][0-9]{0,4}\Z")))
def test_any_landline_in_any_form_parses_back(landline: tuple[str, str], ext: str | None) -> None:
    area, number = landline
    expected = area + number + (f"-{ext}" if ext else "")
    tails = [""] if ext is None else [f" 转 {ext}", f"转{ext}", f"-{ext}", f" ext {ext}"]
    for tail in tails:
        for form in (
            f"{area}-{number}",
            f"{area} {number}",
            f"({area}){number}",
            f"（{area}）{number}",
        ):
            assert parse_phone(form + tail, ctx()) == expected, form + tail
        assert parse_phone(f"+86 {area[1:]} {number}{tail}", ctx()) == expected
    if ext is None:
        as_number = ctx()
        assert parse_phone(int(area + number), as_number) == expected  # the lost zero
        assert [w.kind.code for w in as_number.warnings] == ["phone.zero_restored"]


@given(st.from_regex(r"\A[48]00[0-9]{7}\Z"))
def test_any_hotline_in_any_form_parses_back(hotline: str) -> None:
    a, b, c = hotline[:3], hotline[3:6], hotline[6:]
    for form in (hotline, int(hotline), float(hotline), f"{a}-{b}-{c}", f"{a} {b} {c}"):
        assert parse_phone(form, ctx()) == hotline, form


CENTS = st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2)


@given(CENTS)
def test_any_amount_in_any_form_parses_back(amount: Decimal) -> None:
    plain = f"{amount:.2f}"
    grouped = f"{amount:,.2f}"
    forms: list[Any] = [
        plain,
        grouped,
        f"¥{grouped}",
        f"￥{plain}",
        f"{plain}元",
        f"RMB {grouped}",
        f"人民币{plain}元",
        float(plain),
        f"{amount / 10000}万",
        f"{amount / 10000}万元",
    ]
    if amount == amount.to_integral_value():
        forms.append(int(amount))
    for form in forms:
        value = parse_money(form, ctx())
        assert isinstance(value, Decimal)
        assert value == amount, form


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**8), places=3))
def test_any_quantity_in_any_form_parses_back(qty: Decimal) -> None:
    for form in (str(qty), f"{qty:,}", f"{qty}台", f"{qty} pcs", float(str(qty))):
        assert parse_quantity(form, ctx()) == qty, form


@given(st.sampled_from("ABCD"), st.data())
def test_any_grade_in_any_form_parses_back(grade: str, data: st.DataObject) -> None:
    letter = data.draw(st.sampled_from([grade, grade.lower(), chr(ord(grade) + 0xFEE0)]))
    tail = data.draw(st.sampled_from(["", "类", "级", "级客户", "类客户"]))
    pad = data.draw(st.sampled_from(["", " "]))
    assert parse_grade(f"{pad}{letter}{tail}{pad}", ctx()) == grade


# --- garbage ---------------------------------------------------------------------------

GARBAGE = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789-/.:+eE年月日号点分转 ", max_size=20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.none(),
    st.sampled_from(["", " ", "#DIV/0!", "#N/A", "nan", "None", "null", "-", "/", "——", "N/A"]),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)
PARSERS_UNDER_TEST = [
    parse_date,
    parse_time,
    parse_yes_no,
    parse_phone,
    parse_money,
    parse_quantity,
    parse_grade,
]


@given(GARBAGE)
@settings(max_examples=400)
@example("1e999999999")
@example(float("inf"))
@example("9" * 5000)
def test_garbage_never_raises_anything_but_a_value_problem(raw: Any) -> None:
    for parser in PARSERS_UNDER_TEST:
        try:
            parser(raw, ctx())
        except ValueProblem as problem:
            assert problem.finding.value == display(raw)


FIELDS = [(r.name, f) for r in REGISTERS.values() for f in r.fields if f.kind is not Kind.TEXT]


@given(st.sampled_from(FIELDS), GARBAGE)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_garbage_in_a_sheet_becomes_a_located_problem(field_of: tuple[str, Any], raw: Any) -> None:
    register_name, field = field_of
    register = REGISTERS[register_name]
    headers = [f.header_zh for f in register.fields]
    good = _good_row(register_name)
    row = [good.get(f.name, "") for f in register.fields]
    col = [f.name for f in register.fields].index(field.name)
    row[col] = raw
    title = [f"{register.title_zh}表 2026年11月"]
    sheet = grid_result([title, headers, row], sheet=register.title_zh, owner_rep="张三")
    assert sheet.kind == register_name
    assert sheet.rows == 1
    here = [p for p in sheet.problems if p.column == column_letter(col)]
    try:
        PARSERS[field.kind](raw, ctx())
        parsed = not _blank(raw)
    except ValueProblem:
        parsed = False
    if not parsed and not _blank(raw):
        assert here, (raw, sheet.problems)
    for problem in here:
        assert problem.row == 3
        assert problem.header == field.header_zh
        assert problem.field == field.name
        if problem.code != "required.missing":
            assert problem.value == display(raw).strip() or problem.value == display(raw)
            assert problem.value in problem.message_zh and problem.value in problem.message_en
    if any(p.severity == "error" for p in sheet.problems):
        assert sheet.valid == 0 and sheet.records == []


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _good_row(register: str) -> dict[str, Any]:
    """A row every parser accepts, so only the garbage cell can be wrong."""
    return {
        "calls": {
            "date": "2026-11-03",
            "time": "10:30",
            "rep": "张三",
            "customer": "华信科技",
            "phone": "13800138000",
            "effective": "是",
        },
        "visits": {"date": "2026-11-03", "rep": "张三", "customer": "华信科技"},
        "leads": {"customer": "华信科技", "rep": "张三"},
        "shipments": {
            "order_no": "HT001",
            "date": "2026-11-03",
            "rep": "张三",
            "customer": "华信科技",
            "product": "扫码枪",
            "quantity": "2",
            "unit_price": "100",
        },
    }[register]
