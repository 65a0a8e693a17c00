"""The business rules, each once, with its native spreadsheet formula beside it.

A rule that a cell shows (a lead's grade, an order's amount, today's pace) has a
`*_formula` twin that writes the same rule as a formula LibreOffice, WPS, Excel and
Google Sheets all compute: plain ranges, no structured references, no dynamic
arrays. The parity tests recalculate the twins in LibreOffice and compare.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from .values import to_cents

# --- yes/no as a formula sees it ---------------------------------------------------

FORMULA_YES = ("是", "有", "Y", "YES", "对", "√", "✓")
"""The yes words a formula recognises (Excel's `=` ignores case); TRUE and 1 also count."""


def yes_formula(ref: str) -> str:
    """A formula that is TRUE when the cell says yes, as `values.parse_yes_no` reads it."""
    words = ",".join(f'{ref}="{w}"' for w in FORMULA_YES)
    return f"OR({words},{ref}=TRUE,{ref}=1)"


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


NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "calls": ("rep", "date", "time", "phone"),
    "visits": ("rep", "date", "customer"),
    "leads": ("rep", "customer"),
    "shipments": ("order_no", "product"),
}


def natural_key(register: str, record: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields that say "this is the same row" in a register, as comparable text."""
    parts = []
    for name in NATURAL_KEYS[register]:
        value = record.get(name)
        if name == "customer":
            parts.append(customer_key(value))
        elif isinstance(value, time):
            parts.append(value.strftime("%H:%M"))
        else:
            parts.append("" if value is None else str(value))
    return tuple(parts)


def find_duplicates(keys: Iterable[tuple[str, ...]]) -> dict[int, int]:
    """Positions whose key was seen before → position of the first with that key."""
    first: dict[tuple[str, ...], int] = {}
    dupes: dict[int, int] = {}
    for i, key in enumerate(keys):
        if key in first:
            dupes[i] = first[key]
        else:
            first[key] = i
    return dupes


# --- shipments ---------------------------------------------------------------------


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """An order line's amount: quantity × unit price, to the cent."""
    return to_cents(quantity * unit_price)


def amount_agrees(amount: Decimal, quantity: Decimal, unit_price: Decimal) -> bool:
    return to_cents(amount) == line_amount(quantity, unit_price)


def amount_check_formula(amount: str, quantity: str, unit_price: str) -> str:
    """TRUE when a typed amount differs from quantity × unit price by a cent or more
    (used by the template's conditional format; blank cells never flag)."""
    return (
        f"=AND(ISNUMBER({amount}),ISNUMBER({quantity}),ISNUMBER({unit_price}),"
        f"ROUND({amount},2)<>ROUND({quantity}*{unit_price},2))"
    )


SHIPMENT_STATUS = {
    "pending": ("待发货", "To ship"),
    "shipped": ("已发货待确认", "Shipped, awaiting confirmation"),
    "confirmed": ("已确认待回款", "Confirmed, awaiting payment"),
    "settled": ("已结清", "Settled"),
}


def outstanding(amount: Decimal, received: Decimal | None) -> Decimal:
    return to_cents(amount - (received or Decimal(0)))


def shipment_status(
    ship_date: date | None, confirmed_date: date | None, amount: Decimal, received: Decimal | None
) -> str:
    """Where an order line is in requisition → shipped → confirmed → collected."""
    if outstanding(amount, received) <= 0 and (ship_date or confirmed_date):
        return "settled"
    if confirmed_date:
        return "confirmed"
    if ship_date:
        return "shipped"
    return "pending"


def overdue_days(
    due_date: date | None, amount: Decimal, received: Decimal | None, as_of: date
) -> int:
    """Days past the due date with money still outstanding (0 when not overdue)."""
    if due_date is None or outstanding(amount, received) <= 0 or as_of <= due_date:
        return 0
    return (as_of - due_date).days


AGING_BUCKETS = ((0, 30, "≤30"), (31, 60, "31–60"), (61, 90, "61–90"), (91, None, ">90"))


def aging_bucket(days_overdue: int) -> str | None:
    """The receivables aging column an overdue line falls into."""
    if days_overdue <= 0:
        return None
    for low, high, label in AGING_BUCKETS:
        if days_overdue >= low and (high is None or days_overdue <= high):
            return label
    return None


# --- targets, working days, pace ---------------------------------------------------


@dataclass(frozen=True)
class Metric:
    name: str
    zh: str
    en: str
    daily_target: Decimal | None
    monthly_target: Decimal | None = None

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


METRICS: tuple[Metric, ...] = (
    Metric("calls", "通话数", "Calls", None),
    Metric("effective_calls", "有效通话", "Effective calls", Decimal(100)),
    Metric("wechat_adds", "添加微信", "WeChat adds", Decimal(30)),
    Metric("new_intent_leads", "新增意向客户", "New intent leads", Decimal(2)),
    Metric("visits", "拜访数", "Visits", None),
    Metric("cold_visits", "陌生拜访", "Cold visits", Decimal(3)),
    Metric("c_plus_visits", "C级以上拜访", "C+ visits", Decimal(2)),
    Metric("signed_customers", "签约客户", "Signed customers", None, Decimal(3)),
    Metric("sales_amount", "销售额", "Sales amount", None),
    Metric("collected_amount", "回款额", "Collected", None),
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


def working_days(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:
    """Working days from start to end inclusive (Mon–Fri less holidays)."""
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

    return (share(MORNING, morning) + share(AFTERNOON, afternoon)).quantize(Decimal("0.1"))


def expected_by_formula(clock: str, morning: str = "40", afternoon: str = "60") -> str:
    """`expected_by` as a formula over a cell holding a time of day (e.g. `NOW()-TODAY()`)."""
    m0, m1 = "(9.5/24)", "(12/24)"
    a0, a1 = "(13+50/60)/24", "(17.5/24)"
    return (
        f"=ROUND({morning}*(MIN(MAX({clock},{m0}),{m1})-{m0})/({m1}-{m0})"
        f"+{afternoon}*(MIN(MAX({clock},{a0}),{a1})-{a0})/({a1}-{a0}),1)"
    )


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


# --- flags -------------------------------------------------------------------------

STALLED_AFTER_VISITS = 3


def is_stalled(visits: list[Mapping[str, Any]]) -> bool:
    """Three or more visits with no breakthrough since the last one, and no new plan.

    `visits` are one rep's visits to one customer, in date order. Counting restarts
    after a breakthrough; a new plan on any visit since then lifts the flag.
    """
    since: list[Mapping[str, Any]] = []
    for visit in visits:
        if visit.get("breakthrough"):
            since = []
        else:
            since.append(visit)
    if len(since) < STALLED_AFTER_VISITS:
        return False
    return not any((v.get("new_plan") or "").strip() for v in since)
