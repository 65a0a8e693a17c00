"""The meeting pictures in the README, remade from the demo team:

    python -m tests.sync.render_meeting            # docs/meeting-morning.png, -evening.png

The demo team as of Thursday 2026-11-26, synced at 08:30 (晨会) and at 18:00 (夕会);
each meeting sheet alone rendered by LibreOffice to one PDF page, then to a PNG by
pdftoppm (Debian's poppler-utils) at 150 dpi.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from datetime import date, time
from pathlib import Path

from sync.demo import make_team
from sync.master_xlsx import write_xlsx
from sync.meeting import Moment
from sync.run import XlsxMaster, sync_into
from sync.sources import file_sources
from sync.store import default_store
from tests.sheets.libreoffice import convert

ROOT = Path(__file__).resolve().parents[2]
DEMO_DAY = date(2026, 11, 26)
MOMENTS = {"morning": time(8, 30), "evening": time(18, 0)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_team(folder / "team", DEMO_DAY)
        master = folder / "master.xlsx"
        books = []
        for kind, at in MOMENTS.items():
            result = sync_into(
                file_sources([folder / "team"], DEMO_DAY),
                [XlsxMaster(master)],
                default_store(master),
                DEMO_DAY,
                "zh",
                lock=master,
                moment=Moment(at, kind),
            )
            (sheet,) = [s for s in result.sheets if s.key == kind]
            books.append(folder / f"meeting-{kind}.xlsx")
            write_xlsx([sheet], books[-1])
        for book, pdf in convert(books, folder / "pdf", "pdf").items():
            png = args.docs / f"{book.stem}.png"
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "150",
                    "-singlefile",
                    str(pdf),
                    str(png.with_suffix("")),
                ],
                check=True,
            )
            print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
