"""A record as JSON text and back: the one form a record takes outside Python.

The store keeps each version of a record as this text, and its hash is the version's
identity: two reads of an unchanged row give the same text. Values are written by
`records.json_value`, the rule `check --json` uses too, so a call at 09:30 is `"09:30"`
in both. Decoding still accepts the `09:30:00` that stores written before this codec
hold (`time.fromisoformat` reads both).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, time
from decimal import Decimal
from typing import Any

from .records import json_value
from .registers import REGISTERS, Kind

FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(f.name for f in register.record_fields) for name, register in REGISTERS.items()
}
"""The data fields of each register's records, in register order (the text's order)."""

_DECODERS: dict[Kind, Callable[[str], Any]] = {
    Kind.DATE: date.fromisoformat,
    Kind.TIME: time.fromisoformat,
    Kind.MONEY: Decimal,
    Kind.QUANTITY: Decimal,
}
_FIELD_DECODERS: dict[str, tuple[tuple[str, Callable[[str], Any]], ...]] = {
    name: tuple((f.name, _DECODERS[f.kind]) for f in register.fields if f.kind in _DECODERS)
    for name, register in REGISTERS.items()
}
"""The fields whose values `decode_records` types (dates, times, amounts), each distinct
value once: a month's calls hold 30 dates, not 95k date objects (less memory, and less
for a forked child that renders them to copy)."""

TIME_FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(f.name for f in register.fields if f.kind is Kind.TIME)
    for name, register in REGISTERS.items()
}
"""Each register's time fields: where texts of older stores may hold seconds."""

DECODE_CHUNK = 2000
"""Records parsed together as one JSON array by `decode_records`."""


def encode_record(register: str, values: Mapping[str, Any]) -> str:
    """A record's data as compact JSON text: fields in register order, blanks left out,
    extra columns last; `source` is not part of it (the store keeps the place apart)."""
    out: dict[str, Any] = {}
    for name in FIELDS[register]:
        value = values.get(name)
        if value is not None:
            out[name] = json_value(value)
    extra = values.get("extra")
    if extra:
        out["extra"] = dict(extra)
    return _ENCODE(out)


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""Compact JSON, made once (`json.dumps` with options makes an encoder per call)."""


def decode_record(register: str, text: str) -> dict[str, Any]:
    """`encode_record`'s text back to typed values (dates, times, Decimals)."""
    return decode_records(register, [text])[0]


def decode_records(register: str, texts: list[str]) -> list[dict[str, Any]]:
    """Many records of one register, as `decode_record` each, but parsed as JSON arrays
    of `DECODE_CHUNK` records: on a 100k-record register a parse per record takes about
    twice as long, and one array of them all (40 MB of text) a quarter longer."""
    records: list[dict[str, Any]] = []
    for start in range(0, len(texts), DECODE_CHUNK):
        records += json.loads("[" + ",".join(texts[start : start + DECODE_CHUNK]) + "]")
    for name, decode in _FIELD_DECODERS[register]:
        typed: dict[str, Any] = {}
        for values in records:
            raw = values.get(name)
            if raw is not None:
                value = typed.get(raw)
                if value is None:
                    value = typed[raw] = decode(raw)
                values[name] = value
    return records
