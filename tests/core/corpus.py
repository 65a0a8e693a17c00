"""Real-shaped sheets that live in reps' workbooks beside (or instead of) the registers.

`NOT_REGISTERS` are the lists and forms that share words with the registers — a customer
master has 客户名称 / 联系人 / 电话, an invoice has 数量 / 单价 / 金额 — and must be
skipped with a note, never read as calls or shipments. `REGISTERS_TO_READ` are real
registers that look thin or odd (a visits log with a phone column, a calls sheet with
four columns) and must still be read as the register they are. Each entry is written as
people make them: titles above the header, totals under the table, blank cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sheet:
    """One sheet as a person left it: its file stem, sheet name and rows."""

    file: str
    sheet: str
    rows: list[list[Any]]
    kind: str | None = None  # the register it must be read as; None: skipped with a note
    csv: bool = False  # saved as `<file>.csv`, one sheet named after the file


def _many(row: list[Any], n: int, vary: int) -> list[list[Any]]:
    """`n` rows like `row`, with the value in column `vary` numbered so rows differ."""
    out = []
    for i in range(n):
        r = list(row)
        r[vary] = f"{r[vary]}{i + 1}"
        out.append(r)
    return out


NOT_REGISTERS: list[Sheet] = [
    Sheet(
        "客户资料",
        "客户名单",
        [
            ["客户名称", "联系人", "电话", "地址", "备注"],
            *_many(["华信科技有限公司", "王经理", "13800138000", "上海市浦东新区", ""], 12, 0),
        ],
    ),
    Sheet(
        "customers",
        "Customers",
        [
            ["Company", "Contact", "Phone", "Email", "City", "Notes"],
            *_many(["Acme Trading Co", "Li Wei", "13912345678", "li@acme.cn", "Suzhou", ""], 8, 0),
        ],
    ),
    Sheet(
        "通讯录",
        "通讯录",
        [
            ["部门通讯录"],
            ["姓名", "部门", "职务", "手机", "座机", "邮箱"],
            *_many(["张三", "销售部", "销售代表", "13700001111", "021-55556666", "z@x.cn"], 10, 0),
        ],
    ),
    Sheet(
        "产品价目表",
        "价目表",
        [
            ["2026年产品价目表"],
            ["产品编号", "产品名称", "规格型号", "单位", "单价", "备注"],
            *_many(["P-00", "工业路由器", "R200", "台", 1280, ""], 15, 0),
        ],
    ),
    Sheet(
        "ERP销售订单导入模板",
        "Sheet1",
        [
            [
                "单据编号",
                "客户编码",
                "客户名称",
                "物料编码",
                "物料名称",
                "规格型号",
                "单位",
                "数量",
                "含税单价",
                "价税合计",
                "税率",
            ],
            *_many(
                [
                    "XSDD-2026-",
                    "C001",
                    "华信科技",
                    "M-1001",
                    "交换机",
                    "S24",
                    "台",
                    2,
                    880,
                    1760,
                    "13%",
                ],
                6,
                0,
            ),
        ],
    ),
    Sheet(
        "物料清单",
        "BOM",
        [
            ["序号", "物料编码", "物料名称", "规格", "单位", "用量", "供应商"],
            *[[i + 1, f"M-{i:04}", "螺丝", "M4x10", "个", 8, "宏达五金"] for i in range(20)],
        ],
    ),
    Sheet(
        "增值税发票",
        "发票",
        [
            ["增值税专用发票"],
            ["购买方名称", "上海华信科技有限公司", None, "开票日期", "2026年11月03日"],
            ["货物或应税劳务名称", "规格型号", "单位", "数量", "单价", "金额", "税率", "税额"],
            ["工业路由器", "R200", "台", 2, 1132.74, 2265.49, "13%", 294.51],
            ["安装服务", None, "次", 1, 500, 500, "6%", 30],
            ["合计", None, None, None, None, 2765.49, None, 324.51],
        ],
    ),
    Sheet(
        "订货单",
        "订货单",
        [
            ["订货单"],
            ["订单号：", "DH20261103-01", None, "下单日期：", "2026-11-03"],
            ["客户：", "华信科技", None, "联系电话：", "13800138000"],
            ["序号", "产品名称", "规格", "单位", "数量", "单价", "金额"],
            [1, "工业路由器", "R200", "台", 2, 1280, 2560],
            [2, "交换机", "S24", "台", 5, 880, 4400],
            ["合计", None, None, None, 7, None, 6960],
        ],
    ),
    Sheet(
        "库存表",
        "库存",
        [
            ["仓库", "产品名称", "型号", "单位", "期初数量", "入库数量", "出库数量", "结存数量"],
            *_many(["上海仓", "路由器", "R", "台", 10, 5, 3, 12], 10, 2),
        ],
    ),
    Sheet(
        "员工花名册",
        "花名册",
        [
            ["工号", "姓名", "性别", "部门", "入职日期", "联系电话", "身份证号"],
            *_many(["E0", "李四", "男", "销售部", "2024-03-01", "13600002222", "3101"], 9, 0),
        ],
    ),
    Sheet(
        "报销单",
        "费用报销",
        [
            ["日期", "费用类别", "金额", "事由", "报销人", "审批人"],
            *_many(["2026-11-03", "交通费", 56, "拜访客户", "张三", "王经理"], 7, 3),
        ],
    ),
    Sheet(
        "报价单-华信科技",
        "报价单",
        [
            ["报价单"],
            ["客户：", "华信科技", None, "报价日期：", "2026-11-03"],
            ["序号", "产品名称", "型号", "数量", "单价", "金额", "备注"],
            [1, "工业路由器", "R200", 2, 1280, 2560, "含税"],
            [2, "交换机", "S24", 5, 880, 4400, None],
            ["合计", None, None, 7, None, 6960, None],
        ],
    ),
    Sheet(
        "invoice_INV-1103",
        "Invoice",
        [
            ["INVOICE"],
            ["Bill to:", "Acme Trading Co", None, "Invoice no:", "INV-1103"],
            ["Item", "Description", "Qty", "Unit Price", "Amount"],
            ["R200", "Industrial router", 2, 1280, 2560],
            ["S24", "Switch", 5, 880, 4400],
            ["Total", None, None, None, 6960],
        ],
    ),
    Sheet(
        "price list",
        "Products",
        [
            ["SKU", "Product Name", "Category", "Unit", "Price"],
            *_many(["R-", "Industrial router", "Network", "pc", 1280], 10, 0),
        ],
    ),
    Sheet(
        "contacts",
        "Address book",
        [
            ["Name", "Company", "Mobile", "Email", "Address"],
            *_many(["Wang Fang", "Huaxin Tech", "13800138000", "w@hx.cn", "Shanghai"], 6, 0),
        ],
    ),
    Sheet(
        "客户名单",
        "客户名单",
        [
            ["客户名称", "联系人", "联系电话", "行业", "地址"],
            *_many(["宏达机械", "赵总", "13900139000", "制造", "苏州工业园区"], 10, 0),
        ],
        csv=True,
    ),
    Sheet(
        "order form",
        "order form",
        [
            ["Product", "Qty", "Price", "Total"],
            ["Industrial router", 2, 1280, 2560],
            ["Switch", 5, 880, 4400],
        ],
        csv=True,
    ),
]

REGISTERS_TO_READ: list[Sheet] = [
    Sheet(
        "拜访记录",
        "拜访",
        [
            ["日期", "销售员", "客户名称", "联系人", "电话", "拜访类型", "拜访目的", "拜访结果"],
            [
                "2026-11-03",
                "张三",
                "华信科技",
                "王经理",
                "13800138000",
                "陌生拜访",
                "介绍产品",
                "有兴趣",
            ],
            ["2026-11-04", "张三", "宏达机械", "赵总", "13900139000", "回访", "送方案", "待定"],
        ],
        kind="visits",
    ),
    Sheet(
        "拜访",
        "拜访",
        [
            ["日期", "销售员", "客户名称", "联系人", "电话", "拜访类型", "结果"],
            ["2026-11-03", "张三", "华信科技", "王经理", "13800138000", "陌生拜访", "有兴趣"],
            ["2026-11-04", "张三", "宏达机械", "赵总", "13900139000", "回访", "待定"],
        ],
        kind="visits",
    ),
    Sheet(
        "11月拜访记录",
        "Sheet1",
        [
            ["日期", "销售员", "客户名称", "联系人", "电话", "拜访类型", "结果"],
            ["2026-11-03", "张三", "华信科技", "王经理", "13800138000", "陌生拜访", "有兴趣"],
        ],
        kind="visits",
    ),
    Sheet(
        "电话",
        "Sheet1",
        [
            ["销售员：张三"],
            ["日期", "客户名称", "电话", "有效通话"],
            ["2026-11-03", "华信科技", "13800138000", "是"],
            ["2026-11-03", "宏达机械", "13900139000", "否"],
        ],
        kind="calls",
    ),
    Sheet(
        "意向客户",
        "意向客户",
        [
            ["客户名称", "联系人", "电话", "负责人", "商务谈判中", "已递交方案"],
            ["华信科技", "王经理", "13800138000", "张三", "是", "是"],
            ["宏达机械", "赵总", "13900139000", "张三", "否", "是"],
        ],
        kind="leads",
    ),
    Sheet(
        "发货",
        "发货记录",
        [
            ["合同号", "申请日期", "销售员", "客户名称", "产品", "数量", "单价", "发货日期"],
            ["HT-001", "2026-11-02", "张三", "华信科技", "路由器", 2, 1280, "2026-11-03"],
            ["HT-002", "2026-11-02", "张三", "宏达机械", "交换机", 5, 880, None],
        ],
        kind="shipments",
    ),
    Sheet(
        "calls",
        "Sheet1",
        [
            ["Date", "Rep", "Customer", "Phone", "Effective", "Outcome"],
            ["2026-11-03", "Zhang San", "Acme Trading Co", "13800138000", "yes", "sent brochure"],
            ["2026-11-03", "Zhang San", "Huaxin Tech", "13900139000", "no", "no answer"],
        ],
        kind="calls",
    ),
    Sheet(
        "visits",
        "visits",
        [
            ["date", "rep", "customer", "visit type", "result"],
            ["2026-11-03", "Zhang San", "Acme Trading Co", "cold", "interested"],
            ["2026-11-04", "Zhang San", "Huaxin Tech", "return", "proposal next week"],
        ],
        kind="visits",
        csv=True,
    ),
    Sheet(
        "客户分级",
        "Sheet1",
        [
            ["客户名称", "负责人", "等级"],
            ["华信科技", "张三", "A"],
            ["宏达机械", "张三", "C"],
        ],
        kind="leads",
    ),
    Sheet(
        "张三电话",
        "张三电话",
        [
            ["日期", "销售员", "客户", "手机", "是否有效"],
            ["2026/11/3", "张三", "华信科技", "138 0013 8000", "是"],
        ],
        kind="calls",
        csv=True,
    ),
]
