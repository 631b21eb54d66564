"""The demo data: the county's Dongguan workstation and its work, made from the county's own
people, the same on every run and not made twice."""

from __future__ import annotations

import datetime as dt

from lnob.areas.models import Area
from lnob.employment.models import Spell
from lnob.employment.workstations import selectors
from lnob.employment.workstations.demo import load_demo
from lnob.employment.workstations.models import Dispute, Visit, Workstation
from tests.personas import ZX, ZX_V1, ZX_V2, make_household, person

TODAY = dt.date(2026, 11, 20)


def test_the_demo_station_is_made_from_the_countys_people(world, officers):
    for i in range(12):
        village, cadre = (ZX_V1, world.zx_cadre1) if i % 2 else (ZX_V2, world.zx_cadre2)
        make_household(cadre, village, f"DEMO-{i:03d}", head=person(f"19{80 + i}0101", name=f"务工{i}"))
    counts = load_demo(county=Area.objects.get(code=ZX), today=TODAY, actor=world.zx_admin)
    assert counts["workstations"] == 1 and counts["migrants"] == 12 and counts["vacancies"] == 4
    assert counts["disputes"] == 5 and counts["visits"] == 8 and 0 < counts["placements"] <= 4
    station = Workstation.objects.get()
    assert station.destination_city == "东莞市"
    assert sorted(station.officers.values_list("username", flat=True)) == ["zx_officer", "zx_officer2"]
    roster = selectors.rosters([station], TODAY)[station.pk]
    assert len(roster) == 12 and sum(r.placed for r in roster) == counts["placements"]
    assert set(Dispute.objects.values_list("state", flat=True)) == {
        "intake",
        "mediation",
        "resolved",
        "escalated",
    }
    assert all(d.amount_recovered <= d.amount_claimed for d in Dispute.objects.all())
    assert Visit.objects.count() == 8
    again = load_demo(county=Area.objects.get(code=ZX), today=TODAY, actor=world.zx_admin)
    assert again["workstations"] == 0 and Spell.objects.count() == 12
