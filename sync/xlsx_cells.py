"""An .xlsx workbook's cells read from its XML parts: what calamine's grid lacks, and
what makes reading it safe.

calamine builds a dense grid from A1 to the furthest cell, so one space typed at
XFD1048576 asks for 512 GiB. Before calamine sees a workbook, `survey` looks at each
sheet part once (byte counts and a few searches, no parsing): the unpacked size of the
whole archive and the number of cells holding values are capped ("too large to read
safely"), and a sheet whose furthest cell lies far beyond its data (`Survey.sparse`) is
read by `sparse_grid` here instead, which keeps memory and time to the cells that hold
data. The same pass gathers merged ranges and error cells (`#DIV/0!`), which
calamine's grid lacks, so each sheet is decompressed once.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

MAX_UNPACKED = 256 << 20
"""Bytes the archive's parts may unpack to: about five million cells of sheet XML."""
MAX_CELLS = 5_000_000
"""Cells holding a value, over all sheets of one workbook."""
DENSE_AREA = 2_000_000
"""A sheet's extent (rows × columns from A1) calamine may build densely whatever it holds."""
DENSE_PER_CELL = 4
"""Beyond `DENSE_AREA`, the extent may be at most this many times the cells with values."""
ROW_GAP = 1000
COLUMN_GAP = 100
"""Cells separated from the table by more empty rows or columns than these are strays:
reported as the cells they are, not made part of the grid."""

_CELL_TAG = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(/?)>')
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_LAST_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_WIDE_REF = re.compile(rb'r="([A-Z]{2,3})\d')
"""A cell reference past column Z. No leading `\b`: a literal start lets the regex
engine skip ahead, ten times faster on a big sheet."""
_DATE_IDS = {*range(14, 23), 45, 47, *range(27, 37), *range(50, 59)}
_DURATION_IDS = {46}
_FORMAT_SKIP = re.compile(r'"[^"]*"|\\.|[_*].|\[[^\]]*\]')
_DURATION_FORMAT = re.compile(r"\[(?:h+|m+|s+)\]", re.IGNORECASE)

Extras = tuple[list[tuple[tuple[int, int], tuple[int, int]]], list[tuple[int, int, str]]]
"""A sheet's merged ranges ((row, col) to (row, col), 0-based) and its error cells."""


@dataclass
class Survey:
    """One sheet part, looked at without parsing it."""

    part: str
    cells: int
    """Cells holding a value; for a sheet within `DENSE_AREA`, its area (an upper bound)."""
    extent: tuple[int, int]
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    errors: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def sparse(self) -> bool:
        """Whether calamine's dense grid would be sized by far cells, not by the data."""
        area = self.extent[0] * self.extent[1]
        return area > DENSE_AREA and area > DENSE_PER_CELL * self.cells


class TooLarge(Exception):
    """The workbook unpacks to more, or holds more cells, than can be read safely."""


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part (`xl/worksheets/sheet1.xml`), from the workbook's rels."""
    try:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    except KeyError:
        return {}
    targets = _targets(rels)
    parts = {}
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name, rid = (
            re.search(r'\bname="([^"]*)"', sheet[0]),
            re.search(r'\br:id="([^"]+)"', sheet[0]),
        )
        if name and rid and rid[1] in targets:
            parts[_xml_text(name[1])] = targets[rid[1]]
    return parts


def _targets(rels: str) -> dict[str, str]:
    """Relationship id → the part it names, as a path inside the archive."""
    targets = {}
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId="([^"]+)"', rel[0]), re.search(r'\bTarget="([^"]+)"', rel[0])
        if rid and target:
            path = target[1].lstrip("/")
            targets[rid[1]] = path if path.startswith("xl/") else f"xl/{path}"
    return targets


def check_unpacked(archive: zipfile.ZipFile) -> None:
    """Raise `TooLarge` when the archive's parts unpack to more than `MAX_UNPACKED`.

    The sizes come from the archive's directory; zipfile never unpacks more than a
    part declares, and calamine reads the same directory.
    """
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
        raise TooLarge


def survey(archive: zipfile.ZipFile) -> dict[str, Survey]:
    """Every worksheet by name, looked at once; raises `TooLarge` past `MAX_CELLS`.

    The cells with values are counted as `<v>`/`<is>` tags; the extent is the last
    row tag and the widest column reference (rows come in order).
    """
    names = set(archive.namelist())
    found = {}
    cells = 0
    for name, part in sheet_parts(archive).items():
        if part not in names:
            continue
        found[name] = _survey(part, archive.read(part), MAX_CELLS - cells)
        cells += found[name].cells
        if cells > MAX_CELLS:
            raise TooLarge
    return found


def _survey(part: str, xml: bytes, budget: int) -> Survey:
    """One sheet part's extent and cells with values. A sheet cannot hold more cells
    than its area, so only one bigger than `DENSE_AREA` or the cells left in the
    `budget` has its cells counted (each count is a pass over the XML)."""
    start = xml.find(b"sheetData")
    end = xml.rfind(b"sheetData")
    prefix = xml[xml.rfind(b"<", 0, start) + 1 : start]  # b"" or a namespace's b"x:"
    last_row = xml.rfind(b"<" + prefix + b"row ", start, end)  # text never holds a "<"
    row = _LAST_ROW.match(xml, last_row) if last_row != -1 else None
    columns = 26 if xml.find(b"<" + prefix + b"c", start, end) != -1 else 0
    wide = set(_WIDE_REF.findall(xml, start, end))
    if wide:
        columns = max(_column_index(ref) for ref in wide) + 1
    extent = (int(row[1]) if row else 0, columns)
    area = extent[0] * extent[1]
    if area <= min(DENSE_AREA, budget):
        cells = area
    else:
        cells = sum(xml.count(b"</" + prefix + tag, start, end) for tag in (b"v>", b"is>"))
    merges, errors = _merges_and_errors(xml, start, end)
    return Survey(part, cells, extent, merges, errors)


def _merges_and_errors(xml: bytes, start: int, end: int) -> Extras:
    """Merged ranges, so a vertically merged cell fills its rows (`fill_merged`), and
    error cells (`#DIV/0!`, `#N/A`), which calamine reads as blank, with their text."""
    merges = []
    if b"mergeCell" in xml[end:]:  # merges follow the cells
        merges = [
            ((int(r0) - 1, _column_index(c0)), (int(r1) - 1, _column_index(c1)))
            for c0, r0, c1, r1 in _MERGE.findall(xml, end)
        ]
    errors = []
    at = xml.find(b't="e"', start, end)
    while at != -1:
        tag = _CELL_TAG.match(xml, xml.rfind(b"<", 0, at))
        if tag and not tag[3]:  # a cell with a reference, not an empty `<c .../>`
            close = _CELL_END.search(xml, tag.end())
            value = _CELL_VALUE.search(xml, tag.end(), close.start()) if close else None
            if value:
                errors.append((int(tag[2]) - 1, _column_index(tag[1]), value[1].decode()))
        at = xml.find(b't="e"', at + 1, end)
    return merges, errors


def restore_errors(grid: list[list[Any]], errors: list[tuple[int, int, str]]) -> None:
    """Error cells that calamine read as blank get the error text they show."""
    for r, c, text in errors:
        if r < len(grid) and c < len(grid[r]) and grid[r][c] == "":
            grid[r][c] = text


# --- the sparse reader ---------------------------------------------------------------


@dataclass(frozen=True)
class Stray:
    """A cell that holds a value far from the table: where it is (0-based) and what."""

    row: int
    column: int
    value: Any


@dataclass
class Book:
    """What every sheet's values need: the shared strings and the date styles."""

    strings: list[str]
    styles: list[str | None]  # per cell style: "date", "duration" or None
    epoch: datetime


def book_of(archive: zipfile.ZipFile) -> Book:
    """The shared strings, the kind of each cell style and the date system."""
    try:
        rels = _targets(archive.read("xl/_rels/workbook.xml.rels").decode())
        workbook = archive.read("xl/workbook.xml")
    except KeyError:
        rels, workbook = {}, b""
    by_type = {
        part.rsplit("/", 1)[-1].split(".")[0].lower(): part for part in rels.values()
    }  # sharedStrings, styles (by file name, as every writer names them)
    names = set(archive.namelist())
    strings_part = by_type.get("sharedstrings", "xl/sharedStrings.xml")
    styles_part = by_type.get("styles", "xl/styles.xml")
    strings = _shared_strings(archive.read(strings_part)) if strings_part in names else []
    styles = _style_kinds(archive.read(styles_part)) if styles_part in names else []
    in_1904 = re.search(rb'date1904="(1|true)"', workbook) is not None
    epoch = datetime(1904, 1, 1) if in_1904 else datetime(1899, 12, 30)
    return Book(strings, styles, epoch)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text_of(item: ET.Element) -> str:
    """The text of a shared or inline string: its `t`, or its runs' `t`, never the
    phonetic guide (`rPh`)."""
    parts = []
    for child in item:
        kind = _local(child.tag)
        if kind == "t":
            parts.append(child.text or "")
        elif kind == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _shared_strings(xml: bytes) -> list[str]:
    strings = []
    for _event, element in ET.iterparse(io.BytesIO(xml)):
        if _local(element.tag) == "si":
            strings.append(_text_of(element))
            element.clear()
    return strings


def _style_kinds(xml: bytes) -> list[str | None]:
    """Per cell style (`cellXfs`), whether its number format shows a date or a duration."""
    root = ET.fromstring(xml)
    formats: dict[int, str] = {}
    xfs: list[ET.Element] = []
    for element in root:
        if _local(element.tag) == "numFmts":
            for fmt in element:
                formats[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode", "")
        elif _local(element.tag) == "cellXfs":
            xfs = list(element)
    return [_format_kind(int(xf.get("numFmtId", "0")), formats) for xf in xfs]


def _format_kind(fmt: int, custom: dict[int, str]) -> str | None:
    if fmt in custom:
        code = custom[fmt]
        if _DURATION_FORMAT.search(code):
            return "duration"
        bare = _FORMAT_SKIP.sub("", code).lower()
        return "date" if any(ch in bare for ch in "ymdhs") else None
    if fmt in _DURATION_IDS:
        return "duration"
    return "date" if fmt in _DATE_IDS else None


def _value(cell: ET.Element, book: Book) -> Any:
    """A cell's value as calamine gives it: text, a float, a bool, a date, a time, a
    datetime, a timedelta, or the error text shown (`#N/A`); None when it holds none."""
    kind = cell.get("t", "n")
    raw = None
    for child in cell:
        tag = _local(child.tag)
        if tag == "v":
            raw = child.text or ""
        elif tag == "is":
            return _text_of(child)
    if raw is None:
        return None
    if kind == "s":
        index = int(raw)
        return book.strings[index] if index < len(book.strings) else ""
    if kind in ("str", "e", "inlineStr"):
        return raw
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "d":
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            return raw
    try:
        number = float(raw)
    except ValueError:
        return raw
    style = int(cell.get("s", "0"))
    shows = book.styles[style] if style < len(book.styles) else None
    if shows == "duration":
        return timedelta(days=number)
    if shows == "date":
        return _date_of(number, book.epoch)
    return number


def _date_of(serial: float, epoch: datetime) -> date | time | datetime:
    """An Excel serial as calamine gives it: a time below 1, a date when whole, else a
    datetime; serials before 1900-03-01 skip Excel's phantom 1900-02-29."""
    days = serial + 1 if epoch.year == 1899 and serial < 61 else serial
    moment = epoch + timedelta(days=days)
    moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
    if serial < 1:
        return moment.time()
    return moment.date() if serial.is_integer() else moment


def sparse_grid(xml: bytes, book: Book) -> tuple[list[list[Any]], list[Stray]]:
    """A sheet's grid over the rows and columns of its table, from A1, and the cells
    far from it (`ROW_GAP`, `COLUMN_GAP`) as strays; memory follows the cells."""
    cells = []
    row = column = 0
    for event, element in ET.iterparse(io.BytesIO(xml), events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                row = int(element.get("r") or row + 1)
                column = 0
            continue
        if tag == "c":
            ref = element.get("r")
            column = _column_index(ref.rstrip("0123456789").encode()) + 1 if ref else column + 1
            value = _value(element, book)
            if value is not None:
                cells.append((row - 1, column - 1, value))
            element.clear()
        elif tag == "row":
            element.clear()
    rows = _kept({r for r, _c, _v in cells}, ROW_GAP)
    columns = _kept({c for r, c, _v in cells if r < rows}, COLUMN_GAP)
    grid: list[list[Any]] = [[""] * columns for _ in range(rows)]
    strays = []
    for r, c, value in cells:
        if r < rows and c < columns:
            grid[r][c] = value
        else:
            strays.append(Stray(r, c, value))
    return grid, strays


def _kept(used: set[int], gap: int) -> int:
    """How many rows (or columns) from the first make the table: up to the last one
    before a run of more than `gap` empty ones."""
    end = 0
    for n in sorted(used):
        if n - end > gap:
            break
        end = n + 1
    return end


def _xml_text(text: str) -> str:
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1
