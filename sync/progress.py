"""The progress bar of a long sync: stderr, terminals only, never in `--json` output."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .reading import ProgressFn


@contextmanager
def progress_bar(wanted: bool) -> Iterator[ProgressFn | None]:
    """A progress bar on stderr while sources are read, only on a terminal (never in
    `--json` output, never in a log)."""
    if not (wanted and sys.stderr.isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (
        TextColumn("sync"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)

        def advance(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total, description=path)

        yield advance
