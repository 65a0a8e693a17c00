"""An office's shared Google spreadsheet as a source, exactly like a workbook on disk.

One spreadsheet costs two read requests whatever its size: `spreadsheets.get` for the
tab titles, then ONE `values:batchGet` for every tab, with `UNFORMATTED_VALUE` and
`SERIAL_NUMBER` so cells arrive as Excel's raw cells do (numbers as numbers, so a
phone typed as a number is still a number; dates and times as serial numbers, which
`sheets_templates.values` reads like Excel's). The values are then hashed (an unchanged
spreadsheet is not parsed again) and read by the same `read_grids` a workbook goes
through. Every problem carries a link that opens its cell in the browser.

Which rep a tab belongs to, in the usual order (rep column, `销售员:` line, settings
tab), then — the Google twin of a folder per rep — the tab's own title, when the title
is not a register's or a settings sheet's name (`张三` is a rep; `电话记录` is not).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any
from urllib.parse import quote

import gspread
from gspread.exceptions import NoValidUrlKeyFound
from gspread.utils import absolute_range_name, extract_id_from_url

from sheets_templates.header import year_in
from sheets_templates.problems import Problem
from sheets_templates.registers import REGISTERS, normalize_header
from sheets_templates.table import SheetResult

from ..reader import SETTINGS_SHEETS, FileResult, read_grids
from ..sources import Source
from .commands import SHEET_URL
from .errors import GoogleError, explain
from .http import account_of, secrets_of

READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
MAX_URL = 8000
"""Google answers 413/400 to very long URLs: a batchGet naming hundreds of tabs is split."""
_KEY = re.compile(r"^[A-Za-z0-9_-]{10,}$")
_DEFAULT_TAB = re.compile(r"^(sheet|工作表|表|tab|页)\s*\d*$", re.IGNORECASE)
_NOT_REPS = {
    normalize_header(word)
    for register in REGISTERS.values()
    for word in (*register.sheet_words, register.title("zh"), register.title("en"))
}


@dataclass(frozen=True)
class Tab:
    """One tab: its title, its id in links (`gid`) and its cells from A1."""

    title: str
    gid: int
    rows: list[list[Any]]


@dataclass(frozen=True)
class Book:
    """A spreadsheet as read: plain data, so a `Source.read` built on it pickles."""

    key: str
    title: str
    tabs: tuple[Tab, ...]

    def content_hash(self) -> str:
        digest = hashlib.sha256()
        for part in (self.title, *(t.title for t in self.tabs)):
            digest.update(part.encode() + b"\x00")
        for tab in self.tabs:
            text = json.dumps(tab.rows, ensure_ascii=False, separators=(",", ":"))
            digest.update(text.encode())
        return digest.hexdigest()


def spreadsheet_key(text: str) -> str:
    """The key of a spreadsheet given as its key or its browser URL."""
    text = text.strip()
    if _KEY.match(text):
        return text
    try:
        return extract_id_from_url(text)
    except NoValidUrlKeyFound:
        raise GoogleError(
            f"这不是 Google 表格的 ID 或链接: {text}",
            f"Not a Google spreadsheet ID or link: {text}",
            fatal=True,
        ) from None


def cell_link(key: str, gid: int, column: str | None = None, row: int | None = None) -> str:
    """The URL that opens a tab (and a cell, or a row) in the browser."""
    link = SHEET_URL.format(key=key) + f"#gid={gid}"
    if row is not None:
        link += f"&range={quote(column or '')}{row}" + ("" if column else f":{row}")
    return link


def grid_tabs(metadata: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(title, sheetId) of every grid tab, in order (chart sheets hold no cells)."""
    return [
        (p["title"], int(p.get("sheetId", 0)))
        for p in (s.get("properties", {}) for s in metadata.get("sheets", []))
        if p.get("sheetType", "GRID") == "GRID"
    ]


def batch_get(
    client: gspread.Client, key: str, ranges: list[str], params: dict[str, Any] | None = None
) -> list[list[list[Any]]]:
    """The values of `ranges`, in one `values:batchGet` (more only for hundreds of tabs)."""
    out: list[list[list[Any]]] = []
    chunk: list[str] = []
    length = 0
    for text in [*ranges, None]:
        size = len(quote(text)) + 8 if text is not None else 0
        if chunk and (text is None or length + size > MAX_URL):
            answer = client.http_client.values_batch_get(key, chunk, dict(params or READ_PARAMS))
            out.extend(vr.get("values", []) for vr in answer.get("valueRanges", []))
            chunk, length = [], 0
        if text is not None:
            chunk.append(text)
            length += size
    return out


def fetch_book(client: gspread.Client, key: str) -> Book:
    """A whole spreadsheet in two requests (metadata, then every tab's values)."""
    metadata = client.http_client.fetch_sheet_metadata(key)
    tabs = grid_tabs(metadata)
    grids = batch_get(client, key, [absolute_range_name(title) for title, _ in tabs])
    title = str(metadata.get("properties", {}).get("title") or key)
    return Book(
        key,
        title,
        tuple(Tab(t, gid, rows) for (t, gid), rows in zip(tabs, grids, strict=True)),
    )


def tab_owner(title: str) -> str | None:
    """A tab titled with a person's name belongs to that rep (the folder-per-rep twin)."""
    name = normalize_header(title)
    if not name or name in SETTINGS_SHEETS or _DEFAULT_TAB.match(title.strip()):
        return None
    if any(word and word in name for word in _NOT_REPS):
        return None
    return title.strip()


def read_book(book: Book, shown: str, as_of: date, keep_records: bool = True) -> FileResult:
    """Every tab through `read_grids`, with the settings tab and a link on each problem."""
    settings = [
        (t.title, t.rows) for t in book.tabs if normalize_header(t.title) in SETTINGS_SHEETS
    ]
    result = FileResult(shown)
    file_year = year_in(book.title)
    for tab in book.tabs:
        if normalize_header(tab.title) in SETTINGS_SHEETS:
            continue
        grids = [*settings, (tab.title, tab.rows)]
        (sheet,) = read_grids(grids, shown, as_of, tab_owner(tab.title), file_year, keep_records)
        result.sheets.append(_linked(sheet, book.key, tab.gid))
    return result


def _linked(sheet: SheetResult, key: str, gid: int) -> SheetResult:
    sheet.problems = [_with_link(p, key, gid) for p in sheet.problems]
    return sheet


def _with_link(problem: Problem, key: str, gid: int) -> Problem:
    return replace(problem, link=cell_link(key, gid, problem.column, problem.row))


def _unreadable(shown: str, error: GoogleError) -> FileResult:
    return FileResult(shown, error=error.zh, error_en=error.en)


def unreachable_source(key: str, error: GoogleError) -> Source:
    """A spreadsheet that could not be opened, as a source that reads as unreadable with
    the reason (named by its key: its title is unknown)."""
    shown = f"Google {key}"
    return Source(
        shown, f"unreadable:{error.status}", partial(_unreadable, shown, error), kind="google"
    )


def google_sources(
    client: gspread.Client, keys: Iterable[str], as_of: date | None = None
) -> list[Source]:
    """One `Source` per spreadsheet, its values already fetched and hashed.

    A spreadsheet that cannot be opened (missing, not shared, quota exhausted after
    the retries, Google unreachable) becomes an unreadable source with the reason,
    like a locked file, and the others still sync; once Google cannot be reached at
    all, the rest are not tried. Credentials Google refuses stop everything
    (`GoogleError`). Two spreadsheets with the same title are told apart by their keys.
    """
    day = as_of or date.today()
    books: list[tuple[str, Book | GoogleError]] = []
    outage: GoogleError | None = None
    for text in keys:
        key = spreadsheet_key(text)
        if outage is not None:
            books.append((key, outage))
            continue
        try:
            books.append((key, fetch_book(client, key)))
        except Exception as exc:  # every failure is explained or re-raised
            error = explain(exc, account_of(client), secrets_of(client))
            if error.fatal:
                raise error from None
            outage = error if error.outage else None
            books.append((key, error))
    titles = [b.title for _, b in books if isinstance(b, Book)]
    sources = []
    for key, book in books:
        if isinstance(book, GoogleError):
            sources.append(unreachable_source(key, book))
            continue
        shown = book.title if titles.count(book.title) == 1 else f"{book.title} ({key})"
        read = partial(read_book, book, shown, day)
        sources.append(Source(shown, book.content_hash(), read, kind="google"))
    return sources
