"""Problems as data: a stable code, a severity, the cell, and words a rep understands.

Every problem kind is declared once here with its code and its message in Chinese
and English; a `Problem` is one occurrence of a kind at one cell. Scripts rely on the
codes; people read the messages, which always show the value as typed and say what
would be right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from .words import Lang, Text


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class ProblemKind:
    """One kind of problem: its code, severity and message templates.

    Templates use `{value}` (the value as typed) and any extra named details.
    """

    code: str
    severity: Severity
    zh: str
    en: str

    @property
    def text(self) -> Text:
        """The message templates as one phrase in both languages."""
        return Text(self.zh, self.en)

    def at(self, value: Any = None, **details: Any) -> Finding:
        """This kind of problem for one value, not yet placed at a cell."""
        return Finding(self, display(value), details)


E, W = Severity.ERROR, Severity.WARNING

REQUIRED_MISSING = ProblemKind(
    "required.missing",
    E,
    "必填项为空: {header}（这一列每行都要填写）",
    "Required value missing: {header} (every row needs one)",
)
DATE_INVALID = ProblemKind(
    "date.invalid",
    E,
    "日期看不懂: {value}（请写成 2026-11-03 或 2026/11/3）",
    "Not a date: {value} (write it like 2026-11-03 or 2026/11/3)",
)
DATE_FUTURE = ProblemKind(
    "date.future",
    W,
    "日期在将来: {value}（今天是 {today}）",
    "Date is in the future: {value} (today is {today})",
)
DATE_YEAR_ASSUMED = ProblemKind(
    "date.year_assumed",
    W,
    "日期没有年份: {value}，本表没写年份的日期都按 {year} 年处理（可在表头标题或文件名写上年份）",
    "Date has no year: {value}; dates without a year in this sheet are read as {year} (put "
    "the year in the sheet title or the file name)",
)
TIME_INVALID = ProblemKind(
    "time.invalid",
    E,
    "时间看不懂: {value}（请写成 09:30）",
    "Not a time of day: {value} (write it like 09:30)",
)
YES_NO_INVALID = ProblemKind(
    "yes_no.invalid",
    E,
    "请填 是 或 否: {value}",
    "Expected yes or no: {value}",
)
PHONE_INVALID = ProblemKind(
    "phone.invalid",
    E,
    "电话号码位数不对: {value}（手机号应为11位，座机应带区号，如 010-12345678）",
    "Phone number has the wrong length: {value} (a mobile has 11 digits; a landline "
    "needs its area code, like 010-12345678)",
)
PHONE_SCIENTIFIC = ProblemKind(
    "phone.scientific",
    E,
    "电话号码显示成了科学计数法，后面几位已经丢了: {value}（请把该列设为文本，重新输入完整号码）",
    "Phone number shown in scientific notation has lost its last digits: {value} (format "
    "the column as text and type the full number again)",
)
PHONE_ZERO_RESTORED = ProblemKind(
    "phone.zero_restored",
    W,
    "电话号码存成了数字，丢了开头的0: {value}，按 {phone} 处理（请把该列设为文本）",
    "Phone number was stored as a number and lost its leading 0: {value}; read as "
    "{phone} (format the column as text)",
)
GRADE_INVALID = ProblemKind(
    "grade.invalid",
    E,
    "等级只能是 A、B、C、D: {value}",
    "Grade must be A, B, C or D: {value}",
)
GRADE_DISAGREES = ProblemKind(
    "grade.disagrees",
    W,
    "填写的等级 {value} 与进展不符，按进展应为 {expected}",
    "Typed grade {value} disagrees with the stage facts, which give {expected}",
)
MONEY_INVALID = ProblemKind(
    "money.invalid",
    E,
    "金额看不懂: {value}（请写成 1234.50、¥1,234.50 或 1.2万）",
    "Not an amount of money: {value} (write it like 1234.50, ¥1,234.50 or 1.2万)",
)
MONEY_NEGATIVE = ProblemKind(
    "money.negative",
    E,
    "金额不能为负: {value}（应为 0 或正数）",
    "Amount cannot be negative: {value} (it should be 0 or more)",
)
QUANTITY_INVALID = ProblemKind(
    "quantity.invalid",
    E,
    "数量应为大于0的数: {value}",
    "Quantity must be a number greater than 0: {value}",
)
AMOUNT_MISMATCH = ProblemKind(
    "amount.mismatch",
    E,
    "金额 {value} 不等于 数量×单价 = {expected}",
    "Amount {value} is not quantity × unit price = {expected}",
)
ROW_DUPLICATE = ProblemKind(
    "row.duplicate",
    W,
    "与第 {first_row} 行重复（{key}），本行不重复计算",
    "Same as row {first_row} ({key}); this row is not counted twice",
)
COLUMN_MISSING = ProblemKind(
    "column.missing",
    E,
    "缺少必填列: {header}（请在表头加上这一列）",
    "A required column is missing: {header} (add it to the header row)",
)
COLUMN_MOSTLY_EMPTY = ProblemKind(
    "column.mostly_empty",
    E,
    "{header} 一列 {count} / {rows} 行为空（这一列每行都要填写），这些行都没有计入",
    "{header} is empty in {count} of {rows} rows (every row needs one); none of those rows "
    "is counted",
)
COLUMN_MOSTLY_INVALID = ProblemKind(
    "column.mostly_invalid",
    E,
    "{header} 一列 {count} / {rows} 行有同样的问题，这些行都没有计入；如第 {first_row} 行: {first_zh}",
    "{header} has the same problem in {count} of {rows} rows; none of those rows is counted; "
    "e.g. row {first_row}: {first_en}",
)
"""A column whose cells nearly all fail one way: said once for the sheet, not per row."""
REP_MISSING = ProblemKind(
    "rep.missing",
    E,
    "不知道这张表是谁的: 请填写销售员列，或在表头上方写“销售员: 姓名”，或在“设置”表填写",
    "Cannot tell whose sheet this is: fill the rep column, write 'rep: NAME' above the "
    "header, or fill the settings sheet",
)
VALUE_ERROR = ProblemKind(
    "cell.error",
    E,
    "单元格是错误值: {value}（请检查公式）",
    "The cell holds an error: {value} (check the formula)",
)
CELL_FAR_OFF = ProblemKind(
    "cell.far_off",
    W,
    "这个单元格远离表格，有内容: {value}（没有读入；如是误输入请删除）",
    "This cell lies far outside the table and holds: {value} (not read; delete it if it "
    "was typed by mistake)",
)

# --- implausible dates (issue 10: values that read, but cannot be what was meant) ----
DATE_NUMBER = ProblemKind(
    "date.number",
    E,
    "{value} 是数字，不是日期：请写成 {expected}",
    "{value} is a number, not a date: write it as {expected}",
)
DATE_TOO_EARLY = ProblemKind(
    "date.too_early",
    E,
    "日期早于2000年: {value}（请检查年份，写成 2026-11-03 这样的日期）",
    "Date before 2000: {value} (check the year; write it like 2026-11-03)",
)
DATE_TOO_LATE = ProblemKind(
    "date.too_late",
    E,
    "日期比 {today} 晚一年以上: {value}（请检查年份）",
    "Date more than a year after {today}: {value} (check the year)",
)

# --- the roster (issue 10: the wrong rep, silently) ---------------------------------
REP_UNKNOWN = ProblemKind(
    "rep.unknown",
    W,
    "未知销售员: {value}（不在团队表上）：已计入；如是新人请在“团队”表确认，如是别人的其他叫法请并入",
    "Unknown rep: {value} (not on the Team sheet): counted; confirm them on the Team sheet "
    "if new, or add the name to a rep's other names",
)

# --- offices (issue 12: several offices in one store) -------------------------------
REP_OTHER_OFFICE = ProblemKind(
    "rep.other_office",
    E,
    "销售员 {value} 属于 {office}，这里是 {here}：这些记录未计入（一名销售员只属于一个办公室；"
    "如已调动，请先从 {office} 的文件中移走其记录）",
    "Rep {value} belongs to {office}, and this is {here}: these records were not counted "
    "(a rep belongs to one office; if they moved, take their records out of {office}'s files "
    "first)",
)

KINDS: dict[str, ProblemKind] = {
    k.code: k for k in list(globals().values()) if isinstance(k, ProblemKind)
}
"""Every problem kind by its code: the list scripts can rely on."""


def display(value: Any) -> str:
    """A typed value as a person would read it back: no `.0` on whole numbers, a date
    cell as `2026-11-03`, a time as `09:30`, a date with a time as `2026-11-03 09:30`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(" ", "minutes" if value.second == 0 else "seconds")
    if isinstance(value, time):
        return value.isoformat("minutes" if value.second == 0 else "seconds")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


@dataclass(frozen=True)
class Finding:
    """A problem about one value, before it is placed at a file, sheet and cell."""

    kind: ProblemKind
    value: str
    details: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: Lang = "zh") -> str:
        return self.kind.text(lang, value=self.value, **self.details)


class ValueProblem(ValueError):
    """Raised by a parser when a value cannot be read; carries the finding."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message("en"))
        self.finding = finding


@dataclass(frozen=True)
class Problem:
    """One problem at one place: file, sheet, Excel row and column letter."""

    code: str
    severity: Severity
    file: str
    sheet: str
    row: int | None
    column: str | None
    header: str | None
    field: str | None
    value: str
    message_zh: str
    message_en: str
    link: str | None = None
    """Where the cell opens in a browser (problems in a Google spreadsheet)."""

    @classmethod
    def place(
        cls,
        finding: Finding,
        file: str,
        sheet: str,
        row: int | None = None,
        column: str | None = None,
        header: str | None = None,
        field_name: str | None = None,
    ) -> Problem:
        details = {"header": header or "", **finding.details}
        text = finding.kind.text
        return cls(
            code=finding.kind.code,
            severity=finding.kind.severity,
            file=file,
            sheet=sheet,
            row=row,
            column=column,
            header=header,
            field=field_name,
            value=finding.value,
            message_zh=text("zh", value=finding.value, **details),
            message_en=text("en", value=finding.value, **details),
        )

    def message(self, lang: Lang = "zh") -> str:
        return Text(self.message_zh, self.message_en)(lang)

    def to_json(self, lang: Lang = "zh") -> dict[str, Any]:
        """The problem as the `check --json` contract lays it out."""
        return {
            "severity": str(self.severity),
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "field": self.field,
            "value": self.value,
            "code": self.code,
            "message": self.message(lang),
        } | ({"link": self.link} if self.link else {})


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
