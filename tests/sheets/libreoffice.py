"""LibreOffice headless as the tests' spreadsheet engine.

`recalc` converts many workbooks in ONE soffice run (starting LibreOffice costs more
than recalculating), with a profile directory of its own (parallel runs on one
profile collide) in which recalculation on load is forced: files that carry cached
formula results — xlsxwriter writes 0 or "" — are otherwise shown as cached.
In the profile, `OOXMLRecalcMode` 0 means always (1 never, 2 ask; 1 is the default).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
</oor:items>
"""
TIMEOUT = 600


def soffice() -> str | None:
    return shutil.which("soffice")


def missing_reason() -> str:
    return "LibreOffice (soffice) is not installed: `apt-get install libreoffice-calc`"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def convert(files: list[Path], out_dir: Path, target: str = "xlsx") -> dict[Path, Path]:
    """Convert `files` (stems must differ) in one soffice run; input → output path."""
    exe = soffice()
    if exe is None:
        raise FileNotFoundError(missing_reason())
    stems = [f.stem for f in files]
    if len(set(stems)) != len(stems):
        raise ValueError(f"file stems must differ (outputs are named by stem): {stems}")
    out_dir.mkdir(parents=True, exist_ok=True)
    extension = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile, "user")
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")
        command = [
            exe,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            *map(str, files),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    outputs = {f: out_dir / f"{f.stem}.{extension}" for f in files}
    missing = [str(f) for f, out in outputs.items() if not out.exists()]
    if missing:
        raise RuntimeError(
            f"soffice did not convert {missing} (exit {done.returncode}): {done.stderr[-2000:]}"
        )
    return outputs


def recalc(files: list[Path], out_dir: Path) -> dict[Path, Path]:
    """Recalculate every formula of `files` in LibreOffice; the results are cached in the
    `.xlsx` outputs, for `openpyxl.load_workbook(..., data_only=True)` to read."""
    return convert(files, out_dir, "xlsx")


def render_first_page(workbook: Path, png: Path, dpi: int = 70, height: int | None = None) -> Path:
    """The workbook's first printed page (its first sheet) as a PNG: LibreOffice to PDF,
    then poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as tmp:
        pdf = convert(
            [workbook],
            Path(tmp),
            'pdf:calc_pdf_Export:{"PageRange":{"type":"string","value":"1"}}',
        )[workbook]
        stem = Path(tmp, "page")
        crop = ["-H", str(height)] if height else []
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                *crop,
                str(pdf),
                str(stem),
            ],
            check=True,
            timeout=TIMEOUT,
        )
        png.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stem.with_suffix(".png"), png)
    return png
