"""The rep template written into a Google spreadsheet: the same layout as the Excel
template (`sheets_templates.templates.rep_template`), rendered with the Sheets API.

Tabs Today, the four registers and Settings, each made only when missing: a tab that
already exists is left as it is (it may hold a rep's records). Register tabs get their
header (frozen, with the first column), dropdowns (`setDataValidation`, a warning
rather than a refusal, as in Excel), red flags for bad values (conditional formats
with the template's own formulas) and number formats; formulas go in with
`USER_ENTERED` so Google Sheets computes them, every other text with `RAW`. Four
requests in all: `spreadsheets.get`, one `batchUpdate`, and one values write per
input option.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gspread
from gspread.utils import a1_to_rowcol

from sheets_templates.registers import Kind
from sheets_templates.templates import FreeSheet, RegisterSheet, RepTemplate, rep_template
from sheets_templates.words import Lang

from .batch import (
    BOLD,
    HEADER,
    TONES,
    Block,
    conditional_rule,
    grid_range,
    json_cell,
    repeat_cell,
    text_is,
    write_values,
)
from .errors import explain
from .http import account_of, secrets_of
from .source import grid_tabs

MIN_COLUMNS = 26
FREE_ROWS = 100
_NUMBER_FORMATS = {
    "yyyy-mm-dd": {"type": "DATE", "pattern": "yyyy-mm-dd"},
    "hh:mm": {"type": "TIME", "pattern": "hh:mm"},
    "@": {"type": "TEXT"},
    "#,##0.00": {"type": "NUMBER", "pattern": "#,##0.00"},
}
_STYLE_FORMATS: dict[str, dict[str, Any]] = {
    "title": {"textFormat": {"bold": True, "fontSize": 16}},
    "section": {"textFormat": {"bold": True, "fontSize": 12}},
    "header": HEADER,
    "label": BOLD,
    "status": BOLD,
    "note": {"textFormat": {"italic": True}},
    "date": {"numberFormat": _NUMBER_FORMATS["yyyy-mm-dd"]},
    "time": {"numberFormat": _NUMBER_FORMATS["hh:mm"]},
    "count": {"numberFormat": {"type": "NUMBER", "pattern": "0"}},
    "decimal": {"numberFormat": {"type": "NUMBER", "pattern": "0.0"}},
    "percent": {"numberFormat": {"type": "PERCENT", "pattern": "0%"}},
}


@dataclass
class TemplateWrite:
    """Tabs made, tabs left alone because they existed, and API requests made."""

    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    requests: int = 0


@dataclass
class _Plan:
    """Everything to send: structure and formats, then values by input option."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    raw: list[Block] = field(default_factory=list)
    formulas: list[Block] = field(default_factory=list)


def _validation(grid: dict[str, int], condition: dict[str, Any], hint: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"condition": condition, "strict": False, "showCustomUi": True}
    if hint:
        rule["inputMessage"] = hint
    return {"setDataValidation": {"range": grid, "rule": rule}}


def register_plan(sheet: RegisterSheet, sheet_id: int, plan: _Plan) -> None:
    """Header, formulas, dropdowns, flags and number formats of one register tab."""
    first, last = sheet.first_row - 1, sheet.last_row
    plan.raw.append(Block(sheet.name, "A1", [[c.header for c in sheet.columns]]))
    width = len(sheet.columns)
    plan.requests.append(
        repeat_cell(
            grid_range(sheet_id, 0, 1, 0, width),
            HEADER,
            "userEnteredFormat(textFormat,backgroundColor)",
        )
    )
    for n, column in enumerate(sheet.columns):
        cells = grid_range(sheet_id, first, last, n, n + 1)
        if column.choices:
            values = [{"userEnteredValue": choice} for choice in column.choices]
            condition = {"type": "ONE_OF_LIST", "values": values}
            plan.requests.append(_validation(cells, condition, column.hint))
        elif column.field.kind is Kind.DATE:
            plan.requests.append(_validation(cells, {"type": "DATE_IS_VALID"}, column.hint))
        for flag in column.flags:
            condition = {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": flag}]}
            plan.requests.append(conditional_rule(cells, condition, TONES["bad"]))
        number_format = _NUMBER_FORMATS.get(column.number_format or "")
        if number_format is not None:
            plan.requests.append(
                repeat_cell(
                    cells, {"numberFormat": number_format}, "userEnteredFormat.numberFormat"
                )
            )
        if column.formula is not None:
            rows = [[column.formula(r)] for r in range(sheet.first_row, sheet.last_row + 1)]
            plan.formulas.append(Block(sheet.name, f"{column.letter}{sheet.first_row}", rows))


def free_plan(sheet: FreeSheet, sheet_id: int, plan: _Plan) -> None:
    """A cell-by-cell sheet (Today, Settings): constants RAW, formulas USER_ENTERED."""
    for cell in sheet.cells:
        row, col = a1_to_rowcol(cell.ref)
        grid = grid_range(sheet_id, row - 1, row, col - 1, col)
        if cell.value is not None:
            value = json_cell(cell.value)
            if cell.array:  # Sheets' explicit array evaluation, as an xlsx array formula
                value = f"=ARRAYFORMULA({value[1:]})"
            is_formula = isinstance(value, str) and value.startswith("=")
            (plan.formulas if is_formula else plan.raw).append(
                Block(sheet.name, cell.ref, [[value]])
            )
        look = _STYLE_FORMATS.get(cell.style)
        if look is not None:
            plan.requests.append(
                repeat_cell(grid, look, "userEnteredFormat(" + ",".join(look) + ")")
            )
        for text, tone in cell.states:
            plan.requests.append(conditional_rule(grid, text_is(text), TONES[tone]))


def write_templates_google(client: gspread.Client, key: str, lang: Lang = "zh") -> TemplateWrite:
    """Make the rep template's missing tabs in spreadsheet `key` (existing tabs are kept)."""
    try:
        return _write(client, key, rep_template(lang))
    except Exception as exc:  # explained, or re-raised when not Google's
        raise explain(exc, account_of(client), secrets_of(client)) from None


def _write(client: gspread.Client, key: str, template: RepTemplate) -> TemplateWrite:
    http = client.http_client
    tabs = grid_tabs(http.fetch_sheet_metadata(key))
    existing = {title.casefold() for title, _ in tabs}
    next_id = max([gid for _, gid in tabs] + [0]) + 1
    report = TemplateWrite(requests=1)
    plan = _Plan()
    sheets: list[FreeSheet | RegisterSheet] = [
        template.today,
        *template.registers,
        template.settings,
    ]
    for sheet in sheets:
        if sheet.name.casefold() in existing:
            report.kept.append(sheet.name)
            continue
        sheet_id, next_id = next_id, next_id + 1
        if isinstance(sheet, RegisterSheet):
            grid = {
                "rowCount": sheet.last_row,
                "columnCount": max(MIN_COLUMNS, len(sheet.columns)),
                "frozenRowCount": 1,
                "frozenColumnCount": 1,
            }
        else:
            grid = {"rowCount": FREE_ROWS, "columnCount": MIN_COLUMNS}
        plan.requests.insert(
            len(report.created),
            {
                "addSheet": {
                    "properties": {"sheetId": sheet_id, "title": sheet.name, "gridProperties": grid}
                }
            },
        )
        if isinstance(sheet, RegisterSheet):
            register_plan(sheet, sheet_id, plan)
        else:
            free_plan(sheet, sheet_id, plan)
        report.created.append(sheet.name)
    if not report.created:
        return report
    http.batch_update(key, {"requests": plan.requests})
    report.requests += 1
    report.requests += write_values(client, key, plan.raw, "RAW")
    report.requests += write_values(client, key, plan.formulas, "USER_ENTERED")
    return report
