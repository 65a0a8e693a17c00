"""Every word the master shows: sheet titles, table titles, headers, labels and flag
details, each a `Text` (or a `Count`) with its Chinese and English side by side.

The builders in `master_sheets` pick them with `phrase(lang)`; the sync and the readers
of a master use `SHEET_TITLES` to find a sheet by its title in either language.
"""

from __future__ import annotations

from sheets_templates.roster import ROSTER_SHEET
from sheets_templates.status import STATUS_WORDS
from sheets_templates.words import Count, Text

SHEET_TITLES = {
    "morning": Text("晨会", "Morning meeting"),
    "evening": Text("夕会", "Evening meeting"),
    "follow_ups": Text("今天先联系谁", "Contact today"),
    "kpis": Text("指标完成情况", "KPIs"),
    "objections": Text("客户异议", "Objections"),
    "pipeline": Text("客户分级", "Pipeline"),
    "flags": Text("预警", "Flags"),
    "receivables": Text("应收款", "Receivables"),
    "problems": Text("数据问题", "Data problems"),
    "calls": Text("电话记录", "Calls"),
    "visits": Text("拜访记录", "Visits"),
    "leads": Text("意向客户", "Leads"),
    "shipments": Text("发货", "Shipments"),
    "targets": Text("指标", "Targets"),
    "team": ROSTER_SHEET,
    "sync_log": Text("同步记录", "Sync log"),
}
"""Each sheet's title: the two meetings first (the sync's meeting in front), the raw
registers after."""

# --- words shared by many tables ---------------------------------------------------

REP = Text("销售员", "Rep")
CUSTOMER = Text("客户", "Customer")
DATE = Text("日期", "Date")
TIME = Text("时间", "Time")
CONTACT = Text("联系人", "Contact")
PHONE = Text("电话", "Phone")
METRIC = Text("指标", "Metric")
PERIOD = Text("周期", "Period")
TARGET = Text("目标", "Target")
RATIO = Text("完成率", "Done")
STATUS = Text("状态", "Status")
RANK = Text("名次", "Rank")
COUNT = Text("数量", "Count")
TOTAL = Text("合计", "Total")
NONE = Text("（无）", "(none)")
FILE = Text("来源文件", "Source file")
SHEET = Text("工作表", "Sheet")
ROW = Text("行", "Row")
OUTSTANDING = Text("未回款", "Outstanding")
OVERDUE_DAYS = Text("逾期天数", "Days overdue")
BUCKET = Text("账龄（天）", "Aging (days)")
YES = Text("是", "Yes")
NO = Text("否", "No")

PERIODS = {"day": Text("日", "Day"), "week": Text("周", "Week"), "month": Text("月", "Month")}
"""A KPI period's name, by the period's key."""
PERIOD_COLUMN = Text("{period}{word}", "{period}: {word}")
"""A KPI column of one period: 日实际, Day: Actual."""
ACTUAL = Text("实际", "Actual")
KPI_STATUS = STATUS_WORDS
"""A KPI's status, by `Kpi.status`: the three words every surface shows (`sheets_templates.status`)."""

# --- the objections sheet, every KPI ----------------------------------------------

OBJECTIONS = Text("今日客户异议与待解决问题", "Today's objections and open questions")
OBJECTION = Text("客户异议", "Objection")
QUESTION = Text("待解决问题", "Open question")
ALL_KPIS = Text(
    "各项指标（日 / 周 / 月，截至数据日期）", "Every KPI (day / week / month, to the as-of date)"
)
MONEY_KPIS = Text(
    "销售额与回款（¥，日 / 周 / 月，截至数据日期）",
    "Sales and collections (¥, day / week / month, to the as-of date)",
)

# --- pipeline ----------------------------------------------------------------------

GRADES = Text("A–D 分级统计", "Leads by grade (A–D)")
NEW_THIS_WEEK = Text("本周新增意向客户", "New intent leads this week")
PIPELINE_DETAIL = Text("客户明细", "Customers")
GRADE = Text("等级", "Grade")
GRADED_ON = Text("最近分级日期", "Last graded")
FIRST_GRADED_ON = Text("首次分级日期", "First graded")

# --- flags -------------------------------------------------------------------------

FLAGS = Text(
    "预警（需要经理处理的事项，可按类型、销售员筛选）",
    "Flags (what needs the manager; filter by type and rep)",
)
FLAG = Text("类型", "Type")
DETAIL = Text("详情", "Details")
STALLED = Text("停滞客户", "Stalled customer")
STALLED_DETAIL = Count(
    "连续 {n} 次拜访未突破（{first} 至 {last}），无新计划：不再批准出差",
    "{n} visit without breakthrough ({first} to {last}), no new plan: no more trips",
    "{n} visits without breakthrough ({first} to {last}), no new plan: no more trips",
)
COLLISION = Text("撞单", "Collision")
COLLISION_DETAIL = Text(
    "{owner} 于 {owner_registered} 先登记（按{by}），本人登记于 {registered}",
    "{owner} registered it first on {owner_registered} (same {by}); this rep on {registered}",
)
COLLISION_BY = {"name": Text("客户名称", "name"), "phone": Text("电话", "phone")}
"""What two reps' leads matched on, by `Collision.by`."""
DUPLICATE = Text("重复记录", "Duplicate")
DUP_OTHER = Text(
    "与 {file} [{sheet}] 第{row}行重复（{key}），本行不计",
    "Same as {file} [{sheet}] row {row} ({key}); this row is not counted",
)
OVERDUE = Text("逾期未回款", "Overdue payment")
OVERDUE_DETAIL = Count(
    "合同 {order} {product}：逾期 {n} 天，未回款 {amount}（账龄 {bucket} 天）",
    "Order {order} {product}: {n} day overdue, {amount} outstanding (aging {bucket} days)",
    "Order {order} {product}: {n} days overdue, {amount} outstanding (aging {bucket} days)",
)

# --- receivables -------------------------------------------------------------------

AGING = Text(
    "应收账款账龄（每位销售员先列合计，再按客户）",
    "Receivables aging (each rep's total, then by customer)",
)
NOT_DUE = Text("未到期", "Not yet due")
CHAIN = Text(
    "订单进度（需货申请 → 发货 → 客户确认 → 回款）",
    "Orders (requisition → shipped → confirmed → collected)",
)

# --- problems, registers, targets, log ---------------------------------------------

PROBLEMS = Text(
    "数据问题（每个问题一行，可筛选排序）", "Data problems (one per row; filter and sort them)"
)
COLUMN = Text("列", "Column")
HEADER = Text("表头", "Header")
VALUE = Text("值", "Value")
SEVERITY = Text("严重程度", "Severity")
CODE = Text("代码", "Code")
MESSAGE = Text("说明", "Message")
SEVERITIES = {"error": Text("错误", "Error"), "warning": Text("提醒", "Warning")}
"""A problem's severity, by `str(Problem.severity)`."""
UNREADABLE = Text("无法读取", "Unreadable")
EXTRA = Text("其他列", "Other columns")
TEAM_NOTE = Text(
    "团队名单可直接在此修改，下次同步生效：同一人的其他写法填在“其他叫法”（用、分隔），"
    "文件夹里的办公室/区域填在“办公室/区域”。“状态”为“新，待确认”的是同步时发现的新名字："
    "确认是新人请清空“状态”，是别人的其他叫法请把它填到那人的“其他叫法”里并删除这一行。",
    "Edit the team here; the next sync uses it. Put other ways a rep's name is written "
    "under Other names (comma-separated) and their office or region under Office. Rows "
    "whose Status is 'new, to confirm' are names a sync found: clear the Status to confirm "
    "a new rep, or add the name to a rep's Other names and delete the row.",
)
TARGETS_NOTE = Text(
    "指标可直接在此修改，下次同步生效。“全部”行是全队的默认指标（留空表示不设指标）；"
    "销售员行只填要单独设置的指标，留空表示沿用“全部”。",
    "Edit the targets here; the next sync uses them. The All row is the team's "
    "default (blank: no target); in a rep's row fill only what differs (blank: as All).",
)
LOG = Text("同步记录（每次同步一行）", "Sync log (one row per sync)")
LOG_HEADER = (
    Text("序号", "No"),
    Text("开始时间", "Started"),
    Text("结束时间", "Finished"),
    Text("数据日期", "As of"),
    Text("已同步", "Synced"),
    Text("未变", "Unchanged"),
    Text("跳过", "Skipped"),
    Text("无法读取", "Unreadable"),
    Text("已消失", "Gone"),
    Text("记录数", "Records"),
    Text("新增", "Added"),
    Text("修改", "Updated"),
    Text("删除", "Removed"),
    Text("问题数", "Issues"),
)
"""The sync log's columns, one per field of a `sync_log` row."""
