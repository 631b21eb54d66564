"""Shared personas and places.

Two counties: 镇雄县 (530627, Yunnan) and 万州区 (500101, Chongqing). In 镇雄, one township
(泼机镇) with two villages, so that two cadres of one township can be told apart.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from stdnum.cn import ric

from lnob.areas.models import Area
from lnob.areas.roles import Role
from lnob.areas.services import area_create_unchecked, areas_load_national, role_assign
from lnob.registry import services
from lnob.registry.models import Household

ZX, WZ = 530627000000, 500101000000
ZX_TOWN, ZX_V1, ZX_V2 = 530627102000, 530627102201, 530627102202
WZ_TOWN, WZ_V1 = 500101103000, 500101103201

_seq = itertools.count(100)


def make_id(birth: str = "19800101", sex: str = "M", place: str = "") -> str:
    """A valid resident ID. The birthplace code must have existed in the birth year."""
    year = int(birth[:4])
    place = place or ("530627" if year >= 2001 else "532128")
    n = next(_seq) % 500
    seq = f"{n * 2 + (1 if sex == 'M' else 0):03d}"
    body = f"{place}{birth}{seq}"
    return body + ric.calc_check_digit(body + "0")


def ensure_world() -> None:
    if Area.objects.filter(code=ZX_V2).exists():
        return
    areas_load_national()
    zx, wz = Area.objects.get(code=ZX), Area.objects.get(code=WZ)
    town = area_create_unchecked(code=ZX_TOWN, name="泼机镇", parent=zx)
    area_create_unchecked(code=ZX_V1, name="泼机村", parent=town)
    area_create_unchecked(code=ZX_V2, name="海子村", parent=town)
    wtown = area_create_unchecked(code=WZ_TOWN, name="分水镇", parent=wz)
    area_create_unchecked(code=WZ_V1, name="石碾村", parent=wtown)


def seed_again() -> None:
    """The national tree and the seed migrations' data (risk types, policy, categories, rules),
    again: a transactional test empties the database when it ends, seeds included."""
    import importlib

    from django.apps import apps

    ensure_world()
    for module in (
        "lnob.registry.migrations.0002_risk_types",
        "lnob.monitoring.migrations.0002_seed_policy",
        "lnob.monitoring.migrations.0004_seed_rules",
        "lnob.employment.subsidies.migrations.0002_seed_transport_rules",
        "lnob.matching.migrations.0002_seed_rule",
    ):
        importlib.import_module(module).seed(apps, None)


@dataclass
class World:
    users: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.users[name]
        except KeyError:
            raise AttributeError(name) from None


PERSONAS = {
    "zx_admin": (Role.COUNTY_ADMIN, ZX),
    "zx_township": (Role.TOWNSHIP_OFFICER, ZX_TOWN),
    "zx_cadre1": (Role.VILLAGE_CADRE, ZX_V1),
    "zx_cadre2": (Role.VILLAGE_CADRE, ZX_V2),
    "zx_auditor": (Role.AUDITOR, ZX),
    "zx_department": (Role.DEPARTMENT_OFFICER, ZX),
    "wz_admin": (Role.COUNTY_ADMIN, WZ),
    "wz_cadre": (Role.VILLAGE_CADRE, WZ_V1),
}
PASSWORD = "a-test-password-91"


@pytest.fixture
def world(db: Any) -> World:
    ensure_world()
    users: dict[str, Any] = {}
    User = get_user_model()
    for name, (role, code) in PERSONAS.items():
        user = User.objects.create_user(username=name, password=PASSWORD)
        role_assign(user=user, area=Area.objects.get(code=code), role=role)
        users[name] = user
    users["nobody"] = User.objects.create_user(username="nobody", password=PASSWORD)
    users["root"] = User.objects.create_superuser(username="root", password=PASSWORD)
    return World(users)


def person(birth: str = "19800101", sex: str = "M", name: str = "张三", **extra: Any) -> services.PersonData:
    return services.PersonData(id_number=make_id(birth, sex), name=name, **extra)


def make_household(
    actor: Any,
    village: int,
    number: str,
    *,
    head: services.PersonData | None = None,
    effective: dt.date = dt.date(2020, 1, 1),
    **extra: Any,
) -> Household:
    return services.household_create(
        actor=actor,
        number=number,
        village=Area.objects.get(code=village),
        head=head or person(name=f"户主{number[-3:]}"),
        effective=effective,
        **extra,
    )


@pytest.fixture
def households(world: World) -> dict[str, Household]:
    """One household in each village: two in 泼机镇's villages, one in 万州."""
    return {
        "v1": make_household(
            world.zx_cadre1, ZX_V1, "5306271022010001", status="out_of_poverty", left_poverty_year=2019
        ),
        "v2": make_household(world.zx_cadre2, ZX_V2, "5306271022020001"),
        "wz": make_household(world.wz_cadre, WZ_V1, "5001011032010001"),
    }


# -- households at risk, for the monitoring tests ---------------------------------------------

YEAR = (dt.date(2025, 7, 1), dt.date(2026, 6, 30))


def _income(actor, household, amount, source="wages", who=None):
    services.income_record(
        actor=actor,
        household=household,
        period_start=YEAR[0],
        period_end=YEAR[1],
        source=source,
        amount=Decimal(amount),
        person=who,
    )


def _head(household):
    return household.memberships.get(relation="head").person


@pytest.fixture
def county(world):
    """镇雄: a poor 脱贫户 in 泼机村 (A), a household in 海子村 whose medical bills eat its income
    (B), a comfortable household in 泼机村 (C). 万州: a poor ordinary household (D)."""
    a = make_household(
        world.zx_cadre1, ZX_V1, "5306271022010101", status="out_of_poverty", left_poverty_year=2019
    )
    _income(world.zx_cadre1, a, "6000", who=_head(a))
    b = make_household(world.zx_cadre2, ZX_V2, "5306271022020102")
    _income(world.zx_cadre2, b, "30000", who=_head(b))
    services.expenditure_record(
        actor=world.zx_cadre2,
        household=b,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        type="medical_self_paid",
        amount=Decimal("28000"),
        person=_head(b),
    )
    c = make_household(world.zx_cadre1, ZX_V1, "5306271022010103")
    _income(world.zx_cadre1, c, "30000", who=_head(c))
    d = make_household(world.wz_cadre, WZ_V1, "5001011032010104")
    _income(world.wz_cadre, d, "3000", who=_head(d))
    return {"a": a, "b": b, "c": c, "d": d}
