"""A loopback emulator of the Google Sheets v4 and Drive v3 REST APIs for tests.

Why it exists: code built on gspread is only trustworthy when it is tested against the HTTP
surface Google really exposes (canonical range echoes, trimmed values, error envelopes, quota
failures), yet tests must never touch the network. :class:`SheetsEmulator` serves that surface
from a stdlib ``ThreadingHTTPServer`` on 127.0.0.1, keeps every spreadsheet in memory, and
hands out a ``requests.Session`` that reroutes ``*.googleapis.com`` to itself, so the *real*
gspread client runs unmodified against it. Requests sent straight to ``emu.url`` with Google's
paths (``/v4/spreadsheets/...``, ``/drive/v3/files...``) work too ("api root" mode). A minimal OAuth 2
token endpoint (``token_uri``) lets credentials files be tested end to end.
``test_emulator_conformance.py`` pins the behaviour to real recorded traffic.

Deliberate simplifications, i.e. the places where the emulator is *not* Google:

* Formulas are stored but never evaluated: every value render option returns the formula
  text (``=SUM(A1:A3)``), never a computed result or an empty string. ``updateCells``
  writes values only (``fields: userEnteredValue``, from a ``start`` cell).
* USER_ENTERED parses plain decimal numbers (``007`` becomes 7, as in Sheets), TRUE/FALSE,
  ``=formulas`` and the ``'`` text prefix; dates, percentages and currency stay text.
* FORMATTED_VALUE renders numbers in Sheets' automatic format for plain numbers only (``1``
  not ``1.0``, at most 15 significant digits, ``1E+20``); formats sent through ``repeatCell``
  are recorded (see :meth:`SheetsEmulator.formats`) but never applied.
* A cell takes at most 50,000 characters, as in Sheets: a longer text is a 400 with
  Google's words.
* Reads of a range that sticks out of the grid are clamped to it; a range that starts
  outside the grid, or a ``values.update`` that would write outside it, is a 400.
* ``values.append`` finds the "table" like Sheets does for the cases recorded: starting from
  the last filled cell inside the given range it grows the block of touching cells (corners
  count) across the sheet, then writes below that block from its first column, growing the
  grid when needed; with no data in the range it writes at the range's first cell.
* Named ranges, R1C1 notation, ``includeGridData`` and the ``fields`` mask on Sheets reads
  are not supported; validations, formats, conditional rules, charts, filters, protected
  ranges and column widths are stored as sent (after the checks Google makes: the fields
  of every batchUpdate request against the API reference, ``sheets_schema``, and ranges
  inside the grid) and do not move when rows or columns are inserted or deleted.
  Protection is recorded, never enforced; charts are never drawn.
* Drive permissions are recorded and listed but grant nothing: access is governed only by
  :attr:`SheetsEmulator.tokens` and each spreadsheet's owner token. Drive lists files in
  creation order and ``name contains`` is a plain substring test.
* Requests the emulator does not model answer 501 UNIMPLEMENTED naming what is missing, so a
  test never mistakes a gap in the emulator for a Google behaviour.
"""

from __future__ import annotations

import copy
import json
import math
import random
import re
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import gspread
from requests import PreparedRequest, Response, Session
from requests.adapters import HTTPAdapter

from .sheets_schema import check_request

JsonDict = dict[str, Any]
CellValue = str | int | float | bool

SPREADSHEET_MIME_TYPE = "application/vnd.google-apps.spreadsheet"
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
DEFAULT_MAX_REQUEST_BYTES = 10 * 1024 * 1024
FORMATTED = "FORMATTED_VALUE"
TOKEN_PATH = "/token"
_JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_SHUTDOWN_POLL_SECONDS = 0.01  # serve_forever's default 0.5 s would make every stop() slow
_PROJECT_NUMBER = "000000000000"
_MISSING_CREDENTIALS = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
_INVALID_CREDENTIALS = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)


class Formula(str):
    """A cell entered as a formula with USER_ENTERED.

    A plain ``str`` is text even when it starts with ``=`` (what RAW stores), so tests can
    tell the two apart with ``isinstance`` while comparisons with strings still work.
    """

    __slots__ = ()


# --- errors -------------------------------------------------------------------------------

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_INJECTED_MESSAGES = {
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
    504: "Deadline exceeded.",
}


class ApiError(Exception):
    """A failure answered with Google's JSON error envelope instead of a result."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        errors: list[JsonDict] | None = None,
        details: list[JsonDict] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors
        self.details = details
        self.headers = headers or {}

    @classmethod
    def drive(cls, code: int, message: str, reason: str, location: str) -> ApiError:
        """Drive v3 errors carry an ``errors`` list instead of ``status``; gspread's
        backoff client inspects it."""
        detail = {
            "message": message,
            "domain": "global",
            "reason": reason,
            "location": location,
            "locationType": "parameter",
        }
        return cls(code, message, errors=[detail])

    def envelope(self) -> JsonDict:
        """The response body: ``{"error": {"code", "message", "status" | "errors"}}``."""
        error: JsonDict = {"code": self.code, "message": self.message}
        if self.errors is not None:
            error["errors"] = self.errors
        else:
            error["status"] = _STATUS_NAMES.get(self.code, "UNKNOWN")
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class _InvalidRequestError(Exception):
    """A request the API rejects with 400; batchUpdate prefixes the failing request's name."""


def _not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.")


def _unparsable(text: str) -> ApiError:
    return ApiError(400, f"Unable to parse range: {text}")


def _file_not_found(key: str) -> ApiError:
    return ApiError.drive(404, f"File not found: {key}.", "notFound", "fileId")


def _unimplemented(what: str) -> ApiError:
    return ApiError(501, f"The Sheets emulator does not implement {what}.")


def injected_error(status: int, method: str, path: str) -> ApiError:
    """The error Google sends for a given status, e.g. the per-user quota 429."""
    service = "drive.googleapis.com" if path.startswith("/drive/") else "sheets.googleapis.com"
    if status != 429:
        return ApiError(status, _INJECTED_MESSAGES.get(status, HTTPStatus(status).phrase))
    kind = "Read" if method == "GET" else "Write"
    info = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "RATE_LIMIT_EXCEEDED",
        "domain": "googleapis.com",
        "metadata": {
            "service": service,
            "consumer": f"projects/{_PROJECT_NUMBER}",
            "quota_metric": f"{service}/{kind.lower()}_requests",
            "quota_limit": f"{kind}RequestsPerMinutePerUser",
        },
    }
    message = (
        f"Quota exceeded for quota metric '{kind} requests' and limit "
        f"'{kind} requests per minute per user' of service '{service}' "
        f"for consumer 'project_number:{_PROJECT_NUMBER}'."
    )
    return ApiError(429, message, details=[info])


# --- A1 notation --------------------------------------------------------------------------


def column_letters(index: int) -> str:
    """Zero-based column index to A1 letters: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """A1 letters (any case) to a zero-based column index: A -> 0, AA -> 26."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def cell_label(row: int, col: int) -> str:
    """Zero-based coordinates to an A1 cell label."""
    return f"{column_letters(col)}{row + 1}"


@dataclass(frozen=True)
class Rect:
    """A concrete block of cells: zero-based, end-exclusive."""

    row0: int
    col0: int
    row1: int
    col1: int

    @property
    def label(self) -> str:
        """A1 form without the sheet; one cell collapses to ``D4`` as Google echoes it."""
        first = cell_label(self.row0, self.col0)
        if self.row1 - self.row0 == 1 and self.col1 - self.col0 == 1:
            return first
        return f"{first}:{cell_label(self.row1 - 1, self.col1 - 1)}"


@dataclass(frozen=True)
class Span:
    """A parsed range before it meets a grid; a ``None`` end runs to the grid's edge."""

    row0: int = 0
    col0: int = 0
    row1: int | None = None
    col1: int | None = None
    anchor: bool = False  # a lone cell such as "A1": writes may grow from it


_ENDPOINT_RE = re.compile(r"(?P<col>[A-Za-z]{1,3})?(?P<row>[1-9][0-9]*)?")
_QUOTED_TITLE_RE = re.compile(r"'((?:[^']|'')*)'(.*)", re.DOTALL)
_PLAIN_TITLE_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CELL_LIKE_RE = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*")


def _endpoint(text: str) -> tuple[int | None, int | None] | None:
    """``A1``, ``A`` or ``1`` as (row, col) with ``None`` for the missing part."""
    match = _ENDPOINT_RE.fullmatch(text)
    if not text or match is None:
        return None
    row = int(match["row"]) - 1 if match["row"] else None
    col = column_index(match["col"]) if match["col"] else None
    return row, col


def _axis(start: int | None, end: int | None) -> tuple[int, int | None]:
    """One axis of a two-ended range: a missing start is 0, a missing end the grid's edge."""
    if start is not None and end is not None:
        return min(start, end), max(start, end) + 1
    return start or 0, None if end is None else end + 1


def parse_cells(text: str) -> Span | None:
    """Parse the part after ``!``: ``A1``, ``A1:B2``, ``A:B``, ``2:3``, ``A2:Z``, ``A2:2``."""
    first, colon, second = text.partition(":")
    start = _endpoint(first)
    if start is None:
        return None
    if not colon:
        row, col = start
        if row is None or col is None:
            return None
        return Span(row, col, row + 1, col + 1, anchor=True)
    end = _endpoint(second)
    if end is None:
        return None
    row0, row1 = _axis(start[0], end[0])
    col0, col1 = _axis(start[1], end[1])
    return Span(row0, col0, row1, col1)


def split_range(text: str) -> tuple[str | None, str | None]:
    """Split ``'Title'!A1:B2`` into (title, cells).

    A ``None`` title means the first sheet and ``None`` cells the whole sheet. An unquoted
    word is cells when it parses as A1 and a title otherwise, which is why a tab called
    ``D3`` must be quoted; inside quotes ``''`` stands for one quote.
    """
    quoted = _QUOTED_TITLE_RE.fullmatch(text)
    if quoted:
        title, rest = quoted[1].replace("''", "'"), quoted[2]
        if not rest:
            return title, None
        if rest.startswith("!") and len(rest) > 1:
            return title, rest[1:]
        raise _unparsable(text)
    title, bang, cells = text.rpartition("!")
    if bang:
        if not title or not cells:
            raise _unparsable(text)
        return title, cells
    if parse_cells(text) is not None:
        return None, text
    return text, None


def quote_title(title: str) -> str:
    """A title as Google echoes it: bare only when it cannot be mistaken for cells."""
    if _PLAIN_TITLE_RE.fullmatch(title) and not _CELL_LIKE_RE.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


# --- cell values --------------------------------------------------------------------------

_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


CELL_MAX_CHARACTERS = 50_000


class _Keep:
    """Marks a JSON ``null`` among written values: Sheets leaves that cell as it was."""


_KEEP = _Keep()
Written = CellValue | None | _Keep


def parse_user_entered(text: str) -> CellValue | None:
    """Interpret typed text the way the Sheets UI does (see the module docstring)."""
    if text.startswith("'"):
        return text[1:] or None
    if text.startswith("=") and len(text) > 1:
        return Formula(text)
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    stripped = text.strip()
    if _INTEGER_RE.fullmatch(stripped):
        return int(stripped)
    if _DECIMAL_RE.fullmatch(stripped) and math.isfinite(number := float(stripped)):
        return number
    return text


def to_cell(value: Any, *, user_entered: bool, where: str) -> Written:
    """Store one JSON value: ``null`` keeps the cell, ``""`` empties it, RAW keeps text."""
    if value is None:
        return _KEEP
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        if not value:
            return None
        if len(value) > CELL_MAX_CHARACTERS:
            raise ApiError(
                400,
                f"Your input contains more than the maximum of {CELL_MAX_CHARACTERS} "
                "characters in a single cell.",
            )
        return parse_user_entered(value) if user_entered else value
    raise ApiError(400, f"Invalid values{where}: {json.dumps(value)}")


def format_number(value: int | float) -> str:
    """Sheets' automatic number format for plain numbers: ``1``, ``1.45``, ``1E+20``."""
    if isinstance(value, int):
        return str(value)
    return format(value, ".15g").replace("e+", "E+").replace("e-", "E-")


def render(value: CellValue | None, option: str) -> Any:
    """A stored value as one valueRenderOption returns it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        if option == FORMATTED:
            return "TRUE" if value else "FALSE"
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)
    return format_number(value) if option == FORMATTED else value


def _trim(line: list[Any], empty: Any) -> list[Any]:
    """Drop trailing empties, as Google does for each returned row and for the row list."""
    while line and line[-1] == empty:
        line.pop()
    return line


def render_block(block: list[list[CellValue | None]], major: str, option: str) -> list[Any]:
    """Values of a block, oriented by majorDimension and trimmed to the data."""
    lines = block if major == "ROWS" else _transpose(block, None)
    rendered = [_trim([render(value, option) for value in line], "") for line in lines]
    return _trim(rendered, [])


def _transpose(lines: list[list[Any]], filler: Any) -> list[list[Any]]:
    """Swap rows and columns of a ragged matrix, filling the holes."""
    width = max((len(line) for line in lines), default=0)
    return [[line[i] if i < len(line) else filler for line in lines] for i in range(width)]


def _oriented(values: Any, major: str, *, user_entered: bool) -> tuple[list[list[Written]], int]:
    """Convert request values to stored rows, plus the number of cells the client sent."""
    if not isinstance(values, list) or not all(isinstance(line, list) for line in values):
        raise ApiError(400, "Invalid values: expected a list of lists.")
    converted = [
        [
            to_cell(value, user_entered=user_entered, where=f"[{i}][{j}]")
            for j, value in enumerate(line)
        ]
        for i, line in enumerate(values)
    ]
    cells = sum(len(line) for line in values)
    return (converted if major == "ROWS" else _transpose(converted, _KEEP)), cells


# --- spreadsheet model --------------------------------------------------------------------


@dataclass
class Sheet:
    """One tab: its properties as the API stores them, plus a ragged grid of values."""

    properties: JsonDict
    rows: list[list[CellValue | None]] = field(default_factory=list)
    data_validations: list[JsonDict] = field(default_factory=list)
    conditional_formats: list[JsonDict] = field(default_factory=list)
    formats: list[JsonDict] = field(default_factory=list)
    charts: list[JsonDict] = field(default_factory=list)
    protected_ranges: list[JsonDict] = field(default_factory=list)
    basic_filter: JsonDict | None = None
    pixel_sizes: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def sheet_id(self) -> int:
        return int(self.properties["sheetId"])

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    @property
    def grid(self) -> JsonDict:
        return self.properties["gridProperties"]

    @property
    def row_count(self) -> int:
        return int(self.grid["rowCount"])

    @property
    def column_count(self) -> int:
        return int(self.grid["columnCount"])

    def a1(self, rect: Rect) -> str:
        """The canonical range Google echoes, e.g. ``Sheet1!A1:Z1000`` or ``'D3'!A1``."""
        return f"{quote_title(self.title)}!{rect.label}"

    def clamp(self, span: Span, text: str) -> Rect:
        """Fit a parsed range to the grid; one starting outside it is a 400."""
        if span.row0 >= self.row_count or span.col0 >= self.column_count:
            raise self.exceeded(text)
        row1 = self.row_count if span.row1 is None else min(span.row1, self.row_count)
        col1 = self.column_count if span.col1 is None else min(span.col1, self.column_count)
        return Rect(span.row0, span.col0, row1, col1)

    def exceeded(self, text: str) -> ApiError:
        return ApiError(
            400,
            f"Range ({text}) exceeds grid limits. Max rows: {self.row_count}, "
            f"max columns: {self.column_count}",
        )

    def block(self, rect: Rect) -> list[list[CellValue | None]]:
        """The stored part of a rectangle (ragged, never beyond the data)."""
        return [row[rect.col0 : rect.col1] for row in self.rows[rect.row0 : rect.row1]]

    def any_filled(self, rect: Rect) -> bool:
        return any(value is not None for line in self.block(rect) for value in line)

    def last_filled(self, rect: Rect) -> tuple[int, int] | None:
        """The last non-empty cell of the bottom-most non-empty row in a rectangle."""
        for row in range(min(rect.row1, len(self.rows)) - 1, rect.row0 - 1, -1):
            line = self.rows[row]
            for col in range(min(rect.col1, len(line)) - 1, rect.col0 - 1, -1):
                if line[col] is not None:
                    return row, col
        return None

    def put(self, row: int, col: int, value: CellValue | None) -> None:
        if value is None:
            if row < len(self.rows) and col < len(self.rows[row]):
                self.rows[row][col] = None
            return
        while len(self.rows) <= row:
            self.rows.append([])
        line = self.rows[row]
        if len(line) <= col:
            line.extend([None] * (col + 1 - len(line)))
        line[col] = value

    def write(self, row0: int, col0: int, lines: list[list[Written]]) -> None:
        for i, line in enumerate(lines):
            for j, value in enumerate(line):
                if not isinstance(value, _Keep):
                    self.put(row0 + i, col0 + j, value)

    def clear(self, rect: Rect) -> None:
        for line in self.rows[rect.row0 : rect.row1]:
            end = min(rect.col1, len(line))
            line[rect.col0 : end] = [None] * max(0, end - rect.col0)

    def grow(self, rows: int, columns: int) -> None:
        """Enlarge the grid to at least this size (what ``values.append`` does)."""
        self.grid["rowCount"] = max(self.row_count, rows)
        self.grid["columnCount"] = max(self.column_count, columns)

    def insert_lines(self, dimension: str, start: int, count: int) -> None:
        if dimension == "ROWS":
            self.rows[start:start] = [[] for _ in range(count)]
            self.grid["rowCount"] = self.row_count + count
            return
        for line in self.rows:
            if start < len(line):
                line[start:start] = [None] * count
        self.grid["columnCount"] = self.column_count + count

    def delete_lines(self, dimension: str, start: int, end: int) -> None:
        if dimension == "ROWS":
            del self.rows[start:end]
            self.grid["rowCount"] = self.row_count - (end - start)
            return
        for line in self.rows:
            del line[start:end]
        self.grid["columnCount"] = self.column_count - (end - start)

    def fit_grid(self) -> None:
        """Drop values left outside the grid after it shrank."""
        del self.rows[self.row_count :]
        for line in self.rows:
            del line[self.column_count :]

    def rendered_properties(self) -> JsonDict:
        """Properties as the API returns them: default-valued flags are omitted."""
        properties = copy.deepcopy(self.properties)
        grid = properties["gridProperties"]
        for key in ("frozenRowCount", "frozenColumnCount", "hideGridlines"):
            if not grid.get(key):
                grid.pop(key, None)
        if not properties.get("hidden"):
            properties.pop("hidden", None)
        return properties

    def resource(self) -> JsonDict:
        resource: JsonDict = {"properties": self.rendered_properties()}
        if self.conditional_formats:
            resource["conditionalFormats"] = copy.deepcopy(self.conditional_formats)
        if self.basic_filter is not None:
            resource["basicFilter"] = copy.deepcopy(self.basic_filter)
        if self.protected_ranges:
            resource["protectedRanges"] = copy.deepcopy(self.protected_ranges)
        if self.charts:
            resource["charts"] = copy.deepcopy(self.charts)
        return resource

    @property
    def visible(self) -> bool:
        return not self.properties.get("hidden")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Book:
    """One spreadsheet, which is also one Drive file."""

    key: str
    title: str
    owner: str | None
    parents: list[str]
    sheets: list[Sheet] = field(default_factory=list)
    permissions: list[JsonDict] = field(default_factory=list)
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"
    created: str = field(default_factory=_now)
    modified: str = field(default_factory=_now)

    def touch(self) -> None:
        self.modified = _now()

    def sheet_titled(self, title: str) -> Sheet | None:
        """Sheets resolves tab titles case-insensitively (and keeps them unique that way)."""
        folded = title.casefold()
        return next((s for s in self.sheets if s.title.casefold() == folded), None)

    def sheet_with_id(self, sheet_id: Any) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise _InvalidRequestError(f"No grid with id: {sheet_id}")

    def reindex(self) -> None:
        for index, sheet in enumerate(self.sheets):
            sheet.properties["index"] = index

    def default_title(self) -> str:
        number = len(self.sheets) + 1
        while self.sheet_titled(f"Sheet{number}"):
            number += 1
        return f"Sheet{number}"

    def locate(self, text: str) -> tuple[Sheet, Span]:
        """Resolve A1 text to a sheet and a parsed span; unknown tabs are unparsable."""
        title, cells = split_range(text)
        sheet = self.sheets[0] if title is None else self.sheet_titled(title)
        span = parse_cells(cells) if cells is not None else Span()
        if sheet is None or span is None:
            raise _unparsable(text)
        return sheet, span

    def metadata(self) -> JsonDict:
        return {
            "spreadsheetId": self.key,
            "properties": {
                "title": self.title,
                "locale": self.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": self.time_zone,
            },
            "sheets": [sheet.resource() for sheet in self.sheets],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.key}/edit",
        }

    def drive_file(self) -> JsonDict:
        return {
            "kind": "drive#file",
            "id": self.key,
            "name": self.title,
            "mimeType": SPREADSHEET_MIME_TYPE,
            "parents": list(self.parents),
            "createdTime": self.created,
            "modifiedTime": self.modified,
        }


def find_table(sheet: Sheet, window: Rect) -> Rect | None:
    """The "table" ``values.append`` writes below (see the module docstring)."""
    seed = sheet.last_filled(window)
    if seed is None:
        return None
    region = Rect(seed[0], seed[1], seed[0] + 1, seed[1] + 1)
    while (grown := _grow_region(sheet, region)) != region:
        region = grown
    return region


def _grow_region(sheet: Sheet, region: Rect) -> Rect:
    """Extend a region by one line on each side whose neighbouring strip holds data."""
    halo = Rect(
        max(region.row0 - 1, 0),
        max(region.col0 - 1, 0),
        min(region.row1 + 1, sheet.row_count),
        min(region.col1 + 1, sheet.column_count),
    )
    above = Rect(halo.row0, halo.col0, region.row0, halo.col1)
    below = Rect(region.row1, halo.col0, halo.row1, halo.col1)
    left = Rect(halo.row0, halo.col0, halo.row1, region.col0)
    right = Rect(halo.row0, region.col1, halo.row1, halo.col1)
    return Rect(
        halo.row0 if sheet.any_filled(above) else region.row0,
        halo.col0 if sheet.any_filled(left) else region.col0,
        halo.row1 if sheet.any_filled(below) else region.row1,
        halo.col1 if sheet.any_filled(right) else region.col1,
    )


# --- request parameters -------------------------------------------------------------------

_ENUMS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "majorDimension": ("major_dimension", "Dimension", ("ROWS", "COLUMNS")),
    "valueRenderOption": (
        "value_render_option",
        "ValueRenderOption",
        (FORMATTED, "UNFORMATTED_VALUE", "FORMULA"),
    ),
    "responseValueRenderOption": (
        "response_value_render_option",
        "ValueRenderOption",
        (FORMATTED, "UNFORMATTED_VALUE", "FORMULA"),
    ),
    "valueInputOption": ("value_input_option", "ValueInputOption", ("RAW", "USER_ENTERED")),
    "insertDataOption": ("insert_data_option", "InsertDataOption", ("OVERWRITE", "INSERT_ROWS")),
}


def choice(name: str, value: Any, default: str) -> str:
    """Read an enum parameter; absence and ``*_UNSPECIFIED`` mean the default."""
    if value is None or (isinstance(value, str) and value.endswith("_UNSPECIFIED")):
        return default
    snake, type_name, allowed = _ENUMS[name]
    if value not in allowed:
        raise ApiError(
            400,
            f"Invalid value at '{snake}' "
            f'(type.googleapis.com/google.apps.sheets.v4.{type_name}), "{value}"',
        )
    return str(value)


def _user_entered(value: Any, missing: str) -> bool:
    """valueInputOption is mandatory for writes; ``missing`` is Google's message for that."""
    option = choice("valueInputOption", value, "")
    if not option:
        raise ApiError(400, missing)
    return option == "USER_ENTERED"


def parse_fields(spec: str) -> JsonDict:
    """A Drive ``fields`` mask (``kind,files(id,name)`` or ``files/id``) as a nested dict;
    a ``None`` leaf selects the whole value."""
    selection: JsonDict = {}
    for item in _split_top_level(spec):
        head, paren, inner = item.partition("(")
        path = head.strip().split("/")
        node = selection
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = parse_fields(inner.removesuffix(")")) if paren else None
    return selection


def _split_top_level(spec: str) -> list[str]:
    items, depth, start = [], 0, 0
    for index, char in enumerate(spec):
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            items.append(spec[start:index])
            start = index + 1
    items.append(spec[start:])
    return [item.strip() for item in items if item.strip()]


def select(resource: Any, selection: JsonDict | None) -> Any:
    """Apply a parsed ``fields`` mask to a resource (lists are masked item by item)."""
    if selection is None or "*" in selection:
        return resource
    if isinstance(resource, list):
        return [select(item, selection) for item in resource]
    return {key: select(resource[key], sub) for key, sub in selection.items() if key in resource}


_FILE_DEFAULT: JsonDict = {"kind": None, "id": None, "name": None, "mimeType": None}
_LIST_DEFAULT: JsonDict = {
    "kind": None,
    "nextPageToken": None,
    "incompleteSearch": None,
    "files": _FILE_DEFAULT,
}


def _drive_fields(call: _Call, default: JsonDict) -> JsonDict:
    spec = call.param("fields")
    selection = parse_fields(spec) if spec else default
    if "files" in selection and selection["files"] is None:
        selection["files"] = _FILE_DEFAULT
    return selection


_Q_VALUE = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\""""
_Q_CLAUSE_RE = re.compile(
    rf"\s*(?:(?P<field>name|mimeType|trashed)\s*(?P<op>!=|=|contains)\s*"
    rf"(?P<value>{_Q_VALUE}|true|false)"
    rf"|(?P<parent>{_Q_VALUE})\s+in\s+parents"
    rf"|parents\s+in\s+(?P<parent_alt>{_Q_VALUE}))\s*"
)
_Q_AND_RE = re.compile(r"and\s+")


def _q_string(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1]) if literal[:1] in "'\"" else literal


def parse_query(query: str) -> list[Callable[[Book], bool]]:
    """The Drive ``q`` subset gspread and tests use: name, mimeType, trashed, parents,
    joined by ``and``. Anything else is Drive's 400 "Invalid Value"."""
    tests, position = [], 0
    while position < len(query):
        match = _Q_CLAUSE_RE.match(query, position)
        if match is None:
            raise ApiError.drive(400, "Invalid Value", "invalid", "q")
        tests.append(_q_test(match))
        position = match.end()
        joiner = _Q_AND_RE.match(query, position)
        if joiner and joiner.end() < len(query):
            position = joiner.end()
        elif position < len(query):
            raise ApiError.drive(400, "Invalid Value", "invalid", "q")
    return tests


def _q_test(match: re.Match[str]) -> Callable[[Book], bool]:
    parent = match["parent"] or match["parent_alt"]
    if parent:
        folder = _q_string(parent)
        return lambda book: folder in book.parents
    value, op = _q_string(match["value"]), match["op"]
    if match["field"] == "trashed":
        if op == "contains":
            raise ApiError.drive(400, "Invalid Value", "invalid", "q")
        return lambda _book: (value == "true") == (op == "!=")
    if match["field"] == "name":
        return _compare(op, value, lambda book: book.title)
    return _compare(op, value, lambda _book: SPREADSHEET_MIME_TYPE)


def _compare(op: str, value: str, attribute: Callable[[Book], str]) -> Callable[[Book], bool]:
    if op == "contains":
        return lambda book: value in attribute(book)
    if op == "=":
        return lambda book: attribute(book) == value
    return lambda book: attribute(book) != value


# --- field masks for update*Properties ---------------------------------------------------


def apply_mask(target: JsonDict, source: JsonDict, fields: str, locked: set[str]) -> None:
    """Copy the masked paths (``title``, ``gridProperties/rowCount``, ``a.b``, ``*``) from
    source to target; a masked path absent from source is reset, as Google does."""
    if fields.strip() == "*":
        paths = [[key] for key in source]
    else:
        paths = [re.split(r"[./]", part.strip()) for part in fields.split(",") if part.strip()]
    for path in paths:
        if path[0] in locked:
            continue
        found, value = _dig(source, path)
        parent = target
        for key in path[:-1]:
            parent = parent.setdefault(key, {})
        if found:
            parent[path[-1]] = copy.deepcopy(value)
        else:
            parent.pop(path[-1], None)


def _dig(source: JsonDict, path: list[str]) -> tuple[bool, Any]:
    """Follow a field path; report whether it exists."""
    value: Any = source
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return False, None
        value = value[key]
    return True, value


# --- the backend: state and route handlers ------------------------------------------------


@dataclass(frozen=True)
class _RawRequest:
    method: str
    target: str
    authorization: str | None
    body: bytes


@dataclass(frozen=True)
class _Reply:
    status: int
    payload: JsonDict | None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Call:
    """One decoded request, as a route handler sees it."""

    params: dict[str, list[str]]
    body: JsonDict
    token: str | None
    args: dict[str, str]

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None

    def flag(self, name: str) -> bool:
        return (self.param(name) or "").lower() == "true"


def _json_body(raw: bytes) -> JsonDict:
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise ApiError(400, f"Invalid JSON payload received. {error}.") from error
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid JSON payload received. Expected an object.")
    return body


class _Ids:
    """Ids shaped like Google's, drawn from a seeded generator so runs are reproducible."""

    _ALPHABET = string.ascii_letters + string.digits + "-_"

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def spreadsheet(self) -> str:
        return "1" + "".join(self._random.choices(self._ALPHABET, k=43))

    def sheet(self, taken: set[int]) -> int:
        while (sheet_id := self._random.randint(1, 2**31 - 1)) in taken:
            pass
        return sheet_id

    def permission(self) -> str:
        return "".join(self._random.choices(string.digits, k=20))


Handler = Callable[["_Backend", _Call], JsonDict | None]


class _Backend:
    """All emulator state plus one method per route; every request runs under ``lock``."""

    def __init__(self, seed: int) -> None:
        self.lock = threading.RLock()
        self.books: dict[str, Book] = {}
        self.log: list[tuple[str, str, int]] = []
        self.tokens: set[str] = set()
        self.max_request_bytes = DEFAULT_MAX_REQUEST_BYTES
        self.failures_left = 0
        self.failure_status = 429
        self.persistent_failure: int | None = None
        self.failures_at: dict[int, int] = {}
        self._ids = _Ids(seed)
        self.token_requests: list[dict[str, str]] = []
        self.token_refusal: str | None = None

    # -- plumbing

    def handle(self, request: _RawRequest) -> _Reply:
        path, _, query = request.target.partition("?")
        with self.lock:
            self.log.append((request.method, request.target, len(request.body)))
            try:
                return self._answer(request, path, query)
            except ApiError as error:
                return _Reply(error.code, error.envelope(), error.headers)

    def _answer(self, request: _RawRequest, path: str, query: str) -> _Reply:
        if request.method == "POST" and path == TOKEN_PATH:
            return self._issue_token(request.body)
        failure = self._take_failure()
        if failure is not None:
            raise injected_error(failure, request.method, path)
        if len(request.body) > self.max_request_bytes:
            limit = self.max_request_bytes
            raise ApiError(400, f"Request payload size exceeds the limit: {limit} bytes.")
        token = self._authenticate(request.authorization)
        handler, args = _route(request.method, path)
        call = _Call(parse_qs(query, keep_blank_values=True), _json_body(request.body), token, args)
        try:
            result = handler(self, call)
        except _InvalidRequestError as invalid:
            raise ApiError(400, str(invalid)) from invalid
        return _Reply(204, None) if result is None else _Reply(200, result)

    def _issue_token(self, body: bytes) -> _Reply:
        """OAuth 2 token endpoint (what a credentials file's ``token_uri`` names): grants a
        JWT-bearer assertion (service account) or a refresh token (authorised user).

        The form is kept in ``token_requests`` for the test to verify (the JWT's signature
        and claims); the token issued is accepted by the API while ``tokens`` is in use.
        """
        form = {name: values[0] for name, values in parse_qs(body.decode()).items()}
        self.token_requests.append(form)
        if form.get("grant_type") not in (_JWT_GRANT, "refresh_token"):
            return _Reply(400, {"error": "unsupported_grant_type"})
        if self.token_refusal is not None:
            refusal = {"error": "invalid_grant", "error_description": self.token_refusal}
            return _Reply(400, refusal)
        token = f"ya29.emulated-{len(self.token_requests)}"
        if self.tokens:
            self.tokens.add(token)
        return _Reply(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _take_failure(self) -> int | None:
        if self.persistent_failure is not None:
            return self.persistent_failure
        if len(self.log) in self.failures_at:
            return self.failures_at.pop(len(self.log))
        if self.failures_left:
            self.failures_left -= 1
            return self.failure_status
        return None

    def _authenticate(self, header: str | None) -> str | None:
        """Return the bearer token; with ``tokens`` configured it must be one of them."""
        scheme, _, value = (header or "").partition(" ")
        token = value.strip() if scheme.lower() == "bearer" and value.strip() else None
        if not self.tokens or token in self.tokens:
            return token
        challenge = {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
        message = _INVALID_CREDENTIALS if header else _MISSING_CREDENTIALS
        raise ApiError(401, message, headers=challenge)

    def _owner(self, call: _Call) -> str | None:
        """Files created through the API belong to the caller only when tokens are in use."""
        return call.token if self.tokens else None

    @staticmethod
    def _visible(book: Book, token: str | None) -> bool:
        return book.owner is None or book.owner == token

    def _book(self, call: _Call) -> Book:
        book = self.books.get(call.args["key"])
        if book is None:
            raise _not_found()
        if not self._visible(book, call.token):
            raise ApiError(403, "The caller does not have permission")
        return book

    def _drive_book(self, call: _Call) -> Book:
        """Drive hides files you cannot see behind a 404, unlike Sheets' 403."""
        book = self.books.get(call.args["key"])
        if book is None or not self._visible(book, call.token):
            raise _file_not_found(call.args["key"])
        return book

    def _commit(self, draft: Book) -> None:
        """Replace a book by an edited copy: multi-part writes are all-or-nothing."""
        draft.touch()
        self.books[draft.key] = draft

    # -- books and sheets

    def new_book(
        self, title: str, owner: str | None, sheets: list[JsonDict], parents: list[str]
    ) -> Book:
        book = Book(self._ids.spreadsheet(), title, owner, list(parents))
        for properties in sheets or [{}]:
            self.add_sheet(book, properties)
        self.books[book.key] = book
        return book

    def add_sheet(self, book: Book, requested: JsonDict) -> Sheet:
        """Create a tab; the first tab of a new spreadsheet gets sheetId 0, like Google."""
        title = requested.get("title") or book.default_title()
        if book.sheet_titled(title):
            raise _InvalidRequestError(
                f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
        taken = {sheet.sheet_id for sheet in book.sheets}
        sheet_id = requested.get("sheetId")
        if sheet_id is None:
            sheet_id = self._ids.sheet(taken) if taken else 0
        elif sheet_id in taken:
            raise _InvalidRequestError(f"A sheet with the id {sheet_id} already exists.")
        grid = {"rowCount": DEFAULT_ROWS, "columnCount": DEFAULT_COLUMNS}
        grid |= requested.get("gridProperties", {})
        grid.setdefault("frozenRowCount", 0)
        grid.setdefault("frozenColumnCount", 0)
        properties = {
            **copy.deepcopy(requested),
            "sheetId": sheet_id,
            "title": title,
            "sheetType": requested.get("sheetType", "GRID"),
            "gridProperties": grid,
        }
        sheet = Sheet(properties)
        _check_grid(sheet)
        index = min(max(int(requested.get("index", len(book.sheets))), 0), len(book.sheets))
        book.sheets.insert(index, sheet)
        book.reindex()
        return sheet

    # -- Sheets: spreadsheets

    def get_spreadsheet(self, call: _Call) -> JsonDict:
        return self._book(call).metadata()

    def create_spreadsheet(self, call: _Call) -> JsonDict:
        title = call.body.get("properties", {}).get("title") or "Untitled spreadsheet"
        tabs = [tab.get("properties", {}) for tab in call.body.get("sheets", [])]
        return self.new_book(title, self._owner(call), tabs, []).metadata()

    def batch_update(self, call: _Call) -> JsonDict:
        book = self._book(call)
        requests = call.body.get("requests") or []
        if not requests:
            raise ApiError(400, "Must specify at least one request.")
        for index, request in enumerate(requests):
            _check_shape(index, request)
        draft = copy.deepcopy(book)
        replies = [self._apply(draft, index, request) for index, request in enumerate(requests)]
        self._commit(draft)
        return {"spreadsheetId": book.key, "replies": replies}

    def _apply(self, book: Book, index: int, request: JsonDict) -> JsonDict:
        ((kind, payload),) = request.items()
        handler = _REQUESTS[kind]
        try:
            return handler(self, book, payload)
        except _InvalidRequestError as invalid:
            raise ApiError(400, f"Invalid requests[{index}].{kind}: {invalid}") from invalid

    def _add_sheet_request(self, book: Book, payload: JsonDict) -> JsonDict:
        sheet = self.add_sheet(book, payload.get("properties", {}))
        return {"addSheet": {"properties": sheet.rendered_properties()}}

    def _delete_sheet_request(self, book: Book, payload: JsonDict) -> JsonDict:
        sheet = book.sheet_with_id(payload.get("sheetId", 0))
        if not any(other.visible for other in book.sheets if other is not sheet):
            raise _InvalidRequestError("You can't remove all the visible sheets in a document.")
        book.sheets.remove(sheet)
        book.reindex()
        return {}

    def _update_sheet_properties(self, book: Book, payload: JsonDict) -> JsonDict:
        requested = payload.get("properties", {})
        sheet = book.sheet_with_id(requested.get("sheetId", 0))
        if not payload.get("fields"):
            raise _InvalidRequestError("'fields' is required.")
        updated = copy.deepcopy(sheet.properties)
        apply_mask(updated, requested, payload["fields"], locked={"sheetId", "sheetType"})
        title = updated.get("title")
        if not title:
            raise _InvalidRequestError("A sheet needs a title.")
        clash = book.sheet_titled(title)
        if clash is not None and clash is not sheet:
            raise _InvalidRequestError(
                f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
        if updated.get("hidden") and not any(s.visible for s in book.sheets if s is not sheet):
            raise _InvalidRequestError("You can't hide all the sheets in a document.")
        sheet.properties = updated
        sheet.grid.setdefault("frozenRowCount", 0)
        sheet.grid.setdefault("frozenColumnCount", 0)
        _check_grid(sheet)
        sheet.fit_grid()
        position = min(int(updated.get("index", book.sheets.index(sheet))), len(book.sheets) - 1)
        book.sheets.remove(sheet)
        book.sheets.insert(position, sheet)
        book.reindex()
        return {}

    def _update_spreadsheet_properties(self, book: Book, payload: JsonDict) -> JsonDict:
        current = {"title": book.title, "locale": book.locale, "timeZone": book.time_zone}
        apply_mask(current, payload.get("properties", {}), payload.get("fields", ""), set())
        book.title = current.get("title") or book.title
        book.locale = current.get("locale") or book.locale
        book.time_zone = current.get("timeZone") or book.time_zone
        return {}

    def _set_data_validation(self, book: Book, payload: JsonDict) -> JsonDict:
        """Rules are stored per request; a request without a rule removes overlapping ones."""
        grid_range = payload.get("range", {})
        sheet = book.sheet_with_id(grid_range.get("sheetId", 0))
        if payload.get("rule"):
            sheet.data_validations.append(copy.deepcopy(payload))
        else:
            sheet.data_validations = [
                stored
                for stored in sheet.data_validations
                if not _overlap(stored["range"], grid_range)
            ]
        return {}

    def _repeat_cell(self, book: Book, payload: JsonDict) -> JsonDict:
        sheet = book.sheet_with_id(payload.get("range", {}).get("sheetId", 0))
        if not payload.get("fields"):
            raise _InvalidRequestError("'fields' is required.")
        sheet.formats.append(copy.deepcopy(payload))
        return {}

    def _update_cells(self, book: Book, payload: JsonDict) -> JsonDict:
        """Cell values from a start cell, row by row (``fields: userEnteredValue`` only: a
        cell without one is cleared); a ``formulaValue`` is stored as a :class:`Formula`."""
        if not payload.get("fields"):
            raise _InvalidRequestError("'fields' is required.")
        if payload["fields"] != "userEnteredValue":
            raise _unimplemented(
                f"updateCells fields other than userEnteredValue: {payload['fields']}"
            )
        if ("start" in payload) == ("range" in payload):
            raise _InvalidRequestError("Exactly one of 'start' or 'range' must be set.")
        if "range" in payload:
            raise _unimplemented("updateCells over a range (only from a start cell)")
        start = payload["start"]
        sheet = book.sheet_with_id(start.get("sheetId", 0))
        row0, col0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        lines = [
            [_extended(cell) for cell in row.get("values", [])] for row in payload.get("rows", [])
        ]
        width = max([len(line) for line in lines] + [0])
        if width:
            grid = {
                "startRowIndex": row0,
                "endRowIndex": row0 + len(lines),
                "startColumnIndex": col0,
                "endColumnIndex": col0 + width,
            }
            _check_inside(sheet, grid)
        sheet.write(row0, col0, lines)
        return {}

    def _update_dimension_properties(self, book: Book, payload: JsonDict) -> JsonDict:
        """Only `pixelSize` is kept (as widths and heights by line, see `pixel_sizes`)."""
        sheet, dimension, start, end = _dimension_range(book, payload.get("range", {}))
        if end > _line_count(sheet, dimension):
            raise _InvalidRequestError(f"Invalid range: endIndex {end} is past the grid.")
        if payload.get("fields") != "pixelSize":
            raise _unimplemented(
                f"dimension properties other than pixelSize: {payload.get('fields')}"
            )
        size = payload.get("properties", {}).get("pixelSize")
        if not isinstance(size, int) or size < 0:
            raise _InvalidRequestError(f"Invalid pixelSize: {size}")
        for line in range(start, end):
            sheet.pixel_sizes[(dimension, line)] = size
        return {}

    def _set_basic_filter(self, book: Book, payload: JsonDict) -> JsonDict:
        """One basic filter per tab: a new one replaces the old."""
        basic_filter = payload.get("filter") or {}
        grid = basic_filter.get("range")
        if not grid:
            raise _InvalidRequestError("The filter needs a range.")
        sheet = book.sheet_with_id(grid.get("sheetId", 0))
        _check_inside(sheet, grid)
        sheet.basic_filter = copy.deepcopy(basic_filter)
        return {}

    def _add_chart(self, book: Book, payload: JsonDict) -> JsonDict:
        """An embedded chart over its anchor cell; every source range must be on a tab."""
        chart = copy.deepcopy(payload.get("chart") or {})
        anchor = chart.get("position", {}).get("overlayPosition", {}).get("anchorCell")
        if anchor is None:
            raise _unimplemented("charts other than over a cell (overlayPosition.anchorCell)")
        sheet = book.sheet_with_id(anchor.get("sheetId", 0))
        cell = {
            "sheetId": sheet.sheet_id,
            "startRowIndex": anchor.get("rowIndex", 0),
            "endRowIndex": anchor.get("rowIndex", 0) + 1,
            "startColumnIndex": anchor.get("columnIndex", 0),
            "endColumnIndex": anchor.get("columnIndex", 0) + 1,
        }
        _check_inside(sheet, cell)
        basic = chart.get("spec", {}).get("basicChart")
        if not basic or not basic.get("series"):
            raise _InvalidRequestError("A chart needs at least one series.")
        parts = [d.get("domain", {}) for d in basic.get("domains", [])]
        parts += [s.get("series", {}) for s in basic["series"]]
        for part in parts:
            for grid in part.get("sourceRange", {}).get("sources", []):
                _check_inside(book.sheet_with_id(grid.get("sheetId", 0)), grid)
        chart["chartId"] = chart.get("chartId") or self._ids.sheet(_object_ids(book))
        sheet.charts.append(chart)
        return {"addChart": {"chart": copy.deepcopy(chart)}}

    def _add_protected_range(self, book: Book, payload: JsonDict) -> JsonDict:
        protected = copy.deepcopy(payload.get("protectedRange") or {})
        grid = protected.get("range")
        if grid is None:
            raise _unimplemented("protected named ranges (only a range is modelled)")
        sheet = book.sheet_with_id(grid.get("sheetId", 0))
        _check_inside(sheet, grid)
        if protected.get("warningOnly") and protected.get("editors"):
            raise _InvalidRequestError("A warning-only protected range cannot name editors.")
        protected["protectedRangeId"] = self._ids.sheet(_object_ids(book))
        protected.setdefault("requestingUserCanEdit", True)
        sheet.protected_ranges.append(protected)
        return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}

    def _add_conditional_format_rule(self, book: Book, payload: JsonDict) -> JsonDict:
        rule = payload.get("rule") or {}
        ranges = rule.get("ranges") or []
        if not ranges:
            raise _InvalidRequestError("The rule must apply to at least one range.")
        sheets = {book.sheet_with_id(grid.get("sheetId", 0)).sheet_id for grid in ranges}
        if len(sheets) != 1:
            raise _InvalidRequestError("All ranges of a rule must be on the same sheet.")
        sheet = book.sheet_with_id(sheets.pop())
        sheet.conditional_formats.insert(int(payload.get("index", 0)), copy.deepcopy(rule))
        return {}

    def _delete_conditional_format_rule(self, book: Book, payload: JsonDict) -> JsonDict:
        sheet = book.sheet_with_id(payload.get("sheetId", 0))
        index = int(payload.get("index", 0))
        if not 0 <= index < len(sheet.conditional_formats):
            raise _InvalidRequestError(f"No conditional format on the sheet at index {index}.")
        del sheet.conditional_formats[index]
        return {}

    def _insert_dimension(self, book: Book, payload: JsonDict) -> JsonDict:
        sheet, dimension, start, end = _dimension_range(book, payload.get("range", {}))
        if start > _line_count(sheet, dimension):
            raise _InvalidRequestError(f"Cannot insert at index {start}: the grid is smaller.")
        sheet.insert_lines(dimension, start, end - start)
        return {}

    def _delete_dimension(self, book: Book, payload: JsonDict) -> JsonDict:
        sheet, dimension, start, end = _dimension_range(book, payload.get("range", {}))
        count = _line_count(sheet, dimension)
        if end > count:
            raise _InvalidRequestError(f"Cannot delete past index {count}: the grid is smaller.")
        if end - start == count:
            noun = "rows" if dimension == "ROWS" else "columns"
            raise _InvalidRequestError(f"You can't delete all the {noun} on the sheet.")
        sheet.delete_lines(dimension, start, end)
        return {}

    def _append_dimension(self, book: Book, payload: JsonDict) -> JsonDict:
        sheet = book.sheet_with_id(payload.get("sheetId", 0))
        dimension = _dimension(payload.get("dimension"))
        sheet.insert_lines(dimension, _line_count(sheet, dimension), int(payload.get("length", 0)))
        return {}

    # -- Sheets: values

    def values_get(self, call: _Call) -> JsonDict:
        return self._read(self._book(call), call.args["range"], call)

    def values_batch_get(self, call: _Call) -> JsonDict:
        book = self._book(call)
        result: JsonDict = {"spreadsheetId": book.key}
        ranges = call.params.get("ranges", [])
        if ranges:
            result["valueRanges"] = [self._read(book, text, call) for text in ranges]
        return result

    @staticmethod
    def _read(book: Book, text: str, call: _Call) -> JsonDict:
        sheet, span = book.locate(text)
        rect = sheet.clamp(span, text)
        major = choice("majorDimension", call.param("majorDimension"), "ROWS")
        option = choice("valueRenderOption", call.param("valueRenderOption"), FORMATTED)
        return _value_range(sheet, rect, major, option)

    def values_update(self, call: _Call) -> JsonDict:
        book = self._book(call)
        user_entered = _user_entered(
            call.param("valueInputOption"), "'valueInputOption' is required but not specified"
        )
        options = _ResponseOptions.from_params(call)
        summary, _ = _write(
            book, call.args["range"], call.body, user_entered=user_entered, options=options
        )
        book.touch()
        return summary

    def values_batch_update(self, call: _Call) -> JsonDict:
        book = self._book(call)
        user_entered = _user_entered(
            call.body.get("valueInputOption"),
            "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED",
        )
        options = _ResponseOptions.from_body(call.body)
        draft = copy.deepcopy(book)
        results = [
            _write(draft, entry.get("range", ""), entry, user_entered=user_entered, options=options)
            for entry in call.body.get("data") or []
        ]
        self._commit(draft)
        result: JsonDict = {"spreadsheetId": book.key}
        if results:
            result |= _totals(results)
            result["responses"] = [summary for summary, _ in results]
        return result

    def values_append(self, call: _Call) -> JsonDict:
        book = self._book(call)
        user_entered = _user_entered(
            call.param("valueInputOption"), "'valueInputOption' is required but not specified"
        )
        insert = choice("insertDataOption", call.param("insertDataOption"), "OVERWRITE")
        text = call.args["range"]
        sheet, span = book.locate(text)
        window = sheet.clamp(span, text)
        major = choice("majorDimension", call.body.get("majorDimension"), "ROWS")
        lines, cells = _oriented(call.body.get("values") or [], major, user_entered=user_entered)
        table = find_table(sheet, window)
        row0, col0 = (table.row1, table.col0) if table else (window.row0, window.col0)
        height, width = len(lines), max((len(line) for line in lines), default=0)
        if insert == "INSERT_ROWS":
            sheet.insert_lines("ROWS", row0, height)
        sheet.grow(row0 + height, col0 + width)
        sheet.write(row0, col0, lines)
        book.touch()
        rect = Rect(row0, col0, row0 + height, col0 + width) if height and width else None
        result: JsonDict = {"spreadsheetId": book.key}
        if table is not None:
            result["tableRange"] = sheet.a1(table)
        options = _ResponseOptions.from_params(call)
        result["updates"] = _update_summary(book.key, sheet, rect, cells, options)
        return result

    def values_clear(self, call: _Call) -> JsonDict:
        book = self._book(call)
        cleared = self._clear(book, [call.args["range"]])
        return {"spreadsheetId": book.key, "clearedRange": cleared[0]}

    def values_batch_clear(self, call: _Call) -> JsonDict:
        book = self._book(call)
        return {
            "spreadsheetId": book.key,
            "clearedRanges": self._clear(book, call.body.get("ranges") or []),
        }

    @staticmethod
    def _clear(book: Book, texts: list[str]) -> list[str]:
        """Validate every range first so a bad one clears nothing, then clear values only."""
        targets = []
        for text in texts:
            sheet, span = book.locate(text)
            targets.append((sheet, sheet.clamp(span, text)))
        for sheet, rect in targets:
            sheet.clear(rect)
        book.touch()
        return [sheet.a1(rect) for sheet, rect in targets]

    # -- Drive

    def drive_create(self, call: _Call) -> JsonDict:
        if call.body.get("mimeType") != SPREADSHEET_MIME_TYPE:
            raise _unimplemented("Drive files other than Google Sheets spreadsheets")
        title = call.body.get("name") or "Untitled spreadsheet"
        book = self.new_book(title, self._owner(call), [], call.body.get("parents") or [])
        return select(book.drive_file(), _drive_fields(call, _FILE_DEFAULT))

    def drive_list(self, call: _Call) -> JsonDict:
        tests = parse_query(call.param("q") or "")
        matches = [
            book
            for book in self.books.values()
            if self._visible(book, call.token) and all(test(book) for test in tests)
        ]
        size, offset = _page(call)
        listing: JsonDict = {
            "kind": "drive#fileList",
            "incompleteSearch": False,
            "files": [book.drive_file() for book in matches[offset : offset + size]],
        }
        if offset + size < len(matches):
            listing["nextPageToken"] = str(offset + size)
        return select(listing, _drive_fields(call, _LIST_DEFAULT))

    def drive_get(self, call: _Call) -> JsonDict:
        book = self._drive_book(call)
        return select(book.drive_file(), _drive_fields(call, _FILE_DEFAULT))

    def drive_delete(self, call: _Call) -> None:
        del self.books[self._drive_book(call).key]

    def drive_copy(self, call: _Call) -> JsonDict:
        source = self._drive_book(call)
        book = copy.deepcopy(source)
        book.key = self._ids.spreadsheet()
        book.title = call.body.get("name") or f"Copy of {source.title}"
        book.owner = self._owner(call)
        book.parents = list(call.body.get("parents") or source.parents)
        book.permissions = []
        book.created = book.modified = _now()
        self.books[book.key] = book
        return select(book.drive_file(), _drive_fields(call, _FILE_DEFAULT))

    def drive_comments(self, call: _Call) -> JsonDict:
        """Comments are not modelled: every file has none (gspread's copy() reads them)."""
        self._drive_book(call)
        return {"kind": "drive#commentList", "comments": []}

    def permissions_list(self, call: _Call) -> JsonDict:
        book = self._drive_book(call)
        return {"kind": "drive#permissionList", "permissions": copy.deepcopy(book.permissions)}

    def permissions_create(self, call: _Call) -> JsonDict:
        book = self._drive_book(call)
        kind, role = call.body.get("type"), call.body.get("role")
        if not kind or not role:
            missing = "type" if not kind else "role"
            raise ApiError.drive(
                400, f"The permission {missing} field is required.", "required", missing
            )
        permission_id = "anyoneWithLink" if kind == "anyone" else self._ids.permission()
        permission = {"kind": "drive#permission", "id": permission_id, "type": kind, "role": role}
        for key in ("emailAddress", "domain"):
            if call.body.get(key):
                permission[key] = call.body[key]
        book.permissions.append(permission)
        return copy.deepcopy(permission)

    def permissions_delete(self, call: _Call) -> None:
        book = self._drive_book(call)
        wanted = call.args["permission"]
        if not any(p["id"] == wanted for p in book.permissions):
            raise ApiError.drive(
                404, f"Permission not found: {wanted}.", "notFound", "permissionId"
            )
        book.permissions = [p for p in book.permissions if p["id"] != wanted]


# --- helpers used by the value handlers ---------------------------------------------------


@dataclass(frozen=True)
class _ResponseOptions:
    """``includeValuesInResponse`` and its render option, from the query or the body."""

    include_values: bool
    render_option: str

    @classmethod
    def from_params(cls, call: _Call) -> _ResponseOptions:
        option = choice(
            "responseValueRenderOption", call.param("responseValueRenderOption"), FORMATTED
        )
        return cls(call.flag("includeValuesInResponse"), option)

    @classmethod
    def from_body(cls, body: JsonDict) -> _ResponseOptions:
        option = choice(
            "responseValueRenderOption", body.get("responseValueRenderOption"), FORMATTED
        )
        return cls(bool(body.get("includeValuesInResponse")), option)


def _value_range(sheet: Sheet, rect: Rect, major: str, option: str) -> JsonDict:
    """A ValueRange: the clamped range echoed canonically; ``values`` only when non-empty."""
    result: JsonDict = {"range": sheet.a1(rect), "majorDimension": major}
    values = render_block(sheet.block(rect), major, option)
    if values:
        result["values"] = values
    return result


def _write(
    book: Book, text: str, body: JsonDict, *, user_entered: bool, options: _ResponseOptions
) -> tuple[JsonDict, tuple[int, Rect | None]]:
    """One ``values.update``: validate the whole write before touching any cell."""
    sheet, span = book.locate(text)
    major = choice("majorDimension", body.get("majorDimension"), "ROWS")
    lines, cells = _oriented(body.get("values") or [], major, user_entered=user_entered)
    height, width = len(lines), max((len(line) for line in lines), default=0)
    rect = None
    if height and width:
        rect = Rect(span.row0, span.col0, span.row0 + height, span.col0 + width)
        _check_fits(sheet, span, rect, text)
        sheet.write(rect.row0, rect.col0, lines)
    return _update_summary(book.key, sheet, rect, cells, options), (sheet.sheet_id, rect)


def _check_fits(sheet: Sheet, span: Span, rect: Rect, text: str) -> None:
    """A closed range bounds the write; the grid always does (update never grows it)."""
    if not span.anchor and span.row1 is not None and rect.row1 > span.row1:
        raise ApiError(
            400,
            f"Requested writing within range [{text}], but tried writing to row [{span.row1 + 1}]",
        )
    if not span.anchor and span.col1 is not None and rect.col1 > span.col1:
        column = column_letters(span.col1)
        raise ApiError(
            400, f"Requested writing within range [{text}], but tried writing to column [{column}]"
        )
    if rect.row1 > sheet.row_count or rect.col1 > sheet.column_count:
        raise sheet.exceeded(text)


def _update_summary(
    key: str, sheet: Sheet, rect: Rect | None, cells: int, options: _ResponseOptions
) -> JsonDict:
    summary: JsonDict = {"spreadsheetId": key}
    if rect is None:
        return summary
    summary |= {
        "updatedRange": sheet.a1(rect),
        "updatedRows": rect.row1 - rect.row0,
        "updatedColumns": rect.col1 - rect.col0,
        "updatedCells": cells,
    }
    if options.include_values:
        summary["updatedData"] = _value_range(sheet, rect, "ROWS", options.render_option)
    return summary


def _totals(results: list[tuple[JsonDict, tuple[int, Rect | None]]]) -> JsonDict:
    """values.batchUpdate totals: distinct rows, columns and sheets touched, summed cells."""
    rows: set[tuple[int, int]] = set()
    columns: set[tuple[int, int]] = set()
    sheets: set[int] = set()
    for _, (sheet_id, rect) in results:
        if rect is None:
            continue
        sheets.add(sheet_id)
        rows.update((sheet_id, row) for row in range(rect.row0, rect.row1))
        columns.update((sheet_id, col) for col in range(rect.col0, rect.col1))
    return {
        "totalUpdatedRows": len(rows),
        "totalUpdatedColumns": len(columns),
        "totalUpdatedCells": sum(summary.get("updatedCells", 0) for summary, _ in results),
        "totalUpdatedSheets": len(sheets),
    }


def _check_grid(sheet: Sheet) -> None:
    grid = sheet.grid
    for key in ("rowCount", "columnCount"):
        if not isinstance(grid.get(key), int) or grid[key] < 1:
            raise _InvalidRequestError(f"gridProperties.{key} must be a positive integer.")
    if grid["frozenRowCount"] >= grid["rowCount"]:
        raise _InvalidRequestError("You can't freeze all visible rows on the sheet.")
    if grid["frozenColumnCount"] >= grid["columnCount"]:
        raise _InvalidRequestError("You can't freeze all visible columns on the sheet.")


def _overlap(first: JsonDict, second: JsonDict) -> bool:
    """Whether two GridRanges (missing bounds are unbounded) share a cell."""
    if first.get("sheetId", 0) != second.get("sheetId", 0):
        return False
    for start, end in (("startRowIndex", "endRowIndex"), ("startColumnIndex", "endColumnIndex")):
        if max(first.get(start, 0), second.get(start, 0)) >= min(
            first.get(end, 2**31), second.get(end, 2**31)
        ):
            return False
    return True


def _dimension(value: Any) -> str:
    if value not in ("ROWS", "COLUMNS"):
        raise _InvalidRequestError(f"Invalid dimension: {value}")
    return str(value)


def _line_count(sheet: Sheet, dimension: str) -> int:
    return sheet.row_count if dimension == "ROWS" else sheet.column_count


def _dimension_range(book: Book, grid: JsonDict) -> tuple[Sheet, str, int, int]:
    sheet = book.sheet_with_id(grid.get("sheetId", 0))
    dimension = _dimension(grid.get("dimension"))
    start = int(grid.get("startIndex", 0))
    end = int(grid.get("endIndex", _line_count(sheet, dimension)))
    if not 0 <= start < end:
        raise _InvalidRequestError(f"Invalid range: startIndex {start}, endIndex {end}.")
    return sheet, dimension, start, end


def _page(call: _Call) -> tuple[int, int]:
    """Drive paging: ``pageSize`` (1..1000, default 100) and an opaque offset token."""
    try:
        size = int(call.param("pageSize") or 100)
        offset = int(call.param("pageToken") or 0)
    except ValueError as error:
        raise ApiError.drive(400, "Invalid Value", "invalid", "pageToken") from error
    return min(max(size, 1), 1000), max(offset, 0)


def _check_shape(index: int, request: Any) -> None:
    """Refuse a request Google could not parse, before any request is applied."""
    if not isinstance(request, dict) or len(request) != 1:
        raise ApiError(400, f"Invalid requests[{index}]: set exactly one kind of request.")
    ((kind, payload),) = request.items()
    if kind not in _REQUESTS:
        raise _unimplemented(f"the {kind!r} batchUpdate request")
    problem = check_request(kind, payload, f"requests[{index}]")
    if problem is not None:
        raise ApiError(400, problem)


def _extended(cell: JsonDict) -> Written:
    """A CellData's ``userEnteredValue`` (an ExtendedValue: exactly one kind) as stored."""
    value = cell.get("userEnteredValue")
    if value is None:
        return None
    if len(value) != 1:
        raise _InvalidRequestError("An ExtendedValue holds exactly one kind of value.")
    ((kind, content),) = value.items()
    if kind == "formulaValue":
        if not isinstance(content, str) or not content.startswith("="):
            raise _unimplemented(f"a formulaValue that is not an =formula: {content!r}")
        return Formula(content)
    if kind in ("numberValue", "stringValue", "boolValue"):
        if not isinstance(content, CellValue):
            raise _InvalidRequestError(f"Invalid {kind}: {content!r}")
        return content if content != "" else None
    raise _unimplemented(f"an ExtendedValue of kind {kind}")


def _check_inside(sheet: Sheet, grid: JsonDict) -> None:
    """A GridRange must lie on the tab's grid (Google: "Range ... exceeds grid limits")."""
    rows = (grid.get("startRowIndex", 0), grid.get("endRowIndex", sheet.row_count))
    columns = (grid.get("startColumnIndex", 0), grid.get("endColumnIndex", sheet.column_count))
    if not (0 <= rows[0] < rows[1] <= sheet.row_count) or not (
        0 <= columns[0] < columns[1] <= sheet.column_count
    ):
        raise _InvalidRequestError(
            f"Range ({sheet.title}!R{rows[0] + 1}C{columns[0] + 1}:R{rows[1]}C{columns[1]}) "
            f"exceeds grid limits. Max rows: {sheet.row_count}, max columns: "
            f"{sheet.column_count}"
        )


def _object_ids(book: Book) -> set[int]:
    """Ids taken by charts and protected ranges (Google draws them from one space)."""
    return {c["chartId"] for s in book.sheets for c in s.charts} | {
        p["protectedRangeId"] for s in book.sheets for p in s.protected_ranges
    }


_REQUESTS: dict[str, Callable[[_Backend, Book, JsonDict], JsonDict]] = {
    "addSheet": _Backend._add_sheet_request,
    "deleteSheet": _Backend._delete_sheet_request,
    "updateSheetProperties": _Backend._update_sheet_properties,
    "updateSpreadsheetProperties": _Backend._update_spreadsheet_properties,
    "setDataValidation": _Backend._set_data_validation,
    "repeatCell": _Backend._repeat_cell,
    "updateCells": _Backend._update_cells,
    "addConditionalFormatRule": _Backend._add_conditional_format_rule,
    "updateDimensionProperties": _Backend._update_dimension_properties,
    "setBasicFilter": _Backend._set_basic_filter,
    "addChart": _Backend._add_chart,
    "addProtectedRange": _Backend._add_protected_range,
    "deleteConditionalFormatRule": _Backend._delete_conditional_format_rule,
    "insertDimension": _Backend._insert_dimension,
    "deleteDimension": _Backend._delete_dimension,
    "appendDimension": _Backend._append_dimension,
}

_KEY = r"(?P<key>[^/:]+)"
_SHEETS = r"/v4/spreadsheets"
_FILES = r"/drive/v3/files"
_ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    (method, re.compile(pattern), handler)
    for method, pattern, handler in (
        ("GET", rf"{_SHEETS}/{_KEY}", _Backend.get_spreadsheet),
        ("POST", _SHEETS, _Backend.create_spreadsheet),
        ("POST", rf"{_SHEETS}/{_KEY}:batchUpdate", _Backend.batch_update),
        ("GET", rf"{_SHEETS}/{_KEY}/values:batchGet", _Backend.values_batch_get),
        ("POST", rf"{_SHEETS}/{_KEY}/values:batchUpdate", _Backend.values_batch_update),
        ("POST", rf"{_SHEETS}/{_KEY}/values:batchClear", _Backend.values_batch_clear),
        ("GET", rf"{_SHEETS}/{_KEY}/values/(?P<range>[^/]+)", _Backend.values_get),
        ("PUT", rf"{_SHEETS}/{_KEY}/values/(?P<range>[^/]+)", _Backend.values_update),
        ("POST", rf"{_SHEETS}/{_KEY}/values/(?P<range>[^/]+?):append", _Backend.values_append),
        ("POST", rf"{_SHEETS}/{_KEY}/values/(?P<range>[^/]+?):clear", _Backend.values_clear),
        ("POST", _FILES, _Backend.drive_create),
        ("GET", _FILES, _Backend.drive_list),
        ("GET", rf"{_FILES}/{_KEY}", _Backend.drive_get),
        ("DELETE", rf"{_FILES}/{_KEY}", _Backend.drive_delete),
        ("POST", rf"{_FILES}/{_KEY}/copy", _Backend.drive_copy),
        ("GET", rf"{_FILES}/{_KEY}/comments", _Backend.drive_comments),
        ("GET", rf"{_FILES}/{_KEY}/permissions", _Backend.permissions_list),
        ("POST", rf"{_FILES}/{_KEY}/permissions", _Backend.permissions_create),
        (
            "DELETE",
            rf"{_FILES}/{_KEY}/permissions/(?P<permission>[^/]+)",
            _Backend.permissions_delete,
        ),
    )
]


def _route(method: str, path: str) -> tuple[Handler, dict[str, str]]:
    """Match the raw (still percent-encoded) path, then decode the captured parts."""
    for route_method, pattern, handler in _ROUTES:
        match = pattern.fullmatch(path)
        if match and route_method == method:
            return handler, {name: unquote(value) for name, value in match.groupdict().items()}
    raise _unimplemented(f"{method} {path}")


# --- HTTP server --------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, backend: _Backend) -> None:
        super().__init__(("127.0.0.1", 0), _HttpHandler)
        self.backend = backend


class _HttpHandler(BaseHTTPRequestHandler):
    """Moves bytes between HTTP and the backend; it holds no state of its own."""

    protocol_version = "HTTP/1.1"  # keep-alive, like Google, so sessions reuse connections
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server

    def __getattr__(self, name: str) -> Callable[[], None]:
        """``BaseHTTPRequestHandler`` looks up ``do_<METHOD>``: every method is served alike
        (the backend answers the ones it has no route for)."""
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = _RawRequest(self.command, self.path, self.headers.get("Authorization"), body)
        reply = self.server.backend.handle(request)
        payload = b"" if reply.payload is None else json.dumps(reply.payload).encode()
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if payload:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        """Stay quiet: :attr:`SheetsEmulator.requests` is the request log."""


# --- client side --------------------------------------------------------------------------


class GoogleHostsAdapter(HTTPAdapter):
    """Sends requests for ``*.googleapis.com`` to the emulator, keeping path and query."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self._base_url = base_url

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        host = urlsplit(request.url or "").hostname or ""
        if host == "googleapis.com" or host.endswith(".googleapis.com"):
            request.url = self._base_url + request.path_url
        return super().send(request, *args, **kwargs)


class SheetsEmulator:
    """Google Sheets v4 + Drive v3 on 127.0.0.1, plus knobs for tests.

    Use it as a context manager (or ``start()``/``stop()``); ``client()`` gives a real
    gspread client wired to it. All knobs are safe to use while requests are in flight.
    """

    def __init__(self, seed: int = 0) -> None:
        self._backend = _Backend(seed)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> SheetsEmulator:
        self._server = _Server(self._backend)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": _SHUTDOWN_POLL_SECONDS},
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:53124`` (append Google's paths to it)."""
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def session(self, token: str | None = None) -> Session:
        """A ``requests.Session`` that routes Google's hosts here; ``token`` sets
        ``Authorization: Bearer <token>``. Proxy settings from the environment are ignored."""
        session = Session()
        session.trust_env = False
        adapter = GoogleHostsAdapter(self.url)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        if token is not None:
            session.headers["Authorization"] = f"Bearer {token}"
        return session

    def client(self, token: str | None = None) -> gspread.Client:
        """The real gspread client, talking to this emulator over HTTP."""
        return gspread.Client(auth=None, session=self.session(token))  # type: ignore[arg-type]

    # -- knobs: access control and limits

    @property
    def tokens(self) -> set[str]:
        """Accepted bearer tokens; empty means any Authorization header (or none) is fine."""
        return self._backend.tokens

    @tokens.setter
    def tokens(self, tokens: set[str]) -> None:
        with self._backend.lock:
            self._backend.tokens = set(tokens)

    @property
    def max_request_bytes(self) -> int:
        """Bodies larger than this get Google's 400 "Request payload size exceeds the limit"."""
        return self._backend.max_request_bytes

    @max_request_bytes.setter
    def max_request_bytes(self, limit: int) -> None:
        with self._backend.lock:
            self._backend.max_request_bytes = limit

    def fail_next(self, n: int, status: int = 429) -> None:
        """Answer the next ``n`` requests with ``status`` and Google's error body for it."""
        _check_status(status)
        with self._backend.lock:
            self._backend.failures_left = n
            self._backend.failure_status = status

    def fail_request(self, n: int, status: int = 500) -> None:
        """Answer the ``n``-th request from now (1 = the next one) with ``status``, once;
        the requests before it and after it are served."""
        _check_status(status)
        if n < 1:
            raise ValueError(f"requests are counted from 1, not {n}")
        with self._backend.lock:
            self._backend.failures_at[len(self._backend.log) + n] = status

    def fail_always(self, status: int | None) -> None:
        """Answer every request with ``status`` until called again with ``None``."""
        if status is not None:
            _check_status(status)
        with self._backend.lock:
            self._backend.persistent_failure = status

    # -- knobs: the OAuth token endpoint

    @property
    def token_uri(self) -> str:
        """Put this in a credentials file's ``token_uri`` to get tokens from the emulator."""
        return self.url + TOKEN_PATH

    @property
    def token_requests(self) -> list[dict[str, str]]:
        """Every form posted to the token endpoint, in order."""
        with self._backend.lock:
            return [dict(form) for form in self._backend.token_requests]

    def refuse_tokens(self, description: str | None) -> None:
        """Answer token requests with ``invalid_grant`` and this description (None: grant)."""
        with self._backend.lock:
            self._backend.token_refusal = description

    # -- knobs: request log

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        """Every request received so far as ``(method, path_with_query, body_size)``."""
        with self._backend.lock:
            return list(self._backend.log)

    def reset_requests(self) -> None:
        with self._backend.lock:
            self._backend.log.clear()

    # -- knobs: state

    def create_spreadsheet(
        self,
        title: str,
        tabs: dict[str, list[list[Any]]] | None = None,
        owner_token: str | None = None,
    ) -> str:
        """Create a spreadsheet directly and return its key.

        ``tabs`` maps titles to rows written RAW (str/int/float/bool; ``""``/``None`` are
        empty); the grid is at least 1000x26. With ``owner_token`` only requests bearing
        that token see the spreadsheet (others get 403, and Drive lists omit it).
        """
        tabs = tabs if tabs is not None else {"Sheet1": []}
        specs = [
            {
                "title": tab_title,
                "gridProperties": {
                    "rowCount": max(DEFAULT_ROWS, len(rows)),
                    "columnCount": max([DEFAULT_COLUMNS, *map(len, rows)]),
                },
            }
            for tab_title, rows in tabs.items()
        ]
        with self._backend.lock:
            book = self._backend.new_book(title, owner_token, specs, [])
            for sheet, rows in zip(book.sheets, tabs.values(), strict=True):
                lines, _ = _oriented(
                    [["" if value is None else value for value in row] for row in rows],
                    "ROWS",
                    user_entered=False,
                )
                sheet.write(0, 0, lines)
            return book.key

    def values(self, key: str, tab: str) -> list[list[CellValue]]:
        """Stored values as entered, trimmed like the API trims (``""`` is an empty cell;
        formulas are :class:`Formula` instances, numbers stay numbers)."""
        with self._backend.lock:
            rows = [
                _trim(["" if value is None else value for value in row], "")
                for row in self._sheet(key, tab).rows
            ]
        return _trim(rows, [])

    def sheet_properties(self, key: str, tab: str) -> JsonDict:
        """The tab's stored properties; unlike API responses, gridProperties always carries
        frozenRowCount and frozenColumnCount (0 when nothing is frozen)."""
        with self._backend.lock:
            return copy.deepcopy(self._sheet(key, tab).properties)

    def data_validations(self, key: str, tab: str) -> list[JsonDict]:
        """Each stored ``setDataValidation`` request body (``range`` and ``rule``)."""
        with self._backend.lock:
            return copy.deepcopy(self._sheet(key, tab).data_validations)

    def conditional_formats(self, key: str, tab: str) -> list[JsonDict]:
        """The tab's conditional format rules in order (``ranges`` plus the rule itself)."""
        with self._backend.lock:
            return copy.deepcopy(self._sheet(key, tab).conditional_formats)

    def formats(self, key: str, tab: str) -> list[JsonDict]:
        """Each stored ``repeatCell`` request body (``range``, ``cell``, ``fields``)."""
        with self._backend.lock:
            return copy.deepcopy(self._sheet(key, tab).formats)

    def charts(self, key: str, tab: str) -> list[JsonDict]:
        """The tab's embedded charts as ``addChart`` left them (with their ``chartId``)."""
        with self._backend.lock:
            return copy.deepcopy(self._sheet(key, tab).charts)

    def protected_ranges(self, key: str, tab: str) -> list[JsonDict]:
        """The tab's protected ranges (with their ``protectedRangeId``)."""
        with self._backend.lock:
            return copy.deepcopy(self._sheet(key, tab).protected_ranges)

    def basic_filter(self, key: str, tab: str) -> JsonDict | None:
        """The tab's basic filter, or None."""
        with self._backend.lock:
            return copy.deepcopy(self._sheet(key, tab).basic_filter)

    def pixel_sizes(self, key: str, tab: str, dimension: str = "COLUMNS") -> dict[int, int]:
        """Widths (``COLUMNS``) or heights (``ROWS``) set by ``updateDimensionProperties``,
        by 0-based line; lines never sized are absent."""
        with self._backend.lock:
            sizes = self._sheet(key, tab).pixel_sizes
            return {line: size for (kind, line), size in sizes.items() if kind == dimension}

    def tab_titles(self, key: str) -> list[tuple[str, bool]]:
        """Every tab's title, in order, with whether it is hidden."""
        with self._backend.lock:
            return [(s.title, not s.visible) for s in self._backend.books[key].sheets]

    def _sheet(self, key: str, tab: str) -> Sheet:
        sheet = self._backend.books[key].sheet_titled(tab)
        if sheet is None:
            raise KeyError(f"spreadsheet {key} has no tab {tab!r}")
        return sheet


def _check_status(status: int) -> None:
    if not 400 <= status <= 599:
        raise ValueError(f"an injected failure needs an HTTP error status, not {status}")
