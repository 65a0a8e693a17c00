"""The meeting in the team's group chat: the last sync's meeting (`last_meeting`) as
markdown — PK ranking with medals, praise, the under-target list with gaps, data
health — split into messages each platform accepts, and posted (`webhooks`).

`post_meeting` is the one call `salesflow notify` and `serve`'s schedule make;
`notify_times` and `next_due` read and follow that schedule (`--notify-at 08:45,18:00`).
"""

from __future__ import annotations

import re
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sheets_templates import rules
from sheets_templates.targets import MONTHLY_TARGETS
from sheets_templates.words import Count, Lang, Text

from .errors import Bilingual
from .master_meeting import FOLLOW_UPS, TITLES, UNKNOWN_REPS, UNREADABLE_FILES, WEEKDAYS
from .master_words import NONE
from .meeting import MEDALS
from .webhooks import NAMES, Platform, Refusal, build_request, fits, platform_of, post

DEFAULT_TOP = 10
"""Places shown per PK metric (ties share a place, so a few more lines may show)."""

HEADING = {
    "morning": Text(
        "{title} · {day}（{weekday}）全天结果", "{title} · {day} ({weekday}), the full day"
    ),
    "evening": Text(
        "{title} · {day}（{weekday}）截至 {at}", "{title} · {day} ({weekday}) up to {at}"
    ),
}
PART = Text("（{part}/{parts}）", " ({part}/{parts})")
RANKING = Text("**PK · {metric}**", "**PK · {metric}**")
THIS_MONTH = Text("{metric}（本月）", "{metric} (month)")
PRAISE = Text("**表扬**", "**Praise**")
PRAISED = Text(
    "- {rep}：{metric} {actual}（目标 {target}）", "- {rep}: {metric} {actual} (target {target})"
)
SHORTFALLS = Text("**未达标**", "**Under target**")
SHORT = Text(
    "- {rep}：{metric} 差 {gap}（应完成 {expected}，实际 {actual}）",
    "- {rep}: {metric} {gap} short (due {expected}, done {actual})",
)
HEALTH = Text("**数据健康**", "**Data health**")
COUNTS = Text(
    "- {unreadable_label} {unreadable} · 数据问题 {problems} · {follow_ups_label} {follow_ups}",
    "- {unreadable_label} {unreadable} · Data problems {problems} · {follow_ups_label} {follow_ups}",
)
SILENT = Text("- 当天无数据: {reps}", "- No data that day: {reps}")
UNKNOWN = Text("- {label}: {reps}", "- {label}: {reps}")
AND = Text("、", ", ")

BAD_TIME = Text(
    "看不懂发送时间 {text}：请写成 08:45,18:00",
    "cannot read the times {text}: write them as 08:45,18:00",
)
NO_TIMES = Text("没有给出发送时间（如 08:45,18:00）", "no times given (e.g. 08:45,18:00)")
SENT = Count(
    "{meeting}已发到{name}群（{n} 条消息）",
    "{meeting} posted to the {name} group ({n} message)",
    "{meeting} posted to the {name} group ({n} messages)",
)
PARTLY = Text("（{parts} 条中已发出 {sent} 条）", " ({sent} of {parts} messages went out)")


def _figure(value: Any) -> str:
    """A figure as the document holds it (a count, a fraction of a monthly target, money
    as exact text): whole numbers plain, fractions to two places."""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return "—" if value is None else str(value)


def _label(metric: str, lang: Lang) -> str:
    label = rules.METRICS_BY_NAME[metric].label(lang)
    return THIS_MONTH(lang, metric=label) if metric in MONTHLY_TARGETS else label


def heading(document: dict[str, Any], lang: Lang) -> str:
    """The meeting's first line: which meeting, which day, up to when."""
    kind = document["kind"]
    day = datetime.fromisoformat(document["day"]).date()
    return HEADING[kind](
        lang,
        title=TITLES[kind](lang),
        day=day.isoformat(),
        weekday=WEEKDAYS[day.weekday()](lang),
        at=document["at"],
    )


def ranking_lines(document: dict[str, Any], lang: Lang, top: int) -> list[str]:
    """Each PK metric's places down to `top`, medals for the first three, with the
    change against the working day before."""
    lines: list[str] = []
    metrics = list(dict.fromkeys(entry["metric"] for entry in document["ranking"]))
    for metric in metrics:
        shown = [
            e for e in document["ranking"] if e["metric"] == metric and (e["rank"] or 0) <= top
        ]
        if not shown:
            continue
        lines.append(RANKING(lang, metric=_label(metric, lang)))
        for e in shown:
            place = MEDALS.get(e["rank"], f"{e['rank']}.")
            target = "" if e["target"] is None else f"/{_figure(e['target'])}"
            change = f" {e['change']}" if e.get("change") else ""
            lines.append(f"{place} {e['rep']} {_figure(e['actual'])}{target}{change}")
    return lines


def meeting_lines(document: dict[str, Any], lang: Lang, top: int = DEFAULT_TOP) -> list[str]:
    """The meeting's body, one markdown line each (never split inside a line)."""
    none = NONE(lang)
    lines = ranking_lines(document, lang, top)
    lines.append(PRAISE(lang))
    praise = [
        PRAISED(
            lang,
            rep=p["rep"],
            metric=_label(p["metric"], lang),
            actual=_figure(p["actual"]),
            target=_figure(p["target"]),
        )
        for p in document["praise"]
    ]
    lines += praise or [f"- {none}"]
    lines.append(SHORTFALLS(lang))
    short = [
        SHORT(
            lang,
            rep=s["rep"],
            metric=_label(s["metric"], lang),
            gap=_figure(s["gap"]),
            expected=_figure(s["expected"]),
            actual=_figure(s["actual"]),
        )
        for s in document["shortfalls"]
    ]
    lines += short or [f"- {none}"]
    health = document["health"]
    lines.append(HEALTH(lang))
    lines.append(
        COUNTS(
            lang,
            unreadable_label=UNREADABLE_FILES(lang),
            unreadable=health["unreadable"],
            problems=health["problems"],
            follow_ups_label=FOLLOW_UPS(lang),
            follow_ups=document["follow_ups"],
        )
    )
    if health["reps_without_data"]:
        lines.append(SILENT(lang, reps=AND(lang).join(health["reps_without_data"])))
    if health["unknown_reps"]:
        lines.append(
            UNKNOWN(lang, label=UNKNOWN_REPS(lang), reps=AND(lang).join(health["unknown_reps"]))
        )
    return lines


JOINERS: dict[Platform, str] = {"wecom": "\n", "dingtalk": "\n\n", "feishu": "\n"}
"""Between lines: DingTalk's markdown joins single-newline lines into one paragraph."""


def split_messages(platform: Platform, title: str, lines: list[str], lang: Lang) -> list[str]:
    """The lines as few messages as the platform's size limit allows, each starting with
    `title` (numbered when there are several), cut only between lines. A single line
    longer than the limit (none a meeting makes) goes alone and the platform says so."""
    joiner = JOINERS[platform]
    widest = title + PART(lang, part=99, parts=99)
    parts: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        trial = [*current, line]
        if current and not fits(platform, title, joiner.join([widest, *trial])):
            parts.append(current)
            trial = [line]
        current = trial
    parts.append(current)
    if len(parts) == 1:
        return [joiner.join([title, *parts[0]])]
    return [
        joiner.join([title + PART(lang, part=n, parts=len(parts)), *part])
        for n, part in enumerate(parts, start=1)
    ]


@dataclass(frozen=True)
class Outcome:
    """What a post did: how many messages went out of how many, and why it stopped."""

    platform: Platform
    sent: int
    parts: int
    refusal: Refusal | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None

    def message(self, lang: Lang, meeting: str) -> str:
        """One line for the person who ran it (the webhook's secret never in it)."""
        name = NAMES[self.platform](lang)
        if self.refusal is None:
            return SENT(self.parts, lang, meeting=meeting, name=name)
        partly = PARTLY(lang, sent=self.sent, parts=self.parts) if self.sent else ""
        return self.refusal.message(lang) + partly


def post_meeting(
    document: dict[str, Any],
    webhook: str,
    kind: str | None,
    secret: str | None,
    lang: Lang,
    top: int = DEFAULT_TOP,
    sleep: Callable[[float], None] = clock.sleep,
) -> Outcome:
    """Post one meeting document (`sync --json`'s `meeting`) to a group robot: the
    platform `kind` names or the URL shows (`UnknownWebhook` when neither does),
    signed with `secret` where the platform signs, in as many messages as its size
    limit needs, in order; it stops at the first message refused."""
    platform = platform_of(webhook, kind)
    title = heading(document, lang)
    messages = split_messages(platform, title, meeting_lines(document, lang, top), lang)
    for sent, text in enumerate(messages):
        request = build_request(platform, webhook, title, text, secret, clock.time())
        refused = post(platform, request, sleep)
        if refused is not None:
            return Outcome(platform, sent, len(messages), refused)
    return Outcome(platform, len(messages), len(messages))


# --- the schedule ------------------------------------------------------------------

TIMES = re.compile(r"[,，;；\s]+")


class BadTimes(Bilingual, ValueError):
    """A schedule (`--notify-at`) that is not a list of clock times."""


def notify_times(text: str) -> list[time]:
    """`08:45,18:00` (also `8:45 18:00`, a full-width comma) as clock times, earliest
    first, each once; `BadTimes` for anything else."""
    found: set[time] = set()
    for part in filter(None, TIMES.split(text.strip())):
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", part)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            raise BadTimes(*BAD_TIME.both(text=text))
        found.add(time(int(match[1]), int(match[2])))
    if not found:
        raise BadTimes(*NO_TIMES.both())
    return sorted(found)


def next_due(times: list[time], now: datetime) -> datetime:
    """The first of `times` after `now`: later today, else the earliest tomorrow (in
    `now`'s time zone, if it has one)."""
    if not times:
        raise BadTimes(*NO_TIMES.both())
    today = [datetime.combine(now.date(), t, now.tzinfo) for t in sorted(times)]
    later = [due for due in today if due > now]
    if later:
        return later[0]
    return datetime.combine(now.date() + timedelta(days=1), min(times), now.tzinfo)
