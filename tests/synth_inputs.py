"""The monitoring engine's inputs built straight from a synthetic county's frames, as the
database loader (lnob.monitoring.load) would give them: for tests that need no database."""

from __future__ import annotations

import datetime as dt

import polars as pl

from lnob.engine.monitor import features as F
from lnob.engine.synth import SynthCounty


def monitor_inputs(synth: SynthCounty, as_of: dt.date) -> F.Inputs:
    """The registry as of a date, from the county's frames, as the monitoring loader gives it."""
    open_on = (pl.col("valid_from") <= as_of) & (pl.col("valid_to").is_null() | (pl.col("valid_to") > as_of))
    versions = synth.household_versions.filter(open_on)
    households = synth.households.join(versions, left_on="id", right_on="household_id").select(
        pl.col("id").alias("household_id"), "village_id", "status", "housing_safe", "water_safe"
    )
    members = synth.memberships.filter(
        (pl.col("joined") <= as_of) & (pl.col("left").is_null() | (pl.col("left") > as_of))
    )
    persons = (
        members.join(synth.persons, left_on="person_id", right_on="id")
        .join(synth.person_versions.filter(open_on), on="person_id")
        .select(
            "person_id",
            "household_id",
            "birth_date",
            "enrolment",
            "health",
            pl.col("disability_grade").cast(pl.Int64),
            "labour_override",
        )
    )
    money = ["household_id", "person_id", "period_start", "period_end"]
    incomes = synth.incomes.select(*money, pl.col("source").alias("kind"), "amount")
    spending = synth.expenditures.select(*money, pl.col("type").alias("kind"), "amount")
    shocks = synth.shocks.select("household_id", "date", pl.col("risk_type_id").alias("risk_type"))
    alerts = getattr(synth, "alerts", None)
    if alerts is not None:
        alerts = alerts.select(list(F.ALERTS)).with_columns(
            pl.col("amount").cast(pl.Float64), pl.col("grade").cast(pl.Int64)
        )
    spells = getattr(synth, "spells", None)
    return F.Inputs(households, persons, incomes, spending, shocks, alerts=alerts, spells=spells)
