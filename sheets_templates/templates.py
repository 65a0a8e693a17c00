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
from .problems import column_letter
from .registers import LEAD_SOURCES, REGISTERS, VISIT_TYPES, Field, Kind, Register

LANGS = ("zh", "en")
CHECK_MACRO = "SF_CHECK_BOOK"
"""The Check button's macro: `addin.buttons.SF_CHECK_BOOK`, which xlwings' "Import
Functions" turns into a VBA Sub of that name in the rep's workbook (Excel on Windows)."""

REGISTER_ROWS = {"calls": 5000, "visits": 1000, "leads": 1000, "shipments": 1000}
"""Rows each register sheet is prepared for (formulas, dropdowns, flags): a month of
calls at 100+ a day fits."""

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

LEAD_SOURCES_EN = ("Phone", "Referral", "Cold visit", "Web", "Trade show", "Other")

_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "settings": "设置",
        "today": "今日",
        "check": "检查 Check（需 Python 插件）",
        "rep": "销售员",
        "team": "团队",
        "month": "月份",
        "day": "今天",
        "clock": "现在",
        "item": "项目",
        "value": "内容",
        "rep_hint": "填写你的名字：汇总时按这个名字归到你名下。",
        "team_hint": "你所在的团队或小组。",
        "month_hint": "本表记录的月份，如 2026-11（没有年份的日期按这个年份读）。",
        "day_hint": "自动为今天（=TODAY()）。改成某一天，今日表就显示那一天。",
        "clock_hint": "自动为此刻（精确到分钟），用于计算有效通话节奏。",
        "title": "今日进度",
        "date": "日期",
        "time": "时间",
        "metric": "指标",
        "actual": "今日完成",
        "target": "目标",
        "progress": "完成率",
        "status": "状态",
        "met": "达标",
        "behind": "未达标",
        "pace": "有效通话节奏（上午 40% / 下午 60%）",
        "expected": "此刻应完成",
        "done": "已完成",
        "pace_status": "节奏",
        "on_pace": "跟上",
        "off_pace": "落后",
        "note": "全部由公式计算，不需要 Python；数据来自本工作簿的各登记表。",
        "note2": "新增意向客户 = 今天登记且有等级的意向客户。目标可以直接改。",
        "required": "必填。",
        "yes": "是",
        "no": "否",
        "hint_date": "日期，如 2026-11-03。",
        "hint_time": "时间，如 09:30。",
        "hint_phone": "手机 11 位；座机带区号，如 010-12345678；分机写“转 123”。",
        "hint_yes_no": "从下拉选择 是 / 否。",
        "hint_grade": "A 商务谈判中 / B 已递交方案 / C 面谈有兴趣或曾购买 / D 可面谈。",
        "hint_money": "金额，如 1234.50。",
        "hint_quantity": "大于 0 的数。",
        "hint_rep": "可不填：设置表里已写销售员。",
        "hint_choice": "从下拉选择，也可以自己填写。",
        "hint_lead_grade": "自动按进展计算（谈判中 A、已递交方案 B、面谈有兴趣或曾购买 C、可面谈 D）；也可直接填写。",
        "hint_amount": "可不填：按 数量×单价 计算；填了就必须相等。",
    },
    "en": {
        "settings": "Settings",
        "today": "Today",
        "check": "Check (needs the add-in)",
        "rep": "Rep",
        "team": "Team",
        "month": "Month",
        "day": "Today",
        "clock": "Now",
        "item": "Item",
        "value": "Value",
        "rep_hint": "Your name: the master files your records under it.",
        "team_hint": "Your team or group.",
        "month_hint": "The month this workbook covers, like 2026-11 (gives dates without a year their year).",
        "day_hint": "Today by default (=TODAY()). Type another day to see that day's progress.",
        "clock_hint": "The time now (to the minute), for the effective-call pace.",
        "title": "Today's progress",
        "date": "Date",
        "time": "Time",
        "metric": "Metric",
        "actual": "Done today",
        "target": "Target",
        "progress": "Progress",
        "status": "Status",
        "met": "met",
        "behind": "behind",
        "pace": "Effective-call pace (40% by noon, 60% in the afternoon)",
        "expected": "Expected by now",
        "done": "Done",
        "pace_status": "Pace",
        "on_pace": "on pace",
        "off_pace": "behind",
        "note": "All computed by formulas, no Python needed, from this workbook's registers.",
        "note2": "New intent leads = leads registered today that have a grade. Targets can be edited.",
        "required": "Required. ",
        "yes": "Yes",
        "no": "No",
        "hint_date": "A date, like 2026-11-03.",
        "hint_time": "A time of day, like 09:30.",
        "hint_phone": "Mobile: 11 digits; landline with area code, like 010-12345678; extension as 转 123.",
        "hint_yes_no": "Pick Yes or No.",
        "hint_grade": "A negotiating / B solution submitted / C met with interest or bought before / D accepts a meeting.",
        "hint_money": "Money, like 1234.50.",
        "hint_quantity": "A number greater than 0.",
        "hint_rep": "Optional: the Settings sheet names the rep.",
        "hint_choice": "Pick from the list, or type your own.",
        "hint_lead_grade": "Computed from the stage columns (negotiating A, solution B, interest or bought before C, meeting D); you may type over it.",
        "hint_amount": "Optional: quantity × unit price; when typed it must match.",
    },
}


def language_of(texts: Iterable[Any]) -> str:
    """A workbook's language from its words (headers, sheet names): zh when any is Chinese."""
    return "zh" if any(_CJK.search(t) for t in texts if isinstance(t, str)) else "en"


def words(lang: str) -> dict[str, str]:
    """The template's texts in one language."""
    return _WORDS[lang]


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
    flag: str | None = None
    computed: bool = False


@dataclass(frozen=True)
class RegisterSheet:
    """A register laid out as a table: header in row 1 (frozen), rows 2..last_row prepared."""

    name: str
    register: Register
    columns: tuple[Column, ...]
    first_row: int = 2
    last_row: int = 1001

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
    states: tuple[str, str] | None = None
    """For a status cell: its good and bad words (shown green / red)."""


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

    lang: str
    today: FreeSheet
    registers: tuple[RegisterSheet, ...]
    settings: FreeSheet
    metrics: tuple[TodayMetric, ...]
    pace_expected: str
    pace_status: str
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


def _choices(f: Field, lang: str) -> tuple[str, ...]:
    w = words(lang)
    if f.kind is Kind.YES_NO:
        return (w["yes"], w["no"])
    if f.kind is Kind.GRADE:
        return rules.GRADES
    if f.name == "visit_type":
        return tuple(VISIT_TYPES) if lang == "zh" else tuple(VISIT_TYPES.values())
    if f.name == "lead_source":
        return LEAD_SOURCES if lang == "zh" else LEAD_SOURCES_EN
    return ()


def _hint(f: Field, register: str, lang: str) -> str:
    w = words(lang)
    if register == "leads" and f.name == "grade":
        return w["hint_lead_grade"]
    if f.name == "amount":
        return w["hint_amount"]
    if f.name == "rep":
        return w["hint_rep"]
    by_kind = {
        Kind.DATE: "hint_date",
        Kind.TIME: "hint_time",
        Kind.PHONE: "hint_phone",
        Kind.YES_NO: "hint_yes_no",
        Kind.GRADE: "hint_grade",
        Kind.MONEY: "hint_money",
        Kind.QUANTITY: "hint_quantity",
    }
    text = w[by_kind[f.kind]] if f.kind in by_kind else ""
    if not text and f.name in ("visit_type", "lead_source"):
        text = w["hint_choice"]
    return (w["required"] + text) if f.required else text


def _width(header: str) -> float:
    wide = sum(2 if ord(ch) > 0x2E80 else 1 for ch in header)
    return max(10.0, wide + 4.0)


def _lead_grade(letters: dict[str, str], row: int) -> str:
    """The leads grade cell of one row: `rules.grade_formula` over that row's stage facts."""
    return rules.grade_formula(*(f"${letters[fact]}{row}" for fact in rules.STAGE_FACTS))


def register_sheet(register: Register, lang: str) -> RegisterSheet:
    """One register's sheet: every field of the register, in order, under its header."""
    first, last = 2, 1 + REGISTER_ROWS[register.name]
    letters = {f.name: column_letter(i) for i, f in enumerate(register.fields)}

    def ref(name: str) -> str:
        return f"${letters[name]}{first}"

    columns = []
    for f in register.fields:
        formula: Callable[[int], str] | None = None
        flag = None
        if register.name == "leads" and f.name == "grade":
            formula = partial(_lead_grade, letters)
        if f.kind is Kind.PHONE:
            flag = rules.phone_length_formula(ref(f.name))
        elif f.name == "date" and register.name in ("calls", "visits"):
            flag = rules.future_date_formula(ref(f.name))
        elif f.name == "amount":
            flag = rules.amount_check_formula(ref("amount"), ref("quantity"), ref("unit_price"))
        header = f.header(lang)
        columns.append(
            Column(
                field=f,
                letter=letters[f.name],
                header=header,
                width=_width(header),
                number_format=_FORMATS.get(f.kind),
                hint=_hint(f, register.name, lang),
                choices=_choices(f, lang),
                formula=formula,
                flag=flag,
                computed=formula is not None,
            )
        )
    return RegisterSheet(register.title(lang), register, tuple(columns), first, last)


SETTINGS = (
    ("rep", None, "text"),
    ("team", None, "text"),
    ("month", None, "text"),
    ("day", "=TODAY()", "date"),
    ("clock", "=TIME(HOUR(NOW()),MINUTE(NOW()),0)", "time"),
)
"""The settings sheet's rows: key, starting value, style. The reader takes the rep and
the month's year from it; the Today sheet reads the day and the clock (both may be
typed over, to look at another day)."""


def setting_cell(key: str) -> str:
    """Where a setting's value sits on the settings sheet (`B2`...)."""
    return f"B{2 + [k for k, _v, _s in SETTINGS].index(key)}"


def _settings(lang: str) -> FreeSheet:
    w = words(lang)
    cells = [Cell("A1", w["item"], "header"), Cell("B1", w["value"], "header")]
    for key, value, style in SETTINGS:
        ref = setting_cell(key)
        cells.append(Cell(f"A{ref[1:]}", w[key], "label"))
        cells.append(Cell(ref, value, style, w[f"{key}_hint"]))
    return FreeSheet(w["settings"], tuple(cells), (14.0, 24.0))


def _today(
    lang: str, registers: dict[str, RegisterSheet], day: str, clock: str
) -> tuple[FreeSheet, list[TodayMetric], str, str]:
    w = words(lang)
    cells = [
        Cell("A1", w["title"], "title"),
        Cell("A2", w["date"], "label"),
        Cell("B2", f"={day}", "date"),
        Cell("C2", w["time"], "label"),
        Cell("D2", f"={clock}", "time"),
        Cell("A3", w["note"], "note"),
        Cell("A4", w["note2"], "note"),
    ]
    header_row = 6
    for col, key in zip("ABCDE", ("metric", "actual", "target", "progress", "status"), strict=True):
        cells.append(Cell(f"{col}{header_row}", w[key], "header"))
    metrics = []
    for n, count in enumerate(rules.DAY_COUNTS, start=header_row + 1):
        metric = rules.METRICS_BY_NAME[count.metric]
        sheet = registers[count.register]
        dates = sheet.cells(count.date_field)
        condition = sheet.cells(count.field) if count.field else None
        target = rules.target_for(metric.daily_target, metric.monthly_target, "day")
        actual, target_ref, progress, status = (f"{c}{n}" for c in "BCDE")
        cells += [
            Cell(f"A{n}", metric.label(lang), "label"),
            Cell(actual, rules.day_count_formula(count, dates, condition, day), "count"),
            Cell(target_ref, target, "count"),
            Cell(progress, rules.progress_formula(actual, target_ref), "percent"),
            Cell(
                status,
                rules.target_met_formula(actual, target_ref, w["met"], w["behind"]),
                "status",
                states=(w["met"], w["behind"]),
            ),
        ]
        metrics.append(TodayMetric(count, actual, target_ref, progress, status))
    effective = next(m for m in metrics if m.count.metric == "effective_calls")
    pace_row = header_row + len(metrics) + 2
    expected, done, status = (f"B{pace_row + k}" for k in (1, 2, 3))
    morning, afternoon = rules.pace_split_formula(effective.target)
    cells += [
        Cell(f"A{pace_row}", w["pace"], "section"),
        Cell(f"A{pace_row + 1}", w["expected"], "label"),
        Cell(expected, rules.expected_by_formula(clock, morning, afternoon), "decimal"),
        Cell(f"A{pace_row + 2}", w["done"], "label"),
        Cell(done, f"={effective.actual}", "count"),
        Cell(f"A{pace_row + 3}", w["pace_status"], "label"),
        Cell(
            status,
            rules.target_met_formula(done, expected, w["on_pace"], w["off_pace"]),
            "status",
            states=(w["on_pace"], w["off_pace"]),
        ),
    ]
    sheet = FreeSheet(w["today"], tuple(cells), (22.0, 12.0, 10.0, 10.0, 10.0))
    return sheet, metrics, expected, status


def rep_template(lang: str = "zh") -> RepTemplate:
    """The rep workbook in `lang` (zh: the team's; en: for English-speaking teams)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (zh or en)")
    registers = {name: register_sheet(r, lang) for name, r in REGISTERS.items()}
    settings = _settings(lang)
    day, clock = (
        f"{quoted(settings.name)}!${setting_cell(k)[0]}${setting_cell(k)[1:]}"
        for k in ("day", "clock")
    )
    today, metrics, expected, status = _today(lang, registers, day, clock)
    return RepTemplate(
        lang=lang,
        today=today,
        registers=tuple(registers.values()),
        settings=settings,
        metrics=tuple(metrics),
        pace_expected=expected,
        pace_status=status,
        button_caption=words(lang)["check"],
    )


# --- the master workbook -----------------------------------------------------------

CONF_SHEET = "xlwings.conf"
CONF_TEAM = "SALESFLOW_TEAM_FOLDER"
CONF_STORE = "SALESFLOW_STORE"
CONF_LANG = "SALESFLOW_LANG"
UDF_MODULES = "addin.functions;addin.buttons"
MASTER_NAME = "salesflow_master"
"""The master's file stem. xlwings' button macro runs `import <stem>; <stem>.main()`, so
a `salesflow_master.py` beside the workbook turns that call into our Refresh."""

_MASTER_WORDS = {
    "zh": {
        "home": "首页",
        "title": "销售汇总",
        "button": "刷新 Refresh",
        "steps": (
            "点“刷新”：读取团队文件夹里每个销售员的登记表，校验、汇总，写入本工作簿。",
            "团队文件夹在 xlwings.conf 表的 SALESFLOW_TEAM_FOLDER（相对本文件所在文件夹）。",
            f"{MASTER_NAME}.py 必须和本工作簿放在同一文件夹，且与工作簿同名。",
            "需要：Windows 或 macOS 上的 Excel，已安装 Python、salesflow 和 xlwings。",
            "没有 Excel 时，同样的汇总：salesflow sync --from 团队文件夹 --master 汇总.xlsx",
        ),
    },
    "en": {
        "home": "Home",
        "title": "Sales master",
        "button": "Refresh",
        "steps": (
            "Click Refresh: every rep's registers in the team folder are read, checked and consolidated into this workbook.",
            "The team folder is SALESFLOW_TEAM_FOLDER on the xlwings.conf sheet (relative to this file's folder).",
            f"{MASTER_NAME}.py must stay beside this workbook, with the workbook's name.",
            "Needs Excel on Windows or macOS with Python, salesflow and xlwings installed.",
            "Without Excel, the same consolidation: salesflow sync --from TEAM --master master.xlsx",
        ),
    },
}


@dataclass(frozen=True)
class MasterTemplate:
    """The master workbook before its first Refresh: a home sheet with the Refresh button
    and the `xlwings.conf` sheet (settings xlwings and the Refresh read)."""

    lang: str
    home: FreeSheet
    conf: FreeSheet
    button_cell: str
    button_caption: str
    settings: dict[str, str]


def master_template(lang: str = "zh", team_folder: str = "team", store: str = "") -> MasterTemplate:
    """The master in `lang`; `team_folder` and `store` as the Refresh will read them."""
    w = _MASTER_WORDS[lang]
    home = [Cell("A1", w["title"], "title")]
    home += [Cell(f"A{n}", step, "note") for n, step in enumerate(w["steps"], start=5)]
    settings = {
        "UDF Modules": UDF_MODULES,
        CONF_TEAM: team_folder,
        CONF_STORE: store,
        CONF_LANG: lang,
    }
    conf = [Cell(f"A{n}", key, "label") for n, key in enumerate(settings, start=1)]
    conf += [Cell(f"B{n}", value, "text") for n, value in enumerate(settings.values(), start=1)]
    return MasterTemplate(
        lang=lang,
        home=FreeSheet(w["home"], tuple(home), (90.0,)),
        conf=FreeSheet(CONF_SHEET, tuple(conf), (26.0, 40.0)),
        button_cell="A3",
        button_caption=w["button"],
        settings=settings,
    )
