"""A station's roster is read from the ledger: the county's people whose running spell in work is
in the station's city, or was placed by the station, on a day."""

from __future__ import annotations

import datetime as dt

from lnob.employment.workstations import selectors
from lnob.employment.workstations.selectors import Access

D = dt.date


def names(rows):
    return sorted(r.name for r in rows)


def test_the_roster_is_the_countys_people_working_in_the_city(station, wz_station, migrants):
    rows = selectors.rosters([station, wz_station], D(2026, 6, 1))
    assert names(rows[station.pk]) == ["李强", "赵梅"]  # 孙伟 is in Ningbo, 钱芳 at home
    assert names(rows[wz_station.pk]) == ["周涛"]  # each county's own people
    li = next(r for r in rows[station.pk] if r.name == "李强")
    assert li.employer == "东莞华宏电子厂" and li.since == D(2026, 3, 1) and not li.placed


def test_the_roster_on_a_past_day_shows_who_was_there_then(station, migrants):
    assert names(selectors.rosters([station], D(2026, 4, 1))[station.pk]) == ["李强"]
    assert names(selectors.rosters([station], D(2026, 1, 1))[station.pk]) == []


def test_a_spell_that_ended_leaves_the_roster(world, station, migrants):
    from lnob.employment import services as ledger
    from lnob.employment.models import Spell

    spell = Spell.objects.get(person=migrants["赵梅"])
    ledger.spell_close(actor=world.zx_cadre2, spell=spell, end=D(2026, 8, 31))
    assert names(selectors.rosters([station], D(2026, 9, 1))[station.pk]) == ["李强"]


def test_a_closed_station_has_no_roster(world, station, migrants):
    from lnob.employment.workstations import services

    closed = services.station_update(actor=world.zx_admin, station=station, closed_on=D(2026, 5, 31))
    assert selectors.rosters([closed], D(2026, 6, 1))[closed.pk] == []
    assert len(selectors.rosters([closed], D(2026, 5, 31))[closed.pk]) == 2


def test_counts_by_employer(station, migrants):
    rows = selectors.rosters([station], D(2026, 6, 1))[station.pk]
    assert selectors.by_employer(rows) == [("东莞", 1), ("东莞华宏电子厂", 1)]


def test_a_township_officer_sees_only_their_own_people_on_it(world, station, migrants):
    day = D(2026, 6, 1)
    cadre1 = selectors.roster_for(user=world.zx_cadre1, station=station, level=Access.VIEW, day=day)
    assert names(cadre1) == ["李强"]
    _s, level = selectors.station_get(user=world.zx_township, pk=station.pk)
    assert level == Access.VIEW
    assert names(selectors.roster_for(user=world.zx_township, station=station, level=level, day=day)) == [
        "李强",
        "赵梅",
    ]


def test_wages_show_only_to_those_who_may_see_personal_data(world, officers, station, migrants):
    row = next(r for r in selectors.rosters([station], D(2026, 6, 1))[station.pk] if r.name == "李强")
    assert selectors.wage_shown(world.zx_cadre1, row) and selectors.wage_shown(world.zx_admin, row)
    assert not selectors.wage_shown(officers["zx_officer"], row)
    assert not selectors.wage_shown(world.zx_auditor, row)


def test_the_roster_takes_two_queries_whatever_its_size(world, station, migrants, django_assert_num_queries):
    with django_assert_num_queries(2):
        selectors.rosters([station], D(2026, 6, 1))
