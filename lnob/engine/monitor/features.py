"""Household features as of a date, for the whole registry in one columnar pass.

Pure polars, no Django: the monitoring app loads the registry rows in bulk (`lnob.monitoring.load`)
and hands them here as frames. Every formula is written out in docs/monitoring.md; the column
names below are the names rule expressions use.

Windows (both closed, like the registry's money periods):
- the latest 12 months W1 = [as_of - 12 months + 1 day, as_of];
- the 12 months before W0 = [as_of - 24 months + 1 day, as_of - 12 months].
A money record counts in a window in proportion to the days of its period that fall inside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

# Features that reveal a person's health (illness, disability, medical costs): shown only to roles
# that may see health data, and every showing audited (lnob.monitoring.selectors.figures).
SENSITIVE = frozenset(
    {
        "medical_self_paid", "medical_self_paid_max_person", "ill_serious", "ill_chronic", "disabled",
        "disabled_severe", "shock_illness", "shock_disability",
        "alerts", "alert_medical", "alert_medical_amount", "alert_medical_max_person", "alert_disability",
        "alert_disability_severe",
    }
)  # fmt: skip

# Column names and types of the frames the loader provides.
HOUSEHOLDS = {
    "household_id": pl.Int64,
    "village_id": pl.Int64,
    "status": pl.String,
    "housing_safe": pl.Boolean,
    "water_safe": pl.Boolean,
}
PERSONS = {
    "person_id": pl.Int64,
    "household_id": pl.Int64,
    "birth_date": pl.Date,
    "enrolment": pl.String,
    "health": pl.String,
    "disability_grade": pl.Int64,
    "labour_override": pl.String,
}
MONEY = {
    "household_id": pl.Int64,
    "person_id": pl.Int64,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "kind": pl.String,
    "amount": pl.Float64,
}
SHOCKS = {"household_id": pl.Int64, "date": pl.Date, "risk_type": pl.String}
ALERTS = {
    "household_id": pl.Int64,
    "person_id": pl.Int64,
    "kind": pl.String,
    "date": pl.Date,
    "amount": pl.Float64,
    "grade": pl.Int64,
}
# spells in work from the employment ledger (lnob.employment.Spell): end null while it lasts
SPELLS = {"person_id": pl.Int64, "start": pl.Date, "end": pl.Date}
# department alerts counted in W1: kind -> feature column (lnob.registry.choices.AlertKind)
ALERT_COUNTS = {
    "medical_self_paid": "alert_medical",
    "dibao_granted": "alert_dibao_granted",
    "dibao_stopped": "alert_dibao_stopped",
    "tekun_granted": "alert_tekun_granted",
    "tekun_stopped": "alert_tekun_stopped",
    "dropout": "alert_dropout",
    "disability_registered": "alert_disability",
    "disaster_loss": "alert_disaster",
    "layoff": "alert_layoff",
    "unemployment_registered": "alert_unemployed",
}
ALERT_AMOUNTS = ("alert_medical_amount", "alert_medical_max_person", "alert_disaster_loss")

INCOME_SOURCES = ("wages", "business_net", "property_net", "transfer")
COST = "production_cost"
COMPULSORY = ("primary", "junior")
COMPULSORY_AGE_BELOW = 16  # compulsory education: 9 years from age 6
# Members free to take work: not enrolled anywhere (a dropout is free; a pupil or student is not).
AVAILABLE_ENROLMENT = ("not_in_school", "dropped_out")


@dataclass(frozen=True)
class Inputs:
    """The registry as of a date: one frame per kind of row, typed as above. Frames may be lazy
    (the loader's are): `compute` folds them into its own plan."""

    households: Any
    persons: Any
    incomes: Any
    expenditures: Any
    shocks: Any
    alerts: Any = None  # department alerts; None: none recorded
    spells: Any = None  # spells in work from the employment ledger; None: none recorded

    def collect(self) -> Inputs:
        """The same inputs as data frames."""

        def eager(frame: Any) -> pl.DataFrame:
            return frame.collect() if isinstance(frame, pl.LazyFrame) else frame

        return Inputs(
            households=eager(self.households),
            persons=eager(self.persons),
            incomes=eager(self.incomes),
            expenditures=eager(self.expenditures),
            shocks=eager(self.shocks),
            alerts=None if self.alerts is None else eager(self.alerts),
            spells=None if self.spells is None else eager(self.spells),
        )


@dataclass(frozen=True)
class Settings:
    as_of: dt.date
    working_age: tuple[int, int] = (16, 60)
    rigid_types: tuple[str, ...] = ("medical_self_paid", "education", "disaster_loss", "other_rigid")
    risk_types: tuple[str, ...] = ()
    worked_months_min: float = 3.0  # zero-employment: nobody able worked more than this


def years_back(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def windows(as_of: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """(W0, W1): the 12 months before the latest 12 months, and the latest 12 months."""
    one = dt.timedelta(days=1)
    w1 = (years_back(as_of, 1) + one, as_of)
    w0 = (years_back(as_of, 2) + one, w1[0] - one)
    return w0, w1


def _share(window: tuple[dt.date, dt.date]) -> pl.Expr:
    """The part of each record's period inside the window, as a fraction of the period."""
    length = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    return _days_inside(window) / length


def feature_columns(risk_types: tuple[str, ...] = ()) -> dict[str, pl.DataType]:
    """Every feature column and its type: what a rule expression may name."""
    columns: dict[str, pl.DataType] = {
        "household_id": pl.Int64(),
        "village_id": pl.Int64(),
        "status": pl.String(),
        "out_of_poverty": pl.Boolean(),
        "ordinary": pl.Boolean(),
        "members": pl.Int64(),
        "wages": pl.Float64(),
        "business_net": pl.Float64(),
        "property_net": pl.Float64(),
        "transfers": pl.Float64(),
        "production_costs": pl.Float64(),
        "income_net": pl.Float64(),
        "income_net_prev": pl.Float64(),
        "income_per_capita": pl.Float64(),
        "income_per_capita_prev": pl.Float64(),
        "income_change": pl.Float64(),
        "rigid_spending": pl.Float64(),
        "medical_self_paid": pl.Float64(),
        "medical_self_paid_max_person": pl.Float64(),
        "income_after_rigid_per_capita": pl.Float64(),
        "labour_full": pl.Int64(),
        "labour_partial": pl.Int64(),
        "labour_none": pl.Int64(),
        "not_working_age": pl.Int64(),
        "able_workers": pl.Int64(),
        "available_workers": pl.Int64(),
        "workers_over_3_months": pl.Int64(),
        "months_worked_max": pl.Float64(),
        "zero_employment": pl.Boolean(),
        "workers_lost": pl.Int64(),
        "wages_lost": pl.Float64(),
        "income_after_job_loss_per_capita": pl.Float64(),
        "no_labour": pl.Boolean(),
        "ill_serious": pl.Int64(),
        "ill_chronic": pl.Int64(),
        "disabled": pl.Int64(),
        "disabled_severe": pl.Int64(),
        "pupils_compulsory": pl.Int64(),
        "dropouts": pl.Int64(),
        "housing_unsafe": pl.Boolean(),
        "water_unsafe": pl.Boolean(),
        "shocks": pl.Int64(),
        "alerts": pl.Int64(),
        **{name: pl.Int64() for name in ALERT_COUNTS.values()},
        "alert_disability_severe": pl.Int64(),
        **{name: pl.Float64() for name in ALERT_AMOUNTS},
    }
    for code in risk_types:
        columns[f"shock_{code}"] = pl.Int64()
    return columns


def _labour(settings: Settings) -> pl.Expr:
    return labour_capacity(settings.working_age)


def labour_capacity(working_age: tuple[int, int]) -> pl.Expr:
    """Labour capacity as lnob.registry.rules.derive_labour_capacity, vectorised over columns
    age, health, disability_grade and labour_override; a person's recorded override (人工认定)
    wins. Job matching (lnob.matching.load) uses it too."""
    low, high = working_age
    age = pl.col("age")
    grade = pl.col("disability_grade")
    derived = (
        pl.when((age < low) | (age > high))
        .then(pl.lit("not_working_age"))
        .when((pl.col("health") == "serious") | (grade <= 2).fill_null(False))
        .then(pl.lit("none"))
        .when((pl.col("health") == "chronic") | grade.is_in([3, 4]).fill_null(False))
        .then(pl.lit("partial"))
        .otherwise(pl.lit("full"))
    )
    return pl.when(pl.col("labour_override") != "").then(pl.col("labour_override")).otherwise(derived)


def age_expr(as_of: dt.date) -> pl.Expr:
    """Age in whole years on `as_of` from the column birth_date."""
    return _age(as_of)


def _age(as_of: dt.date) -> pl.Expr:
    born = pl.col("birth_date")
    before_birthday = (born.dt.month() > as_of.month) | (
        (born.dt.month() == as_of.month) & (born.dt.day() > as_of.day)
    )
    return (pl.lit(as_of.year) - born.dt.year() - before_birthday.cast(pl.Int32)).alias("age")


def compute(inputs: Inputs, settings: Settings) -> pl.DataFrame:
    """One row per household holding a version on the as-of date, columns `feature_columns()`."""
    w0, w1 = windows(settings.as_of)
    w1_days = (w1[1] - w1[0]).days + 1

    people = (
        inputs.persons.lazy()
        .with_columns(_age(settings.as_of))
        .with_columns(_labour(settings).alias("labour"))
    )
    wages_named = (
        inputs.incomes.lazy()
        .filter((pl.col("kind") == "wages") & pl.col("person_id").is_not_null())
        .with_columns(_days_inside(w1).alias("days"))
        .group_by("person_id")
        .agg(pl.col("days").sum())
        .select("person_id", (pl.col("days").clip(upper_bound=w1_days) / w1_days * 12).alias("months_worked"))
    )
    # the ledger: days of W1 inside the person's spells in work, overlapping spells counted once
    spells = inputs.spells if inputs.spells is not None else pl.DataFrame(schema=SPELLS)
    reach = pl.col("end").cum_max().shift(1).over("person_id")
    first_new = pl.max_horizontal(pl.col("start"), reach + pl.duration(days=1))
    ledger = (
        spells.lazy()
        .select(
            "person_id",
            pl.max_horizontal(pl.col("start"), pl.lit(w1[0])).alias("start"),
            pl.min_horizontal(pl.col("end").fill_null(pl.lit(w1[1])), pl.lit(w1[1])).alias("end"),
        )
        .filter(pl.col("end") >= pl.col("start"))
        .sort("person_id", "start", "end")
        .with_columns(((pl.col("end") - first_new).dt.total_days() + 1).clip(lower_bound=0).alias("days"))
        .group_by("person_id")
        .agg((pl.col("days").sum() / w1_days * 12).alias("months_ledger"))
    )
    # members who lost work within W1: every spell in work of theirs had ended before the as-of
    # date, the last of them inside W1
    lost = (
        spells.lazy()
        .filter(pl.col("start") <= pl.lit(settings.as_of))
        .group_by("person_id")
        .agg(pl.col("end").fill_null(pl.lit(settings.as_of)).max().alias("last_end"))
        .filter(pl.col("last_end").is_between(pl.lit(w1[0]), pl.lit(settings.as_of), closed="left"))
        .select("person_id")
    )
    lost_agg = (
        people.join(lost, on="person_id", how="semi")
        .group_by("household_id")
        .agg(pl.len().cast(pl.Int64).alias("workers_lost"))
    )
    # and the wages their own records brought the household over W1, which it no longer has
    lost_wages = (
        inputs.incomes.lazy()
        .filter(pl.col("kind") == "wages")
        .join(lost, on="person_id", how="semi")
        .group_by("household_id")
        .agg((pl.col("amount") * _share(w1)).sum().alias("wages_lost"))
    )
    worked = wages_named.join(ledger, on="person_id", how="full", coalesce=True).select(
        "person_id", pl.max_horizontal("months_worked", "months_ledger").alias("months_worked")
    )
    # "able and willing to work" (零就业家庭): able, and not a pupil or student
    able = pl.col("labour").is_in(["full", "partial"]) & pl.col("enrolment").is_in(AVAILABLE_ENROLMENT)
    person_agg = (
        people.join(worked, on="person_id", how="left")
        .with_columns(pl.col("months_worked").fill_null(0.0))
        .group_by("household_id")
        .agg(
            pl.len().cast(pl.Int64).alias("members"),
            (pl.col("labour") == "full").sum().cast(pl.Int64).alias("labour_full"),
            (pl.col("labour") == "partial").sum().cast(pl.Int64).alias("labour_partial"),
            (pl.col("labour") == "none").sum().cast(pl.Int64).alias("labour_none"),
            (pl.col("labour") == "not_working_age").sum().cast(pl.Int64).alias("not_working_age"),
            able.sum().cast(pl.Int64).alias("available_workers"),
            (able & (pl.col("months_worked") > settings.worked_months_min))
            .sum()
            .cast(pl.Int64)
            .alias("workers_over_3_months"),
            pl.col("months_worked").filter(able).max().alias("months_worked_max"),
            (pl.col("health") == "serious").sum().cast(pl.Int64).alias("ill_serious"),
            (pl.col("health") == "chronic").sum().cast(pl.Int64).alias("ill_chronic"),
            pl.col("disability_grade").is_not_null().sum().cast(pl.Int64).alias("disabled"),
            (pl.col("disability_grade") <= 2).fill_null(False).sum().cast(pl.Int64).alias("disabled_severe"),
            pl.col("enrolment").is_in(COMPULSORY).sum().cast(pl.Int64).alias("pupils_compulsory"),
            ((pl.col("enrolment") == "dropped_out") & (pl.col("age") < COMPULSORY_AGE_BELOW))
            .sum()
            .cast(pl.Int64)
            .alias("dropouts"),
        )
    )

    sign = pl.when(pl.col("kind") == COST).then(-1.0).otherwise(1.0)
    incomes = inputs.incomes.lazy().with_columns(
        (pl.col("amount") * _share(w1)).alias("a1"), (pl.col("amount") * _share(w0)).alias("a0")
    )
    income_agg = incomes.group_by("household_id").agg(
        *(
            pl.col("a1").filter(pl.col("kind") == kind).sum().alias(name)
            for kind, name in (
                ("wages", "wages"),
                ("business_net", "business_net"),
                ("property_net", "property_net"),
                ("transfer", "transfers"),
                (COST, "production_costs"),
            )
        ),
        (pl.col("a1") * sign).sum().alias("income_net"),
        (pl.col("a0") * sign).sum().alias("income_net_prev"),
    )

    spending = (
        inputs.expenditures.lazy()
        .with_columns((pl.col("amount") * _share(w1)).alias("a1"))
        .filter(pl.col("a1") > 0)
    )
    rigid = pl.col("kind").is_in(list(settings.rigid_types))
    medical = pl.col("kind") == "medical_self_paid"
    spend_agg = spending.group_by("household_id").agg(
        pl.col("a1").filter(rigid).sum().alias("rigid_spending"),
        pl.col("a1").filter(medical).sum().alias("medical_self_paid"),
    )
    medical_person = (  # per named person; records naming no one count in the total only
        spending.filter(medical & pl.col("person_id").is_not_null())
        .group_by("household_id", "person_id")
        .agg(pl.col("a1").sum())
        .group_by("household_id")
        .agg(pl.col("a1").max().alias("medical_self_paid_max_person"))
    )

    shocks = inputs.shocks.lazy().filter(pl.col("date").is_between(pl.lit(w1[0]), pl.lit(w1[1])))
    shock_agg = shocks.group_by("household_id").agg(
        pl.len().cast(pl.Int64).alias("shocks"),
        *(
            (pl.col("risk_type") == code).sum().cast(pl.Int64).alias(f"shock_{code}")
            for code in settings.risk_types
        ),
    )

    alerts = inputs.alerts if inputs.alerts is not None else pl.DataFrame(schema=ALERTS)
    in_window = alerts.lazy().filter(pl.col("date").is_between(pl.lit(w1[0]), pl.lit(w1[1])))
    medical_alert = pl.col("kind") == "medical_self_paid"
    alert_agg = in_window.group_by("household_id").agg(
        pl.len().cast(pl.Int64).alias("alerts"),
        *((pl.col("kind") == kind).sum().cast(pl.Int64).alias(name) for kind, name in ALERT_COUNTS.items()),
        ((pl.col("kind") == "disability_registered") & (pl.col("grade") <= 2).fill_null(False))
        .sum()
        .cast(pl.Int64)
        .alias("alert_disability_severe"),
        pl.col("amount").filter(medical_alert).sum().alias("alert_medical_amount"),
        pl.col("amount").filter(pl.col("kind") == "disaster_loss").sum().alias("alert_disaster_loss"),
    )
    alert_person = (
        in_window.filter(medical_alert)
        .group_by("household_id", "person_id")
        .agg(pl.col("amount").sum())
        .group_by("household_id")
        .agg(pl.col("amount").max().alias("alert_medical_max_person"))
    )
    alert_cols = ["alerts", *ALERT_COUNTS.values(), "alert_disability_severe"]

    money = ["wages", "business_net", "property_net", "transfers", "production_costs", "income_net"]
    counts = [
        "labour_full", "labour_partial", "labour_none", "not_working_age", "available_workers",
        "workers_over_3_months",
        "ill_serious", "ill_chronic", "disabled", "disabled_severe", "pupils_compulsory", "dropouts",
    ]  # fmt: skip
    shock_cols = ["shocks", *(f"shock_{code}" for code in settings.risk_types)]
    frame = (
        inputs.households.lazy()
        .join(person_agg, on="household_id", how="left")
        .join(income_agg, on="household_id", how="left")
        .join(spend_agg, on="household_id", how="left")
        .join(medical_person, on="household_id", how="left")
        .join(shock_agg, on="household_id", how="left")
        .join(alert_agg, on="household_id", how="left")
        .join(alert_person, on="household_id", how="left")
        .join(lost_agg, on="household_id", how="left")
        .join(lost_wages, on="household_id", how="left")
        .with_columns(
            pl.col("workers_lost").fill_null(0),
            pl.col("wages_lost").fill_null(0.0),
            pl.col("members").fill_null(0),
            *(pl.col(c).fill_null(0.0) for c in money[:-1]),
            # to the fen, so "no income last year" never hinges on float rounding
            *(pl.col(c).fill_null(0.0).round(2) for c in ("income_net", "income_net_prev")),
            *(pl.col(c).fill_null(0.0) for c in ("rigid_spending", "medical_self_paid")),
            pl.col("medical_self_paid_max_person").fill_null(0.0),
            *(pl.col(c).fill_null(0) for c in [*counts, *shock_cols, *alert_cols]),
            *(pl.col(c).fill_null(0.0) for c in ALERT_AMOUNTS),
            pl.col("months_worked_max").fill_null(0.0),
        )
        .with_columns(
            (pl.col("status") == "out_of_poverty").alias("out_of_poverty"),
            (pl.col("status") == "ordinary").alias("ordinary"),
            _per_capita(pl.col("income_net")).alias("income_per_capita"),
            _per_capita(pl.col("income_net_prev")).alias("income_per_capita_prev"),
            pl.when(pl.col("income_net_prev") > 0)
            .then((pl.col("income_net") - pl.col("income_net_prev")) / pl.col("income_net_prev"))
            .alias("income_change"),
            _per_capita(pl.col("income_net") - pl.col("rigid_spending")).alias(
                "income_after_rigid_per_capita"
            ),
            _per_capita(pl.col("income_net") - pl.col("wages_lost")).alias(
                "income_after_job_loss_per_capita"
            ),
            (pl.col("labour_full") + pl.col("labour_partial")).alias("able_workers"),
            ~pl.col("housing_safe"),
            ~pl.col("water_safe"),
        )
        .rename({"housing_safe": "housing_unsafe", "water_safe": "water_unsafe"})
        .with_columns(
            ((pl.col("available_workers") > 0) & (pl.col("workers_over_3_months") == 0)).alias(
                "zero_employment"
            ),
            (pl.col("able_workers") == 0).alias("no_labour"),
        )
    )
    columns = feature_columns(settings.risk_types)
    return frame.select([pl.col(name).cast(dtype) for name, dtype in columns.items()]).collect()


def _per_capita(total: pl.Expr) -> pl.Expr:
    return pl.when(pl.col("members") > 0).then(total / pl.col("members"))


def _days_inside(window: tuple[dt.date, dt.date]) -> pl.Expr:
    start = pl.max_horizontal(pl.col("period_start"), pl.lit(window[0]))
    end = pl.min_horizontal(pl.col("period_end"), pl.lit(window[1]))
    return ((end - start).dt.total_days() + 1).clip(lower_bound=0)
