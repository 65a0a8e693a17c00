"""Writing the templates: the rep workbook (.xlsx) and the master workbook (.xlsm).

The layouts come from `sheets_templates.templates`; this module only renders them with
xlsxwriter. The master's VBA project is not ours to ship: it is taken at run time from
the installed xlwings package (its quickstart workbook), whose `SampleCall` macro runs
`import <workbook name>; <workbook name>.main()` — so the master is written with a
`salesflow_master.py` beside it that makes that call our Refresh.

Text that looks like a formula (`=…`, `+…`, `-…`, `@…`) is written as a string with
Excel's `quotePrefix` style, so editing the cell in Excel keeps it text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_cell_to_rowcol
from xlsxwriter.worksheet import Worksheet

from sheets_templates.excel import day_fraction
from sheets_templates.master_book import MASTER_NAME, MasterTemplate, master_template
from sheets_templates.settings_sheet import setting_cell
from sheets_templates.templates import (
    CHECK_MACRO,
    Column,
    FreeSheet,
    RegisterSheet,
    RepTemplate,
    rep_template,
)
from sheets_templates.words import Lang

from .excel_text import looks_like_formula
from .sources import OUTPUT_MASTER, OUTPUT_PROPERTY

REP_FILE = {"zh": "销售登记模板.xlsx", "en": "sales-register-template.xlsx"}
MASTER_FILE = f"{MASTER_NAME}.xlsm"

XLWINGS_WORKBOOKS = ("quickstart_standalone.xlsm", "quickstart.xlsm")
"""Where the VBA project comes from, in order of preference: the standalone one carries
xlwings' VBA module, so the master's Refresh works without the xlwings add-in."""
VBA_MACRO = "SampleCall"
VBA_CODE_NAMES = ("ThisWorkbook", "Sheet1", "Sheet2")
"""The quickstart project's code names: the workbook's, then its two sheets'."""

SIDECAR = '''"""Run by the Refresh button of {stem}.xlsm (written by `salesflow templates`).

The button's macro is xlwings' quickstart `SampleCall`, which runs
`import {stem}; {stem}.main()` with this workbook's folder on the Python path.
Keep this file beside the workbook, with the same name as the workbook.
"""

from addin.buttons import refresh as main

__all__ = ["main"]
'''

_STYLES: dict[str, dict[str, Any]] = {
    "text": {},
    "title": {"bold": True, "font_size": 16, "font_color": "#1F3864"},
    "section": {"bold": True, "font_size": 12, "font_color": "#1F3864"},
    "header": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center"},
    "label": {"bold": True},
    "note": {"italic": True, "font_color": "#595959"},
    "date": {"num_format": "yyyy-mm-dd", "align": "left"},
    "time": {"num_format": "hh:mm", "align": "left"},
    "count": {"num_format": "0", "align": "center"},
    "decimal": {"num_format": "0.0", "align": "center"},
    "percent": {"num_format": "0%", "align": "center"},
    "status": {"bold": True, "align": "center"},
    "computed": {"bg_color": "#F2F2F2", "font_color": "#1F3864", "bold": True},
}
_BAD = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
_GOOD = {"bg_color": "#C6EFCE", "font_color": "#006100"}


Props = Mapping[str, Any]
"""A cell format as xlsxwriter's properties: formats are made from them once per
workbook, on first use."""


def number_props(number_format: str | None) -> Props:
    return {"num_format": number_format} if number_format else {}


@dataclass
class _Formats:
    """The workbook's formats, made once per workbook (xlsxwriter formats belong to one)."""

    book: xlsxwriter.Workbook

    def __post_init__(self) -> None:
        self.bad = self.book.add_format(_BAD)
        self.good = self.book.add_format(_GOOD)
        self.made: dict[tuple[tuple[str, Any], ...], Format] = {}

    def get(self, props: Props) -> Format | None:
        """The format with these properties (None for none: the cell's default)."""
        if not props:
            return None
        key = tuple(sorted(props.items()))
        if key not in self.made:
            self.made[key] = self.book.add_format(dict(props))
        return self.made[key]

    def style(self, name: str) -> Format | None:
        return self.get(_STYLES[name])

    def for_value(self, value: Any, props: Props) -> Format | None:
        """A value's format: `props`, plus `quotePrefix` for text that looks like a
        formula."""
        if isinstance(value, str) and looks_like_formula(value):
            return self.get({**props, "quote_prefix": True})
        return self.get(props)


def _write_free_sheet(
    ws: Worksheet, sheet: FreeSheet, formats: _Formats, values: Mapping[str, Any] | None = None
) -> None:
    """A sheet cell by cell; `values` replace the layout's value at some cells."""
    values = values or {}
    for n, width in enumerate(sheet.widths):
        ws.set_column(n, n, width)
    ws.fit_to_pages(1, 0)  # notes that run past the last column print on the same page
    for cell in sheet.cells:
        row, col = xl_cell_to_rowcol(cell.ref)
        props = _STYLES[cell.style]
        if cell.ref in values:
            _write_value(ws, row, col, values[cell.ref], formats.for_value(values[cell.ref], props))
        elif cell.array:
            ws.write_array_formula(row, col, row, col, cell.value, formats.get(props), "")
        elif isinstance(cell.value, str) and cell.value.startswith("="):
            ws.write_formula(row, col, cell.value, formats.get(props), "")
        else:
            _write_value(ws, row, col, cell.value, formats.for_value(cell.value, props))
        if cell.hint:
            ws.data_validation(row, col, row, col, _hint(cell.hint, ""))
        for text, tone in cell.states:
            fmt = formats.good if tone == "good" else formats.bad
            ws.conditional_format(
                row,
                col,
                row,
                col,
                {"type": "cell", "criteria": "==", "value": f'"{text}"', "format": fmt},
            )


def _write_value(ws: Worksheet, row: int, col: int, value: Any, fmt: Format | None) -> None:
    """A typed value as a rep would have typed it: text stays text (even `=…`: its
    format comes from `_Formats.for_value`), dates and times are real ones."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, time):
        ws.write_number(row, col, day_fraction(value), fmt)
    elif isinstance(value, datetime | date):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_number(row, col, float(value), fmt)


def _hint(message: str, title: str, choices: tuple[str, ...] = ()) -> dict[str, Any]:
    """A data validation that shows `message` when the cell is selected, with a dropdown
    when there are choices; other values are allowed after a warning (the parser reads
    more spellings than a list can show)."""
    options: dict[str, Any] = {"input_title": title[:32], "input_message": message[:255]}
    if choices:
        options.update(validate="list", source=list(choices), error_type="warning")
    else:
        options.update(validate="any")
    return options


def _write_register(
    ws: Worksheet,
    sheet: RegisterSheet,
    formats: _Formats,
    rows: Sequence[Mapping[str, Any]] = (),
) -> None:
    first, last = sheet.first_row - 1, sheet.last_row - 1
    ws.add_table(
        0,
        0,
        last,
        len(sheet.columns) - 1,
        {
            "name": f"sf_{sheet.register.name}",
            "style": "Table Style Light 9",
            "columns": [
                {"header": c.header, "header_format": formats.style("header")}
                for c in sheet.columns
            ],
        },
    )
    ws.freeze_panes(1, 1)
    ws.print_area(0, 0, sheet.print_last_row - 1, len(sheet.columns) - 1)
    ws.repeat_rows(0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    for n, column in enumerate(sheet.columns):
        _write_column(ws, n, first, last, column, formats)
        # typing over a computed cell keeps its look, as it does in Excel
        props = _STYLES["computed"] if column.computed else number_props(column.number_format)
        for r, row in enumerate(rows, start=first):
            value = row.get(column.field.name)
            if value is not None and value != "":
                _write_value(ws, r, n, value, formats.for_value(value, props))


def _write_column(
    ws: Worksheet, n: int, first: int, last: int, column: Column, formats: _Formats
) -> None:
    ws.set_column(n, n, column.width, formats.get(number_props(column.number_format)))
    if column.hint or column.choices:
        ws.data_validation(first, n, last, n, _hint(column.hint, column.header, column.choices))
    for flag in column.flags:
        ws.conditional_format(
            first, n, last, n, {"type": "formula", "criteria": flag, "format": formats.bad}
        )
    if column.formula:
        computed = formats.style("computed")
        for row in range(first, last + 1):
            ws.write_formula(row, n, column.formula(row + 1), computed, "")


def write_rep_workbook(
    path: Path,
    template: RepTemplate,
    rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Path:
    """The rep workbook: Today, the four registers, settings; full recalculation on load.

    `rows` fills registers as a rep would have typed them (register → rows of field →
    value; a typed leads grade replaces its formula), `settings` fills or overrides the
    settings (`rep`, `team`, `month`, `day`, `clock`): the sample workbook, the picture
    of the Today sheet and the parity tests start from a filled template.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = rows or {}
    book = xlsxwriter.Workbook(str(path))
    formats = _Formats(book)
    today = book.add_worksheet(template.today.name)
    _write_free_sheet(today, template.today, formats)
    row, col = xl_cell_to_rowcol(template.button_cell)
    today.insert_button(
        row,
        col,
        {"macro": CHECK_MACRO, "caption": template.button_caption, "width": 200, "height": 28},
    )
    for sheet in template.registers:
        _write_register(
            book.add_worksheet(sheet.name), sheet, formats, rows.get(sheet.register.name, ())
        )
    values = {setting_cell(k): v for k, v in (settings or {}).items()}
    _write_free_sheet(
        book.add_worksheet(template.settings.name), template.settings, formats, values
    )
    today.activate()
    book.close()
    return path


def xlwings_vba_project() -> tuple[bytes, str]:
    """The VBA project of xlwings' installed quickstart workbook, and which one it was.

    Read at run time from the xlwings package, never copied into this repository.
    """
    import xlwings

    package = Path(xlwings.__file__).parent
    for name in XLWINGS_WORKBOOKS:
        source = package / name
        if source.exists():
            with zipfile.ZipFile(source) as archive:
                return archive.read("xl/vbaProject.bin"), name
    raise FileNotFoundError(f"no {' or '.join(XLWINGS_WORKBOOKS)} in {package}")


def write_master_workbook(path: Path, template: MasterTemplate) -> list[Path]:
    """The master `.xlsm` (VBA project, Refresh button, `xlwings.conf` sheet) and the
    `<stem>.py` beside it that the button's macro imports."""
    path.parent.mkdir(parents=True, exist_ok=True)
    project, _source = xlwings_vba_project()
    book = xlsxwriter.Workbook(str(path))
    book.add_vba_project(io.BytesIO(project), is_stream=True)
    book.set_vba_name(VBA_CODE_NAMES[0])
    book.set_custom_property(OUTPUT_PROPERTY, OUTPUT_MASTER)  # a master: never a source
    formats = _Formats(book)
    for sheet, code_name in zip((template.home, template.conf), VBA_CODE_NAMES[1:], strict=True):
        ws = book.add_worksheet(sheet.name)
        ws.set_vba_name(code_name)
        _write_free_sheet(ws, sheet, formats)
        if sheet is template.conf:
            ws.hide()
        if sheet is template.home:
            row, col = xl_cell_to_rowcol(template.button_cell)
            ws.insert_button(
                row,
                col,
                {
                    "macro": VBA_MACRO,
                    "caption": template.button_caption,
                    "width": 160,
                    "height": 36,
                },
            )
    book.close()
    sidecar = path.with_suffix(".py")
    sidecar.write_text(SIDECAR.format(stem=path.stem), encoding="utf-8")
    return [path, sidecar]


def write_templates(folder: Path, lang: Lang = "zh", team_folder: str = "team") -> list[Path]:
    """Everything `salesflow templates` writes into `folder`."""
    rep = write_rep_workbook(folder / REP_FILE[lang], rep_template(lang))
    master = write_master_workbook(folder / MASTER_FILE, master_template(lang, team_folder))
    return [rep, *master]
