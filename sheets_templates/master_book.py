"""The master workbook before its first Refresh, as data: a home sheet with the Refresh
button and its instructions, and the `xlwings.conf` sheet the add-in and the Refresh read.

A writer (`sync.templates_xlsx`) turns it into a file; the Refresh (`addin.buttons`)
reads the same conf keys back.
"""

from __future__ import annotations

from dataclasses import dataclass

from .templates import Cell, FreeSheet
from .words import Lang, Text

CONF_SHEET = "xlwings.conf"
CONF_TEAM = "SALESFLOW_TEAM_FOLDER"
CONF_STORE = "SALESFLOW_STORE"
CONF_LANG = "SALESFLOW_LANG"
UDF_MODULES = "addin.functions;addin.buttons"
MASTER_NAME = "salesflow_master"
"""The master's file stem. xlwings' button macro runs `import <stem>; <stem>.main()`, so
a `salesflow_master.py` beside the workbook turns that call into our Refresh."""

MASTER_HOME = Text("首页", "Home")
MASTER_TITLE = Text("销售汇总：三步用起来", "Sales master: three steps")
REFRESH_CAPTION = Text("刷新 Refresh", "Refresh")
MASTER_STEPS = (
    Text(
        "① 把每位销售员填好的登记表放进本文件旁边的“{folder}”文件夹（可以按人或办公室分子文件夹）。",
        "1. Put each rep's filled-in register workbook in the “{folder}” folder beside this "
        "file (subfolders per rep or office are fine).",
    ),
    Text(
        "② 点上面的“刷新”按钮：读取、检查每个文件，汇总到本工作簿。",
        "2. Click Refresh above: every file is read, checked and consolidated into this workbook.",
    ),
    Text(
        "③ 看“晨会”表开早会（12:00 以后刷新打开的是“夕会”表）；文件里的错误列在“数据问题”表。",
        "3. Open the “Morning meeting” sheet for the morning meeting (after 12:00 Refresh "
        "opens “Evening meeting”); mistakes in the files are listed on “Data problems”.",
    ),
)
"""The three things a manager does, one line each; `{folder}` is the team folder."""
MASTER_NOTES_TITLE = Text("如果“刷新”不工作", "If Refresh does not work")
MASTER_NOTES = (
    Text(
        "改过本文件的名字？把旁边的 {stem}.py 改成同一个名字（例：三月汇总.xlsm → 三月汇总.py）："
        "“刷新”按工作簿的名字找这个文件。",
        "Renamed this file? Rename {stem}.py beside it to the same name (e.g. March.xlsm → "
        "March.py): Refresh looks for that file by the workbook's name.",
    ),
    Text(
        "需要：Windows 或 macOS 上的 Excel，并已安装 Python、salesflow 和 xlwings。",
        "Needs Excel on Windows or macOS with Python, salesflow and xlwings installed.",
    ),
    Text(
        "换一个团队文件夹：取消隐藏 xlwings.conf 表（右键工作表标签 → 取消隐藏），"
        "改 SALESFLOW_TEAM_FOLDER（相对本文件所在文件夹）。",
        "Another team folder: unhide the xlwings.conf sheet (right-click a sheet tab → "
        "Unhide) and change SALESFLOW_TEAM_FOLDER (relative to this file's folder).",
    ),
    Text(
        "没有 Excel 时，同样的汇总：salesflow sync --from {folder} --master 汇总.xlsx",
        "Without Excel, the same consolidation: salesflow sync --from {folder} --master "
        "master.xlsx",
    ),
)
"""What to do when Refresh does not run, for whoever sets the master up."""


@dataclass(frozen=True)
class MasterTemplate:
    """The master workbook before its first Refresh: a home sheet with the Refresh button
    and the `xlwings.conf` sheet (settings xlwings and the Refresh read; hidden, so a
    manager sees the three steps, not the settings — xlwings reads a hidden sheet too)."""

    lang: Lang
    home: FreeSheet
    conf: FreeSheet
    button_cell: str
    button_caption: str
    settings: dict[str, str]


def master_template(
    lang: Lang = "zh", team_folder: str = "team", store: str = ""
) -> MasterTemplate:
    """The master in `lang`; `team_folder` and `store` as the Refresh will read them."""
    home = [Cell("A1", MASTER_TITLE(lang), "title")]
    home += [
        Cell(f"A{n}", step(lang, folder=team_folder), "label")
        for n, step in enumerate(MASTER_STEPS, start=5)
    ]
    home.append(Cell("A10", MASTER_NOTES_TITLE(lang), "section"))
    home += [
        Cell(f"A{n}", note(lang, folder=team_folder, stem=MASTER_NAME), "note")
        for n, note in enumerate(MASTER_NOTES, start=11)
    ]
    settings = {
        "UDF Modules": UDF_MODULES,
        CONF_TEAM: team_folder,
        CONF_STORE: store,
        CONF_LANG: lang,
    }
    conf = [Cell(f"A{n}", key, "label") for n, key in enumerate(settings, start=1)]
    conf += [Cell(f"B{n}", value, "text") for n, value in enumerate(settings.values(), start=1)]
    return MasterTemplate(
        lang=lang,
        home=FreeSheet(MASTER_HOME(lang), tuple(home), (90.0,)),
        conf=FreeSheet(CONF_SHEET, tuple(conf), (26.0, 40.0)),
        button_cell="A3",
        button_caption=REFRESH_CAPTION(lang),
        settings=settings,
    )
