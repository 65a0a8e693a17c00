"""Sources: where a sync's records come from, each with a content hash.

A `Source` is one workbook (a file, or a Google spreadsheet) that a sync can read.
Its `content_hash` is computed cheaply up front; the sync reads (`read()`) only the
sources whose hash changed since the last sync, which is what makes a second sync of
a big team cost the one file that changed, not all fifty.

File sources are picklable (their `read` is a `functools.partial` of a module-level
function), so the engine can read many of them in worker processes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from .reader import FileResult, expand, owner_of, read_file

HASH_CHUNK = 1 << 20


@dataclass
class Source:
    """One workbook to sync: its path as shown to people, its content hash, its reader.

    `kind` is `file` or `google`; `owner` is the rep a folder-per-rep layout names.
    """

    path: str
    content_hash: str
    read: Callable[[], FileResult]
    owner: str | None = None
    kind: str = "file"


def file_hash(path: Path) -> str:
    """sha256 of the file's bytes; an unreadable file hashes its error, so it is retried."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        return f"unreadable:{type(exc).__name__}"
    return digest.hexdigest()


def source_name(path: Path, root: Path) -> str:
    """A source's name in the store and the master: the folder synced and the path
    within it (`team/王五/电话记录.csv`), the same whichever folder the sync runs in."""
    try:
        inside = path.resolve().relative_to(root.resolve())
    except ValueError:
        return path.resolve().as_posix()
    return f"{root.resolve().name}/{inside.as_posix()}"


def file_sources(
    dirs: list[Path], as_of: date | None = None, exclude: Iterable[Path] = ()
) -> list[Source]:
    """Every source file under `dirs` (recursively; a folder per rep names the rep).

    `as_of` gives a year to dates typed without one (default today). `exclude` keeps
    files out that live among the sources but are not sources, such as the master
    workbook and its backups when the manager keeps them in the team folder.
    """
    day = as_of or date.today()
    skip = {p.resolve() for p in exclude}
    sources = []
    for path, root in expand(dirs):
        if path.resolve() in skip:
            continue
        sources.append(
            Source(
                path=source_name(path, root),
                content_hash=file_hash(path),
                read=partial(read_file, path, root, day),
                owner=owner_of(path, root),
            )
        )
    return sources
