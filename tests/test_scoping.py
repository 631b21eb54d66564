"""Every read is scoped to the user's areas and denies by default; outside objects answer 404."""

import json

import pytest
from django.test import Client

from lnob.areas.models import Area
from lnob.registry import selectors
from lnob.registry.models import Membership, Person
from tests.personas import WZ, ZX, ZX_TOWN, ZX_V1
from tests.personas import person as person_data


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


def test_a_persons_other_households_stay_hidden(world, households):
    """A person who moved from a 万州 household into a 镇雄 one: 镇雄 sees only its own part."""
    import datetime as dt

    from lnob.registry import services

    kid = services.member_add(
        actor=world.wz_cadre,
        household=households["wz"],
        person=person_data(),
        relation="child",
        joined=dt.date(2015, 1, 1),
    )
    services.member_leave(
        actor=world.wz_cadre, membership=kid, left=dt.date(2023, 1, 1), leave_reason="marriage"
    )
    services.member_add(
        actor=world.zx_cadre1,
        household=households["v1"],
        person=services.PersonData(id_number=kid.person.id_number, name=kid.person.name),
        relation="child_in_law",
        joined=dt.date(2023, 1, 1),
        join_reason="marriage",
    )
    page = client_for(world.zx_cadre1).get(f"/persons/{kid.person_id}/").content.decode()
    assert households["v1"].number in page and households["wz"].number not in page
    seen = selectors.person_detail(user=world.zx_cadre1, pk=kid.person_id).memberships
    assert [m.household.number for m in seen] == [households["v1"].number]
    # the old county sees its own history of the person, but not where they went
    old = client_for(world.wz_admin).get(f"/persons/{kid.person_id}/").content.decode()
    assert households["wz"].number in old and households["v1"].number not in old


def test_neighbouring_assignments_both_show_on_the_home_page(world, households):
    from lnob.areas.models import Area
    from lnob.areas.services import role_assign
    from tests.personas import ZX_V2

    role_assign(user=world.zx_cadre1, area=Area.objects.get(code=ZX_V2), role="village_cadre")
    page = client_for(world.zx_cadre1).get("/").content.decode()
    assert "泼机村" in page and "海子村" in page


@pytest.mark.parametrize("query", ["area=0", "area=²", "area=abc", "person=²"])
def test_odd_query_parameters_never_crash(world, households, query):
    c = client_for(world.zx_admin)
    assert c.get(f"/households/?{query}").status_code == 200
    assert c.get(f"/audit/?{query}").status_code == 200
