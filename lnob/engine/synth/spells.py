"""The employment ledger (务工就业台账) of the synthetic county: spells of work, derived from the
county's own finished frames, and the employers they name.

- Every person named on a latest-year wage record gets spells in work: where (县内, 省内县外,
  省外, drawn from the wage level: outside the county pays more), the destination, the channel,
  the employer or none, and a monthly wage that adds up to the wage record over the months worked.
  Some began work only some months into their wage records (not employed before), some changed
  jobs, and in households whose employment became unstable one earner moved to a lower-paid job
  on the day of the shock.
- Some members available for work who earn no wages get a spell "not employed".

The monitoring features count a person's months worked as the larger of their wage records' months
and the ledger's days in work, and take a member whose spells in work all ended within the last 12
months for one who lost work. So that the spells change no monitoring result:
- a spell in work never begins before the first day of the person's named wage records, and wage
  records cover every day from then to the as-of date: for any as-of date up to the county's, the
  ledger never counts more of the last 12 months than the wage records;
- work, once begun, runs without a break to the as-of date (the last spell is open): nobody "lost
  work" on any date. (After the county's as-of date the open spells speak for themselves, as a
  real ledger would.)

The spells are drawn from a random stream of their own, after everything else: adding them changes
no other frame of the county.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

EPOCH = dt.date(1970, 1, 1)

# --- calibration (docs/synthetic-county.md, "The employment ledger") --------------------------
OUTSIDE_COUNTY_SHARE = 0.78  # as calibration.OUTSIDE_COUNTY_SHARE: the wage model's prior
WAGE_OUTSIDE = (21_000.0, 0.35)  # as calibration.WAGE_OUTSIDE / WAGE_INSIDE: the two wage levels
WAGE_INSIDE = (12_500.0, 0.35)
OUT_OF_PROVINCE_SHARE = 0.55  # of those working outside the county: about half out of province
# channel shares by place of work
CHANNELS = ("organised_export", "workshop", "job_fair", "self_found", "public_welfare", "work_relief")
CHANNEL_P = {
    "out_of_province": (0.30, 0.0, 0.10, 0.60, 0.0, 0.0),
    "in_province": (0.20, 0.0, 0.15, 0.65, 0.0, 0.0),
    "in_county": (0.0, 0.25, 0.10, 0.45, 0.0, 0.05),
}
# public-welfare posts: for out-of-poverty households, in the county
PUBLIC_WELFARE_SHARE = 0.15  # of in-county earners of out-of-poverty households
# an employer named: by channel (organised export, workshops and job fairs always name one)
EMPLOYER_P = {
    "organised_export": 1.0,
    "workshop": 1.0,
    "job_fair": 1.0,
    "self_found": 0.45,
    "public_welfare": 0.0,
    "work_relief": 0.0,
}
WORKERS_PER_EMPLOYER = 40
MAX_EMPLOYERS_PER_TIER = 400  # a county's list stays a list a person can read
JOB_CHANGE = 0.12  # changed jobs once within the two years (without a day out of work)
LATE_START = 0.15  # began work only some months after their first wage record's first day
NOT_EMPLOYED_SPELL = 0.55  # available members without wage income recorded as not employed

# destinations: (name, 6-digit code, weight)
OUT_OF_PROVINCE = (
    ("浙江省宁波市", 330200, 0.18), ("浙江省温州市", 330300, 0.10), ("浙江省杭州市", 330100, 0.08),
    ("广东省东莞市", 441900, 0.14), ("广东省深圳市", 440300, 0.10), ("广东省佛山市", 440600, 0.06),
    ("福建省泉州市", 350500, 0.10), ("江苏省苏州市", 320500, 0.10), ("上海市", 310100, 0.06),
    ("四川省成都市", 510100, 0.04), ("重庆市", 500100, 0.04),
)  # fmt: skip
IN_PROVINCE = {
    53: (("云南省昆明市", 530100, 0.55), ("云南省昭通市", 530600, 0.25), ("云南省曲靖市", 530300, 0.20)),
    50: (("重庆市渝北区", 500112, 0.4), ("重庆市江北区", 500105, 0.3), ("重庆市九龙坡区", 500107, 0.3)),
}
SECTORS = ("制造业", "建筑业", "批发和零售业", "住宿和餐饮业", "居民服务业", "交通运输业", "农业")
SECTOR_P = (0.42, 0.22, 0.1, 0.1, 0.08, 0.05, 0.03)
WORDS = ("鑫达", "恒发", "宏远", "华泰", "金鼎", "盛源", "永兴", "富康", "瑞丰", "新隆", "嘉禾", "德信")
KIND = {"制造业": "制造", "建筑业": "建筑工程", "批发和零售业": "商贸", "住宿和餐饮业": "餐饮管理",
        "居民服务业": "家政服务", "交通运输业": "物流", "农业": "农业开发"}  # fmt: skip

COLUMNS = (
    "person_id", "status", "start", "end", "channel", "location", "destination", "employer_code",
    "monthly_wage", "full_time", "note",
)  # fmt: skip
EMPLOYER_COLUMNS = ("credit_code", "name", "sector", "address")
SCHEMA = {
    "person_id": pl.Int64, "status": pl.String, "start": pl.Date, "end": pl.Date, "channel": pl.String,
    "location": pl.String, "destination": pl.String, "employer_code": pl.String,
    "monthly_wage": pl.Float64, "full_time": pl.Boolean, "note": pl.String,
}  # fmt: skip
TIERS = ("in_county", "in_province", "out_of_province")


def _days(values: np.ndarray) -> pl.Series:
    return pl.Series(values.astype(np.int32)).cast(pl.Date)


def _day(d: dt.date) -> int:
    return (d - EPOCH).days


def make_spells(
    rng: np.random.Generator,
    *,
    as_of: dt.date,
    latest_start: dt.date,
    county_code: int,
    county_name: str,
    areas: pl.DataFrame,
    households: pl.DataFrame,
    household_versions: pl.DataFrame,
    persons: pl.DataFrame,
    person_versions: pl.DataFrame,
    memberships: pl.DataFrame,
    incomes: pl.DataFrame,
    shocks: pl.DataFrame,
    working_age: tuple[int, int] = (16, 60),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(spells, employers): spells with the columns COLUMNS (person ids as in `persons`), and the
    employers of the county's list the spells name (EMPLOYER_COLUMNS)."""
    end_day = _day(as_of)
    earners = _earners(incomes, as_of, latest_start, households, household_versions, memberships, shocks)
    n = earners.height
    if n == 0:
        spells = _not_employed(rng, as_of, persons, person_versions, memberships, earners, working_age)
        return _typed(spells), pl.DataFrame(schema=dict.fromkeys(EMPLOYER_COLUMNS, pl.String))

    wage = earners["latest"].to_numpy()
    # where: the wage level says how likely the work is outside the county (the two lognormals)
    outside = rng.random(n) < _p_outside(wage)
    out_of_province = outside & (rng.random(n) < OUT_OF_PROVINCE_SHARE)
    tier = np.where(out_of_province, 2, np.where(outside, 1, 0))
    poor = earners["poor"].to_numpy()
    channel = _channels(rng, tier)
    welfare = (tier == 0) & poor & (rng.random(n) < PUBLIC_WELFARE_SHARE)
    channel[welfare] = CHANNELS.index("public_welfare")

    # the second job of those who changed jobs or were laid off and rehired: drawn the same way
    tier2 = np.where(rng.random(n) < 0.7, tier, rng.integers(0, 3, n))
    channel2 = _channels(rng, tier2)
    channel2[channel2 == CHANNELS.index("public_welfare")] = CHANNELS.index("self_found")

    start0 = earners["start"].to_numpy()
    latest0 = _day(latest_start)
    segments, before = _segments(rng, earners, start0, end_day)

    # each job (a person's first, or second) has one place, channel, employer and destination;
    jobs = segments.select("_i", "job").unique().sort("_i", "job")
    j_i, j_job = jobs["_i"].to_numpy(), jobs["job"].to_numpy()
    j_tier = np.where(j_job == 0, tier[j_i], tier2[j_i])
    j_channel = np.where(j_job == 0, channel[j_i], channel2[j_i])
    employers, codes = _employers(rng, county_code, county_name, j_tier, j_channel)
    destination = _destinations(rng, county_code, county_name, areas, earners, j_i, j_tier)
    jobs = jobs.with_columns(
        pl.Series("channel", list(CHANNELS)).gather(j_channel),
        pl.Series("location", list(TIERS)).gather(j_tier),
        destination,
        codes,
    )
    segments = segments.join(jobs, on=["_i", "job"], how="left", maintain_order="left")
    idx = segments["_i"].to_numpy()
    # the monthly wage: the year's wage record over the job's months in work that year (the
    # latest year for a spell that reaches into it)
    months, latest = _months_in_year(segments, latest0, end_day)
    earlier = earners["earlier"].fill_null(0.0).to_numpy()[idx]
    annual = np.where(latest | (earlier <= 0), wage[idx], earlier)
    monthly = np.round(annual / np.maximum(months, 1.0) / 10.0) * 10.0
    status = np.where(segments["channel"] == "public_welfare", "public_welfare", "employed")
    work = segments.select(
        pl.Series("person_id", earners["person_id"].to_numpy()[idx]),
        pl.Series("status", status),
        pl.col("start").cast(pl.Int32).cast(pl.Date),
        "end",
        "channel",
        "location",
        "destination",
        "employer_code",
        pl.Series("monthly_wage", monthly),
        pl.lit(True).alias("full_time"),
        pl.lit("").alias("note"),
    )
    idle = before.select(
        pl.Series("person_id", earners["person_id"].to_numpy()[before["_i"].to_numpy()]),
        pl.lit("not_employed").alias("status"),
        pl.col("start").cast(pl.Int32).cast(pl.Date),
        pl.col("end").cast(pl.Int32).cast(pl.Date),
    )
    others = _not_employed(rng, as_of, persons, person_versions, memberships, earners, working_age)
    spells = pl.concat([_typed(work), _typed(_blank(idle)), _typed(others)])
    return spells.sort("person_id", "start"), employers


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select([pl.col(c).cast(t) for c, t in SCHEMA.items()])


def _channels(rng: np.random.Generator, tier: np.ndarray) -> np.ndarray:
    channel = np.empty(len(tier), dtype=np.int64)
    for t, name in enumerate(TIERS):
        chosen = np.flatnonzero(tier == t)
        p = np.array(CHANNEL_P[name])
        channel[chosen] = rng.choice(len(CHANNELS), size=len(chosen), p=p / p.sum())
    return channel


def _blank(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        *(pl.lit("").alias(c) for c in ("channel", "location", "destination", "note")),
        pl.lit(None, pl.String).alias("employer_code"),
        pl.lit(None, pl.Float64).alias("monthly_wage"),
        pl.lit(True).alias("full_time"),
    )


def _earners(
    incomes: pl.DataFrame,
    as_of: dt.date,
    latest_start: dt.date,
    households: pl.DataFrame,
    household_versions: pl.DataFrame,
    memberships: pl.DataFrame,
    shocks: pl.DataFrame,
) -> pl.DataFrame:
    """One row per person named on a latest-year wage record: the first day their named wage
    records cover (continuously up to the as-of date), both years' amounts, their household's
    village, whether it is out of poverty, and for one earner of each household whose employment
    became unstable in the latest year, the day of that shock (`lost_on`, -1 for the others)."""
    wages = incomes.filter((pl.col("source") == "wages") & pl.col("person_id").is_not_null())
    latest = wages.filter((pl.col("period_start") == latest_start) & (pl.col("period_end") == as_of))
    earlier = wages.filter(pl.col("period_end") == latest_start - dt.timedelta(days=1))
    status = household_versions.filter(pl.col("valid_to").is_null()).select(
        "household_id", (pl.col("status") == "out_of_poverty").alias("poor")
    )
    home = (
        memberships.filter(pl.col("left").is_null())
        .select("person_id", "household_id")
        .join(households.select(pl.col("id").alias("household_id"), "village_id"), on="household_id")
        .join(status, on="household_id", how="left")
    )
    frame = (
        latest.group_by("person_id")
        .agg(pl.col("amount").sum().alias("latest"))
        .join(
            earlier.group_by("person_id").agg(
                pl.col("amount").sum().alias("earlier"), pl.col("period_start").min().alias("first")
            ),
            on="person_id",
            how="left",
        )
        .join(home, on="person_id", how="inner")
        .with_columns(
            pl.col("first").fill_null(latest_start).alias("start_date"),
            pl.col("poor").fill_null(False),
        )
        .sort("person_id")
    )
    unstable = (
        shocks.filter((pl.col("risk_type_id") == "unstable_employment") & (pl.col("date") >= latest_start))
        .group_by("household_id")
        .agg(pl.col("date").min().alias("shock"))
    )
    first_earner = (
        frame.group_by("household_id").agg(pl.col("person_id").min()).join(unstable, on="household_id")
    )
    frame = frame.join(first_earner.select("person_id", "shock"), on="person_id", how="left")
    return frame.with_columns(
        ((pl.col("start_date") - pl.lit(EPOCH)).dt.total_days()).alias("start"),
        ((pl.col("shock") - pl.lit(EPOCH)).dt.total_days()).fill_null(-1).alias("lost_on"),
        pl.int_range(pl.len()).alias("_i"),
    ).drop("shock")


def _p_outside(wage: np.ndarray) -> np.ndarray:
    """P(outside the county | the latest wage), from the two lognormal wage levels."""

    def log_density(mean: float, sigma: float) -> np.ndarray:
        mu = np.log(mean) - sigma**2 / 2
        return -((np.log(np.maximum(wage, 1.0)) - mu) ** 2) / (2 * sigma**2) - np.log(sigma)

    a = np.log(OUTSIDE_COUNTY_SHARE) + log_density(*WAGE_OUTSIDE)
    b = np.log(1 - OUTSIDE_COUNTY_SHARE) + log_density(*WAGE_INSIDE)
    return 1.0 / (1.0 + np.exp(np.clip(b - a, -50, 50)))


def _segments(
    rng: np.random.Generator, earners: pl.DataFrame, start: np.ndarray, end_day: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The spells in work of each earner, (_i, start, end (date; null = open), job), and the spells
    not employed before a late start, (_i, start, end). Work, once begun, never stops before the
    as-of date: a break would read as a lost job to the monitoring features (workers_lost), so a
    change of job takes no day off, and the job an unstable household's earner lost is replaced
    by a lower-paid one the day of the shock (its wage records fell that year)."""
    n = earners.height
    span = np.maximum(end_day - start, 1)
    late = (rng.random(n) < LATE_START) & (span > 120)
    first = np.where(late, start + 30 + (rng.random(n) * (span - 90)).astype(np.int64), start)
    room = end_day - first
    change = np.where(
        (rng.random(n) < JOB_CHANGE) & (room > 90),
        first + 30 + (rng.random(n) * (room - 60)).astype(np.int64),
        -1,
    )
    lost = earners["lost_on"].to_numpy()
    change = np.where((lost > first + 30) & (lost < end_day), lost, change)
    i = np.arange(n)
    changed = change > 0
    segments = pl.DataFrame(
        {
            "_i": np.concatenate([i, i[changed]]),
            "start": np.concatenate([first, change[changed]]),
            "end": np.concatenate([np.where(changed, change - 1, -1), np.full(changed.sum(), -1)]),
            "job": np.concatenate([np.zeros(n, np.int64), np.ones(changed.sum(), np.int64)]),
        }
    ).with_columns(pl.when(pl.col("end") >= 0).then(pl.col("end")).cast(pl.Int32).cast(pl.Date).alias("end"))
    before = pl.DataFrame({"_i": i[late], "start": start[late], "end": first[late] - 1})
    return segments.sort("_i", "start"), before


def _months_in_year(segments: pl.DataFrame, latest0: int, end_day: int) -> tuple[np.ndarray, np.ndarray]:
    """Per spell: whether it reaches into the latest wage year, and the months its job was in
    work in that year (the latest one, or the earlier one for a spell that ended before it)."""
    s = segments["start"].to_numpy()
    e = segments["end"].cast(pl.Int32).fill_null(end_day).to_numpy().astype(np.int64)

    def days(lo: int, hi: int) -> np.ndarray:
        return np.clip(np.minimum(e, hi) - np.maximum(s, lo) + 1, 0, None)

    frame = pl.DataFrame(
        {
            "i": segments["_i"],
            "job": segments["job"],
            "d1": days(latest0, end_day),
            "d0": days(latest0 - 365, latest0 - 1),
        }
    )
    totals = frame.with_columns(pl.col("d1").sum().over("i", "job"), pl.col("d0").sum().over("i", "job"))
    latest = e >= latest0
    chosen = np.where(latest, totals["d1"].to_numpy(), totals["d0"].to_numpy())
    return chosen / 365.0 * 12.0, latest


def _employers(
    rng: np.random.Generator, county_code: int, county_name: str, tier: np.ndarray, channel: np.ndarray
) -> tuple[pl.DataFrame, pl.Series]:
    """The county's list of employers, and the credit code each job names (null: none)."""
    p = np.array([EMPLOYER_P[c] for c in CHANNELS])[channel]
    named = rng.random(len(tier)) < p
    codes = np.full(len(tier), None, dtype=object)
    rows: list[tuple[str, str, str, str]] = []
    province = county_code // 10**10
    for t, name in enumerate(TIERS):
        who = np.flatnonzero(named & (tier == t))
        if len(who) == 0:
            continue
        k = min(max(3, round(len(who) / WORKERS_PER_EMPLOYER)), MAX_EMPLOYERS_PER_TIER)
        places = _places(name, province, county_code, county_name)
        weights = np.array([w for _n, _c, w in places])
        where = rng.choice(len(places), size=k, p=weights / weights.sum())
        sector = rng.choice(len(SECTORS), size=k, p=np.array(SECTOR_P) / sum(SECTOR_P))
        if name == "in_county":  # workshops and local firms: light manufacturing, farming, services
            sector = rng.choice([0, 3, 4, 6], size=k)
        made = []
        for j in range(k):
            place, code, _w = places[where[j]]
            credit = _credit_code(rng, code)
            word = WORDS[rng.integers(0, len(WORDS))]
            city = place.split("省")[-1].removesuffix("市") if "省" in place else place.removesuffix("市")
            firm = f"{city}{word}{KIND[SECTORS[sector[j]]]}有限公司"
            if any(r[0] == credit for r in rows):
                continue
            rows.append((credit, f"{firm}{len(rows) + 1:03d}" if firm in {r[1] for r in rows} else firm,
                         SECTORS[sector[j]], place))  # fmt: skip
            made.append(credit)
        codes[who] = np.array(made, dtype=object)[rng.integers(0, len(made), len(who))]
    employers = pl.DataFrame(rows, schema=list(EMPLOYER_COLUMNS), orient="row")
    return employers, pl.Series("employer_code", list(codes), dtype=pl.String)


def _places(
    tier: str, province: int, county_code: int, county_name: str
) -> tuple[tuple[str, int, float], ...]:
    if tier == "out_of_province":
        return tuple(p for p in OUT_OF_PROVINCE if p[1] // 10**4 != province)
    if tier == "in_province":
        prefecture = county_code // 10**8 * 100
        return IN_PROVINCE.get(province, (("省内", prefecture, 1.0),))
    return ((county_name, county_code // 10**6, 1.0),)


def _destinations(
    rng: np.random.Generator,
    county_code: int,
    county_name: str,
    areas: pl.DataFrame,
    earners: pl.DataFrame,
    idx: np.ndarray,
    tier: np.ndarray,
) -> pl.Series:
    """Where the work is: a city for work outside the county, the worker's township inside it."""
    province = county_code // 10**10
    out = np.empty(len(idx), dtype=object)
    for t, name in enumerate(TIERS[1:], start=1):
        places = _places(name, province, county_code, county_name)
        weights = np.array([w for _n, _c, w in places])
        chosen = np.flatnonzero(tier == t)
        out[chosen] = np.array([p[0] for p in places], dtype=object)[
            rng.choice(len(places), size=len(chosen), p=weights / weights.sum())
        ]
    townships = dict(areas.filter(pl.col("level") == 4).select("code", "name").iter_rows())
    village = earners["village_id"].to_numpy()[idx]
    local = np.flatnonzero(tier == 0)
    out[local] = [f"{county_name}{townships.get(int(v) // 1000 * 1000, '')}" for v in village[local]]
    return pl.Series("destination", list(out), dtype=pl.String)


def _credit_code(rng: np.random.Generator, place: int) -> str:
    """A valid unified social credit code (统一社会信用代码) of a company registered at `place`:
    91 (market regulator, enterprise), the 6-digit area, an organisation code with its GB 11714
    check character, and the check character (as stdnum.cn.uscc computes it)."""
    from stdnum.cn import uscc

    body = "".join(str(d) for d in rng.integers(0, 10, 8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    c = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    check = "X" if c == 10 else "0" if c == 11 else str(c)
    number = f"91{place:06d}{body}{check}"
    return number + uscc.calc_check_digit(number)


def _not_employed(
    rng: np.random.Generator,
    as_of: dt.date,
    persons: pl.DataFrame,
    person_versions: pl.DataFrame,
    memberships: pl.DataFrame,
    earners: pl.DataFrame,
    working_age: tuple[int, int],
) -> pl.DataFrame:
    """Members available for work (as the monitoring features count them) with no wage record:
    some are recorded as not employed, since a day after they joined their household."""
    low, high = working_age
    born = pl.col("birth_date")
    age = (
        pl.lit(as_of.year)
        - born.dt.year()
        - (
            (born.dt.month() > as_of.month) | ((born.dt.month() == as_of.month) & (born.dt.day() > as_of.day))
        ).cast(pl.Int32)
    )
    current = person_versions.filter(pl.col("valid_to").is_null())
    able = (
        persons.select(pl.col("id").alias("person_id"), age.alias("age"))
        .join(current.select("person_id", "enrolment", "health", "disability_grade"), on="person_id")
        .join(memberships.filter(pl.col("left").is_null()).select("person_id", "joined"), on="person_id")
        .filter(
            pl.col("age").is_between(low, high)
            & (pl.col("health") != "serious")
            & ~(pl.col("disability_grade") <= 2).fill_null(False)
            & pl.col("enrolment").is_in(["not_in_school", "dropped_out"])
        )
        .join(earners.select("person_id"), on="person_id", how="anti")
        .sort("person_id")
    )
    chosen = able.filter(pl.Series(rng.random(able.height) < NOT_EMPLOYED_SPELL))
    back = rng.integers(60, 900, chosen.height)
    start = np.maximum(_day(as_of) - back, chosen["joined"].cast(pl.Int32).to_numpy() + 1)
    start = np.minimum(start, _day(as_of))
    frame = pl.DataFrame(
        {
            "person_id": chosen["person_id"],
            "status": "not_employed",
            "start": _days(start),
            "end": pl.Series([None] * chosen.height, dtype=pl.Date),
        }
    )
    return _blank(frame)
