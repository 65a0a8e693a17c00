"""The command-line options several commands share: the team's folders, the language,
the as-of day (and the meeting's clock time), which meeting, the master's window, the
master (on disk and in Google) and the store."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any

import click

from sheets_templates.values import ReadContext, parse_date

from .meeting import KINDS
from .window import Window, parse_window

STORE_ENV = "SALESFLOW_STORE"
"""The environment variable that names the store when `--store` is not given."""

STORE = click.option(
    "--store",
    envvar=STORE_ENV,
    help="The store: a SQLite file (default beside the master, NAME.sqlite) or a"
    f" postgresql://user@host/db URL; also ${STORE_ENV}.",
)


def folders_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--from DIR` (repeatable, as `folders`): the team's folders, said for what the
    command does with them."""
    return click.option(
        "--from",
        "folders",
        multiple=True,
        metavar="DIR",
        type=click.Path(path_type=Path),
        help=help_text,
    )


GOOGLE_MASTER = click.option(
    "--google-master",
    metavar="KEY",
    help="Also write the master into this Google spreadsheet (key or link); its 指标"
    " (targets) and 团队 (team) tabs are read back.",
)
"""The master's Google twin (`cli.master_targets` makes it the sync's first target)."""


def master_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--master` (default `master.xlsx`), said for what the command does with it."""
    return click.option(
        "--master",
        type=click.Path(dir_okay=False, path_type=Path),
        default="master.xlsx",
        show_default=True,
        help=help_text,
    )


LANG = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of messages (the team's language is zh).",
)


def parse_day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A day option's value (`--as-of`, `export --from`), as a date; None when not given."""
    if value is None:
        return None
    try:
        return parse_date(value, ReadContext(year=date.today().year))
    except ValueError:
        raise click.BadParameter(f"not a date: {value} (use YYYY-MM-DD)") from None


AS_OF = click.option(
    "--as-of",
    callback=parse_day,
    help="The day to report on (YYYY-MM-DD); default today. Gives `11月3日` its year.",
)


AT_CLOCK = re.compile(r"[T ](\d{1,2}:\d{2})$")
"""The meeting's clock time after the day: `2026-11-30T08:30`, `2026-11-30 8:30`."""


def _as_of_at(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[date, time | None] | None:
    """A day, or a day and the clock time of the meeting."""
    if value is None:
        return None
    text = value.strip()
    clock = AT_CLOCK.search(text)
    as_of = parse_day(ctx, param, text[: clock.start()] if clock else text)
    if as_of is None or clock is None:
        return None if as_of is None else (as_of, None)
    try:
        return as_of, time.fromisoformat(clock.group(1).zfill(5))
    except ValueError:
        raise click.BadParameter(f"not a time of day: {clock.group(1)} (use HH:MM)") from None


AS_OF_AT = click.option(
    "--as-of",
    callback=_as_of_at,
    help="The day to report on, and the meeting's time (2026-11-30 or 2026-11-30T08:30); "
    "default now. A day alone is today's clock time, or any other day's end.",
)
MEETING = click.option(
    "--meeting",
    type=click.Choice(KINDS),
    help="Which meeting (晨会 morning, 夕会 evening) to show; default: morning before 12:00,"
    " else evening.",
)


def _window(ctx: click.Context, param: click.Parameter, value: str | None) -> Window | None:
    if value is None:
        return None
    try:
        return parse_window(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


WINDOW = click.option(
    "--window",
    callback=_window,
    metavar="month|week|Nd|all",
    help="Which records the master's register sheets show: the as-of date's month or "
    "week, the last N days (7d) or all; default the 指标 sheet's, else this month. "
    "KPIs, flags and receivables always use every record they need.",
)
