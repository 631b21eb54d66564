"""The dashboard's table as CSV and XLSX: the area and each child, every stored (additive) figure
as a column, and the ratios."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from lnob.measures.refresh import figures_refresh
from tests.measures.conftest import MONTH
from tests.personas import ZX, ZX_TOWN


@pytest.fixture
def client(world: Any, small_county: Any) -> Client:
    figures_refresh(actor=None, area_code=ZX, month=MONTH)
    c = Client()
    c.force_login(world.zx_admin)
    return c


def test_the_csv_has_the_area_then_its_children(client: Client) -> None:
    r = client.get("/measures/employment/export.csv", {"area": ZX_TOWN, "month": "2026-10"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["area_name"] for row in rows] == ["泼机镇", "泼机村", "海子村"]
    assert rows[0]["month"] == "2026-10" and rows[0]["as_of"] == "2026-10-31"
    assert float(rows[0]["emp.labour.all"]) == float(rows[1]["emp.labour.all"]) + float(
        rows[2]["emp.labour.all"]
    )
    assert float(rows[0]["derived.transferred_share.poor"]) == pytest.approx(2 / 3)


def test_the_xlsx_holds_the_same_table(client: Client) -> None:
    r = client.get("/measures/employment/export.xlsx", {"area": ZX, "month": "2026-10"})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    assert header[:5] == ("area_code", "area_name", "level", "month", "as_of")
    assert [v[1] for v in values[1:]] == ["镇雄县", "泼机镇"]
    assert values[1][header.index("emp.in_work.poor")] == 2


def test_another_format_is_not_found(client: Client) -> None:
    assert client.get("/measures/employment/export.pdf", {"area": ZX}).status_code == 404
