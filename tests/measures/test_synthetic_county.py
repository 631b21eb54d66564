"""End to end on a synthetic county: loaded, its ledger imported through the `spells` exchange
table, the figures refreshed; they agree with the county's own frames and ground truth, and with
the kinds of figures the seeds report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from django.contrib.auth import get_user_model

from lnob.areas.models import Area
from lnob.areas.roles import Role
from lnob.areas.services import role_assign
from lnob.engine.synth import SynthCounty, generate
from lnob.exchange.synth_out import import_ledger
from lnob.measures.models import AreaFigure
from lnob.measures.refresh import figures_refresh
from lnob.registry.bulk import load_synth_county
from tests.personas import seed_again

LUDIAN = 530621000000  # 鲁甸县: a county of 昭通 no other test uses
MONTH = dt.date(2026, 6, 1)


@pytest.fixture
def loaded(db: Any) -> tuple[SynthCounty, Any]:
    from lnob.registry.models import RiskType

    if not RiskType.objects.exists():  # without migrations (pytest --no-migrations) the seeds are missing
        seed_again()
    synth = generate(3_000, seed=7, county_code=LUDIAN, county_name="鲁甸县")
    load_synth_county(synth)
    admin = get_user_model().objects.create_user(username="ludian_admin", password="x-password-91")
    role_assign(user=admin, area=Area.objects.get(code=LUDIAN), role=Role.COUNTY_ADMIN)
    counts = import_ledger(synth, actor=admin)
    assert counts["spells"] == synth.ledger.height
    assert counts["employers"] == synth.employers.height
    figures_refresh(actor=None, area_code=LUDIAN, month=MONTH)
    return synth, admin


def county_figures() -> dict[str, float]:
    return dict(AreaFigure.objects.filter(area_code=LUDIAN, month=MONTH).values_list("metric", "value"))


def test_zero_employment_households_are_the_ground_truths(loaded: tuple[SynthCounty, Any]) -> None:
    synth, _admin = loaded
    truth = synth.truth.filter(pl.col("rule_code") == "zero_employment").height
    assert county_figures().get("emp.hh_zero.all", 0) == truth


def test_in_work_is_the_open_spells_of_the_labour_force(loaded: tuple[SynthCounty, Any]) -> None:
    synth, _admin = loaded
    figures = county_figures()
    running = synth.spells.filter(pl.col("end").is_null() | (pl.col("end") >= dt.date(2026, 6, 30)))
    assert 0 < figures["emp.in_work.all"] <= running["person_id"].n_unique()
    share = figures["emp.transferred.all"] / figures["emp.labour.all"]
    assert 0.6 < share < 0.95  # the seeds: 86% of 镇雄's labour force in transferred employment
    out = figures["emp.tier_out_of_province.all"] / (
        figures["emp.tier_out_of_province.all"] + figures["emp.tier_in_province.all"]
    )
    assert 0.4 < out < 0.7  # about half of the migrants out of the province
    assert 1_000 < figures["emp.wage_sum.all"] / figures["emp.wage_n.all"] < 4_000
    assert figures["emp.labour.poor"] < figures["emp.labour.all"]
    # every village's figures add up to the county's
    villages = AreaFigure.objects.filter(month=MONTH, level=5, metric="emp.in_work.all")
    assert sum(villages.values_list("value", flat=True)) == figures["emp.in_work.all"]
