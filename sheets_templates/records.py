"""Validated records: pydantic models built from the register definitions.

The models are made from `registers` so a field is declared once; what they add is
the typed shape (dates as `date`, money as `Decimal`) and the JSON form the `check
--json` contract promises (ISO dates, `HH:MM` times, money to the cent as text).
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, create_model, field_serializer

from .registers import REGISTERS, Kind, Register

Grade = Literal["A", "B", "C", "D"]

_TYPES: dict[Kind, Any] = {
    Kind.TEXT: str,
    Kind.DATE: date,
    Kind.TIME: time,
    Kind.PHONE: str,
    Kind.YES_NO: bool,
    Kind.GRADE: Grade,
    Kind.MONEY: Decimal,
    Kind.QUANTITY: Decimal,
}


class SourceRef(BaseModel):
    """Where a record was typed: file (or spreadsheet), sheet (or tab), Excel row."""

    model_config = ConfigDict(frozen=True)

    file: str
    sheet: str
    row: int


class Record(BaseModel):
    """Fields every record has beyond its register's: where it came from, extra columns."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    source: SourceRef
    extra: dict[str, str] = {}

    @field_serializer("*", when_used="json", check_fields=False)
    def _json_value(self, value: Any) -> Any:
        if isinstance(value, time):
            return value.strftime("%H:%M")
        if isinstance(value, Decimal):
            return money_text(value)
        return value


def money_text(value: Decimal) -> str:
    """Money (or a quantity) as exact text: cents kept, no exponent (`12000.00`, `2.5`)."""
    if value == value.to_integral_value() or value.as_tuple().exponent >= -2:
        return f"{value:.2f}"
    return f"{value.normalize():f}"


def _model(register: Register, extra_fields: dict[str, Any]) -> type[Record]:
    fields: dict[str, Any] = {}
    for f in register.fields:
        typ = _TYPES[f.kind]
        if f.kind is Kind.YES_NO and not f.required:
            fields[f.name] = (bool, False)
        elif f.required:
            fields[f.name] = (typ, ...)
        else:
            fields[f.name] = (typ | None, None)
    fields.update(extra_fields)
    return create_model(f"{register.name.title()}Record", __base__=Record, **fields)


CallRecord = _model(REGISTERS["calls"], {})
VisitRecord = _model(REGISTERS["visits"], {})
LeadRecord = _model(REGISTERS["leads"], {"grade_typed": (Grade | None, None)})
ShipmentRecord = _model(REGISTERS["shipments"], {})

MODELS: dict[str, type[Record]] = {
    "calls": CallRecord,
    "visits": VisitRecord,
    "leads": LeadRecord,
    "shipments": ShipmentRecord,
}
