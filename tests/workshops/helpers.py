"""Helpers for the workshop tests: employers, workers and hires."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from stdnum.cn import uscc

from lnob.areas.models import Area
from lnob.employment import services as ledger
from lnob.employment.models import Employer
from lnob.employment.workshops import services
from lnob.employment.workshops.models import Workshop
from lnob.registry.models import Household, Membership, Person
from tests.personas import make_household, person

D = dt.date


def credit_code(n: int) -> str:
    """A valid unified social credit code, different for each n."""
    body = f"91500101MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def make_employer(actor: Any, county: int, n: int, name: str = "") -> Employer:
    return ledger.employer_create(
        actor=actor,
        county=Area.objects.get(code=county),
        credit_code=credit_code(n),
        name=name or f"帮扶企业{n}",
    )


def head(household: Any) -> Person:
    return Membership.objects.get(household=household, relation="head").person


def make_worker(actor: Any, village: int, *, poor: bool, name: str, birth: str = "19850315") -> Person:
    """The head of a new household of the village: out-of-poverty (脱贫户) or ordinary."""
    extra = {"status": "out_of_poverty", "left_poverty_year": 2019} if poor else {}
    household = make_household(
        actor,
        village,
        f"{village}{Household.objects.filter(village_id=village).count() + 1:04d}",
        head=person(birth, "F", name=name),
        **extra,
    )
    return head(household)


def hire(
    actor: Any, workshop: Workshop, worker: Person, start: dt.date, wage: str = "2000", **extra: Any
) -> Any:
    return services.worker_join(
        actor=actor,
        workshop=workshop,
        id_number=worker.id_number,
        start=start,
        monthly_wage=Decimal(wage),
        **extra,
    )
