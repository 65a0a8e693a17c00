"""The master's window: which records its register sheets show. The store keeps every
record; a year of a team's calls would pass Excel's row limit, and a meeting looks at
this month, so the register sheets show the window (default: the as-of date's month)
and `salesflow export` writes any other slice.

A window is chosen with `--window month|week|Nd|all`, else on the 指标 sheet (a row
below the targets, read back on the next sync like them), else as the last sync left
it. KPIs, flags and receivables are never windowed: they need their own periods.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sheets_templates.registers import normalize_header
from sheets_templates.values import is_blank
from sheets_templates.words import Count, Lang, Text

from .errors import Bilingual
from .store import Store

WINDOW_SETTING = "window"
"""The store setting that keeps the window the last sync used (its `spec`)."""

MONTH, WEEK, DAYS, ALL = "month", "week", "days", "all"

DATE_FIELDS: dict[str, tuple[str, ...]] = {
    "calls": ("date",),
    "visits": ("date",),
    "leads": ("registered", "last_contact", "signed_date"),
    "shipments": ("date",),
}
"""The dates that place a record in time: a lead by its latest of registration, last
contact and signing (a lead worked on this month is this month's)."""

LABELS = {
    MONTH: Text("本月", "This month"),
    WEEK: Text("本周", "This week"),
    ALL: Text("全部历史", "All history"),
}
LAST_DAYS = Count("近 {n} 天", "Last {n} day", "Last {n} days")
SPAN = Text("{label} {start} 至 {end}", "{label} {start} to {end}")
SHOWN = Count(
    "{span}，共 {n} 行；全部历史见 salesflow export",
    "{span}: {n} row; the full history: salesflow export",
    "{span}: {n} rows; the full history: salesflow export",
)
SHOWN_ALL = Count("{span}，共 {n} 行", "{span}: {n} row", "{span}: {n} rows")

WINDOW_HEADER = Text("总表显示范围", "Master shows")
HELP_HEADER = Text("说明", "Note")
WINDOW_HELP = Text(
    "登记表只显示此范围内的记录（指标、预警、应收款不受影响）：填 本月、本周、近7天 或 全部；"
    "命令行的 --window 优先。",
    "The register sheets show only records in this window (KPIs, flags and receivables "
    "are not affected): month, week, 7d or all; the command line's --window wins.",
)
UNREAD_WINDOW = Text(
    "指标表的“总表显示范围”无法识别: {value}（应为 本月、本周、近7天 或 全部），本次沿用上次的范围",
    "the Targets sheet's 'Master shows' cannot be read: {value} (month, week, 7d or all);"
    " this sync keeps the last window",
)
NOT_A_WINDOW = Text(
    "显示范围应为 本月、本周、近N天 或 全部: {value}",
    "a window is month, week, Nd (7d) or all: {value}",
)

_WORDS = {
    kind: {normalize_header(w) for w in (*words, *LABELS[kind].both())}
    for kind, words in {
        MONTH: ("month", "当月"),
        WEEK: ("week", "本星期"),
        ALL: ("all", "全部", "所有"),
    }.items()
}
"""What each window may be typed as (normalised), its labels included."""
_DAYS = re.compile(r"(?:近|最近|last)?(\d{1,4})(?:d|天|日|days?)")


@dataclass(frozen=True)
class Window:
    """A window: the as-of date's month or week, its last `days` days, or all."""

    kind: str
    days: int = 0

    @property
    def spec(self) -> str:
        """The window as `--window` takes it (`month`, `7d`): what the store keeps."""
        return f"{self.days}d" if self.kind == DAYS else self.kind

    def span(self, as_of: date) -> tuple[date, date] | None:
        """The first and last day shown (both included); None for all history."""
        if self.kind == MONTH:
            last = calendar.monthrange(as_of.year, as_of.month)[1]
            return as_of.replace(day=1), as_of.replace(day=last)
        if self.kind == WEEK:
            monday = as_of - timedelta(days=as_of.weekday())
            return monday, monday + timedelta(days=6)
        if self.kind == DAYS:
            return as_of - timedelta(days=self.days - 1), as_of
        return None

    def label(self, lang: Lang) -> str:
        return LAST_DAYS(self.days, lang) if self.kind == DAYS else LABELS[self.kind](lang)

    def title(self, as_of: date, rows: int, lang: Lang) -> str:
        """A register sheet's title line: the window, its dates and its rows, and where
        the rest of the history is (`本月 2026-11-01 至 2026-11-30，共 N 行；…`)."""
        span = self.span(as_of)
        if span is None:
            return SHOWN_ALL(rows, lang, span=self.label(lang))
        start, end = span
        dates = SPAN(lang, label=self.label(lang), start=start, end=end)
        return SHOWN(rows, lang, span=dates)


DEFAULT_WINDOW = Window(MONTH)


def parse_window(value: Any) -> Window:
    """A window from what a person typed: `month`/`本月`, `week`/`本周`, `7d`/`近7天`,
    `all`/`全部`, and the labels the 指标 sheet shows (`近 7 天`, `This month`).
    Raises ValueError (its text bilingual) for anything else."""
    text = normalize_header(str(value or ""))
    for kind, words in _WORDS.items():
        if text in words:
            return Window(kind)
    days = _DAYS.fullmatch(text)
    if days and int(days.group(1)) > 0:
        return Window(DAYS, int(days.group(1)))
    raise ValueError(" / ".join(NOT_A_WINDOW.both(value=value)))


def record_day(register: str, record: Mapping[str, Any]) -> date | None:
    """The day a record is placed at (its latest dated field); None when undated."""
    days = [d for name in DATE_FIELDS[register] if (d := record.get(name)) is not None]
    return max(days) if days else None


def within(
    register: str, records: Iterable[Mapping[str, Any]], span: tuple[date, date] | None
) -> list[Mapping[str, Any]]:
    """The records dated in `span` (None: all), and the undated ones: they are few, and
    need fixing, so they are shown wherever a window is."""
    if span is None:
        return list(records)
    start, end = span
    fields = DATE_FIELDS[register]
    if len(fields) == 1:  # a call, visit or shipment: one date, looked at in C
        name = fields[0]
        return [r for r in records if (day := r.get(name)) is None or start <= day <= end]
    out = []
    for record in records:
        day = record_day(register, record)
        if day is None or start <= day <= end:
            out.append(record)
    return out


def split_window_rows(rows: list[list[Any]]) -> tuple[list[list[Any]], Any]:
    """The 指标 sheet's rows above the window block (the targets, as
    `targets_from_rows` reads them), and the window cell typed there (None: none)."""
    headers = {normalize_header(h) for h in WINDOW_HEADER.both()}
    for i, row in enumerate(rows):
        if row and isinstance(row[0], str) and normalize_header(row[0]) in headers:
            below = rows[i + 1] if i + 1 < len(rows) else []
            return rows[:i], below[0] if below else None
    return rows, None


def choose_window(
    store: Store, given: Window | None, sheet_rows: list[list[Any]] | None
) -> tuple[Window, list[list[Any]] | None, list[Bilingual]]:
    """The window of this sync — `given` (the command line), else the one typed on the
    指标 sheet, else the last sync's, else this month — kept in the store for the next
    sync; the 指标 rows without the window block; a notice when the typed one could
    not be read (the window falls back as if it were blank)."""
    notices: list[Bilingual] = []
    typed = None
    if sheet_rows is not None:
        sheet_rows, typed = split_window_rows(sheet_rows)
    window = given
    if window is None and not is_blank(typed):
        try:
            window = parse_window(typed)
        except ValueError:
            notices.append(Bilingual(*UNREAD_WINDOW.both(value=typed)))
    if window is None:
        kept = store.setting(WINDOW_SETTING)
        window = parse_window(kept) if kept else DEFAULT_WINDOW
    store.put_setting(WINDOW_SETTING, window.spec)
    return window, sheet_rows, notices
