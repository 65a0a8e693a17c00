"""A Google office gets the master an Excel office gets: one `salesflow sync` writes
both, and they are compared sheet by sheet (names, headers, values, number formats,
frozen rows, status colours, filters, the chart, sparklines, links), the Excel one as
openpyxl reads the file (and its sparklines as the sheet's XML holds them), the Google
one as the emulator stored what the API was sent.

Then the manager edits the 指标 and 团队 tabs of the Google master and the next sync
uses both, as it would with the Excel master's sheets.
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from sync.cli import main
from sync.demo import make_team
from sync.google import connect
from sync.master_words import SHEET_TITLES
from sync.sources import find_sources

from .emulator import Formula, SheetsEmulator, cell_label
from .offices import AS_OF, TOKEN, google_cell, upload_workbook


def _sync(emu: SheetsEmulator, *args: str) -> tuple[int, str]:
    env = {"SALESFLOW_GOOGLE_TOKEN": TOKEN, "SALESFLOW_GOOGLE_API_ROOT": emu.url}
    result = CliRunner().invoke(main, ["sync", *args, "--as-of", AS_OF.isoformat()], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def _plain(value: Any) -> Any:
    """A cell as the Sheets API holds it: dates and times as serial numbers."""
    if isinstance(value, datetime | date | time):
        value = google_cell(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 9)
    return value


def _xlsx_values(ws: Worksheet) -> list[list[Any]]:
    rows = [[_plain(c.value) for c in row] for row in ws.iter_rows()]
    rows = [row[: max([i + 1 for i, v in enumerate(row) if v != ""] + [0])] for row in rows]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _a1(grid: dict[str, int]) -> str:
    first = cell_label(grid["startRowIndex"], grid["startColumnIndex"])
    last = cell_label(grid["endRowIndex"] - 1, grid["endColumnIndex"] - 1)
    return first if first == last else f"{first}:{last}"


def _cells(grid: dict[str, int]) -> list[tuple[int, int]]:
    return [
        (r, c)
        for r in range(grid["startRowIndex"], grid["endRowIndex"])
        for c in range(grid["startColumnIndex"], grid["endColumnIndex"])
    ]


def _google_number_formats(emu: SheetsEmulator, key: str, tab: str) -> dict[tuple[int, int], str]:
    out = {}
    for f in emu.formats(key, tab):
        number = f["cell"]["userEnteredFormat"].get("numberFormat")
        if number is not None:
            out |= dict.fromkeys(_cells(f["range"]), number["pattern"])
    return out


def _google_links(emu: SheetsEmulator, key: str, tab: str, ids: dict[int, str]) -> dict:
    out = {}
    for f in emu.formats(key, tab):
        link = f["cell"]["userEnteredFormat"].get("textFormat", {}).get("link")
        if link is not None:
            out |= dict.fromkeys(_cells(f["range"]), ids[int(link["uri"].removeprefix("#gid="))])
    return out


def _xlsx_sparklines(excel: Path, index: int) -> dict[tuple[int, int], str]:
    """The native sparklines of the workbook's sheet `index` (0-based): the cell each is
    drawn in (row, column, 0-based) and the cells it draws (`Q9:W9`)."""
    with zipfile.ZipFile(excel) as book:
        xml = book.read(f"xl/worksheets/sheet{index + 1}.xml").decode()
    found = re.findall(r"<xm:f>[^<]*!([A-Z]+\d+:[A-Z]+\d+)</xm:f><xm:sqref>([A-Z]+\d+)<", xml)
    out = {}
    for cells, where in found:
        _column, _row, column, row = range_boundaries(where)
        out[(row - 1, column - 1)] = cells
    return out


def _frozen_rows(ws: Worksheet) -> int:
    if ws.freeze_panes is None:
        return 0
    return range_boundaries(ws.freeze_panes)[1] - 1


def test_the_google_master_matches_the_excel_master_sheet_by_sheet(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    team = make_team(tmp_path / "team", AS_OF)
    offices = [
        upload_workbook(sheets_emulator, f.path)
        for f in find_sources([team.folder])
        if f.path.name not in team.unreadable and f.path.parent.name != "王五"
    ]
    master = sheets_emulator.create_spreadsheet("销售总表", {"经理的备注": [["别动我"]]})
    excel = tmp_path / "master.xlsx"
    args = [a for key in offices for a in ("--google", key)]
    args += ["--google-master", master, "--master", str(excel)]
    sheets_emulator.reset_requests()
    code, out = _sync(sheets_emulator, *args)
    assert code == 1, out  # the demo team's planted mistakes
    writes = [r for r in sheets_emulator.requests if "/values:batchUpdate" in r[1]]
    assert len(writes) == 1  # the whole master in one values request: 4 in all
    assert "4 次请求" in out

    book = openpyxl.load_workbook(excel)
    tabs = sheets_emulator.tab_titles(master)
    assert tabs[0] == ("经理的备注", False)
    assert [title for title, _hidden in tabs[1:]] == book.sheetnames
    assert not any(hidden for _title, hidden in tabs)
    ids = {
        sheets_emulator.sheet_properties(master, title)["sheetId"]: title
        for title in book.sheetnames
    }
    charts = sparklines = 0
    for index, ws in enumerate(book.worksheets):
        title = ws.title
        stored = [[_plain(v) for v in row] for row in sheets_emulator.values(master, title)]
        # sparklines: where Excel draws one, Google's cell holds SPARKLINE over the same cells
        for (r, c), cells in _xlsx_sparklines(excel, index).items():
            assert ws.cell(r + 1, c + 1).value is None, (title, r, c)
            formula = stored[r][c]
            assert isinstance(formula, Formula), (title, r, c)
            assert formula == f'=SPARKLINE({cells},{{"charttype","column"}})', (title, r, c)
            stored[r][c] = ""
            sparklines += 1
        # names, headers, values
        stored = [row[: max([i + 1 for i, v in enumerate(row) if v != ""] + [0])] for row in stored]
        assert stored == _xlsx_values(ws), title
        # number formats, cell by cell wherever a value is
        google_formats = _google_number_formats(sheets_emulator, master, title)
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    expected = None if c.number_format == "General" else c.number_format
                    where = (c.row - 1, c.column - 1)
                    assert google_formats.get(where) == expected, (title, c.coordinate)
        # frozen header
        grid = sheets_emulator.sheet_properties(master, title)["gridProperties"]
        assert grid["frozenRowCount"] == _frozen_rows(ws), title
        # status colours: the same words over the same cells
        excel_rules = sorted(
            (str(cf.sqref), rule.formula[0].strip('"'))
            for cf in ws.conditional_formatting
            for rule in cf.rules
        )
        google_rules = sorted(
            (
                _a1(rule["ranges"][0]),
                rule["booleanRule"]["condition"]["values"][0]["userEnteredValue"],
            )
            for rule in sheets_emulator.conditional_formats(master, title)
        )
        assert google_rules == excel_rules, title
        # filter
        basic = sheets_emulator.basic_filter(master, title)
        assert (ws.auto_filter.ref or None) == (_a1(basic["range"]) if basic else None), title
        # the chart: below the same table, over the same rows
        google_charts = sheets_emulator.charts(master, title)
        assert len(google_charts) == len(ws._charts), title
        for excel_chart, google_chart in zip(ws._charts, google_charts, strict=True):
            anchor = google_chart["position"]["overlayPosition"]["anchorCell"]
            assert anchor["rowIndex"] == excel_chart.anchor._from.row, title
            basic_chart = google_chart["spec"]["basicChart"]
            sources = [s["series"]["sourceRange"]["sources"][0] for s in basic_chart["series"]]
            excel_refs = [s.val.numRef.f for s in excel_chart.series]
            excel_refs += [s.val.numRef.f for sub in excel_chart._charts[1:] for s in sub.series]
            # Google's ranges include the header row, whose text names the series
            assert [_a1({**g, "startRowIndex": g["startRowIndex"] + 1}) for g in sources] == [
                ref.split("!")[1].replace("$", "") for ref in excel_refs
            ], title
            charts += 1
        # links from the meeting's banner to the sheets that list what it counts
        excel_links = {
            (c.row - 1, c.column - 1): c.hyperlink.location.split("'")[1]
            for row in ws.iter_rows()
            for c in row
            if c.hyperlink is not None
        }
        assert _google_links(sheets_emulator, master, title, ids) == excel_links, title
        # widths: every column Excel sizes is sized, wider where Excel's is wider
        widths = sheets_emulator.pixel_sizes(master, title)
        excel_widths = {
            c - 1: d.width for d in ws.column_dimensions.values() for c in range(d.min, d.max + 1)
        }
        assert set(widths) == set(excel_widths), title
        order = sorted(widths, key=lambda c: (excel_widths[c], c))
        assert [widths[c] for c in order] == sorted(widths.values()), title
        # generated tabs warn before an edit; the manager's tabs do not
        protected = sheets_emulator.protected_ranges(master, title)
        editable = title in (SHEET_TITLES["targets"]("zh"), SHEET_TITLES["team"]("zh"))
        assert [p["warningOnly"] for p in protected] == ([] if editable else [True]), title
    assert charts == 2  # 晨会 and 夕会
    assert sparklines == 2 * 4  # 晨会 and 夕会: 张三, 李四, 赵六 and the total row


def test_targets_and_team_edited_in_the_google_master_are_read_back(
    tmp_path: Path, sheets_emulator: SheetsEmulator
) -> None:
    team = make_team(tmp_path / "team", AS_OF, calls_per_day=90)
    office = upload_workbook(sheets_emulator, team.folder / "张三.xlsx")
    master = sheets_emulator.create_spreadsheet("销售总表")
    args = ["--google", office, "--google-master", master, "--master", str(tmp_path / "m.xlsx")]
    _sync(sheets_emulator, *args)
    client = connect(token=TOKEN, api_root=sheets_emulator.url).client().http_client

    targets = SHEET_TITLES["targets"]("zh")
    rows = sheets_emulator.values(master, targets)
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "销售员")
    column = next(c for c, h in enumerate(rows[header_at]) if str(h).startswith("有效通话"))
    cell = f"'{targets}'!{get_column_letter(column + 1)}{header_at + 2}"
    client.values_update(master, cell, params={"valueInputOption": "RAW"}, body={"values": [[12]]})
    roster = SHEET_TITLES["team"]("zh")
    members = sheets_emulator.values(master, roster)
    at = next(i for i, r in enumerate(members) if r and r[0] == "张三")
    cell = f"'{roster}'!B{at + 1}:C{at + 1}"
    client.values_update(
        master, cell, params={"valueInputOption": "RAW"}, body={"values": [["小张", "华南区"]]}
    )

    _code, out = _sync(sheets_emulator, *args, "--json")
    summary = json.loads(out)
    (effective,) = [
        k
        for k in summary["kpi"]
        if k["metric"] == "effective_calls" and k["period"] == "day" and k["rep"] == "张三"
    ]
    assert effective["target"] == 12
    (member,) = [m for m in summary["team"] if m["name"] == "张三"]
    assert member["other_names"] == ["小张"] and member["office"] == "华南区"
    # and the rewritten tabs keep the manager's edits
    assert sheets_emulator.values(master, roster)[at][:3] == ["张三", "小张", "华南区"]
