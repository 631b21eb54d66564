"""The station screens: the county sets a station up and edits it on a form (refusals shown on
their field); the list and a station's tabs take a fixed number of queries whatever their size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lnob.employment.workstations import services
from lnob.employment.workstations.models import Workstation
from tests.personas import ZX, ZX_V1
from tests.workstations.conftest import login, resident_at_work

D = dt.date


def test_the_county_sets_a_station_up_on_the_form(world, officers):
    c = login(world.zx_admin)
    form = {
        "county": ZX,
        "name": "镇雄县驻东莞劳务工作站",
        "destination_city": "东莞市",
        "opened_on": "2021-03-01",
        "officers": [officers["zx_officer"].pk],
    }
    page = c.get("/employment/workstations/new/").content.decode()
    assert "zx_officer" in page and "zx_cadre1" not in page  # only officers are offered
    response = c.post("/employment/workstations/new/", form)
    station = Workstation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/employment/workstations/{station.pk}/"
    again = c.post("/employment/workstations/new/", form).content.decode()
    assert "本县已有同名的劳务工作站" in again and 'data-testid="field-error"' in again


def test_the_county_closes_a_station_on_the_form_and_a_reversed_date_is_refused(world, officers, station):
    c = login(world.zx_admin)
    url = f"/employment/workstations/{station.pk}/edit/"
    form = {
        "name": station.name,
        "destination_city": "东莞市",
        "opened_on": "2021-03-01",
        "closed_on": "2020-01-01",
        "officers": [officers["zx_officer"].pk],
    }
    assert "撤销日期不能早于设立日期" in c.post(url, form).content.decode()
    assert c.post(url, form | {"closed_on": "2026-10-31"}).status_code == 302
    assert Workstation.objects.get().closed_on == D(2026, 10, 31)
    assert "已撤销" in c.get("/employment/workstations/").content.decode()


def test_the_list_shows_each_stations_figures(world, station, migrants):
    page = login(world.zx_admin).get("/employment/workstations/").content.decode()
    assert "镇雄县驻东莞劳务工作站" in page and 'data-testid="roster-count">2<' in page


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "tab",
    ["roster", "vacancies", "disputes", "visits"],
)
def test_a_stations_tabs_take_the_same_queries_for_more_migrants(
    world, officers, station, migrants, factory, tab
):
    from decimal import Decimal

    c = login(officers["zx_officer"])
    url = f"/employment/workstations/{station.pk}/?tab={tab}"
    before = queries(c, url)
    for i in range(6):
        who = resident_at_work(world, ZX_V1, f"Q-{i:03d}", factory)
        services.dispute_open(
            actor=officers["zx_officer"],
            station=station,
            person=who,
            employer=factory,
            kind="wage_arrears",
            amount_claimed=Decimal("100"),
            opened_on=D(2026, 10, 1),
            summary="欠薪",
        )
        services.visit_record(
            actor=officers["zx_officer"],
            station=station,
            on=D(2026, 10, 2),
            visitors="王海",
            employer=factory,
            persons=[who],
        )
        services.station_vacancy_create(
            actor=officers["zx_officer"],
            station=station,
            employer=factory,
            title=f"岗位{i}",
            headcount=1,
            wage_min=Decimal("1"),
            wage_max=Decimal("2"),
            start=D(2026, 12, 1),
        )
    assert queries(c, url) == before


def test_the_list_takes_the_same_queries_for_more_stations(world, officers, station, migrants):
    from lnob.areas.models import Area

    c = login(world.zx_admin)
    before = queries(c, "/employment/workstations/")
    for city in ("宁波市", "苏州市", "昆明市"):
        services.station_create(
            actor=world.zx_admin,
            county=Area.objects.get(code=ZX),
            name=f"驻{city}站",
            destination_city=city,
            opened_on=D(2024, 1, 1),
            officers=[officers["zx_officer"]],
        )
    assert queries(c, "/employment/workstations/") == before
