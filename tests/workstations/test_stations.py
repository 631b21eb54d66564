"""Setting a station up is the county's: a destination city, contact and officers who hold the
workstation officer's role in the county; bad input is refused with the reason."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry

from lnob.areas.models import Area
from lnob.core.errors import DomainError, NotFound
from lnob.employment.workstations import services
from lnob.employment.workstations.services import WMsg
from tests.personas import WZ, ZX, ZX_TOWN

D = dt.date


def test_a_county_admin_sets_up_a_station_in_dongguan_with_its_officer(world, officers, station):
    assert station.county_id == ZX and station.city_key == "东莞"
    assert list(station.officers.all()) == [officers["zx_officer"]]
    assert LogEntry.objects.get_for_object(station).filter(action=LogEntry.Action.CREATE).exists()


def test_an_officer_must_hold_the_officers_role_in_the_county(world, officers):
    zx = Area.objects.get(code=ZX)
    for not_an_officer in (world.zx_cadre1, officers["wz_officer"]):
        with pytest.raises(DomainError) as err:
            services.station_create(
                actor=world.zx_admin,
                county=zx,
                name="驻宁波站",
                destination_city="宁波市",
                opened_on=D(2024, 1, 1),
                officers=[not_an_officer],
            )
        assert err.value.field == "officers" and err.value.message == WMsg.NOT_AN_OFFICER


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "镇雄县驻东莞劳务工作站"}, "name", WMsg.NAME_TAKEN),
        ({"destination_city": " "}, "destination_city", "必填"),
        ({"opened_on": D(2099, 1, 1)}, "opened_on", "日期不能晚于今天"),
    ],
)
def test_a_second_station_with_bad_particulars_is_refused(world, station, changes, field, message):
    values = {"name": "驻宁波站", "destination_city": "宁波市", "opened_on": D(2024, 1, 1)} | changes
    with pytest.raises(DomainError) as err:
        services.station_create(actor=world.zx_admin, county=Area.objects.get(code=ZX), **values)
    assert err.value.field == field and str(err.value.message) == str(message)


def test_a_station_closes_and_cannot_close_before_it_opened(world, station):
    with pytest.raises(DomainError) as err:
        services.station_update(actor=world.zx_admin, station=station, closed_on=D(2020, 1, 1))
    assert err.value.message == WMsg.CLOSED_BEFORE_OPENED
    closed = services.station_update(actor=world.zx_admin, station=station, closed_on=D(2026, 6, 30))
    assert closed.closed_on == D(2026, 6, 30)


def test_only_the_countys_employment_staff_set_stations_up(world, officers, station):
    zx = Area.objects.get(code=ZX)
    for outsider in (world.wz_admin, world.zx_township, world.zx_cadre1, officers["zx_officer"]):
        with pytest.raises(NotFound):
            services.station_create(
                actor=outsider, county=zx, name="驻宁波站", destination_city="宁波市", opened_on=D(2024, 1, 1)
            )
        with pytest.raises(NotFound):
            services.station_update(actor=outsider, station=station, note="改")
    with pytest.raises(NotFound):  # a township is not a sending county
        services.station_create(
            actor=world.zx_admin,
            county=Area.objects.get(code=ZX_TOWN),
            name="x",
            destination_city="宁波市",
            opened_on=D(2024, 1, 1),
        )
    assert [u.username for u in services.officer_candidates(WZ)] == ["wz_officer"]
    assert [u.username for u in services.officer_candidates(ZX)] == ["zx_officer", "zx_officer2"]


def test_the_officers_are_changed_by_the_county(world, officers, station):
    services.station_update(actor=world.zx_admin, station=station, officers=[officers["zx_officer2"]])
    assert [u.username for u in station.officers.all()] == ["zx_officer2"]
