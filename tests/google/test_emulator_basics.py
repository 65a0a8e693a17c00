"""The Sheets emulator as the real gspread client (and plain HTTP) sees it.

Why: other tests rely on the emulator standing in for Google, so its knobs and the
behaviours gspread depends on (range echoes, RAW vs USER_ENTERED, append, errors, access
control) are checked here end to end, over real HTTP.
"""

import gspread
import pytest
from gspread.exceptions import APIError, SpreadsheetNotFound
from gspread.utils import ValidationConditionType
from hypothesis import given
from hypothesis import strategies as st
from requests import Session

from .emulator import (
    SPREADSHEET_MIME_TYPE,
    Formula,
    SheetsEmulator,
    column_index,
    column_letters,
    parse_cells,
    quote_title,
    split_range,
)


def _sheet(
    emu: SheetsEmulator, rows: list[list[object]], title: str = "Sheet1"
) -> gspread.Worksheet:
    """A one-tab spreadsheet holding ``rows``, opened through gspread."""
    key = emu.create_spreadsheet("Book", {title: rows})
    return emu.client().open_by_key(key).sheet1


def _api_error(error: pytest.ExceptionInfo[APIError]) -> dict[str, object]:
    return dict(error.value.error)


# --- reading ------------------------------------------------------------------------------


def test_open_by_key_lists_worksheets(sheets_emulator: SheetsEmulator) -> None:
    key = sheets_emulator.create_spreadsheet("Pipeline", {"Leads": [["Name"]], "Deals": []})
    spreadsheet = sheets_emulator.client().open_by_key(key)
    worksheets = spreadsheet.worksheets()
    assert spreadsheet.title == "Pipeline"
    assert [(ws.title, ws.index) for ws in worksheets] == [("Leads", 0), ("Deals", 1)]
    assert worksheets[0].id == 0
    assert (worksheets[0].row_count, worksheets[0].col_count) == (1000, 26)


def test_get_all_values_trims_in_the_api_and_pads_in_gspread(
    sheets_emulator: SheetsEmulator,
) -> None:
    worksheet = _sheet(sheets_emulator, [["a", "", "c"], [], ["", "b"]])
    assert worksheet.get_all_values() == [["a", "", "c"], ["", "", ""], ["", "b", ""]]
    assert worksheet.spreadsheet.values_get("Sheet1") == {
        "range": "Sheet1!A1:Z1000",
        "majorDimension": "ROWS",
        "values": [["a", "", "c"], [], ["", "b"]],
    }


def test_values_key_is_absent_for_an_empty_range(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [])
    assert worksheet.spreadsheet.values_get("Sheet1!B2:C3") == {
        "range": "Sheet1!B2:C3",
        "majorDimension": "ROWS",
    }


def test_batch_get_echoes_canonical_ranges(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [["a", "b"], ["c", "d"], ["", "", "e"]])
    first, cell, column = worksheet.batch_get(["A1:B1", "C3", "A:A"])
    assert (first.range, first) == ("Sheet1!A1:B1", [["a", "b"]])
    assert (cell.range, cell) == ("Sheet1!C3", [["e"]])
    assert (column.range, column) == ("Sheet1!A1:A1000", [["a"], ["c"]])


def test_columns_major_dimension(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [["a", "b"], ["c"]])
    assert worksheet.get("A1:B2", major_dimension="COLUMNS") == [["a", "c"], ["b"]]


def test_numbers_render_like_sheets(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [[1, 1.0, 1.45, 0.1 + 0.2, 1e20, True]])
    assert worksheet.get("A1:F1") == [["1", "1", "1.45", "0.3", "1E+20", "TRUE"]]
    unformatted = worksheet.get("A1:F1", value_render_option="UNFORMATTED_VALUE")
    assert unformatted == [[1, 1, 1.45, 0.1 + 0.2, 1e20, True]]


# --- writing ------------------------------------------------------------------------------


def test_raw_keeps_text_and_user_entered_parses(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [])
    key = worksheet.spreadsheet_id
    formula = '=HYPERLINK("x")'
    worksheet.update([[formula, "'kept", "007"]], "A1", value_input_option="RAW")
    worksheet.update([[formula, "'text", "007", "true"]], "A2", value_input_option="USER_ENTERED")
    raw, entered = sheets_emulator.values(key, "Sheet1")
    assert raw == [formula, "'kept", "007"]
    assert not isinstance(raw[0], Formula)
    assert entered == [formula, "text", 7, True]
    assert isinstance(entered[0], Formula)
    assert worksheet.get("A2:D2") == [[formula, "text", "7", "TRUE"]]
    assert worksheet.get("A1:A2", value_render_option="FORMULA") == [[formula], [formula]]


def test_a_cell_takes_at_most_50000_characters(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [])
    worksheet.update([["长" * 50_000]], "A1", value_input_option="RAW")
    with pytest.raises(APIError) as refused:
        worksheet.update([["长" * 50_001]], "A2", value_input_option="RAW")
    assert refused.value.response.status_code == 400
    assert "maximum of 50000 characters in a single cell" in str(refused.value)
    assert sheets_emulator.values(worksheet.spreadsheet_id, "Sheet1") == [["长" * 50_000]]


def test_update_reports_the_written_block(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [])
    response = worksheet.update([["a", "b"], ["c"]], "B2")
    assert response == {
        "spreadsheetId": worksheet.spreadsheet_id,
        "updatedRange": "Sheet1!B2:C3",
        "updatedRows": 2,
        "updatedColumns": 2,
        "updatedCells": 3,
    }


def test_column_major_writes_and_values_in_the_response(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [])
    response = worksheet.update(
        [["1", "2"]],
        "A1",
        major_dimension="COLUMNS",
        value_input_option="USER_ENTERED",
        include_values_in_response=True,
        response_value_render_option="UNFORMATTED_VALUE",
    )
    assert response["updatedRange"] == "Sheet1!A1:A2"
    assert response["updatedData"] == {
        "range": "Sheet1!A1:A2",
        "majorDimension": "ROWS",
        "values": [[1], [2]],
    }


def test_null_keeps_a_cell_and_empty_string_clears_it(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [["a", "b", "c"]])
    worksheet.update([[None, "", "z"]], "A1")
    assert sheets_emulator.values(worksheet.spreadsheet_id, "Sheet1") == [["a", "", "z"]]


def test_update_outside_the_grid_or_the_range_is_rejected(
    sheets_emulator: SheetsEmulator,
) -> None:
    worksheet = _sheet(sheets_emulator, [])
    worksheet.resize(rows=2, cols=2)
    with pytest.raises(APIError) as beyond_grid:
        worksheet.update([["x"]], "A3")
    assert _api_error(beyond_grid) == {
        "code": 400,
        "message": "Range ('Sheet1'!A3) exceeds grid limits. Max rows: 2, max columns: 2",
        "status": "INVALID_ARGUMENT",
    }
    with pytest.raises(APIError) as beyond_range:
        worksheet.update([[1, 2, 3]], "A1:B1")
    assert beyond_range.value.error["message"] == (
        "Requested writing within range ['Sheet1'!A1:B1], but tried writing to column [C]"
    )


def test_append_rows_writes_below_the_table_and_grows_the_grid(
    sheets_emulator: SheetsEmulator,
) -> None:
    worksheet = _sheet(sheets_emulator, [["Name", "Stage"], ["Ada", ""]])
    worksheet.resize(rows=2)
    response = worksheet.append_rows([["Bob", "won"], ["Cy", "lost"]])
    assert response["tableRange"] == "Sheet1!A1:B2"
    assert response["updates"]["updatedRange"] == "Sheet1!A3:B4"
    key = worksheet.spreadsheet_id
    assert sheets_emulator.values(key, "Sheet1")[2:] == [["Bob", "won"], ["Cy", "lost"]]
    assert sheets_emulator.sheet_properties(key, "Sheet1")["gridProperties"]["rowCount"] == 4


def test_append_with_a_cell_range_continues_the_table_below_it(
    sheets_emulator: SheetsEmulator,
) -> None:
    worksheet = _sheet(sheets_emulator, [["h"], ["1"], ["2"]])
    response = worksheet.append_row(["3"], table_range="A1")
    assert response["updates"]["updatedRange"] == "Sheet1!A4"


def test_append_can_insert_rows_instead_of_overwriting(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [["h"], ["a"], [], ["below"]])
    worksheet.append_row(["new"], insert_data_option="INSERT_ROWS", table_range="A1:A2")
    key = worksheet.spreadsheet_id
    assert sheets_emulator.values(key, "Sheet1") == [["h"], ["a"], ["new"], [], ["below"]]
    assert sheets_emulator.sheet_properties(key, "Sheet1")["gridProperties"]["rowCount"] == 1001


def test_insert_and_delete_rows(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [["r1"], ["r2"]])
    worksheet.insert_row(["new"], index=2)
    worksheet.delete_rows(1)
    key = worksheet.spreadsheet_id
    assert sheets_emulator.values(key, "Sheet1") == [["new"], ["r2"]]
    assert sheets_emulator.sheet_properties(key, "Sheet1")["gridProperties"]["rowCount"] == 1000


def test_clear_and_batch_clear(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [["a", "b"], ["c", "d"]])
    assert worksheet.batch_clear(["A1", "B2"])["clearedRanges"] == ["Sheet1!A1", "Sheet1!B2"]
    assert worksheet.get_all_values() == [["", "b"], ["c", ""]]
    assert worksheet.clear()["clearedRange"] == "Sheet1!A1:Z1000"
    assert sheets_emulator.values(worksheet.spreadsheet_id, "Sheet1") == []


# --- worksheets ---------------------------------------------------------------------------


def test_add_and_delete_worksheets(sheets_emulator: SheetsEmulator) -> None:
    spreadsheet = _sheet(sheets_emulator, []).spreadsheet
    added = spreadsheet.add_worksheet("Extra", rows=10, cols=5)
    assert (added.title, added.index, added.row_count, added.col_count) == ("Extra", 1, 10, 5)
    assert added.id != 0
    spreadsheet.del_worksheet(spreadsheet.sheet1)
    assert [ws.title for ws in spreadsheet.worksheets()] == ["Extra"]
    with pytest.raises(APIError) as last_sheet:
        spreadsheet.del_worksheet(added)
    assert last_sheet.value.code == 400
    with pytest.raises(APIError) as duplicate:
        spreadsheet.add_worksheet("extra", rows=1, cols=1)
    assert "already exists" in duplicate.value.error["message"]


def test_freeze_and_resize(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [])
    key = worksheet.spreadsheet_id
    assert (
        "frozenRowCount"
        not in worksheet.spreadsheet.fetch_sheet_metadata()["sheets"][0]["properties"][
            "gridProperties"
        ]
    )
    worksheet.freeze(rows=1)
    worksheet.add_rows(5)
    grid = sheets_emulator.sheet_properties(key, "Sheet1")["gridProperties"]
    assert grid == {
        "rowCount": 1005,
        "columnCount": 26,
        "frozenRowCount": 1,
        "frozenColumnCount": 0,
    }
    reopened = sheets_emulator.client().open_by_key(key).sheet1
    assert (reopened.frozen_row_count, reopened.row_count) == (1, 1005)


def test_rename_spreadsheet_and_append_dimension(sheets_emulator: SheetsEmulator) -> None:
    spreadsheet = _sheet(sheets_emulator, []).spreadsheet
    spreadsheet.update_title("Renamed")
    request = {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 4}}
    spreadsheet.batch_update({"requests": [request]})
    reopened = sheets_emulator.client().open_by_key(spreadsheet.id)
    assert (reopened.title, reopened.sheet1.col_count) == ("Renamed", 30)


def test_titles_that_look_like_cells_are_quoted(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [])
    worksheet.update_title("D3")
    assert worksheet.update([["v"]], "A1")["updatedRange"] == "'D3'!A1"
    assert worksheet.get_all_values() == [["v"]]
    bare = worksheet.spreadsheet.values_get("D3")
    assert bare == {"range": "'D3'!D3", "majorDimension": "ROWS"}


def test_titles_with_quotes_round_trip(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [["x"]], title="Bob's list")
    assert worksheet.get_all_values() == [["x"]]
    assert worksheet.spreadsheet.values_get("'Bob''s list'!A1")["range"] == "'Bob''s list'!A1"


# --- errors and knobs ---------------------------------------------------------------------


def test_unknown_spreadsheet_and_tab(sheets_emulator: SheetsEmulator) -> None:
    client = sheets_emulator.client()
    with pytest.raises(SpreadsheetNotFound):
        client.open_by_key("missing")
    with pytest.raises(SpreadsheetNotFound):
        client.open("missing")
    spreadsheet = client.open_by_key(sheets_emulator.create_spreadsheet("Book"))
    with pytest.raises(APIError) as unknown_tab:
        spreadsheet.values_get("Nope!A1")
    assert _api_error(unknown_tab) == {
        "code": 400,
        "message": "Unable to parse range: Nope!A1",
        "status": "INVALID_ARGUMENT",
    }


def test_fail_next_and_fail_always(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [["a"]])
    sheets_emulator.fail_next(1)
    with pytest.raises(APIError) as quota:
        worksheet.get_all_values()
    assert quota.value.code == 429
    assert quota.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert quota.value.error["message"].startswith(
        "Quota exceeded for quota metric 'Read requests'"
    )
    assert worksheet.get_all_values() == [["a"]]
    sheets_emulator.fail_always(503)
    for _ in range(2):
        with pytest.raises(APIError) as unavailable:
            worksheet.get_all_values()
        assert unavailable.value.error["status"] == "UNAVAILABLE"
    sheets_emulator.fail_always(None)
    assert worksheet.get_all_values() == [["a"]]


def test_tokens_are_required_once_configured(sheets_emulator: SheetsEmulator) -> None:
    key = sheets_emulator.create_spreadsheet("Book")
    sheets_emulator.tokens = {"good"}
    for client in (sheets_emulator.client(), sheets_emulator.client("bad")):
        with pytest.raises(APIError) as denied:
            client.open_by_key(key)
        assert (denied.value.code, denied.value.error["status"]) == (401, "UNAUTHENTICATED")
    assert sheets_emulator.client("good").open_by_key(key).title == "Book"


def test_owner_token_hides_a_spreadsheet_from_others(sheets_emulator: SheetsEmulator) -> None:
    key = sheets_emulator.create_spreadsheet("Private", owner_token="alice")
    with pytest.raises(PermissionError):
        sheets_emulator.client("bob").open_by_key(key)
    reply = sheets_emulator.session("bob").get(
        f"https://sheets.googleapis.com/v4/spreadsheets/{key}"
    )
    assert reply.json() == {
        "error": {
            "code": 403,
            "message": "The caller does not have permission",
            "status": "PERMISSION_DENIED",
        }
    }
    assert sheets_emulator.client("bob").list_spreadsheet_files() == []
    assert [f["id"] for f in sheets_emulator.client("alice").list_spreadsheet_files()] == [key]


def test_request_log_and_payload_limit(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [])
    key = worksheet.spreadsheet_id
    sheets_emulator.reset_requests()
    body = b'{"values": [["a"]]}'
    path = f"/v4/spreadsheets/{key}/values/Sheet1%21A1?valueInputOption=RAW"
    sheets_emulator.session().put(f"https://sheets.googleapis.com{path}", data=body)
    assert sheets_emulator.requests == [("PUT", path, len(body))]
    sheets_emulator.max_request_bytes = 100
    with pytest.raises(APIError) as too_big:
        worksheet.update([["x" * 200]], "A1")
    assert too_big.value.error["message"] == "Request payload size exceeds the limit: 100 bytes."


def test_formats_validations_and_conditional_rules_are_stored(
    sheets_emulator: SheetsEmulator,
) -> None:
    worksheet = _sheet(sheets_emulator, [])
    key = worksheet.spreadsheet_id
    worksheet.format("A1:B1", {"textFormat": {"bold": True}})
    worksheet.add_validation("C2:C5", ValidationConditionType.one_of_list, ["Yes", "No"])
    grid = {
        "sheetId": 0,
        "startRowIndex": 1,
        "endRowIndex": 5,
        "startColumnIndex": 2,
        "endColumnIndex": 3,
    }
    rule = {
        "ranges": [grid],
        "booleanRule": {
            "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "No"}]},
            "format": {"backgroundColor": {"red": 1}},
        },
    }
    worksheet.spreadsheet.batch_update({"requests": [{"addConditionalFormatRule": {"rule": rule}}]})
    assert sheets_emulator.formats(key, "Sheet1")[0]["cell"] == {
        "userEnteredFormat": {"textFormat": {"bold": True}}
    }
    validation = sheets_emulator.data_validations(key, "Sheet1")[0]
    assert (validation["range"], validation["rule"]["condition"]["type"]) == (grid, "ONE_OF_LIST")
    assert sheets_emulator.conditional_formats(key, "Sheet1") == [rule]
    metadata = worksheet.spreadsheet.fetch_sheet_metadata()
    assert metadata["sheets"][0]["conditionalFormats"] == [rule]


def test_unmodelled_requests_fail_loudly(sheets_emulator: SheetsEmulator) -> None:
    spreadsheet = _sheet(sheets_emulator, []).spreadsheet
    with pytest.raises(APIError) as unimplemented:
        spreadsheet.batch_update({"requests": [{"sortRange": {"range": {"sheetId": 0}}}]})
    assert unimplemented.value.error["status"] == "UNIMPLEMENTED"
    assert "sortRange" in unimplemented.value.error["message"]


def test_request_fields_are_checked_against_the_api_reference(
    sheets_emulator: SheetsEmulator,
) -> None:
    """A misspelt field is Google's 400 at parse time: no request of the batch applies."""
    spreadsheet = _sheet(sheets_emulator, []).spreadsheet
    key = spreadsheet.id
    bold = {
        "repeatCell": {
            "range": {"sheetId": 0},
            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
            "fields": "userEnteredFormat.textFormat.bold",
        }
    }
    typo = {
        "repeatCell": {
            "range": {"sheetId": 0},
            "cell": {"userEnteredFormats": {}},
            "fields": "userEnteredFormat",
        }
    }
    with pytest.raises(APIError) as unknown:
        spreadsheet.batch_update({"requests": [bold, typo]})
    assert unknown.value.code == 400
    assert unknown.value.error["message"] == (
        'Invalid JSON payload received. Unknown name "userEnteredFormats" at '
        "'requests[1].repeat_cell.cell': Cannot find field."
    )
    assert sheets_emulator.formats(key, "Sheet1") == []
    money = {"numberFormat": {"type": "MONEY", "pattern": "0.00"}}
    wrong = {
        "repeatCell": {
            "range": {"sheetId": 0},
            "cell": {"userEnteredFormat": money},
            "fields": "userEnteredFormat.numberFormat",
        }
    }
    with pytest.raises(APIError) as enum:
        spreadsheet.batch_update({"requests": [wrong]})
    assert "repeat_cell.cell.user_entered_format.number_format.type" in enum.value.error["message"]
    spreadsheet.batch_update({"requests": [bold]})
    assert len(sheets_emulator.formats(key, "Sheet1")) == 1


def test_update_cells_writes_formulas_from_a_start_cell(sheets_emulator: SheetsEmulator) -> None:
    """`updateCells` with `userEnteredValue`: a formulaValue is a formula (unlike RAW
    text), read back as written under FORMULA; a misspelt value kind is a parse-time 400."""
    worksheet = _sheet(sheets_emulator, [["a", 1, 2, ""]])
    spreadsheet, key = worksheet.spreadsheet, worksheet.spreadsheet.id
    spark = '=SPARKLINE(B1:C1,{"charttype","column"})'
    cells = {
        "rows": [{"values": [{"userEnteredValue": {"formulaValue": spark}}]}],
        "fields": "userEnteredValue",
        "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 3},
    }
    typo = {"rows": [{"values": [{"userEnteredValue": {"formula": spark}}]}]}
    with pytest.raises(APIError) as unknown:
        spreadsheet.batch_update({"requests": [{"updateCells": {**cells, **typo}}]})
    assert unknown.value.error["message"] == (
        'Invalid JSON payload received. Unknown name "formula" at '
        "'requests[0].update_cells.rows.values.user_entered_value': Cannot find field."
    )
    outside = {**cells, "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 26}}
    with pytest.raises(APIError) as beyond:
        spreadsheet.batch_update({"requests": [{"updateCells": outside}]})
    assert beyond.value.code == 400 and "exceeds grid limits" in beyond.value.error["message"]
    assert sheets_emulator.values(key, "Sheet1") == [["a", 1, 2]]

    spreadsheet.batch_update({"requests": [{"updateCells": cells}]})
    stored = sheets_emulator.values(key, "Sheet1")
    assert stored == [["a", 1, 2, spark]] and isinstance(stored[0][3], Formula)
    assert worksheet.get("D1", value_render_option="FORMULA") == [[spark]]


def test_tabs_are_added_hidden_swapped_and_dressed(sheets_emulator: SheetsEmulator) -> None:
    spreadsheet = _sheet(sheets_emulator, [["old"]], title="表").spreadsheet
    key = spreadsheet.id
    with pytest.raises(APIError) as alone:
        spreadsheet.batch_update(
            {
                "requests": [
                    {
                        "addSheet": {
                            "properties": {"sheetId": 7, "title": "表 (新)", "hidden": True}
                        }
                    },
                    {"deleteSheet": {"sheetId": 0}},
                ]
            }
        )
    assert "remove all the visible sheets" in alone.value.error["message"]
    assert sheets_emulator.tab_titles(key) == [("表", False)]

    grid = {"sheetId": 7, "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 0}
    column = {**grid, "endColumnIndex": 1}
    chart = {
        "spec": {
            "basicChart": {
                "chartType": "COLUMN",
                "domains": [{"domain": {"sourceRange": {"sources": [column]}}}],
                "series": [{"series": {"sourceRange": {"sources": [column]}}, "type": "COLUMN"}],
                "headerCount": 1,
            }
        },
        "position": {"overlayPosition": {"anchorCell": {"sheetId": 7, "rowIndex": 4}}},
    }
    replies = spreadsheet.batch_update(
        {
            "requests": [
                {"addSheet": {"properties": {"sheetId": 7, "title": "表 (新)", "hidden": True}}},
                {"setBasicFilter": {"filter": {"range": {**grid, "endColumnIndex": 2}}}},
                {"setBasicFilter": {"filter": {"range": {**grid, "endColumnIndex": 3}}}},
                {"addChart": {"chart": chart}},
                {
                    "addProtectedRange": {
                        "protectedRange": {"range": {"sheetId": 7}, "warningOnly": True}
                    }
                },
                {
                    "updateDimensionProperties": {
                        "range": {
                            "sheetId": 7,
                            "dimension": "COLUMNS",
                            "startIndex": 1,
                            "endIndex": 3,
                        },
                        "properties": {"pixelSize": 90},
                        "fields": "pixelSize",
                    }
                },
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": 7, "hidden": False},
                        "fields": "hidden",
                    }
                },
                {"deleteSheet": {"sheetId": 0}},
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": 7, "title": "表"},
                        "fields": "title",
                    }
                },
            ]
        }
    )["replies"]
    assert sheets_emulator.tab_titles(key) == [("表", False)]
    assert sheets_emulator.values(key, "表") == []
    assert sheets_emulator.basic_filter(key, "表") == {"range": {**grid, "endColumnIndex": 3}}
    (stored,) = sheets_emulator.charts(key, "表")
    assert stored["chartId"] == replies[3]["addChart"]["chart"]["chartId"]
    (protected,) = sheets_emulator.protected_ranges(key, "表")
    assert (
        protected["protectedRangeId"]
        == replies[4]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    )
    assert sheets_emulator.pixel_sizes(key, "表") == {1: 90, 2: 90}
    metadata = spreadsheet.fetch_sheet_metadata()["sheets"][0]
    assert {"charts", "protectedRanges", "basicFilter"} <= set(metadata)

    outside = {
        **chart,
        "position": {"overlayPosition": {"anchorCell": {"sheetId": 7, "rowIndex": 1000}}},
    }
    with pytest.raises(APIError) as beyond:
        spreadsheet.batch_update({"requests": [{"addChart": {"chart": outside}}]})
    assert "exceeds grid limits" in beyond.value.error["message"]


def test_fail_request_fails_that_request_only(sheets_emulator: SheetsEmulator) -> None:
    worksheet = _sheet(sheets_emulator, [["a"]])
    sheets_emulator.fail_request(2, 500)
    assert worksheet.get_all_values() == [["a"]]
    with pytest.raises(APIError) as failed:
        worksheet.get_all_values()
    assert (failed.value.code, failed.value.error["status"]) == (500, "INTERNAL")
    assert worksheet.get_all_values() == [["a"]]


# --- Drive --------------------------------------------------------------------------------


def test_drive_create_open_copy_share_delete(sheets_emulator: SheetsEmulator) -> None:
    client = sheets_emulator.client()
    created = client.create("Report")
    created.sheet1.update([["total", 3]], "A1")
    assert client.open("Report").id == created.id
    copied = client.copy(created.id, title="Report copy")
    assert copied.sheet1.get_all_values() == [["total", "3"]]
    created.share("ada@example.com", perm_type="user", role="writer", notify=False)
    assert [p["emailAddress"] for p in created.list_permissions()] == ["ada@example.com"]
    assert len(created.remove_permissions("ada@example.com")) == 1
    assert created.list_permissions() == []
    client.del_spreadsheet(created.id)
    with pytest.raises(SpreadsheetNotFound):
        client.open_by_key(created.id)
    assert [f["name"] for f in client.list_spreadsheet_files()] == ["Report copy"]


def test_api_root_mode_with_plain_requests(sheets_emulator: SheetsEmulator) -> None:
    """A client configured with the emulator as API root uses Google's paths directly."""
    http = Session()
    http.trust_env = False
    base = sheets_emulator.url
    created = http.post(
        f"{base}/drive/v3/files", json={"name": "Direct", "mimeType": SPREADSHEET_MIME_TYPE}
    )
    key = created.json()["id"]
    written = http.put(
        f"{base}/v4/spreadsheets/{key}/values/Sheet1!A1",
        params={"valueInputOption": "USER_ENTERED"},
        json={"values": [["12", "x"]]},
    )
    assert written.json()["updatedRange"] == "Sheet1!A1:B1"
    read = http.get(
        f"{base}/v4/spreadsheets/{key}/values/Sheet1",
        params={"valueRenderOption": "UNFORMATTED_VALUE"},
    )
    assert read.json() == {
        "range": "Sheet1!A1:Z1000",
        "majorDimension": "ROWS",
        "values": [[12, "x"]],
    }
    listed = http.get(f"{base}/drive/v3/files", params={"q": "name = 'Direct' and trashed = false"})
    assert [f["id"] for f in listed.json()["files"]] == [key]
    missing = http.get(f"{base}/v4/spreadsheets/nope")
    assert (missing.status_code, missing.json()["error"]["status"]) == (404, "NOT_FOUND")
    gone = http.get(f"{base}/drive/v3/files/nope")
    assert gone.json()["error"]["errors"][0]["reason"] == "notFound"


def test_create_through_sheets_and_page_through_drive(sheets_emulator: SheetsEmulator) -> None:
    http = sheets_emulator.session()
    sheets = "https://sheets.googleapis.com/v4/spreadsheets"
    body = {"properties": {"title": "Made"}, "sheets": [{"properties": {"title": "Only"}}]}
    made = http.post(sheets, json=body).json()
    assert [tab["properties"]["title"] for tab in made["sheets"]] == ["Only"]
    http.post(sheets, json={"properties": {"title": "Made too"}})
    drive = "https://www.googleapis.com/drive/v3/files"
    first = http.get(drive, params={"q": "name contains 'Made'", "pageSize": 1}).json()
    token = first["nextPageToken"]
    second = http.get(drive, params={"q": "name contains 'Made'", "pageToken": token}).json()
    assert [f["name"] for f in first["files"] + second["files"]] == ["Made", "Made too"]
    assert "nextPageToken" not in second


# --- A1 notation properties ---------------------------------------------------------------


@given(st.integers(min_value=0, max_value=18277))
def test_column_letters_round_trip(index: int) -> None:
    assert column_index(column_letters(index)) == index


@given(st.text(min_size=1))
def test_echoed_titles_parse_back_to_the_same_tab(title: str) -> None:
    assert split_range(f"{quote_title(title)}!B2") == (title, "B2")
    assert split_range(quote_title(title)) == (title, None)


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("A2:Z", (1, 0, None, 26)),
        ("A2:2", (1, 0, 2, None)),
        ("B:C", (0, 1, None, 3)),
        ("3:4", (2, 0, 4, None)),
        ("b2:a1", (0, 0, 2, 2)),
    ],
)
def test_open_and_reversed_ranges_parse(text: str, bounds: tuple[int, ...]) -> None:
    span = parse_cells(text)
    assert span is not None
    assert (span.row0, span.col0, span.row1, span.col1) == bounds


@pytest.mark.parametrize("text", ["Sheet1", "A", "A0", "A1:", "ABCD1"])
def test_words_that_are_not_cells(text: str) -> None:
    assert parse_cells(text) is None
