"""A county fair of 镇雄 with one recruiter (a Dongguan factory) and its vacancy, and the people of
tests/personas.py: 泼机村's out-of-poverty household (cadre 1), 海子村's ordinary one (cadre 2),
万州's (another county)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from lnob.areas.models import Area
from lnob.employment import services as ledger
from lnob.employment.fairs import services
from lnob.registry.models import Membership
from tests.personas import ZX, ZX_TOWN, ZX_V1

FACTORY = "91441900MA4W123409"  # a Dongguan factory
HOTEL = "91500101MA5U12345B"
D = dt.date
FAIR_DAY = D(2026, 3, 5)


def head(household: Any) -> Any:
    return Membership.objects.get(household=household, relation="head").person


@pytest.fixture
def factory(world: Any) -> Any:
    return ledger.employer_create(
        actor=world.zx_admin, county=Area.objects.get(code=ZX), credit_code=FACTORY, name="东莞华宏电子厂"
    )


@pytest.fixture
def fair(world: Any) -> Any:
    return services.fair_create(
        actor=world.zx_admin,
        area=Area.objects.get(code=ZX),
        name="2026年春风行动招聘会",
        start=FAIR_DAY,
        venue="泼机镇文化广场",
        village=Area.objects.get(code=ZX_V1),
        code="ZX-2026-01",
    )


@pytest.fixture
def township_fair(world: Any) -> Any:
    return services.fair_create(
        actor=world.zx_township,
        area=Area.objects.get(code=ZX_TOWN),
        name="泼机镇就业招聘会",
        start=D(2026, 4, 10),
        venue="泼机镇政府",
        village=Area.objects.get(code=ZX_V1),
    )


def add_vacancy(actor: Any, recruiter: Any, **extra: Any) -> Any:
    fields: dict[str, Any] = {
        "title": "电子装配工",
        "headcount": 30,
        "location": "out_of_province",
        "destination": "广东省东莞市",
        "wage_min": Decimal("4000"),
        "wage_max": Decimal("6000"),
        "start": D(2026, 3, 20),
        "age_min": 18,
        "age_max": 50,
        "housing": True,
    }
    return services.fair_vacancy_add(actor=actor, recruiter=recruiter, **(fields | extra)).vacancy


@pytest.fixture
def vacancy(world: Any, fair: Any, factory: Any) -> Any:
    recruiter = services.recruiter_add(actor=world.zx_admin, fair=fair, employer=factory, booth="A01")
    return add_vacancy(world.zx_admin, recruiter)


@pytest.fixture
def attendee(world: Any, households: Any, fair: Any, vacancy: Any) -> Any:
    return services.attendee_register(
        actor=world.zx_cadre1,
        fair=fair,
        person=head(households["v1"]),
        registered_on=D(2026, 3, 1),
        vacancies=[vacancy],
    )


@pytest.fixture
def application(attendee: Any) -> Any:
    return attendee.applications.get()
