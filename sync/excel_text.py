"""Text that Excel would take for a formula, and how it is kept text.

A rep's note like `=续约`, `+86 138…`, `-5% 折扣` or `@张三` is text. Stored as a string
it stays text when the file is opened, but a user who edits such a cell and presses
Enter in Excel turns it into a live formula (or an error) — unless the cell carries
Excel's `quotePrefix` style, the hidden leading apostrophe of a typed `'=…`. Every
writer that writes text someone typed asks this module whether the text needs it.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@")
"""The first characters with which Excel reads a typed entry as a formula."""


def looks_like_formula(text: str) -> bool:
    """Whether Excel would read `text`, typed into a cell, as a formula."""
    return text.startswith(FORMULA_STARTS)
