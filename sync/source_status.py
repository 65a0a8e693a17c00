"""The summary's entry for each sheet of each source: synced, unchanged, skipped (no
register), unreadable (with the records it still holds from its last good read), or
gone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sheets_templates.words import Lang, Text, lang_of

from .parsed import ParsedSource
from .sources import Source
from .store import Store


@dataclass
class SourceStatus:
    """One entry of the summary's `sources`: a sheet of a source, or a whole source
    that could not be read (sheet None) or is gone."""

    path: str
    sheet: str | None
    status: str
    records: int
    errors: int
    error: str | None = None


STATUSES = ("synced", "unchanged", "skipped", "unreadable", "gone")


def source_statuses(
    sources: list[Source], parsed: Mapping[str, ParsedSource], store: Store, lang: Lang
) -> list[SourceStatus]:
    """A summary entry per sheet of each source (one per source that is unreadable).

    A sheet that is no register is `skipped`; an unreadable source reports the records
    it still holds from its last good read."""
    sheets = store.sheets()
    unread = any(p.error_zh for p in parsed.values())
    kept = store.open_counts() if unread else {}  # a count of the whole store: only if said
    out = []
    for s in sources:
        p = parsed.get(s.path)
        if p is not None and p.error_zh:
            error = Text(p.error_zh, p.error_en or p.error_zh)(lang_of(lang))
            out.append(SourceStatus(s.path, None, "unreadable", kept.get(s.path, 0), 0, error))
            continue
        fresh = "synced" if p is not None else "unchanged"
        listed = sheets.get(s.path, [])
        if not listed:
            out.append(SourceStatus(s.path, None, "skipped", 0, 0))
        for sheet in listed:
            status = fresh if sheet.kind else "skipped"
            out.append(SourceStatus(s.path, sheet.sheet, status, sheet.valid, sheet.errors))
    return out


def unreachable_statuses(
    kept: list[ParsedSource], store: Store | None, lang: Lang
) -> list[SourceStatus]:
    """Summary entries of the sources not read, with the records they still hold in
    `store` (None: none, they are another office's)."""
    counts = store.open_counts() if kept and store else {}
    return [
        SourceStatus(
            p.path,
            None,
            "unreadable",
            counts.get(p.path, 0),
            0,
            Text(p.error_zh or "", p.error_en or "")(lang_of(lang)),
        )
        for p in kept
    ]
