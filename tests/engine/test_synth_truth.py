"""The synthetic county's ground truth against the monitoring sweep (pure: no database).

The county plants households that meet each exact default rule and records, from its own
arrays, every household that meets each one (`SynthCounty.truth`); the sweep run on its frames
must find exactly those: precision and recall 1.0 per rule.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from lnob.engine.monitor import features as F
from lnob.engine.monitor.defaults import EXACT, RULES
from lnob.engine.monitor.evaluate import RuleSpec, compile_rules, evaluate
from lnob.engine.synth import TABLES, SynthCounty, generate
from lnob.engine.synth.money import BUSINESS, COST, MEDICAL, NO_TRANSFER, WAGES, Rows
from lnob.engine.synth.truth import RULES as PLANTED
from lnob.engine.synth.truth import break_ties
from tests.synth_inputs import monitor_inputs

SKIPPED = {"medical_alert"}  # needs a policy value the synthetic county does not set


def sweep(synth: SynthCounty, threshold: float) -> pl.DataFrame:
    """(household_id, rule_code) the exact default rules find on the county's as-of date."""
    inputs = monitor_inputs(synth, synth.as_of)
    risk_types = tuple(sorted(inputs.shocks["risk_type"].unique()))
    features = F.compute(inputs, F.Settings(as_of=synth.as_of, risk_types=risk_types))
    rules = [
        RuleSpec(str(r["code"]), str(r["expression"]))
        for r in RULES
        if r["code"] in EXACT and r["code"] not in SKIPPED
    ]
    params = {"threshold": threshold}
    compiled = compile_rules(rules, F.feature_columns(risk_types), params)
    return evaluate(features, compiled, params).select("household_id", "rule_code")


def test_the_recorded_rules_are_the_exact_default_rules_but_medical_alert() -> None:
    assert set(PLANTED) == set(EXACT) - SKIPPED


@pytest.mark.parametrize(
    ("persons", "seed", "as_of", "threshold"),
    [
        (5_000, 11, dt.date(2026, 6, 30), 8_700.0),
        (50_000, 5, dt.date(2026, 6, 30), 8_700.0),
        (20_000, 3, dt.date(2028, 2, 29), 7_000.0),  # a leap day, another threshold
    ],
)
def test_the_sweep_finds_exactly_the_recorded_households(
    persons: int, seed: int, as_of: dt.date, threshold: float
) -> None:
    synth = generate(persons, seed=seed, as_of=as_of, threshold=threshold)
    assert synth.threshold == threshold
    truth = synth.truth
    assert dict(truth.schema) == {"household_id": pl.Int64, "rule_code": pl.String}
    assert truth.height == truth.unique().height
    hits = sweep(synth, threshold)
    n_households = synth.households.height
    least = max(3, int(0.002 * n_households))
    for rule in PLANTED:
        found = set(hits.filter(pl.col("rule_code") == rule)["household_id"])
        true = set(truth.filter(pl.col("rule_code") == rule)["household_id"])
        assert len(true) >= least, (rule, len(true))
        precision = len(found & true) / len(found) if found else 1.0
        recall = len(found & true) / len(true)
        assert (precision, recall) == (1.0, 1.0), (rule, sorted(found - true)[:5], sorted(true - found)[:5])
    assert hits.sort("household_id", "rule_code").equals(truth)


def test_truth_is_reproducible_and_not_a_table() -> None:
    first, again, other = generate(5_000, seed=7), generate(5_000, seed=7), generate(5_000, seed=8)
    assert first.truth.equals(again.truth)
    for table in TABLES:
        assert first.tables()[table].equals(again.tables()[table]), table
    assert not first.truth.equals(other.truth)
    assert list(first.tables()) == list(TABLES) and set(first.counts()) == set(TABLES)
    assert all(frame is not first.truth for frame in first.tables().values())


def test_tiny_counties_still_record_a_truth() -> None:
    for persons in (1, 100):
        synth = generate(persons, seed=2)
        assert sweep(synth, synth.threshold).sort("household_id", "rule_code").equals(synth.truth)


def test_planted_money_keeps_the_registry_constraints() -> None:
    synth = generate(20_000, seed=9)
    incomes, spending = synth.incomes, synth.expenditures
    assert (incomes["amount"] >= 0).all() and (spending["amount"] >= 0).all()
    assert ((incomes["amount"] * 100).round(6) % 1 == 0).all()
    assert ((spending["amount"] * 100).round(6) % 1 == 0).all()
    transfer = incomes["source"] == "transfer"
    assert (incomes.filter(transfer)["transfer_type"] != "").all()
    assert (incomes.filter(~transfer)["transfer_type"] == "").all()
    dropouts = synth.person_versions.filter(pl.col("enrolment") == "dropped_out")
    assert (dropouts["education"] == "primary").all()


def test_no_household_is_left_exactly_on_the_line() -> None:
    """Float sums of amounts in fen could fall either side of the line: a fen is added."""
    incomes, spending = Rows(), Rows()
    hh = np.array([0, 1, 2])
    incomes.add(hh, None, COST, NO_TRANSFER, 1, np.array([600.0, 0.0, 0.0]))
    incomes.add(hh, np.array([0, 2, 4]), WAGES, NO_TRANSFER, 1, np.array([10_000.0, 20_000.0, 12_000.0]))
    incomes.add(hh, None, BUSINESS, NO_TRANSFER, 1, np.array([8_000.0, 0.0, 7_000.0]))
    spending.add(np.array([1]), np.array([2]), MEDICAL, 0, 1, np.array([2_599.99]))
    size = np.array([2, 2, 2])
    before = incomes.cents(3, 1, (WAGES, BUSINESS, COST), negative=(COST,))
    assert before.tolist() == [1_740_000, 2_000_000, 1_900_000]
    # household 0 earns exactly 8,700 per person; household 1 keeps 8,700.005 after its bill
    break_ties(incomes, spending, size, 8_700.0)
    after = incomes.cents(3, 1, (WAGES, BUSINESS, COST), negative=(COST,))
    assert after.tolist() == [1_740_001, 2_000_000, 1_900_000]
    spending.add(np.array([1]), np.array([2]), MEDICAL, 0, 1, np.array([0.01]))  # now exactly on it
    break_ties(incomes, spending, size, 8_700.0)
    assert incomes.cents(3, 1, (WAGES, BUSINESS, COST), negative=(COST,)).tolist() == [
        1_740_001,
        2_000_001,
        1_900_000,
    ]


def test_planting_keeps_one_record_per_exchange_key() -> None:
    """The exchange format keys money and shocks by household, period (or date), kind and the
    person named: planted bills and illnesses must not repeat a key (the import refuses them)."""
    synth = generate(50_000, seed=7)
    keys = {
        "incomes": ["household_id", "period_start", "period_end", "source", "transfer_type", "person_id"],
        "expenditures": ["household_id", "period_start", "period_end", "type", "person_id"],
        "shocks": ["household_id", "date", "risk_type_id", "person_id"],
    }
    for table, key in keys.items():
        named = getattr(synth, table).drop_nulls("person_id")
        assert named.select(key).is_duplicated().sum() == 0, table
