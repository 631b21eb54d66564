"""People and posts of 镇雄 (泼机村 ZX_V1, 海子村 ZX_V2) and 万州 (石碾村 WZ_V1) for the public-welfare
post tests. Who is who:

- 王秀英 (泼机村, 脱贫户, born 1970, chronic illness: partial labour capacity): eligible;
- 李强 (泼机村, 脱贫户, born 1985, healthy: full capacity): not eligible by labour capacity;
- 赵老汉 (泼机村, 脱贫户, born 1962, chronic): 64 in 2026, not eligible by age;
- 陈大姐 (海子村, 一般农户, born 1975, chronic): not eligible by household status;
- 刘红 (万州 石碾村, 脱贫户, born 1978, chronic): eligible in 万州.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from lnob.areas.models import Area
from lnob.employment.posts import services
from lnob.employment.posts.models import Post
from lnob.registry.models import Membership, Person
from tests.personas import WZ_V1, ZX_V1, ZX_V2, make_household, person

D = dt.date


def head(household: Any) -> Person:
    return Membership.objects.get(household=household, relation="head").person


@pytest.fixture
def people(world: Any) -> dict[str, Person]:
    def one(cadre: Any, village: int, number: str, data: Any, **status: Any) -> Person:
        return head(make_household(cadre, village, number, head=data, **status))

    poor = {"status": "out_of_poverty", "left_poverty_year": 2019}
    return {
        "wang": one(
            world.zx_cadre1,
            ZX_V1,
            "5306271022010201",
            person("19700315", "F", "王秀英", health="chronic"),
            **poor,
        ),
        "li": one(world.zx_cadre1, ZX_V1, "5306271022010202", person("19850601", "M", "李强"), **poor),
        "zhao": one(
            world.zx_cadre1,
            ZX_V1,
            "5306271022010203",
            person("19620101", "M", "赵老汉", health="chronic"),
            **poor,
        ),
        "chen": one(
            world.zx_cadre2, ZX_V2, "5306271022020201", person("19750808", "F", "陈大姐", health="chronic")
        ),
        "liu": one(
            world.wz_cadre,
            WZ_V1,
            "5001011032010201",
            person("19780202", "F", "刘红", health="chronic"),
            **poor,
        ),
    }


def make_post(actor: Any, village: int = ZX_V1, **extra: Any) -> Post:
    values: dict[str, Any] = {
        "title": "保洁员",
        "post_type": "ordinary",
        "monthly_pay": Decimal("500"),
        "hours_per_month": 80,
        "places": 2,
        "funding": "linkage_funds",
        "opened_on": D(2026, 1, 1),
    } | extra
    return services.post_create(actor=actor, village=Area.objects.get(code=village), **values)


@pytest.fixture
def post(world: Any) -> Post:
    """泼机村's 保洁员: two places, 500 yuan for 80 hours a month, since 2026-01-01."""
    return make_post(world.zx_township)
