"""Employment figures per village as of a day: the one engine function (`figures`).

Pure polars, no Django. The refresh job (lnob.measures.refresh) reads the registry in bulk with
the monitoring loader (lnob.monitoring.load) and the ledger's spells running on the day, and
hands them here. Every figure is ADDITIVE (a count or a sum) so villages roll up to townships
and counties by summing; ratios and averages are computed when shown (`derived`).

The definitions are written out in docs/measures.md; in short, for a population (`poor`: the
households out of poverty (脱贫户) or monitored (监测对象) on the day; `all`: every household of
the registry, i.e. all rural households):

- labour force: members on the day who are "available for work" exactly as the monitoring
  features count them (aged 16-60, labour capacity full or partial, not in school);
- in work: a spell in work (employed, self-employed, public-welfare post; full- or part-time)
  running on the day; 务工规模 is the labour force of `poor` households in work;
- transferred employment (转移就业): in wage work, i.e. a running spell employed or on a
  public-welfare post (not self-employed);
- months worked: over the last 12 months, as monitoring computes them (the larger of the wage
  records' months and the ledger's days in work), summed over the labour force;
- zero-employment household (零就业家庭, Shaanxi): someone available for work, and nobody
  available worked more than 3 months in the last 12;
- average monthly wage: wage_sum / wage_n over the labour force in work whose main running spell
  records a monthly wage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from lnob.engine.monitor import features as F

PREFIX = "emp"  # the engine's own metrics; channel providers use their own names
POPULATIONS = ("poor", "all")
IN_WORK = ("employed", "self_employed", "public_welfare")
WAGE_WORK = ("employed", "public_welfare")
TIERS = ("in_county", "in_province", "out_of_province")
CHANNELS = ("organised_export", "workshop", "job_fair", "self_found", "public_welfare", "work_relief")
UNKNOWN = "unknown"  # a spell in work that names no place or channel

# the spells running on the day (any status), as the refresh job reads them
LEDGER = {
    "person_id": pl.Int64,
    "status": pl.String,
    "channel": pl.String,
    "location": pl.String,
    "monthly_wage": pl.Float64,  # null: none recorded
    "full_time": pl.Boolean,
    "start": pl.Date,
}

# person figures, per village and population: name -> what it counts
PERSON_FIGURES = (
    "members", "labour", "in_work", "transferred", "not_employed", "no_record", "months", "over3",
    "wage_sum", "wage_n",
)  # fmt: skip
HOUSEHOLD_FIGURES = ("hh", "hh_labour", "hh_zero")


def metric(name: str, population: str) -> str:
    """The stored name of an engine figure, e.g. metric("labour", "poor") == "emp.labour.poor"."""
    return f"{PREFIX}.{name}.{population}"


def metric_names() -> list[str]:
    """Every metric the engine may produce (zero-valued ones are not stored)."""
    names = [*PERSON_FIGURES, *HOUSEHOLD_FIGURES]
    names += [f"tier_{t}" for t in (*TIERS, UNKNOWN)]
    names += [f"channel_{c}" for c in (*CHANNELS, UNKNOWN)]
    return [metric(n, p) for p in POPULATIONS for n in names]


def person_months(inputs: F.Inputs, settings: F.Settings) -> pl.DataFrame:
    """Per member on the day: available for work (bool), months worked in the last 12 months
    (float) and whether more than the zero-employment minimum (bool).

    Computed by the monitoring features themselves (lnob.engine.monitor.features.compute), on a
    registry where every person is a household of their own and only named wage records are
    kept: the same code as the sweep, so exactly the sweep's months (merging wage records and
    the ledger) and the sweep's "available" (able and willing to work)."""
    # only those who may be available (of working age, give or take two days, and not in school)
    # go through the computation, which decides exactly; the others are not available
    low, high = settings.working_age
    slack = dt.timedelta(days=2)
    persons = inputs.persons.lazy().filter(
        (pl.col("birth_date") <= F.years_back(settings.as_of, low) + slack)
        & (pl.col("birth_date") > F.years_back(settings.as_of, high + 1) - slack)
        & pl.col("enrolment").is_in(F.AVAILABLE_ENROLMENT)
    )
    solo = persons.select(
        pl.col("person_id").alias("household_id"),
        pl.lit(0, pl.Int64).alias("village_id"),
        pl.lit("ordinary").alias("status"),
        pl.lit(True).alias("housing_safe"),
        pl.lit(True).alias("water_safe"),
    )
    wages = (
        inputs.incomes.lazy()
        .filter((pl.col("kind") == "wages") & pl.col("person_id").is_not_null())
        .join(persons.select("person_id"), on="person_id", how="semi")
        .with_columns(pl.col("person_id").alias("household_id"))
    )
    per_person = F.Inputs(
        households=solo,
        persons=persons.with_columns(pl.col("person_id").alias("household_id")),
        incomes=wages,
        expenditures=pl.DataFrame(schema=F.MONEY),
        shocks=pl.DataFrame(schema=F.SHOCKS),
        spells=None
        if inputs.spells is None
        else inputs.spells.lazy().join(persons.select("person_id"), on="person_id", how="semi"),
    )
    feats = F.compute(per_person, settings)
    return feats.select(
        pl.col("household_id").alias("person_id"),
        (pl.col("available_workers") > 0).alias("available"),
        pl.col("months_worked_max").alias("months"),
        (pl.col("workers_over_3_months") > 0).alias("over3"),
    )


def _main_spells(ledger: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Per person, what the ledger says on the day: in work (any running spell in work), in wage
    work, and their main spell in work (full-time first, then the latest begun) with its place,
    channel and wage; the status of their full-time spell otherwise."""
    return (
        ledger.lazy()
        .with_columns(pl.col("status").is_in(IN_WORK).alias("in_work"))
        .sort(["person_id", "in_work", "full_time", "start"], descending=[False, True, True, True])
        .group_by("person_id", maintain_order=True)
        .agg(
            pl.col("in_work").any().alias("in_work"),
            pl.col("status").is_in(WAGE_WORK).any().alias("transferred"),
            pl.col("status").first().alias("main_status"),
            pl.col("location").first().alias("tier"),
            pl.col("channel").first().alias("channel"),
            pl.col("monthly_wage").first().alias("wage"),
        )
    )


def figures(
    inputs: F.Inputs,
    ledger: pl.DataFrame,
    monitored: pl.DataFrame,
    settings: F.Settings,
) -> pl.DataFrame:
    """The engine's figures per village as of `settings.as_of`: columns village (Int64),
    metric (String), value (Float64); zero values left out.

    `inputs`: the registry as of the day (lnob.monitoring.load); `ledger`: the spells running on
    the day (columns LEDGER); `monitored`: household_id of the households monitored that day."""
    households = (
        inputs.households.lazy()
        .join(monitored.lazy().select("household_id").unique().with_columns(pl.lit(True).alias("_m")),
              on="household_id", how="left")
        .select(
            "household_id",
            pl.col("village_id").alias("village"),
            ((pl.col("status") == "out_of_poverty") | pl.col("_m").fill_null(False)).alias("poor"),
        )
    )  # fmt: skip
    months = person_months(inputs, settings).lazy()
    people = (
        inputs.persons.lazy()
        .select("person_id", "household_id")
        .join(households, on="household_id")
        .join(months, on="person_id", how="left")
        .join(_main_spells(ledger), on="person_id", how="left")
        .with_columns(
            pl.col("available").fill_null(False),
            pl.col("months").fill_null(0.0),
            pl.col("over3").fill_null(False),
            pl.col("in_work").fill_null(False),
            pl.col("transferred").fill_null(False),
        )
    ).collect()
    frames = []
    for population in POPULATIONS:
        chosen = people if population == "all" else people.filter(pl.col("poor"))
        frames.append(_person_figures(chosen, population))
        frames.append(_household_figures(chosen, households, population))
    wide = [f for f in frames if f.height]
    if not wide:
        return pl.DataFrame(schema={"village": pl.Int64, "metric": pl.String, "value": pl.Float64})
    long = pl.concat([f.unpivot(index="village", variable_name="metric", value_name="value") for f in wide])
    return (
        long.with_columns(pl.col("village").cast(pl.Int64), pl.col("value").cast(pl.Float64))
        .filter(pl.col("value") != 0)
        .sort("village", "metric")
    )


def _person_figures(people: pl.DataFrame, population: str) -> pl.DataFrame:
    available = pl.col("available")
    working = available & pl.col("in_work")
    paid = working & pl.col("wage").is_not_null()
    tier = pl.col("tier").fill_null("").replace("", UNKNOWN)
    channel = pl.col("channel").fill_null("").replace("", UNKNOWN)
    n = pl.Float64

    def m(name: str) -> str:
        return metric(name, population)

    return people.group_by("village").agg(
        pl.len().cast(n).alias(m("members")),
        available.sum().cast(n).alias(m("labour")),
        working.sum().cast(n).alias(m("in_work")),
        (available & pl.col("transferred")).sum().cast(n).alias(m("transferred")),
        (available & ~pl.col("in_work") & (pl.col("main_status") == "not_employed").fill_null(False))
        .sum()
        .cast(n)
        .alias(m("not_employed")),
        (available & pl.col("main_status").is_null()).sum().cast(n).alias(m("no_record")),
        pl.col("months").filter(available).sum().cast(n).alias(m("months")),
        (available & pl.col("over3")).sum().cast(n).alias(m("over3")),
        pl.col("wage").filter(paid).sum().cast(n).alias(m("wage_sum")),
        paid.sum().cast(n).alias(m("wage_n")),
        *((working & (tier == t)).sum().cast(n).alias(m(f"tier_{t}")) for t in (*TIERS, UNKNOWN)),
        *((working & (channel == c)).sum().cast(n).alias(m(f"channel_{c}")) for c in (*CHANNELS, UNKNOWN)),
    )


def _household_figures(people: pl.DataFrame, households: Any, population: str) -> pl.DataFrame:
    """Households with members on the day: how many, how many with someone available for work,
    and the zero-employment ones (someone available, nobody available worked > 3 months)."""
    per_household = people.group_by("household_id", "village").agg(
        pl.col("available").sum().alias("available"),
        (pl.col("available") & pl.col("over3")).sum().alias("worked"),
    )
    n = pl.Float64
    return per_household.group_by("village").agg(
        pl.len().cast(n).alias(metric("hh", population)),
        (pl.col("available") > 0).sum().cast(n).alias(metric("hh_labour", population)),
        ((pl.col("available") > 0) & (pl.col("worked") == 0))
        .sum()
        .cast(n)
        .alias(metric("hh_zero", population)),
    )


def derived(values: dict[str, float], population: str = "poor") -> dict[str, float | None]:
    """Ratios and averages of one area's figures (None where the denominator is 0)."""

    def get(name: str) -> float:
        return float(values.get(metric(name, population), 0.0))

    def ratio(a: float, b: float) -> float | None:
        return a / b if b else None

    return {
        "transferred_share": ratio(get("transferred"), get("labour")),
        "in_work_share": ratio(get("in_work"), get("labour")),
        "months_per_labour": ratio(get("months"), get("labour")),
        "average_wage": ratio(get("wage_sum"), get("wage_n")),
        "zero_share": ratio(get("hh_zero"), get("hh_labour")),
        "ledger_coverage": ratio(get("labour") - get("no_record"), get("labour")),
    }


def month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)
