"""Words a person reads, as typed data: Chinese and English side by side.

Every user-facing phrase in salesflow is a `Text` (or a `Count`, when it holds a
number whose English form has a plural) declared once, in the module that owns the
thing it names, and picked for one language with `text(lang)`. This is the
`ProblemKind` pattern extended to all the words: a reviewer reads both languages of
one phrase together, and a missing translation is a type error, not a surprise.

    FILES = Count(zh="{n} 个文件", one="{n} file", many="{n} files")
    FILES(3, "en")   # '3 files'
    SYNCED = Text("已同步", "synced")
    SYNCED("zh")     # '已同步'

`Lang` is the one way a language is named; `lang_of` is the one way a user's choice
(`--lang`, a settings cell) becomes one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def lang_of(value: object) -> Lang:
    """The language a user asked for: English for anything that says so, else Chinese."""
    text = str(value or "").strip().lower()
    return "en" if text.startswith("en") or text in {"英文", "english"} else "zh"


@dataclass(frozen=True)
class Text:
    """One phrase in both languages; `{name}` placeholders are filled by keyword."""

    zh: str
    en: str

    def __call__(self, lang: Lang, **values: Any) -> str:
        template = self.zh if lang == "zh" else self.en
        return template.format(**values) if values else template

    def both(self, **values: Any) -> tuple[str, str]:
        """The phrase in both languages, filled: what a `Bilingual` error is made of."""
        return self(LANGS[0], **values), self(LANGS[1], **values)


@dataclass(frozen=True)
class Count:
    """A phrase about `n` things: English says "1 file" and "2 files"; Chinese has one form."""

    zh: str
    one: str
    many: str

    def __call__(self, n: int, lang: Lang, **values: Any) -> str:
        english = self.one if n == 1 else self.many
        return (self.zh if lang == "zh" else english).format(n=n, **values)
