"""In-cell functions (xlwings UDFs): `=SF_GRADE(...)`, `=SF_CHECK(...)` and friends.

Each is a thin shell over `sheets_templates`: it turns Excel's values into the rules'
arguments and the answer back into a cell value. Array forms (`SF_GRADES`,
`SF_CHECKS`, ...) take a whole column in one call, which is what keeps a sheet fast:
Excel pays the Python round trip once per range, not once per row.

Errors come back as readable text in the cell (`#SF! ...` or the rule's own message),
never as a Python traceback. Docstrings are what Excel's function wizard shows.
On Linux the xlwings decorators do nothing, so the tests call these directly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

import xlwings as xw

from sheets_templates import rules
from sheets_templates.problems import ValueProblem
from sheets_templates.registers import normalize_header
from sheets_templates.table import SheetContext, read_grid
from sheets_templates.templates import language_of
from sheets_templates.values import (
    ReadContext,
    is_blank,
    parse_date,
    parse_phone,
    parse_time,
    parse_yes_no,
)
from sheets_templates.words import Lang, Text, lang_of

F = TypeVar("F", bound=Callable[..., Any])

UNKNOWN_METRIC = Text(
    "不认识的指标: {value}（可用: {known}）", "Unknown metric: {value} (known: {known})"
)
UNKNOWN_PERIOD = Text(
    "期间只能是 日/周/月（day/week/month）: {value}", "Period must be day, week or month: {value}"
)
NO_HEADER = Text(
    "看不出是哪种登记表：请把表头行一起选上", "Not a register's header: include the header row"
)
NOT_A_NUMBER = Text("不是数字: {value}", "Not a number: {value}")
_PERIODS = {
    "day": "day",
    "日": "day",
    "天": "day",
    "week": "week",
    "周": "week",
    "month": "month",
    "月": "month",
}


class Unusable(ValueError):
    """An argument the function cannot use; its message goes into the cell."""


def readable(fn: F) -> F:
    """Any failure becomes a short text in the cell instead of a traceback."""

    @functools.wraps(fn)
    def shell(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValueProblem as problem:
            return f"#SF! {problem.finding.message('zh')}"
        except Unusable as exc:
            return f"#SF! {exc}"
        except Exception as exc:  # a cell must show something a person can act on
            return f"#SF! {type(exc).__name__}: {exc}"

    return shell  # type: ignore[return-value]


def _column(values: Any) -> list[list[Any]]:
    """Excel's answer for a column of results: one value per row."""
    return [[v] for v in values]


def _read_ctx(year: Any = None) -> ReadContext:
    """A parsing context of its own for each call: a parser's warnings go into it, so
    one call never sees (or keeps alive) another's; the year, when not given, is
    this year as of the call."""
    known = isinstance(year, int | float) and not isinstance(year, bool) and 1900 <= year < 2200
    return ReadContext(year=int(year) if known else None, year_known=known, today=date.today())


# --- grades ------------------------------------------------------------------------


def _grade_of(facts: list[Any], yes: dict[Any, bool]) -> str:
    """A row's grade from its five stage cells; a cell that is not yes/no names itself."""
    flags = []
    for raw in facts:
        if is_blank(raw):
            flags.append(False)
            continue
        try:
            flag = yes[raw]
        except KeyError:
            flag = yes[raw] = parse_yes_no(raw, _read_ctx())
        except TypeError:  # an unhashable value: read it without the cache
            flag = parse_yes_no(raw, _read_ctx())
        flags.append(flag)
    return rules.grade(*flags) or ""


@xw.func
@xw.arg("negotiating", doc="商务谈判中 (是/否)")
@xw.arg("solution_submitted", doc="已递交方案 (是/否)")
@xw.arg("met_with_interest", doc="面谈有兴趣 (是/否)")
@xw.arg("bought_before", doc="曾购买同类产品 (是/否)")
@xw.arg("accepts_meeting", doc="接受产品可面谈 (是/否)")
@readable
def SF_GRADE(
    negotiating: Any,
    solution_submitted: Any = None,
    met_with_interest: Any = None,
    bought_before: Any = None,
    accepts_meeting: Any = None,
) -> Any:
    """Lead grade A-D from the five stage facts (blank: no stage). 按进展给意向客户定级。"""
    return _grade_of(
        [negotiating, solution_submitted, met_with_interest, bought_before, accepts_meeting], {}
    )


@xw.func
@xw.arg("facts", ndim=2, doc="Five stage columns, many rows (谈判中…可面谈)")
@readable
def SF_GRADES(facts: Any) -> Any:
    """Grades for many leads in one call: five stage columns in, one grade column out."""
    yes: dict[Any, bool] = {}
    out = []
    for row in facts:
        try:
            out.append(_grade_of(list(row)[:5], yes))
        except ValueProblem as problem:
            out.append(f"#SF! {problem.finding.message('zh')}")
    return _column(out)


# --- row checks --------------------------------------------------------------------


def _checks(header: list[Any], rows: list[list[Any]], rep: Any) -> list[str]:
    """Every row's problems as one text ("" when valid), by the reader `check` uses."""
    lang = language_of(header)
    ctx = SheetContext(
        file="",
        sheet="",
        as_of=date.today(),
        settings_rep=None if is_blank(rep) else str(rep).strip(),
        keep_records=False,  # problems only: building records would double the time
    )
    result = read_grid([list(header), *[list(r) for r in rows]], ctx)
    if result.kind is None:
        raise Unusable(NO_HEADER(lang))
    header_row = result.header_row or 1
    general = [p.message(lang) for p in result.problems if p.row is None or p.row <= header_row]
    by_row: dict[int, list[str]] = {}
    for p in result.problems:
        if p.row is not None and p.row > header_row:
            by_row.setdefault(p.row, []).append(p.message(lang))
    return ["; ".join(general + by_row.get(n + header_row + 1, [])) for n in range(len(rows))]


@xw.func
@xw.arg("header", ndim=1, doc="The register's header row (表头行)")
@xw.arg("row", ndim=1, doc="The row to check (要检查的一行)")
@xw.arg("rep", doc="The rep, when the row has no rep (设置表的销售员)")
@readable
def SF_CHECK(header: Any, row: Any, rep: Any = None) -> Any:
    """A row's problems as one text, blank when valid. 一行的问题，没问题为空。"""
    return _checks(header, [row], rep)[0]


@xw.func
@xw.arg("header", ndim=1, doc="The register's header row (表头行)")
@xw.arg("rows", ndim=2, doc="The rows to check, many at once (要检查的多行)")
@xw.arg("rep", doc="The rep, when rows have no rep (设置表的销售员)")
@readable
def SF_CHECKS(header: Any, rows: Any, rep: Any = None) -> Any:
    """Problems of many rows in one call (duplicates too): one text per row."""
    return _column(_checks(header, rows, rep))


# --- single values -----------------------------------------------------------------


def _phone(raw: Any, lang: Lang) -> str:
    if is_blank(raw):
        return ""
    try:
        return parse_phone(raw, _read_ctx())
    except ValueProblem as problem:
        return f"#SF! {problem.finding.message(lang)}"


def _date(raw: Any, year: Any, lang: Lang) -> Any:
    if is_blank(raw):
        return ""
    try:
        return parse_date(raw, _read_ctx(year))
    except ValueProblem as problem:
        return f"#SF! {problem.finding.message(lang)}"


@xw.func
@xw.arg("phone", doc="A phone as typed (电话)")
@xw.arg("lang", doc="zh or en, for the message")
@readable
def SF_PHONE(phone: Any, lang: Any = None) -> Any:
    """A phone as digits (13800138000, 075512345678-123), or what is wrong with it."""
    return _phone(phone, lang_of(lang))


@xw.func
@xw.arg("phones", ndim=1, doc="A column of phones (一列电话)")
@xw.arg("lang", doc="zh or en, for the messages")
@readable
def SF_PHONES(phones: Any, lang: Any = None) -> Any:
    """Many phones normalised in one call, one per row."""
    chosen = lang_of(lang)
    return _column(_phone(raw, chosen) for raw in phones)


@xw.func
@xw.arg("value", doc="A date as typed: 2026/11/3, 20261103, 11月3日 ...")
@xw.arg("year", doc="The year for dates typed without one (default: this year)")
@xw.arg("lang", doc="zh or en, for the message")
@readable
def SF_DATE(value: Any, year: Any = None, lang: Any = None) -> Any:
    """A typed date as a real date, or what is wrong with it. 把各种写法的日期变成日期。"""
    return _date(value, year, lang_of(lang))


@xw.func
@xw.arg("values", ndim=1, doc="A column of dates as typed (一列日期)")
@xw.arg("year", doc="The year for dates typed without one")
@xw.arg("lang", doc="zh or en, for the messages")
@readable
def SF_DATES(values: Any, year: Any = None, lang: Any = None) -> Any:
    """Many typed dates as real dates in one call, one per row."""
    chosen = lang_of(lang)
    return _column(_date(raw, year, chosen) for raw in values)


# --- targets and pace --------------------------------------------------------------


def _metric(name: Any) -> rules.Metric:
    key = normalize_header(name) if isinstance(name, str) else ""
    for metric in rules.METRICS:
        if key in {
            normalize_header(metric.name),
            normalize_header(metric.label.zh),
            normalize_header(metric.label.en),
        }:
            return metric
    known = ", ".join(m.name for m in rules.METRICS)
    raise Unusable(UNKNOWN_METRIC(language_of([name]), value=name, known=known))


def _period(period: Any) -> str:
    key = str(period or "day").strip().lower()
    if key not in _PERIODS:
        raise Unusable(UNKNOWN_PERIOD(language_of([period]), value=period))
    return _PERIODS[key]


def _target(metric: Any, period: Any) -> Decimal | None:
    if isinstance(metric, int | float) and not isinstance(metric, bool):
        return Decimal(str(metric))
    m = _metric(metric)
    return rules.target_for(m.daily_target, m.monthly_target, _period(period))


def _number(value: Any) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    if is_blank(value):
        return Decimal(0)
    raise Unusable(NOT_A_NUMBER(language_of([value]), value=value))


@xw.func
@xw.arg("metric", doc="effective_calls, wechat_adds, 有效通话, 陌生拜访 ...")
@xw.arg("period", doc="day / week / month (日/周/月), default day")
@readable
def SF_TARGET(metric: Any, period: Any = None) -> Any:
    """A metric's default target for a day, week or month (blank: no target). 指标目标。"""
    target = _target(metric, period)
    return "" if target is None else float(target)


@xw.func
@xw.arg("actual", doc="What was done (完成数)")
@xw.arg("metric", doc="A metric name, or the target itself as a number")
@xw.arg("period", doc="day / week / month, default day")
@readable
def SF_PROGRESS(actual: Any, metric: Any, period: Any = None) -> Any:
    """Actual over target (0.4 = 40%); blank when the metric has no target. 完成率。"""
    ratio = rules.progress(_number(actual), _target(metric, period))
    return "" if ratio is None else float(ratio)


@xw.func
@xw.arg("clock", doc="A time of day (default: now)")
@xw.arg("target", doc="The day's effective-call target (default 100)")
@readable
def SF_PACE(clock: Any = None, target: Any = None) -> Any:
    """Effective calls expected by a time of day: 40% by 12:00, 60% more by 17:30."""
    if is_blank(clock):
        now = datetime.now()
        moment = time(now.hour, now.minute)
    else:
        moment = parse_time(clock, _read_ctx())
    daily = rules.METRICS_BY_NAME["effective_calls"].daily_target
    if not is_blank(target) or daily is None:
        daily = _number(target)
    return float(rules.expected_by(moment, *rules.pace_split(daily)))
