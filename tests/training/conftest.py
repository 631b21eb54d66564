"""Places and people for the training tests: a course of 泼机镇 (镇雄) run by its township
officer, the heads of the persona households as trainees (泼机村's is out of poverty, 海子村's is
an ordinary household), and a course of 万州 for the other county."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from lnob.areas.models import Area
from lnob.employment.training import services
from lnob.employment.training.models import Course
from lnob.registry.models import Household, Membership, Person
from tests.personas import WZ, ZX_TOWN

D = dt.date
# a course that ended in the past, so attendance and completion can be recorded on any of its days
START, END = D(2026, 9, 1), D(2026, 9, 10)


def head(household: Household) -> Person:
    return Membership.objects.get(household=household, relation="head").person


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def make_course(actor: Any, area: int = ZX_TOWN, **extra: Any) -> Course:
    fields: dict[str, Any] = {
        "title": "中式烹调师培训班", "skill": "中式烹调师", "provider": "镇雄县职业技术学校", "start": START,
        "end": END, "hours": 80, "cost_per_trainee": Decimal("1800"), "places": 5, "status": "running",
    } | extra  # fmt: skip
    return services.course_create(actor=actor, area=Area.objects.get(code=area), **fields)


@pytest.fixture
def course(world: Any) -> Course:
    return make_course(world.zx_township)


@pytest.fixture
def wz_course(world: Any) -> Course:
    return make_course(world.wz_admin, WZ, title="万州电工培训班", skill="电工")


@pytest.fixture
def poor(households: dict[str, Household]) -> Person:
    """The head of 泼机村's out-of-poverty household."""
    return head(households["v1"])


@pytest.fixture
def ordinary(households: dict[str, Household]) -> Person:
    """The head of 海子村's ordinary household."""
    return head(households["v2"])


def attend(
    actor: Any, course: Course, enrolments: list[Any], days: int, hours: Decimal | None = None
) -> None:
    """The given trainees present on the course's first `days` days (the day's sheet: the
    course's other trainees are absent those days)."""
    for i in range(days):
        day = course.start + dt.timedelta(days=i)
        services.attendance_mark(
            actor=actor, course=course, day=day, present={e.pk: hours for e in enrolments}
        )
