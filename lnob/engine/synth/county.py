"""Assemble the synthetic county into one polars DataFrame per database table."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import polars as pl

from . import calibration as cal
from . import ids
from .alerts import COLUMNS as ALERT_COLUMNS
from .alerts import make_alerts
from .areas import Areas, make_areas
from .money import (
    EXPENDITURE_TYPES,
    R_HOUSING,
    R_WATER,
    RISK_TYPES,
    SOURCES,
    TRANSFER_TYPES,
    Rows,
    Shocks,
    make_expenditures,
    make_incomes,
    make_shocks,
)
from .names import (
    BANK_BINS,
    ETHNICITIES,
    FEMALE_NEW,
    FEMALE_OLD,
    MALE_NEW,
    MALE_OLD,
    MOBILE_PREFIXES,
    SINGLE_CHAR_NAME,
    SKILL_SEPARATOR,
    SKILLS,
    SURNAMES,
)
from .population import (
    CHILD,
    CHILD_IN_LAW,
    DAYS_PER_YEAR,
    EDUCATIONS,
    ENROLMENTS,
    GRANDCHILD,
    HEALTHS,
    PARENT,
    RELATIONS,
    SIBLING,
    SPOUSE,
    Population,
    able_to_work,
    make_population,
)
from .spells import make_spells
from .truth import Planter, break_ties, ground_truth

EPOCH = dt.date(1970, 1, 1)
STATUSES = ("ordinary", "out_of_poverty", "other")
JOIN_REASONS = ("registered", "birth", "marriage")
REGISTERED, BIRTH, MARRIAGE = range(3)
ALERT_STREAM = 7  # the department alerts' random stream: [seed, county, ALERT_STREAM]
SPELL_STREAM = 8  # the employment ledger's random stream: [seed, county, SPELL_STREAM]

# Database columns per table, in load order (parents before children).
TABLES: dict[str, tuple[str, ...]] = {
    "areas_area": ("parent_id", "code", "name", "level"),
    "registry_household": ("id", "number", "village_id", "created_at"),
    "registry_householdversion": (
        "id", "household_id", "valid_from", "valid_to", "status", "left_poverty_year", "housing_safe",
        "water_safe", "contact_phone",
    ),
    "registry_person": ("id", "id_number", "name", "sex", "birth_date", "created_at"),
    "registry_personversion": (
        "id", "person_id", "valid_from", "valid_to", "ethnicity", "education", "enrolment", "health",
        "disability_grade", "labour_override", "labour_override_reason", "skills", "certificates", "phone",
        "bank_account",
    ),
    "registry_membership": (
        "id", "person_id", "household_id", "relation", "joined", "join_reason", "left", "leave_reason",
    ),
    "registry_incomerecord": (
        "id", "person_id", "note", "created_at", "household_id", "period_start", "period_end", "source",
        "transfer_type", "amount",
    ),
    "registry_expenditure": (
        "id", "person_id", "note", "created_at", "household_id", "period_start", "period_end", "type",
        "amount",
    ),
    "registry_shock": ("id", "person_id", "note", "created_at", "household_id", "date", "risk_type_id"),
    "registry_alert": ALERT_COLUMNS,
}  # fmt: skip


FRAME_FIELDS = (
    "areas", "households", "household_versions", "persons", "person_versions", "memberships", "incomes",
    "expenditures", "shocks", "alerts",
)  # fmt: skip


@dataclass(frozen=True)
class SynthCounty:
    """A synthetic county: one DataFrame per table, ids from 1, columns as in the database."""

    county_code: int
    county_name: str
    seed: int
    as_of: dt.date
    areas: pl.DataFrame
    households: pl.DataFrame
    household_versions: pl.DataFrame
    persons: pl.DataFrame
    person_versions: pl.DataFrame
    memberships: pl.DataFrame
    incomes: pl.DataFrame
    expenditures: pl.DataFrame
    shocks: pl.DataFrame
    alerts: pl.DataFrame  # department alerts (alerts.py)
    # not a table: the monitoring threshold the truth was recorded at, and (household_id,
    # rule_code) for every household meeting each exact default rule on the as-of date (truth.py)
    threshold: float
    truth: pl.DataFrame
    # not tables of the registry: the employment ledger (spells.py: spells of every status, as
    # the `spells` exchange table has them; loaded through it, lnob.exchange.synth_out), and the
    # employers it names (the county's list)
    ledger: pl.DataFrame
    employers: pl.DataFrame

    def tables(self) -> dict[str, pl.DataFrame]:
        """Database table name -> frame, parents before children."""
        frames = [getattr(self, name) for name in FRAME_FIELDS]
        return dict(zip(TABLES, frames, strict=True))

    def counts(self) -> dict[str, int]:
        return {name: frame.height for name, frame in self.tables().items()}

    @property
    def spells(self) -> pl.DataFrame:
        """The ledger's spells in work as the monitoring engine reads them (person_id, start,
        end: lnob.engine.monitor.features.SPELLS)."""
        in_work = ("employed", "self_employed", "public_welfare")
        return self.ledger.filter(pl.col("status").is_in(in_work)).select("person_id", "start", "end")


def generate(
    persons: int,
    seed: int = 1,
    county_code: int = 530627000000,
    county_name: str = "镇雄县",
    as_of: dt.date = dt.date(2026, 6, 30),
    threshold: float = cal.MONITORING_THRESHOLD,  # 8,700 yuan: Yunnan, 2025
) -> SynthCounty:
    """A reproducible synthetic county of `persons` residents: same arguments, same frames.

    Some households are planted with the risks the exact monitoring rules look for, and `truth`
    records every household that meets each of those rules at `threshold` (truth.py)."""
    if persons < 1:
        raise ValueError("persons must be at least 1")
    if not (10**11 <= county_code < 10**12) or county_code % 10**6 or county_code % 10**8 == 0:
        raise ValueError(f"{county_code} is not a 12-digit county code such as 530627000000")
    # independent random streams, so the person tables and the money tables can be drawn at the
    # same time (numpy and polars release the GIL) and still come out the same every run
    core, people_rng, money_rng, plant_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence([seed, county_code // 10**6]).spawn(4)
    )
    as_of_day = (as_of - EPOCH).days

    areas = make_areas(core, county_code, persons)
    pop = make_population(core, persons, as_of_day)
    village = _villages(core, pop.households, len(areas.village_code))
    status = _status(core, pop, village, len(areas.village_code))
    members = _memberships(core, pop, as_of_day)
    planter = Planter.for_county(plant_rng, pop.households, threshold)
    planter.dropouts(pop)  # before anything reads the enrolments
    idle = planter.idle(pop, able_to_work(pop))
    with ThreadPoolExecutor(max_workers=1) as pool:
        person_job = pool.submit(
            _person_tables, people_rng, pop, members, county_code, county_name, as_of.year
        )
        shocks = make_shocks(money_rng, pop, as_of_day)
        periods = _periods(as_of)
        income_rows = make_incomes(money_rng, pop, status == 1, shocks, idle)
        planter.low_incomes(income_rows, pop, [status == 1, status == 0])  # 脱贫户, ordinary
        spending_rows = make_expenditures(money_rng, pop, shocks)
        shocks = planter.medical_bills(income_rows, spending_rows, pop, shocks, members.joined, as_of_day)
        break_ties(income_rows, spending_rows, pop.size, threshold)
        incomes = _incomes_frame(income_rows, periods, as_of)
        expenditures = _expenditures_frame(spending_rows, periods, as_of)
        shock_frame = _shocks_frame(money_rng, shocks, as_of_day)
        households = _households_frame(money_rng, pop, areas, village, members)
        people, person_id, persons_frame, versions_frame = person_job.result()
    household_versions, housing_safe, water_safe = _household_versions_frame(
        money_rng, pop, status, shocks, members, people, planter
    )
    ids = pl.Series(person_id)
    memberships = _memberships_frame(pop, members, person_id)
    incomes = _members_only(_with_person_ids(incomes, ids), memberships, "period_start", "period_end")
    expenditures = _members_only(
        _with_person_ids(expenditures, ids), memberships, "period_start", "period_end"
    )
    shock_frame = _members_only(_with_person_ids(shock_frame, ids), memberships, "date", "date")
    # a stream of their own, drawn last: the alerts leave every other frame as it was without them
    alerts = make_alerts(
        np.random.default_rng([seed, county_code // 10**6, ALERT_STREAM]),
        as_of=as_of,
        latest_start=periods[1][0],
        persons=persons_frame,
        person_versions=versions_frame,
        memberships=memberships,
        incomes=incomes,
        expenditures=expenditures,
        shocks=shock_frame,
    )
    areas_frame = _areas_frame(areas, county_code)
    # a stream of their own, drawn after the alerts: the ledger leaves every other frame as it was
    ledger, employers = make_spells(
        np.random.default_rng([seed, county_code // 10**6, SPELL_STREAM]),
        as_of=as_of,
        latest_start=periods[1][0],
        county_code=county_code,
        county_name=county_name,
        areas=areas_frame,
        households=households,
        household_versions=household_versions,
        persons=persons_frame,
        person_versions=versions_frame,
        memberships=memberships,
        incomes=incomes,
        shocks=shock_frame,
    )
    return SynthCounty(
        county_code=county_code,
        county_name=county_name,
        seed=seed,
        as_of=as_of,
        areas=areas_frame,
        households=households,
        household_versions=household_versions,
        persons=persons_frame,
        person_versions=versions_frame,
        memberships=memberships,
        incomes=incomes,
        expenditures=expenditures,
        shocks=shock_frame,
        alerts=alerts,
        threshold=threshold,
        truth=ground_truth(
            pop,
            status == 0,
            status == 1,
            income_rows,
            spending_rows,
            housing_safe,
            water_safe,
            threshold,
        ),
        ledger=ledger,
        employers=employers,
    )


def _person_tables(
    rng: np.random.Generator, pop: Population, members: Members, county_code: int, county_name: str, year: int
) -> tuple[People, np.ndarray, pl.DataFrame, pl.DataFrame]:
    people = _people(rng, pop, members, county_code, county_name, year)
    # person ids follow ID-number order, so the database's unique index on it grows at one end
    person_id = np.empty(pop.persons, dtype=np.int64)
    person_id[people.id_number.arg_sort().to_numpy()] = np.arange(1, pop.persons + 1)
    persons = _persons_frame(rng, pop, members, people, person_id)
    versions = _person_versions_frame(rng, pop, members, people, person_id)
    return people, person_id, persons, versions


def _members_only(frame: pl.DataFrame, memberships: pl.DataFrame, start: str, end: str) -> pl.DataFrame:
    """A record names a person only if they belonged to its household during its period (the
    rule the registry's services and the import apply); otherwise it stays, naming no one (a
    spouse's medical bill from before the marriage was the household's, not theirs)."""
    spans = memberships.select("person_id", "household_id", "joined", "left")
    named = frame.select(
        pl.int_range(pl.len()).alias("_i"),
        "person_id",
        "household_id",
        pl.col(start).alias("_start"),
        pl.col(end).alias("_end"),
    ).filter(pl.col("person_id").is_not_null())
    member = (
        named.join(spans, on=["person_id", "household_id"])
        .filter(
            (pl.col("joined") <= pl.col("_end"))
            & (pl.col("left").is_null() | (pl.col("left") > pl.col("_start")))
        )
        .select("_i")
        .unique()
    )
    stray = named.join(member, on="_i", how="anti")["_i"]
    if stray.is_empty():
        return frame
    keep = ~pl.int_range(pl.len()).is_in(stray.implode())
    return frame.with_columns(pl.when(keep).then(pl.col("person_id")).alias("person_id"))


def _with_person_ids(frame: pl.DataFrame, person_id: pl.Series) -> pl.DataFrame:
    """Replace person indexes (from 0, null = no person) by person ids."""
    return frame.with_columns(person_id.gather(frame["person_id"]).alias("person_id"))


# --- households ---------------------------------------------------------------------------------


def _villages(rng: np.random.Generator, n_households: int, n_villages: int) -> np.ndarray:
    weight = rng.lognormal(0.0, 0.35, n_villages)
    counts = rng.multinomial(n_households, weight / weight.sum())
    return np.repeat(np.arange(n_villages), counts)


def _status(rng: np.random.Generator, pop: Population, village: np.ndarray, n_villages: int) -> np.ndarray:
    """0 ordinary, 1 out of poverty (脱贫户), 2 other; poverty clusters in villages and in
    households with disability, illness, many members or a head with little schooling."""
    n_hh = pop.households
    score = (
        1.0 * (pop.per_household(pop.disability > 0) > 0)
        + 0.6 * (pop.per_household(pop.health > 0) > 0)
        + 0.3 * (pop.size >= 5)
        + 0.4 * (pop.education[pop.start] <= 1)
        + rng.normal(0.0, 0.6, n_villages)[village]
        + rng.logistic(0.0, 1.0, n_hh)
    )
    status = np.zeros(n_hh, dtype=np.int8)
    status[np.argsort(-score, kind="stable")[: round(cal.OUT_OF_POVERTY_SHARE * n_hh)]] = 1
    other = (status == 0) & (rng.random(n_hh) < cal.OTHER_STATUS_SHARE / (1 - cal.OUT_OF_POVERTY_SHARE))
    status[other] = 2
    return status


@dataclass
class Members:
    """Open memberships (one per person) and a few closed ones from before a marriage."""

    registered: np.ndarray  # per household: the day it entered the register
    joined: np.ndarray
    reason: np.ndarray
    valid_from: np.ndarray  # per person: first day in any household
    household_from: np.ndarray  # per household: first day any current member joined
    past_person: np.ndarray
    past_household: np.ndarray
    past_joined: np.ndarray
    past_reason: np.ndarray
    past_left: np.ndarray


def _memberships(rng: np.random.Generator, pop: Population, as_of_day: int) -> Members:
    n_hh, n = pop.households, pop.persons
    baseline = (dt.date.fromisoformat(cal.REGISTERED_FROM) - EPOCH).days
    registered = np.minimum(baseline + rng.integers(0, cal.REGISTERED_DAYS, n_hh), as_of_day - 1)
    born_since = pop.birth_day >= baseline
    joined = np.maximum(np.where(born_since, pop.birth_day, registered[pop.hh]), pop.birth_day)
    reason = np.where(born_since, BIRTH, REGISTERED).astype(np.int8)

    # some children-in-law married in after the household was registered
    adult_day = pop.birth_day + int(np.ceil(18 * DAYS_PER_YEAR)) + 1
    earliest = np.maximum(registered[pop.hh], adult_day)
    married = (
        (pop.relation == CHILD_IN_LAW)
        & (rng.random(n) < cal.MARRIED_IN_JOINED_LATER)
        & (earliest < as_of_day)
    )
    married_day = earliest + (rng.random(n) * (as_of_day - earliest)).astype(np.int64)
    joined = np.where(married, married_day, joined)
    reason = np.where(married, MARRIAGE, reason).astype(np.int8)

    # ... and half of those were registered in their parents' household before
    movers = (
        np.flatnonzero(married & (rng.random(n) < cal.MOVED_FROM_OTHER_HOUSEHOLD))
        if n_hh > 1
        else np.zeros(0, np.int64)
    )
    origin = rng.integers(0, n_hh - 1, len(movers)) if n_hh > 1 else np.zeros(0, np.int64)
    origin = origin + (origin >= pop.hh[movers])
    past_joined = np.maximum(registered[origin], pop.birth_day[movers])
    keep = past_joined < joined[movers]
    movers, origin, past_joined = movers[keep], origin[keep], past_joined[keep]
    past_reason = np.where(pop.birth_day[movers] >= baseline, BIRTH, REGISTERED).astype(np.int8)

    valid_from = joined.copy()
    valid_from[movers] = past_joined
    household_from = np.minimum(registered, np.minimum.reduceat(joined, pop.start))
    return Members(
        registered,
        joined,
        reason,
        valid_from,
        household_from,
        movers,
        origin,
        past_joined,
        past_reason,
        joined[movers],
    )


def _periods(as_of: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The two 12-month income periods ending on the as-of date: [(start, end) earlier, latest]."""

    def years_back(day: dt.date, years: int) -> dt.date:
        try:
            return day.replace(year=day.year - years)
        except ValueError:  # 29 February
            return day.replace(year=day.year - years, day=28)

    one_day = dt.timedelta(days=1)
    latest_start = years_back(as_of, 1) + one_day
    return [(years_back(as_of, 2) + one_day, latest_start - one_day), (latest_start, as_of)]


# --- persons ------------------------------------------------------------------------------------


@dataclass
class People:
    surname: np.ndarray
    id_number: pl.Series
    name: pl.Series
    ethnicity: np.ndarray
    phone: np.ndarray  # int64, 0 = none


def _people(
    rng: np.random.Generator, pop: Population, members: Members, county_code: int, county_name: str, year: int
) -> People:
    n = pop.persons
    birth = pop.birth_day.astype("datetime64[D]")
    birth_year = birth.astype("datetime64[Y]").astype(np.int64) + 1970

    # ID numbers: birthplace code valid in the birth year, married-in people partly from nearby
    first_year = int(birth_year.min())
    places = ids.birthplaces(county_name, county_code, first_year, year)
    code = places.home[birth_year - first_year]
    elsewhere = np.flatnonzero(pop.married_in & (rng.random(n) < cal.MARRIED_IN_ELSEWHERE))
    for y in np.unique(birth_year[elsewhere]):
        chosen = elsewhere[birth_year[elsewhere] == y]
        options = places.neighbours[int(y) - first_year]
        code[chosen] = options[rng.integers(0, len(options), len(chosen))]
    month = birth.astype("datetime64[M]")
    ymd = birth_year * 10_000 + (month.astype(np.int64) % 12 + 1) * 100 + (birth - month).astype(np.int64) + 1
    sequence = ids.sequence_numbers(rng, code, pop.birth_day, pop.male)
    id_number = ids.id_numbers(code, ymd, sequence)

    # surnames: children take the family's (the father's), parents and siblings the head's
    weights = np.array([w for _, w in SURNAMES])
    surname = rng.choice(len(SURNAMES), size=n, p=weights / weights.sum())
    head = surname[pop.start]
    has_spouse = np.zeros(pop.households, dtype=bool)
    second = pop.start[pop.size > 1] + 1
    has_spouse[pop.size > 1] = pop.relation[second] == SPOUSE
    spouse = np.where(has_spouse, surname[np.minimum(pop.start + 1, n - 1)], head)
    family = np.where(pop.male[pop.start] | ~has_spouse, head, spouse)
    rel = pop.relation
    surname = np.where(np.isin(rel, (CHILD, GRANDCHILD)), family[pop.hh], surname)
    surname = np.where((rel == SIBLING) | ((rel == PARENT) & pop.male), head[pop.hh], surname)
    surname[members.past_person] = family[members.past_household]

    old = birth_year < 1985
    pools = (MALE_OLD, MALE_NEW, FEMALE_OLD, FEMALE_NEW)
    chars = pl.Series([c for pool in pools for c in pool] + [""])
    sizes = np.array([len(p) for p in pools])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pool = np.where(pop.male, 0, 2) + np.where(old, 0, 1)
    first = offsets[pool] + (rng.random(n) * sizes[pool]).astype(np.int64)
    second_char = offsets[pool] + (rng.random(n) * sizes[pool]).astype(np.int64)
    single = rng.random(n) < np.where(old, SINGLE_CHAR_NAME[0], SINGLE_CHAR_NAME[1])
    second_char[single] = len(chars) - 1
    names = pl.Series([s for s, _ in SURNAMES])
    name = names.gather(surname) + chars.gather(first) + chars.gather(second_char)

    eth_p = np.array([w for _, w in ETHNICITIES])
    household_eth = rng.choice(len(ETHNICITIES), size=pop.households, p=eth_p / eth_p.sum())
    ethnicity = np.where(
        pop.married_in & (rng.random(n) < 0.3),
        rng.choice(len(ETHNICITIES), size=n, p=eth_p / eth_p.sum()),
        household_eth[pop.hh],
    )

    bands = np.array([b for b, _ in cal.PHONE_BY_AGE])
    p_phone = np.array([p for _, p in cal.PHONE_BY_AGE])[np.searchsorted(bands, pop.age, side="right")]
    prefixes = np.array(MOBILE_PREFIXES, dtype=np.int64)
    number = prefixes[rng.integers(0, len(prefixes), n)] * 10**8 + rng.integers(0, 10**8, n)
    phone = np.where(rng.random(n) < p_phone, number, 0)
    return People(surname, id_number, name, ethnicity, phone)


# --- frames -------------------------------------------------------------------------------------


def _days(values: np.ndarray) -> pl.Series:
    return pl.Series(values.astype(np.int32)).cast(pl.Date)


def _timestamps(rng: np.random.Generator, days: np.ndarray) -> pl.Series:
    """Office hours in China (01:00-09:00 UTC) on the given days."""
    seconds = days.astype(np.int64) * 86_400 + 3_600 + rng.integers(0, 8 * 3_600, len(days))
    return pl.Series(seconds * 1_000_000).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def _labels(labels: tuple[str, ...], codes: np.ndarray) -> pl.Series:
    return pl.Series(list(labels)).gather(codes.astype(np.int64))


def _number_text(values: np.ndarray) -> pl.Series:
    """Digits as text, '' where the value is 0."""
    frame = pl.DataFrame({"v": values})
    return frame.select(
        pl.when(pl.col("v") > 0).then(pl.col("v").cast(pl.String)).otherwise(pl.lit(""))
    ).to_series()


def _areas_frame(areas: Areas, county_code: int) -> pl.DataFrame:
    n_town = len(areas.township_code)
    return pl.DataFrame(
        {
            "parent_id": np.concatenate(
                [np.full(n_town, county_code, dtype=np.int64), areas.township_code[areas.village_township]]
            ),
            "code": np.concatenate([areas.township_code, areas.village_code]),
            "name": areas.township_name + areas.village_name,
            "level": np.concatenate([np.full(n_town, 4), np.full(len(areas.village_code), 5)]).astype(
                np.int16
            ),
        }
    )


def _households_frame(
    rng: np.random.Generator, pop: Population, areas: Areas, village: np.ndarray, members: Members
) -> pl.DataFrame:
    village_code = areas.village_code[village]
    first = np.ones(len(village), dtype=bool)
    first[1:] = village[1:] != village[:-1]
    serial = np.arange(len(village)) - np.maximum.accumulate(np.where(first, np.arange(len(village)), 0)) + 1
    width = max(4, len(str(int(serial.max()))))
    number = pl.Series(village_code).cast(pl.String) + pl.Series(serial).cast(pl.String).str.zfill(width)
    return pl.DataFrame(
        {
            "id": np.arange(1, pop.households + 1, dtype=np.int64),
            "number": number,
            "village_id": village_code,
            "created_at": _timestamps(rng, members.household_from),
        }
    )


def _household_versions_frame(
    rng: np.random.Generator,
    pop: Population,
    status: np.ndarray,
    shocks: Shocks,
    members: Members,
    people: People,
    planter: Planter,
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    """The household versions, and whether housing and drinking water are safe."""
    n_hh = pop.households
    years = np.array(list(cal.LEFT_POVERTY_YEAR_P))
    p = np.array(list(cal.LEFT_POVERTY_YEAR_P.values()))
    left_year = pl.Series(rng.choice(years, size=n_hh, p=p / p.sum()).astype(np.int16))
    housing_safe = (rng.random(n_hh) >= cal.HOUSING_UNSAFE) & ~shocks.households_with(R_HOUSING, n_hh)
    water_safe = (rng.random(n_hh) >= cal.WATER_UNSAFE) & ~shocks.households_with(R_WATER, n_hh)
    housing_safe, water_safe = planter.unsafe(housing_safe), planter.unsafe(water_safe)
    # the head's mobile, or any member's if the head has none
    head_phone = people.phone[pop.start]
    contact = np.where(head_phone > 0, head_phone, np.maximum.reduceat(people.phone, pop.start))
    frame = pl.DataFrame(
        {
            "id": np.arange(1, n_hh + 1, dtype=np.int64),
            "household_id": np.arange(1, n_hh + 1, dtype=np.int64),
            "valid_from": _days(members.household_from),
            "valid_to": pl.repeat(None, n_hh, dtype=pl.Date, eager=True),
            "status": _labels(STATUSES, status),
            "left_poverty_year": left_year,
            "housing_safe": housing_safe,
            "water_safe": water_safe,
            "contact_phone": _number_text(contact),
        }
    )
    frame = frame.with_columns(
        pl.when(pl.col("status") == "out_of_poverty")
        .then(pl.col("left_poverty_year"))
        .alias("left_poverty_year")
    )
    return frame, housing_safe, water_safe


def _persons_frame(
    rng: np.random.Generator, pop: Population, members: Members, people: People, person_id: np.ndarray
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": person_id,
            "id_number": people.id_number,
            "name": people.name,
            "sex": pl.Series(["F", "M"]).gather(pop.male.astype(np.int64)),
            "birth_date": _days(pop.birth_day),
            "created_at": _timestamps(rng, members.valid_from),
        }
    ).sort("id")


def _person_versions_frame(
    rng: np.random.Generator, pop: Population, members: Members, people: People, person_id: np.ndarray
) -> pl.DataFrame:
    n = pop.persons
    skill_names = pl.Series([s for s, _ in SKILLS] + [""])
    certificate_names = pl.Series([c for _, c in SKILLS] + [""])
    none = len(SKILLS)
    skilled = pop.labour & (rng.random(n) < cal.SKILLED)
    first = np.where(skilled, rng.integers(0, len(SKILLS), n), none)
    second = np.where(
        skilled & (rng.random(n) < cal.TWO_SKILLS),
        (first + 1 + rng.integers(0, len(SKILLS) - 1, n)) % len(SKILLS),
        none,
    )
    separator = pl.Series(["", SKILL_SEPARATOR]).gather((second < none).astype(np.int64))
    skills = skill_names.gather(first) + separator + skill_names.gather(second)
    certified = skilled & (rng.random(n) < cal.CERTIFIED)
    certificates = certificate_names.gather(np.where(certified, first, none))
    banked = (pop.age >= 18) & ((rng.random(n) < cal.BANK_ACCOUNT_ADULT) | (pop.relation == 0))
    bins = np.array(BANK_BINS, dtype=np.int64)
    account = bins[rng.integers(0, len(bins), n)] * 10**13 + rng.integers(0, 10**13, n)
    frame = pl.DataFrame(
        {
            "id": person_id,
            "person_id": person_id,
            "valid_from": _days(members.valid_from),
            "valid_to": pl.repeat(None, n, dtype=pl.Date, eager=True),
            "ethnicity": _labels(tuple(e for e, _ in ETHNICITIES), people.ethnicity),
            "education": _labels(EDUCATIONS, pop.education),
            "enrolment": _labels(ENROLMENTS, pop.enrolment),
            "health": _labels(HEALTHS, pop.health),
            "disability_grade": pl.Series(pop.disability.astype(np.int16)),
            "labour_override": pl.repeat("", n, eager=True),
            "labour_override_reason": pl.repeat("", n, eager=True),
            "skills": skills,
            "certificates": certificates,
            "phone": _number_text(people.phone),
            "bank_account": _number_text(np.where(banked, account, 0)),
        }
    ).with_columns(
        pl.when(pl.col("disability_grade") > 0).then(pl.col("disability_grade")).alias("disability_grade")
    )
    # disability, certificate, health, ethnicity, enrolment, education, skills (most to least rare)
    key = pop.disability.astype(np.int64)
    for code, size in (
        (np.where(certified, first, none), none + 1),
        (pop.health, 3),
        (people.ethnicity, len(ETHNICITIES)),
        (pop.enrolment, len(ENROLMENTS)),
        (pop.education, len(EDUCATIONS)),
        (first, none + 1),
        (second, none + 1),
    ):
        key = key * size + code
    return _grouped(frame, key)


def _memberships_frame(pop: Population, members: Members, person_id: np.ndarray) -> pl.DataFrame:
    n, k = pop.persons, len(members.past_person)
    open_rows = pl.DataFrame(
        {
            "person_id": person_id,
            "household_id": pop.hh.astype(np.int64) + 1,
            "relation": _labels(RELATIONS, pop.relation),
            "joined": _days(members.joined),
            "join_reason": _labels(JOIN_REASONS, members.reason),
            "left": pl.repeat(None, n, dtype=pl.Date, eager=True),
            "leave_reason": pl.repeat("", n, eager=True),
        }
    )
    closed = pl.DataFrame(
        {
            "person_id": person_id[members.past_person],
            "household_id": members.past_household.astype(np.int64) + 1,
            "relation": pl.repeat("child", k, eager=True, dtype=pl.String),
            "joined": _days(members.past_joined),
            "join_reason": _labels(JOIN_REASONS, members.past_reason),
            "left": _days(members.past_left),
            "leave_reason": pl.repeat("marriage", k, eager=True, dtype=pl.String),
        }
    )
    # open memberships first, by relation and reason of joining
    key = np.concatenate([pop.relation.astype(np.int64) * 4 + members.reason, np.full(k, 10**6)])
    return _grouped(pl.concat([open_rows, closed]), key)


# Rows of tables no other table refers to are ordered by their few-valued columns: a bulk
# loader then finds long runs of one value and writes it once instead of once per row.
def _grouped(frame: pl.DataFrame, key: np.ndarray) -> pl.DataFrame:
    """The rows in the order of an integer key (stable), with ids 1.. in that order."""
    ordered = frame.drop("id", strict=False)[np.argsort(key, kind="stable")]
    ids = pl.Series("id", np.arange(1, ordered.height + 1, dtype=np.int64))
    return ordered.with_columns(ids).select(["id", *(c for c in frame.columns if c != "id")])


def _fact_frame(rows: Rows, periods: list[tuple[dt.date, dt.date]], as_of: dt.date) -> pl.DataFrame:
    """Common columns of incomes and expenditures, sorted so each period and kind is contiguous."""
    a = rows.arrays()
    starts = pl.Series([p[0] for p in periods]).gather(a["year"].astype(np.int64))
    ends = pl.Series([p[1] for p in periods]).gather(a["year"].astype(np.int64))
    # entered during the yearly income survey, two weeks after the period (never after as_of)
    entered = [min(end + dt.timedelta(days=14), as_of) for _, end in periods]
    stamps = [dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC) for day in entered]
    created = pl.Series(stamps, dtype=pl.Datetime("us", "UTC")).gather(a["year"].astype(np.int64))
    frame = pl.DataFrame(
        {
            "person_id": a["person"],
            "note": pl.repeat("", len(a["hh"]), eager=True, dtype=pl.String),
            "created_at": created,
            "household_id": a["hh"] + 1,
            "period_start": starts,
            "period_end": ends,
            "_code": a["code"],
            "_sub": a["sub"],
            "amount": a["amount"],
        }
    )
    return frame.with_columns(
        pl.Series("id", np.arange(1, frame.height + 1, dtype=np.int64)),
        pl.when(pl.col("person_id") >= 0).then(pl.col("person_id")).alias("person_id"),
    )


def _incomes_frame(rows: Rows, periods: list[tuple[dt.date, dt.date]], as_of: dt.date) -> pl.DataFrame:
    frame = _fact_frame(rows, periods, as_of)
    frame = frame.with_columns(
        pl.Series(list(SOURCES)).gather(frame["_code"].cast(pl.Int64)).alias("source"),
        pl.Series(list(TRANSFER_TYPES)).gather(frame["_sub"].cast(pl.Int64)).alias("transfer_type"),
    )
    return frame.select(TABLES["registry_incomerecord"])


def _expenditures_frame(rows: Rows, periods: list[tuple[dt.date, dt.date]], as_of: dt.date) -> pl.DataFrame:
    frame = _fact_frame(rows, periods, as_of)
    frame = frame.with_columns(
        pl.Series(list(EXPENDITURE_TYPES)).gather(frame["_code"].cast(pl.Int64)).alias("type")
    )
    return frame.select(TABLES["registry_expenditure"])


def _shocks_frame(rng: np.random.Generator, shocks: Shocks, as_of_day: int) -> pl.DataFrame:
    order = np.lexsort((shocks.day, shocks.hh))
    day = shocks.day[order]
    entered = np.minimum(day + rng.integers(0, 11, len(day)), as_of_day)
    person = shocks.person[order]
    return pl.DataFrame(
        {
            "id": np.arange(1, len(order) + 1, dtype=np.int64),
            "person_id": person,
            "note": pl.repeat("", len(order), eager=True, dtype=pl.String),
            "created_at": _timestamps(rng, entered),
            "household_id": shocks.hh[order] + 1,
            "date": _days(day),
            "risk_type_id": _labels(RISK_TYPES, shocks.risk[order]),
        }
    ).with_columns(pl.when(pl.col("person_id") >= 0).then(pl.col("person_id")).alias("person_id"))
