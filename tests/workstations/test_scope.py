"""Each role sees only its own: a workstation officer sees the stations they are named on and
their rosters, and nothing else of the registry; another county sees nothing (404)."""

from __future__ import annotations

import datetime as dt

import pytest

from lnob.core.errors import NotFound
from lnob.employment.workstations import selectors
from lnob.employment.workstations.selectors import Access
from tests.workstations.conftest import login

D = dt.date


def test_an_officer_sees_only_the_stations_they_are_named_on(world, officers, station, wz_station):
    assert list(selectors.stations_visible(officers["zx_officer"])) == [station]
    assert list(selectors.stations_visible(officers["zx_officer2"])) == []
    assert list(selectors.stations_visible(officers["wz_officer"])) == [wz_station]
    assert selectors.station_get(user=officers["zx_officer"], pk=station.pk)[1] == Access.OFFICER
    for outsider in (
        officers["zx_officer2"],
        officers["wz_officer"],
        world.wz_admin,
        world.nobody,
        world.root,
    ):
        with pytest.raises(NotFound):
            selectors.station_get(user=outsider, pk=station.pk)


def test_the_countys_staff_and_readers_see_the_countys_stations(world, station, wz_station):
    assert list(selectors.stations_visible(world.zx_admin)) == [station]
    assert list(selectors.stations_visible(world.zx_cadre1)) == [station]
    assert list(selectors.stations_visible(world.wz_cadre)) == [wz_station]
    assert selectors.station_get(user=world.zx_admin, pk=station.pk)[1] == Access.MANAGE
    for reader in (world.zx_township, world.zx_cadre2, world.zx_auditor):
        assert selectors.station_get(user=reader, pk=station.pk)[1] == Access.VIEW
        with pytest.raises(NotFound):  # they may read the station, not run it
            selectors.station_get(user=reader, pk=station.pk, run=True)
    with pytest.raises(NotFound):
        selectors.station_get(user=world.zx_department, pk=station.pk)


def test_the_officer_sees_their_roster_and_nothing_else_of_the_registry(world, officers, station, migrants):
    c = login(officers["zx_officer"])
    page = c.get(f"/employment/workstations/{station.pk}/?day=2026-06-01").content.decode()
    assert "李强" in page and "赵梅" in page and "孙伟" not in page
    assert f'href="/persons/{migrants["李强"].pk}/"' not in page  # no link into the registry
    assert "5200" not in page and "****" in page  # wages masked
    assert c.get(f"/persons/{migrants['李强'].pk}/").status_code == 404
    assert "李强" not in c.get("/households/").content.decode()


def test_an_officer_lands_on_their_station(officers, station):
    response = login(officers["zx_officer"]).get("/employment/workstations/")
    assert response.status_code == 302 and response["Location"] == f"/employment/workstations/{station.pk}/"


@pytest.mark.parametrize(
    "path",
    [
        "/employment/workstations/{pk}/",
        "/employment/workstations/{pk}/?tab=disputes",
        "/employment/workstations/{pk}/?tab=visits",
        "/employment/workstations/{pk}/?tab=vacancies",
        "/employment/workstations/{pk}/edit/",
        "/employment/workstations/{pk}/placements/new/",
        "/employment/workstations/{pk}/vacancies/new/",
        "/employment/workstations/{pk}/employers/new/",
        "/employment/workstations/{pk}/disputes/new/",
        "/employment/workstations/{pk}/visits/new/",
    ],
)
def test_another_county_and_another_officer_get_404(world, officers, station, path):
    url = path.format(pk=station.pk)
    for outsider in (world.wz_admin, world.wz_cadre, officers["zx_officer2"], officers["wz_officer"]):
        assert login(outsider).get(url).status_code == 404, (outsider, url)


def test_the_station_list_of_another_county_is_empty(world, station, wz_station):
    page = login(world.wz_admin).get("/employment/workstations/").content.decode()
    assert "万州区驻东莞劳务工作站" in page and "镇雄县驻东莞劳务工作站" not in page
    assert login(world.nobody).get("/employment/workstations/").status_code == 404


def test_a_reader_may_not_open_the_forms_of_the_stations_work(world, station):
    c = login(world.zx_cadre1)
    assert c.get(f"/employment/workstations/{station.pk}/").status_code == 200
    assert c.get(f"/employment/workstations/{station.pk}/placements/new/").status_code == 404
    assert c.get(f"/employment/workstations/{station.pk}/edit/").status_code == 404
    assert login(world.zx_township).get("/employment/workstations/new/").status_code == 404
