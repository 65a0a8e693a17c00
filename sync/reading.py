"""Sources read into `ParsedSource`s, in input order: files in the worker pool
(`workers.read_in_workers`), the others (Google spreadsheets, over the network) here;
and which sources a sync reads (`needs_reading`, `owned_anew`).

A source the surroundings keep from being read is unreadable with its reason; a bug in
salesflow is `FailedOn`, naming the source (see `crash`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from itertools import chain
from typing import Any

from sheets_templates.roster import Roster
from sheets_templates.words import Text

from .crash import FailedOn, log_detail
from .errors import Bilingual
from .parsed import ParsedSource, flatten
from .sources import Source
from .store import StoredSource
from .workers import read_in_workers

ProgressFn = Callable[[int, int, str], None]
"""Told (done, total, path) as each source is read."""

READ_FAILED = Text(
    "读取时出错（磁盘、网络或权限问题）：请稍后再试；详情已写入 salesflow.log",
    "failed while reading (a disk, network or permission problem): try again later; "
    "the details are in salesflow.log",
)


def read_source(source: Source) -> ParsedSource:
    """Read and flatten one source (in a worker process for file sources).

    A source the surroundings keep us from reading (an I/O failure, Google refusing)
    is unreadable with the reason; it never stops the other sources. Anything else is
    a bug: it stops the run as `FailedOn` naming the source, so the command logs the
    traceback instead of passing the bug off as a bad file.
    """
    try:
        result = source.read()
    except Bilingual as exc:  # the surroundings, not us, in words: this source only
        return _unreadable(source, Text(exc.zh, exc.en), detail=exc.detail)
    except OSError as exc:
        return _unreadable(source, READ_FAILED, detail=f"{type(exc).__name__}: {exc}")
    except Exception as exc:
        raise FailedOn.wrap(source.path, exc) from exc
    return flatten(result, source.path, source.kind, source.content_hash)


def _unreadable(
    source: Source, reason: Text, detail: str | None = None, **values: Any
) -> ParsedSource:
    parsed = ParsedSource(source.path, source.kind, source.content_hash, *reason.both(**values))
    parsed.detail = detail
    return parsed


def read_sources(
    sources: list[Source], progress: ProgressFn | None = None, offset: int = 0, total: int = 0
) -> Iterator[ParsedSource]:
    """Read sources in input order: file sources in worker processes (`read_in_workers`,
    which start on them at once), the others (Google spreadsheets, read over the
    network) here, as they are asked for."""
    files = [s for s in sources if s.kind == "file"]
    others = [s for s in sources if s.kind != "file"]
    done = offset
    total = total or len(sources)

    def report(parsed: ParsedSource) -> ParsedSource:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, parsed.path)
        log_detail(parsed.path, parsed.detail)
        return parsed

    read_files = read_in_workers(files, read_source, _unreadable)
    return map(report, chain(read_files, map(read_source, others)))


def needs_reading(source: Source, known: StoredSource | None, as_of: date) -> bool:
    """Read a source that is new, changed, was unreadable or gone last time, or whose
    last read depended on the as-of date (dates without a year, dates in the future)
    when that date changed. Otherwise its stored records stand."""
    return (
        known is None
        or known.state != "present"
        or known.content_hash != source.content_hash
        or (known.as_of_dependent and known.parsed_as_of != as_of)
    )


def owned_anew(
    given: list[Source], read: Mapping[str, ParsedSource], roster: Roster, grown: Roster
) -> dict[str, Source]:
    """The sources just read whose path names a rep the `grown` roster knows and the
    sync's `roster` did not (销售01.xlsx, once 销售01 is learnt from the rep column), by
    path, owned by the grown roster: read again now, so that the next sync, whose roster
    knows the name, does not read every such file again."""
    again = {}
    for source in given:
        p = read.get(source.path)
        owned = source.owned_by(grown)
        if p and not p.error_zh and owned.content_hash != source.owned_by(roster).content_hash:
            again[source.path] = owned
    return again
