"""The master's tables as the builders make them from a real team: a value per column
in every row, and the words of a flag in both languages."""

from __future__ import annotations

from pathlib import Path

from sync.demo import age_shipment
from sync.engine import run_sync
from sync.master_model import DATE, INT, TEXT
from sync.sources import file_sources

from .teams import AS_OF, Team


def test_every_row_of_every_table_has_a_value_per_column(team: Team, tmp_path: Path) -> None:
    for lang in ("zh", "en"):
        sources = file_sources([team.folder], AS_OF)
        result = run_sync(sources, tmp_path / f"{lang}.sqlite", AS_OF, lang)
        assert [s.title for s in result.sheets][-3:] == (
            ["指标", "团队", "同步记录"] if lang == "zh" else ["Targets", "Team", "Sync log"]
        )
        for sheet in result.sheets:
            for table in sheet.tables:
                widths = {len(row) for row in table.rows}
                assert widths <= {len(table.columns)}, (sheet.key, table.title)


def test_an_order_a_day_overdue_is_flagged_in_the_words_of_each_language(
    team: Team, tmp_path: Path
) -> None:
    row = team.rows["甲"]["shipments"][0]
    row.update(order_no="HT-1", product="打印机", quantity=2, unit_price=150.0, amount=300.0)
    age_shipment(row, AS_OF, 1)  # half of it (150.00) still owed, one day after it was due
    team.write("甲")
    expected = {
        "zh": ("逾期未回款", "合同 HT-1 打印机：逾期 1 天，未回款 150.00（账龄 ≤30 天）"),
        "en": (
            "Overdue payment",
            "Order HT-1 打印机: 1 day overdue, 150.00 outstanding (aging ≤30 days)",
        ),
    }
    for lang, (kind, detail) in expected.items():
        sources = file_sources([team.folder], AS_OF)
        result = run_sync(sources, tmp_path / f"{lang}.sqlite", AS_OF, lang)
        (flags,) = next(s for s in result.sheets if s.key == "flags").tables
        assert [(c.kind, bool(c.tones)) for c in flags.columns] == [
            (TEXT, True),
            (TEXT, False),
            (TEXT, False),
            (TEXT, False),
            (DATE, False),
            (TEXT, False),
            (TEXT, False),
            (INT, False),
        ]
        assert flags.columns[0].tones[kind] == "bad"
        mine = [r for r in flags.rows if r[0] == kind and r[1] == "甲" and "HT-1" in r[3]]
        assert [r[3] for r in mine] == [detail]
    assert [c.header for c in flags.columns] == [
        "Type",
        "Rep",
        "Customer",
        "Details",
        "Date",
        "Source file",
        "Sheet",
        "Row",
    ]
