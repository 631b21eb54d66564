"""The demo fairs on the persona world: three fairs from the county's people and employers, hires
that are spells of the ledger without overlaps, the same every time, and not loaded twice."""

from __future__ import annotations

import itertools

from django.db import transaction

from lnob.areas.models import Area
from lnob.employment.fairs.demo import load_demo
from lnob.employment.fairs.models import Application, JobFair
from lnob.employment.models import Spell
from lnob.registry.selectors import today
from tests.personas import ZX, ZX_V1, ZX_V2, make_household, person


def _people(world) -> None:
    for i in range(12):
        village, cadre = (ZX_V1, world.zx_cadre1) if i % 2 else (ZX_V2, world.zx_cadre2)
        make_household(
            cadre, village, f"{village}9{i:03d}", head=person(f"19{85 + i % 10}0301", name=f"村民{i}")
        )


def _snapshot() -> list[tuple]:
    return list(
        Application.objects.order_by("person_id", "vacancy__title", "attendee__fair__code").values_list(
            "person_id", "vacancy__title", "attendee__fair__code", "state", "offered_wage", "reason"
        )
    )


def test_the_demo_fairs_are_built_from_the_county_and_are_the_same_every_time(world, households):
    _people(world)
    county = Area.objects.get(code=ZX)
    with transaction.atomic():
        first = load_demo(county=county, today=today(), actor=world.zx_admin)
        seen = _snapshot()
        transaction.set_rollback(True)
    counts = load_demo(county=county, today=today(), actor=world.zx_admin)
    assert counts == first and _snapshot() == seen
    assert counts["fairs"] == 3 and counts["recruiters"] >= 20 and counts["attendees"] >= 10
    assert sorted(JobFair.objects.values_list("status", flat=True)) == ["closed", "held", "planned"]
    assert counts["hires"] == Spell.objects.filter(channel="job_fair").count() > 0
    for app in Application.objects.filter(state="hired").select_related("spell", "vacancy"):
        assert (app.spell.employer_id, app.spell.start) == (app.vacancy.employer_id, app.decided_on)
    assert not Application.objects.filter(attendee__fair__status="planned").exclude(state="applied").exists()
    for person_id in Spell.objects.values_list("person_id", flat=True).distinct():
        spells = list(Spell.objects.filter(person_id=person_id, full_time=True).order_by("start"))
        for a, b in itertools.pairwise(spells):
            assert a.end is not None and a.end < b.start  # no two full-time spells overlap
    assert load_demo(county=county, today=today(), actor=world.zx_admin)["fairs"] == 0  # not twice
