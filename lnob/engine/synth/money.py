"""Shocks, incomes and rigid spending of the synthetic households, over two income years.

Rows are built as parallel numpy arrays (household, person or -1, code, sub-code, year, amount);
year 1 is the latest 12 months before the as-of date, year 0 the 12 months before that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import calibration as cal
from .population import CHRONIC, E_HIGHER, E_SENIOR, E_VOCATIONAL, HEALTHY, SERIOUS, Population

SOURCES = ("wages", "business_net", "property_net", "transfer", "production_cost")
WAGES, BUSINESS, PROPERTY, TRANSFER, COST = range(5)
TRANSFER_TYPES = ("", "dibao", "tekun", "pension", "subsidy", "other")
NO_TRANSFER, DIBAO, TEKUN, PENSION, SUBSIDY, OTHER_TRANSFER = range(6)
EXPENDITURE_TYPES = ("medical_self_paid", "education", "disaster_loss", "other_rigid")
MEDICAL, EDUCATION, DISASTER_LOSS, OTHER_RIGID = range(4)
RISK_TYPES = tuple(cal.SHOCK_TYPES)
R_ILLNESS = RISK_TYPES.index("illness")
R_ACCIDENT = RISK_TYPES.index("accident")
R_DISABILITY = RISK_TYPES.index("disability")
R_UNSTABLE = RISK_TYPES.index("unstable_employment")
R_BUSINESS = RISK_TYPES.index("business_failure")
R_DISASTER = RISK_TYPES.index("disaster")
R_HOUSING = RISK_TYPES.index("housing")
R_WATER = RISK_TYPES.index("drinking_water")


@dataclass
class Rows:
    """Columns of a fact table under construction."""

    hh: list[np.ndarray] = field(default_factory=list)
    person: list[np.ndarray] = field(default_factory=list)
    code: list[np.ndarray] = field(default_factory=list)
    sub: list[np.ndarray] = field(default_factory=list)
    year: list[np.ndarray] = field(default_factory=list)
    amount: list[np.ndarray] = field(default_factory=list)

    def add(
        self, hh: np.ndarray, person: np.ndarray | None, code: int, sub: int, year: int, amount: np.ndarray
    ) -> None:
        n = len(hh)
        self.hh.append(hh.astype(np.int64))
        self.person.append(np.full(n, -1, dtype=np.int64) if person is None else person.astype(np.int64))
        self.code.append(np.full(n, code, dtype=np.int8))
        self.sub.append(np.full(n, sub, dtype=np.int8))
        self.year.append(np.full(n, year, dtype=np.int8))
        self.amount.append(np.round(np.maximum(amount, 0.0), 2))

    def both_years(
        self,
        hh: np.ndarray,
        person: np.ndarray | None,
        code: int,
        sub: int,
        latest: np.ndarray,
        earlier: np.ndarray,
    ) -> None:
        self.add(hh, person, code, sub, 0, earlier)
        self.add(hh, person, code, sub, 1, latest)

    def household_totals(self, n_households: int, year: int) -> np.ndarray:
        """Net income per household in one year so far (production costs count negative)."""
        total = np.zeros(n_households)
        for hh, code, yr, amount in zip(self.hh, self.code, self.year, self.amount, strict=True):
            sign = np.where(code == COST, -1.0, 1.0)
            total += np.bincount(hh, weights=amount * sign * (yr == year), minlength=n_households)
        return total

    def add_to_person(
        self, hh: np.ndarray, person: np.ndarray, code: int, sub: int, year: int, amount: np.ndarray
    ) -> None:
        """Like `add`, but a person who already has a row of this code, sub-code and year gets the
        amount added to it: a person keeps one row per kind and period (the exchange format's key)."""
        extra = dict(zip(person.tolist(), amount.tolist(), strict=True))
        for p, c, s, y, a in zip(self.person, self.code, self.sub, self.year, self.amount, strict=True):
            if not len(p) or (c[0], s[0], y[0]) != (code, sub, year):
                continue
            for row in np.flatnonzero(np.isin(p, list(extra))).tolist():
                if int(p[row]) in extra:
                    a[row] = np.round(a[row] + extra.pop(int(p[row])), 2)
        new = np.isin(person, list(extra))
        self.add(hh[new], person[new], code, sub, year, amount[new])

    def cents(
        self, n_households: int, year: int, codes: tuple[int, ...], negative: tuple[int, ...] = ()
    ) -> np.ndarray:
        """Per household, one year's rows of the given codes summed in fen: whole numbers, so the
        sums are exact (float64 holds whole numbers up to 2**53); codes in `negative` subtract."""
        total = np.zeros(n_households)
        for hh, code, yr, amount in zip(self.hh, self.code, self.year, self.amount, strict=True):
            if len(hh) and yr[0] == year and code[0] in codes:
                fen = np.rint(amount * 100.0)
                total += np.bincount(hh, weights=-fen if code[0] in negative else fen, minlength=n_households)
        return total

    def scale(self, factor: np.ndarray, codes: tuple[int, ...]) -> None:
        """Multiply, in place, the rows of the given codes (both years) by a factor per household;
        the amounts keep their rounding: wages, business and property income to 10 yuan, others to
        the fen. Rows of households whose factor is 1 stay exactly as they were."""
        for hh, code, amount in zip(self.hh, self.code, self.amount, strict=True):
            if not len(hh) or code[0] not in codes:
                continue
            rows = np.flatnonzero(factor[hh] != 1.0)
            scaled = np.maximum(amount[rows] * factor[hh[rows]], 0.0)
            amount[rows] = _round10(scaled) if code[0] in (WAGES, BUSINESS, PROPERTY) else np.round(scaled, 2)

    def add_fen(self, households: np.ndarray, year: int, skip: tuple[int, ...] = (COST,)) -> None:
        """Add one fen to one positive row of the year (not of a code in `skip`) of each household
        the mask selects, if it has one."""
        todo = households.copy()
        for hh, code, yr, amount in zip(self.hh, self.code, self.year, self.amount, strict=True):
            if not todo.any():
                return
            if not len(hh) or yr[0] != year or code[0] in skip:
                continue
            rows = np.flatnonzero(todo[hh] & (amount > 0))
            first = rows[np.unique(hh[rows], return_index=True)[1]]
            amount[first] = np.round(amount[first] + 0.01, 2)
            todo[hh[first]] = False

    def arrays(self) -> dict[str, np.ndarray]:
        """All rows, ordered by (year, code, sub-code): each block added has one such key, so
        ordering the blocks is enough (no row sort)."""
        keys = [
            (int(y[0]), int(c[0]), int(s[0])) if len(y) else (0, 0, 0)
            for y, c, s in zip(self.year, self.code, self.sub, strict=True)
        ]
        order = sorted(range(len(keys)), key=keys.__getitem__)

        def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate([parts[i] for i in order]) if parts else np.zeros(0, dtype=dtype)

        return {
            "hh": cat(self.hh, np.int64),
            "person": cat(self.person, np.int64),
            "code": cat(self.code, np.int8),
            "sub": cat(self.sub, np.int8),
            "year": cat(self.year, np.int8),
            "amount": cat(self.amount, np.float64),
        }


@dataclass
class Shocks:
    hh: np.ndarray
    person: np.ndarray
    risk: np.ndarray
    day: np.ndarray

    def households_with(self, risk: int, n_households: int) -> np.ndarray:
        hit = np.zeros(n_households, dtype=bool)
        hit[self.hh[self.risk == risk]] = True
        return hit


def lognormal(rng: np.random.Generator, mean: float, sigma: float, n: int) -> np.ndarray:
    """Lognormal draws with the given arithmetic mean."""
    return rng.lognormal(np.log(mean) - sigma**2 / 2, sigma, n)


def _round10(values: np.ndarray) -> np.ndarray:
    return np.round(values / 10.0) * 10.0


def _top(score: np.ndarray, count: int) -> np.ndarray:
    chosen = np.zeros(len(score), dtype=bool)
    if count > 0:
        chosen[np.argsort(-score, kind="stable")[:count]] = True
    return chosen


def _random_member(rng: np.random.Generator, pop: Population, households: np.ndarray) -> np.ndarray:
    return pop.start[households] + (rng.random(len(households)) * pop.size[households]).astype(np.int64)


def make_shocks(rng: np.random.Generator, pop: Population, as_of_day: int) -> Shocks:
    n_hh = pop.households
    serious = pop.per_household(pop.health == SERIOUS) > 0
    disabled = pop.per_household(pop.disability > 0) > 0
    weight = 1.0 + 3.0 * serious + 1.0 * disabled
    p = np.minimum(weight * cal.SHOCK_SHARE * n_hh / weight.sum(), 0.9)
    hh = np.flatnonzero(rng.random(n_hh) < p)
    probs = np.array(list(cal.SHOCK_TYPES.values()))
    risk = rng.choice(len(RISK_TYPES), size=len(hh), p=probs / probs.sum())
    risk = np.where(serious[hh] & (rng.random(len(hh)) < 0.7), R_ILLNESS, risk).astype(np.int64)
    # the person concerned: the sick member for illness, any member for accidents and disability
    sick = np.full(n_hh, -1, dtype=np.int64)
    ill = np.flatnonzero(pop.health != HEALTHY)
    sick[pop.hh[ill]] = ill
    anyone = _random_member(rng, pop, hh)
    person = np.where(risk == R_ILLNESS, np.where(sick[hh] >= 0, sick[hh], anyone), -1)
    person = np.where(np.isin(risk, (R_ACCIDENT, R_DISABILITY)), anyone, person)
    day = as_of_day - rng.integers(0, 365, len(hh))
    return Shocks(hh, person, risk, day)


def make_incomes(
    rng: np.random.Generator,
    pop: Population,
    out_of_poverty: np.ndarray,
    shocks: Shocks,
    idle: np.ndarray | None = None,
) -> Rows:
    """Incomes of both years; nobody in a household the `idle` mask selects earns wages."""
    n_hh, rows = pop.households, Rows()
    unstable = shocks.households_with(R_UNSTABLE, n_hh)
    failed = shocks.households_with(R_BUSINESS, n_hh)

    def growth(n: int) -> np.ndarray:
        return np.exp(rng.normal(cal.GROWTH[0], cal.GROWTH[1], n))

    # wages: 86% of the labour force in transferred employment, most of it outside the county
    # (policy aims at no zero-employment household, so the first able member is favoured)
    labour = np.flatnonzero(pop.labour)
    handicap = (pop.health[labour] == CHRONIC) + np.isin(pop.disability[labour], (3, 4))
    first_in_household = np.zeros(len(labour))
    first_in_household[np.unique(pop.hh[labour], return_index=True)[1]] = 1.0
    score = rng.random(len(labour)) - 0.5 * handicap + first_in_household
    if idle is not None:
        score[idle[pop.hh[labour]]] = -np.inf
    earners = labour[_top(score, round(cal.TRANSFERRED_LABOUR_SHARE * len(labour)))]
    if idle is not None:
        earners = earners[~idle[pop.hh[earners]]]
    outside = rng.random(len(earners)) < cal.OUTSIDE_COUNTY_SHARE
    base = np.where(
        outside,
        lognormal(rng, *cal.WAGE_OUTSIDE, len(earners)),
        lognormal(rng, *cal.WAGE_INSIDE, len(earners)),
    )
    latest = base * np.where(unstable[pop.hh[earners]], cal.SHOCK_WAGE_CUT, 1.0)
    rows.both_years(
        pop.hh[earners], earners, WAGES, NO_TRANSFER, _round10(latest), _round10(base / growth(len(earners)))
    )

    # farming and small business, gross, with its production cost as a separate line
    farm = np.flatnonzero(rng.random(n_hh) < cal.BUSINESS_SHARE)
    scale = np.where(out_of_poverty[farm], cal.BUSINESS_OUT_OF_POVERTY, 1.0) * (
        0.6 + 0.1 * np.minimum(pop.size[farm], 6)
    )
    gross = lognormal(rng, *cal.BUSINESS_GROSS, len(farm)) * scale
    gross_latest = gross * np.where(failed[farm], cal.SHOCK_BUSINESS_CUT, 1.0)
    gross_earlier = gross / growth(len(farm))
    cost_share = rng.uniform(*cal.PRODUCTION_COST, len(farm))
    rows.both_years(farm, None, BUSINESS, NO_TRANSFER, _round10(gross_latest), _round10(gross_earlier))
    rows.both_years(farm, None, COST, NO_TRANSFER, gross_latest * cost_share, gross_earlier * cost_share)

    owners = np.flatnonzero(rng.random(n_hh) < cal.PROPERTY_SHARE)
    rent = _round10(lognormal(rng, *cal.PROPERTY, len(owners)))
    rows.both_years(owners, None, PROPERTY, NO_TRANSFER, rent, _round10(rent / growth(len(owners))))

    _transfers(rng, pop, out_of_poverty, rows)
    return rows


def _transfers(rng: np.random.Generator, pop: Population, out_of_poverty: np.ndarray, rows: Rows) -> None:
    n_hh = pop.households
    # basic pension for everyone 60+; last year only those already 60 then
    old = np.flatnonzero(pop.age >= 60)
    pension = np.rint(rng.uniform(*cal.PENSION_MONTHLY, len(old))) * 12
    rows.add(pop.hh[old], old, TRANSFER, PENSION, 1, pension)
    older = pop.age[old] >= 61
    rows.add(pop.hh[old[older]], old[older], TRANSFER, PENSION, 0, pension[older] * 0.96)

    # 特困: old people living alone
    alone_old = (pop.size == 1) & (pop.age[pop.start] >= 60)
    tekun = np.flatnonzero(alone_old & (rng.random(n_hh) < cal.TEKUN_ALONE_OLD))
    support = _round10(rng.uniform(*cal.TEKUN, len(tekun)))
    rows.both_years(tekun, pop.start[tekun], TRANSFER, TEKUN, support, support * 0.96)

    # policy subsidies: farmland, ecological compensation, disability allowances
    severe = pop.per_household(np.isin(pop.disability, (1, 2)))
    subsidised = np.flatnonzero(rng.random(n_hh) < cal.SUBSIDY_SHARE)
    amount = (
        cal.SUBSIDY_BASE
        + cal.SUBSIDY_PER_MEMBER * pop.size[subsidised]
        + cal.SUBSIDY_SEVERE_DISABILITY * severe[subsidised]
    ) * rng.uniform(0.8, 1.2, len(subsidised))
    rows.both_years(
        subsidised, None, TRANSFER, SUBSIDY, amount, amount * rng.uniform(0.9, 1.05, len(subsidised))
    )

    other = np.flatnonzero(rng.random(n_hh) < cal.OTHER_TRANSFER_SHARE)
    gift = _round10(lognormal(rng, *cal.OTHER_TRANSFER, len(other)))
    rows.both_years(
        other, None, TRANSFER, OTHER_TRANSFER, gift, _round10(gift * rng.uniform(0.5, 1.5, len(other)))
    )

    # 低保 goes to the poorest households by income per person, more readily to households
    # without labour, with severe disability or serious illness, and to 脱贫户
    per_person = rows.household_totals(n_hh, 1) / pop.size
    no_labour = pop.per_household(pop.labour) == 0
    serious = pop.per_household(pop.health == SERIOUS) > 0
    score = (
        -per_person / 2_000.0
        + 1.0 * no_labour
        + 0.5 * (severe > 0)
        + 0.5 * serious
        + 0.5 * out_of_poverty
        + rng.logistic(0, 0.5, n_hh)
    )
    score[tekun] = -np.inf
    dibao = np.flatnonzero(_top(score, round(cal.DIBAO_SHARE * n_hh)))
    monthly = np.rint(rng.uniform(*cal.DIBAO_MONTHLY, len(dibao)))
    rows.both_years(
        dibao, None, TRANSFER, DIBAO, monthly * 12 * pop.size[dibao], monthly * 12 * pop.size[dibao] * 0.96
    )


def make_expenditures(rng: np.random.Generator, pop: Population, shocks: Shocks) -> Rows:
    n_hh, rows = pop.households, Rows()
    for year in (0, 1):
        for health, (share, mean, sigma) in ((SERIOUS, cal.MEDICAL_SERIOUS), (CHRONIC, cal.MEDICAL_CHRONIC)):
            sick = np.flatnonzero((pop.health == health) & (rng.random(pop.persons) < share))
            rows.add(pop.hh[sick], sick, MEDICAL, 0, year, lognormal(rng, mean, sigma, len(sick)))
        share, means, sigma = cal.EDUCATION_SPENDING
        for enrolment, key in ((E_SENIOR, "senior"), (E_VOCATIONAL, "vocational"), (E_HIGHER, "higher")):
            pupils = np.flatnonzero((pop.enrolment == enrolment) & (rng.random(pop.persons) < share))
            rows.add(
                pop.hh[pupils], pupils, EDUCATION, 0, year, lognormal(rng, means[key], sigma, len(pupils))
            )
        for kind, (share, mean, sigma) in (
            (DISASTER_LOSS, cal.DISASTER_LOSS),
            (OTHER_RIGID, cal.OTHER_RIGID),
        ):
            hit = rng.random(n_hh) < share
            if kind == DISASTER_LOSS and year == 1:
                hit |= shocks.households_with(R_DISASTER, n_hh) & (rng.random(n_hh) < 0.8)
            households = np.flatnonzero(hit)
            rows.add(households, None, kind, 0, year, lognormal(rng, mean, sigma, len(households)))
    return rows
