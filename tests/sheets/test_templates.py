"""The templates as files: what a rep and a manager get from `salesflow templates`."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from addin import buttons
from sheets_templates import rules
from sheets_templates.choices import LEAD_SOURCES
from sheets_templates.master_book import CONF_SHEET, CONF_TEAM, MASTER_NAME, master_template
from sheets_templates.registers import REGISTERS
from sheets_templates.templates import (
    CHECK_MACRO,
    LEAD_SOURCES_EN,
    REGISTER_ROWS,
    rep_template,
)
from sheets_templates.words import LANGS
from sync.check import run_check
from sync.cli import main
from sync.templates_xlsx import REP_FILE, VBA_MACRO, write_rep_workbook, write_templates

from .workbooks import DAY, write_sample_workbook


@pytest.fixture(scope="module", params=LANGS)
def written(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, list[Path]]:
    lang = request.param
    return lang, write_templates(tmp_path_factory.mktemp(f"templates-{lang}"), lang)


def test_rep_workbook_has_every_register_with_its_headers(written):
    lang, paths = written
    book = openpyxl.load_workbook(paths[0])
    template = rep_template(lang)
    assert book.sheetnames == [
        template.today.name,
        *(r.name for r in template.registers),
        template.settings.name,
    ]
    for sheet in template.registers:
        ws = book[sheet.name]
        assert [c.value for c in ws[1]] == [f.header(lang) for f in sheet.register.fields]
        assert ws.freeze_panes == "B2"
        assert len(ws.tables) == 1
        table = next(iter(ws.tables.values()))
        assert table.ref.endswith(str(1 + REGISTER_ROWS[sheet.register.name]))


def test_dropdowns_hints_and_flags_are_where_the_rep_types(written):
    lang, paths = written
    book = openpyxl.load_workbook(paths[0])
    template = rep_template(lang)
    for sheet in template.registers:
        ws = book[sheet.name]
        validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
        for column in sheet.columns:
            where = f"{column.letter}{sheet.first_row}:{column.letter}{sheet.last_row}"
            if column.choices:
                dv = validations[where]
                assert dv.type == "list"
                assert dv.formula1.strip('"').split(",") == list(column.choices)
            if column.hint:
                assert validations[where].prompt == column.hint
        flagged = {
            str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in ws.conditional_formatting
        }
        for column in sheet.columns:
            if column.flags:
                assert flagged[
                    f"{column.letter}{sheet.first_row}:{column.letter}{sheet.last_row}"
                ] == [f[1:] for f in column.flags]
    leads = template.register("leads")
    assert leads.column("lead_source").choices == (
        LEAD_SOURCES if lang == "zh" else LEAD_SOURCES_EN
    )
    assert {c.field.name for s in template.registers for c in s.columns if c.flags} == {
        "phone",
        "date",
        "registered",  # a text date Today cannot count is red
        "amount",
    }


def test_full_recalculation_on_load(written):
    _lang, paths = written
    for path in paths[:2]:
        with zipfile.ZipFile(path) as archive:
            assert 'fullCalcOnLoad="1"' in archive.read("xl/workbook.xml").decode()


def test_lead_grade_column_is_the_rule_formula(written):
    lang, paths = written
    leads = rep_template(lang).register("leads")
    ws = openpyxl.load_workbook(paths[0])[leads.name]
    col = leads.column("grade").letter
    refs = [f"${leads.column(f).letter}7" for f in rules.STAGE_FACTS]
    assert ws[f"{col}7"].value == rules.grade_formula(*refs)
    assert ws[f"{col}{leads.last_row}"].value.startswith("=IF(")


def test_check_button_calls_the_addin_script(written):
    _lang, paths = written
    with zipfile.ZipFile(paths[0]) as archive:
        vml = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".vml")]
    assert any(f"[0]!{CHECK_MACRO}</x:FmlaMacro>" in v for v in vml)
    assert callable(getattr(buttons, CHECK_MACRO))


def test_empty_template_checks_clean(written):
    _lang, paths = written
    report = run_check([paths[0]], DAY)
    assert report.exit_code() == 0
    assert {s.kind for f in report.files for s in f.sheets} == {None, *REGISTERS}


@pytest.mark.parametrize("lang", LANGS)
def test_filled_template_checks_clean_before_any_recalculation(tmp_path: Path, lang: str):
    """As written (formulas carry blank cached grades), a filled template reads back
    with zero problems: nothing the template adds looks like a mistake."""
    path = write_sample_workbook(tmp_path / f"sample-{lang}.xlsx", lang)
    report = run_check([path], DAY)
    assert report.errors == report.warnings == 0
    assert report.rows == report.valid > 100
    assert {s.rep for f in report.files for s in f.sheets if s.kind} == {"张三"}


def test_settings_reach_the_reader(tmp_path: Path):
    path = write_rep_workbook(
        tmp_path / "x.xlsx",
        rep_template("zh"),
        {
            "calls": [
                {"date": "11月3日", "customer": "甲", "phone": "13800138000", "effective": "是"}
            ]
        },
        {"rep": "李四", "month": "2025-11"},
    )
    report = run_check([path], DAY, keep_records=True)
    calls = next(s for s in report.files[0].sheets if s.kind == "calls")
    assert [(r.rep, r.date) for r in calls.records] == [("李四", date(2025, 11, 3))]


def test_master_workbook_has_the_vba_project_button_and_conf_sheet(tmp_path: Path):
    xlsm, sidecar = write_templates(tmp_path, "zh", "reps")[1:]
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(xlsm))
    modules = {name: code for _f, _s, name, code in parser.extract_macros()}
    parser.close()
    assert f"Sub {VBA_MACRO}()" in modules["Module1.bas"]
    assert "RunPython" in modules["Module1.bas"]
    assert {"ThisWorkbook.cls", "Sheet1.cls", "Sheet2.cls"} <= set(modules)
    with zipfile.ZipFile(xlsm) as archive:
        names = archive.namelist()
        workbook = archive.read("xl/workbook.xml").decode()
        vml = [archive.read(n).decode() for n in names if n.endswith(".vml")]
    assert "xl/vbaProject.bin" in names
    assert 'codeName="ThisWorkbook"' in workbook
    assert any(f"[0]!{VBA_MACRO}</x:FmlaMacro>" in v for v in vml)
    conf = openpyxl.load_workbook(xlsm)[CONF_SHEET]
    pairs = {r[0]: r[1] for r in conf.iter_rows(values_only=True)}
    assert pairs[CONF_TEAM] == "reps"
    assert pairs["UDF Modules"] == "addin.functions;addin.buttons"
    assert sidecar.name == f"{MASTER_NAME}.py"


def test_master_sidecar_makes_the_button_run_refresh(tmp_path: Path):
    """The quickstart macro runs `import <stem>; <stem>.main()` from the workbook's
    folder: that `main` must be our Refresh."""
    write_templates(tmp_path, "en")
    code = (
        f"import {MASTER_NAME}, addin.buttons; assert {MASTER_NAME}.main is addin.buttons.refresh"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_master_settings_from_the_conf_sheet():
    template = master_template("en", "../team")
    rows = [[k, v] for k, v in template.settings.items()]
    settings = buttons.master_settings(rows, Path("/data/master"), Path("/data/master/m.sqlite"))
    assert settings.team == Path("/data/master/../team")
    assert settings.lang == "en"
    assert settings.store == Path("/data/master/m.sqlite")


def test_templates_command(tmp_path: Path):
    runner = CliRunner()
    done = runner.invoke(main, ["templates", str(tmp_path / "out"), "--lang", "en", "--json"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out" / REP_FILE["en"]).exists()
    assert (tmp_path / "out" / f"{MASTER_NAME}.xlsm").exists()


def test_master_first_sheet_tells_a_manager_three_steps(tmp_path: Path):
    """Before its first Refresh the master opens on three steps naming the team folder,
    the button and the meeting sheet Refresh writes; `xlwings.conf` is hidden (xlwings
    still reads it) so a manager never lands on the settings."""
    xlsm = write_templates(tmp_path, "zh", "销售团队")[1]
    book = openpyxl.load_workbook(xlsm)
    home = book.worksheets[0]
    assert book.active.title == home.title == "首页"
    assert [book[n].sheet_state for n in book.sheetnames] == ["visible", "hidden"]
    assert book.sheetnames[1] == CONF_SHEET
    steps = [home[f"A{n}"].value for n in (5, 6, 7)]
    assert steps[0].startswith("① ") and "“销售团队”文件夹" in steps[0]
    assert steps[1].startswith("② ") and "刷新" in steps[1]
    assert steps[2].startswith("③ ") and "“晨会”" in steps[2] and "“夕会”" in steps[2]
    assert "“数据问题”" in steps[2]
    english = master_template("en", "team").home
    step3 = next(c.value for c in english.cells if c.ref == "A7")
    assert "“Morning meeting”" in step3 and "“Evening meeting”" in step3
    assert "“Data problems”" in step3


def test_a_renamed_master_says_which_file_to_rename_and_then_refreshes(tmp_path: Path):
    """The button's macro names the Python module after the workbook (`ThisWorkbook`,
    not a fixed name), so a renamed master needs its `.py` renamed alike: the home sheet
    says exactly that, and a master and sidecar renamed together reach the Refresh."""
    xlsm, sidecar = write_templates(tmp_path, "en")[1:]
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(xlsm))
    module = next(code for _f, _s, name, code in parser.extract_macros() if name == "Module1.bas")
    parser.close()
    assert "mymodule = Left(ThisWorkbook.Name" in module
    assert 'RunPython "import " & mymodule' in module
    home = openpyxl.load_workbook(xlsm).worksheets[0]
    notes = [c.value for row in home.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(
        f"Rename {MASTER_NAME}.py beside it to the same name (e.g. March.xlsm → March.py)" in n
        for n in notes
    )
    xlsm.rename(tmp_path / "March.xlsm")
    sidecar.rename(tmp_path / "March.py")
    code = "import March, addin.buttons; assert March.main is addin.buttons.refresh"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
