"""Building small counties for the job-matching tests out of the project's own services: people
and households through the registry (tests/personas.py), employers and vacancies through the
employment ledger, spells through spell_record, monitored households as tests/loans does (an
approved identification case), and runs through lnob.matching.services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone
from stdnum.cn import uscc

from lnob.areas.models import Area
from lnob.core.models import ApiToken
from lnob.employment import services as ledger
from lnob.employment.models import Employer, Spell, Vacancy
from lnob.matching import services
from lnob.matching.models import MatchLine, MatchRun
from lnob.registry import services as registry
from lnob.registry.models import Household, Membership, Person
from tests.personas import ZX, make_household, person

D = dt.date
AS_OF = D(2026, 10, 1)  # every run is dated, so ages and spells do not move with the calendar
SPRING = D(2026, 3, 1)  # when the people at work started


def credit_code(n: int) -> str:
    """A valid unified social credit code, different for each n."""
    body = f"91530627MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def make_employer(actor: Any, n: int, name: str, sector: str = "", county: int = ZX) -> Employer:
    return ledger.employer_create(
        actor=actor,
        county=Area.objects.get(code=county),
        credit_code=credit_code(n),
        name=name,
        sector=sector,
    )


def make_vacancy(actor: Any, employer: Employer, **extra: Any) -> Vacancy:
    fields: dict[str, Any] = {
        "title": "普工",
        "headcount": 1,
        "location": "in_county",
        "destination": "镇雄县",
        "wage_min": Decimal("3000"),
        "wage_max": Decimal("4000"),
        "start": D(2026, 9, 1),
        "age_min": 18,
        "age_max": 45,
        "physical": "light",
    }
    return ledger.vacancy_create(actor=actor, employer=employer, **(fields | extra))


def household_number(village: int) -> str:
    """A household number of the village not yet taken in this test."""
    n = Household.objects.filter(village_id=village).count() + 1
    while Household.objects.filter(number=f"{village}{n:04d}").exists():
        n += 1
    return f"{village}{n:04d}"


def resident(
    cadre: Any,
    village: int,
    name: str,
    *,
    birth: str = "19900101",
    sex: str = "M",
    status: str = "ordinary",
    **extra: Any,
) -> Person:
    """The head of a new household of the village."""
    household_extra: dict[str, Any] = {"status": status}
    if status == "out_of_poverty":
        household_extra["left_poverty_year"] = 2019
    household = make_household(
        cadre,
        village,
        household_number(village),
        head=person(birth, sex, name=name, **extra),
        **household_extra,
    )
    return head(household)


def member(
    cadre: Any,
    of: Person,
    name: str,
    *,
    birth: str = "19920202",
    sex: str = "F",
    relation: str = "spouse",
    **extra: Any,
) -> Person:
    """A new member of the household `of` heads."""
    household = household_of(of)
    m = registry.member_add(
        actor=cadre, household=household, person=person(birth, sex, name=name, **extra), relation=relation,
        joined=D(2020, 1, 1),
    )  # fmt: skip
    return m.person


def head(household: Household) -> Person:
    return Membership.objects.get(household=household, relation="head").person


def household_of(who: Person) -> Household:
    return Membership.objects.select_related("household").get(person=who).household


def work(
    cadre: Any,
    who: Person,
    *,
    start: dt.date = SPRING,
    end: dt.date | None = None,
    full_time: bool = True,
    location: str = "in_county",
    employer: Employer | None = None,
) -> Spell:
    return ledger.spell_record(
        actor=cadre, person=who, status="employed", channel="self_found", location=location, start=start,
        end=end, full_time=full_time, employer=employer, monthly_wage=Decimal("3000"),
    )  # fmt: skip


def monitor(household: Household, day: dt.date) -> None:
    """An approved identification case closed on `day`, as the procedure leaves it (the case
    workflow's own tests walk the steps; here only the decision matters), as tests/loans does."""
    from lnob.monitoring.models import Case

    closed = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    Case.objects.bulk_create(
        [
            Case(
                household=household,
                village_id=household.village_id,
                state="approved",
                opened_at=closed,
                due_on=day,
                closed_at=closed,
            )
        ]
    )


def run(actor: Any, area: int = ZX, as_of: dt.date = AS_OF) -> MatchRun:
    done = services.run_start(actor=actor, area_code=area, as_of=as_of, inline=True)
    assert done.status == "done", done.error
    return done


def lines(run_: MatchRun) -> dict[str, MatchLine]:
    """The run's lines by the person's name (names are unique in each test's county)."""
    rows = MatchLine.objects.filter(run=run_).select_related("person", "vacancy", "post").order_by("pk")
    out = {line.person.name: line for line in rows}
    assert len(out) == rows.count(), "two seekers of one name"
    return out


def outcome(run_: MatchRun) -> dict[str, tuple[str, str]]:
    """name -> (reason, the title of the proposed vacancy or post, or "")."""
    return {
        name: (line.reason, line.vacancy.title if line.vacancy else line.post.title if line.post else "")
        for name, line in lines(run_).items()
    }


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def api(user: Any) -> Client:
    return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user=user, name='t')[1]}"})
