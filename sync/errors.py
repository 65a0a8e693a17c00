"""The one shape of an error a person reads: the same words in Chinese and English."""

from __future__ import annotations

from sheets_templates.words import Lang


class Bilingual(Exception):
    """An error whose message is shown to a rep or manager in the team's language.

    `str(exc)` is the English text, so logs and tracebacks stay readable anywhere.
    `detail` is what a maintainer needs and a rep must not be shown (the original
    exception's own text, "ZipError: … EOCD"): it goes to `salesflow.log` (`crash`).
    """

    def __init__(self, zh: str, en: str, detail: str | None = None) -> None:
        super().__init__(en)
        self.zh, self.en, self.detail = zh, en, detail

    def message(self, lang: Lang = "zh") -> str:
        return self.zh if lang == "zh" else self.en
