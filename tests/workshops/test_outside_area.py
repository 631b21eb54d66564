"""Workers who live outside the viewer's areas are counted, not named: a village cadre or a
township officer of the workshop's place sees the workshop, its roster, its history and its
claims, but a worker whose household is in another township is one of "另有 N 名工人在您的辖区之外",
without a name, a link or an ID. The workshop's own manager and the county see everyone by name."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lnob.areas.models import Area
from lnob.areas.roles import Role
from lnob.areas.services import area_create_unchecked, role_assign
from lnob.employment.workshops import claims
from lnob.employment.workshops.models import Workshop, WorkshopJob
from lnob.registry.models import Person
from tests.personas import PASSWORD, WZ, WZ_TOWN
from tests.workshops.helpers import hire, make_worker

D = dt.date
OTHER_TOWN, OTHER_VILLAGE = 500101105000, 500101105201
NAME = "外镇工人"
OUTSIDE = "另有 1 名工人在您的辖区之外"


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def outsider(world: Any) -> Person:
    """A worker of an out-of-poverty household of another township of 万州."""
    town = area_create_unchecked(code=OTHER_TOWN, name="长岭镇", parent=Area.objects.get(code=WZ))
    area_create_unchecked(code=OTHER_VILLAGE, name="安溪村", parent=town)
    return make_worker(world.wz_admin, OTHER_VILLAGE, poor=True, name=NAME, birth="19870512")


@pytest.fixture
def township(world: Any) -> Any:
    """The township officer of 分水镇 (石碾村's township), who runs its workshops."""
    user = get_user_model().objects.create_user(username="wz_fenshui_officer", password=PASSWORD)
    role_assign(user=user, area=Area.objects.get(code=WZ_TOWN), role=Role.TOWNSHIP_OFFICER)
    return user


@pytest.fixture
def mixed(world: Any, recognised: Workshop, outsider: Person) -> Workshop:
    """石碾村's recognised workshop: its seven villagers and the worker from 长岭镇."""
    hire(world.wz_admin, recognised, outsider, D(2025, 9, 1))
    return recognised


def _page(user: Any, url: str) -> str:
    response = login(user).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_workshop_page_counts_a_worker_outside_the_viewers_areas_without_naming_them(
    world: Any, mixed: Workshop, township: Any, workers: list[Person], outsider: Person
) -> None:
    for viewer in (world.wz_cadre, township):
        html = _page(viewer, f"/employment/workshops/{mixed.pk}/")
        assert NAME not in html and outsider.id_number not in html  # not in the roster nor the history
        assert f"/persons/{outsider.pk}/" not in html
        assert OUTSIDE in html
        assert "辖区外工人" in html  # the history's 工人入职 of the outsider, without the name
        assert html.count('data-testid="roster-row"') == 7  # the villagers, by name
        assert all(w.name in html for w in workers)


def test_the_workshops_own_manager_and_the_county_see_every_worker_by_name(
    world: Any, mixed: Workshop, manager: Any
) -> None:
    for viewer in (manager, world.wz_admin):
        html = _page(viewer, f"/employment/workshops/{mixed.pk}/")
        assert NAME in html and OUTSIDE not in html
        assert html.count('data-testid="roster-row"') == 8


def test_the_leave_form_does_not_name_a_worker_outside_the_officers_areas(
    world: Any, mixed: Workshop, township: Any, outsider: Person
) -> None:
    spell = WorkshopJob.objects.get(workshop=mixed, person=outsider).spell_id
    html = _page(township, f"/employment/workshops/{mixed.pk}/workers/{spell}/leave/")
    assert NAME not in html
    assert NAME in _page(world.wz_admin, f"/employment/workshops/{mixed.pk}/workers/{spell}/leave/")


def test_the_claim_page_counts_a_worker_outside_the_viewers_areas_and_keeps_the_total(
    world: Any, mixed: Workshop, manager: Any, township: Any, outsider: Person
) -> None:
    claim = claims.claim_create(
        actor=manager,
        workshop=mixed,
        kind="workshop_subsidy",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 6, 30),
    )
    # six poor workers (five villagers and the outsider) × (2000 × 6/12 + 300 × 6)
    assert claim.amount == 6 * 2800 and claim.lines.filter(person=outsider).exists()
    for viewer in (world.wz_cadre, township):
        html = _page(viewer, f"/employment/workshops/claims/{claim.pk}/")
        assert NAME not in html and OUTSIDE in html
        assert "16800.00" in html  # the claim's amount, outsider included
        assert html.count('data-testid="claim-line"') == 5
    for viewer in (manager, world.wz_admin):
        html = _page(viewer, f"/employment/workshops/claims/{claim.pk}/")
        assert NAME in html and OUTSIDE not in html
        assert html.count('data-testid="claim-line"') == 6


def test_the_api_does_not_name_a_worker_outside_the_callers_areas(
    world: Any, mixed: Workshop, manager: Any, outsider: Person
) -> None:
    claim = claims.claim_create(
        actor=manager,
        workshop=mixed,
        kind="workshop_subsidy",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 6, 30),
    )
    base = "/api/v1/employment/workshops"

    def text(c: Client, url: str) -> str:
        response = c.get(url)
        assert response.status_code == 200, url
        return json.dumps(response.json(), ensure_ascii=False)

    cadre = login(world.wz_cadre)
    for url in (
        f"{base}/{mixed.pk}/roster",
        f"{base}/{mixed.pk}/roster?past=true",
        f"{base}/{mixed.pk}/claims",
        f"{base}/claims/{claim.pk}",
    ):
        assert NAME not in text(cadre, url), url
    roster = cadre.get(f"{base}/{mixed.pk}/roster").json()
    assert len(roster) == 8  # everyone is counted
    hidden = [r for r in roster if r["outside_area"]]
    assert hidden == [r for r in roster if r["person_id"] is None] and len(hidden) == 1
    assert hidden[0]["name"] == "" and hidden[0]["poor"] is True
    lines = cadre.get(f"{base}/claims/{claim.pk}").json()["lines"]
    assert len(lines) == 6 and sum(line["person_id"] is None for line in lines) == 1
    own = login(manager)
    assert NAME in text(own, f"{base}/{mixed.pk}/roster")
    assert NAME in text(own, f"{base}/claims/{claim.pk}")
