"""Workstation fixtures: 镇雄's station in Dongguan with its officer, Dongguan factories on
镇雄's list, and migrants of 泼机村 and 海子村 in the ledger; 万州 has a station of its own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lnob.areas.models import Area
from lnob.areas.roles import Role
from lnob.areas.services import role_assign
from lnob.employment import services as ledger
from lnob.employment.models import Employer
from lnob.employment.workstations import services
from lnob.employment.workstations.models import Workstation
from lnob.registry.models import Membership, Person
from tests.personas import PASSWORD, WZ, WZ_V1, ZX, ZX_V1, ZX_V2, make_household, person

D = dt.date
FACTORY = "91441900MA4W123409"  # a Dongguan factory's unified social credit code
SHOES = "91441900MA4W12000"  # 17 characters: the check digit is computed in `shoes`


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def head(household: Any) -> Person:
    return Membership.objects.get(household=household, relation="head").person


@pytest.fixture
def officers(world: Any) -> dict[str, Any]:
    """zx_officer runs the Dongguan station; zx_officer2 holds the role in 镇雄 but is named on no
    station; wz_officer is 万州's."""
    User = get_user_model()
    out = {}
    for name, code in (("zx_officer", ZX), ("zx_officer2", ZX), ("wz_officer", WZ)):
        user = User.objects.create_user(username=name, password=PASSWORD)
        role_assign(user=user, area=Area.objects.get(code=code), role=Role.WORKSTATION_OFFICER)
        out[name] = user
    return out


@pytest.fixture
def factory(world: Any) -> Employer:
    return ledger.employer_create(
        actor=world.zx_admin,
        county=Area.objects.get(code=ZX),
        credit_code=FACTORY,
        name="东莞华宏电子厂",
        sector="电子",
        address="广东省东莞市长安镇",
    )


@pytest.fixture
def shoes(world: Any) -> Employer:
    from stdnum.cn import uscc

    return ledger.employer_create(
        actor=world.zx_admin,
        county=Area.objects.get(code=ZX),
        credit_code=SHOES + uscc.calc_check_digit(SHOES),
        name="东莞鞋厂",
    )


@pytest.fixture
def station(world: Any, officers: dict[str, Any]) -> Workstation:
    return services.station_create(
        actor=world.zx_admin,
        county=Area.objects.get(code=ZX),
        name="镇雄县驻东莞劳务工作站",
        destination_city="东莞市",
        destination_province="广东省",
        opened_on=D(2021, 3, 1),
        officers=[officers["zx_officer"]],
        contact_name="王海",
    )


@pytest.fixture
def wz_station(world: Any, officers: dict[str, Any]) -> Workstation:
    return services.station_create(
        actor=world.wz_admin,
        county=Area.objects.get(code=WZ),
        name="万州区驻东莞劳务工作站",
        destination_city="东莞市",
        opened_on=D(2022, 1, 1),
        officers=[officers["wz_officer"]],
    )


def work(
    actor: Any,
    who: Person,
    employer: Employer | None,
    start: D,
    destination: str = "广东省东莞市长安镇",
    wage: str = "5200",
    end: D | None = None,
) -> Any:
    return ledger.spell_record(
        actor=actor,
        person=who,
        status="employed",
        channel="self_found",
        location="out_of_province",
        destination=destination,
        employer=employer,
        monthly_wage=Decimal(wage),
        start=start,
        end=end,
    )


@pytest.fixture
def migrants(world: Any, factory: Employer) -> dict[str, Person]:
    """In Dongguan: 李强 of 泼机村 (at the factory since March) and 赵梅 of 海子村 (since May);
    in Ningbo: 孙伟 of 泼机村; at home: 钱芳 of 泼机村; in Dongguan, but of 万州: 周涛."""

    def resident(cadre: Any, village: int, number: str, birth: str, sex: str, name: str) -> Person:
        return head(make_household(cadre, village, number, head=person(birth, sex, name=name)))

    li = resident(world.zx_cadre1, ZX_V1, "5306271022010010", "19880101", "M", "李强")
    zhao = resident(world.zx_cadre2, ZX_V2, "5306271022020010", "19900505", "F", "赵梅")
    sun = resident(world.zx_cadre1, ZX_V1, "5306271022010011", "19920202", "M", "孙伟")
    qian = resident(world.zx_cadre1, ZX_V1, "5306271022010012", "19950303", "F", "钱芳")
    zhou = resident(world.wz_cadre, WZ_V1, "5001011032010011", "19900404", "M", "周涛")
    work(world.zx_cadre1, li, factory, D(2026, 3, 1))
    work(world.zx_cadre2, zhao, None, D(2026, 5, 1), destination="东莞", wage="4300")
    work(world.zx_cadre1, sun, None, D(2026, 2, 1), destination="浙江省宁波市")
    ledger.spell_record(actor=world.zx_cadre1, person=qian, status="not_employed", start=D(2026, 1, 1))
    work(world.wz_cadre, zhou, None, D(2026, 4, 1))
    return {p.name: p for p in (li, zhao, sun, qian, zhou)}


def resident_at_work(world: Any, village: int, number: str, employer: Employer) -> Person:
    """A new household of one in a 镇雄 village, its head at work for `employer` in Dongguan."""
    cadre = world.zx_cadre1 if village == ZX_V1 else world.zx_cadre2
    who = head(make_household(cadre, village, number, head=person("19930606", name=f"工{number[-3:]}")))
    work(cadre, who, employer, D(2026, 6, 1))
    return who
