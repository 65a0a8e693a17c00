"""Unreachable is not gone: which stored sources a sync keeps although it did not find
them, and the reason each is named with.

A source that cannot be read this time keeps its records (the store's
`mark_unreadable`); so must the files a sync could not even find because what holds
them could not be reached — a folder that cannot be listed, Google while it is down.
Only a file that is really gone leaves the registers.
"""

from __future__ import annotations

from collections.abc import Mapping

from sheets_templates.words import Text

from .parsed import ParsedSource
from .sources import Source
from .store import StoredSource

BEHIND_FOLDER = Text(
    "所在文件夹 {folder} 这次无法打开，保留上次同步的记录",
    "its folder {folder} could not be opened this time; the records of the last sync are kept",
)
BEHIND_GOOGLE = Text(
    "Google 这次无法访问（{source}），保留上次同步的记录",
    "Google could not be reached this time ({source}); the records of the last sync are kept",
)


def unreachable(sources: list[Source], known: Mapping[str, StoredSource]) -> dict[str, Text]:
    """Stored sources missing from this sync because what holds them could not be
    reached, each with the reason: unreachable, not gone, so they keep their records.

    A folder that cannot be listed is itself listed as a source (refused, with its
    reason): every stored file under it is unreachable. A Google spreadsheet that
    could not be opened is a source named by its key, not by the title its records
    were stored under: while any is, the stored Google sources not read are kept.
    """
    folders = [s.path.removesuffix("/.") + "/" for s in sources if s.kind == "file"]
    google_down = [
        s.path for s in sources if s.kind == "google" and s.content_hash.startswith("unreadable:")
    ]
    present = {s.path for s in sources}
    out: dict[str, Text] = {}
    for path, k in known.items():
        if path in present or k.state == "gone":
            continue
        folder = next((f for f in folders if path.startswith(f)), None)
        if k.kind == "file" and folder is not None:
            out[path] = _filled(BEHIND_FOLDER, folder=folder.rstrip("/"))
        elif k.kind == "google" and google_down:
            out[path] = _filled(BEHIND_GOOGLE, source=", ".join(google_down))
    return out


def _filled(text: Text, **values: str) -> Text:
    return Text(*text.both(**values))


def kept_as_unreadable(known: StoredSource, reason: Text) -> ParsedSource:
    """An unreachable source as the store marks it: unreadable, records kept."""
    zh, en = reason.both()
    return ParsedSource(known.path, known.kind, known.content_hash or "", zh, en)
