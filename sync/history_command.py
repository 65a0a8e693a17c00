"""`salesflow history TEXT`: every version of the records a key or customer names, from
the store, oldest first (the command's words; the search is `store.history`)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from sheets_templates.words import Lang, Text, lang_of

from .options import LANG, STORE, master_option

EMPTY_QUERY = Text(
    "请给出要查找的内容（订单号、电话、客户名称……）",
    "say what to look for (an order number, a phone, a customer name…)",
)
LONG_QUERY = Text(
    "查找内容太长（{n} 个字符，最多 {most} 个）",
    "the text to look for is too long ({n} characters; at most {most})",
)
MAX_QUERY = 500
"""History's query is part of a key or a customer name: longer text matches nothing,
and SQLite refuses LIKE patterns past 50,000 characters."""


@click.command(name="history")
@click.argument("text")
@master_option("The master whose store to search.")
@STORE
@click.option("--json", "as_json", is_flag=True, help="Print the versions as JSON.")
@LANG
def history_command(text: str, master: Path, store: str | None, as_json: bool, lang: Lang) -> None:
    """Every version of the records whose key or customer matches TEXT.

    TEXT is part of a natural key (an order number, a phone, a rep and date) or a
    customer name (`华信科技` finds `华信科技有限公司`).
    """
    from .cli import echo_json, echo_lines, fail
    from .errors import Bilingual
    from .history import history_document, history_lines
    from .store import default_store, location, open_store
    from .store_faults import store_error

    if not text.strip():
        raise click.UsageError(EMPTY_QUERY(lang_of(lang)))
    if len(text) > MAX_QUERY:
        raise click.UsageError(LONG_QUERY(lang_of(lang), n=len(text), most=MAX_QUERY))
    where = location(store) if store else default_store(master)
    if isinstance(where, Path) and not where.exists():
        raise click.UsageError(f"no store at {where}: run `salesflow sync` first")
    try:
        with open_store(where) as db:
            versions, total = db.history(text)
    except Bilingual as exc:
        fail(exc.message(lang))
    except sqlite3.Error as exc:  # a damaged page only this query reached
        assert isinstance(where, Path)
        fail(store_error(where, exc).message(lang))
    if as_json:
        echo_json(history_document(text, versions, total))
    else:
        echo_lines(history_lines(text, versions, total, lang))
    sys.exit(0 if versions else 1)
