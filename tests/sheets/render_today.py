"""Draw the README's picture of the Today sheet from a filled rep workbook.

    python -m tests.sheets.render_today            # writes docs/today.png
    python -m tests.sheets.render_today out.png --lang en

The workbook is the template filled with a sample day (`workbooks.sample_rows`);
LibreOffice computes its formulas and prints the first sheet, poppler draws the page.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from .libreoffice import render_first_page
from .workbooks import write_sample_workbook

ROOT = Path(__file__).resolve().parents[2]
HEIGHT = 345
"""Pixels of the page kept at 70 dpi: the Today sheet, without the empty page below."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png", nargs="?", type=Path, default=ROOT / "docs" / "today.png")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workbook = write_sample_workbook(Path(tmp) / "today.xlsx", args.lang)
        render_first_page(workbook, args.png, dpi=70, height=HEIGHT)
    print(args.png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
