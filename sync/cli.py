"""The `salesflow` command: a thin shell over `sync` and `sheets_templates`.

Exit codes everywhere: 0 clean, 1 data problems found (and reported), 2 usage error
or nothing could be read.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from sheets_templates.values import ReadContext, parse_date

from .check import report_json, report_text, run_check

LANG = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of messages (the team's language is zh).",
)


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value, ReadContext(year=date.today().year))
    except ValueError:
        raise click.BadParameter(f"not a date: {value} (use YYYY-MM-DD)") from None


AS_OF = click.option(
    "--as-of",
    callback=_as_of,
    help="The day to report on (YYYY-MM-DD); default today. Gives `11月3日` its year.",
)


def echo_lines(lines: list[tuple[str, str | None]]) -> None:
    for text, style in lines:
        colour = {"error": "red", "warning": "yellow"}.get(style or "", style)
        if colour in ("bold", "dim"):
            click.secho(text, bold=colour == "bold", dim=colour == "dim")
        else:
            click.secho(text, fg=colour)


def echo_json(document: Any) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


class _Group(click.Group):
    """Usage errors exit 2 (click's default too) and never show a traceback."""


@click.group(cls=_Group)
@click.version_option(package_name="salesflow")
def main() -> None:
    """salesflow: the team's sales registers, validated and consolidated."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report (see README).")
@click.option("--records", is_flag=True, help="With --json: include every valid record.")
@AS_OF
@LANG
def check(
    paths: tuple[Path, ...], as_json: bool, records: bool, as_of: date | None, lang: str
) -> None:
    """Check registers (files or folders): every problem with its cell."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    report = run_check(paths, as_of, keep_records=records)
    if as_json:
        echo_json(report_json(report, lang, records))
    else:
        echo_lines(report_text(report, lang))
    sys.exit(report.exit_code())


@main.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path), default="salesflow-demo")
@AS_OF
@LANG
def demo(folder: Path, as_of: date | None, lang: str) -> None:
    """Write a sample team folder and check it (the sample has mistakes on purpose)."""
    from .demo import make_team

    as_of = as_of or date.today()
    team = make_team(folder / "team", as_of)
    click.secho(
        f"示例团队已写入 {team.folder}"
        if lang == "zh"
        else f"Sample team written to {team.folder}",
        bold=True,
    )
    report = run_check([team.folder], as_of)
    echo_lines(report_text(report, lang))
