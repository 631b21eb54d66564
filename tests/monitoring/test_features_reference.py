"""The polars feature engine against the hand-written DuckDB query: two independent writings of the
same formulas must agree on a synthetic county, and both must give the figures worked out by hand
for a small household. Pure computation: no database."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from lnob.engine.monitor import features
from lnob.engine.monitor.features import Inputs, Settings
from lnob.engine.monitor.reference import duckdb_features
from lnob.engine.synth import generate
from tests.synth_inputs import monitor_inputs

D = dt.date


inputs_as_of = monitor_inputs


def assert_same(left: pl.DataFrame, right: pl.DataFrame) -> None:
    assert left.height > 0
    assert_frame_equal(
        left.sort("household_id"), right.sort("household_id"), check_exact=False, rel_tol=1e-9, abs_tol=1e-6
    )


@pytest.fixture(scope="module")
def county() -> Any:
    return generate(20000, seed=3)


def risk_types(inputs: Inputs) -> tuple[str, ...]:
    return tuple(sorted(inputs.shocks["risk_type"].drop_nulls().unique()))


def test_the_engines_agree_on_a_synthetic_county(county: Any) -> None:
    inputs = inputs_as_of(county, county.as_of)
    settings = Settings(as_of=county.as_of, risk_types=risk_types(inputs))
    expected = features.compute(inputs, settings)
    got = duckdb_features(inputs, settings)
    assert got.schema == pl.Schema(features.feature_columns(settings.risk_types))
    assert got["household_id"].is_sorted()
    assert_same(expected, got)
    assert got["shocks"].sum() > 0 and got["dropouts"].sum() > 0
    assert got["zero_employment"].any() and got["no_labour"].any()
    assert got["alerts"].sum() > 0 and got["alert_disability_severe"].sum() > 0
    assert all(got[column].sum() > 0 for column in features.ALERT_COUNTS.values())
    assert all(got[column].sum() > 0 for column in features.ALERT_AMOUNTS)


@pytest.mark.parametrize("as_of", [D(2026, 3, 31), D(2025, 12, 31), D(2026, 2, 28)])
def test_the_engines_agree_between_record_periods(county: Any, as_of: dt.date) -> None:
    """The synthetic records run July to June; other days cut through them, so proration counts."""
    inputs = inputs_as_of(county, as_of)
    settings = Settings(as_of=as_of, risk_types=risk_types(inputs))
    expected = features.compute(inputs, settings)
    assert_same(expected, duckdb_features(inputs, settings, threads=2))
    prorated = inputs.incomes.filter(
        (pl.col("period_start") < features.windows(as_of)[1][0])
        & (pl.col("period_end") >= features.windows(as_of)[1][0])
    )
    assert prorated.height > 0


def test_the_engines_agree_under_other_settings(county: Any) -> None:
    inputs = inputs_as_of(county, county.as_of)
    settings = Settings(
        as_of=county.as_of, working_age=(18, 55), rigid_types=(), risk_types=(), worked_months_min=6.0
    )
    expected = features.compute(inputs, settings)
    got = duckdb_features(inputs, settings, threads=1)
    assert_same(expected, got)
    assert (got["rigid_spending"] == 0).all()
    assert "shocks" in got.columns and not any(c.startswith("shock_") for c in got.columns)


# A household worked out by hand, as of 2026-06-30: W1 = [2025-07-01, 2026-06-30] and
# W0 = [2024-07-01, 2025-06-30], both 365 days.
AS_OF = D(2026, 6, 30)


def _frame(rows: list[tuple[Any, ...]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def small_county() -> SimpleNamespace:
    money = {"household_id": pl.Int64, "person_id": pl.Int64, "period_start": pl.Date, "period_end": pl.Date}
    return SimpleNamespace(
        households=_frame([(1, 10), (2, 10)], {"id": pl.Int64, "village_id": pl.Int64}),
        household_versions=_frame(
            [
                (1, D(2020, 1, 1), D(2026, 1, 1), "ordinary", True, True),  # no longer holds
                (1, D(2026, 1, 1), None, "out_of_poverty", True, False),
                (2, D(2020, 1, 1), None, "ordinary", None, True),
            ],
            {
                "household_id": pl.Int64,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
                "status": pl.String,
                "housing_safe": pl.Boolean,
                "water_safe": pl.Boolean,
            },
        ),
        persons=_frame(
            [
                (1, D(1980, 5, 1)),  # 46, healthy: full
                (2, D(1990, 7, 1)),  # 35 (36 tomorrow), chronic, but recorded as having no capacity
                (3, D(2012, 9, 15)),  # 13, dropped out of school
                (4, D(2016, 1, 1)),  # 10, in primary school, disability grade 2
                (5, D(1985, 3, 3)),  # left the household in March: not a member any more
                (6, D(1966, 7, 1)),  # 59 (60 tomorrow), disability grade 3: partial
            ],
            {"id": pl.Int64, "birth_date": pl.Date},
        ),
        person_versions=_frame(
            [
                (1, D(2020, 1, 1), None, "not_in_school", "healthy", None, ""),
                (2, D(2020, 1, 1), None, "not_in_school", "chronic", None, "none"),
                (3, D(2020, 1, 1), None, "dropped_out", "healthy", None, ""),
                (4, D(2020, 1, 1), None, "primary", "healthy", 2, ""),
                (5, D(2020, 1, 1), None, "not_in_school", "healthy", None, ""),
                (6, D(2020, 1, 1), None, "not_in_school", "healthy", 3, ""),
            ],
            {
                "person_id": pl.Int64,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
                "enrolment": pl.String,
                "health": pl.String,
                "disability_grade": pl.Int16,
                "labour_override": pl.String,
            },
        ),
        memberships=_frame(
            [(p, 1, D(2020, 1, 1), None) for p in (1, 2, 3, 4, 6)] + [(5, 1, D(2020, 1, 1), D(2026, 3, 1))],
            {"person_id": pl.Int64, "household_id": pl.Int64, "joined": pl.Date, "left": pl.Date},
        ),
        incomes=_frame(
            [
                # 184 of its 365 days in W1 (Jul-Dec 2025), 181 in W0 (Jan-Jun 2025)
                (1, 1, D(2025, 1, 1), D(2025, 12, 31), "wages", 36500.0),
                (1, None, D(2025, 7, 1), D(2026, 6, 30), "business_net", 20000.0),
                (1, None, D(2025, 7, 1), D(2026, 6, 30), "production_cost", 5000.0),
                (1, None, D(2024, 7, 1), D(2025, 6, 30), "transfer", 3000.0),  # W0 only
                (1, None, D(2026, 1, 1), D(2026, 12, 31), "property_net", 730.0),  # 181 of 365 days in W1
            ],
            {**money, "source": pl.String, "amount": pl.Float64},
        ),
        expenditures=_frame(
            [
                (1, 2, D(2025, 10, 1), D(2025, 10, 31), "medical_self_paid", 1200.0),
                (1, 2, D(2026, 6, 1), D(2026, 7, 31), "medical_self_paid", 610.0),  # 30 of 61 days
                (1, 6, D(2026, 1, 1), D(2026, 1, 31), "medical_self_paid", 1400.0),
                (1, 3, D(2024, 9, 1), D(2025, 1, 31), "education", 900.0),  # before W1
                (1, 4, D(2025, 9, 1), D(2026, 1, 31), "education", 800.0),
            ],
            {**money, "type": pl.String, "amount": pl.Float64},
        ),
        shocks=_frame(
            [
                (1, D(2025, 8, 1), "illness"),
                (1, D(2025, 6, 30), "disaster"),  # the last day of W0
                (1, D(2026, 6, 30), "illness"),
            ],
            {"household_id": pl.Int64, "date": pl.Date, "risk_type_id": pl.String},
        ),
        spells=_frame(
            [
                (6, D(2026, 1, 1), None),  # 181 days of W1 in work: more than 3 months, no wages
                (6, D(2026, 3, 1), D(2026, 4, 30)),  # a part-time job beside it adds no days
                (1, D(2024, 1, 1), D(2024, 12, 31)),  # before W1
                (1, D(2025, 7, 1), D(2025, 9, 30)),  # fewer days than person 1's wage records show
            ],
            {"person_id": pl.Int64, "start": pl.Date, "end": pl.Date},
        ),
        alerts=_frame(
            [
                (1, 2, "medical_self_paid", D(2025, 9, 1), 9000.0, None),
                (1, 2, "medical_self_paid", D(2026, 2, 1), 4000.0, None),
                (1, 6, "medical_self_paid", D(2026, 3, 1), 12000.0, None),
                (1, 2, "medical_self_paid", D(2025, 6, 30), 50000.0, None),  # the last day of W0
                (1, 4, "disability_registered", D(2025, 12, 1), None, 2),
                (1, 6, "disability_registered", D(2026, 1, 5), None, 3),
                (1, 1, "disaster_loss", D(2026, 6, 30), 8000.0, None),  # the last day of W1
                (1, 1, "layoff", D(2026, 4, 1), None, None),
                (1, 1, "dibao_stopped", D(2026, 7, 1), None, None),  # after the as-of date
                (2, None, "dropout", D(2026, 5, 1), None, None),  # household 2 has no members now
            ],
            {
                "household_id": pl.Int64,
                "person_id": pl.Int64,
                "kind": pl.String,
                "date": pl.Date,
                "amount": pl.Float64,
                "grade": pl.Int64,
            },
        ),
    )


@pytest.mark.parametrize("engine", [features.compute, duckdb_features], ids=["polars", "duckdb"])
def test_a_household_worked_out_by_hand(engine: Any) -> None:
    settings = Settings(as_of=AS_OF, risk_types=("disaster", "illness"))
    frame = engine(inputs_as_of(small_county(), AS_OF), settings).sort("household_id")
    assert frame.schema == pl.Schema(features.feature_columns(settings.risk_types))
    one, two = frame.to_dicts()

    income_net = 18400 + 20000 + 362 - 5000  # wages + business + property - production costs
    income_net_prev = 18100 + 3000
    floats = {
        "wages": 18400.0,
        "business_net": 20000.0,
        "property_net": 362.0,
        "transfers": 0.0,
        "production_costs": 5000.0,
        "income_net": income_net,
        "income_net_prev": income_net_prev,
        "income_per_capita": income_net / 5,
        "income_per_capita_prev": income_net_prev / 5,
        "income_change": (income_net - income_net_prev) / income_net_prev,
        "rigid_spending": 1200 + 300 + 1400 + 800,
        "medical_self_paid": 1200 + 300 + 1400,
        "medical_self_paid_max_person": 1500.0,  # person 2
        "income_after_rigid_per_capita": (income_net - 3700) / 5,
        "months_worked_max": 184 / 365 * 12,
        # person 1's spells all ended in September 2025: their W1 wages are gone
        "wages_lost": 18400.0,
        "income_after_job_loss_per_capita": (income_net - 18400) / 5,
        "alert_medical_amount": 9000 + 4000 + 12000,
        "alert_medical_max_person": 13000.0,  # person 2 in W1; person 6 has 12000
        "alert_disaster_loss": 8000.0,
    }
    exact = {
        "household_id": 1,
        "village_id": 10,
        "status": "out_of_poverty",
        "out_of_poverty": True,
        "ordinary": False,
        "members": 5,
        "labour_full": 1,
        "labour_partial": 1,
        "labour_none": 1,
        "not_working_age": 2,
        "able_workers": 2,
        "available_workers": 2,
        "workers_over_3_months": 2,  # person 1 by wages, person 6 by the ledger
        "zero_employment": False,
        "workers_lost": 1,
        "no_labour": False,
        "ill_serious": 0,
        "ill_chronic": 1,
        "disabled": 2,
        "disabled_severe": 1,
        "pupils_compulsory": 1,
        "dropouts": 1,
        "housing_unsafe": False,
        "water_unsafe": True,
        "shocks": 2,
        "shock_disaster": 0,
        "shock_illness": 2,
        "alerts": 7,
        "alert_medical": 3,
        "alert_dibao_granted": 0,
        "alert_dibao_stopped": 0,
        "alert_tekun_granted": 0,
        "alert_tekun_stopped": 0,
        "alert_dropout": 0,
        "alert_disability": 2,
        "alert_disability_severe": 1,
        "alert_disaster": 1,
        "alert_layoff": 1,
        "alert_unemployed": 0,
    }
    assert set(floats) | set(exact) == set(frame.columns)
    assert {k: one[k] for k in exact} == exact
    assert {k: one[k] for k in floats} == {k: pytest.approx(v, rel=1e-12) for k, v in floats.items()}

    # no members and no records: per-capita figures and the income change are unknown, sums are 0
    assert two["members"] == 0 and two["able_workers"] == 0
    assert two["income_per_capita"] is None and two["income_change"] is None
    assert two["income_after_rigid_per_capita"] is None and two["income_per_capita_prev"] is None
    assert two["income_net"] == 0.0 and two["months_worked_max"] == 0.0 and two["shock_illness"] == 0
    assert (two["no_labour"], two["zero_employment"], two["ordinary"]) == (True, False, True)
    assert two["housing_unsafe"] is None and two["water_unsafe"] is False
    assert (two["alerts"], two["alert_dropout"], two["alert_medical_amount"]) == (1, 1, 0.0)


@pytest.mark.parametrize("engine", [features.compute, duckdb_features], ids=["polars", "duckdb"])
def test_months_worked_are_capped_and_a_member_without_work_means_zero_employment(engine: Any) -> None:
    """Overlapping wage records cannot add up to more than the 12 months of W1; an able member
    who worked 3 months or less leaves the household without employment."""
    county = small_county()
    county.spells = county.spells.clear()  # work known from wage records only
    extra = _frame(
        [
            (1, 1, D(2025, 7, 1), D(2026, 6, 30), "wages", 1000.0),  # person 1: over 12 months in all
            (1, 6, D(2026, 4, 1), D(2026, 6, 30), "wages", 1000.0),  # person 6: 91 days, just under 3
        ],
        county.incomes.schema,
    )
    county.incomes = pl.concat([county.incomes, extra])
    frame = engine(inputs_as_of(county, AS_OF), Settings(as_of=AS_OF)).sort("household_id")
    one = frame.row(0, named=True)
    assert one["months_worked_max"] == 12.0 and one["workers_over_3_months"] == 1
    assert not one["zero_employment"]

    county.incomes = county.incomes.filter(pl.col("person_id") != 1)  # person 1 stops working
    one = engine(inputs_as_of(county, AS_OF), Settings(as_of=AS_OF)).sort("household_id").row(0, named=True)
    assert one["months_worked_max"] == pytest.approx(91 / 365 * 12)
    assert (one["workers_over_3_months"], one["zero_employment"]) == (0, True)


@pytest.mark.parametrize("engine", [features.compute, duckdb_features], ids=["polars", "duckdb"])
def test_the_ledger_alone_can_clear_a_zero_employment_household(engine: Any) -> None:
    """Without wage records, person 6's 181 days in work in the ledger are more than 3 months;
    cut to 2026-03-31 (an overlapping spell adds nothing) they are 90 days, and with person 1's
    spells gone the household has nobody employed."""
    county = small_county()
    county.incomes = county.incomes.filter(pl.col("person_id").is_null())
    one = engine(inputs_as_of(county, AS_OF), Settings(as_of=AS_OF)).sort("household_id").row(0, named=True)
    assert one["months_worked_max"] == pytest.approx(181 / 365 * 12)
    # and person 1's 92 days (July to September 2025): just over 3 months
    assert (one["workers_over_3_months"], one["zero_employment"]) == (2, False)
    county.spells = pl.DataFrame(
        {
            "person_id": [6, 6],
            "start": [D(2026, 1, 1), D(2026, 2, 1)],
            "end": [D(2026, 3, 31), D(2026, 2, 28)],
        }
    )
    one = engine(inputs_as_of(county, AS_OF), Settings(as_of=AS_OF)).sort("household_id").row(0, named=True)
    assert one["months_worked_max"] == pytest.approx(90 / 365 * 12)
    assert (one["workers_over_3_months"], one["zero_employment"]) == (0, True)


@pytest.mark.parametrize("engine", [features.compute, duckdb_features], ids=["polars", "duckdb"])
def test_a_member_back_in_work_or_long_gone_has_lost_nothing(engine: Any) -> None:
    """Person 1 lost work in September 2025; a new job running on the as-of date means the
    household lost no wages. A job that ended before W1 is not a loss of the last 12 months."""
    county = small_county()
    county.spells = pl.concat(
        [
            county.spells,
            pl.DataFrame(
                {"person_id": [1], "start": [D(2026, 6, 1)], "end": [None]}, schema=county.spells.schema
            ),
        ]
    )
    one = engine(inputs_as_of(county, AS_OF), Settings(as_of=AS_OF)).sort("household_id").row(0, named=True)
    assert (one["workers_lost"], one["wages_lost"]) == (0, 0.0)
    assert one["income_after_job_loss_per_capita"] == pytest.approx(one["income_per_capita"])
    county = small_county()
    county.spells = county.spells.filter(pl.col("end") < D(2025, 1, 1))
    one = engine(inputs_as_of(county, AS_OF), Settings(as_of=AS_OF)).sort("household_id").row(0, named=True)
    assert one["workers_lost"] == 0
