"""Households of two counties for the monitoring tests (see the `county` fixture)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lnob.registry import services as registry
from tests.personas import WZ_V1, ZX_V1, ZX_V2, make_household

YEAR = (dt.date(2025, 7, 1), dt.date(2026, 6, 30))


def _income(actor, household, amount, source="wages", who=None):
    registry.income_record(
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
    registry.expenditure_record(
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
