"""The demo data (lnob demo) on the persona world: courses of the seeds, trainees, attendance,
completions, payments, spells and 雨露计划 students, all consistent with the rules."""

from __future__ import annotations

import datetime as dt

from lnob.areas.models import Area
from lnob.employment.models import Spell
from lnob.employment.training import allowance
from lnob.employment.training.demo import load_demo
from lnob.employment.training.models import AllowancePayment, Course, Enrolment, RainDewStudent
from lnob.registry import services as registry
from tests.personas import ZX, person

TODAY = dt.date(2026, 11, 22)


def test_the_demo_makes_a_small_consistent_training_story_once(world, county, households):
    for i in range(3):
        registry.member_add(
            actor=world.zx_cadre1, household=county["a"], relation="child", joined=dt.date(2020, 1, 1),
            person=person(f"20{8 + i:02d}0101", name=f"学生{i}"),
        )  # fmt: skip
    counts = load_demo(county=Area.objects.get(code=ZX), today=TODAY, actor=world.zx_admin)
    assert counts["courses"] == 5 and counts["enrolments"] >= 3
    assert {"中式烹调师培训班", "劳务输出岗前培训"} <= set(Course.objects.values_list("title", flat=True))
    assert Course.objects.filter(status="finished").count() == 3
    assert counts["completed"] == Enrolment.objects.filter(completed_on__isnull=False).count()
    dues = allowance.dues(list(Enrolment.objects.values_list("pk", flat=True)))
    assert all(d.paid <= d.total for d in dues.values())
    assert counts["allowance_payments"] == AllowancePayment.objects.count()
    assert counts["spells"] == Spell.objects.count()
    assert counts["rain_dew_students"] == RainDewStudent.objects.count()
    assert all(s.grant == 3000 for s in RainDewStudent.objects.all())
    again = load_demo(county=Area.objects.get(code=ZX), today=TODAY, actor=world.zx_admin)
    assert again == {"courses": 0} and Course.objects.count() == 5
