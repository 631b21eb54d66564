"""Exports of the household list: scoped and filtered like the list page, sensitive columns only for
roles that may see them, audited, and safe against formula injection."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from lnob.core import audit
from lnob.exchange.export import escape_formula, export_households, may_export_sensitive, write_table
from lnob.registry.models import Membership
from tests.personas import ZX_TOWN, ZX_V1, ZX_V2, make_household, person

PAYLOADS = ["=CMD|' /C calc'!A0", "+1+1", "-2", "@SUM(1)", "\t=1+1", "\r=1+1"]
ID_HEADER = "户主身份证号"


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 byte-order mark for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def read_xlsx(data: bytes) -> list[list[Any]]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def rows_of(data: bytes, fmt: str) -> list[list[Any]]:
    return read_csv(data) if fmt == "csv" else read_xlsx(data)


def numbers(rows: list[list[Any]]) -> set[str]:
    return {str(r[0]) for r in rows[1:]}


def head_id(household: Any) -> str:
    return Membership.objects.get(household=household, relation="head").person.id_number


# --- scoping ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_is_scoped_like_the_list(world, households, fmt):
    got = {
        name: numbers(rows_of(login(world.users[name]).get(f"/exchange/households.{fmt}").content, fmt))
        for name in ("zx_cadre1", "zx_cadre2", "zx_township", "wz_admin", "zx_auditor")
    }
    assert got["zx_cadre1"] == {households["v1"].number}
    assert got["zx_cadre2"] == {households["v2"].number}
    assert got["zx_township"] == {households["v1"].number, households["v2"].number}
    assert got["wz_admin"] == {households["wz"].number}
    assert got["zx_auditor"] == {households["v1"].number, households["v2"].number}


@pytest.mark.parametrize("name", ["nobody", "root", "zx_department"])
def test_users_without_areas_get_404_and_nothing_is_logged(world, households, name):
    response = login(world.users[name]).get("/exchange/households.xlsx")
    assert response.status_code == 404
    assert not LogEntry.objects.filter(additional_data__export="households").exists()


def test_anonymous_is_sent_to_login(households):
    response = Client().get("/exchange/households.csv")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    "path", ["/exchange/households.pdf", "/exchange/households.xls", "/exchange/households."]
)
def test_unknown_format_is_404(world, households, path):
    assert login(world.zx_admin).get(path).status_code == 404


def test_download_headers(world, households):
    response = login(world.zx_cadre1).get("/exchange/households.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response["Content-Disposition"]
    xlsx = login(world.zx_cadre1).get("/exchange/households.xlsx")
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx.content[:2] == b"PK"


# --- content and filters ---------------------------------------------------------------------------


def test_row_content(world, households):
    rows = read_xlsx(login(world.zx_cadre1).get("/exchange/households.xlsx").content)
    assert rows[0][:8] == ["户编号", "村代码", "村名称", "农户属性", "户主姓名", "家庭人数",
                           "住房安全有保障", "饮水安全有保障"]  # fmt: skip
    assert rows[1][:8] == [
        households["v1"].number,
        "530627102201",
        "泼机村",
        "脱贫户",
        "户主001",
        1,
        "是",
        "是",
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_filters_are_honoured(world, households, fmt):
    make_household(world.zx_cadre1, ZX_V1, "5306271022019999", head=person(name="王五"), housing_safe=False)
    c = login(world.zx_admin)

    def get(query: str) -> set[str]:
        return numbers(rows_of(c.get(f"/exchange/households.{fmt}?{query}").content, fmt))

    v1, v2 = households["v1"].number, households["v2"].number
    assert get("") == {v1, v2, "5306271022019999"}
    assert get(f"area={ZX_V2}") == {v2}
    assert get(f"area={ZX_TOWN}") == {v1, v2, "5306271022019999"}
    assert get("status=out_of_poverty") == {v1}
    assert get("housing_safe=0") == {"5306271022019999"}
    assert get("q=王") == {"5306271022019999"}
    assert get("q=5306271022020") == {v2}
    assert get("as_of=2019-06-01") == set()  # registered 2020-01-01
    assert get("area=abc&housing_safe=maybe&as_of=not-a-date") == {v1, v2, "5306271022019999"}


def test_export_matches_the_list_page_for_the_same_query(world, households):
    c = login(world.zx_township)
    query = f"area={ZX_V1}&status=out_of_poverty"
    page = c.get(f"/households/?{query}").content.decode()
    exported = numbers(read_csv(c.get(f"/exchange/households.csv?{query}").content))
    assert exported == {households["v1"].number}
    assert households["v1"].number in page and households["v2"].number not in page


# --- sensitive columns -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_sensitive_columns_only_for_roles_that_may_see_them(world, households, fmt):
    hh = make_household(
        world.zx_cadre1, ZX_V1, "5306271022010002", head=person(name="李四"), contact_phone="13912345678"
    )
    the_id = head_id(hh)

    auditor = rows_of(login(world.zx_auditor).get(f"/exchange/households.{fmt}").content, fmt)
    assert ID_HEADER not in auditor[0] and "联系电话" not in auditor[0]
    flat = "|".join(str(v) for r in auditor for v in r)
    assert the_id not in flat and "13912345678" not in flat

    officer = rows_of(login(world.zx_township).get(f"/exchange/households.{fmt}").content, fmt)
    assert officer[0][-2:] == [ID_HEADER, "联系电话"]
    row = next(r for r in officer if r[0] == hh.number)
    assert row[-2:] == [the_id, "13912345678"]


def test_sensitive_needs_the_capability_everywhere_the_export_reaches(world, households):
    from lnob.areas.models import Area
    from lnob.areas.roles import Role
    from lnob.areas.services import role_assign

    mixed = world.zx_auditor  # auditor of the county, and also cadre of one village
    role_assign(user=mixed, area=Area.objects.get(code=ZX_V1), role=Role.VILLAGE_CADRE)
    mixed._lnob_scope_cache = None
    assert not may_export_sensitive(mixed)  # the county: sensitive only in one village
    assert may_export_sensitive(mixed, ZX_V1)
    assert not may_export_sensitive(mixed, ZX_V2)
    assert not may_export_sensitive(world.nobody)
    assert may_export_sensitive(world.zx_cadre1) and may_export_sensitive(world.zx_cadre1, ZX_TOWN)
    data, _name = export_households(user=mixed, filters={"area": ZX_V1}, fmt="csv")
    assert read_csv(data)[0][-2] == ID_HEADER


# --- audit -----------------------------------------------------------------------------------------


def test_every_export_is_audited_and_auditors_see_it(world, households):
    c = login(world.zx_cadre1)
    c.get("/exchange/households.xlsx?status=out_of_poverty&as_of=2025-01-01")
    entry = LogEntry.objects.get(additional_data__export="households")
    assert entry.action == LogEntry.Action.ACCESS
    assert entry.actor == world.zx_cadre1
    data = entry.additional_data
    assert data["area"] == ZX_V1
    assert data["rows"] == 1 and data["fmt"] == "xlsx" and data["sensitive"] is True
    assert data["filters"] == {"status": "out_of_poverty", "as_of": "2025-01-01"}
    assert set(data["fields"]) == {"id_number", "phone"}

    assert entry in audit.entries_for(user=world.zx_auditor)
    assert entry not in audit.entries_for(user=world.users["wz_admin"])
    page = login(world.zx_auditor).get("/audit/").content.decode()
    assert "zx_cadre1" in page and "households" in page

    login(world.zx_auditor).get("/exchange/households.csv")
    second = LogEntry.objects.filter(additional_data__export="households").latest("pk")
    assert second.actor == world.zx_auditor and second.additional_data["sensitive"] is False
    assert second.additional_data["fields"] == []


def test_export_filed_under_the_filtered_area_when_in_scope(world, households):
    login(world.zx_admin).get(f"/exchange/households.csv?area={ZX_V2}")
    login(world.zx_admin).get(f"/exchange/households.csv?area={households['wz'].village_id}")
    entries = LogEntry.objects.filter(additional_data__export="households").order_by("pk")
    assert [e.additional_data["area"] for e in entries] == [ZX_V2, 530627000000]
    assert entries[1].additional_data["rows"] == 0


# --- formula injection -----------------------------------------------------------------------------


def test_escape_formula():
    assert escape_formula("=1+1") == "'=1+1"
    assert escape_formula("张三") == "张三"
    assert escape_formula("a=b") == "a=b"
    assert escape_formula("") == ""


def test_csv_escapes_formulas():
    rows = read_csv(write_table([[p, 1] for p in PAYLOADS], ["=header", "n"], "csv"))
    assert rows[0] == ["'=header", "n"]
    assert [r[0] for r in rows[1:]] == ["'" + p for p in PAYLOADS]
    assert all(r[1] == "1" for r in rows[1:])


def test_xlsx_writes_formula_lookalikes_as_strings():
    data = write_table([[p, -2] for p in PAYLOADS], ["户编号", "n"], "xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    for i, payload in enumerate(PAYLOADS, start=2):
        cell = ws.cell(row=i, column=1)
        assert cell.data_type == "s", (payload, cell.data_type)
        assert ws.cell(row=i, column=2).value == -2  # real numbers stay numbers
    # calamine (the importer's reader) unescapes the _x000D_ that XLSX uses for a carriage return
    values = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in values[1:]] == PAYLOADS
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet, "no cell may hold a formula"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_in_registry_data_is_neutralised_end_to_end(world, households, fmt):
    make_household(world.zx_cadre1, ZX_V1, "5306271022010003", head=person(name="=CMD|' /C calc'!A0"))
    rows = rows_of(login(world.zx_cadre1).get(f"/exchange/households.{fmt}").content, fmt)
    name = next(r[4] for r in rows if r[0] == "5306271022010003")
    assert name == ("'=CMD|' /C calc'!A0" if fmt == "csv" else "=CMD|' /C calc'!A0")


def test_write_table_refuses_unknown_formats():
    with pytest.raises(ValueError, match="unknown format"):
        write_table([], ["a"], "pdf")


def test_values_of_every_type():
    day = dt.date(2024, 1, 5)
    rows = [["x", 3, 1.5, True, False, None, day]]
    headers = ["t", "i", "f", "yes", "no", "none", "date"]
    assert read_csv(write_table(rows, headers, "csv"))[1] == ["x", "3", "1.5", "是", "否", "", "2024-01-05"]
    got = read_xlsx(write_table(rows, headers, "xlsx"))[1]
    assert got[:6] == ["x", 3, 1.5, "是", "否", None]
    assert got[6].date() == day


# --- scale -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 30])
def test_export_queries_do_not_grow_with_rows(world, households, extra):
    for i in range(extra):
        make_household(world.zx_cadre1, ZX_V1, f"E-{i:03d}", head=person(name=f"户{i}"))
    with CaptureQueriesContext(connection) as ctx:
        data, _name = export_households(user=world.zx_cadre1, filters={}, fmt="xlsx")
    assert len(read_xlsx(data)) == extra + 2
    assert len(ctx.captured_queries) <= 8, [q["sql"][:120] for q in ctx.captured_queries]


# --- the list page ---------------------------------------------------------------------------------


def test_list_page_links_to_exports_with_its_filters(world, households):
    page = login(world.zx_cadre1).get(f"/households/?status=ordinary&area={ZX_V1}").content.decode()
    assert "/exchange/households.xlsx?" in page and "/exchange/households.csv?" in page
    assert "status=ordinary" in page.split("/exchange/households.csv?")[1].split('"')[0]
    assert 'href="/exchange/"' in page
