"""A small hand-built county for the figures (tests/measures): households in 镇雄's two villages
of 泼机镇 and in 万州's 石碾村, with wage records and spells chosen so that every figure can be
counted by hand. The month is October 2026 (as of 2026-10-31); W1 is 2025-11-01..2026-10-31
(365 days).

镇雄 泼机村 (ZX_V1):
  A 脱贫户: 张一 (1980, M) employed out of province, organised export, since 2026-03-01, 4800/month
            李二 (1982, F) not employed since 2026-01-01
            张小 (2012) a child
  B 一般户: 王五 (1970, M) a wage record 2025-07-01..2026-06-30 naming him, nothing in the ledger
镇雄 海子村 (ZX_V2):
  C 脱贫户: 赵六 (1975, M) employed in the county, workshop, since 2026-09-01, 2000/month
            孙七 (1960) 66 years old
  D 一般户: 钱八 (1990, M) public-welfare post in the county since 2025-01-01, 500/month
            钱九 (2005) at university
万州 石碾村 (WZ_V1):
  E 脱贫户: 周十 (1985, M) self-employed in the county since 2026-05-01, no wage recorded
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from lnob.employment import services as ledger
from lnob.registry import services
from lnob.registry.models import Membership
from tests.personas import WZ_V1, ZX_V1, ZX_V2, make_household, person

MONTH = dt.date(2026, 10, 1)
AS_OF = dt.date(2026, 10, 31)
W1_DAYS = 365


def head(household: Any) -> Any:
    return Membership.objects.get(household=household, relation="head").person


def add(actor: Any, household: Any, data: Any, relation: str = "spouse") -> Any:
    m = services.member_add(
        actor=actor, household=household, person=data, relation=relation, joined=dt.date(2020, 1, 1)
    )
    return m.person


@pytest.fixture
def small_county(world: Any) -> dict[str, Any]:
    return build_small_county(world)


def build_small_county(world: Any) -> dict[str, Any]:
    """The households and spells described above (the fixture `small_county`)."""
    c1, c2, wz = world.zx_cadre1, world.zx_cadre2, world.wz_cadre
    a = make_household(
        c1, ZX_V1, "5306271022010201", head=person("19800301", "M", name="张一"),
        status="out_of_poverty", left_poverty_year=2019,
    )  # fmt: skip
    zhang = head(a)
    li = add(c1, a, person("19820505", "F", name="李二"))
    add(c1, a, person("20120606", "M", name="张小"), relation="child")
    b = make_household(c1, ZX_V1, "5306271022010202", head=person("19700101", "M", name="王五"))
    wang = head(b)
    services.income_record(
        actor=c1, household=b, period_start=dt.date(2025, 7, 1), period_end=dt.date(2026, 6, 30),
        source="wages", amount=Decimal("30000"), person=wang,
    )  # fmt: skip
    c = make_household(
        c2, ZX_V2, "5306271022020201", head=person("19750707", "M", name="赵六"),
        status="out_of_poverty", left_poverty_year=2018,
    )  # fmt: skip
    zhao = head(c)
    add(c2, c, person("19600808", "M", name="孙七"), relation="parent")
    d = make_household(c2, ZX_V2, "5306271022020202", head=person("19900909", "M", name="钱八"))
    qian = head(d)
    add(c2, d, person("20050303", "F", name="钱九", enrolment="higher"), relation="child")
    e = make_household(
        wz, WZ_V1, "5001011032010201", head=person("19850404", "M", name="周十"),
        status="out_of_poverty", left_poverty_year=2020,
    )  # fmt: skip
    zhou = head(e)

    ledger.spell_record(
        actor=c1, person=zhang, status="employed", start=dt.date(2026, 3, 1), location="out_of_province",
        channel="organised_export", destination="浙江省宁波市", monthly_wage=Decimal("4800"),
    )  # fmt: skip
    ledger.spell_record(actor=c1, person=li, status="not_employed", start=dt.date(2026, 1, 1))
    ledger.spell_record(
        actor=c2, person=zhao, status="employed", start=dt.date(2026, 9, 1), location="in_county",
        channel="workshop", monthly_wage=Decimal("2000"),
    )  # fmt: skip
    ledger.spell_record(
        actor=c2, person=qian, status="public_welfare", start=dt.date(2025, 1, 1), location="in_county",
        channel="public_welfare", monthly_wage=Decimal("500"),
    )  # fmt: skip
    ledger.spell_record(
        actor=wz, person=zhou, status="self_employed", start=dt.date(2026, 5, 1), location="in_county"
    )
    return {"a": a, "b": b, "c": c, "d": d, "e": e}
