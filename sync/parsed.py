"""A source as read, ready to store: the reader's `FileResult` flattened to plain values.

A `ParsedSource` is what a worker process sends back and what a store takes: each
sheet's register and counts, its problems, and its valid records as JSON text (the
`codec`'s) with their natural keys, cheap to pickle and to compare.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from sheets_templates.codec import encode_record
from sheets_templates.problems import Problem
from sheets_templates.rules import customer_key, natural_key

from .day_counts import Kept, StoredText, kept_of
from .identity import numbered
from .reader import FileResult

AS_OF_CODES = frozenset({"date.future", "date.year_assumed"})
"""Problems whose finding depends on the sync's as-of date: a source that had one is
read again when the as-of date changes, even if its bytes did not."""

KEY_SEPARATOR = " / "


@dataclass
class SheetSummary:
    """One sheet of a source as last read: its register and counts."""

    path: str
    position: int
    sheet: str
    kind: str | None
    header_row: int | None
    rep: str | None
    rows: int
    valid: int
    errors: int
    warnings: int


@dataclass
class RecordRow:
    """One valid record as stored: its identity (natural key and order, see `identity`),
    its place and its data text."""

    register: str
    key: str
    rep: str
    customer: str
    data: str
    data_hash: str
    sheet: str
    row: int


@dataclass
class ParsedSource:
    """A source after reading: plain values only, cheap to send between processes."""

    path: str
    kind: str
    content_hash: str
    error_zh: str | None = None
    error_en: str | None = None
    sheets: list[SheetSummary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    records: list[RecordRow] = field(default_factory=list)
    kept: Kept | None = None
    """What the store keeps beside the records (`day_counts.kept_of`), worked out where
    the source was read; None: the store works it out."""
    detail: str | None = None
    """Why it could not be read in the reading library's words: logged, never shown."""

    @property
    def as_of_dependent(self) -> bool:
        return any(p.code in AS_OF_CODES for p in self.problems)

    def stored_texts(self) -> Iterator[StoredText]:
        """The records as the store keeps them (`day_counts.kept_of` reads them)."""
        return ((r.register, r.key, r.sheet, r.row, r.data, r.data_hash) for r in self.records)


def text_hash(text: str) -> str:
    """A record text's hash: equal texts, equal records."""
    return hashlib.sha1(text.encode()).hexdigest()


def flatten(result: FileResult, path: str, kind: str, content_hash: str) -> ParsedSource:
    """A reader's `FileResult` as the store keeps it (records encoded to JSON text),
    under the source's stable `path` (whatever folder the sync was started from)."""
    parsed = ParsedSource(path, kind, content_hash, result.error, result.error_en)
    parsed.detail = result.detail
    for position, sheet in enumerate(result.sheets):
        parsed.sheets.append(
            SheetSummary(
                path,
                position,
                sheet.sheet,
                sheet.kind,
                sheet.header_row,
                sheet.rep,
                sheet.rows,
                sheet.valid,
                sheet.errors,
                sheet.warnings,
            )
        )
        parsed.problems.extend(sheet.problems)
        register = sheet.kind
        if register is None:
            continue
        rows = [vars(record) for record in sheet.records]
        keys = numbered(KEY_SEPARATOR.join(natural_key(register, values)) for values in rows)
        for record, values, key in zip(sheet.records, rows, keys, strict=True):
            data = encode_record(register, values)
            parsed.records.append(
                RecordRow(
                    register,
                    key,
                    values.get("rep") or "",
                    customer_key(values.get("customer")),
                    data,
                    text_hash(data),
                    sheet.sheet,
                    record.source.row,
                )
            )
    if not parsed.error_zh:  # worked out here, beside the other sources' reads
        parsed.kept = kept_of(path, parsed.stored_texts())
    return parsed
