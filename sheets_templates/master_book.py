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
MASTER_TITLE = Text("销售汇总", "Sales master")
REFRESH_CAPTION = Text("刷新 Refresh", "Refresh")
MASTER_STEPS = (
    Text(
        "点“刷新”：读取团队文件夹里每个销售员的登记表，校验、汇总，写入本工作簿。",
        "Click Refresh: every rep's registers in the team folder are read, checked and "
        "consolidated into this workbook.",
    ),
    Text(
        "团队文件夹在 xlwings.conf 表的 SALESFLOW_TEAM_FOLDER（相对本文件所在文件夹）。",
        "The team folder is SALESFLOW_TEAM_FOLDER on the xlwings.conf sheet (relative to "
        "this file's folder).",
    ),
    Text(
        f"{MASTER_NAME}.py 必须和本工作簿放在同一文件夹，且与工作簿同名。",
        f"{MASTER_NAME}.py must stay beside this workbook, with the workbook's name.",
    ),
    Text(
        "需要：Windows 或 macOS 上的 Excel，已安装 Python、salesflow 和 xlwings。",
        "Needs Excel on Windows or macOS with Python, salesflow and xlwings installed.",
    ),
    Text(
        "没有 Excel 时，同样的汇总：salesflow sync --from 团队文件夹 --master 汇总.xlsx",
        "Without Excel, the same consolidation: salesflow sync --from TEAM --master master.xlsx",
    ),
)
"""The home sheet's instructions, one line each."""


@dataclass(frozen=True)
class MasterTemplate:
    """The master workbook before its first Refresh: a home sheet with the Refresh button
    and the `xlwings.conf` sheet (settings xlwings and the Refresh read)."""

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
    home += [Cell(f"A{n}", step(lang), "note") for n, step in enumerate(MASTER_STEPS, start=5)]
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
