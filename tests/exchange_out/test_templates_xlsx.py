"""The XLSX import templates: bilingual headers, text-formatted identifiers, dropdowns, hints, notes."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from lnob.exchange.schema import TABLES, Kind, normalise_header
from lnob.exchange.templates_xlsx import CODES_SHEET, NOTES_SHEET, header_text, template_xlsx
from lnob.registry.models import RiskType

pytestmark = pytest.mark.django_db


def load(table: str) -> Any:
    return openpyxl.load_workbook(io.BytesIO(template_xlsx(TABLES[table])))


def validations(ws: Any) -> dict[str, Any]:
    """Data validations by the column letter they cover."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out[rng.split(":")[0].rstrip("0123456789")] = dv
    return out


def column_letter(table: str, name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter([c.name for c in TABLES[table].columns].index(name) + 1)


@pytest.mark.parametrize("table", list(TABLES))
def test_every_template_opens_with_headers_and_notes_and_no_example_row(table):
    wb = load(table)
    data = wb.worksheets[0]
    assert wb.sheetnames[:2] == [data.title, NOTES_SHEET]
    columns = TABLES[table].columns
    headers = [c.value for c in data[1]]
    assert headers == [header_text(c) for c in columns]
    assert data.max_row == 1, "the data sheet must not carry an example row"
    for cell, column in zip(data[1], columns, strict=True):
        assert bool(cell.font.b) == column.required
        assert cell.value.startswith("*") == column.required
        assert column.zh in cell.value and column.name in cell.value
    dvs = validations(data)
    for column in columns:
        dv = dvs[column_letter(table, column.name)]
        assert dv.promptTitle == column.zh[:32]
        assert dv.showInputMessage
        if column.example:
            assert column.example in dv.prompt
        if column.required:
            assert "必填" in dv.prompt


@pytest.mark.parametrize("table", list(TABLES))
def test_each_part_of_a_template_header_is_an_accepted_header(table):
    accepted = TABLES[table].header_map()
    for column in TABLES[table].columns:
        parts = header_text(column).split()
        assert [accepted[normalise_header(p)] for p in parts] == [column.name, column.name]


def test_identifiers_are_text_and_dates_are_dates():
    ws = load("persons").worksheets[0]
    for name in ("id_number", "household_number", "phone", "bank_account", "relation"):
        assert ws.column_dimensions[column_letter("persons", name)].number_format == "@", name
    assert ws.column_dimensions[column_letter("persons", "birth_date")].number_format == "yyyy-mm-dd"
    households = load("households").worksheets[0]
    assert households.column_dimensions[column_letter("households", "village")].number_format == "@"
    assert households.column_dimensions[column_letter("households", "contact_phone")].number_format == "@"
    incomes = load("incomes").worksheets[0]
    assert incomes.column_dimensions[column_letter("incomes", "amount")].number_format == "0.00"
    assert incomes.column_dimensions[column_letter("incomes", "id_number")].width >= 20


def test_code_columns_have_dropdowns_of_codes():
    ws = load("persons").worksheets[0]
    dvs = validations(ws)
    relation = dvs[column_letter("persons", "relation")]
    assert relation.type == "list"
    assert relation.formula1.strip('"').split(",")[:3] == ["head", "spouse", "child"]
    assert "head=户主" in relation.prompt
    sex = dvs[column_letter("persons", "sex")]
    assert sex.formula1 == '"M,F"'
    health = dvs[column_letter("persons", "health")]
    assert health.formula1 == '"healthy,chronic,serious"'


def test_ethnic_groups_dropdown_lists_all_56():
    dv = validations(load("persons").worksheets[0])[column_letter("persons", "ethnicity")]
    names = dv.formula1.strip('"').split(",")
    assert len(names) == 56 and "汉族" in names and "彝族" in names


def test_long_code_lists_go_to_a_hidden_sheet():
    RiskType.objects.bulk_create(
        RiskType(code=f"local_risk_{i:02d}", name_zh=f"本地风险{i}", name_en=f"Local {i}") for i in range(30)
    )
    wb = load("shocks")
    assert CODES_SHEET in wb.sheetnames
    codes = wb[CODES_SHEET]
    assert codes.sheet_state == "hidden"
    listed = [c.value for c in codes["A"]][1:]
    assert "local_risk_29" in listed and "illness" in listed
    dv = validations(wb.worksheets[0])[column_letter("shocks", "risk_type")]
    assert dv.type == "list" and dv.formula1 == f"{CODES_SHEET}!$A$2:$A${len(listed) + 1}"
    assert CODES_SHEET not in load("households").sheetnames  # short lists stay inline


def test_risk_types_come_from_the_database():
    RiskType.objects.create(code="local_landslide", name_zh="因山体滑坡", name_en="Landslide", sort=200)
    RiskType.objects.filter(code="other").update(active=False)
    wb = load("shocks")
    dv = validations(wb.worksheets[0])[column_letter("shocks", "risk_type")]
    listed = (
        [c.value for c in wb[CODES_SHEET]["A"]][1:]
        if CODES_SHEET in wb.sheetnames
        else dv.formula1.strip('"').split(",")
    )
    assert "local_landslide" in listed and "illness" in listed and "other" not in listed
    notes = "\n".join(str(c.value) for row in wb[NOTES_SHEET].iter_rows() for c in row if c.value)
    assert "local_landslide = 因山体滑坡" in notes


def test_yes_no_and_amount_validation():
    ws = load("households").worksheets[0]
    dvs = validations(ws)
    assert dvs[column_letter("households", "housing_safe")].formula1 == '"是,否"'
    amount = validations(load("incomes").worksheets[0])[column_letter("incomes", "amount")]
    assert amount.type == "decimal" and amount.operator == "greaterThanOrEqual"


def test_notes_sheet_lists_every_column():
    table = TABLES["persons"]
    notes = load("persons")[NOTES_SHEET]
    rows = [[c.value for c in row] for row in notes.iter_rows(min_row=5)]
    assert [r[0] for r in rows] == [c.name for c in table.columns]
    by_name = {r[0]: r for r in rows}
    assert by_name["id_number"][1] == "身份证号"
    assert "公民身份号码" in by_name["id_number"][2]
    assert by_name["id_number"][4] == "是" and by_name["skills"][4] is None
    assert "healthy = 健康" in by_name["health"][5]
    assert by_name["id_number"][6] == "53062720050101001X"
    assert all(c.kind != Kind.CODE or by_name[c.name][5] for c in table.columns)


def test_template_view(world):
    c = Client()
    c.force_login(world.zx_cadre1)
    response = c.get("/exchange/templates/persons.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[1] == NOTES_SHEET
    assert c.get("/exchange/templates/nope.xlsx").status_code == 404
    assert c.get("/exchange/templates/persons.csv").status_code == 404
    assert c.get("/exchange/templates/_by_name.xlsx").status_code == 404
    nobody = Client()
    nobody.force_login(world.nobody)
    assert nobody.get("/exchange/templates/persons.xlsx").status_code == 404
    assert Client().get("/exchange/templates/persons.xlsx").status_code == 302
    department = Client()  # supplies feeds without seeing the registry
    department.force_login(world.zx_department)
    assert department.get("/exchange/templates/incomes.xlsx").status_code == 200


def test_index_page_lists_tables_and_notices(world):
    c = Client()
    c.force_login(world.zx_cadre1)
    page = c.get("/exchange/").content.decode()
    for name in TABLES:
        assert f"/exchange/templates/{name}.xlsx" in page
    assert "/exchange/notice/530627102201.html" in page
    assert "/exchange/notice/530627102202.html" not in page  # not this cadre's village
    auditor = Client()
    auditor.force_login(world.zx_auditor)
    page = auditor.get("/exchange/").content.decode()
    assert "/exchange/templates/persons.xlsx" in page and "/exchange/notice/" not in page
    assert "导出农户名册" in page
    nobody = Client()
    nobody.force_login(world.nobody)
    assert nobody.get("/exchange/").status_code == 404
    department = Client()
    department.force_login(world.zx_department)
    page = department.get("/exchange/").content.decode()
    assert "/exchange/templates/incomes.xlsx" in page and "导出农户名册" not in page


def test_command_writes_a_template(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = tmp_path / "areas.xlsx"
    call_command("exchange", "template", "areas", "-o", str(out))
    assert openpyxl.load_workbook(out).worksheets[0]["A1"].value == "*区划代码 code"
    with pytest.raises(CommandError, match="unknown table"):
        call_command("exchange", "template", "nope", "-o", str(out))


@pytest.mark.parametrize("table", ["households", "persons"])
def test_a_filled_in_template_is_read_by_the_importer(tmp_path, table):
    from lnob.exchange.parse import read_table

    wb = load(table)
    ws = wb.worksheets[0]
    for col, column in enumerate(TABLES[table].columns, start=1):
        ws.cell(row=2, column=col, value=column.example or None)
    path = tmp_path / f"{table}.xlsx"
    wb.save(path)
    parsed = read_table(path, TABLES[table])
    assert set(parsed.columns) == {c.name for c in TABLES[table].columns}
