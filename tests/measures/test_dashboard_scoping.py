"""Who sees which dashboard: an area's figures only for users whose scope holds all of it; any
other area (or one that does not exist) is not found, on the screen and in the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lnob.measures.refresh import figures_refresh
from tests.measures.conftest import MONTH
from tests.personas import WZ, WZ_V1, ZX, ZX_TOWN, ZX_V1, ZX_V2

URL = "/measures/employment/"


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def computed(small_county: Any) -> None:
    figures_refresh(actor=None, area_code=ZX, month=MONTH)
    figures_refresh(actor=None, area_code=WZ, month=MONTH)


def test_a_county_admin_sees_the_county_and_its_townships_and_villages(world: Any, computed: None) -> None:
    c = login(world.zx_admin)
    for code in (ZX, ZX_TOWN, ZX_V1, ZX_V2):
        r = c.get(URL, {"area": code, "month": "2026-10"})
        assert r.status_code == 200, code
    page = c.get(URL, {"area": ZX, "month": "2026-10"}).content.decode()
    assert "泼机镇" in page  # the township is a row of the county's table


def test_a_village_cadre_sees_their_village_and_nothing_above_or_beside_it(
    world: Any, computed: None
) -> None:
    c = login(world.zx_cadre1)
    assert c.get(URL, {"area": ZX_V1, "month": "2026-10"}).status_code == 200
    for code in (ZX, ZX_TOWN, ZX_V2, WZ, WZ_V1):
        assert c.get(URL, {"area": code, "month": "2026-10"}).status_code == 404, code
    # opened without an area: their village
    r = c.get(URL)
    assert r.status_code == 200 and r.context["d"].area.code == ZX_V1


def test_a_township_officer_sees_the_township_but_not_the_county(world: Any, computed: None) -> None:
    c = login(world.zx_township)
    assert c.get(URL, {"area": ZX_TOWN}).status_code == 200
    assert c.get(URL, {"area": ZX}).status_code == 404


def test_another_county_sees_nothing_of_this_one(world: Any, computed: None) -> None:
    c = login(world.wz_admin)
    assert c.get(URL, {"area": WZ, "month": "2026-10"}).status_code == 200
    for code in (ZX, ZX_TOWN, ZX_V1):
        assert c.get(URL, {"area": code, "month": "2026-10"}).status_code == 404
        assert c.get(f"{URL}export.csv", {"area": code, "month": "2026-10"}).status_code == 404
        assert c.get("/api/v1/measures/employment", {"area": code, "month": "2026-10"}).status_code == 404


def test_an_area_that_does_not_exist_is_not_found_like_one_not_seen(world: Any, computed: None) -> None:
    c = login(world.zx_admin)
    assert c.get(URL, {"area": "530627999999"}).status_code == 404
    assert c.get("/api/v1/measures/employment", {"area": "530627999999"}).status_code == 404


def test_users_without_a_registry_role_see_no_dashboard(world: Any, computed: None) -> None:
    for user in (world.nobody, world.zx_department, world.root):
        assert login(user).get(URL, {"area": ZX}).status_code == 404
    assert Client().get(URL).status_code == 302  # to the login page
