"""The rep workbook's layout as data: sheets, columns, dropdowns, hints, flags, formulas.

A writer (`sync.templates_xlsx`) turns this into a file; the tests read the same data
to know where each formula sits. Every formula here is built by a `*_formula` twin in
`rules`, so the template computes what the Python rules compute, with plain ranges
that Excel, WPS, LibreOffice and Google Sheets all evaluate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from . import rules
from .choices import CALL_OUTCOMES, LEAD_SOURCES, OBJECTION_KINDS, VISIT_TYPES
from .problems import column_letter
from .registers import REGISTERS, Field, Kind, Register
from .settings_sheet import SETTINGS, setting_cell
from .status import STATUS_WORDS, short_by_formula, status_formula
from .typed_dates import text_date_flag_formula
from .values import GRADES
from .words import LANGS, Count, Lang, Text

CHECK_MACRO = "SF_CHECK_BOOK"
"""The Check button's macro: `addin.buttons.SF_CHECK_BOOK`, which xlwings' "Import
Functions" turns into a VBA Sub of that name in the rep's workbook (Excel on Windows)."""

REGISTER_ROWS = {"calls": 5000, "visits": 1000, "leads": 1000, "shipments": 1000}
"""Rows each register sheet is prepared for (formulas, dropdowns, flags): a month of
calls at 100+ a day fits."""

PRINT_ROWS = 30
"""Rows of a register sheet printed under its header (repeated on every page), landscape
and one page wide: printing the empty template gives each register's header page, not
the 1000 prepared rows' 36 pages. A rep printing more rows sets the print area."""

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

LEAD_SOURCES_EN = ("Phone", "Referral", "Cold visit", "Web", "Trade show", "Other")
LEAD_SOURCE_CHOICES: dict[Lang, tuple[str, ...]] = {"zh": LEAD_SOURCES, "en": LEAD_SOURCES_EN}
VISIT_TYPE_CHOICES: dict[Lang, tuple[str, ...]] = {
    "zh": tuple(VISIT_TYPES),
    "en": tuple(VISIT_TYPES.values()),
}
"""The dropdowns' words: the template's language picks the words the rep chooses from."""
TEXT_CHOICES: dict[str, tuple[Text, ...]] = {
    "outcome": CALL_OUTCOMES,
    "objection_kind": OBJECTION_KINDS,
}
"""Text fields with a dropdown of usual words (other words may be typed, with a warning)."""

SETTINGS_SHEET = Text("设置", "Settings")
TODAY_SHEET = Text("今日", "Today")
CHECK_CAPTION = Text("检查 Check（需 Python 插件）", "Check (needs the add-in)")
ITEM = Text("项目", "Item")
VALUE = Text("内容", "Value")
TODAY_TITLE = Text("今日进度", "Today's progress")
DATE = Text("日期", "Date")
TIME = Text("时间", "Time")
TODAY_HEADER = (
    Text("指标", "Metric"),
    Text("今日完成", "Done today"),
    Text("目标", "Target"),
    Text("完成率", "Progress"),
    Text("状态", "Status"),
)
PACE = Text(
    "有效通话节奏（12:00 前完成目标的 40%，17:30 前完成全部）",
    "Effective-call pace (40% of the target by 12:00, all of it by 17:30)",
)
NOON_SHORT = Count(
    "12:00 前还差 {n} 个有效通话",
    "{n} more effective call by 12:00",
    "{n} more effective calls by 12:00",
)
NOON_DONE = Text("12:00 前的有效通话已够数", "Enough effective calls for 12:00")
DAY_SHORT = Count("今天还差 {n} 个", "{n} more today", "{n} more today")
DAY_DONE = Text("今天的有效通话目标已完成", "Today's effective-call target is met")
"""The pace as whole calls still to make, not a decimal to compare with the count."""
NOTE = Text(
    "全部由公式计算，不需要 Python；数据来自本工作簿的各登记表。",
    "All computed by formulas, no Python needed, from this workbook's registers.",
)
NOTE2 = Text(
    "新增意向客户 = 今天登记且有等级的意向客户。目标可以直接改。",
    "New intent leads = leads registered today that have a grade. Targets can be edited.",
)
REQUIRED = Text("必填。", "Required. ")
YES = Text("是", "Yes")
NO = Text("否", "No")
KIND_HINTS: dict[Kind, Text] = {
    Kind.DATE: Text("日期，如 2026-11-03。", "A date, like 2026-11-03."),
    Kind.TIME: Text("时间，如 09:30。", "A time of day, like 09:30."),
    Kind.PHONE: Text(
        "手机 11 位；座机带区号，如 010-12345678；分机写“转 123”。",
        "Mobile: 11 digits; landline with area code, like 010-12345678; extension as "
        "ext 123 or 0571-88886666-123.",
    ),
    Kind.YES_NO: Text("从下拉选择 是 / 否。", "Pick Yes or No."),
    Kind.GRADE: Text(
        "A 商务谈判中 / B 已递交方案 / C 面谈有兴趣或曾购买 / D 可面谈。",
        "A negotiating / B solution submitted / C met with interest or bought before / D "
        "accepts a meeting.",
    ),
    Kind.MONEY: Text("金额，如 1234.50。", "Money, like 1234.50."),
    Kind.QUANTITY: Text("大于 0 的数。", "A number greater than 0."),
}
"""The hint a column of each kind shows while the rep types."""
REP_HINT = Text("可不填：设置表里已写销售员。", "Optional: the Settings sheet names the rep.")
CHOICE_HINT = Text("从下拉选择，也可以自己填写。", "Pick from the list, or type your own.")
LEAD_GRADE_HINT = Text(
    "自动按进展计算（谈判中 A、已递交方案 B、面谈有兴趣或曾购买 C、可面谈 D）；也可直接填写。",
    "Computed from the stage columns (negotiating A, solution B, interest or bought before "
    "C, meeting D); you may type over it.",
)
AMOUNT_HINT = Text(
    "可不填：按 数量×单价 计算；填了就必须相等。",
    "Optional: quantity × unit price; when typed it must match.",
)


def language_of(texts: Iterable[Any]) -> Lang:
    """A workbook's language from its words (headers, sheet names): zh when any is Chinese."""
    return "zh" if any(_CJK.search(t) for t in texts if isinstance(t, str)) else "en"


def quoted(sheet: str) -> str:
    """A sheet name as a formula refers to it (`'电话记录'`)."""
    return "'" + sheet.replace("'", "''") + "'"


@dataclass(frozen=True)
class Column:
    """One column of a register sheet: its field, header and what helps the rep type it."""

    field: Field
    letter: str
    header: str
    width: float
    number_format: str | None
    hint: str
    choices: tuple[str, ...] = ()
    formula: Callable[[int], str] | None = None
    flags: tuple[str, ...] = ()
    """Conditional-format formulas over the column's first row: the cell is flagged
    when any of them is TRUE."""
    computed: bool = False


@dataclass(frozen=True)
class RegisterSheet:
    """A register laid out as a table: header in row 1 (frozen), rows 2..last_row prepared."""

    name: str
    register: Register
    columns: tuple[Column, ...]
    first_row: int = 2
    last_row: int = 1001

    @property
    def print_last_row(self) -> int:
        """The last row printed (see `PRINT_ROWS`)."""
        return self.first_row + PRINT_ROWS - 1

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field.name == field_name)

    def cells(self, field_name: str) -> str:
        """The field's data cells as an absolute range on this sheet, for a formula elsewhere."""
        letter = self.column(field_name).letter
        return f"{quoted(self.name)}!${letter}${self.first_row}:${letter}${self.last_row}"


@dataclass(frozen=True)
class Cell:
    """One cell of a free-form sheet (settings, Today): a constant or a formula, and a style."""

    ref: str
    value: Any
    style: str = "text"
    hint: str | None = None
    states: tuple[tuple[str, str], ...] = ()
    """For a status cell: each word it may show and its tone, "good" (green) or "bad"
    (red)."""
    array: bool = False
    """A formula to write as an array formula (see `rules.day_count_formula`)."""


@dataclass(frozen=True)
class FreeSheet:
    """A sheet laid out cell by cell, with column widths."""

    name: str
    cells: tuple[Cell, ...]
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class TodayMetric:
    """Where one metric's row sits on the Today sheet."""

    count: rules.DayCount
    actual: str
    target: str
    progress: str
    status: str


@dataclass(frozen=True)
class RepTemplate:
    """The whole rep workbook, in sheet order, with the cells the tests and writers need."""

    lang: Lang
    today: FreeSheet
    registers: tuple[RegisterSheet, ...]
    settings: FreeSheet
    metrics: tuple[TodayMetric, ...]
    noon_short: str
    """The cell saying how many effective calls are still due by 12:00."""
    day_short: str
    """The cell saying how many effective calls are still due today."""
    button_caption: str
    button_cell: str = "F1"

    def register(self, name: str) -> RegisterSheet:
        return next(r for r in self.registers if r.register.name == name)


_FORMATS = {
    Kind.DATE: "yyyy-mm-dd",
    Kind.TIME: "hh:mm",
    Kind.PHONE: "@",
    Kind.MONEY: "#,##0.00",
}


def _choices(f: Field, lang: Lang) -> tuple[str, ...]:
    if f.kind is Kind.YES_NO:
        return (YES(lang), NO(lang))
    if f.kind is Kind.GRADE:
        return GRADES
    if f.name == "visit_type":
        return VISIT_TYPE_CHOICES[lang]
    if f.name == "lead_source":
        return LEAD_SOURCE_CHOICES[lang]
    if f.name in TEXT_CHOICES:
        return tuple(choice(lang) for choice in TEXT_CHOICES[f.name])
    return ()


COUNTED_DATES = {
    register: {c.date_field for c in rules.DAY_COUNTS if c.register == register}
    for register in REGISTERS
}
"""The date columns the Today sheet counts by: text there that it cannot count is red."""
COUNTED_DATE_HINT = Text(
    "日期，如 2026-11-03；2026.11.3、2026/11/3、11月3日 也计入今日表。标红的日期今日表不计入，"
    "请改成 2026-11-03。",
    "A date, like 2026-11-03; 2026.11.3, 2026/11/3 and 20261103 count on Today too. A red "
    "date does not count there: type it as 2026-11-03.",
)


def _hint(f: Field, register: str, lang: Lang) -> str:
    if register == "leads" and f.name == "grade":
        return LEAD_GRADE_HINT(lang)
    if f.name == "amount":
        return AMOUNT_HINT(lang)
    if f.name == "rep":
        return REP_HINT(lang)
    text = KIND_HINTS[f.kind](lang) if f.kind in KIND_HINTS else ""
    if f.name in COUNTED_DATES[register]:
        text = COUNTED_DATE_HINT(lang)
    if not text and f.name in ("visit_type", "lead_source", *TEXT_CHOICES):
        text = CHOICE_HINT(lang)
    return (REQUIRED(lang) + text) if f.required else text


PHONE_WIDTH = 20.0
"""A phone column's width in characters: a landline with extension (`0571-88886666-123`,
17 characters) shows whole, never as `###` or `1.39E+10`."""


def _width(header: str, kind: Kind) -> float:
    wide = sum(2 if ord(ch) > 0x2E80 else 1 for ch in header)
    return max(PHONE_WIDTH if kind is Kind.PHONE else 10.0, wide + 4.0)


def _lead_grade(letters: dict[str, str], row: int) -> str:
    """The leads grade cell of one row: `rules.grade_formula` over that row's stage facts."""
    return rules.grade_formula(*(f"${letters[fact]}{row}" for fact in rules.STAGE_FACTS))


def register_sheet(register: Register, lang: Lang) -> RegisterSheet:
    """One register's sheet: every field of the register, in order, under its header."""
    first, last = 2, 1 + REGISTER_ROWS[register.name]
    letters = {f.name: column_letter(i) for i, f in enumerate(register.fields)}

    def ref(name: str) -> str:
        return f"${letters[name]}{first}"

    columns = []
    for f in register.fields:
        formula: Callable[[int], str] | None = None
        flags: tuple[str, ...] = ()
        if register.name == "leads" and f.name == "grade":
            formula = partial(_lead_grade, letters)
        if f.kind is Kind.PHONE:
            flags = rules.phone_length_formulas(ref(f.name))
        elif f.name == "date" and register.name in ("calls", "visits"):
            flags = (rules.future_date_formula(ref(f.name)), text_date_flag_formula(ref(f.name)))
        elif f.kind is Kind.DATE and f.name in COUNTED_DATES.get(register.name, ()):
            flags = (text_date_flag_formula(ref(f.name)),)
        elif f.name == "amount":
            flags = (rules.amount_check_formula(ref("amount"), ref("quantity"), ref("unit_price")),)
        header = f.header(lang)
        columns.append(
            Column(
                field=f,
                letter=letters[f.name],
                header=header,
                width=_width(header, f.kind),
                number_format=_FORMATS.get(f.kind),
                hint=_hint(f, register.name, lang),
                choices=_choices(f, lang),
                formula=formula,
                flags=flags,
                computed=formula is not None,
            )
        )
    return RegisterSheet(register.title(lang), register, tuple(columns), first, last)


def _settings(lang: Lang) -> FreeSheet:
    cells = [Cell("A1", ITEM(lang), "header"), Cell("B1", VALUE(lang), "header")]
    for setting in SETTINGS:
        ref = setting_cell(setting.key)
        cells.append(Cell(f"A{ref[1:]}", setting.label(lang), "label"))
        cells.append(Cell(ref, setting.value, setting.style, setting.hint(lang)))
    return FreeSheet(SETTINGS_SHEET(lang), tuple(cells), (14.0, 24.0))


STATUS_TONES: tuple[tuple[Text, str], ...] = (
    (STATUS_WORDS["met"], "good"),
    (STATUS_WORDS["on_pace"], "good"),
    (STATUS_WORDS["behind"], "bad"),
)
"""The status words and their tones: met and on pace green, behind red (as the master)."""


def count_sentence_formula(count: Count, done: Text, n: str, target: str, lang: Lang) -> str:
    """A sentence about `n` more things (an expression), as a formula: `count`'s words
    around the number, `done` once it is 0, blank while `target` holds no number.

    The twin of `count(n, lang)` / `done(lang)`: English picks "1 call" or "2 calls"."""

    def around(template: str) -> str:
        before, after = template.split("{n}")
        return f'"{before}"&{n}&"{after}"'

    one, many = (count.zh, count.zh) if lang == "zh" else (count.one, count.many)
    return (
        f'=IF(ISNUMBER({target}),IF({n}=0,"{done(lang)}",'
        f'IF({n}=1,{around(one)},{around(many)})),"")'
    )


def _today(
    lang: Lang, registers: dict[str, RegisterSheet], day: str, clock: str
) -> tuple[FreeSheet, list[TodayMetric], str, str]:
    cells = [
        Cell("A1", TODAY_TITLE(lang), "title"),
        Cell("A2", DATE(lang), "label"),
        Cell("B2", f"={day}", "date"),
        Cell("C2", TIME(lang), "label"),
        Cell("D2", f"={clock}", "time"),
        Cell("A3", NOTE(lang), "note"),
        Cell("A4", NOTE2(lang), "note"),
    ]
    header_row = 6
    for col, text in zip("ABCDE", TODAY_HEADER, strict=True):
        cells.append(Cell(f"{col}{header_row}", text(lang), "header"))
    tones = tuple((word(lang), tone) for word, tone in STATUS_TONES)
    metrics = []
    for n, count in enumerate(rules.DAY_COUNTS, start=header_row + 1):
        metric = rules.METRICS_BY_NAME[count.metric]
        source = registers[count.register]
        dates = source.cells(count.date_field)
        condition = source.cells(count.field) if count.field else None
        target = rules.target_for(metric.daily_target, metric.monthly_target, "day")
        actual, target_ref, progress, status = (f"{c}{n}" for c in "BCDE")
        due = rules.expected_by_formula(clock, *rules.pace_split_formula(target_ref))[1:]
        cells += [
            Cell(f"A{n}", metric.label(lang), "label"),
            Cell(
                actual, rules.day_count_formula(count, dates, condition, day), "count", array=True
            ),
            Cell(target_ref, target, "count"),
            Cell(progress, rules.progress_formula(actual, target_ref), "percent"),
            Cell(status, status_formula(actual, target_ref, due, lang), "status", states=tones),
        ]
        metrics.append(TodayMetric(count, actual, target_ref, progress, status))
    effective = next(m for m in metrics if m.count.metric == "effective_calls")
    pace_row = header_row + len(metrics) + 2
    noon, whole_day = f"A{pace_row + 1}", f"A{pace_row + 2}"
    morning, _afternoon = rules.pace_split_formula(effective.target)
    noon_n = short_by_formula(effective.actual, morning)
    day_n = short_by_formula(effective.actual, effective.target)
    cells += [
        Cell(f"A{pace_row}", PACE(lang), "section"),
        Cell(
            noon,
            count_sentence_formula(NOON_SHORT, NOON_DONE, noon_n, effective.target, lang),
            "label",
        ),
        Cell(
            whole_day,
            count_sentence_formula(DAY_SHORT, DAY_DONE, day_n, effective.target, lang),
            "label",
        ),
    ]
    sheet = FreeSheet(TODAY_SHEET(lang), tuple(cells), (22.0, 12.0, 10.0, 10.0, 10.0))
    return sheet, metrics, noon, whole_day


def rep_template(lang: Lang = "zh") -> RepTemplate:
    """The rep workbook in `lang` (zh: the team's; en: for English-speaking teams)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (zh or en)")
    registers = {name: register_sheet(r, lang) for name, r in REGISTERS.items()}
    settings = _settings(lang)
    day, clock = (
        f"{quoted(settings.name)}!${setting_cell(k)[0]}${setting_cell(k)[1:]}"
        for k in ("day", "clock")
    )
    today, metrics, noon_short, day_short = _today(lang, registers, day, clock)
    return RepTemplate(
        lang=lang,
        today=today,
        registers=tuple(registers.values()),
        settings=settings,
        metrics=tuple(metrics),
        noon_short=noon_short,
        day_short=day_short,
        button_caption=CHECK_CAPTION(lang),
    )
