"""`salesflow history`: every version of the matching records, as data and as text.

The store finds the versions (`Store.history`); this module groups them by record
and says what each version changed, for `history --json` and for people.
"""

from __future__ import annotations

from typing import Any

from sheets_templates.records import json_value
from sheets_templates.registers import REGISTERS
from sheets_templates.words import Count, Lang, Text

from .store import Version

CURRENT = Text("当前", "current")
ENDED = {
    "updated": Text("已修改（同步 #{n}，{at}）", "updated (sync #{n}, {at})"),
    "removed": Text("已从表中删除（同步 #{n}，{at}）", "deleted from its sheet (sync #{n}, {at})"),
    "source_gone": Text(
        "来源文件已消失（同步 #{n}，{at}）", "its source file disappeared (sync #{n}, {at})"
    ),
}
"""Why a version ended, as the store records it (`end_reason`)."""
SEEN = Text("同步 #{n}（{at}）首次出现", "first seen in sync #{n} ({at})")
WHERE = Text("{file} [{sheet}] 第{row}行", "{file} [{sheet}] row {row}")
NONE_FOUND = Text("没有找到: {text}", "nothing found: {text}")
MORE = Count(
    "共 {n} 个版本，只显示前 {shown} 个",
    "{n} version in all; the first {shown} shown",
    "{n} versions in all; the first {shown} shown",
)


def _version_json(v: Version, n: int) -> dict[str, Any]:
    return {
        "version": n,
        "data": {k: json_value(x) for k, x in v.data.items()},
        "file": v.path,
        "sheet": v.sheet,
        "row": v.row,
        "first_sync": v.first_sync,
        "first_seen": v.first_seen,
        "ended_sync": v.ended_sync,
        "ended_at": v.ended_at,
        "end_reason": v.end_reason,
    }


def _records(versions: list[Version]) -> dict[tuple[str, str], list[Version]]:
    grouped: dict[tuple[str, str], list[Version]] = {}
    for v in versions:
        grouped.setdefault((v.register, v.key), []).append(v)
    return grouped


def history_document(text: str, versions: list[Version], total: int) -> dict[str, Any]:
    """`history --json`: each matching record with its versions, oldest first."""
    return {
        "query": text,
        "total": total,
        "records": [
            {
                "register": register,
                "key": key,
                "versions": [_version_json(v, n) for n, v in enumerate(group, start=1)],
            }
            for (register, key), group in _records(versions).items()
        ],
    }


def _when(stamp: str | None) -> str:
    return (stamp or "").replace("T", " ")


def history_lines(
    text: str, versions: list[Version], total: int, lang: Lang
) -> list[tuple[str, str | None]]:
    """`history` for people: each record, then each version with what changed."""
    if not versions:
        return [(NONE_FOUND(lang, text=text), "yellow")]
    lines: list[tuple[str, str | None]] = []
    for (register, key), group in _records(versions).items():
        lines.append((f"{REGISTERS[register].title(lang)}: {key}", "bold"))
        previous: dict[str, Any] = {}
        for n, v in enumerate(group, start=1):
            where = WHERE(lang, file=v.path, sheet=v.sheet, row=v.row)
            seen = SEEN(lang, n=v.first_sync, at=_when(v.first_seen))
            end = (
                ENDED[v.end_reason](lang, n=v.ended_sync, at=_when(v.ended_at))
                if v.end_reason
                else CURRENT(lang)
            )
            style = None if v.end_reason else "green"
            lines.append((f"  v{n}  {seen} · {where} · {end}", style))
            data = {k: json_value(x) for k, x in v.data.items()}
            changed = {k: x for k, x in data.items() if previous.get(k) != x}
            changed.update({k: None for k in previous if k not in data})
            shown = data if n == 1 else changed
            for name, value in shown.items():
                before = f"{previous.get(name)} → " if n > 1 else ""
                lines.append((f"      {name}: {before}{value}", "dim"))
            previous = data
    if total > len(versions):
        lines.append((MORE(total, lang, shown=len(versions)), "yellow"))
    return lines
