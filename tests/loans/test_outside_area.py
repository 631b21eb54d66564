"""The jobs a business creates name only the workers the viewer may see: a village cadre or a
township officer of the business's place sees who of their own areas works there, and the
others only as "另有 N 名工人在您的辖区之外" (still counted in the totals); the county sees everyone."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lnob.areas.models import Area
from lnob.areas.services import area_create_unchecked
from lnob.employment.loans import selectors, services
from lnob.employment.loans.models import Business
from tests.loans.helpers import D, business, head, returnee, valid_code
from tests.personas import ZX, ZX_V1, ZX_V2, make_household, person

BASE = "/employment/loans"
OTHER_TOWN, OTHER_VILLAGE = 530627104000, 530627104201


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def staff(world: Any, households: Any) -> dict[str, Any]:
    """A business of 泼机村 employing one villager, one of 海子村 (the same township) and one of
    another township of 镇雄."""
    town = area_create_unchecked(code=OTHER_TOWN, name="坡头镇", parent=Area.objects.get(code=ZX))
    area_create_unchecked(code=OTHER_VILLAGE, name="德隆村", parent=town)
    local = head(
        make_household(world.zx_cadre1, ZX_V1, "5306271022010021", head=person("19900303", name="本村雇工"))
    )
    neighbour = head(
        make_household(world.zx_cadre2, ZX_V2, "5306271022020021", head=person("19920505", name="邻村雇工"))
    )
    far = head(
        make_household(
            world.zx_admin,
            OTHER_VILLAGE,
            "5306271042010001",
            head=person("19910404", name="外镇雇工"),
            status="out_of_poverty",
            left_poverty_year=2019,
        )
    )
    b = business(world.zx_admin, returnee(world.zx_admin, head(households["v1"])), credit_code=valid_code())
    for worker in (local, neighbour, far):
        services.business_hire(actor=world.zx_admin, business=b, person=worker, start=D(2024, 6, 1))
    return {"b": b, "local": local, "neighbour": neighbour, "far": far}


def _detail(user: Any, b: Business) -> str:
    response = login(user).get(f"{BASE}/businesses/{b.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_village_cadre_sees_the_villages_workers_by_name_and_the_others_as_a_count(
    world: Any, staff: dict[str, Any]
) -> None:
    html = _detail(world.zx_cadre1, staff["b"])
    neighbour, far = staff["neighbour"], staff["far"]
    assert staff["local"].name in html
    for hidden in (neighbour, far):
        assert hidden.name not in html and f"/persons/{hidden.pk}/" not in html
    assert "另有 2 名工人在您的辖区之外" in html
    assert "共 3 人，其中脱贫户或监测对象 1 人" in html  # the totals count everyone


def test_a_township_officer_sees_the_townships_workers_by_name_and_the_others_as_a_count(
    world: Any, staff: dict[str, Any]
) -> None:
    html = _detail(world.zx_township, staff["b"])
    assert staff["local"].name in html and staff["neighbour"].name in html
    assert staff["far"].name not in html and "另有 1 名工人在您的辖区之外" in html
    assert "共 3 人，其中脱贫户或监测对象 1 人" in html


def test_the_county_sees_every_worker_by_name(world: Any, staff: dict[str, Any]) -> None:
    html = _detail(world.zx_admin, staff["b"])
    assert all(staff[k].name in html for k in ("local", "neighbour", "far"))
    assert "在您的辖区之外" not in html


def test_jobs_of_names_only_the_workers_the_viewer_may_see(world: Any, staff: dict[str, Any]) -> None:
    b = staff["b"]
    seen = selectors.jobs_of([b], D(2026, 1, 1), viewer=world.zx_cadre1)[b.pk]
    assert {s.person_id for s in seen.workers} == {staff["local"].pk}
    assert seen.outside == 2 and seen.total == 3 and seen.poor == {staff["far"].pk}
    everyone = selectors.jobs_of([b], D(2026, 1, 1), viewer=None)[b.pk]
    assert {s.person_id for s in everyone.workers} == {staff[k].pk for k in ("local", "neighbour", "far")}
    assert everyone.outside == 0 and everyone.total == 3
