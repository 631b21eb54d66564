"""The transport-subsidy computation on columnar tables, with no Django: who worked away from home
long enough in a year, at which tier, for how much (docs/employment-subsidies.md).

Decisions written down once:
- Months are calendar-month fractions of the days inside the spells, overlapping spells counted
  once: 1 Feb to 30 Apr is 3.0 months, 15 Mar to 14 Jun is 3.0 months.
- Work farther away also counts for a nearer tier. The tier paid is the farthest one at which the
  months at that tier or farther reach the rule's minimum: 2 months in Guangdong and 2 in the
  province's capital make 4 months "outside the county", so the in-province amount, not nothing.
- Out of the province, the destination province with the most days decides a province's own
  amount (Chongxin's Shaanxi and Ningxia).
- In the province, work is "in the city" (the county's own prefecture) when the destination says
  so, or says no prefecture at all: when a rule pays the city less, an unclear place is paid the
  lower amount, with a note, and the cadre can correct the destination and recompute.
- Destinations are free text ("广东省东莞市"); cpca (a library of Chinese place names) reads the
  province and prefecture from them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

SPELLS = {
    "person_id": pl.Int64(),
    "start": pl.Date(),
    "end": pl.Date(),  # null: still running
    "location": pl.String(),
    "destination": pl.String(),
}
PEOPLE = {
    "person_id": pl.Int64(),
    "household_id": pl.Int64(),
    "village": pl.Int64(),
    "income_per_capita": pl.Float64(),  # null: no income recorded
}
RESULT = {
    "person_id": pl.Int64(),
    "household_id": pl.Int64(),
    "village": pl.Int64(),
    "tier": pl.String(),  # null: not enough months at any paid tier
    "months": pl.Float64(),  # at the tier paid, or at the nearest paid tier when none is reached
    "amount": pl.Float64(),
    "destination": pl.String(),
    "province": pl.Int64(),
    "notes": pl.List(pl.String()),
}
TIERS = ("in_county", "in_city", "in_province", "out_of_province")  # nearest first; the index is the rank
# the notes a result may carry, for the caller to put into words
INCOME_UNKNOWN = "income_unknown"
CITY_UNCLEAR = "city_unclear"


@dataclass(frozen=True)
class TierRule:
    min_months: float
    amounts: dict[str, float]  # tier -> yuan
    provinces: dict[int, float] = field(default_factory=dict)  # 2-digit province -> yuan
    income_threshold: float | None = None
    high_income_amount: float | None = None

    @property
    def paid_ranks(self) -> list[int]:
        return sorted(TIERS.index(t) for t in self.amounts)


@lru_cache(maxsize=4096)
def _place(text: str) -> tuple[int | None, int | None]:
    import cpca

    frame = cpca.transform([text])
    code = frame["adcode"].iloc[0]
    if not isinstance(code, str) or not code.isdigit():
        return None, None
    province, prefecture = int(code[:2]), int(code[:4])
    # a province alone ("浙江") names no prefecture
    return province, (prefecture if code[2:4] != "00" else None)


def places(destinations: list[str]) -> pl.DataFrame:
    """destination -> its province (2 digits) and prefecture (4 digits), null where unknown."""
    rows = [(d, *_place(d.strip())) if d and d.strip() else (d, None, None) for d in set(destinations)]
    return pl.DataFrame(
        rows, schema={"destination": pl.String, "province": pl.Int64, "prefecture": pl.Int64}, orient="row"
    )


def ranked(spells: pl.DataFrame, rule: TierRule, county_code: int) -> pl.DataFrame:
    """The spells with their tier's rank, destination province, and whether an in-province place
    was unclear about its prefecture."""
    home = county_code // 10**8  # the county's prefecture, 4 digits
    where = places(spells["destination"].fill_null("").to_list())
    splits_city = "in_city" in rule.amounts
    s = spells.with_columns(pl.col("destination").fill_null("")).join(where, on="destination", how="left")
    unclear = (pl.col("location") == "in_province") & pl.col("prefecture").is_null()
    in_city = (pl.col("location") == "in_province") & ((pl.col("prefecture") == home) | unclear)
    rank = (
        pl.when(pl.col("location") == "out_of_province")
        .then(3)
        .when(pl.col("location") == "in_province")
        .then(pl.when(pl.lit(splits_city) & in_city).then(1).otherwise(2))
        .otherwise(0)
    )
    return s.with_columns(rank.alias("rank"), (unclear & pl.lit(splits_city)).alias("unclear"))


def clipped(spells: pl.DataFrame, first: dt.date, last: dt.date) -> pl.DataFrame:
    """The spells cut to [first, last] (open ones run to `last`), with their days; those outside
    the window are dropped."""
    return (
        spells.with_columns(
            pl.max_horizontal(pl.col("start"), pl.lit(first)).alias("start"),
            pl.min_horizontal(pl.col("end").fill_null(pl.lit(last)), pl.lit(last)).alias("end"),
        )
        .filter(pl.col("end") >= pl.col("start"))
        .with_columns(((pl.col("end") - pl.col("start")).dt.total_days() + 1).alias("days"))
    )


def months_worked(spells: pl.DataFrame) -> pl.DataFrame:
    """person_id -> months: calendar-month fractions of the days inside the (clipped) spells,
    overlapping spells counted once."""
    if spells.is_empty():
        return pl.DataFrame(schema={"person_id": pl.Int64, "months": pl.Float64})
    reach = pl.col("end").cum_max().shift(1).over("person_id")
    new_run = reach.is_null() | (pl.col("start") > reach + pl.duration(days=1))
    return (
        spells.lazy()
        .select("person_id", "start", "end")
        .sort("person_id", "start", "end")
        .with_columns(new_run.cast(pl.Int32).cum_sum().over("person_id").alias("run"))
        .group_by("person_id", "run")
        .agg(pl.col("start").min(), pl.col("end").max())
        .with_columns(pl.date_ranges(pl.col("start").dt.month_start(), pl.col("end"), "1mo").alias("month"))
        .explode("month")
        .with_columns(
            (
                (
                    pl.min_horizontal(pl.col("end"), pl.col("month").dt.month_end())
                    - pl.max_horizontal(pl.col("start"), pl.col("month"))
                ).dt.total_days()
                + 1
            ).alias("days")
        )
        .group_by("person_id")
        .agg((pl.col("days") / pl.col("month").dt.days_in_month()).sum().alias("months"))
        .collect()
    )


def compute(
    spells: pl.DataFrame,
    people: pl.DataFrame,
    rule: TierRule,
    *,
    county_code: int,
    first: dt.date,
    last: dt.date,
) -> pl.DataFrame:
    """For each person of `people` who worked at a paid tier in [first, last]: the tier paid (or
    null), the months, the amount, the destination. `spells` are the people's spells in work."""
    ranks = rule.paid_ranks
    s = clipped(
        ranked(spells.join(people.select("person_id"), on="person_id"), rule, county_code), first, last
    )
    s = s.filter(pl.col("rank") >= ranks[0])
    if s.is_empty():
        return pl.DataFrame(schema=RESULT)
    by_rank = [
        months_worked(s.filter(pl.col("rank") >= r)).with_columns(pl.lit(r).alias("rank")) for r in ranks
    ]
    months = pl.concat(by_rank).with_columns(
        (pl.col("months") >= rule.min_months - 1e-9).alias("enough")
    )  # the float sums of whole months can land a hair below
    reached = (
        months.filter(pl.col("enough"))
        .sort("rank", descending=True)
        .group_by("person_id")
        .agg(pl.col("rank").first(), pl.col("months").first())
    )
    nearest = months.filter(pl.col("rank") == ranks[0]).select(
        "person_id", pl.col("months").alias("months_out")
    )
    out = (
        people.join(nearest, on="person_id")
        .join(reached, on="person_id", how="left")
        .with_columns(
            pl.col("months").fill_null(pl.col("months_out")),
            pl.col("rank")
            .replace_strict(dict(enumerate(TIERS)), default=None, return_dtype=pl.String)
            .alias("tier"),
        )
    )
    out = out.join(_where(s), on=["person_id", "rank"], how="left")
    out = out.join(_province(s), on="person_id", how="left")
    return _amounts(out, rule).select(list(RESULT)).cast(RESULT).sort("village", "person_id")  # type: ignore[arg-type]


def _where(s: pl.DataFrame) -> pl.DataFrame:
    """Per person and rank: the destination of the longest spell at that rank or farther, and
    whether an unclear in-province place was taken as the city."""
    rows = []
    for r in range(len(TIERS)):
        at = s.filter(pl.col("rank") >= r)
        rows.append(
            at.sort(["days", "start"], descending=True)
            .group_by("person_id")
            .agg(
                pl.col("destination").first(),
                (pl.col("unclear") & (pl.col("rank") == r)).any().alias("unclear"),
            )
            .with_columns(pl.lit(r).alias("rank"))
        )
    return pl.concat(rows).with_columns(pl.col("rank").cast(pl.Int32))


def _province(s: pl.DataFrame) -> pl.DataFrame:
    """Per person: the out-of-province destination province with the most days."""
    return (
        s.filter((pl.col("rank") == 3) & pl.col("province").is_not_null())
        .group_by("person_id", "province")
        .agg(pl.col("days").sum())
        .sort(["days", "province"], descending=[True, False])
        .group_by("person_id")
        .agg(pl.col("province").first())
    )


def _amounts(out: pl.DataFrame, rule: TierRule) -> pl.DataFrame:
    out = out.with_columns(pl.col("rank").cast(pl.Int32))
    base = pl.col("tier").replace_strict(rule.amounts, default=None, return_dtype=pl.Float64)
    if rule.provinces:
        own = pl.col("province").replace_strict(rule.provinces, default=None, return_dtype=pl.Float64)
        base = pl.when(pl.col("tier") == "out_of_province").then(pl.coalesce(own, base)).otherwise(base)
    notes: list[pl.Expr] = [pl.when(pl.col("unclear").fill_null(False)).then(pl.lit(CITY_UNCLEAR))]
    if rule.income_threshold is not None and rule.high_income_amount is not None:
        # an unknown income is paid the amount of the better-off, with a note: recording the
        # household's income and computing again pays the rest
        high = pl.col("income_per_capita").is_null() | (pl.col("income_per_capita") > rule.income_threshold)
        base = (
            pl.when(pl.col("tier").is_not_null() & high).then(pl.lit(rule.high_income_amount)).otherwise(base)
        )
        notes.append(pl.when(pl.col("income_per_capita").is_null()).then(pl.lit(INCOME_UNKNOWN)))
    amount = pl.when(pl.col("tier").is_null()).then(None).otherwise(base)
    return out.with_columns(
        amount.alias("amount"),
        pl.concat_list(notes).list.drop_nulls().alias("notes"),
        pl.when(pl.col("tier") == "out_of_province").then(pl.col("province")).alias("province"),
    )
