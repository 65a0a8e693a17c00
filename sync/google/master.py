"""The master written into a Google spreadsheet, never half written, and the sheets the
manager edits read back.

Each master sheet becomes a tab laid out as the Excel master lays it out
(`master_layout.layout`) and looking like it (`master_format`). A write is never seen
half done: every tab is written to a fresh hidden tab (`电话记录 (新)`), and only when all
of them hold their values and look do they take the old tabs' places, in ONE atomic
`batchUpdate` (unhide the fresh tabs, delete the old ones, rename the fresh ones). A
failure at any request before that swap leaves the previous master as it was; the fresh
tabs it leaves behind are hidden and deleted by the next write. Other tabs are left
alone, and each master tab keeps its place among them.

The cost is fixed whatever the row count: `spreadsheets.get`; one `batchUpdate` that
adds the fresh tabs (and deletes a failed write's leftovers); the values in
`values:batchUpdate` chunks that each stay under `chunk_bytes` (Google refuses requests
over 10 MB and advises 2 MB); one `batchUpdate` with the look and the swap: 3 requests
plus one per chunk, 4 for an office's month. Values go in `RAW`: a rep's
`=HYPERLINK(...)` is stored as the text it is. Dates and times are written as serial
numbers with a date or time format, so the manager sorts and filters real dates.

The swap replaces tabs, so each sync's tabs are new (Google never changes a tab's
sheetId). The master's own links (the meetings' banner to the sheets that list what it
counts) are written in the swap's batch with the fresh tabs' ids, so they open the new
tabs; a formula in the manager's own tab that pointed at a master tab, or a bookmarked
`#gid=` link, does not follow the swap.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import gspread
from gspread.utils import absolute_range_name

from ..master_layout import Placed, layout
from ..master_model import MasterSheet
from ..master_words import SHEET_TITLES
from .batch import CHUNK_BYTES, Block, json_cell, write_values
from .errors import explain
from .http import account_of, secrets_of
from .master_format import frozen_rows, grid_rows, look_requests
from .source import grid_tabs

MIN_COLUMNS = 26
FRESH = "{title} (新{n})"
"""The hidden tab a sheet is written to before it is swapped in (`n`: a number when a
tab of that name is the manager's own)."""
FRESH_TITLE = re.compile(r"(?P<title>.+) \(新(?: \d+)?\)")


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


@dataclass
class MasterWrite:
    """What a Google master write did: tabs written, rows, and API requests made."""

    tabs: list[str]
    rows: int
    requests: int


@dataclass
class Tab:
    """One master sheet on its way in: its fresh tab, and the old tab it replaces."""

    sheet: MasterSheet
    placed: list[Placed]
    lines: list[list[Any]]
    fresh_id: int
    fresh_title: str
    old_id: int | None


def write_master_google(
    client: gspread.Client,
    key: str,
    sheets: list[MasterSheet],
    chunk_bytes: int = CHUNK_BYTES,
) -> MasterWrite:
    """Write the master's sheets into spreadsheet `key`, one tab each, replacing the old
    master tabs at once; other tabs are left alone."""
    try:
        return _write(client, key, sheets, chunk_bytes)
    except Exception as exc:  # explained, or re-raised when not Google's
        raise explain(exc, account_of(client), secrets_of(client)) from None


def _write(
    client: gspread.Client, key: str, sheets: list[MasterSheet], chunk_bytes: int
) -> MasterWrite:
    if not sheets:
        return MasterWrite([], 0, 0)
    http = client.http_client
    metadata = http.fetch_sheet_metadata(key)
    tabs, prepare = _plan(metadata, sheets)
    http.batch_update(key, {"requests": prepare})
    blocks = [Block(tab.fresh_title, "A1", tab.lines) for tab in tabs]
    made = write_values(client, key, blocks, "RAW", chunk_bytes)
    http.batch_update(key, {"requests": _swap(tabs)})
    return MasterWrite(
        [tab.sheet.title for tab in tabs], sum(len(tab.lines) for tab in tabs), 3 + made
    )


def _plan(
    metadata: Mapping[str, Any], sheets: list[MasterSheet]
) -> tuple[list[Tab], list[dict[str, Any]]]:
    """The fresh tabs and the batchUpdate that makes them: a failed write's leftovers
    deleted, each fresh tab added hidden just before the tab it replaces (a new sheet at
    the end), sized and frozen."""
    properties = [s.get("properties", {}) for s in metadata.get("sheets", [])]
    writing = {s.title.casefold() for s in sheets}
    stale = [
        p
        for p in properties
        if p.get("hidden")
        and (m := FRESH_TITLE.fullmatch(p.get("title", ""))) is not None
        and m["title"].casefold() in writing
    ]
    requests: list[dict[str, Any]] = [{"deleteSheet": {"sheetId": p["sheetId"]}} for p in stale]
    order = [p for p in properties if p not in stale]
    taken = {p.get("title", "").casefold() for p in order}
    existing = {p.get("title", "").casefold(): int(p.get("sheetId", 0)) for p in order}
    next_id = max([int(p.get("sheetId", 0)) for p in properties] + [0]) + 1
    ids = [int(p.get("sheetId", 0)) for p in order]
    tabs = []
    for sheet in sheets:
        placed = layout(sheet)
        lines = sheet_lines(placed)
        old_id = existing.get(sheet.title.casefold())
        title = _fresh_title(sheet.title, taken)
        taken.add(title.casefold())
        tab = Tab(sheet, placed, lines, next_id, title, old_id)
        next_id += 1
        grid = {
            "rowCount": max(len(lines), grid_rows(placed), frozen_rows(sheet, placed) + 1),
            "columnCount": max([MIN_COLUMNS, *(len(line) for line in lines)]),
            "frozenRowCount": frozen_rows(sheet, placed),
        }
        index = ids.index(old_id) if old_id is not None else len(ids)
        ids.insert(index, tab.fresh_id)
        new = {"sheetId": tab.fresh_id, "title": title, "index": index, "hidden": True}
        requests.append({"addSheet": {"properties": {**new, "gridProperties": grid}}})
        tabs.append(tab)
    return tabs, requests


def _fresh_title(title: str, taken: set[str]) -> str:
    """`电话记录 (新)`, or `电话记录 (新 2)` when the manager has a tab of that name."""
    n = 1
    while (fresh := FRESH.format(title=title, n=f" {n}" if n > 1 else "")).casefold() in taken:
        n += 1
    return fresh


def _swap(tabs: list[Tab]) -> list[dict[str, Any]]:
    """One batchUpdate: the fresh tabs' look, then the swap. The fresh tabs are shown
    before the old ones go (a spreadsheet must keep a visible tab), then take their names."""
    links = {tab.sheet.title: tab.fresh_id for tab in tabs}
    requests: list[dict[str, Any]] = []
    for tab in tabs:
        requests += look_requests(tab.sheet, tab.fresh_id, tab.placed, links)
    requests += [_properties(tab.fresh_id, {"hidden": False}) for tab in tabs]
    requests += [{"deleteSheet": {"sheetId": tab.old_id}} for tab in tabs if tab.old_id is not None]
    requests += [_properties(tab.fresh_id, {"title": tab.sheet.title}) for tab in tabs]
    return requests


def _properties(sheet_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    return {
        "updateSheetProperties": {
            "properties": {"sheetId": sheet_id, **changes},
            "fields": ",".join(changes),
        }
    }


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

    def stamp(self) -> None:
        return None  # the tabs are shared and edited online: always written

    def begin(self, sheet: MasterSheet) -> contextlib.AbstractContextManager[object]:
        """Nothing to make early: the tabs are written through the Sheets API, all at once."""
        return contextlib.nullcontext()

    def write(
        self, sheets: list[MasterSheet], stamp: str, stop: Callable[[], bool] | None = None
    ) -> None:
        self.written = write_master_google(self.client, self.key, sheets)
