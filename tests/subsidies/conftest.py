"""Places and people for the subsidies tests: a transport rule for 镇雄 (like Chongxin's, with an
in-city tier) and none for 万州; out-of-poverty households in both 镇雄 villages, an ordinary one
in 泼机村, and an out-of-poverty one in 万州."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from lnob.employment import services as ledger
from lnob.employment.models import EmploymentPolicy
from lnob.registry.models import Membership
from lnob.registry.selectors import today
from tests.personas import WZ_V1, ZX, ZX_V1, ZX_V2, make_household, person

YEAR = today().year - 1  # a whole year behind us
D = dt.date

ZX_PARAMS = {
    "amounts": {"out_of_province": "600", "in_province": "300", "in_city": "200"},
    "provinces": [{"province": 44, "name": "广东", "amount": "500"}],
    "min_months": "3",
    "household_groups": ["out_of_poverty", "monitored"],
}


@pytest.fixture
def zx_rule(db: Any) -> EmploymentPolicy:
    return EmploymentPolicy.objects.create(
        kind="transport_subsidy",
        area_code=ZX,
        effective_from=D(2020, 1, 1),
        name="镇雄县一次性交通补助（测试）",
        params=ZX_PARAMS,
        source="https://example.test/zx-transport",
    )


def _head(household: Any) -> Any:
    return Membership.objects.get(household=household, relation="head").person


@pytest.fixture
def people(world: Any, zx_rule: EmploymentPolicy) -> dict[str, Any]:
    poor1 = make_household(
        world.zx_cadre1,
        ZX_V1,
        "5306271022019001",
        status="out_of_poverty",
        left_poverty_year=2019,
        head=person("19850101", "M", "李明", bank_account="6222020200001234567"),
    )
    poor2 = make_household(
        world.zx_cadre2,
        ZX_V2,
        "5306271022029001",
        status="out_of_poverty",
        left_poverty_year=2019,
        head=person("19900202", "F", "赵芳"),
    )
    ordinary = make_household(
        world.zx_cadre1, ZX_V1, "5306271022019002", head=person("19800303", "M", "钱多")
    )
    wz = make_household(
        world.wz_cadre,
        WZ_V1,
        "5001011032019001",
        status="out_of_poverty",
        left_poverty_year=2019,
        head=person("19820404", "M", "孙九"),
    )
    return {
        "li": _head(poor1),
        "zhao": _head(poor2),
        "qian": _head(ordinary),
        "sun": _head(wz),
        "households": {"poor1": poor1, "poor2": poor2, "ordinary": ordinary, "wz": wz},
    }


def work(
    actor: Any,
    who: Any,
    start: dt.date,
    end: dt.date | None,
    location: str = "out_of_province",
    destination: str = "广东省东莞市",
    **extra: Any,
) -> Any:
    return ledger.spell_record(
        actor=actor,
        person=who,
        status=extra.pop("status", "employed"),
        start=start,
        end=end,
        location=location,
        destination=destination,
        monthly_wage=extra.pop("monthly_wage", Decimal("4500")),
        **extra,
    )
