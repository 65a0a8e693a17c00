"""How a master tab looks in Google Sheets: the Excel master's look as batchUpdate requests.

The `.xlsx` master (`sync.master_xlsx`) is what an Excel office projects in its meeting;
a Google office must see the same sheet: the same column widths (`master_layout`), the
first table's header frozen, bold titles and blue headers, each column kind's number
format (`master_model.NUMBER_FORMATS`, the codes Excel gets), status words coloured by
conditional rules (one `TEXT_EQ` rule per word, so a colour follows an edited cell as
in Excel), a filter on the register table, the meeting's ranking chart with a
`=SPARKLINE(...)` per ranking row where Excel draws a native sparkline, and the banner's
links to the sheets they count. Every request names its tab by `sheetId`, so the look is
built on the fresh tab before it takes the old tab's name; a sparkline formula names its
cells without the tab (`Q9:W9`), so it keeps pointing at them when the tab is renamed.

What Sheets cannot do is left out, not imitated: print settings (one landscape page,
repeated header rows) have no API. A tab has one basic filter, as an Excel sheet has one
autofilter: the last table asking for one gets it, as in the `.xlsx` (xlsxwriter keeps
the last). The master has no formula columns to protect (every cell is a value but the
sparklines, which the sync rewrites);
generated tabs carry a warning-only protection ("this sheet is rewritten by every sync")
so a manager who types into one is warned that the next sync replaces it; the tabs the
manager edits (指标 targets, 团队 team) are not protected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sheets_templates.problems import column_letter
from sheets_templates.words import LANGS, Text

from ..master_layout import CHART_ROWS, Placed, column_widths
from ..master_model import DATE, NUMBER_FORMATS, PERCENT, RANK, TEXT, TIME, MasterSheet
from ..master_words import SHEET_TITLES
from .batch import HEADER, TONES, conditional_rule, grid_range, repeat_cell, text_is

T = TypeVar("T")
EDITABLE = frozenset({"targets", "team"})
"""Keys of the sheets the manager edits and the next sync reads back: never protected."""
PROTECTION_NOTE = Text(
    "salesflow 每次同步都会重写此表；目标和团队请在 {targets}、{team} 表里改",
    "salesflow rewrites this tab on every sync; edit targets and the team on {targets} and {team}",
)
"""The warning Sheets shows a manager who edits a generated tab (both languages: the
tab's language is the sync's, which the writer is not told)."""
NUMBER_TYPES = {DATE: "DATE", TIME: "TIME", PERCENT: "PERCENT"}
"""The Sheets number-format type of each column kind with a format (others: NUMBER)."""
TITLE = {
    "textFormat": {
        "bold": True,
        "fontSize": 13,
        "foregroundColor": {"red": 0.122, "green": 0.22, "blue": 0.392},
    }
}
"""The Excel master's table titles: bold 13 pt, dark blue (#1F3864)."""
EMPTY = {
    "textFormat": {"italic": True, "foregroundColor": {"red": 0.502, "green": 0.502, "blue": 0.502}}
}
"""The "none" line of an empty table: grey italics."""
ALIGN = {TEXT: "LEFT", RANK: "CENTER"}
"""Headers sit over their values: text left, ranks centred, numbers and dates right."""
CHART_WIDTH = 720
COLUMN_BLUE = {"red": 0.357, "green": 0.608, "blue": 0.835}
TARGET_RED = {"red": 0.753, "green": 0.0, "blue": 0.0}


def pixels(width: float) -> int:
    """Excel column width (characters of the default font) as screen pixels."""
    return round(width * 7 + 5)


def frozen_rows(sheet: MasterSheet, placed: list[Placed]) -> int:
    """Rows kept in view: the one long table's header, or a meeting's heading line."""
    first = placed[0] if placed else None
    if sheet.one_page and first is not None:
        return 1
    if sheet.freeze and first is not None and first.header_row is not None:
        return first.header_row + 1
    return 0


def grid_rows(placed: list[Placed]) -> int:
    """Rows a tab needs: every table, and the chart below its table."""
    ends = [p.last_row + 1 for p in placed] + [
        p.chart_row + CHART_ROWS for p in placed if p.chart_row
    ]
    return max([1, *ends])


def look_requests(
    sheet: MasterSheet, sheet_id: int, placed: list[Placed], links: dict[str, int]
) -> list[dict[str, Any]]:
    """Every request that gives tab `sheet_id` the Excel master's look (`links`: the
    sheetId of each tab by title, for the banner's links)."""
    out = _widths(sheet_id, placed)
    for p in placed:
        out += _table(sheet_id, p, links)
    filtered = [p for p in placed if p.table.autofilter and p.header_row is not None][-1:]
    out += [_filter(sheet_id, p) for p in filtered]
    if sheet.chart is not None:
        out += _chart(sheet, sheet_id, placed[sheet.chart.table])
    if sheet.key not in EDITABLE:
        note = " / ".join(
            PROTECTION_NOTE(
                lang, targets=SHEET_TITLES["targets"](lang), team=SHEET_TITLES["team"](lang)
            )
            for lang in LANGS
        )
        protected = {"range": {"sheetId": sheet_id}, "description": note, "warningOnly": True}
        out.append({"addProtectedRange": {"protectedRange": protected}})
    return out


def runs(values: Sequence[T]) -> list[tuple[int, int, T]]:
    """Runs of equal neighbours as (start, end, value), ends exclusive: one request per
    run of columns alike keeps the format batch small (it cannot be split: it is the swap)."""
    out: list[tuple[int, int, T]] = []
    for c, value in enumerate(values):
        if out and out[-1][2] == value and out[-1][1] == c:
            out[-1] = (out[-1][0], c + 1, value)
        else:
            out.append((c, c + 1, value))
    return out


def _widths(sheet_id: int, placed: list[Placed]) -> list[dict[str, Any]]:
    return [
        {
            "updateDimensionProperties": {
                "range": {
                    "sheetId": sheet_id,
                    "dimension": "COLUMNS",
                    "startIndex": start,
                    "endIndex": end,
                },
                "properties": {"pixelSize": size},
                "fields": "pixelSize",
            }
        }
        for start, end, size in runs([pixels(width) for width in column_widths(placed)])
    ]


def _table(sheet_id: int, p: Placed, links: dict[str, int]) -> list[dict[str, Any]]:
    """Title, header, empty line, number formats, status colours and links of a table."""
    t, out = p.table, []
    if p.title_row is not None:
        grid = grid_range(sheet_id, p.title_row, p.title_row + 1, 0, 1)
        out.append(repeat_cell(grid, TITLE, "userEnteredFormat.textFormat"))
    if p.header_row is not None:
        aligns = [ALIGN.get(column.kind, "RIGHT") for column in t.columns]
        for start, end, align in runs(aligns):
            grid = grid_range(sheet_id, p.header_row, p.header_row + 1, start, end)
            header = {**HEADER, "horizontalAlignment": align}
            fields = "userEnteredFormat(textFormat,backgroundColor,horizontalAlignment)"
            out.append(repeat_cell(grid, header, fields))
    if not t.rows:
        if t.empty:
            grid = grid_range(sheet_id, p.first_row, p.first_row + 1, 0, 1)
            out.append(repeat_cell(grid, EMPTY, "userEnteredFormat.textFormat"))
        return out
    for start, end, kind in runs([column.kind for column in t.columns]):
        pattern = NUMBER_FORMATS.get(kind)
        if pattern is None:
            continue
        cells = grid_range(sheet_id, p.first_row, p.last_row + 1, start, end)
        look: dict[str, Any] = {
            "numberFormat": {"type": NUMBER_TYPES.get(kind, "NUMBER"), "pattern": pattern}
        }
        if kind == RANK:
            look["horizontalAlignment"] = "CENTER"
        out.append(repeat_cell(cells, look, f"userEnteredFormat({','.join(look)})"))
    for c, column in enumerate(t.columns):
        cells = grid_range(sheet_id, p.first_row, p.last_row + 1, c, c + 1)
        out += [
            conditional_rule(cells, text_is(text), TONES[tone])
            for text, tone in column.tones.items()
        ]
    for c, target in t.links.items():
        if target in links:
            cells = grid_range(sheet_id, p.first_row, p.last_row + 1, c, c + 1)
            link = {"textFormat": {"link": {"uri": f"#gid={links[target]}"}}}
            out.append(repeat_cell(cells, link, "userEnteredFormat.textFormat.link"))
    return out + _sparklines(sheet_id, p)


def _sparklines(sheet_id: int, p: Placed) -> list[dict[str, Any]]:
    """The Excel master's sparkline per data row (`Sparkline`) as Sheets' own
    `=SPARKLINE(Q9:W9,...)` in the same cell over the same cells: one `updateCells`
    request for the table, since values go in RAW and a formula would stay text."""
    spark = p.table.sparkline
    if spark is None or not p.table.rows:
        return []
    first, last = column_letter(spark.first), column_letter(spark.first + spark.count - 1)
    rows = range(p.first_row + 1, p.first_row + len(p.table.rows) + 1)
    formulas = [f'=SPARKLINE({first}{r}:{last}{r},{{"charttype","column"}})' for r in rows]
    start = {"sheetId": sheet_id, "rowIndex": p.first_row, "columnIndex": spark.column}
    cells = [{"values": [{"userEnteredValue": {"formulaValue": f}}]} for f in formulas]
    return [{"updateCells": {"rows": cells, "fields": "userEnteredValue", "start": start}}]


def _filter(sheet_id: int, p: Placed) -> dict[str, Any]:
    assert p.header_row is not None
    grid = grid_range(
        sheet_id, p.header_row, max(p.last_row, p.header_row) + 1, 0, len(p.table.columns)
    )
    return {"setBasicFilter": {"filter": {"range": grid}}}


def _chart(sheet: MasterSheet, sheet_id: int, p: Placed) -> list[dict[str, Any]]:
    """The ranking chart as in Excel: a column per rep, the target as a dashed red line,
    over the table's ranked rows, below the table."""
    spec = sheet.chart
    assert spec is not None and p.chart_row is not None and p.header_row is not None
    if not p.table.rows or spec.rows == 0:
        return []
    last = p.last_row if spec.rows is None else p.first_row + spec.rows - 1

    def data(column: int) -> dict[str, Any]:
        # the header row included (headerCount 1): the series take their names from it
        grid = grid_range(sheet_id, p.header_row or 0, last + 1, column, column + 1)
        return {"sourceRange": {"sources": [grid]}}

    series: list[dict[str, Any]] = [
        {
            "series": data(spec.values),
            "targetAxis": "LEFT_AXIS",
            "type": "COLUMN",
            "color": COLUMN_BLUE,
            "dataLabel": {"type": "DATA"},
        }
    ]
    if spec.line is not None:
        series.append(
            {
                "series": data(spec.line),
                "targetAxis": "LEFT_AXIS",
                "type": "LINE",
                "color": TARGET_RED,
                "lineStyle": {"width": 2, "type": "MEDIUM_DASHED"},
            }
        )
    chart = {
        "spec": {
            "title": spec.title,
            "basicChart": {
                "chartType": "COMBO" if spec.line is not None else "COLUMN",
                "legendPosition": "BOTTOM_LEGEND",
                "axis": [{"position": "LEFT_AXIS", "viewWindowOptions": {"viewWindowMin": 0}}],
                "domains": [{"domain": data(spec.categories)}],
                "series": series,
                "headerCount": 1,
            },
        },
        "position": {
            "overlayPosition": {
                "anchorCell": {"sheetId": sheet_id, "rowIndex": p.chart_row, "columnIndex": 0},
                "offsetXPixels": 4,
                "offsetYPixels": 4,
                "widthPixels": CHART_WIDTH,
                "heightPixels": CHART_ROWS * 20,
            }
        },
    }
    return [{"addChart": {"chart": chart}}]
