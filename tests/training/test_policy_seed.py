"""The rules seeded from the policy reference §4.2, with their sources: found for the right
places, and checked against their schemas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lnob.employment.models import EmploymentPolicy
from lnob.employment.policy import parse_params
from lnob.employment.training.rules import allowance_rule, rain_dew_rule
from tests.personas import ZX_V1

DAY = dt.date(2026, 9, 1)
SHAOGUAN_TOWN = 440203001000  # a township of 武江区, 韶关市

pytestmark = pytest.mark.django_db


def test_every_seeded_row_has_a_source_and_valid_parameters():
    rows = EmploymentPolicy.objects.filter(kind__in=["training_allowance", "rain_dew"])
    assert rows.count() == 4
    for row in rows:
        assert row.source and parse_params(row.kind, row.params)


def test_the_national_rates_hold_in_zhenxiong_and_shaoguans_flat_amount_in_shaoguan():
    national = allowance_rule(ZX_V1, DAY)
    assert (national.params.per_day_offline, national.params.per_hour_online) == (Decimal("25"), Decimal("1"))
    shaoguan = allowance_rule(SHAOGUAN_TOWN, DAY)
    assert (shaoguan.params.per_course, shaoguan.params.once_a_year) == (Decimal("500"), True)
    assert "ddtbk.com" in shaoguan.source


def test_the_guangxi_example_is_seeded_switched_off_and_rain_dew_pays_3000():
    guangxi = EmploymentPolicy.objects.get(kind="training_allowance", area_code=450000000000)
    assert not guangxi.active and guangxi.params["certificate_award"] == 800
    assert allowance_rule(450102001000, DAY).row.area_code == 0
    rain = rain_dew_rule(ZX_V1, DAY)
    assert (rain.params.secondary_vocational, rain.params.higher_vocational) == (
        Decimal("3000"),
        Decimal("3000"),
    )
