"""The master written into a Google spreadsheet, and its targets read back.

Each master sheet becomes a tab (made when missing, its contents replaced), laid out
as the Excel master lays it out (`master_layout.layout`: tables stacked, a blank row
between them). A write costs a fixed handful of requests whatever the row count:
`spreadsheets.get`, one `batchUpdate` (new tabs, grid sizes, frozen header, number
formats, status colours — a master tab's old formats and colour rules are dropped
first), one `values:batchClear`, then the values in `values:batchUpdate` chunks
that each stay under `chunk_bytes` (Google refuses requests over 10 MB and advises
2 MB). Values go in `RAW`: a rep's `=HYPERLINK(...)` is stored as the text it is.
Dates and times are written as serial numbers with a date or time format, so the
manager sorts and filters real dates, as in Excel.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import gspread
from gspread.utils import absolute_range_name

from ..master_layout import Placed, layout
from ..master_model import DATE, INT, MONEY, PERCENT, TIME, MasterSheet
from ..master_words import SHEET_TITLES
from .batch import (
    BOLD,
    CHUNK_BYTES,
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
NUMBER_FORMATS = {
    DATE: {"type": "DATE", "pattern": "yyyy-mm-dd"},
    TIME: {"type": "TIME", "pattern": "hh:mm"},
    MONEY: {"type": "NUMBER", "pattern": "#,##0.00"},
    INT: {"type": "NUMBER", "pattern": "0"},
    PERCENT: {"type": "PERCENT", "pattern": "0%"},
}


def sheet_lines(placed: list[Placed]) -> list[list[Any]]:
    """A tab's rows from A1, as JSON cells (`[]` for a blank row)."""
    lines: list[list[Any]] = []

    def put(row: int, cells: list[Any]) -> None:
        while len(lines) <= row:
            lines.append([])
        lines[row] = cells

    for p in placed:
        t = p.table
        if p.title_row is not None:
            put(p.title_row, [t.title])
        if p.header_row is not None:
            put(p.header_row, list(t.header))
        if not t.rows and t.empty:
            put(p.first_row, [t.empty])
        for i, row in enumerate(t.rows):
            put(p.first_row + i, [json_cell(v) for v in row])
    return lines


def format_requests(sheet_id: int, placed: list[Placed]) -> list[dict[str, Any]]:
    """Bold titles and headers, and each typed column's number format over its rows."""
    out = []
    for p in placed:
        t = p.table
        if p.title_row is not None:
            grid = grid_range(sheet_id, p.title_row, p.title_row + 1, 0, 1)
            out.append(repeat_cell(grid, BOLD, "userEnteredFormat.textFormat"))
        if p.header_row is not None and t.columns:
            grid = grid_range(sheet_id, p.header_row, p.header_row + 1, 0, len(t.columns))
            out.append(repeat_cell(grid, HEADER, "userEnteredFormat(textFormat,backgroundColor)"))
        if not t.rows:
            continue
        for c, column in enumerate(t.columns):
            cells = grid_range(sheet_id, p.first_row, p.last_row + 1, c, c + 1)
            out += [
                conditional_rule(cells, text_is(text), TONES[tone])
                for text, tone in column.tones.items()
            ]
        for c, column in enumerate(t.columns):
            number_format = NUMBER_FORMATS.get(column.kind)
            if number_format is not None:
                grid = grid_range(sheet_id, p.first_row, p.last_row + 1, c, c + 1)
                out.append(
                    repeat_cell(
                        grid, {"numberFormat": number_format}, "userEnteredFormat.numberFormat"
                    )
                )
    return out


@dataclass
class MasterWrite:
    """What a Google master write did: tabs written, rows, and API requests made."""

    tabs: list[str]
    rows: int
    requests: int


def write_master_google(
    client: gspread.Client,
    key: str,
    sheets: list[MasterSheet],
    chunk_bytes: int = CHUNK_BYTES,
) -> MasterWrite:
    """Write the master's sheets into spreadsheet `key`, one tab each, replacing their
    contents; other tabs are left alone."""
    try:
        return _write(client, key, sheets, chunk_bytes)
    except Exception as exc:  # explained, or re-raised when not Google's
        raise explain(exc, account_of(client), secrets_of(client)) from None


def _write(
    client: gspread.Client, key: str, sheets: list[MasterSheet], chunk_bytes: int
) -> MasterWrite:
    http = client.http_client
    metadata = http.fetch_sheet_metadata(key)
    existing = {title.casefold(): gid for title, gid in grid_tabs(metadata)}
    old_rules = {
        s["properties"].get("sheetId", 0): len(s.get("conditionalFormats", []))
        for s in metadata.get("sheets", [])
    }
    layouts = [layout(replace(s, chart=None)) for s in sheets]
    requests: list[dict[str, Any]] = []
    formats: list[dict[str, Any]] = []
    tabs: list[tuple[str, list[list[Any]]]] = []
    next_id = max([*existing.values(), 0]) + 1
    for sheet, placed in zip(sheets, layouts, strict=True):
        lines = sheet_lines(placed)
        first = placed[0] if placed else None
        frozen = (
            first.header_row + 1 if sheet.freeze and first and first.header_row is not None else 0
        )
        rows = max(len(lines), frozen + 1)
        columns = max([MIN_COLUMNS, *(len(line) for line in lines)])
        grid = {"rowCount": rows, "columnCount": columns, "frozenRowCount": frozen}
        sheet_id = existing.get(sheet.title.casefold())
        if sheet_id is None:
            sheet_id, next_id = next_id, next_id + 1
            requests.append(
                {
                    "addSheet": {
                        "properties": {
                            "sheetId": sheet_id,
                            "title": sheet.title,
                            "gridProperties": grid,
                        }
                    }
                }
            )
        else:
            requests.append(
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": sheet_id, "gridProperties": grid},
                        "fields": ",".join(f"gridProperties.{name}" for name in grid),
                    }
                }
            )
            requests.append(repeat_cell({"sheetId": sheet_id}, {}, "userEnteredFormat"))
            delete = {"deleteConditionalFormatRule": {"sheetId": sheet_id, "index": 0}}
            requests += [delete] * old_rules.get(sheet_id, 0)
        formats.extend(format_requests(sheet_id, placed))
        tabs.append((sheet.title, lines))
    if not tabs:
        return MasterWrite([], 0, 1)
    http.batch_update(key, {"requests": requests + formats})
    http.values_batch_clear(key, body={"ranges": [absolute_range_name(t) for t, _ in tabs]})
    blocks = [Block(title, "A1", lines) for title, lines in tabs]
    made = 3 + write_values(client, key, blocks, "RAW", chunk_bytes)
    return MasterWrite([t for t, _ in tabs], sum(len(lines) for _, lines in tabs), made)


def read_targets_google(
    client: gspread.Client, key: str, tab: str = "targets"
) -> list[list[Any]] | None:
    """The rows of a master's tab the manager edits (`tab`: the targets, 指标 / Targets,
    or the team, 团队 / Team) as raw values, or None when the spreadsheet has no such tab
    yet (the first sync): two read requests."""
    try:
        http = client.http_client
        names = {title.casefold() for title in SHEET_TITLES[tab].both()}
        for title, _gid in grid_tabs(http.fetch_sheet_metadata(key)):
            if title.casefold() in names:
                params: dict[str, str | int | bool | float | list[str] | None] = {
                    "valueRenderOption": "UNFORMATTED_VALUE",
                    "dateTimeRenderOption": "SERIAL_NUMBER",
                }
                answer = http.values_get(key, absolute_range_name(title), params=params)
                return answer.get("values", [])
    except Exception as exc:
        raise explain(exc, account_of(client), secrets_of(client)) from None
    return None


@dataclass
class GoogleMaster:
    """The master as tabs of a Google spreadsheet (a `sync.run.MasterTarget`); after a
    write, `written` says what it did and cost."""

    client: gspread.Client
    key: str
    written: MasterWrite | None = None

    def read_targets(self) -> list[list[Any]] | None:
        return read_targets_google(self.client, self.key)

    def read_team(self) -> list[list[Any]] | None:
        return read_targets_google(self.client, self.key, "team")

    def write(self, sheets: list[MasterSheet]) -> None:
        self.written = write_master_google(self.client, self.key, sheets)
