"""The roster and who a file belongs to: people, not offices or months."""

import pytest

from sheets_templates.roster import (
    Member,
    Roster,
    name_in_file,
    names_a_person,
    owner_from_path,
    roster_from_rows,
    roster_rows,
)

TEAM = Roster(
    (
        Member("王磊", ("小王", "wang lei"), "华东区"),
        Member("张三", (), "华南区"),
        Member("李四"),
    )
)
NOBODY = Roster()


@pytest.mark.parametrize(
    "folder",
    [
        "华东区",
        "2026-11",
        "11月",
        "2026年11月",
        "Q4",
        "第47周",
        "销售部",
        "team",
        "新建文件夹",
        "报表",
        "新",
    ],
)
def test_offices_months_and_everyday_folders_are_not_people(folder: str) -> None:
    assert not names_a_person(folder, NOBODY)


@pytest.mark.parametrize("folder", ["王磊", "欧阳娜娜", "Li Wei", "zhangsan", "甲"])
def test_names_shaped_like_people_are(folder: str) -> None:
    assert names_a_person(folder, NOBODY)


def test_folders_nest_office_then_rep() -> None:
    assert owner_from_path(["华东区", "王磊"], "calls", NOBODY).rep == "王磊"
    assert owner_from_path(["华东区", "王磊"], "calls", NOBODY).office == "华东区"
    assert owner_from_path(["2026-11"], "王磊", NOBODY).rep == "王磊"
    assert owner_from_path(["2026-11"], "王磊", NOBODY).office is None
    assert owner_from_path(["华东区"], "calls", NOBODY).rep is None


def test_the_file_name_names_the_rep() -> None:
    assert name_in_file("王磊", NOBODY) == "王磊"
    assert name_in_file("11月电话记录-张三", NOBODY) == "张三"
    assert name_in_file("2026年11月_李四_拜访记录", NOBODY) == "李四"
    assert name_in_file("calls", NOBODY) is None
    assert name_in_file("report", NOBODY) is None
    assert name_in_file("电话记录表", NOBODY) is None
    assert name_in_file("意向客户表", NOBODY) is None  # a lone 表 left over is no one


def test_the_roster_knows_other_names_and_offices() -> None:
    owner = owner_from_path(["2026-11"], "小王的电话", TEAM)
    assert (owner.rep, owner.office) == ("王磊", "华东区")
    assert owner_from_path(["wang lei"], "calls", TEAM).rep == "王磊"
    assert TEAM.name_in("王磊磊的表") is not None  # contains 王磊: the roster's name wins
    assert TEAM.member("WANG LEI") == TEAM.members[0]


def test_the_roster_sheet_round_trips_as_a_manager_edits_it() -> None:
    rows = roster_rows(TEAM, "zh")
    assert rows[0] == ["姓名", "其他叫法", "办公室/区域", "状态"]
    assert rows[1] == ["王磊", "小王、wang lei", "华东区", None]
    edited = [["团队名单"], *rows, [None, None, None], ["赵六", "小赵，六哥", "华北区"]]
    roster = roster_from_rows(edited)
    assert [m.name for m in roster.members] == ["王磊", "张三", "李四", "赵六"]
    assert roster.members[3] == Member("赵六", ("小赵", "六哥"), "华北区")
    assert roster.members[0].other_names == ("小王", "wang lei")


def test_new_names_are_added_once_at_the_end_marked_new() -> None:
    grown = TEAM.with_new(["赵六", "小王", "赵六"], {"赵六": "华北区"})
    assert [m.name for m in grown.members] == ["王磊", "张三", "李四", "赵六"]
    assert grown.members[3] == Member("赵六", (), "华北区", new=True)
    assert roster_rows(grown, "en")[4] == ["赵六", None, "华北区", "new, to confirm"]
    assert roster_from_rows(roster_rows(grown, "zh")).members[3].new
    confirmed = [row[:3] for row in roster_rows(grown, "zh")]  # the manager clears 状态
    assert not roster_from_rows(confirmed).members[3].new
    seeded = Roster().with_new(["王磊"], {}, new=False)
    assert seeded.members == (Member("王磊"),)


def test_a_written_name_is_shown_as_the_members_name() -> None:
    assert TEAM.name_of("小王") == "王磊"
    assert TEAM.name_of(" Wang Lei ") == "王磊"
    assert TEAM.name_of("赵六") == "赵六"
