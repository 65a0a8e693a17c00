"""`salesflow check`: read sources, report every problem at its cell.

The report is data first (`CheckReport`), then two views of it: the JSON contract of
DESIGN.md and a terminal text a rep or manager reads top-down.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sheets_templates.words import Count, Lang, Text, lang_of

from .crash import log_detail
from .reader import FileResult, read_files
from .sources import find_sources, read_found


@dataclass
class CheckReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(s.rows for f in self.files for s in f.sheets)

    @property
    def valid(self) -> int:
        return sum(s.valid for f in self.files for s in f.sheets)

    @property
    def errors(self) -> int:
        return sum(s.errors for f in self.files for s in f.sheets)

    @property
    def warnings(self) -> int:
        return sum(s.warnings for f in self.files for s in f.sheets)

    @property
    def unreadable(self) -> int:
        return sum(1 for f in self.files if f.error)

    def exit_code(self) -> int:
        """0 clean; 1 problems found (everything still checked); 2 nothing readable."""
        if not self.files or self.unreadable == len(self.files):
            return 2
        return 1 if (self.errors or self.warnings or self.unreadable) else 0


def run_check(
    paths: Iterable[Path], as_of: date | None = None, keep_records: bool = False
) -> CheckReport:
    """Check every source under `paths`; `as_of` None is today, with no as-of date asked
    for (a date without a year then takes this year, with a warning)."""
    found = find_sources(paths)
    files = read_found(found, lambda files: read_files(files, as_of, keep_records))
    for f in files:
        log_detail(f.path, f.detail)
    return CheckReport(files)


def report_json(report: CheckReport, lang: Lang = "zh", records: bool = False) -> dict[str, Any]:
    """The `check --json` document, exactly as DESIGN.md lays it out; a sheet that is no
    register (kind null) but holds register words says why in `note`."""
    files = []
    for f in report.files:
        entry: dict[str, Any] = {"path": f.path, "status": f.status}
        if f.error:
            entry["error"] = f.reason(lang)
        sheets = []
        for s in f.sheets:
            sheet: dict[str, Any] = {
                "name": s.sheet,
                "kind": s.kind,
                "header_row": s.header_row,
                "rows": s.rows,
                "valid": s.valid,
                "issues": [p.to_json(lang) for p in s.problems],
                "error_rows": s.error_rows,
                "duplicates": s.duplicates,
                "skipped": dict(s.skipped),
            }
            if s.near_miss:
                sheet["note"] = s.near_miss.note(lang)
            if records:
                sheet["records"] = [r.model_dump(mode="json") for r in s.records]
            sheets.append(sheet)
        entry["sheets"] = sheets
        files.append(entry)
    return {
        "files": files,
        "totals": {
            "rows": report.rows,
            "valid": report.valid,
            "errors": report.errors,
            "warnings": report.warnings,
        },
    }


KIND_LABELS = {
    "calls": Text("电话记录", "calls"),
    "visits": Text("拜访记录", "visits"),
    "leads": Text("意向客户", "leads"),
    "shipments": Text("发货", "shipments"),
    None: Text("跳过（不是登记表）", "skipped (not a register)"),
}
"""What a sheet was read as, in the per-sheet summary line."""
SKIPPED = Text("跳过", "skipped")
ROWS = Count("{n} 行", "{n} row", "{n} rows")
VALID = Text("{n} 有效", "{n} valid")
ERRORS = Count("{n} 错误", "{n} error", "{n} errors")
WARNINGS = Count("{n} 提醒", "{n} warning", "{n} warnings")
UNREADABLE = Text("{n} 无法读取", "{n} unreadable")
FILES = Count("{n} 个文件", "{n} file", "{n} files")
UNREADABLE_FILE = Text("{path}: 无法读取 — {reason}", "{path}: unreadable — {reason}")
ROW = Text("第{row}行", "row {row}")
TOTAL = Text("合计", "total")
CLEAN = Text("全部正确，没有发现问题。", "All clean: no problems found.")


def report_text(report: CheckReport, lang: Lang = "zh") -> list[tuple[str, str | None]]:
    """The terminal view: (line, style) pairs — a summary line per sheet, then problems.

    Styles are plain names (`red`, `yellow`, `bold`, `dim`) so the CLI can colour them
    and tests can read the text.
    """
    language = lang_of(lang)
    lines: list[tuple[str, str | None]] = []
    for f in report.files:
        if f.error:
            reason = f.reason(language)
            lines.append((UNREADABLE_FILE(language, path=f.path, reason=reason), "red"))
            continue
        for s in f.sheets:
            label = KIND_LABELS[s.kind](language)
            if s.kind is None:
                if s.near_miss:  # the note says what the sheet looks like instead
                    label = f"{SKIPPED(language)} — {s.near_miss.note(language)}"
                lines.append((f"{f.path} [{s.sheet}]: {label}", "dim"))
                continue
            counts = _counts(language, s.rows, s.valid, s.errors, s.warnings)
            style = "red" if s.errors else ("yellow" if s.warnings else None)
            lines.append((f"{f.path} [{s.sheet}] {label}: {counts}", style))
    for f in report.files:
        for s in f.sheets:
            if not s.problems:
                continue
            lines.append(("", None))
            lines.append((f"{f.path} [{s.sheet}]", "bold"))
            for p in s.problems:
                where = ROW(language, row=p.row) if p.row else ""
                cell = f"{p.column}{p.row}" if p.column and p.row else where
                header = f" {p.header}" if p.header else ""
                lines.append(
                    (f"  {cell:<7}{header}: {p.message(language)}  [{p.code}]", str(p.severity))
                )
    lines.append(("", None))
    counts = _counts(language, report.rows, report.valid, report.errors, report.warnings)
    files = FILES(len(report.files), language)
    unreadable = UNREADABLE(language, n=report.unreadable)
    lines.append((f"{TOTAL(language)}: {files}, {counts}, {unreadable}", "bold"))
    if report.exit_code() == 0:
        lines.append((CLEAN(language), "green"))
    return lines


def _counts(lang: Lang, rows: int, valid: int, errors: int, warnings: int) -> str:
    """`2 rows, 1 valid, 1 error, 0 warnings`: a sheet's or the whole check's counts."""
    return ", ".join(
        (ROWS(rows, lang), VALID(lang, n=valid), ERRORS(errors, lang), WARNINGS(warnings, lang))
    )
