"""The village public notice (公示) carries names, household numbers, sizes and categories, and never
an ID number, phone, bank account or health status."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import openpyxl
import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from lnob.core.errors import DomainError, NotFound
from lnob.exchange.notice import build_notice, village_notice
from lnob.registry import services
from lnob.registry.models import Membership, PersonVersion
from tests.personas import ZX_TOWN, ZX_V1, ZX_V2, make_household, person

HEALTH_WORDS = ["健康", "慢性病", "长期慢性病", "大病", "患有大病", "healthy", "chronic", "serious"]


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def private(world, households) -> dict[str, Any]:
    """Two households in 泼机村 whose members carry every kind of private data."""
    a = make_household(
        world.zx_cadre1,
        ZX_V1,
        "5306271022010101",
        head=person(name="赵大勇", phone="13911112222", bank_account="6222020200112233445", health="serious"),
        contact_phone="13833334444",
        status="out_of_poverty",
        left_poverty_year=2020,
    )
    services.member_add(
        actor=world.zx_cadre1,
        household=a,
        person=person(
            "19850202",
            "F",
            name="钱秀英",
            phone="13755556666",
            bank_account="6217000011112222333",
            health="chronic",
            disability_grade=2,
        ),
        relation="spouse",
        joined=dt.date(2020, 2, 1),
    )
    b = make_household(
        world.zx_cadre1,
        ZX_V1,
        "5306271022010102",
        head=person(name="孙建国", phone="13600007777", bank_account="6228480000999988887", health="healthy"),
    )
    ids = list(Membership.objects.filter(household__in=[a, b]).values_list("person__id_number", flat=True))
    ids += [Membership.objects.get(household=households["v1"], relation="head").person.id_number]
    secrets = [*ids, "13911112222", "13833334444", "13755556666", "13600007777",
               "6222020200112233445", "6217000011112222333", "6228480000999988887"]  # fmt: skip
    assert PersonVersion.objects.filter(health="serious").exists()
    return {"a": a, "b": b, "secrets": secrets, "heads": ["赵大勇", "孙建国"]}


def xlsx_text(data: bytes) -> str:
    """Every string of the workbook: cell values read back two ways, and the raw XML parts."""
    parts = []
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        parts += [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    cal = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in cal.sheet_names:
        parts += [str(v) for row in cal.get_sheet_by_name(name).to_python() for v in row]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    return "\n".join(parts)


def notice_text(user: Any, fmt: str, **kw: Any) -> str:
    data = village_notice(user=user, village=ZX_V1, fmt=fmt, start=dt.date(2026, 3, 1), **kw)
    return xlsx_text(data) if fmt == "xlsx" else data.decode("utf-8")


@pytest.mark.parametrize("fmt", ["html", "xlsx"])
def test_notice_never_contains_private_data(world, households, private, fmt):
    text = notice_text(world.zx_cadre1, fmt)
    for secret in private["secrets"]:
        assert secret not in text, f"{secret} leaked into the {fmt} notice"
    for word in HEALTH_WORDS:
        assert word not in text, f"health word {word!r} in the {fmt} notice"
    for name in [*private["heads"], "户主001"]:
        assert name in text
    for number in ("5306271022010101", "5306271022010102", households["v1"].number):
        assert number in text
    assert households["v2"].number not in text  # another village
    assert "脱贫户" in text and "一般农户" in text
    assert "公示期：自 2026年3月1日 至 2026年3月5日" in text and "不少于 5 天" in text
    assert "村（居）委会联系电话：______________" in text


def test_notice_rows_are_only_the_public_fields(world, private):
    notice = build_notice(user=world.zx_cadre1, village=ZX_V1, households=["5306271022010101"])
    assert [(r.number, r.head_name, r.members, r.category) for r in notice.rows] == [
        ("5306271022010101", "赵大勇", 2, "脱贫户")
    ]


def test_html_is_a_printable_a4_page(world, private):
    html = notice_text(world.zx_cadre1, "html", title="<script>alert(1)</script>")
    assert "size: A4" in html and "@media print" in html
    assert '"Noto Sans CJK SC"' in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_xlsx_is_set_up_for_a4(world, private):
    data = village_notice(user=world.zx_cadre1, village=ZX_V1, fmt="xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert ws.page_setup.paperSize == 9
    assert ws["A1"].value == "泼机村农户信息公示"


def test_subset_of_households_and_custom_period(world, households, private):
    text = notice_text(world.zx_cadre1, "html", households=["5306271022010102"], title="2026年第一批", days=7)
    assert "5306271022010102" in text and "孙建国" in text
    assert "5306271022010101" not in text and "赵大勇" not in text
    assert "2026年第一批" in text
    assert "至 2026年3月7日" in text and "共 7 天" in text


def test_a_notice_period_under_five_days_is_refused(world, private):
    with pytest.raises(DomainError):
        build_notice(user=world.zx_cadre1, village=ZX_V1, days=4)


@pytest.mark.parametrize(
    ("name", "village", "numbers"),
    [
        ("zx_cadre2", ZX_V1, None),  # another village's cadre
        ("wz_admin", ZX_V1, None),  # another county
        ("zx_auditor", ZX_V1, None),  # may read, may not edit
        ("nobody", ZX_V1, None),
        ("root", ZX_V1, None),
        ("zx_township", ZX_TOWN, None),  # not a village
        ("zx_township", 530627102299, None),  # no such village
        ("zx_township", ZX_V1, ["5306271022020001"]),  # a household of another village
        ("zx_township", ZX_V1, ["5306271022010101", "NO-SUCH"]),
        ("zx_cadre1", ZX_V1, ["5001011032010001"]),  # out of scope entirely
        ("zx_cadre1", ZX_V1, []),
    ],
)
def test_out_of_scope_is_not_found(world, households, private, name, village, numbers):
    with pytest.raises(NotFound):
        village_notice(user=world.users[name], village=village, households=numbers, fmt="html")


def test_view_answers_and_404s(world, households, private):
    c = login(world.zx_township)
    html = c.get(f"/exchange/notice/{ZX_V1}.html?start=2026-03-01&days=6")
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert html["Content-Disposition"].startswith("inline")
    assert "至 2026年3月6日" in html.content.decode()
    xlsx = c.get(f"/exchange/notice/{ZX_V1}.xlsx?households=5306271022010101,5306271022010102")
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].startswith("attachment")
    text = xlsx_text(xlsx.content)
    assert "5306271022010101" in text and households["v1"].number not in text

    assert c.get(f"/exchange/notice/{ZX_V1}.pdf").status_code == 404
    assert c.get(f"/exchange/notice/{ZX_V1}.html?households=5306271022020001").status_code == 404
    assert c.get(f"/exchange/notice/{ZX_V1}.html?days=3").status_code == 400
    assert login(world.zx_cadre2).get(f"/exchange/notice/{ZX_V1}.html").status_code == 404
    assert login(world.zx_auditor).get(f"/exchange/notice/{ZX_V1}.xlsx").status_code == 404
    assert login(world.wz_admin).get(f"/exchange/notice/{ZX_V2}.html").status_code == 404
    assert Client().get(f"/exchange/notice/{ZX_V1}.html").status_code == 302


def test_a_village_without_households_gets_an_empty_notice(world, households):
    from lnob.areas.models import Area
    from lnob.areas.services import area_create_unchecked

    area_create_unchecked(code=530627102203, name="新村", parent=Area.objects.get(code=ZX_TOWN))
    html = village_notice(user=world.zx_township, village=530627102203, fmt="html").decode()
    assert "没有需要公示的农户。" in html and "新村农户信息公示" in html
    assert "新村村民委员会" in html
    xlsx = xlsx_text(village_notice(user=world.zx_township, village=530627102203, fmt="xlsx"))
    assert "没有需要公示的农户。" in xlsx


def test_a_community_signs_as_residents_committee(world):
    from lnob.areas.models import Area
    from lnob.areas.services import area_create_unchecked

    area_create_unchecked(code=530627102204, name="泼机社区", parent=Area.objects.get(code=ZX_TOWN))
    html = village_notice(user=world.zx_township, village=530627102204, fmt="html").decode()
    assert "泼机社区居民委员会" in html and "村民委员会" not in html
