"""The sources of one sync of a master, from a command's options: the same for
`salesflow sync` (once) and `salesflow serve` (on every change), so both read the team
exactly alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .google.commands import GoogleSettings
from .master_file import backups
from .sources import Source, file_sources


def team_sources(
    folders: tuple[Path, ...],
    google_keys: tuple[str, ...],
    google: GoogleSettings,
    master: Path,
    day: date,
) -> list[Source]:
    """Every file under `folders` (never `master` nor its backups, should the manager
    keep them among the team's files), then the tabs of the Google spreadsheets."""
    sources = file_sources(list(folders), day, exclude=[master, *backups(master)])
    return sources + google.sources(google_keys, day)
