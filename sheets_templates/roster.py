"""The team roster, and who a file belongs to when its rows do not say.

The roster is the master's 团队 sheet: one row per rep with the other names people
write for them (王磊 / 小王 / wang lei) and their office. A manager edits it like the
指标 sheet and every sync reads it back. It is what lets salesflow tell a rep from the
folders people keep around reps' files: `team/华东区/王磊/calls.csv` belongs to 王磊 of
华东区, `team/2026-11/王磊.csv` to 王磊 — never to "华东区" or "2026-11", which are an
office and a month. A name the roster does not know is reported, never quietly made a
new rep.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .registers import normalize_header
from .words import Lang, Text

NAME = Text("姓名", "Name")
OTHER_NAMES = Text("其他叫法", "Other names")
OFFICE = Text("办公室/区域", "Office")
STATUS = Text("状态", "Status")
NEW = Text("新，待确认", "new, to confirm")
"""The status of a name a sync found that is not on the roster: the manager confirms
it (clears the cell) or merges it into a rep's other names (deletes the row)."""
ROSTER_SHEET = Text("团队", "Team")
ROSTER_HEADERS = (NAME, OTHER_NAMES, OFFICE, STATUS)
NAME_SEPARATOR = Text("、", ", ")

_NAME_WORDS = {normalize_header(w) for w in ("姓名", "销售员", "名字", "name", "rep")}
_OTHER_WORDS = {normalize_header(w) for w in ("其他叫法", "别名", "other names", "aliases")}
_OFFICE_WORDS = {
    normalize_header(w) for w in ("办公室/区域", "办公室", "区域", "分部", "office", "region")
}
_STATUS_WORDS = {normalize_header(w) for w in ("状态", "status")}
_NEW_WORDS = {normalize_header(w) for w in NEW.both()}
_SEPARATORS = re.compile(r"\s*[、,，;；/|\n]+\s*")


def key(name: str) -> str:
    """How a name is compared: spaces, case and full/half width do not matter."""
    return normalize_header(name)


@dataclass(frozen=True)
class Member:
    """One rep: the name the master shows, the other names they go by, their office;
    `new` while the manager has not confirmed a name a sync found off the roster."""

    name: str
    other_names: tuple[str, ...] = ()
    office: str | None = None
    new: bool = False


@dataclass(frozen=True)
class Roster:
    """The reps of a team, looked up by any of their names."""

    members: tuple[Member, ...] = ()
    _by_key: dict[str, Member] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Member] = {}
        for m in self.members:
            for written in (m.name, *m.other_names):
                index.setdefault(key(written), m)
        object.__setattr__(self, "_by_key", index)

    def __bool__(self) -> bool:
        return bool(self.members)

    def member(self, written: str) -> Member | None:
        """The member a written name means, by their name or any other name."""
        return self._by_key.get(key(written))

    def name_in(self, text: str) -> Member | None:
        """The member whose name appears in `text` (a file name): the longest name wins,
        so 王磊 in `11月电话记录-王磊` is found, and 王磊磊 is not taken for 王磊."""
        k = key(text)
        found = [
            (len(written), m) for written, m in self._by_key.items() if written and written in k
        ]
        return max(found, key=lambda pair: pair[0])[1] if found else None

    @property
    def offices(self) -> set[str]:
        return {key(m.office) for m in self.members if m.office}

    def name_of(self, written: str) -> str:
        """The name the master shows for a written name: the member's, else as written."""
        member = self.member(written)
        return member.name if member else written

    def with_new(
        self, names: Iterable[str], offices: Mapping[str, str | None], new: bool = True
    ) -> Roster:
        """The roster with names it did not know added at the end, with their office;
        `new` marks them for the manager to confirm (the first sync seeds them unmarked)."""
        added = [
            Member(n, office=offices.get(n), new=new)
            for n in dict.fromkeys(names)
            if n and self.member(n) is None
        ]
        return Roster((*self.members, *added)) if added else self


def roster_rows(roster: Roster, lang: Lang) -> list[list[Any]]:
    """The 团队 sheet's header and rows, as the manager edits them."""
    rows: list[list[Any]] = [[h(lang) for h in ROSTER_HEADERS]]
    for m in roster.members:
        others = NAME_SEPARATOR(lang).join(m.other_names) or None
        rows.append([m.name, others, m.office, NEW(lang) if m.new else None])
    return rows


def roster_from_rows(rows: Sequence[Sequence[Any]]) -> Roster:
    """The roster a manager left on the 团队 sheet: the first row naming a 姓名 column is
    the header; blank rows are skipped; columns it does not know are ignored."""
    texts = [[key(str(c)) if c is not None else "" for c in row] for row in rows]
    h = next((i for i, words in enumerate(texts) if _NAME_WORDS & set(words)), None)
    if h is None:
        return Roster()
    words = texts[h]

    def column(names: set[str]) -> int | None:
        return next((i for i, w in enumerate(words) if w in names), None)

    name_col, other_col, office_col, status_col = (
        column(_NAME_WORDS),
        column(_OTHER_WORDS),
        column(_OFFICE_WORDS),
        column(_STATUS_WORDS),
    )

    def cell(row: Sequence[Any], col: int | None) -> str:
        value = row[col] if col is not None and col < len(row) else None
        return str(value).strip() if value is not None else ""

    members: list[Member] = []
    for row in rows[h + 1 :]:
        name = cell(row, name_col)
        if not name:
            continue
        others = tuple(p for p in _SEPARATORS.split(cell(row, other_col)) if p)
        new = key(cell(row, status_col)) in _NEW_WORDS
        members.append(Member(name, others, cell(row, office_col) or None, new))
    return Roster(tuple(members))


_PERIOD = re.compile(
    r"""^(
        (19|20)\d{2}([-_.年/]?\d{1,2}(月)?([-_.]?\d{1,2}(日)?)?)?   # 2026, 2026-11, 2026年11月, 20261103
      | \d{1,2}月(份)?                                           # 11月, 11月份
      | (第?[一二三四五六七八九十\d]{1,2}(季度|周|月))              # 第一季度, 第3周
      | q[1-4]|h[12]|w\d{1,2}|week\s?\d{1,2}|month\s?\d{1,2}     # Q1, W47, week 3
      | (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(\s?\d{2,4})?
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_OFFICE_MARKS = re.compile(
    r"(区|部|组|处|科|办事处|分公司|公司|中心|团队|大区|片区|省|市|县|门店|店|office|region|branch|team|group|dept)$",
    re.IGNORECASE,
)
_NOT_NAMES = {
    key(w)
    for w in (
        "team",
        "teams",
        "data",
        "reps",
        "sales",
        "shared",
        "backup",
        "archive",
        "old",
        "new",
        "inbox",
        "export",
        "registers",
        "master",
        "销售",
        "销售部",
        "数据",
        "资料",
        "登记表",
        "汇总",
        "备份",
        "归档",
        "新建文件夹",
        "共享",
        "客户",
        "模板",
        "报表",
        "表格",
        "文件",
        "文档",
        "记录",
        "统计",
        "日报",
        "周报",
        "月报",
        "业务",
        "市场",
        "下载",
        "桌面",
        "工作",
        "其他",
        "其它",
        "新",
        "旧",
        "表",
        "老",
        "全部",
        "临时",
    )
}
_HAN_NAME = re.compile(r"^[\u4e00-\u9fff]{1,4}$|^[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8}$")
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z'.-]*( [A-Za-z][A-Za-z'.-]*){0,2}$")
_REGISTER_WORDS = re.compile(
    r"(电话记录表?|电话|通话记录|拜访记录表?|拜访|意向客户|意向|发货单?|出库|记录表?|登记表?|"
    r"calls?|visits?|leads?|shipments?|register)",
    re.IGNORECASE,
)
_STEM_NOISE = re.compile(r"[\s\-_.()（）\[\]【】]+")


def is_period(word: str) -> bool:
    """A month, quarter, week or date folder: `2026-11`, `11月`, `Q4`, `第47周`."""
    return bool(_PERIOD.match(word.strip()))


def is_office(word: str, roster: Roster) -> bool:
    """An office or region folder: one the roster names, or a word that says so."""
    return key(word) in roster.offices or bool(_OFFICE_MARKS.search(word.strip()))


def names_a_person(word: str, roster: Roster) -> bool:
    """A folder or file name that is a rep's name: one on the roster, or one shaped like a
    person's name (one to four Chinese characters, as 甲 and 乙 stand for people, or one
    to three Latin words) that is no period, office or everyday folder word."""
    word = word.strip()
    if roster.member(word):
        return True
    if not word or is_period(word) or is_office(word, roster) or key(word) in _NOT_NAMES:
        return False
    return bool(_HAN_NAME.match(word) or _LATIN_NAME.match(word))


def name_in_file(stem: str, roster: Roster) -> str | None:
    """The rep a file name names: a roster name in it (`11月电话记录-王磊`), else what is
    left when register words and dates are taken out, if that is a Chinese name of two
    characters or more (a Latin word or a lone 表 left in a file name is as often not a
    person as one: only the roster says)."""
    member = roster.name_in(stem)
    if member:
        return member.name
    parts = [p for p in _STEM_NOISE.split(_REGISTER_WORDS.sub(" ", stem)) if p]
    words = [p for p in parts if not is_period(p) and not p.isdigit()]
    candidate = " ".join(words)
    if (
        len(words) == 1
        and len(candidate) > 1
        and _HAN_NAME.match(candidate)
        and names_a_person(candidate, roster)
    ):
        return candidate
    return None


@dataclass(frozen=True)
class Owner:
    """Who a file's path says it belongs to, and the office its folders name."""

    rep: str | None
    office: str | None


def owner_from_path(folders: Sequence[str], stem: str, roster: Roster) -> Owner:
    """The rep and office named by a file's folders (from the team folder down) and name.

    The file name comes first, then the nearest folder that names a person; office and
    region folders give the office, month folders nothing."""
    office = next((f for f in reversed(folders) if is_office(f, roster)), None)
    rep = name_in_file(stem, roster)
    if rep is None:
        rep = next((f for f in reversed(folders) if names_a_person(f, roster)), None)
    member = roster.member(rep) if rep else None
    if member:
        return Owner(member.name, member.office or office)
    return Owner(rep, office)
