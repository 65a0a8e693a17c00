"""Writing the master workbook to an `.xlsx` file, fast and atomically.

xlsxwriter builds the workbook's frame: styles, column widths, frozen headers,
filters, conditional colours, the chart. The cells themselves are streamed straight
into each sheet's XML (`sheet_xml`): 95k rows × 19 columns take 1.0 s there against
15.9 s for xlsxwriter writing them cell by cell (constant_memory), and the write is
paid again on every incremental sync.

The container is the conventional one Excel writes (`xlsx_zip`), because stricter
readers (SheetJS, ExcelJS, Gnumeric) refuse anything else: `[Content_Types].xml` first,
every part with a plain local header matching the central directory, every `<row>` and
`<c>` with its `r`.

The file is written beside the master under a temporary name and renamed into place
(`os.replace`), so a crash or a kill mid-write leaves the previous master intact; the
previous master is kept as `NAME.backup-YYYYmmdd-HHMMSS.xlsx` (the last few).
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format

from sheets_templates.problems import column_letter

from .master_layout import CHART_ROWS, Placed, column_widths, layout
from .master_model import BAD, GOOD, NUMBER_FORMATS, RANK, TEXT, WARN, MasterSheet, Table
from .sheet_xml import QUOTED, Styles, Tails, table_xml
from .sources import OUTPUT_MASTER, OUTPUT_PROPERTY
from .xlsx_zip import Deflated, Part, ZipWriter

STAMP_PROPERTY = "salesflow-content"
"""The custom property that holds what the master shows, as a stamp (`stamp.stamp_of`):
a sync that would write the same content leaves the file as it is."""

_FORMATS: dict[str, dict[str, str]] = {
    kind: {"num_format": code, **({"align": "center"} if kind == RANK else {})}
    for kind, code in NUMBER_FORMATS.items()
}


def _style(fmt: Format) -> str:
    # xlsxwriter numbers a format when a cell uses it; asking for the number marks it
    # used, so the frame's styles.xml holds every format the streamed cells refer to.
    # Private API (none public): pinned in pyproject, guarded by test_master_styles.
    index = fmt._get_xf_index()
    return f' s="{index}"' if index else ""


# --- the frame ---------------------------------------------------------------------


A4 = 9
"""xlsxwriter's paper code for A4."""
BIG_FONT = {"bold": True, "font_size": 14}
"""A figure read from across the room (`Column.big`)."""


def _formats(wb: Any) -> tuple[Styles, dict[str, Format]]:
    """The frame's formats, numbered at once (`_style`) before any sheet is added, so
    that every frame numbers them alike (`frame_styles`); and the tones' formats of the
    conditional colours."""
    if _style(wb.add_format({"quote_prefix": True})) != QUOTED:
        raise AssertionError("the quotePrefix style must be the frame's first format")
    title = wb.add_format({"bold": True, "font_size": 13, "font_color": "#1F3864"})
    header_props = {
        "bold": True,
        "bg_color": "#DDEBF7",
        "bottom": 1,
        "border_color": "#9BC2E6",
        "valign": "vcenter",
    }
    headers = {
        align: wb.add_format({**header_props, "align": align})
        for align in ("left", "center", "right")
    }
    empty = wb.add_format({"italic": True, "font_color": "#808080"})
    kinds = {kind: wb.add_format(props) for kind, props in _FORMATS.items()}
    big = {kind: wb.add_format({**props, **BIG_FONT}) for kind, props in _FORMATS.items()}
    big[TEXT] = wb.add_format(BIG_FONT)
    styles = Styles(
        _style(title),
        _style(empty),
        {kind: _style(fmt) for kind, fmt in kinds.items()},
        {align: _style(fmt) for align, fmt in headers.items()},
        {kind: _style(fmt) for kind, fmt in big.items()},
    )
    tones = {
        GOOD: wb.add_format({"font_color": "#006100", "bg_color": "#C6EFCE"}),
        BAD: wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"}),
        WARN: wb.add_format({"font_color": "#9C5700", "bg_color": "#FFEB9C"}),
    }
    return styles, tones


@lru_cache(maxsize=1)
def frame_styles() -> Styles:
    """The styles of every frame (`_formats`), known before one is built: a table begun
    early (`sheet_xml.Tails`) is rendered in them."""
    wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    styles, _ = _formats(wb)
    wb.close()
    return styles


def _frame(
    sheets: list[MasterSheet], layouts: list[list[Placed]], stamp: str
) -> tuple[bytes, Styles]:
    """The workbook without cells, built by xlsxwriter in memory."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    wb.set_custom_property(OUTPUT_PROPERTY, OUTPUT_MASTER)  # never read as a source
    if stamp:
        wb.set_custom_property(STAMP_PROPERTY, stamp)
    styles, tones = _formats(wb)
    for sheet, placed in zip(sheets, layouts, strict=True):
        ws = wb.add_worksheet(sheet.title)
        for c, width in enumerate(column_widths(placed)):
            ws.set_column(c, c, width)
        first = placed[0] if placed else None
        if sheet.freeze and first is not None and first.header_row is not None:
            ws.freeze_panes(first.header_row + 1, 0)
        for p in placed:
            t = p.table
            if t.autofilter and p.header_row is not None and t.header:
                ws.autofilter(p.header_row, 0, max(p.last_row, p.header_row), len(t.header) - 1)
            if t.rows:
                for c, words in t.tones.items():
                    for text, tone in words.items():
                        ws.conditional_format(
                            p.first_row,
                            c,
                            p.last_row,
                            c,
                            {
                                "type": "cell",
                                "criteria": "==",
                                "value": f'"{text}"',
                                "format": tones[tone],
                            },
                        )
        for p in placed:
            for c, target in p.table.links.items():
                for r, row in enumerate(p.table.rows, start=p.first_row):
                    ws.write_url(r, c, f"internal:'{target}'!A1", string=str(row[c]))
        for p in placed:
            _sparklines(ws, p)
        if sheet.chart is not None:
            _chart(wb, ws, sheet, placed[sheet.chart.table])
        ws.set_landscape()
        ws.fit_to_pages(1, 1 if sheet.one_page else 0)
        if sheet.one_page and placed:
            ws.freeze_panes(1, 0)
            ws.set_paper(A4)
            last = max(p.chart_row + CHART_ROWS if p.chart_row else p.last_row for p in placed)
            ws.print_area(0, 0, last, max(printed_width(p.table) for p in placed) - 1)
        if len(placed) == 1 and placed[0].header_row is not None:
            ws.repeat_rows(0, placed[0].header_row)
    wb.close()
    return buffer.getvalue(), styles


def printed_width(t: Table) -> int:
    """The columns of a table a page prints: all but the numbers a sparkline is drawn
    from when they close the table (on screen to the right, the line on paper)."""
    spark = t.sparkline
    if spark is not None and spark.first + spark.count == len(t.columns):
        return spark.first
    return len(t.columns)


def _sparklines(ws: Any, p: Placed) -> None:
    """A native sparkline per data row of a table that asks for one (`Sparkline`): the
    x14 extension Excel 2010+ and LibreOffice 7.4+ draw. Columns from 0 on one scale
    for every row, so a weak week looks weak beside a strong one (LibreOffice 7.4 draws
    a line sparkline's markers only; columns it draws)."""
    spark = p.table.sparkline
    if spark is None or not p.table.rows:
        return
    first, last = column_letter(spark.first), column_letter(spark.first + spark.count - 1)
    rows = range(p.first_row + 1, p.first_row + len(p.table.rows) + 1)
    ws.add_sparkline(
        p.first_row,
        spark.column,
        {
            "location": [f"{column_letter(spark.column)}{r}" for r in rows],
            "range": [f"{first}{r}:{last}{r}" for r in rows],
            "type": "column",
            "min": 0,
            "max": "group",
            "high_point": True,
            "series_color": "#5B9BD5",
            "high_color": "#2E75B6",
        },
    )


def _chart(wb: Any, ws: Any, sheet: MasterSheet, p: Placed) -> None:
    spec = sheet.chart
    assert spec is not None and p.chart_row is not None and p.header_row is not None
    if not p.table.rows or spec.rows == 0:
        return
    name, first = sheet.title, p.first_row
    last = p.last_row if spec.rows is None else first + spec.rows - 1
    columns = wb.add_chart({"type": "column"})
    columns.add_series(
        {
            "name": [name, p.header_row, spec.values],
            "categories": [name, first, spec.categories, last, spec.categories],
            "values": [name, first, spec.values, last, spec.values],
            "fill": {"color": "#5B9BD5"},
            "data_labels": {"value": True},
        }
    )
    if spec.line is not None:
        line = wb.add_chart({"type": "line"})
        line.add_series(
            {
                "name": [name, p.header_row, spec.line],
                "categories": [name, first, spec.categories, last, spec.categories],
                "values": [name, first, spec.line, last, spec.line],
                "line": {"color": "#C00000", "width": 2.25, "dash_type": "dash"},
                "marker": {"type": "none"},
            }
        )
        columns.combine(line)
    columns.set_title({"name": spec.title, "name_font": {"size": 12}})
    columns.set_legend({"position": "bottom"})
    columns.set_y_axis(
        {"min": 0, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    )
    columns.set_size({"width": 720, "height": CHART_ROWS * 20})
    ws.insert_chart(p.chart_row, 0, columns, {"x_offset": 4, "y_offset": 4})


# --- the file ----------------------------------------------------------------------


def _sheet_paths(frame: zipfile.ZipFile) -> list[str]:
    """The worksheet parts in sheet order (xlsxwriter names them sheet1.xml, …)."""
    names = [n for n in frame.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
    return sorted(names, key=lambda n: int(re.findall(r"\d+", n)[-1]))


class WriteAbandoned(Exception):
    """A write given up half-way because a newer master is wanted (`write_xlsx`'s
    `stop`); the file is unfinished and must be thrown away."""


def _write_sheet(
    part: Part,
    skeleton: str,
    placed: list[Placed],
    styles: Styles,
    stop: Callable[[], bool] | None,
    tails: Tails | None,
) -> None:
    # xlsxwriter wrote the linked cells only for their <hyperlinks>; the cells are ours
    skeleton = re.sub(r"<sheetData>.*</sheetData>", "<sheetData/>", skeleton, flags=re.S)
    head, tail = skeleton.split("<sheetData/>")
    width = max(
        [len(p.table.header) for p in placed]
        + [len(r) for p in placed for r in p.table.rows[:1]]
        + [1]
    )
    last = max([p.last_row for p in placed] + [0])
    head = re.sub(
        r'<dimension ref="[^"]*"/>',
        f'<dimension ref="A1:{column_letter(width - 1)}{last + 1}"/>',
        head,
    )
    part.write(head.encode() + b"<sheetData>")
    for p in placed:
        begun = tails.of(p) if tails is not None else None
        with contextlib.closing(table_xml(p, styles, begun)) as pieces:  # a child stops too
            for xml in pieces:
                if stop is not None and stop():
                    raise WriteAbandoned
                if isinstance(xml, Deflated):
                    part.splice(xml)
                else:
                    part.write(xml)
    part.write(b"</sheetData>" + tail.encode())


def write_xlsx(
    sheets: list[MasterSheet],
    target: Path,
    stamp: str = "",
    stop: Callable[[], bool] | None = None,
    tails: Tails | None = None,
) -> None:
    """Write the workbook to `target` (not atomic: see `write_master_xlsx`), with the
    content's `stamp` (`STAMP_PROPERTY`) when given. `stop` is asked between chunks of
    rows: once it says so, the write is given up (`WriteAbandoned`). `tails` are big
    tables' rows begun before (`sheet_xml.Tails`), in `frame_styles`."""
    layouts = [layout(s) for s in sheets]
    frame_bytes, styles = _frame(sheets, layouts, stamp)
    with zipfile.ZipFile(io.BytesIO(frame_bytes)) as frame, target.open("wb") as fh:
        out = ZipWriter(fh)
        sheet_parts = dict(zip(_sheet_paths(frame), layouts, strict=True))
        # xlsxwriter puts [Content_Types].xml first; the parts keep its order
        for item in frame.infolist():
            with out.part(item.filename, item.date_time) as part:
                if item.filename in sheet_parts:
                    skeleton = frame.read(item).decode()
                    placed = sheet_parts[item.filename]
                    _write_sheet(part, skeleton, placed, styles, stop, tails)
                else:
                    part.write(frame.read(item))
        out.close()
