"""Building blocks of Sheets API batch requests: cells as JSON, grid ranges, formats,
and values writes split into chunks that stay under the request-size limit."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import gspread
from gspread.utils import a1_to_rowcol, absolute_range_name, rowcol_to_a1

from sheets_templates.excel import day_fraction
from sheets_templates.values import date_to_excel_serial

CHUNK_BYTES = 2_000_000
"""Largest values request body: Google's advice (2 MB), a fifth of its hard limit."""
BOLD = {"textFormat": {"bold": True}}
HEADER = {
    "textFormat": {"bold": True},
    "backgroundColor": {"red": 0.867, "green": 0.922, "blue": 0.969},
}
"""The header look of the Excel templates and master (bold on light blue)."""


def _rgb(hex_colour: str) -> dict[str, float]:
    return {
        name: round(int(hex_colour[i : i + 2], 16) / 255, 3)
        for name, i in (("red", 0), ("green", 2), ("blue", 4))
    }


TONES = {
    tone: {"backgroundColor": _rgb(background), "textFormat": {"foregroundColor": _rgb(text)}}
    for tone, background, text in (
        ("good", "C6EFCE", "006100"),
        ("bad", "FFC7CE", "9C0006"),
        ("warn", "FFEB9C", "9C5700"),
    )
}
"""Cell colours by tone (`sync.master_model.GOOD` / `BAD` / `WARN`), Excel's own good/bad/neutral."""


def json_cell(value: Any) -> Any:
    """A value as the JSON the Sheets API takes.

    Text stays text (with `RAW` input it is never parsed), numbers stay numbers
    (whole Decimals as integers), dates and times become serial numbers for a date or
    time number format to show, blanks are "".
    """
    if value is None:
        return ""
    kind = type(value)
    if kind is str or kind is bool or kind is int:
        return value
    if kind is float:
        return value if math.isfinite(value) else str(value)
    if kind is Decimal:
        if not value.is_finite():
            return str(value)
        return int(value) if value == value.to_integral_value() else float(value)
    if kind is date:
        return date_to_excel_serial(value)
    if kind is datetime:
        return date_to_excel_serial(value.date()) + day_fraction(value.time())
    if kind is time:
        return day_fraction(value)
    return str(value)


def grid_range(sheet_id: int, row0: int, row1: int, col0: int, col1: int) -> dict[str, int]:
    """A GridRange: 0-based, ends exclusive (`{"sheetId": n}` alone is the whole tab)."""
    return {
        "sheetId": sheet_id,
        "startRowIndex": row0,
        "endRowIndex": row1,
        "startColumnIndex": col0,
        "endColumnIndex": col1,
    }


def repeat_cell(grid: dict[str, int], cell_format: dict[str, Any], fields: str) -> dict[str, Any]:
    """A `repeatCell` request setting `fields` of every cell's format in `grid`."""
    return {
        "repeatCell": {"range": grid, "cell": {"userEnteredFormat": cell_format}, "fields": fields}
    }


def conditional_rule(
    grid: dict[str, int], condition: dict[str, Any], look: dict[str, Any]
) -> dict[str, Any]:
    """An `addConditionalFormatRule` request: `look` where `condition` holds in `grid`."""
    return {
        "addConditionalFormatRule": {
            "rule": {"ranges": [grid], "booleanRule": {"condition": condition, "format": look}},
            "index": 0,
        }
    }


def text_is(text: str) -> dict[str, Any]:
    return {"type": "TEXT_EQ", "values": [{"userEnteredValue": text}]}


@dataclass
class Block:
    """Rows of values to write with their top-left cell on a tab (`A1`, `L2`)."""

    tab: str
    start: str
    rows: list[list[Any]]


def chunks(blocks: list[Block], chunk_bytes: int = CHUNK_BYTES) -> Iterator[list[dict[str, Any]]]:
    """`values:batchUpdate` data lists, each under `chunk_bytes` of JSON as requests
    sends it (non-ASCII escaped); a block too big for one chunk is split by rows."""
    data: list[dict[str, Any]] = []
    size = 0
    for block in blocks:
        row, col = a1_to_rowcol(block.start)
        overhead = len(json.dumps(absolute_range_name(block.tab, block.start))) + 32
        part: list[list[Any]] = []
        first, part_size = 0, overhead
        for n, line in enumerate(block.rows):
            line_size = len(json.dumps(line)) + 2
            if part and size + part_size + line_size > chunk_bytes:
                data.append(_value_range(block.tab, row + first, col, part))
                yield data
                data, size, first, part, part_size = [], 0, n, [], overhead
            part.append(line)
            part_size += line_size
        if part:
            data.append(_value_range(block.tab, row + first, col, part))
            size += part_size
    if data:
        yield data


def _value_range(tab: str, row: int, col: int, rows: list[list[Any]]) -> dict[str, Any]:
    return {"range": absolute_range_name(tab, rowcol_to_a1(row, col)), "values": rows}


def write_values(
    client: gspread.Client,
    key: str,
    blocks: list[Block],
    input_option: str = "RAW",
    chunk_bytes: int = CHUNK_BYTES,
) -> int:
    """Write `blocks` in as few `values:batchUpdate` requests as the size limit allows;
    returns how many were made."""
    made = 0
    for data in chunks(blocks, chunk_bytes):
        client.http_client.values_batch_update(
            key, {"valueInputOption": input_option, "data": data}
        )
        made += 1
    return made
