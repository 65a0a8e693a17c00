"""Parsing the values people really type: dates, times, yes/no, phones, money, grades.

Each parser takes a raw cell (whatever the reader produced: str, float, int, bool,
date, datetime, time) and returns the canonical value, or raises `ValueProblem`
with a finding that shows the value as typed. Warnings (a value read, but with an
assumption) go into `ReadContext.warnings`, so the row still counts.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import problems as p
from .problems import Finding, ValueProblem

_EXCEL_EPOCH = date(1899, 12, 30)
_MAX_SERIAL = 2958465  # 9999-12-31


@dataclass
class ReadContext:
    """What a parser needs beyond the cell: the year to give `11月3日`."""

    year: int
    year_known: bool = True
    warnings: list[Finding] = field(default_factory=list)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _fold(raw: str) -> str:
    """Full-width to half-width, surrounding space removed: `２０２６／１１／３` → `2026/11/3`."""
    return unicodedata.normalize("NFKC", raw).strip()


# --- dates -------------------------------------------------------------------------

_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:[\sT].*)?$")
_YMD_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MD = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_TYPED_YEARS = range(1900, 2200)
"""Years a typed date may have: `0226-11-03` is a slip of the keyboard, not a date."""


def excel_serial_to_date(serial: float) -> date:
    """Excel's day number to a date, honouring the 1900 leap-year quirk.

    Excel counts 1900-02-29 (serial 60), a day that never was, so serials below 60
    are one day later than a plain count from 1899-12-30 would make them.
    """
    if not math.isfinite(serial) or not 1 <= serial < _MAX_SERIAL + 1:
        raise ValueError(serial)
    n = int(serial)
    if n == 60:
        raise ValueError(serial)
    return _EXCEL_EPOCH + timedelta(days=n + (1 if n < 60 else 0))


def date_to_excel_serial(d: date) -> int:
    """The inverse of `excel_serial_to_date`."""
    n = (d - _EXCEL_EPOCH).days
    return n - 1 if n <= 60 else n


def _typed_date(year: str | int, month: str, day: str) -> date:
    if int(year) not in _TYPED_YEARS:
        raise ValueError(year)
    return date(int(year), int(month), int(day))


def parse_date(raw: Any, ctx: ReadContext) -> date:
    """A day from a real date, an Excel serial or any of the text forms reps type.

    A date without a year (`11月3日`, `11-3`) takes `ctx.year`; when that year is a
    guess, a `date.year_assumed` warning says so.
    """
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool):
        raise ValueProblem(p.DATE_INVALID.at(raw))
    if isinstance(raw, int | float):
        return _date_from_number(raw)
    text = _fold(str(raw))
    try:
        if m := _YMD.match(text):
            return _typed_date(m[1], m[2], m[3])
        if m := _YMD_COMPACT.match(text):
            return _typed_date(m[1], m[2], m[3])
        if m := _MD.match(text):
            day = date(ctx.year, int(m[1]), int(m[2]))
            if not ctx.year_known:
                ctx.warnings.append(p.DATE_YEAR_ASSUMED.at(raw, year=ctx.year))
            return day
        if text.isdigit() and len(text) == 5:
            return excel_serial_to_date(int(text))
    except ValueError:
        pass
    raise ValueProblem(p.DATE_INVALID.at(raw))


def _date_from_number(raw: float) -> date:
    try:
        if 19000101 <= raw <= 21991231 and float(raw).is_integer():
            m = _YMD_COMPACT.match(str(int(raw)))
            if m:
                return _typed_date(m[1], m[2], m[3])
        return excel_serial_to_date(raw)
    except ValueError:
        raise ValueProblem(p.DATE_INVALID.at(raw)) from None


# --- times -------------------------------------------------------------------------

_HM = re.compile(
    r"^(上午|下午|晚上|中午)?\s*(\d{1,2})\s*[:：点时]\s*(\d{1,2}|半)?\s*分?(?::(\d{1,2}))?\s*(am|pm)?$"
)


def parse_time(raw: Any, ctx: ReadContext) -> time:
    """A time of day from a time cell, Excel's day fraction, `09:30`, `9：30`, `下午3点半`
    or `2:30 pm`."""
    if isinstance(raw, datetime):
        return raw.time().replace(microsecond=0)
    if isinstance(raw, time):
        return raw.replace(microsecond=0)
    if isinstance(raw, float | int) and not isinstance(raw, bool) and 0 <= raw < 1:
        seconds = round(raw * 86400)
        return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    m = _HM.match(_fold(str(raw)).lower())
    if m:
        hour = int(m[2])
        minute = 30 if m[3] == "半" else int(m[3] or 0)
        if (m[1] in ("下午", "晚上") or m[5] == "pm") and hour < 12:
            hour += 12
        elif m[5] == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            return time(hour, minute, int(m[4] or 0) % 60)
    raise ValueProblem(p.TIME_INVALID.at(raw))


# --- yes / no ----------------------------------------------------------------------

_YES = frozenset(
    ["是", "有", "y", "yes", "1", "true", "√", "✓", "✔", "对", "已加", "已", "是的", "有效", "ok"]
)
_NO = frozenset(
    ["否", "无", "n", "no", "0", "false", "×", "✗", "✘", "错", "未加", "未", "不是", "没有", "无效"]
)


def parse_yes_no(raw: Any, ctx: ReadContext) -> bool:
    """是/否, 有/无, Y/N, yes/no, 1/0, TRUE/FALSE, √/×, ✓/✗, 对/错 (a blank is decided by
    the caller: no, where the field is optional)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        if raw in (0, 1):
            return bool(raw)
        raise ValueProblem(p.YES_NO_INVALID.at(raw))
    text = _fold(str(raw)).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueProblem(p.YES_NO_INVALID.at(raw))


# --- phones ------------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:010|02\d)\d{8}$|^0[3-9]\d{2}\d{7,8}$")
"""Area code and number: 010 and 02x take 8 digits, four-digit codes 7 or 8."""
_SERVICE = re.compile(r"^[48]00\d{7}$")
"""Company hotlines (400-xxx-xxxx, 800-xxx-xxxx), dialled as they are."""
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$")
_DASH_EXTENSION = re.compile(r"^(.*\d)\s*-\s*(\d{1,6})$")
_PHONE_NOISE = re.compile(r"[\s\-()（）.·/]")
_INTERNATIONAL = re.compile(r"^(?:\+86|0086|86(?=\d{9,12}$))")
_SCIENTIFIC = re.compile(r"^(\d)(?:\.(\d+))?e\+?(\d{1,2})$")
_MOBILE_LOW, _MOBILE_HIGH = 13_000_000_000, 20_000_000_000


def parse_phone(raw: Any, ctx: ReadContext) -> str:
    """A mainland mobile, a landline with its area code or a 400/800 hotline, as digits:
    `13800138000`, `075512345678-123`, `4008208820`.

    A number cell drops a landline's leading zero (`01012345678` becomes 1012345678);
    when adding the zero back gives a valid landline, it is read that way with a
    warning, so the rep learns to format the column as text. Scientific notation is
    read only when it carries every digit (`1.38E+10` has lost eight of them).
    """
    cls = raw.__class__
    if cls is str:  # the common case first: a mobile typed as text
        if len(raw) == 11 and raw.isascii() and raw.isdigit() and _MOBILE.match(raw):
            return raw
    elif (cls is float or cls is int) and _MOBILE_LOW <= raw < _MOBILE_HIGH and raw == int(raw):
        return str(int(raw))
    from_number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if from_number:
        if (isinstance(raw, float) and not raw.is_integer()) or raw < 0:
            raise ValueProblem(p.PHONE_INVALID.at(raw))
        text = str(int(raw))
    else:
        text = _fold(str(raw)).lower()
        if m := _SCIENTIFIC.match(text):
            text = _from_scientific(raw, m)
            from_number = True
        elif text.isascii() and text.isdigit():
            from_number = True  # a CSV saved from a number column: digits only, zero lost
    digits, extension = _split_phone(text)
    if digits is None:
        raise ValueProblem(p.PHONE_INVALID.at(raw))
    if extension is None and (dashed := _DASH_EXTENSION.match(text)):
        head, head_extension = _split_phone(dashed[1])  # `010-12345678-123`
        if head is not None and head_extension is None and _LANDLINE.match(head):
            digits, extension = head, dashed[2]
    if extension is None and (_MOBILE.match(digits) or _SERVICE.match(digits)):
        return digits
    if from_number and not _LANDLINE.match(digits) and _LANDLINE.match("0" + digits):
        digits = "0" + digits
        ctx.warnings.append(p.PHONE_ZERO_RESTORED.at(raw, phone=_with_ext(digits, extension)))
    if _LANDLINE.match(digits):
        return _with_ext(digits, extension)
    raise ValueProblem(p.PHONE_INVALID.at(raw))


def _from_scientific(raw: Any, m: re.Match[str]) -> str:
    """`1.3800138000E+10` → `13800138000`; a mantissa too short for its exponent lost digits."""
    mantissa = m[1] + (m[2] or "")
    exponent = int(m[3])
    if len(mantissa) > exponent + 1:
        raise ValueProblem(p.PHONE_INVALID.at(raw))
    if len(mantissa) < exponent + 1:
        raise ValueProblem(p.PHONE_SCIENTIFIC.at(raw))
    return mantissa


def _split_phone(text: str) -> tuple[str | None, str | None]:
    """Digits without separators or country code, and the extension (`转 123`) if any."""
    extension = None
    if m := _EXTENSION.search(text):
        extension, text = m[1], text[: m.start()]
    digits = _PHONE_NOISE.sub("", text)
    international = _INTERNATIONAL.match(digits)
    if international:
        rest = digits[international.end() :]
        if not rest.startswith("0") and not _MOBILE.match(rest):
            rest = "0" + rest  # +86 10 12345678 is dialled 010-12345678 at home
        # a bare `86` is the country code only when what follows is a number
        if international[0] != "86" or _MOBILE.match(rest) or _LANDLINE.match(rest):
            digits = rest
    if not (digits.isascii() and digits.isdigit()):
        return None, extension
    return digits, extension


def _with_ext(digits: str, extension: str | None) -> str:
    return f"{digits}-{extension}" if extension else digits


# --- money and quantities ----------------------------------------------------------

_MONEY_NOISE = re.compile(r"[\s,¥$]|rmb|cny|人民币|元整?$|块$")
_UNIT_TAIL = re.compile(r"[^\d.]+$")
CENT = Decimal("0.01")
_LARGEST = 10**12
"""No order line reaches a trillion; larger is a slip (and would overflow cent arithmetic)."""


def _decimal_from_float(raw: float) -> Decimal:
    """A float cell as the decimal a person sees: 1234.5 → 1234.5, float noise rounded off."""
    return Decimal(repr(float(raw))).quantize(Decimal("0.000001"), ROUND_HALF_UP).normalize()


def parse_money(raw: Any, ctx: ReadContext) -> Decimal:
    """Exact money: `1,234.50`, `¥1234.5`, `1234.5元`, `1.2万` (= 12000). Never negative."""
    value = _to_decimal(raw, p.MONEY_INVALID, money=True)
    if value < 0:
        raise ValueProblem(p.MONEY_NEGATIVE.at(raw))
    return value


def parse_quantity(raw: Any, ctx: ReadContext) -> Decimal:
    """A quantity greater than zero; a unit after the number (`10台`, `5 pcs`) is allowed."""
    value = _to_decimal(raw, p.QUANTITY_INVALID, money=False)
    if value <= 0:
        raise ValueProblem(p.QUANTITY_INVALID.at(raw))
    return value


def _to_decimal(raw: Any, kind: p.ProblemKind, money: bool) -> Decimal:
    if isinstance(raw, bool):
        raise ValueProblem(kind.at(raw))
    if isinstance(raw, float):
        if not (math.isfinite(raw) and abs(raw) < _LARGEST):
            raise ValueProblem(kind.at(raw))
        return _decimal_from_float(raw)
    if isinstance(raw, int):
        value = Decimal(raw)
    else:
        text = _fold(str(raw)).lower()
        multiplier = 1
        if money:
            text = _MONEY_NOISE.sub("", text)
            if text.endswith("万"):
                text, multiplier = text[:-1], 10000
        else:
            text = _UNIT_TAIL.sub("", text.replace(",", "").replace(" ", ""))
        try:
            value = Decimal(text) * multiplier
        except ArithmeticError:  # not a number, or one beyond what Decimal can hold
            raise ValueProblem(kind.at(raw)) from None
    if not (value.is_finite() and abs(value) < _LARGEST):
        raise ValueProblem(kind.at(raw))
    return value


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


# --- grades ------------------------------------------------------------------------

GRADES = ("A", "B", "C", "D")
_GRADE_DECOR = re.compile(r"(类客户|级客户|类|级|客户)$")


def parse_grade(raw: Any, ctx: ReadContext) -> str:
    """`A`..`D` from `a`, `A类`, `a级`, full-width `Ａ`."""
    text = _GRADE_DECOR.sub("", _fold(str(raw)).upper()).strip()
    if text in GRADES:
        return text
    raise ValueProblem(p.GRADE_INVALID.at(raw))


# --- text --------------------------------------------------------------------------


def parse_text(raw: Any, ctx: ReadContext) -> str:
    """Text as typed, surrounding spaces removed; whole numbers without `.0`."""
    return p.display(raw).strip()
