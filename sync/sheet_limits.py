"""Excel's limits on a sheet, and cutting a master sheet to fit them, said aloud.

A workbook with a sheet past 1,048,576 rows or 16,384 columns does not open in Excel
at all, so whatever the history or the window, no sheet of the master passes them: a
table that would is cut at the limit, and its title line says so (as does the sync's
summary) — never silently. A cell takes at most 32,767 characters in Excel (50,000 in
Google Sheets): a longer text is cut to Excel's limit with a trailing `…`, for every
master (the Excel and the Google one hold the same), and the summary names its sheet,
row and column, since nothing a rep typed may be rewritten unsaid (the store keeps the
whole text; `salesflow export` says the same of its .xlsx, and writes CSV whole).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from itertools import chain

from sheets_templates.problems import column_letter
from sheets_templates.words import Lang, Text

from .errors import Bilingual
from .master_layout import layout
from .master_model import MasterSheet

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
EXCEL_MAX_TEXT = 32_767

ROWS_CUT = Text(
    "【已截断】Excel 一张表最多 {most:,} 行：只显示前 {shown:,} 行（共 {total:,} 行），"
    "请缩小显示范围（--window）或用 salesflow export 导出",
    "[CUT] an Excel sheet holds at most {most:,} rows: the first {shown:,} of {total:,} "
    "rows are shown; narrow the window (--window) or use salesflow export",
)
COLUMNS_CUT = Text(
    "【已截断】Excel 一张表最多 {most:,} 列：只显示前 {shown:,} 列（共 {total:,} 列）",
    "[CUT] an Excel sheet holds at most {most:,} columns: the first {shown:,} of "
    "{total:,} columns are shown",
)
TEXT_CUT = Text(
    "【已截断】第 {row} 行 {column} 列（{header}）的文字有 {total:,} 个字符，Excel 一格最多 "
    "{most:,} 个：只保留前 {shown:,} 个（以“…”结尾），全文仍在数据库里",
    "[CUT] the text at row {row}, column {column} ({header}) has {total:,} characters and "
    "an Excel cell holds at most {most:,}: the first {shown:,} are kept (ending in '…'); "
    "the whole text is still in the store",
)
SHEET_CUT = Text("总表的“{sheet}”表: {note}", "the master's sheet '{sheet}': {note}")


@dataclass(frozen=True)
class Cut:
    """A sheet cut to fit: its title, and the note its cut table's title line carries
    (a table cut) or that names the cell (a text cut)."""

    sheet: str
    note: Text
    values: Mapping[str, int | str]

    def notice(self) -> Bilingual:
        """The cut as the sync's summary says it."""
        zh, en = (
            SHEET_CUT(lang, sheet=self.sheet, note=self.note(lang, **self.values))
            for lang in ("zh", "en")
        )
        return Bilingual(zh, en)

    def title_note(self, lang: Lang) -> str:
        return self.note(lang, **self.values)


def cut_text(text: str, most: int = EXCEL_MAX_TEXT) -> str:
    """`text` as a cell holds it: at most `most` characters, the last a `…` saying that
    the rest is gone."""
    return text if len(text) <= most else text[: most - 1] + "…"


def fit_sheets(
    sheets: list[MasterSheet],
    lang: Lang,
    max_rows: int = EXCEL_MAX_ROWS,
    max_columns: int = EXCEL_MAX_COLUMNS,
    max_text: int = EXCEL_MAX_TEXT,
) -> list[Cut]:
    """Cut every sheet of `sheets` (in place) to `max_rows` rows and `max_columns`
    columns, each cut table's title line saying so in `lang`, and every text to
    `max_text` characters (`cut_text`); the cuts made, a text's naming its cell."""
    cuts: list[Cut] = []
    for sheet in sheets:
        for table in sheet.tables:
            if len(table.columns) > max_columns:
                values = {"most": max_columns, "shown": max_columns, "total": len(table.columns)}
                cut = Cut(sheet.title, COLUMNS_CUT, values)
                table.columns = table.columns[:max_columns]
                table.rows = [row[:max_columns] for row in table.rows]
                table.title = _noted(table.title, cut.title_note(lang))
                cuts.append(cut)
        cuts += _fit_rows(sheet, lang, max_rows)
        cuts += _fit_texts(sheet, max_text)
    return cuts


_is_text = partial(type.__instancecheck__, str)
"""`isinstance(value, str)` as a callable in C, for `filter`."""


def _fit_texts(sheet: MasterSheet, max_text: int) -> list[Cut]:
    """Each text longer than `max_text` cut, and named by the cell Excel shows it in
    (row from 1, column letter, header). A table is looked into only when its longest
    text is too long: that look over every cell, in C, is the cost every sync pays."""
    cuts: list[Cut] = []
    for p in layout(sheet):
        table = p.table
        if table.texts_fit:
            continue
        cells = chain.from_iterable(table.rows)
        if max(map(len, filter(_is_text, cells)), default=0) <= max_text:
            continue
        for i, row in enumerate(table.rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and len(value) > max_text:
                    row[c] = cut_text(value, max_text)
                    values: dict[str, int | str] = {
                        "row": p.first_row + i + 1,
                        "column": column_letter(c),
                        "header": table.columns[c].header if c < len(table.columns) else "",
                        "total": len(value),
                        "most": max_text,
                        "shown": max_text - 1,
                    }
                    cuts.append(Cut(sheet.title, TEXT_CUT, values))
    return cuts


def _noted(title: str | None, note: str) -> str:
    return f"{title}  {note}" if title else note


def _fit_rows(sheet: MasterSheet, lang: Lang, max_rows: int) -> list[Cut]:
    """The first table that passes the last row is cut there; tables below it go."""
    for i, p in enumerate(layout(sheet)):
        if p.last_row < max_rows:
            continue
        table = p.table
        first_row = p.first_row + (0 if table.title else 1)  # the note takes a title line
        shown = max(max_rows - first_row, 0)
        values = {"most": max_rows, "shown": shown, "total": len(table.rows)}
        cut = Cut(sheet.title, ROWS_CUT, values)
        table.rows = table.rows[:shown]
        table.title = _noted(table.title, cut.title_note(lang))
        del sheet.tables[i + 1 :]
        if sheet.chart is not None and sheet.chart.table > i:
            sheet.chart = None
        return [cut]
    return []
