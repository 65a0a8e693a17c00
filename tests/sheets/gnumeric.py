"""Gnumeric as the tests' second spreadsheet engine (`ssconvert --recalc`).

A second, independent engine keeps the twins honest: LibreOffice alone accepted
formulas (comparisons with inline arrays inside OR) that Gnumeric computes otherwise.
ssconvert converts one file per run and starts in a fraction of a second, so the files
are recalculated by parallel runs, each writing an `.xlsx` whose cached values
`openpyxl.load_workbook(..., data_only=True)` reads back.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

TIMEOUT = 600


def ssconvert() -> str | None:
    return shutil.which("ssconvert")


def missing_reason() -> str:
    return "Gnumeric (ssconvert) is not installed: `apt-get install gnumeric`"


def recalc(files: list[Path], out_dir: Path) -> dict[Path, Path]:
    """Recalculate every formula of `files` in Gnumeric (stems must differ); input →
    the recalculated `.xlsx`."""
    exe = ssconvert()
    if exe is None:
        raise FileNotFoundError(missing_reason())
    stems = [f.stem for f in files]
    if len(set(stems)) != len(stems):
        raise ValueError(f"file stems must differ (outputs are named by stem): {stems}")
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {f: out_dir / f"{f.stem}.xlsx" for f in files}
    runs = {
        f: subprocess.Popen(
            [exe, "--recalc", "--export-type=Gnumeric_Excel:xlsx2", str(f), str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f, out in outputs.items()
    }
    failed = []
    for f, run in runs.items():
        _out, err = run.communicate(timeout=TIMEOUT)
        if run.returncode != 0 or not outputs[f].exists():
            failed.append(f"{f} (exit {run.returncode}): {err[-1000:]}")
    if failed:
        raise RuntimeError(f"ssconvert did not recalculate {failed}")
    return outputs
