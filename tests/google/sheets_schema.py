"""The shapes of the Sheets API v4 batchUpdate requests the emulator serves, after the
API reference (developers.google.com/sheets/api/reference/rest/v4/spreadsheets/request).

Why: Google parses a batchUpdate body against its protobuf schema before applying any
request, and answers a field it does not know (a typo, a field of another message) with
400 "Unknown name". An emulator that accepted any key would let such a typo pass every
test and fail only against Google. Each message lists its fields; a field whose value is
itself a message names that message, `None` marks a scalar, a list of scalars, or a value
the emulator does not look inside (`ENUMS` checks the enum fields it knows).
"""

from __future__ import annotations

import re
from typing import Any

Schema = dict[str, str | None]

MESSAGES: dict[str, Schema] = {
    # requests
    "AddSheetRequest": {"properties": "SheetProperties"},
    "DeleteSheetRequest": {"sheetId": None},
    "UpdateSheetPropertiesRequest": {"properties": "SheetProperties", "fields": None},
    "UpdateSpreadsheetPropertiesRequest": {"properties": None, "fields": None},
    "RepeatCellRequest": {"range": "GridRange", "cell": "CellData", "fields": None},
    "UpdateCellsRequest": {
        "rows": "RowData",
        "fields": None,
        "start": "GridCoordinate",
        "range": "GridRange",
    },
    "UpdateDimensionPropertiesRequest": {
        "range": "DimensionRange",
        "properties": "DimensionProperties",
        "fields": None,
        "dataSourceSheetRange": None,
    },
    "AddConditionalFormatRuleRequest": {"rule": "ConditionalFormatRule", "index": None},
    "DeleteConditionalFormatRuleRequest": {"sheetId": None, "index": None},
    "SetBasicFilterRequest": {"filter": "BasicFilter"},
    "AddChartRequest": {"chart": "EmbeddedChart"},
    "AddProtectedRangeRequest": {"protectedRange": "ProtectedRange"},
    "SetDataValidationRequest": {"range": "GridRange", "rule": None, "filteredRowsIncluded": None},
    "InsertDimensionRequest": {"range": "DimensionRange", "inheritFromBefore": None},
    "DeleteDimensionRequest": {"range": "DimensionRange"},
    "AppendDimensionRequest": {"sheetId": None, "dimension": None, "length": None},
    # sheets and ranges
    "SheetProperties": {
        "sheetId": None,
        "title": None,
        "index": None,
        "sheetType": None,
        "gridProperties": "GridProperties",
        "hidden": None,
        "tabColor": "Color",
        "tabColorStyle": None,
        "rightToLeft": None,
        "dataSourceSheetProperties": None,
    },
    "GridProperties": {
        "rowCount": None,
        "columnCount": None,
        "frozenRowCount": None,
        "frozenColumnCount": None,
        "hideGridlines": None,
        "rowGroupControlAfter": None,
        "columnGroupControlAfter": None,
    },
    "GridRange": {
        "sheetId": None,
        "startRowIndex": None,
        "endRowIndex": None,
        "startColumnIndex": None,
        "endColumnIndex": None,
    },
    "GridCoordinate": {"sheetId": None, "rowIndex": None, "columnIndex": None},
    "DimensionRange": {"sheetId": None, "dimension": None, "startIndex": None, "endIndex": None},
    "DimensionProperties": {
        "hiddenByFilter": None,
        "hiddenByUser": None,
        "pixelSize": None,
        "developerMetadata": None,
        "dataSourceColumnReference": None,
    },
    # cells and formats
    "RowData": {"values": "CellData"},
    "CellData": {
        "userEnteredValue": "ExtendedValue",
        "effectiveValue": "ExtendedValue",
        "formattedValue": None,
        "userEnteredFormat": "CellFormat",
        "effectiveFormat": "CellFormat",
        "hyperlink": None,
        "note": None,
        "textFormatRuns": None,
        "dataValidation": None,
        "pivotTable": None,
        "dataSourceTable": None,
        "dataSourceFormula": None,
    },
    "ExtendedValue": {
        "numberValue": None,
        "stringValue": None,
        "boolValue": None,
        "formulaValue": None,
        "errorValue": None,
    },
    "CellFormat": {
        "numberFormat": "NumberFormat",
        "backgroundColor": "Color",
        "backgroundColorStyle": None,
        "borders": None,
        "padding": None,
        "horizontalAlignment": None,
        "verticalAlignment": None,
        "wrapStrategy": None,
        "textDirection": None,
        "textFormat": "TextFormat",
        "hyperlinkDisplayType": None,
        "textRotation": None,
    },
    "NumberFormat": {"type": None, "pattern": None},
    "Color": {"red": None, "green": None, "blue": None, "alpha": None},
    "TextFormat": {
        "foregroundColor": "Color",
        "foregroundColorStyle": None,
        "fontFamily": None,
        "fontSize": None,
        "bold": None,
        "italic": None,
        "strikethrough": None,
        "underline": None,
        "link": "Link",
    },
    "Link": {"uri": None},
    # conditional formats, filters, protection
    "ConditionalFormatRule": {
        "ranges": "GridRange",
        "booleanRule": "BooleanRule",
        "gradientRule": None,
    },
    "BooleanRule": {"condition": "BooleanCondition", "format": "CellFormat"},
    "BooleanCondition": {"type": None, "values": "ConditionValue"},
    "ConditionValue": {"relativeDate": None, "userEnteredValue": None},
    "BasicFilter": {"range": "GridRange", "sortSpecs": None, "criteria": None, "filterSpecs": None},
    "ProtectedRange": {
        "protectedRangeId": None,
        "range": "GridRange",
        "namedRangeId": None,
        "tableId": None,
        "description": None,
        "warningOnly": None,
        "requestingUserCanEdit": None,
        "unprotectedRanges": "GridRange",
        "editors": None,
    },
    # charts
    "EmbeddedChart": {
        "chartId": None,
        "spec": "ChartSpec",
        "position": "EmbeddedObjectPosition",
        "border": None,
    },
    "EmbeddedObjectPosition": {
        "sheetId": None,
        "overlayPosition": "OverlayPosition",
        "newSheet": None,
    },
    "OverlayPosition": {
        "anchorCell": "GridCoordinate",
        "offsetXPixels": None,
        "offsetYPixels": None,
        "widthPixels": None,
        "heightPixels": None,
    },
    "ChartSpec": {
        "title": None,
        "altText": None,
        "titleTextFormat": "TextFormat",
        "titleTextPosition": None,
        "subtitle": None,
        "subtitleTextFormat": "TextFormat",
        "subtitleTextPosition": None,
        "fontName": None,
        "maximized": None,
        "backgroundColor": "Color",
        "backgroundColorStyle": None,
        "dataSourceChartProperties": None,
        "filterSpecs": None,
        "sortSpecs": None,
        "hiddenDimensionStrategy": None,
        "basicChart": "BasicChartSpec",
        "pieChart": None,
        "bubbleChart": None,
        "candlestickChart": None,
        "orgChart": None,
        "histogramChart": None,
        "waterfallChart": None,
        "treemapChart": None,
        "scorecardChart": None,
    },
    "BasicChartSpec": {
        "chartType": None,
        "legendPosition": None,
        "axis": "BasicChartAxis",
        "domains": "BasicChartDomain",
        "series": "BasicChartSeries",
        "headerCount": None,
        "threeDimensional": None,
        "interpolateNulls": None,
        "stackedType": None,
        "lineSmoothing": None,
        "compareMode": None,
        "totalDataLabel": None,
    },
    "BasicChartAxis": {
        "position": None,
        "title": None,
        "format": "TextFormat",
        "titleTextPosition": None,
        "viewWindowOptions": "ChartAxisViewWindowOptions",
    },
    "ChartAxisViewWindowOptions": {
        "viewWindowMin": None,
        "viewWindowMax": None,
        "viewWindowMode": None,
    },
    "BasicChartDomain": {"domain": "ChartData", "reversed": None},
    "BasicChartSeries": {
        "series": "ChartData",
        "targetAxis": None,
        "type": None,
        "lineStyle": "LineStyle",
        "dataLabel": "DataLabel",
        "color": "Color",
        "colorStyle": None,
        "pointStyle": None,
        "styleOverrides": None,
    },
    "LineStyle": {"width": None, "type": None},
    "DataLabel": {
        "type": None,
        "textFormat": "TextFormat",
        "placement": None,
        "customLabelData": None,
    },
    "ChartData": {
        "sourceRange": "ChartSourceRange",
        "groupRule": None,
        "aggregateType": None,
        "columnReference": None,
    },
    "ChartSourceRange": {"sources": "GridRange"},
}

REQUESTS = {
    "addSheet": "AddSheetRequest",
    "deleteSheet": "DeleteSheetRequest",
    "updateSheetProperties": "UpdateSheetPropertiesRequest",
    "updateSpreadsheetProperties": "UpdateSpreadsheetPropertiesRequest",
    "repeatCell": "RepeatCellRequest",
    "updateCells": "UpdateCellsRequest",
    "updateDimensionProperties": "UpdateDimensionPropertiesRequest",
    "addConditionalFormatRule": "AddConditionalFormatRuleRequest",
    "deleteConditionalFormatRule": "DeleteConditionalFormatRuleRequest",
    "setBasicFilter": "SetBasicFilterRequest",
    "addChart": "AddChartRequest",
    "addProtectedRange": "AddProtectedRangeRequest",
    "setDataValidation": "SetDataValidationRequest",
    "insertDimension": "InsertDimensionRequest",
    "deleteDimension": "DeleteDimensionRequest",
    "appendDimension": "AppendDimensionRequest",
}
"""Each batchUpdate request kind the emulator serves, and its message."""

ENUMS: dict[tuple[str, str], frozenset[str]] = {
    ("NumberFormat", "type"): frozenset(
        {"TEXT", "NUMBER", "PERCENT", "CURRENCY", "DATE", "TIME", "DATE_TIME", "SCIENTIFIC"}
    ),
    ("CellFormat", "horizontalAlignment"): frozenset({"LEFT", "CENTER", "RIGHT"}),
    ("CellFormat", "verticalAlignment"): frozenset({"TOP", "MIDDLE", "BOTTOM"}),
    ("DimensionRange", "dimension"): frozenset({"ROWS", "COLUMNS"}),
    ("BasicChartSpec", "chartType"): frozenset(
        {"BAR", "LINE", "AREA", "COLUMN", "SCATTER", "COMBO", "STEPPED_AREA"}
    ),
    ("BasicChartSpec", "legendPosition"): frozenset(
        {"BOTTOM_LEGEND", "LEFT_LEGEND", "RIGHT_LEGEND", "TOP_LEGEND", "NO_LEGEND"}
    ),
    ("BasicChartSeries", "type"): frozenset(
        {"BAR", "LINE", "AREA", "COLUMN", "SCATTER", "COMBO", "STEPPED_AREA"}
    ),
    ("BasicChartSeries", "targetAxis"): frozenset({"BOTTOM_AXIS", "LEFT_AXIS", "RIGHT_AXIS"}),
    ("BasicChartAxis", "position"): frozenset({"BOTTOM_AXIS", "LEFT_AXIS", "RIGHT_AXIS"}),
    ("LineStyle", "type"): frozenset(
        {
            "INVISIBLE",
            "CUSTOM",
            "SOLID",
            "DOTTED",
            "MEDIUM_DASHED",
            "MEDIUM_DASHED_DOTTED",
            "LONG_DASHED",
            "LONG_DASHED_DOTTED",
        }
    ),
    ("DataLabel", "type"): frozenset({"NONE", "DATA", "CUSTOM"}),
    ("BooleanCondition", "type"): frozenset(
        {
            "NUMBER_GREATER",
            "NUMBER_GREATER_THAN_EQ",
            "NUMBER_LESS",
            "NUMBER_LESS_THAN_EQ",
            "NUMBER_EQ",
            "NUMBER_NOT_EQ",
            "NUMBER_BETWEEN",
            "NUMBER_NOT_BETWEEN",
            "TEXT_CONTAINS",
            "TEXT_NOT_CONTAINS",
            "TEXT_STARTS_WITH",
            "TEXT_ENDS_WITH",
            "TEXT_EQ",
            "TEXT_IS_EMAIL",
            "TEXT_IS_URL",
            "DATE_EQ",
            "DATE_BEFORE",
            "DATE_AFTER",
            "DATE_ON_OR_BEFORE",
            "DATE_ON_OR_AFTER",
            "DATE_BETWEEN",
            "DATE_NOT_BETWEEN",
            "DATE_IS_VALID",
            "ONE_OF_RANGE",
            "ONE_OF_LIST",
            "BLANK",
            "NOT_BLANK",
            "CUSTOM_FORMULA",
            "BOOLEAN",
            "TEXT_NOT_EQ",
            "DATE_NOT_EQ",
            "FILTER_EXPRESSION",
        }
    ),
}
"""Enum fields checked (a wrong word is Google's 400 "Invalid value")."""


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def check_request(kind: str, payload: Any, where: str) -> str | None:
    """Why Google would refuse this request's JSON (its 400 message), or None when every
    field is one the message has. `where` is the request's path, `requests[3]`."""
    return _check(REQUESTS[kind], payload, f"{where}.{_snake(kind)}")


def _check(message: str, value: Any, where: str) -> str | None:
    if isinstance(value, list):
        for item in value:
            if (problem := _check(message, item, where)) is not None:
                return problem
        return None
    if not isinstance(value, dict):
        return f"Invalid JSON payload received. Invalid value at '{where}': expected an object."
    schema = MESSAGES[message]
    for name, child in value.items():
        if name not in schema:
            return (
                f"Invalid JSON payload received. Unknown name \"{name}\" at '{where}': "
                "Cannot find field."
            )
        allowed = ENUMS.get((message, name))
        if allowed is not None and child not in allowed:
            return f"Invalid value at '{where}.{_snake(name)}', \"{child}\""
        nested = schema[name]
        if nested is not None and (problem := _check(nested, child, f"{where}.{_snake(name)}")):
            return problem
    return None
