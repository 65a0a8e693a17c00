"""`salesflow export`: the command's shell over `sync.export` (any date slice of the
store, to an `.xlsx` or `.csv` file)."""

from __future__ import annotations

import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from sheets_templates.registers import REGISTERS
from sheets_templates.words import Count, Lang, Text, lang_of

from .errors import Bilingual
from .options import AS_OF, LANG, STORE, master_option, parse_day

if TYPE_CHECKING:
    from .export import Written

REGISTER_NAMES = tuple(REGISTERS)
"""The registers an export may name, in the master's order."""

SHEET_WRITTEN = Count(
    "{path} [{sheet}]: {n} 行", "{path} [{sheet}]: {n} row", "{path} [{sheet}]: {n} rows"
)
FILE_WRITTEN = Count("{path}: {n} 行", "{path}: {n} row", "{path}: {n} rows")
TEXT_CUT_IN = Text("{path} [{sheet}]: {note}", "{path} [{sheet}]: {note}")
"""A text the .xlsx could not hold whole (`sheet_limits.TEXT_CUT`), on stderr."""
ONE_FILE_PER_REGISTER = Text(
    "CSV 每个文件只放一种登记表：已按登记表分别写入 {n} 个文件",
    "a CSV holds one register: one file per register was written ({n} files)",
)
NOT_AN_OUTPUT = Text(
    "导出文件应为 .xlsx 或 .csv: {out}", "the export must be an .xlsx or a .csv file: {out}"
)
NO_STORE = Text(
    "{where} 没有数据库：请先运行 salesflow sync", "no store at {where}: run `salesflow sync` first"
)
NOT_THE_MASTER = Text(
    "导出文件不能是总表本身: {out}", "the export cannot overwrite the master itself: {out}"
)
BACKWARDS = Text("--from {start} 晚于 --to {end}", "--from {start} is after --to {end}")


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "start", callback=parse_day, help="The first day exported (YYYY-MM-DD).")
@click.option("--to", "end", callback=parse_day, help="The last day exported (YYYY-MM-DD).")
@click.option(
    "--register",
    "registers",
    multiple=True,
    type=click.Choice(REGISTER_NAMES),
    help="The register to export; repeat for more; default all of them.",
)
@master_option("The master whose store to export from.")
@STORE
@AS_OF
@LANG
def export(
    out: Path,
    start: date | None,
    end: date | None,
    registers: tuple[str, ...],
    master: Path,
    store: str | None,
    as_of: date | None,
    lang: Lang,
) -> None:
    """Write the store's current records dated --from … --to (both included) to OUT.

    OUT.xlsx: a sheet per register in the master's columns, continued on `通话记录 (2)`
    past Excel's row limit. OUT.csv (UTF-8 with a BOM): one register, or a file per
    register beside it (OUT-calls.csv, …). --as-of dates a shipment's days overdue.
    """
    from .export import export_csv, export_xlsx, slice_records
    from .store import default_store, location, open_store
    from .store_faults import store_error

    words = lang_of(lang)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise click.UsageError(NOT_AN_OUTPUT(words, out=out))
    if out.resolve() == master.resolve():
        raise click.UsageError(NOT_THE_MASTER(words, out=out))
    if start and end and start > end:
        raise click.UsageError(BACKWARDS(words, start=start, end=end))
    where = location(store) if store else default_store(master)
    if isinstance(where, Path) and not where.exists():
        raise click.UsageError(NO_STORE(words, where=where))
    chosen = [r for r in REGISTER_NAMES if r in registers] or list(REGISTER_NAMES)
    try:
        with open_store(where) as db:
            records = slice_records(db, start, end, chosen)
    except Bilingual as exc:
        _fail(exc.message(lang))
    except sqlite3.Error as exc:  # a damaged page of the store
        assert isinstance(where, Path)
        _fail(store_error(where, exc).message(lang))
    day = as_of or date.today()
    try:
        if suffix == ".xlsx":
            written = export_xlsx(records, out, day, lang)
        else:
            written = export_csv(records, out, day, lang)
    except OSError as exc:
        _fail(f"{exc.filename or out}: {exc.strerror or exc}")
    if suffix == ".csv" and len(written) > 1:
        click.secho(ONE_FILE_PER_REGISTER(words, n=len(written)), fg="yellow")
    for w in written:
        click.echo(_line(w, words))
        for cut in w.cuts:
            note = cut.title_note(words)
            click.secho(
                TEXT_CUT_IN(words, path=w.path, sheet=w.sheet, note=note), fg="yellow", err=True
            )


def _line(w: Written, lang: Lang) -> str:
    """A sheet or file written (`export.Written`), with its rows."""
    if w.sheet is None:
        return FILE_WRITTEN(w.rows, lang, path=w.path)
    return SHEET_WRITTEN(w.rows, lang, path=w.path, sheet=w.sheet)


def _fail(message: str) -> NoReturn:
    """A fault of the surroundings (the store): its words on stderr, exit 2."""
    click.secho(message, fg="red", err=True)
    sys.exit(2)
