"""Every read is scoped to the user's areas and denies by default; outside objects answer 404."""

import json

import pytest
from django.test import Client

from lnob.areas.models import Area
from lnob.registry import selectors
from lnob.registry.models import Membership, Person
from tests.personas import WZ, ZX, ZX_TOWN, ZX_V1


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def detail_urls(households) -> list[str]:  # type: ignore[no-untyped-def]
    hh = households["v1"]
    pid = Membership.objects.get(household=hh, relation="head").person_id
    return [
        f"/households/{hh.number}/",
        f"/households/{hh.number}/members/new/",
        f"/households/{hh.number}/incomes/new/",
        f"/households/{hh.number}/expenditures/new/",
        f"/households/{hh.number}/shocks/new/",
        f"/persons/{pid}/",
        f"/areas/{ZX_V1}/",
        f"/api/v1/households/{hh.number}",
        f"/api/v1/persons/{pid}",
    ]


@pytest.mark.parametrize("persona", ["wz_admin", "wz_cadre", "zx_cadre2", "zx_department", "nobody", "root"])
def test_outsiders_get_404_on_every_detail_view(world, households, persona):
    c = client_for(getattr(world, persona))
    for url in detail_urls(households):
        assert c.get(url).status_code == 404, f"{persona} reached {url}"


def test_insiders_reach_every_detail_view(world, households):
    for persona in ("zx_admin", "zx_township", "zx_cadre1"):
        c = client_for(getattr(world, persona))
        for url in detail_urls(households):
            assert c.get(url).status_code == 200, f"{persona} could not reach {url}"


def test_auditor_reads_but_cannot_open_write_forms(world, households):
    c = client_for(world.zx_auditor)
    number = households["v1"].number
    assert c.get(f"/households/{number}/").status_code == 200
    assert c.get(f"/households/{number}/incomes/new/").status_code == 404
    assert (
        c.post(
            f"/households/{number}/shocks/new/", {"date": "2025-01-01", "risk_type": "illness"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("zx_admin", {"v1", "v2"}),
        ("zx_township", {"v1", "v2"}),
        ("zx_cadre1", {"v1"}),
        ("zx_cadre2", {"v2"}),
        ("zx_auditor", {"v1", "v2"}),
        ("wz_admin", {"wz"}),
        ("wz_cadre", {"wz"}),
        ("zx_department", set()),
        ("nobody", set()),
        ("root", set()),
    ],
)
def test_household_list_shows_only_own_areas_in_web_and_api(world, households, persona, expected):
    numbers = {households[k].number for k in expected}
    user = getattr(world, persona)
    assert {h.number for h in selectors.household_list(user=user)} == numbers
    c = client_for(user)
    page = c.get("/households/").content.decode()
    for key, hh in households.items():
        assert (hh.number in page) == (key in expected), f"{persona} list shows {hh.number}"
    api = json.loads(c.get("/api/v1/households").content)
    assert {row["number"] for row in api["items"]} == numbers


def test_anonymous_is_sent_to_login_and_api_refuses(households):
    c = Client()
    assert c.get("/households/").status_code == 302
    assert c.get("/api/v1/households").status_code == 401


def test_search_never_reaches_outside_the_scope(world, households):
    wz_head = Membership.objects.get(household=households["wz"], relation="head").person
    assert not selectors.household_list(user=world.zx_admin, q=wz_head.id_number).exists()
    assert selectors.household_list(user=world.wz_admin, q=wz_head.id_number).count() == 1


def test_persons_and_areas_are_scoped(world, households):
    assert Person.objects.visible_to(world.zx_cadre2).count() == 1
    assert Person.objects.visible_to(world.nobody).count() == 0
    assert set(Area.objects.visible_to(world.zx_township).values_list("code", flat=True)) >= {ZX_TOWN, ZX_V1}
    assert not Area.objects.visible_to(world.zx_township).filter(code__in=[ZX, WZ]).exists()


def test_home_lists_only_assigned_areas(world, households):
    page = client_for(world.wz_admin).get("/").content.decode()
    assert "万州区" in page and "镇雄县" not in page
