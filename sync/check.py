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
    return CheckReport(read_found(found, lambda files: read_files(files, as_of, keep_records)))


def report_json(report: CheckReport, lang: str = "zh", records: bool = False) -> dict[str, Any]:
    """The `check --json` document, exactly as DESIGN.md lays it out."""
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
            }
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


_WORDS = {
    "zh": {
        "calls": "电话记录",
        "visits": "拜访记录",
        "leads": "意向客户",
        "shipments": "发货",
        None: "跳过（不是登记表）",
        "rows": "行",
        "valid": "有效",
        "errors": "错误",
        "warnings": "提醒",
        "unreadable": "无法读取",
        "error": "错误",
        "warning": "提醒",
        "row": "第{row}行",
        "total": "合计",
        "files": "个文件",
        "clean": "全部正确，没有发现问题。",
    },
    "en": {
        "calls": "calls",
        "visits": "visits",
        "leads": "leads",
        "shipments": "shipments",
        None: "skipped (not a register)",
        "rows": "rows",
        "valid": "valid",
        "errors": "errors",
        "warnings": "warnings",
        "unreadable": "unreadable",
        "error": "error",
        "warning": "warning",
        "row": "row {row}",
        "total": "total",
        "files": "files",
        "clean": "All clean: no problems found.",
    },
}


def report_text(report: CheckReport, lang: str = "zh") -> list[tuple[str, str | None]]:
    """The terminal view: (line, style) pairs — a summary line per sheet, then problems.

    Styles are plain names (`red`, `yellow`, `bold`, `dim`) so the CLI can colour them
    and tests can read the text.
    """
    w = _WORDS[lang]
    lines: list[tuple[str, str | None]] = []
    for f in report.files:
        if f.error:
            lines.append((f"{f.path}: {w['unreadable']} — {f.reason(lang)}", "red"))
            continue
        for s in f.sheets:
            label = w[s.kind]
            if s.kind is None:
                lines.append((f"{f.path} [{s.sheet}]: {label}", "dim"))
                continue
            counts = (
                f"{s.rows} {w['rows']}, {s.valid} {w['valid']}, "
                f"{s.errors} {w['errors']}, {s.warnings} {w['warnings']}"
            )
            style = "red" if s.errors else ("yellow" if s.warnings else None)
            lines.append((f"{f.path} [{s.sheet}] {label}: {counts}", style))
    for f in report.files:
        for s in f.sheets:
            if not s.problems:
                continue
            lines.append(("", None))
            lines.append((f"{f.path} [{s.sheet}]", "bold"))
            for p in s.problems:
                where = w["row"].format(row=p.row) if p.row else ""
                cell = f"{p.column}{p.row}" if p.column and p.row else where
                header = f" {p.header}" if p.header else ""
                lines.append(
                    (f"  {cell:<7}{header}: {p.message(lang)}  [{p.code}]", str(p.severity))
                )
    lines.append(("", None))
    total = (
        f"{w['total']}: {len(report.files)} {w['files']}, {report.rows} {w['rows']}, "
        f"{report.valid} {w['valid']}, {report.errors} {w['errors']}, "
        f"{report.warnings} {w['warnings']}, {report.unreadable} {w['unreadable']}"
    )
    lines.append((total, "bold"))
    if report.exit_code() == 0:
        lines.append((w["clean"], "green"))
    return lines
