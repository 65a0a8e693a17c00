"""Workbooks the sheet tests give the spreadsheet engines, and the cases they hold.

Each builder writes real files (the template filled as a rep would fill it, a sheet of
formula twins over generated values) and returns what the tests need to compare:
where each formula sits and the raw values it was given. Everything the engines must
recalculate is built first and converted in one batch per engine (`conftest.recalculated`).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_templates import rules
from sheets_templates.status import short_by_formula, status_formula
from sheets_templates.templates import rep_template
from sheets_templates.typed_dates import day_match_formula, text_date_flag_formula
from sync.demo import call_rows, lead_rows, shipment_rows, visit_rows
from sync.templates_xlsx import write_rep_workbook
from tests.conftest import AS_OF

DAY = AS_OF
CLOCK = time(15, 10)
REP = "张三"

YES_SPELLINGS: tuple[Any, ...] = (
    "是", "Y", "y", "yes", "YES", "有", "√", "✓", "✔", "对", "1", 1, 1.0, True, " 是 ",
    "OK", "ok", "已加", "已", "有效", "是的", "true", "TRUE",
)  # fmt: skip
NO_SPELLINGS: tuple[Any, ...] = (
    "否", "N", "no", "无", "×", "✗", "错", "0", 0, False, "不是", "没有", "无效", "未加", None, "",
)  # fmt: skip
"""How reps really write yes and no (every one `values.parse_yes_no` reads). Full-width
letters (`Ｙ`) and tabs are left out: Python folds them, a formula's `=` and TRIM do
not — a documented gap of the in-sheet formulas, caught by the full check."""


def collect(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    """`n` examples of a hypothesis strategy, reproducibly: the cases of one batch that
    each engine recalculates in a single batch."""
    found: list[Any] = []

    @settings(
        max_examples=n,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(example: Any) -> None:
        found.append(example)

    draw()
    return found[:n]


# --- the leads grade: every combination of the five stage facts -------------------


def grade_rows() -> list[dict[str, Any]]:
    """32 leads with every combination of yes/no, then leads with the other spellings."""
    rows = []
    for bits in itertools.product((True, False), repeat=len(rules.STAGE_FACTS)):
        rows.append(dict(zip(rules.STAGE_FACTS, ("是" if b else "否" for b in bits), strict=True)))
    spellings = YES_SPELLINGS + NO_SPELLINGS
    for n in range(3 * len(spellings)):
        rows.append(
            {
                fact: spellings[(n + 5 * k) % len(spellings)]
                for k, fact in enumerate(rules.STAGE_FACTS)
            }
        )
    for n, row in enumerate(rows):
        row.update(customer=f"客户{n:03d}", registered=DAY - timedelta(days=n % 5))
    return rows


def write_grade_workbook(path: Path, lang: str = "zh") -> list[dict[str, Any]]:
    rows = grade_rows()
    write_rep_workbook(
        path, rep_template(lang), {"leads": rows}, {"rep": REP, "day": DAY, "clock": CLOCK}
    )
    return rows


# --- the Today sheet: generated registers -----------------------------------------


@dataclass
class TodayCase:
    day: date
    clock: time
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


_YES_NO = st.sampled_from(YES_SPELLINGS + NO_SPELLINGS)
_FILLED_YES_NO = st.sampled_from([v for v in YES_SPELLINGS + NO_SPELLINGS if v not in (None, "")])
_GRADES = st.sampled_from(("A", "B", "C", "D", "a", "b类", "C级", "d", "", None))
_VISIT_TYPES = st.sampled_from(
    ("陌生拜访", "计划拜访", "回访", "cold", "COLD", " 陌生拜访", "", None)
)


def spellings(day: date) -> tuple[Any, ...]:
    """A day as reps type it: a real date, text with every separator and padding, the
    year left out, a compact number or text, the serial as text; then what the Today
    sheet cannot count (a time after it, full-width digits) and what is no date."""
    y, m, d = day.year, day.month, day.day
    serial = (day - date(1899, 12, 30)).days
    return (
        day,
        f"{y}.{m}.{d}",
        f"{y}/{m:02d}/{d:02d}",
        f"{y}-{m}-{d:02d}",
        f"{y}年{m}月{d}日",
        f" {y} . {m} . {d} ",
        f"{y}年{m:02d}月{d:02d}号",
        f"{m}月{d}日",
        f"{m}-{d}",
        f"{m:02d}/{d:02d}",
        f"{y}{m:02d}{d:02d}",
        y * 10000 + m * 100 + d,
        str(serial),
        f"{y}-{m}-{d} 10:30",
        f"{y}-{m:02d}-{d:02d}T09:00",
        f"{y}．{m}．{d}".translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        f"{m}.{d}",
        m + d / 10 if d < 10 else None,
        f"{y}-{m}-{d}-1",
        "明天",
    )


COUNTED_SPELLINGS = 13
"""The first spellings of `spellings`: what `check` reads and the Today sheet counts."""


@st.composite
def today_cases(draw: st.DrawFn) -> TodayCase:
    """A day, a time of day and registers around that day, every row valid and every
    natural key distinct (so the reader keeps each row the formulas count)."""
    day = draw(st.sampled_from((DAY, date(2026, 11, 2), date(2026, 12, 31), date(2027, 1, 4))))
    clock = time(*draw(st.tuples(st.integers(7, 19), st.integers(0, 59))))
    near = st.sampled_from(
        (day, day, day, day - timedelta(days=1), day - timedelta(days=7))
    ).flatmap(lambda d: st.sampled_from(spellings(d)[:COUNTED_SPELLINGS]))
    calls = [
        {
            "date": draw(near),
            "time": time(9 + n // 60 % 9, n % 60),
            "customer": f"客户{n}",
            "phone": f"138{n:08d}",
            "effective": draw(_FILLED_YES_NO),  # required: never blank
            "wechat_added": draw(_YES_NO),
            "intent_grade": draw(_GRADES),
        }
        for n in range(draw(st.integers(0, 60)))
    ]
    visits = [
        {
            "date": draw(near),
            "customer": f"拜访客户{n}",
            "visit_type": draw(_VISIT_TYPES),
            "customer_grade": draw(_GRADES),
            "breakthrough": draw(_YES_NO),
        }
        for n in range(draw(st.integers(0, 25)))
    ]
    leads = [
        {
            "customer": f"意向客户{n}",
            "registered": draw(near),
            **{fact: draw(_YES_NO) for fact in rules.STAGE_FACTS},
        }
        for n in range(draw(st.integers(0, 25)))
    ]
    return TodayCase(day, clock, {"calls": calls, "visits": visits, "leads": leads})


def write_today_workbook(path: Path, case: TodayCase, lang: str = "zh") -> None:
    write_rep_workbook(
        path, rep_template(lang), case.rows, {"rep": REP, "day": case.day, "clock": case.clock}
    )


# --- a sample workbook (the README picture, `mark` tests) -------------------------


def sample_rows(day: date = DAY, seed: int = 3) -> dict[str, list[dict[str, Any]]]:
    """A rep's day and the day before, from the demo's generators (grades left to the
    formula)."""
    rng = random.Random(seed)
    days = [day - timedelta(days=1), day]
    return {
        "calls": call_rows(rng, REP, days, 60),
        "visits": visit_rows(rng, REP, days),
        "leads": [
            {k: v for k, v in r.items() if k != "grade"} for r in lead_rows(rng, REP, days, 12)
        ],
        "shipments": shipment_rows(rng, REP, days, 5),
    }


def write_sample_workbook(
    path: Path, lang: str = "zh", day: date = DAY, clock: time = CLOCK
) -> Path:
    settings_ = {"rep": REP, "team": "一组", "month": f"{day:%Y-%m}", "day": day, "clock": clock}
    return write_rep_workbook(path, rep_template(lang), sample_rows(day), settings_)


# --- the formula twins over generated values --------------------------------------

_PHONE_CHARS = "0123456789" * 4 + " -+()转#x.e"
PHONES = st.one_of(
    st.text(alphabet=_PHONE_CHARS, max_size=22),
    st.builds(lambda d: "1" + d, st.text(alphabet="0123456789", min_size=8, max_size=13)),
    st.builds(lambda d: "0" + d, st.text(alphabet="0123456789 -", min_size=8, max_size=16)),
    st.integers(0, 10**14),
    st.sampled_from(("13800138000", "138 0013 8000", "+86 138 0013 8000", "010-12345678", "1012345678", "无", "  ", "400-123-4567")),
)  # fmt: skip
"""Phones as typed: digit strings with separators, numbers (never ≥ 1e15, which a
spreadsheet shows in scientific notation), and the usual suspects."""

YES_NO_VALUES = st.one_of(
    st.sampled_from(YES_SPELLINGS + NO_SPELLINGS),
    st.sampled_from(("maybe", "可能", "?", "*", "2", 2, "1.0", "yes!", "Yes")),
)
GRADE_VALUES = st.builds(
    lambda g, s, case: (g + s).lower() if case else g + s,
    st.sampled_from("ABCDEX"),
    st.sampled_from((*rules.GRADE_SUFFIXES, "等")),
    st.booleans(),
)
VISIT_TYPE_VALUES = st.sampled_from(
    (*rules.COLD_VISIT_WORDS, "计划拜访", "回访", "cold ", " Cold", "陌拜", "", "cold visit")
)
DATES = st.one_of(
    st.dates(DAY - timedelta(days=40), DAY + timedelta(days=40)),
    st.sampled_from(("2026-11-27", "明天", "")),
)


TYPED_DAYS = (DAY, date(2026, 1, 5), date(2026, 10, 9), date(2027, 1, 4))
TYPED_DATES = [
    (value, day)
    for day in TYPED_DAYS
    for other in (day, day - timedelta(days=1), day + timedelta(days=31))
    for value in spellings(other)
    if value is not None
]
"""(cell, the Today sheet's day): each day's spellings, the day before's and a month on's."""

AMOUNTS = st.tuples(
    st.one_of(st.integers(1, 50), st.sampled_from((1.5, 2.5, 0.5))),
    st.decimals(Decimal("0.01"), Decimal("5000"), places=2),
    st.one_of(st.none(), st.decimals(Decimal("0"), Decimal("250000"), places=2), st.just("ok")),
)
STATUS_CASES = st.tuples(
    st.integers(0, 120),
    st.one_of(st.none(), st.sampled_from((Decimal(100), Decimal(30), Decimal(2), Decimal(0)))),
    st.sampled_from((Decimal(0), Decimal("0.8"), Decimal("31.4"), Decimal(40), Decimal(100))),
)
"""(actual, target, due by now): met, on pace and behind around their boundaries."""
SHORT_CASES = [
    (done, Decimal(due))
    for due in ("40", "14.8", "0.8", "100", "37", "22.2")
    for done in (0, 1, 13, 14, 15, 22, 23, 36, 37, 39, 40, 41, 99, 100, 120)
]
"""(done, due): the whole calls still to make, around the due figure."""
CLOCKS = [time(h, m) for h in range(7, 20) for m in range(0, 60, 7)]
PACE_TARGETS = (Decimal(100), Decimal(80), Decimal(37))
PROGRESS = st.tuples(
    st.integers(0, 150),
    st.one_of(
        st.none(),
        st.sampled_from(
            (Decimal(100), Decimal(30), Decimal(2), Decimal(3), Decimal(0), Decimal(7))
        ),
    ),
)


@dataclass
class TwinSheet:
    """One sheet of the twins workbook: the inputs per row and the formula's column."""

    name: str
    inputs: list[tuple[Any, ...]]
    result_column: int


@dataclass
class TwinBook:
    path: Path
    today: date
    sheets: dict[str, TwinSheet] = field(default_factory=dict)


def _cell(ws: Any, row: int, col: int, value: Any, date_fmt: Any) -> None:
    if value is None:
        return
    if isinstance(value, str):
        ws.write_string(row, col, value)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime.combine(value, time()), date_fmt)
    elif isinstance(value, time):
        ws.write_number(row, col, (value.hour * 60 + value.minute) / 1440)
    else:
        ws.write_number(row, col, float(value))


def write_twins(path: Path, n: int = 150) -> TwinBook:
    """A workbook with one sheet per formula twin: generated inputs in the first
    columns, the twin's formula over them in the next."""
    book = TwinBook(path, DAY)
    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})

    def sheet(name: str, inputs: list[tuple[Any, ...]], formula: Any, extra: Any = None) -> None:
        ws = wb.add_worksheet(name)
        if extra:
            extra(ws)
        for r, values in enumerate(inputs):
            for c, v in enumerate(values):
                _cell(ws, r, c, v, date_fmt)
            ws.write_formula(r, len(values), formula(r + 1), None, "")
        book.sheets[name] = TwinSheet(name, inputs, max((len(v) for v in inputs), default=0))

    sheet(  # a cell is flagged when any of the conditional formats is TRUE
        "phone",
        [(v,) for v in collect(PHONES, n)],
        lambda r: "=OR(" + ",".join(f[1:] for f in rules.phone_length_formulas(f"A{r}")) + ")",
    )
    sheet(
        "yes", [(v,) for v in collect(YES_NO_VALUES, n)], lambda r: "=" + rules.yes_formula(f"A{r}")
    )
    sheet(
        "grade",
        [(v,) for v in collect(GRADE_VALUES, n)],
        lambda r: "=" + rules.one_of_formula(f"A{r}", rules.grade_words("ABC")),
    )
    sheet(
        "cold",
        [(v,) for v in collect(VISIT_TYPE_VALUES, n)],
        lambda r: "=" + rules.one_of_formula(f"A{r}", rules.COLD_VISIT_WORDS),
    )
    sheet(
        "future",
        [(v,) for v in collect(DATES, n)],
        lambda r: rules.future_date_formula(f"A{r}", "$E$1"),
        lambda ws: ws.write_datetime(0, 4, datetime.combine(DAY, time()), date_fmt),
    )
    sheet(
        "typed_date",
        TYPED_DATES,
        lambda r: f"=IF({day_match_formula(f'A{r}', f'B{r}')},1,0)",
    )
    sheet(
        "typed_date_flag",
        [(v,) for v, _day in TYPED_DATES],
        lambda r: text_date_flag_formula(f"A{r}"),
    )
    sheet(
        "amount",
        [(q, p, a) for q, p, a in collect(AMOUNTS, n)],
        lambda r: rules.amount_check_formula(f"C{r}", f"A{r}", f"B{r}"),
    )
    sheet(
        "progress", list(collect(PROGRESS, n)), lambda r: rules.progress_formula(f"A{r}", f"B{r}")
    )
    sheet(
        "status",
        list(collect(STATUS_CASES, n)),
        lambda r: status_formula(f"A{r}", f"B{r}", f"C{r}", "en"),
    )
    sheet(
        "short",
        SHORT_CASES,
        lambda r: "=" + short_by_formula(f"A{r}", f"B{r}"),
    )
    pace = [(c, t) for c in CLOCKS for t in PACE_TARGETS]
    sheet(
        "pace",
        pace,
        lambda r: rules.expected_by_formula(f"A{r}", *rules.pace_split_formula(f"B{r}")),
    )
    wb.close()
    return book


PLANTED = {"phone.invalid", "yes_no.invalid", "date.future", "row.duplicate", "grade.disagrees", "amount.mismatch"}  # fmt: skip
"""The mistakes `write_mistakes_workbook` plants, one of each kind a rep makes."""


def write_mistakes_workbook(path: Path) -> Path:
    """A filled template with one of each kind of mistake a rep makes."""
    rows = sample_rows()
    calls = rows["calls"]
    calls[3]["phone"] = "1380013"
    calls[8]["effective"] = "可能"
    calls[12]["date"] = DAY + timedelta(days=3)
    calls.append(dict(calls[20]))
    rows["leads"][2].update(negotiating="否", solution_submitted="是", grade="A")
    rows["shipments"][1]["amount"] = rows["shipments"][1]["amount"] + 100
    settings_ = {"rep": REP, "day": DAY, "clock": CLOCK}
    return write_rep_workbook(path, rep_template("zh"), rows, settings_)
