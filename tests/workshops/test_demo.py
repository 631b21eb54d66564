"""The demo workshops (`lnob demo`), on the persona world: made from the county's people, in bulk,
recognised, checked and with a claim; the same every time, and a second run adds nothing."""

from __future__ import annotations

import datetime as dt

from lnob.areas.models import Area
from lnob.employment.models import Spell, Vacancy
from lnob.employment.workshops.demo import load_demo
from lnob.employment.workshops.models import SubsidyClaim, Workshop
from tests.personas import WZ, WZ_V1


def test_the_demo_makes_recognised_workshops_from_the_countys_people(world, households, workers):
    county = Area.objects.get(code=WZ)
    counts = load_demo(county=county, today=dt.date(2026, 11, 22), actor=world.wz_admin)
    assert counts == {
        "workshops": 1,
        "workers": 8,
        "recognised": 1,
        "pending": 0,
        "claims": 1,
        "vacancies": 1,
    }
    vacancy = Vacancy.objects.get()  # more places, posted for job matching
    assert vacancy.employer_id == Workshop.objects.get().employer_id and vacancy.location == "in_county"
    shop = Workshop.objects.get()
    assert shop.village_id == WZ_V1 and shop.state == "normal" and shop.name.endswith("帮扶车间")
    assert shop.employer.county_id == WZ
    assert Spell.objects.filter(channel="workshop", employer=shop.employer).count() == 8
    claim = SubsidyClaim.objects.get()
    assert claim.state == "paid" and claim.paid_amount == claim.amount > 0
    again = load_demo(county=county, today=dt.date(2026, 11, 22), actor=world.wz_admin)
    assert again["workshops"] == 0 and Workshop.objects.count() == 1


def test_the_demo_uses_employers_the_ledger_already_shows_in_the_channel(world, households, workers):
    from lnob.employment import services as ledger
    from tests.workshops.helpers import make_employer

    employer = make_employer(world.wz_admin, WZ, 41, "万州纺织厂")
    for w in workers[:6]:
        ledger.spell_record(actor=world.wz_cadre, person=w, status="employed", channel="workshop",
                            location="in_county", employer=employer, start=dt.date(2025, 1, 1))  # fmt: skip
    counts = load_demo(county=Area.objects.get(code=WZ), today=dt.date(2026, 11, 22), actor=world.wz_admin)
    from_ledger = Workshop.objects.get(employer=employer)
    assert from_ledger.village_id == WZ_V1 and counts["workshops"] == 1  # no idle people left for another
    assert not from_ledger.jobs.exists()  # its roster is the ledger's
