"""Validated records: pydantic models built from the register definitions.

The models are made from `registers` so a field is declared once; what they add is
the typed shape (dates as `date`, money as `Decimal`) and the JSON form the `check
--json` contract promises (ISO dates, `HH:MM` times, money to the cent as text).
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from functools import cache
from typing import Any, Literal, TypeVar

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
        return json_value(value)


def json_value(value: Any) -> Any:
    """A field value as the JSON contract writes it: ISO dates, `HH:MM` times, money as
    exact text; the one rule for `check --json` and the store's record text (`codec`)."""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return money_text(value)
    return value


def money_text(value: Decimal) -> str:
    """Money (or a quantity) as exact text: cents kept, no exponent (`12000.00`, `2.5`)."""
    exponent = value.as_tuple().exponent  # an int for any finite amount
    if value == value.to_integral_value() or (isinstance(exponent, int) and exponent >= -2):
        return f"{value:.2f}"
    return f"{value.normalize():f}"


def build(model: type[M], values: dict[str, Any]) -> M:
    """A model from values the reader has already validated, without validating again.

    What `model_construct` does, minus its per-field default lookup: `values` must
    hold every field (`defaults(model)` gives the optional ones). The reader builds one
    record per valid row, so this is the hot path of a large check. It sets pydantic's
    instance slots directly: one test holds their names to pydantic's, another keeps the
    result equal to `model_validate` for every register.
    """
    record = object.__new__(model)
    _set(record, "__dict__", values)
    _set(record, "__pydantic_fields_set__", _field_names(model))
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record


_set = object.__setattr__
M = TypeVar("M", bound=BaseModel)


@cache
def _field_names(model: type[BaseModel]) -> set[str]:
    """Every field of a model, set: one set shared by all its built records (pydantic
    only ever adds a field name to it, and every name is already there)."""
    return set(model.model_fields)


def pack(records: list[Record]) -> tuple[Any, ...]:
    """Records as plain tuples, for sending between processes (pickling pydantic models
    one by one costs five times as much as the tuples)."""
    if not records:
        return ()
    model = type(records[0])
    names = tuple(n for n in model.model_fields if n != "source")
    rows = []
    for record in records:
        values = record.__dict__
        source = values["source"]
        rows.append((source.file, source.sheet, source.row, *map(values.__getitem__, names)))
    return (model, names, rows)


def unpack(packed: tuple[Any, ...]) -> list[Record]:
    """The records `pack` was given."""
    if not packed:
        return []
    model, names, rows = packed
    out = []
    for file, sheet, row, *values in rows:
        fields = dict(zip(names, values, strict=True))
        fields["source"] = build(SourceRef, {"file": file, "sheet": sheet, "row": row})
        out.append(build(model, fields))
    return out


def defaults(model: type[Record]) -> dict[str, Any]:
    """Every field of a model with its default (required fields absent): a row's start."""
    return {
        name: info.get_default(call_default_factory=True)
        for name, info in model.model_fields.items()
        if not info.is_required()
    }


def _model(register: Register) -> type[Record]:
    fields: dict[str, Any] = {}
    for f in register.record_fields:
        typ = _TYPES[f.kind]
        if f.kind is Kind.YES_NO and not f.required:
            fields[f.name] = (bool, False)
        elif f.required:
            fields[f.name] = (typ, ...)
        else:
            fields[f.name] = (typ | None, None)
    return create_model(
        f"{register.name.title().removesuffix('s')}Record", __base__=Record, **fields
    )


CallRecord = _model(REGISTERS["calls"])
VisitRecord = _model(REGISTERS["visits"])
LeadRecord = _model(REGISTERS["leads"])
ShipmentRecord = _model(REGISTERS["shipments"])

MODELS: dict[str, type[Record]] = {
    "calls": CallRecord,
    "visits": VisitRecord,
    "leads": LeadRecord,
    "shipments": ShipmentRecord,
}
