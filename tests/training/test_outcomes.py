"""Outcomes read from the ledger: a completed trainee is in work 3 (6) months after completing
when a spell in work runs that day; a day still to come is not counted."""

from __future__ import annotations

import datetime as dt

from lnob.employment import services as ledger
from lnob.employment.training import selectors, services

from .conftest import END, attend, make_course

D = dt.date


def test_in_work_at_three_and_six_months_is_read_from_the_spells(world, course, poor, ordinary):
    spring = make_course(
        world.zx_township, title="春季电工班", skill="电工", start=D(2026, 3, 2), end=D(2026, 3, 6)
    )
    a, b = (
        services.enrolment_create(actor=world.zx_township, course=spring, person=p, enrolled_on=D(2026, 3, 1))
        for p in (poor, ordinary)
    )
    attend(world.zx_township, spring, [a, b], 5)
    services.course_complete(actor=world.zx_township, course=spring, day=D(2026, 3, 6))
    services.certificate_record(
        actor=world.zx_township, enrolment=a, kind="special", number="Z1", date=D(2026, 3, 20)
    )
    # 3 months on is 2026-06-06, 6 months on 2026-09-06
    ledger.spell_record(
        actor=world.zx_cadre1, person=poor, status="employed", location="in_county", start=D(2026, 4, 1),
        end=D(2026, 7, 31),
    )  # fmt: skip
    ledger.spell_record(
        actor=world.zx_cadre2, person=ordinary, status="not_employed", start=D(2026, 3, 7), end=D(2026, 7, 31)
    )
    ledger.spell_record(
        actor=world.zx_cadre2,
        person=ordinary,
        status="self_employed",
        location="in_county",
        start=D(2026, 8, 1),
    )
    # the autumn course ended in September: its outcomes are not due yet
    c = services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    attend(world.zx_township, course, [c], 10)
    services.enrolment_complete(actor=world.zx_township, enrolment=c, day=END)

    result = selectors.outcomes(user=world.zx_admin)
    rows = {r.label: r for r in result["courses"]}
    s = rows[str(spring)]
    assert (s.trainees, s.completed, s.certified, s.due_3, s.in_work_3, s.due_6, s.in_work_6) == (
        2,
        2,
        1,
        2,
        1,
        2,
        1,
    )
    autumn = rows[str(course)]
    assert (autumn.completed, autumn.due_3, autumn.in_work_3, autumn.due_6) == (1, 0, 0, 0)
    [town] = result["areas"]
    assert (town.label, town.trainees, town.completed, town.in_work_3, town.in_work_6) == (
        "泼机镇",
        3,
        3,
        1,
        1,
    )


def test_another_county_and_a_cadre_see_only_their_own_trainees_outcomes(world, course, poor, ordinary):
    for p in (poor, ordinary):
        services.enrolment_create(actor=world.zx_township, course=course, person=p)
    assert selectors.outcomes(user=world.wz_admin) == {"courses": [], "areas": []}
    [row] = selectors.outcomes(user=world.zx_cadre1)["courses"]
    assert row.trainees == 1
