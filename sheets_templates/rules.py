"""The business rules, each once, with its native spreadsheet formula beside it.

A rule that a cell shows (a lead's grade, an order's amount, today's pace) has a
`*_formula` twin that writes the same rule as a formula LibreOffice, WPS, Excel and
Google Sheets all compute: plain ranges, scalar comparisons, no inline arrays, no
structured references, no dynamic arrays, only the functions of
`docs/formula-compatibility.md`. The parity tests recalculate the twins in LibreOffice
and in Gnumeric and compare.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from .choices import VISIT_TYPES
from .problems import display
from .registers import REGISTERS
from .typed_dates import day_match_formula
from .values import _YES, GRADES, to_cents
from .words import Text

# --- yes/no as a formula sees it ---------------------------------------------------

FORMULA_YES = tuple(sorted(w.upper() for w in _YES))
"""Every yes word `values.parse_yes_no` accepts, as a formula compares them: `=` ignores
case, and TRIM turns a TRUE or 1 cell into the text `TRUE` (Excel) or `1` (LibreOffice)."""


def one_of_formula(ref: str, words: Iterable[str]) -> str:
    """TRUE when one cell, spaces trimmed and any case, is one of `words`.

    One scalar comparison per word inside OR: comparing with an inline array
    (`TRIM(A1)={"1","是"}`) needs implicit array evaluation, which Gnumeric does not do
    (it compares with the first word only).
    """
    return "OR(" + ",".join(f'TRIM({ref})="{w}"' for w in words) + ")"


def one_of_mask_formula(cells: str, words: Iterable[str]) -> str:
    """1 or 0 per cell of a range (inside an array-entered SUMPRODUCT): is it one of `words`?

    A sum of plain comparisons rather than MATCH, whose wildcards would let a typed `?`
    or `*` count; a cell equals at most one word, so each term adds 0 or 1.
    """
    return "(" + "+".join(f'(TRIM({cells})="{w}")' for w in words) + ")"


def yes_formula(ref: str) -> str:
    """A formula that is TRUE when the cell says yes, as `values.parse_yes_no` reads it."""
    return one_of_formula(ref, FORMULA_YES)


# --- grade -------------------------------------------------------------------------

STAGE_FACTS = (
    "negotiating",
    "solution_submitted",
    "met_with_interest",
    "bought_before",
    "accepts_meeting",
)


def grade(
    negotiating: bool = False,
    solution_submitted: bool = False,
    met_with_interest: bool = False,
    bought_before: bool = False,
    accepts_meeting: bool = False,
) -> str | None:
    """The highest stage reached: A negotiating; B solution submitted; C met with
    interest or bought before; D accepts a meeting; no stage, no grade."""
    if negotiating:
        return "A"
    if solution_submitted:
        return "B"
    if met_with_interest or bought_before:
        return "C"
    if accepts_meeting:
        return "D"
    return None


def grade_formula(
    negotiating: str,
    solution_submitted: str,
    met_with_interest: str,
    bought_before: str,
    accepts_meeting: str,
) -> str:
    """`grade` as a formula over the five stage cells (blank text when no stage)."""
    y = yes_formula
    return (
        f'=IF({y(negotiating)},"A",IF({y(solution_submitted)},"B",'
        f'IF(OR({y(met_with_interest)},{y(bought_before)}),"C",'
        f'IF({y(accepts_meeting)},"D",""))))'
    )


def grade_disagrees(typed: str | None, computed: str | None) -> bool:
    """A typed grade that the filled-in stage facts contradict (a warning, not an error)."""
    return typed is not None and typed != computed


# --- identity ----------------------------------------------------------------------

_NAME_NOISE = re.compile(r"[\s\W_]+")
_COMPANY_SUFFIX = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团公司|公司|厂)$")


def customer_key(name: str | None) -> str:
    """A customer name as compared: width-folded, no spaces or punctuation, no `有限公司`.

    `华为技术有限公司`, `华为技术 (有限公司)` and `华为技术` are one customer; that is
    what makes two reps' claims on it visible.
    """
    if not name:
        return ""
    s = unicodedata.normalize("NFKC", name).casefold()
    s = _NAME_NOISE.sub("", s)
    return _COMPANY_SUFFIX.sub("", s) or s


def natural_key(register: str, record: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields that say "this is the same row" in a register, as comparable text."""
    return tuple(key_part(name, record.get(name)) for name in REGISTERS[register].natural_key)


def key_part(name: str, value: Any) -> str:
    """One field of a natural key as compared (the reader caches it per distinct value)."""
    if name == "customer":
        return customer_key(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value)


# --- shipments ---------------------------------------------------------------------


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """An order line's amount: quantity × unit price, to the cent."""
    return to_cents(quantity * unit_price)


def amount_agrees(amount: Decimal, quantity: Decimal, unit_price: Decimal) -> bool:
    return to_cents(amount) == line_amount(quantity, unit_price)


def amount_check_formula(amount: str, quantity: str, unit_price: str) -> str:
    """TRUE when a typed amount differs from quantity × unit price by a cent or more
    (used by the template's conditional format; blank cells never flag)."""
    return (  # IF, not AND: AND evaluates ROUND of a text cell too, which is an error
        f"=IF(AND(ISNUMBER({amount}),ISNUMBER({quantity}),ISNUMBER({unit_price})),"
        f"ROUND({amount},2)<>ROUND({quantity}*{unit_price},2),FALSE)"
    )


# --- targets, working days, pace ---------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """A KPI: its name, its label in each language (`metric.label(lang)`), its default
    target per day or per month."""

    name: str
    label: Text
    daily_target: Decimal | None
    monthly_target: Decimal | None = None


METRICS: tuple[Metric, ...] = (
    Metric("calls", Text("通话数", "Calls"), None),
    Metric("effective_calls", Text("有效通话", "Effective calls"), Decimal(100)),
    Metric("wechat_adds", Text("添加微信", "WeChat adds"), Decimal(30)),
    Metric("new_intent_leads", Text("新增意向客户", "New intent leads"), Decimal(2)),
    Metric("visits", Text("拜访数", "Visits"), None),
    Metric("cold_visits", Text("陌生拜访", "Cold visits"), Decimal(3)),
    Metric("c_plus_visits", Text("C级以上拜访", "C+ visits"), Decimal(2)),
    Metric("signed_customers", Text("签约客户", "Signed customers"), None, Decimal(3)),
    Metric("sales_amount", Text("销售额", "Sales amount"), None),
    Metric("collected_amount", Text("回款额", "Collected"), None),
)
"""Every KPI metric, with its default target (per day, or per month for signings)."""

METRICS_BY_NAME = {m.name: m for m in METRICS}
MONTH_WORKING_DAYS = 22
WEEK_WORKING_DAYS = 5

MORNING = (time(9, 30), time(12, 0), Decimal(40))
AFTERNOON = (time(13, 50), time(17, 30), Decimal(60))
"""The 40/60 split of the 100 effective calls a day: 40 by noon, 60 more by 17:30."""


def is_working_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in holidays


@lru_cache(maxsize=4096)
def working_days(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:
    """Working days from start to end inclusive (Mon–Fri less holidays); kept for the
    same spans (every rep's targets are due over the same periods)."""
    return sum(
        1
        for n in range((end - start).days + 1)
        if is_working_day(start + timedelta(days=n), holidays)
    )


def period_bounds(period: str, as_of: date) -> tuple[date, date]:
    """The day, the Monday-to-Sunday week, or the calendar month holding `as_of`."""
    if period == "day":
        return as_of, as_of
    if period == "week":
        start = as_of - timedelta(days=as_of.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        start = as_of.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return start, following - timedelta(days=1)
    raise ValueError(f"unknown period {period!r}")


def target_for(daily: Decimal | None, monthly: Decimal | None, period: str) -> Decimal | None:
    """A metric's target for a day, week (5 days) or month (22 days).

    A monthly target splits evenly over the month's working days, so a day's share of
    3 signings is 3/22; a daily target times the days makes the week and the month.
    """
    days = {"day": 1, "week": WEEK_WORKING_DAYS, "month": MONTH_WORKING_DAYS}[period]
    if daily is not None:
        return daily * days
    if monthly is not None:
        return (monthly * days / MONTH_WORKING_DAYS).quantize(Decimal("0.01"))
    return None


def target_met(actual: Decimal | int, target: Decimal | None) -> bool | None:
    """Met when actual reaches the target; None when the metric has no target."""
    if target is None:
        return None
    return Decimal(actual) >= target


def expected_by(
    clock: time, morning: Decimal = MORNING[2], afternoon: Decimal = AFTERNOON[2]
) -> Decimal:
    """Effective calls expected by a clock time: 40 linearly over 09:30–12:00, then 60
    linearly over 13:50–17:30 (flat over lunch and after hours)."""

    def share(span: tuple[time, time, Decimal], total: Decimal) -> Decimal:
        start, end = _minutes(span[0]), _minutes(span[1])
        now = min(max(_minutes(clock), start), end)
        return total * Decimal(now - start) / Decimal(end - start)

    total = share(MORNING, morning) + share(AFTERNOON, afternoon)
    return total.quantize(Decimal("0.1"), ROUND_HALF_UP)  # as the formula's ROUND rounds


def expected_by_formula(clock: str, morning: str = "40", afternoon: str = "60") -> str:
    """`expected_by` as a formula over a cell holding a time of day (e.g. `NOW()-TODAY()`).

    Rounded to 9 places first: the sum carries binary noise (31.45 as 31.4499…), which
    Gnumeric's ROUND keeps and LibreOffice's and Excel's (15 digits) drop; for whole
    minutes and a target in cents the exact value is never that close to a half-tenth,
    so every engine then rounds half up as the rule does."""
    m0, m1 = "(9.5/24)", "(12/24)"
    a0, a1 = "(13+50/60)/24", "(17.5/24)"
    return (
        f"=ROUND(ROUND({morning}*(MIN(MAX({clock},{m0}),{m1})-{m0})/({m1}-{m0})"
        f"+{afternoon}*(MIN(MAX({clock},{a0}),{a1})-{a0})/({a1}-{a0}),9),1)"
    )


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


PACE_MORNING_SHARE = MORNING[2] / (MORNING[2] + AFTERNOON[2])
"""The morning's share of a day's effective-call target (40 of 100), for any target."""


def pace_split(target: Decimal) -> tuple[Decimal, Decimal]:
    """A day's effective-call target split into its morning and afternoon parts (40/60)."""
    morning = target * PACE_MORNING_SHARE
    return morning, target - morning


def pace_split_formula(target: str) -> tuple[str, str]:
    """`pace_split` over a target cell: the morning and afternoon parts as formulas."""
    return f"{target}*{PACE_MORNING_SHARE}", f"{target}*{1 - PACE_MORNING_SHARE}"


def progress(actual: Decimal | int, target: Decimal | None) -> Decimal | None:
    """Actual over target, to 4 places (0.4 = 40%); None when there is no positive target."""
    if target is None or target <= 0:
        return None
    return (Decimal(actual) / target).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def progress_formula(actual: str, target: str) -> str:
    """`progress` as a formula: blank text when the target cell holds no positive number.

    Nested IFs, so that `>` and the division see a number only (N() of a blank cell is
    #NUM! in Gnumeric, and AND evaluates every argument)."""
    return f'=IF(ISNUMBER({target}),IF({target}>0,ROUND({actual}/{target},4),""),"")'


# --- today's counts (the rep template's Today sheet) -------------------------------

GRADE_SUFFIXES = ("", "类", "级", "类客户", "级客户", "客户")
"""The decorations `values.parse_grade` accepts after a letter (`A类`, `b级`)."""


def grade_words(grades: str) -> tuple[str, ...]:
    """Every spelling of the given grade letters a formula should accept (`A`, `A类`…)."""
    return tuple(g + suffix for g in grades for suffix in GRADE_SUFFIXES)


COLD_VISIT_WORDS = (*(k for k, v in VISIT_TYPES.items() if v == "cold"), "COLD", "COLD VISIT")
"""Visit types that mean a cold visit (陌生拜访), upper case as compared."""


def is_cold_visit(visit_type: str | None) -> bool:
    """A cold visit (陌生拜访 / cold), whatever the case or surrounding spaces."""
    return (visit_type or "").strip().upper() in COLD_VISIT_WORDS


def _is_yes(value: Any) -> bool:
    return value is True


def _is_c_plus(value: Any) -> bool:
    return value in ("A", "B", "C")


def _is_graded(value: Any) -> bool:
    return value in GRADES


DAY_CONDITIONS: dict[str, tuple[Callable[[Any], bool], tuple[str, ...]]] = {
    "yes": (_is_yes, FORMULA_YES),
    "cold": (is_cold_visit, COLD_VISIT_WORDS),
    "c_plus": (_is_c_plus, grade_words("ABC")),
    "graded": (_is_graded, grade_words("ABCD")),
}
"""Each condition a day count can put on a field: the test on a record's value, and the
words that say the same to a formula over the cells as typed."""


@dataclass(frozen=True)
class DayCount:
    """A metric counted from one register on one day: the rows dated that day whose
    `field` meets `condition` (none: every row of the day)."""

    metric: str
    register: str
    date_field: str
    field: str | None = None
    condition: str | None = None

    def day_of(self, record: Mapping[str, Any]) -> date | None:
        """The day a record counts toward this metric, or None when it does not count
        (undated, or its `field` fails the condition). The master's KPIs count with it
        too, so the Today sheet's formulas and the master agree by construction."""
        day: date | None = record.get(self.date_field)
        if day is None or self.condition is None:
            return day
        return day if DAY_CONDITIONS[self.condition][0](record.get(self.field or "")) else None


DAY_COUNTS: tuple[DayCount, ...] = (
    DayCount("calls", "calls", "date"),
    DayCount("effective_calls", "calls", "date", "effective", "yes"),
    DayCount("wechat_adds", "calls", "date", "wechat_added", "yes"),
    DayCount("new_intent_leads", "leads", "registered", "grade", "graded"),
    DayCount("visits", "visits", "date"),
    DayCount("cold_visits", "visits", "date", "visit_type", "cold"),
    DayCount("c_plus_visits", "visits", "date", "customer_grade", "c_plus"),
)
"""What the Today sheet counts. New intent leads there are the leads registered that day
with a grade; the master's figure also counts first gradings on calls and visits."""


def day_count(spec: DayCount, records: Iterable[Mapping[str, Any]], day: date) -> int:
    """How many of a register's records count toward `spec` on `day`."""
    return sum(1 for r in records if spec.day_of(r) == day)


def day_count_formula(spec: DayCount, dates: str, cells: str | None, day: str) -> str:
    """`day_count` as a formula over plain ranges: the register's date column, the
    condition's column (same rows) and a cell holding the day. Dates typed as text
    count as `check` reads them (`typed_dates.day_match_formula`).

    It must be written as an array formula (the Today sheet's `Cell(array=True)`): TRIM over a range
    inside SUMPRODUCT is array evaluation that Excel and LibreOffice do implicitly but
    Gnumeric does only in an array formula (elsewhere it intersects the range with the
    formula's row, and counts the wrong rows).
    """
    on_day = day_match_formula(dates, day)
    if spec.condition is None or cells is None:
        return f"=SUMPRODUCT(--{on_day})"
    mask = one_of_mask_formula(cells, DAY_CONDITIONS[spec.condition][1])
    return f"=SUMPRODUCT({on_day}*{mask})"


# --- checks a template shows while the rep types ----------------------------------


def phone_digit_bounds(text: str) -> tuple[int, int]:
    """The digit counts a phone typed like `text` may have: a mobile-looking value
    (leading 1) exactly 11 — or 10 when it is a landline that lost its leading 0 as a
    number (`1012345678`) — and anything else at least 10."""
    if text[:1] != "1":
        return 10, 99
    return (10 if text[:2] == "10" else 11), 11


def phone_length_flagged(raw: Any) -> bool:
    """A phone cell whose count of digits no valid phone has, flagged as it is typed.

    Coarse on purpose, so a short formula can say it: it never flags a value
    `parse_phone` accepts (the parity tests hold it to that), and leaves every subtler
    mistake to the full check.
    """
    text = display(raw)
    if text == "":
        return False
    digits = sum(ch in "0123456789" for ch in text)
    low, high = phone_digit_bounds(text)
    return not low <= digits <= high


def phone_length_formulas(ref: str) -> tuple[str, ...]:
    """`phone_length_flagged` as conditional-format formulas, the flag being any of them.

    The digits are counted with nested SUBSTITUTEs (an inline array `{0,…,9}` needs
    array evaluation, which Gnumeric does not do in a plain formula); that makes one
    formula too long for a conditional format (255 characters), so each case of
    `phone_digit_bounds` is a rule of its own: `10…` 10 or 11 digits, other `1…` 11,
    anything else 10 to 99. `ABS(2d-low-high)>high-low` says "d outside low..high".
    """
    digits = ref
    for d in "0123456789":
        digits = f'SUBSTITUTE({digits},"{d}","")'
    count = f"(LEN({ref})-LEN({digits}))"
    return (
        f'=AND(LEFT({ref},2)="10",ABS(2*{count}-21)>1)',
        f'=AND(LEFT({ref})="1",LEFT({ref},2)<>"10",{count}<>11)',
        f'=AND({ref}<>"",LEFT({ref})<>"1",ABS(2*{count}-109)>89)',
    )


def is_future(day: date, today: date) -> bool:
    """A date of something done (a call, a visit, goods shipped) after today: a warning,
    usually a typo in the date."""
    return day > today


def future_date_formula(ref: str, today: str = "TODAY()") -> str:
    """`is_future` as a formula over a date cell (text and blanks never flag)."""
    return f"=IF(ISNUMBER({ref}),INT({ref})>{today},FALSE)"  # IF: INT(text) is an error


# --- period pace (the master's meeting pack) ---------------------------------------


def target_to_date(
    daily: Decimal | None,
    monthly: Decimal | None,
    period: str,
    as_of: date,
    holidays: frozenset[date] = frozenset(),
) -> Decimal | None:
    """The part of a period's target due by the end of `as_of`: the day's share times
    the working days of the period so far (capped at the period's target).

    A week's 500 effective calls are 300 due by Wednesday; a month's 3 signings are
    3 × 10 / 22 due on its 10th working day. The master shows it as a value (no cell
    formula shows it, so it has no formula twin).
    """
    full = target_for(daily, monthly, period)
    if full is None or period == "day":
        return full
    start, _end = period_bounds(period, as_of)
    elapsed = working_days(start, as_of, holidays)
    if daily is not None:
        return min(full, daily * elapsed)
    assert monthly is not None
    return min(full, (monthly * elapsed / MONTH_WORKING_DAYS).quantize(Decimal("0.01")))
