"""A station places a migrant in a job: the ledger gets a spell in work (organised labour export)
written with the ledger's checks, though the officer holds no registry rights."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from lnob.core.errors import DomainError, NotFound
from lnob.employment.models import Spell
from lnob.employment.workstations import selectors, services
from tests.workstations.conftest import login

D = dt.date


def test_an_officer_places_a_migrant_in_a_new_job_and_the_old_one_ends(officers, station, migrants, shoes):
    zhao = migrants["赵梅"]
    placement = services.placement_record(
        actor=officers["zx_officer"],
        station=station,
        person=zhao,
        employer=shoes,
        start=D(2026, 9, 1),
        monthly_wage=Decimal("4800"),
    )
    spell = placement.spell
    assert (spell.channel, spell.location, spell.destination, spell.created_by) == (
        "organised_export",
        "out_of_province",
        "广东省东莞市",
        officers["zx_officer"],
    )
    assert Spell.objects.get(person=zhao, start=D(2026, 5, 1)).end == D(2026, 8, 31)
    row = next(r for r in selectors.rosters([station], D(2026, 10, 1))[station.pk] if r.person_id == zhao.pk)
    assert row.placed and row.employer == "东莞鞋厂"
    assert placement.person == zhao and "赵梅" in str(placement)  # a measure may point to it
    entry = LogEntry.objects.get_for_object(spell).get(action=LogEntry.Action.CREATE)
    assert entry.actor == officers["zx_officer"]


def test_a_placed_job_outside_the_city_stays_on_the_stations_roster(officers, station, migrants, shoes):
    sun = migrants["孙伟"]  # in Ningbo
    services.placement_record(
        actor=officers["zx_officer"],
        station=station,
        person=sun,
        employer=shoes,
        start=D(2026, 9, 1),
        destination="广东省惠州市",
    )
    rows = selectors.rosters([station], D(2026, 10, 1))[station.pk]
    assert "孙伟" in [r.name for r in rows]


def test_an_overlapping_placement_is_refused_with_the_spell_it_overlaps(officers, station, migrants, shoes):
    with pytest.raises(DomainError) as err:
        services.placement_record(
            actor=officers["zx_officer"],
            station=station,
            person=migrants["李强"],
            employer=shoes,
            start=D(2026, 9, 1),
            close_open=False,
        )
    assert err.value.field == "start" and "2026-03-01" in str(err.value.message)
    assert not Spell.objects.filter(employer=shoes).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start": D(2099, 1, 1)}, "start"),
        ({"start": D(2020, 1, 1)}, "start"),  # before the station opened
        ({"monthly_wage": Decimal("-1")}, "monthly_wage"),
        ({"location": "mars"}, "location"),
        ({"end": D(2026, 8, 1)}, "end"),
    ],
)
def test_bad_placements_are_refused(officers, station, migrants, shoes, changes, field):
    values = {"start": D(2026, 9, 1)} | changes
    with pytest.raises(DomainError) as err:
        services.placement_record(
            actor=officers["zx_officer"], station=station, person=migrants["钱芳"], employer=shoes, **values
        )
    assert err.value.field == field
    assert not Spell.objects.filter(employer=shoes).exists()


def test_a_person_of_another_county_cannot_be_placed(officers, station, migrants, shoes):
    with pytest.raises(NotFound):
        services.placement_record(
            actor=officers["zx_officer"],
            station=station,
            person=migrants["周涛"],
            employer=shoes,
            start=D(2026, 9, 1),
        )


def test_officers_of_other_stations_and_readers_cannot_place(world, officers, station, migrants, shoes):
    for outsider in (officers["zx_officer2"], world.zx_cadre1, world.wz_admin):
        with pytest.raises(NotFound):
            services.placement_record(
                actor=outsider, station=station, person=migrants["钱芳"], employer=shoes, start=D(2026, 9, 1)
            )


def test_the_placement_form_takes_a_resident_id_and_shows_refusals_on_their_field(
    officers, station, migrants, shoes
):
    c = login(officers["zx_officer"])
    url = f"/employment/workstations/{station.pk}/placements/new/"
    qian = migrants["钱芳"]
    form = {
        "id_number": qian.id_number,
        "employer": shoes.pk,
        "start": "2026-09-01",
        "location": "out_of_province",
        "monthly_wage": "-5",
        "close_open": "on",
    }
    page = c.post(url, form).content.decode()
    assert 'data-testid="field-error"' in page and "月工资不能为负数" in page
    stranger = c.post(url, form | {"id_number": migrants["周涛"].id_number, "monthly_wage": "4000"})
    assert "此人不是本县人员" in stranger.content.decode()
    done = c.post(url, form | {"monthly_wage": "4000"})
    assert done.status_code == 302
    assert Spell.objects.get(person=qian, employer=shoes).monthly_wage == Decimal("4000")
