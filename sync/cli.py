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
from sheets_templates.words import Lang

from .check import report_json, report_text, run_check
from .google.commands import GoogleSettings, google_keys_option, google_options

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


def require_sources(paths: tuple[Path, ...], google_keys: tuple[str, ...], ask: str) -> None:
    """A usage error (exit 2) when no source is named or a named path does not exist."""
    if not paths and not google_keys:
        raise click.UsageError(ask)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")


def echo_json(document: Any) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


class _Group(click.Group):
    """Usage errors exit 2 (click's default too) and never show a traceback."""


@click.group(cls=_Group)
@click.version_option(package_name="salesflow")
def main() -> None:
    """salesflow: the team's sales registers, validated and consolidated."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report (see README).")
@click.option("--records", is_flag=True, help="With --json: include every valid record.")
@google_keys_option("A Google spreadsheet to check (its key or link); repeat for more.")
@google_options
@AS_OF
@LANG
def check(
    paths: tuple[Path, ...],
    as_json: bool,
    records: bool,
    as_of: date | None,
    lang: str,
    google_keys: tuple[str, ...],
    google: GoogleSettings,
) -> None:
    """Check registers (files, folders, Google spreadsheets): every problem with its cell."""
    require_sources(paths, google_keys, "name the files or folders to check, or --google KEY")
    report = run_check(paths, as_of, keep_records=records)
    report.files += google.check_files(google_keys, as_of or date.today(), records)
    if as_json:
        echo_json(report_json(report, lang, records))
    else:
        echo_lines(report_text(report, lang))
    sys.exit(report.exit_code())


@main.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--team-folder",
    default="team",
    show_default=True,
    help="The reps' folder the master's Refresh reads (relative to the master).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the files written as JSON.")
@click.option(
    "--google",
    "google_key",
    metavar="KEY",
    help="Also (or instead) make the rep tabs in this Google spreadsheet (key or link).",
)
@google_options
@LANG
def templates(
    folder: Path | None,
    team_folder: str,
    as_json: bool,
    lang: str,
    google_key: str | None,
    google: GoogleSettings,
) -> None:
    """Write the rep workbook (.xlsx) and the master workbook (.xlsm) into FOLDER."""
    from .google.commands import templates_note
    from .templates_xlsx import write_templates

    if folder is None and google_key is None:
        raise click.UsageError("name the FOLDER to write into, or --google KEY")
    written: list[Path] = []
    try:
        if folder is not None:
            written = write_templates(folder, lang, team_folder)
    except (OSError, KeyError) as exc:  # no xlwings quickstart workbook, or no write access
        click.secho(f"{type(exc).__name__}: {exc}", fg="red", err=True)
        sys.exit(2)
    tabs = google.write_templates(google_key) if google_key else None
    if as_json:
        document: dict[str, Any] = {"files": [str(p) for p in written]}
        if tabs is not None:
            document["google"] = {"created": tabs.created, "kept": tabs.kept}
        echo_json(document)
        return
    if written:
        click.secho("模板已写入:" if lang == "zh" else "Templates written:", bold=True)
    for path in written:
        click.echo(f"  {path}")
    if tabs is not None and google_key:
        for line in templates_note(google_key, tabs, lang):
            click.echo(line)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the marked copy (default: FILE.marked.xlsx beside it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@AS_OF
@LANG
def mark(file: Path, out: Path | None, as_json: bool, as_of: date | None, lang: str) -> None:
    """Write a copy of FILE with problem cells filled and commented, and a 问题 sheet.

    The Check button without Excel: every value stays exactly as typed.
    """
    from .mark import mark_file
    from .reader import Unreadable

    if not file.exists():
        raise click.UsageError(f"no such file: {file}")
    if out is not None and out.resolve() == file.resolve():
        raise click.UsageError("--out must differ from FILE: the original is never changed")
    try:
        result = mark_file(file, out, as_of, lang)
    except Unreadable as exc:
        click.secho(f"{file}: {exc.zh if lang == 'zh' else exc.en}", fg="red", err=True)
        sys.exit(2)
    if as_json:
        echo_json(
            {
                "out": str(result.out),
                "cells": result.marks,
                "problems": result.problems,
                "errors": result.errors,
                "warnings": result.warnings,
            }
        )
    elif lang == "zh":
        click.echo(
            f"已标出 {result.marks} 个单元格（{result.errors} 个错误，{result.warnings} 个提醒）: {result.out}"
        )
    else:
        click.echo(
            f"Marked {result.marks} cells ({result.errors} errors, {result.warnings} warnings): "
            f"{result.out}"
        )
    sys.exit(1 if result.problems else 0)


def sync_into_master(
    sources: list[Any],
    master: Path,
    store: Path | None,
    as_of: date,
    lang: str,
    wait: float,
    progress: Any = None,
    read_targets: Any = None,
    publish: Any = None,
) -> Any:
    """Lock, sync, write: the targets a manager typed into the master go in, the new
    master comes out (atomically, the old one kept as a backup). Exits 2 with a
    message when another sync holds the lock or the master cannot be replaced.

    `read_targets()` replaces the master file as the source of the targets, and
    `publish(sheets)` writes the master somewhere else too (the Google master)."""
    from .engine import run_sync
    from .lock import SyncBusy, sync_lock
    from .master_xlsx import (
        MasterWriteError,
        TargetsUnreadable,
        read_targets_xlsx,
        write_master_xlsx,
    )
    from .store import StoreError, default_store

    try:
        with sync_lock(master, wait):
            if read_targets is not None:
                targets = read_targets()
            else:
                try:
                    targets = read_targets_xlsx(master)
                except TargetsUnreadable as exc:  # said, never silently replaced
                    click.secho(exc.message(lang), fg="yellow", err=True)
                    targets = None
            result = run_sync(
                sources, store or default_store(master), as_of, lang, targets, progress
            )
            write_master_xlsx(result.sheets, master)
            if publish is not None:
                publish(result.sheets)
    except (SyncBusy, MasterWriteError, StoreError) as exc:
        click.secho(exc.message(lang), fg="red", err=True)
        sys.exit(2)
    except OSError as exc:  # no lock file beside the master: a read-only folder
        where = exc.filename or master.parent
        click.secho(
            f"无法在 {where} 创建文件（{exc.strerror}），请检查文件夹权限"
            if lang == "zh"
            else f"cannot create a file in {where} ({exc.strerror}); check the folder's permissions",
            fg="red",
            err=True,
        )
        sys.exit(2)
    return result


class _Progress:
    """A progress bar on stderr while sources are read (only on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, file=sys.stderr, label="sync")
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)
        if done >= total:
            self.bar.__exit__(None, None, None)


@main.command(name="sync")
@click.option(
    "--from",
    "folders",
    multiple=True,
    type=click.Path(path_type=Path),
    help="The team's folder (a folder per rep names the rep); repeat for more.",
)
@click.option(
    "--master",
    type=click.Path(dir_okay=False, path_type=Path),
    default="master.xlsx",
    show_default=True,
    help="The master workbook to write (.xlsx).",
)
@click.option(
    "--store",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The store (SQLite file); default beside the master, NAME.sqlite.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON summary (see README).")
@click.option(
    "--wait",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds to wait for another sync of the same master before giving up.",
)
@google_keys_option("An office's Google spreadsheet to sync (key or link); repeat for more.")
@click.option(
    "--google-master",
    metavar="KEY",
    help="Also write the master into this Google spreadsheet (its targets tab is read back).",
)
@google_options
@AS_OF
@LANG
def sync_command(
    folders: tuple[Path, ...],
    master: Path,
    store: Path | None,
    as_json: bool,
    wait: float,
    as_of: date | None,
    lang: str,
    google_keys: tuple[str, ...],
    google_master: str | None,
    google: GoogleSettings,
) -> None:
    """Sync the team's registers into the store and the master workbook."""
    from .engine import summary_lines
    from .google.commands import master_note
    from .master_xlsx import backups
    from .sources import file_sources

    require_sources(
        folders, google_keys, "say where the team's registers are: --from DIR or --google KEY"
    )
    if master.suffix.lower() != ".xlsx":
        raise click.UsageError(
            "the master must be an .xlsx file (an .xlsm master refreshes itself)"
        )
    as_of = as_of or date.today()
    sources = file_sources(list(folders), as_of, exclude=[master, *backups(master)])
    sources += google.sources(google_keys, as_of)
    if not sources:  # a wrong folder must not empty the master: nothing is marked gone
        click.secho(
            "没有找到任何登记表（.xlsx / .xlsm / .csv），总表未改动"
            if lang == "zh"
            else "no registers found (.xlsx / .xlsm / .csv); the master was left as it was",
            fg="red",
            err=True,
        )
        sys.exit(2)
    notes: list[str] = []

    def publish(sheets: Any) -> None:
        assert google_master is not None
        notes.append(master_note(google_master, google.write_master(google_master, sheets), lang))

    result = sync_into_master(
        sources,
        master,
        store,
        as_of,
        lang,
        wait,
        _Progress(not as_json),
        read_targets=(lambda: google.read_targets(google_master)) if google_master else None,
        publish=publish if google_master else None,
    )
    if as_json:
        echo_json(result.to_json())
    else:
        echo_lines(summary_lines(result))
        click.secho(("总表: " if lang == "zh" else "Master: ") + str(master), bold=True)
        for note in notes:
            click.secho(note, bold=True)
    sys.exit(result.exit_code())


@main.command()
@click.argument("text")
@click.option(
    "--master",
    type=click.Path(dir_okay=False, path_type=Path),
    default="master.xlsx",
    show_default=True,
    help="The master whose store to search.",
)
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path), help="The store file.")
@click.option("--json", "as_json", is_flag=True, help="Print the versions as JSON.")
@LANG
def history(text: str, master: Path, store: Path | None, as_json: bool, lang: Lang) -> None:
    """Every version of the records whose key or customer matches TEXT.

    TEXT is part of a natural key (an order number, a phone, a rep and date) or a
    customer name (`华信科技` finds `华信科技有限公司`).
    """
    from .history import history_document, history_lines
    from .sqlite_store import open_store
    from .store import default_store

    path = store or default_store(master)
    if not path.exists():
        raise click.UsageError(f"no store at {path}: run `salesflow sync` first")
    with open_store(path) as db:
        versions, total = db.history(text)
    if as_json:
        echo_json(history_document(text, versions, total))
    else:
        echo_lines(history_lines(text, versions, total, lang))
    sys.exit(0 if versions else 1)


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
    from .engine import summary_lines
    from .sources import file_sources

    master = folder / "master.xlsx"
    result = sync_into_master(file_sources([team.folder], as_of), master, None, as_of, lang, 30.0)
    click.echo()
    echo_lines(summary_lines(result))
    click.secho(
        f"总表已写入 {master}（打开它开晨会）"
        if lang == "zh"
        else f"Master written to {master} (open it for the meeting)",
        bold=True,
    )
