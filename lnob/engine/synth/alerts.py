"""Department alerts (部门预警) of the synthetic county, derived from its own finished frames.

Each line department reports what its own records would show: the medical insurance fund the
largest self-paid bills, emergency management the households a disaster hit, education the
children who dropped out, the disabled persons' federation registrations, civil affairs 低保 and
特困 decisions, human resources layoffs and registered unemployment in households whose work is
unstable. Most alerts fall in the 12 months before the as-of date, some 13 to 18 months before it
(outside the monitoring window). Every alert names a person who belonged to its household on its
date, as the import requires.

The alerts are drawn from a random stream of their own, after everything else: adding them changes
no other frame of the county.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

EPOCH = dt.date(1970, 1, 1)

# alert kind -> the department that sends it (as lnob.registry.choices.ALERT_DEPARTMENT: the
# generator stays free of Django), in the order the rows are sorted
DEPARTMENT: dict[str, str] = {
    "medical_self_paid": "medical_insurance",
    "dibao_granted": "civil_affairs",
    "dibao_stopped": "civil_affairs",
    "tekun_granted": "civil_affairs",
    "tekun_stopped": "civil_affairs",
    "dropout": "education",
    "disability_registered": "disabled_federation",
    "disaster_loss": "emergency_management",
    "layoff": "hr_social_security",
    "unemployment_registered": "hr_social_security",
}
KINDS = tuple(DEPARTMENT)
# prefix of the department's own case number (部门业务编号), e.g. YB2026030417
REFERENCE_PREFIX = {
    "medical_insurance": "YB",
    "civil_affairs": "MZ",
    "education": "JY",
    "disabled_federation": "CL",
    "emergency_management": "YJ",
    "hr_social_security": "RS",
}
COLUMNS = (
    "id", "person_id", "note", "created_at", "household_id", "department", "kind", "date", "amount",
    "grade", "reference",
)  # fmt: skip

# shares, per year of records, of the persons or households a department reports on
MEDICAL_TOP = (0.0015, 0.006)  # persons with the largest self-paid bills: earlier year, latest year
DISASTER_EARLIER = 0.15  # households with a disaster loss in the earlier year
DISABILITY = (0.02, 0.06)  # persons with a disability grade: registered 13-18 months ago, recently
ASSISTANCE = {  # kind: (transfer type, households receiving it now?, older share, recent share)
    "dibao_granted": ("dibao", True, 0.02, 0.05),
    "dibao_stopped": ("dibao", False, 0.0015, 0.004),
    "tekun_granted": ("tekun", True, 0.05, 0.1),
    "tekun_stopped": ("tekun", False, 0.0005, 0.001),
}
JOB_LOSS = 0.7  # households with unstable employment: one working-age member reported
WORKING_AGE = (16, 60)
DROPOUT_AGE = 16  # compulsory schooling: the education department reports pupils under 16
WITH_REFERENCE = 0.6
ENTRY_DAYS = 15  # alerts are entered up to two weeks after their date (never after as-of)
OLDER_MONTHS = (13, 18)


def make_alerts(
    rng: np.random.Generator,
    *,
    as_of: dt.date,
    latest_start: dt.date,
    persons: pl.DataFrame,
    person_versions: pl.DataFrame,
    memberships: pl.DataFrame,
    incomes: pl.DataFrame,
    expenditures: pl.DataFrame,
    shocks: pl.DataFrame,
) -> pl.DataFrame:
    """The county's department alerts, one row per person, department, kind and date, ids from 1."""
    today = (as_of - EPOCH).days
    recent = ((latest_start - EPOCH).days, today)
    older = (_months_back(as_of, OLDER_MONTHS[1]), _months_back(as_of, OLDER_MONTHS[0]))
    spans = _spans(memberships)
    current = person_versions.filter(pl.col("valid_to").is_null())
    parts = [
        _medical(rng, expenditures, spans, persons.height, latest_start, (older, recent)),
        _assistance(rng, incomes, spans, latest_start, (older, recent)),
        _dropouts(rng, current, persons, spans, recent),
        _disability(rng, current, spans, (older, recent)),
        _disasters(rng, expenditures, shocks, spans, latest_start, older),
        _job_losses(rng, current, persons, shocks, spans, today),
    ]
    alerts = pl.concat([_empty(), *parts], how="diagonal_relaxed").select(_empty().columns)
    alerts = alerts.unique(["person_id", "kind", "date"], keep="first", maintain_order=True)
    return _finish(rng, alerts, today)


def _months_back(day: dt.date, months: int) -> int:
    """The day number `months` before `day` (the month's last day if it is shorter)."""
    back = pl.Series([day]).dt.offset_by(f"-{months}mo")
    return int(back.cast(pl.Int64)[0])


def _empty() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "person_id": pl.Int64,
            "household_id": pl.Int64,
            "kind": pl.String,
            "date": pl.Int64,
            "amount": pl.Float64,
            "grade": pl.Int16,
        }
    )


def _spans(memberships: pl.DataFrame) -> pl.DataFrame:
    """Memberships as day numbers: a person belongs to the household on days [joined, left)."""
    never = 10**7
    return memberships.select(
        "person_id",
        "household_id",
        (pl.col("relation") == "head").alias("head"),
        pl.col("joined").cast(pl.Int64).alias("joined"),
        pl.col("left").cast(pl.Int64).fill_null(never).alias("left"),
    )


def _dated(rng: np.random.Generator, candidates: pl.DataFrame, spans: pl.DataFrame) -> pl.DataFrame:
    """One day per candidate row (person_id, household_id or null, lo, hi, ...), drawn evenly from
    the days in [lo, hi] on which the person belonged to the household (to any household, the one
    joined last, when none is given); rows with no such day are dropped."""
    if candidates.is_empty():
        return candidates.drop("lo", "hi").with_columns(pl.lit(None, pl.Int64).alias("date"))
    rows = candidates.with_columns(pl.int_range(pl.len()).alias("_i"))
    with_household = rows.filter(pl.col("household_id").is_not_null()).join(
        spans.drop("head"), on=["person_id", "household_id"]
    )
    anywhere = (
        rows.filter(pl.col("household_id").is_null())
        .drop("household_id")
        .join(spans.drop("head"), on="person_id")
    )
    both = pl.concat([with_household, anywhere.select(with_household.columns)])
    both = (
        both.with_columns(
            pl.max_horizontal("lo", "joined").alias("lo"),
            pl.min_horizontal("hi", pl.col("left") - 1).alias("hi"),
        )
        .filter(pl.col("lo") <= pl.col("hi"))
        .sort("_i", "joined")
        .unique("_i", keep="last", maintain_order=True)
    )
    width = (both["hi"] - both["lo"] + 1).to_numpy()
    day = both["lo"].to_numpy() + (rng.random(both.height) * width).astype(np.int64)
    return both.with_columns(pl.Series("date", day, dtype=pl.Int64)).drop("lo", "hi", "joined", "left", "_i")


def _pick(rng: np.random.Generator, frame: pl.DataFrame, shares: tuple[float, float]) -> list[pl.DataFrame]:
    """Rows drawn with the older share and, apart from them, with the recent share."""
    u = rng.random(frame.height)
    older = u < shares[0]
    recent = (u >= shares[0]) & (u < shares[0] + shares[1])
    return [frame.filter(pl.Series(older)), frame.filter(pl.Series(recent))]


def _window(frame: pl.DataFrame, window: tuple[int, int]) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(window[0], pl.Int64).alias("lo"), pl.lit(window[1], pl.Int64).alias("hi")
    )


def _medical(
    rng: np.random.Generator,
    expenditures: pl.DataFrame,
    spans: pl.DataFrame,
    n_persons: int,
    latest_start: dt.date,
    windows: tuple[tuple[int, int], tuple[int, int]],
) -> pl.DataFrame:
    """The persons with the largest self-paid medical bills of the year: the bill, reported once."""
    bills = expenditures.filter((pl.col("type") == "medical_self_paid") & pl.col("person_id").is_not_null())
    parts = []
    for latest, share, window in zip((False, True), MEDICAL_TOP, windows, strict=True):
        year = bills.filter((pl.col("period_start") >= latest_start) == latest)
        top = (
            year.group_by("person_id", "household_id")
            .agg(pl.col("amount").sum().round(2))
            .filter(pl.col("amount") > 0)
            .sort(["amount", "person_id"], descending=[True, False])
            .head(round(share * n_persons))
        )
        parts.append(_dated(rng, _window(top, window), spans))
    return pl.concat(parts).with_columns(pl.lit("medical_self_paid").alias("kind"))


def _heads(spans: pl.DataFrame, households: pl.DataFrame) -> pl.DataFrame:
    """The head of each household (household_id, ...): the head who joined last."""
    heads = spans.filter(pl.col("head")).sort("household_id", "joined").unique("household_id", keep="last")
    return households.join(
        heads.select("household_id", "person_id"), on="household_id", maintain_order="left"
    )


def _assistance(
    rng: np.random.Generator,
    incomes: pl.DataFrame,
    spans: pl.DataFrame,
    latest_start: dt.date,
    windows: tuple[tuple[int, int], tuple[int, int]],
) -> pl.DataFrame:
    """低保 and 特困 granted to households that receive it now, stopped for households that do not;
    the head is named."""
    latest = incomes.filter(pl.col("period_start") >= latest_start)
    households = spans.select("household_id").unique().sort("household_id")
    parts = []
    for kind, (transfer, receiving, *shares) in ASSISTANCE.items():
        paid = latest.filter(pl.col("transfer_type") == transfer).select("household_id").unique()
        pool = households.join(paid, on="household_id", how="semi" if receiving else "anti")
        chosen = _heads(spans, pool)
        for rows, window in zip(_pick(rng, chosen, (shares[0], shares[1])), windows, strict=True):
            dated = _dated(rng, _window(rows, window), spans)
            parts.append(dated.with_columns(pl.lit(kind).alias("kind")))
    return pl.concat(parts)


def _dropouts(
    rng: np.random.Generator,
    current: pl.DataFrame,
    persons: pl.DataFrame,
    spans: pl.DataFrame,
    window: tuple[int, int],
) -> pl.DataFrame:
    """Every pupil recorded as dropped out, reported while still under 16."""
    pupils = (
        current.filter(pl.col("enrolment") == "dropped_out")
        .join(persons.select(pl.col("id").alias("person_id"), "birth_date"), on="person_id")
        .sort("person_id")
        .select(
            "person_id",
            pl.lit(None, pl.Int64).alias("household_id"),
            pl.lit(window[0], pl.Int64).alias("lo"),
            pl.min_horizontal(pl.lit(window[1], pl.Int64), _day(pl.col("birth_date"), DROPOUT_AGE) - 1).alias(
                "hi"
            ),
        )
    )
    return _dated(rng, pupils, spans).with_columns(pl.lit("dropout").alias("kind"))


def _day(birth: pl.Expr, years: int) -> pl.Expr:
    """The day number of a birthday."""
    return birth.dt.offset_by(f"{years}y").cast(pl.Int64)


def _disability(
    rng: np.random.Generator,
    current: pl.DataFrame,
    spans: pl.DataFrame,
    windows: tuple[tuple[int, int], tuple[int, int]],
) -> pl.DataFrame:
    """Some persons with a disability grade, registered (again) with that grade."""
    disabled = (
        current.filter(pl.col("disability_grade").is_not_null())
        .sort("person_id")
        .select(
            "person_id",
            pl.lit(None, pl.Int64).alias("household_id"),
            pl.col("disability_grade").alias("grade"),
        )
    )
    parts = [
        _dated(rng, _window(rows, window), spans)
        for rows, window in zip(_pick(rng, disabled, DISABILITY), windows, strict=True)
    ]
    return pl.concat(parts).with_columns(pl.lit("disability_registered").alias("kind"))


def _disasters(
    rng: np.random.Generator,
    expenditures: pl.DataFrame,
    shocks: pl.DataFrame,
    spans: pl.DataFrame,
    latest_start: dt.date,
    older: tuple[int, int],
) -> pl.DataFrame:
    """Each disaster shock on its day, with the household's disaster losses of the year (split
    between its disasters; drawn where none were recorded); and some households with losses in the
    earlier year, 13-18 months back. The head is named if a member that day, else another member."""
    losses = expenditures.filter(pl.col("type") == "disaster_loss")
    per_year = losses.group_by("household_id", (pl.col("period_start") >= latest_start).alias("latest")).agg(
        pl.col("amount").sum()
    )
    hit = (
        shocks.filter(pl.col("risk_type_id") == "disaster")
        .select("household_id", pl.col("date").cast(pl.Int64))
        .sort("household_id", "date")
        .with_columns(pl.len().over("household_id").alias("_n"))
        .join(per_year.filter(pl.col("latest")), on="household_id", how="left", maintain_order="left")
    )
    drawn = pl.Series(np.maximum(np.round(rng.lognormal(np.log(6_000.0), 0.8, hit.height), -1), 10.0))
    share = pl.when(pl.col("amount") > 0).then(pl.col("amount") / pl.col("_n")).otherwise(drawn)
    hit = hit.select("household_id", "date", share.round(2).clip(0.01).alias("amount"))
    earlier = per_year.filter(~pl.col("latest") & (pl.col("amount") > 0)).sort("household_id")
    earlier = earlier.filter(pl.Series(rng.random(earlier.height) < DISASTER_EARLIER))
    day = older[0] + (rng.random(earlier.height) * (older[1] - older[0] + 1)).astype(np.int64)
    earlier = earlier.select(
        "household_id", pl.Series("date", day, dtype=pl.Int64), pl.col("amount").round(2)
    )
    events = pl.concat([hit, earlier])
    return _member_on(events, spans).with_columns(pl.lit("disaster_loss").alias("kind"))


def _member_on(events: pl.DataFrame, spans: pl.DataFrame) -> pl.DataFrame:
    """Each (household_id, date, ...) event with a person who belonged to the household that day:
    the head if possible, else the member who joined first (then the lowest id)."""
    rows = events.with_columns(pl.int_range(pl.len()).alias("_i")).join(spans, on="household_id")
    return (
        rows.filter((pl.col("joined") <= pl.col("date")) & (pl.col("left") > pl.col("date")))
        .sort("_i", pl.col("head").not_(), "joined", "person_id")
        .unique("_i", keep="first", maintain_order=True)
        .drop("_i", "head", "joined", "left")
    )


def _job_losses(
    rng: np.random.Generator,
    current: pl.DataFrame,
    persons: pl.DataFrame,
    shocks: pl.DataFrame,
    spans: pl.DataFrame,
    today: int,
) -> pl.DataFrame:
    """In most households whose employment became unstable, one working-age member out of school
    laid off or registered unemployed within a month of it."""
    unstable = (
        shocks.filter(pl.col("risk_type_id") == "unstable_employment")
        .select("household_id", pl.col("date").cast(pl.Int64).alias("shock"))
        .sort("household_id", "shock")
        .unique("household_id", keep="first", maintain_order=True)
    )
    unstable = unstable.filter(pl.Series(rng.random(unstable.height) < JOB_LOSS))
    out_of_school = current.filter(pl.col("enrolment").is_in(["not_in_school", "dropped_out"])).select(
        "person_id"
    )
    born = persons.select(pl.col("id").alias("person_id"), "birth_date")
    workers = (
        unstable.join(spans.drop("head"), on="household_id")
        .filter((pl.col("joined") <= pl.col("shock")) & (pl.col("left") > pl.col("shock")))
        .join(out_of_school, on="person_id", how="semi")
        .join(born, on="person_id")
        .filter(
            pl.col("shock").is_between(
                _day(pl.col("birth_date"), WORKING_AGE[0]), _day(pl.col("birth_date"), WORKING_AGE[1] + 1) - 1
            )
        )
        .sort("household_id", "person_id")
    )
    if workers.is_empty():
        return _empty().drop("amount", "grade")
    # one worker per household, drawn evenly
    sizes = workers.group_by("household_id", maintain_order=True).len()["len"].to_numpy().astype(np.int64)
    chosen = (rng.random(len(sizes)) * sizes).astype(np.int64)
    first = np.cumsum(sizes) - sizes
    picked = workers[pl.Series(first + chosen)]
    kinds = pl.Series(["layoff", "unemployment_registered"]).gather(rng.integers(0, 2, picked.height))
    candidates = picked.select(
        "person_id",
        "household_id",
        pl.col("shock").alias("lo"),
        pl.min_horizontal(pl.col("shock") + 30, pl.lit(today, pl.Int64)).alias("hi"),
    ).with_columns(kinds.alias("kind"))
    return _dated(rng, candidates, spans)


def _finish(rng: np.random.Generator, alerts: pl.DataFrame, today: int) -> pl.DataFrame:
    """Departments, case numbers and entry times; rows by kind, date and person, ids from 1."""
    order = pl.Enum(KINDS)
    alerts = (
        alerts.with_columns(pl.col("kind").cast(order))
        .sort("kind", "date", "person_id")
        .with_columns(pl.col("kind").cast(pl.String))
    )
    n = alerts.height
    day = alerts["date"].to_numpy().astype(np.int64) if n else np.zeros(0, dtype=np.int64)
    entered = np.minimum(day + rng.integers(0, ENTRY_DAYS, n), today)
    seconds = entered * 86_400 + 3_600 + rng.integers(0, 8 * 3_600, n)  # office hours in China
    serial = rng.integers(1, 10_000, n)
    numbered = rng.random(n) < WITH_REFERENCE
    department = alerts["kind"].replace_strict(DEPARTMENT, return_dtype=pl.String)
    month = pl.Series(day.astype(np.int32)).cast(pl.Date).dt.strftime("%Y%m")
    prefix = department.replace_strict(REFERENCE_PREFIX, return_dtype=pl.String)
    reference = prefix + month + pl.Series(serial).cast(pl.String).str.zfill(4)
    return alerts.select(
        pl.Series("id", np.arange(1, n + 1, dtype=np.int64)),
        pl.col("person_id").cast(pl.Int64),
        pl.repeat("", n, dtype=pl.String).alias("note"),
        pl.Series("created_at", seconds * 1_000_000).cast(pl.Datetime("us")).dt.replace_time_zone("UTC"),
        pl.col("household_id").cast(pl.Int64),
        department.alias("department"),
        "kind",
        pl.col("date").cast(pl.Int32).cast(pl.Date),
        pl.col("amount").cast(pl.Float64),
        pl.col("grade").cast(pl.Int16),
        pl.when(pl.Series(numbered)).then(reference).otherwise(pl.lit("")).alias("reference"),
    )
