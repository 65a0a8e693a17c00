"""The board's pictures in the README, remade from the demo team:

    python -m tests.web.screenshots            # docs/board.png and docs/rep-page.png

The demo team (`sync.demo.make_team`, as of Thursday 2026-11-26) served by `salesflow
serve` pinned at 16:00, photographed by Debian's Chromium: the board at 1600×900 (a
16:9 TV), 王五's page at 390×844 (a phone) after the manager code.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

from sync.demo import make_team

from .conftest import CHROMIUM, CHROMIUM_ARGS
from .serving import serve

ROOT = Path(__file__).resolve().parents[2]
DEMO_DAY = date(2026, 11, 26)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    parser.add_argument("--rep", default="王五")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_team(folder / "team", DEMO_DAY)
        with serve(folder) as served, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            tv = browser.new_page(viewport={"width": 1600, "height": 900})
            tv.goto(served.url + "/")
            tv.wait_for_selector(".ranking")
            tv.wait_for_timeout(1500)  # the chart's animation
            tv.screenshot(path=str(args.docs / "board.png"))
            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            page = phone.new_page()
            page.goto(served.url + f"/rep/{args.rep}")
            page.fill("input[name=code]", served.manager)
            page.click("form button")
            page.wait_for_selector("#pace")
            page.screenshot(path=str(args.docs / "rep-page.png"), full_page=True)
            browser.close()
    print(args.docs / "board.png", args.docs / "rep-page.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
