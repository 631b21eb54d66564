"""Planted risks, and the households that meet each exact monitoring rule (the ground truth).

The monitoring sweep (lnob.engine.monitor) must find exactly the households that meet each exact
default rule (lnob.engine.monitor.defaults, `exact`). To measure its precision and recall the
generator plants, by construction, households that meet each rule (`Planter`), then records from
its own arrays, not from the frames and not with the monitor's code, every household that meets
each rule on the as-of date (`ground_truth`, kept as `SynthCounty.truth`): an independent source
to compare the sweep's hits with.

`medical_alert` is not recorded: it compares with a policy value (the county's medical alert
amount) that the synthetic county does not set.

What the rules mean on the synthetic county, the sweep running on the county's as-of date:
- members: persons with an open membership on the as-of date. Every person has exactly one, in
  the household the population puts them in (closed memberships ended before), so members =
  `pop.size`;
- income: the two 12-month income periods are exactly the monitor's two windows (`_periods` in
  county.py, `windows` in lnob.engine.monitor.features), so the latest 12 months' net income is the
  sum of the latest year's rows (production costs subtracted), no proration. The monitor sums
  amounts rounded to the fen as floats; here they are summed in whole fen, exactly, and no
  household is left exactly on the line (`break_ties`), so the two never disagree by rounding;
- rigid spending: all four expenditure types, latest year;
- labour capacity as the registry derives it (`able_to_work`): full or partial = aged 16-60 in
  completed years, not seriously ill, not disabled at grade 1 or 2 (no overrides are recorded);
- zero employment: someone able to work, and nobody able to work worked more than 3 months in
  the latest 12: every wage row covers a whole income year and names its earner (a member of the
  household on the as-of date, so the registry keeps the name for the latest year), so an able
  member worked 12 months if they have a latest-year wage row, else none;
- dropout: a member with enrolment `dropped_out` under 16;
- 'ordinary' is the status ordinary (not 'other').
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from . import calibration as cal
from .money import (
    BUSINESS,
    COST,
    EXPENDITURE_TYPES,
    MEDICAL,
    PROPERTY,
    R_ILLNESS,
    TRANSFER,
    WAGES,
    Rows,
    Shocks,
)
from .population import (
    DROPPED_OUT,
    E_JUNIOR,
    E_PRIMARY,
    HEALTHY,
    NOT_IN_SCHOOL,
    WORKING_AGE,
    Population,
    able_to_work,
)

# the exact default rules the county plants and records (all but medical_alert)
RULES = (
    "income_unstable",
    "income_marginal",
    "rigid_spending",
    "zero_employment",
    "dropout",
    "housing_unsafe",
    "water_unsafe",
)
TRUTH_SCHEMA = {"household_id": pl.Int64, "rule_code": pl.String}
COMPULSORY_BELOW = 16  # compulsory schooling: nine years from age 6
LATEST = 1  # the latest income year (year 0 is the one before)
MARKET = (WAGES, BUSINESS, PROPERTY, COST)
INCOME = (*MARKET, TRANSFER)
RIGID = tuple(range(len(EXPENDITURE_TYPES)))


@dataclass
class Planter:
    """Plants `count` households per rule, each chosen among households that do not meet the
    rule yet. Households whose income it changes are kept apart (`taken`), so one planted income
    risk does not undo another."""

    rng: np.random.Generator
    count: int
    threshold: float
    taken: np.ndarray  # per household: income or work already planted

    @classmethod
    def for_county(cls, rng: np.random.Generator, n_households: int, threshold: float) -> Planter:
        count = max(cal.PLANTED_MIN, round(cal.PLANTED_SHARE * n_households))
        return cls(rng, count, threshold, np.zeros(n_households, dtype=bool))

    def _pick(self, eligible: np.ndarray, prefer: np.ndarray | None = None) -> np.ndarray:
        """Up to `count` eligible indexes at random, those preferred (a higher `prefer`) first."""
        score = self.rng.random(len(eligible)) + (0.0 if prefer is None else prefer)
        candidates = np.flatnonzero(eligible)
        if len(candidates) > self.count:
            candidates = candidates[np.argpartition(-score[candidates], self.count)[: self.count]]
        return np.sort(candidates)

    def _line(self, pop: Population) -> np.ndarray:
        """The monitoring range for the whole household, in fen."""
        return self.threshold * 100.0 * pop.size

    def dropouts(self, pop: Population) -> None:
        """A pupil of compulsory-school age leaves school: the oldest pupil of each household
        chosen (junior school, mostly). Changes `pop`: call it before anything reads enrolment."""
        pupil = np.isin(pop.enrolment, (E_PRIMARY, E_JUNIOR)) & (pop.age < COMPULSORY_BELOW)
        dropout = pop.per_household((pop.enrolment == DROPPED_OUT) & (pop.age < COMPULSORY_BELOW)) > 0
        chosen = np.zeros(pop.households, dtype=bool)
        chosen[self._pick((pop.per_household(pupil) > 0) & ~dropout)] = True
        candidates = np.flatnonzero(pupil & chosen[pop.hh])
        candidates = candidates[np.lexsort((-pop.age[candidates], pop.hh[candidates]))]
        oldest = candidates[np.unique(pop.hh[candidates], return_index=True)[1]]
        pop.enrolment[oldest] = DROPPED_OUT
        pop.education[oldest] = 1  # primary school, as the other dropouts

    def idle(self, pop: Population, able: np.ndarray) -> np.ndarray:
        """Households where nobody will earn wages (zero employment), chosen among those with a
        member both able to work and in the labour force (who would likely have earned)."""
        chosen = np.zeros(pop.households, dtype=bool)
        chosen[self._pick(pop.per_household(able & pop.labour) > 0)] = True
        self.taken |= chosen
        return chosen

    def low_incomes(self, incomes: Rows, pop: Population, statuses: list[np.ndarray]) -> None:
        """For each status (a mask), households whose income was above the range earn less from
        work, business and property, in both years, so their latest income per person is a share
        `cal.PLANTED_INCOME` of the range; transfers stay as they are."""
        n_hh = pop.households
        market = incomes.cents(n_hh, LATEST, MARKET, negative=(COST,))
        transfers = incomes.cents(n_hh, LATEST, (TRANSFER,))
        line = self._line(pop)
        target = self.rng.uniform(*cal.PLANTED_INCOME, n_hh) * line
        factor = (target - transfers) / np.maximum(market, 1.0)
        feasible = (market + transfers >= line) & (market > 0) & (factor > 0) & (factor < 1)
        scale = np.ones(n_hh)
        for status in statuses:
            chosen = self._pick(status & feasible & ~self.taken)
            scale[chosen] = factor[chosen]
            self.taken[chosen] = True
        incomes.scale(scale, MARKET)

    def medical_bills(
        self,
        incomes: Rows,
        spending: Rows,
        pop: Population,
        shocks: Shocks,
        joined: np.ndarray,
        as_of_day: int,
    ) -> Shocks:
        """Households above the range fall ill: a member (the sickest) runs up a self-paid medical
        bill in the latest year (on top of any they had), large enough that income after rigid
        spending drops to a share `cal.PLANTED_AFTER_RIGID` of the range; an illness shock is
        recorded. Returns the shocks."""
        n_hh = pop.households
        income = incomes.cents(n_hh, LATEST, INCOME, negative=(COST,))
        left = income - spending.cents(n_hh, LATEST, RIGID)
        line = self._line(pop)
        low, high = cal.PLANTED_INCOME_FROM
        eligible = ~self.taken & (income >= low * line) & (income <= high * line) & (left >= 1.05 * line)
        sick = pop.per_household(pop.health != HEALTHY) > 0
        chosen = self._pick(eligible, prefer=sick.astype(np.float64))
        target = self.rng.uniform(*cal.PLANTED_AFTER_RIGID, len(chosen)) * line[chosen]
        bill = np.round(left[chosen] - target) / 100.0

        in_chosen = np.zeros(n_hh, dtype=bool)
        in_chosen[chosen] = True
        members = np.flatnonzero(in_chosen[pop.hh])
        key = pop.health[members] + self.rng.random(len(members))
        members = members[np.lexsort((-key, pop.hh[members]))]
        patient = members[np.unique(pop.hh[members], return_index=True)[1]]
        spending.add_to_person(chosen, patient, MEDICAL, 0, LATEST, bill)
        self.taken[chosen] = True

        # the illness, unless one is on record for the household already
        day = np.maximum(as_of_day - self.rng.integers(0, 365, len(chosen)), joined[patient])
        new = ~shocks.households_with(R_ILLNESS, n_hh)[chosen]
        return Shocks(
            np.concatenate([shocks.hh, chosen[new]]),
            np.concatenate([shocks.person, patient[new]]),
            np.concatenate([shocks.risk, np.full(int(new.sum()), R_ILLNESS, dtype=shocks.risk.dtype)]),
            np.concatenate([shocks.day, day[new]]),
        )

    def unsafe(self, safe: np.ndarray) -> np.ndarray:
        """`safe` (per household) with `count` more households not safe."""
        planted = safe.copy()
        planted[self._pick(safe)] = False
        return planted


def break_ties(incomes: Rows, spending: Rows, size: np.ndarray, threshold: float) -> None:
    """Add a fen to a household's income where its income, or its income after rigid spending,
    is exactly on the monitoring range: the monitor's float sums could fall either side."""
    n_hh = len(size)
    line = threshold * 100.0 * size
    for _ in range(5):
        income = incomes.cents(n_hh, LATEST, INCOME, negative=(COST,))
        left = income - spending.cents(n_hh, LATEST, RIGID)
        tied = (np.abs(income - line) < 0.5) | (np.abs(left - line) < 0.5)
        if not tied.any():
            return
        incomes.add_fen(tied, LATEST)


def ground_truth(
    pop: Population,
    ordinary: np.ndarray,
    out_of_poverty: np.ndarray,
    incomes: Rows,
    spending: Rows,
    housing_safe: np.ndarray,
    water_safe: np.ndarray,
    threshold: float,
    working_age: tuple[int, int] = WORKING_AGE,
) -> pl.DataFrame:
    """(household_id, rule_code) for every household meeting each rule of `RULES` on the as-of
    date, sorted; household ids are household indexes + 1, as in the frames."""
    n_hh = pop.households
    line = threshold * 100.0 * pop.size  # fen; members = pop.size (see the module docstring)
    income = incomes.cents(n_hh, LATEST, INCOME, negative=(COST,))
    left = income - spending.cents(n_hh, LATEST, RIGID)
    below = income < line

    # available for work: able, and not a pupil or student (lnob.engine.monitor.features)
    able = able_to_work(pop, working_age) & np.isin(pop.enrolment, (NOT_IN_SCHOOL, DROPPED_OUT))
    worked = np.zeros(pop.persons, dtype=bool)  # a latest-year wage row names them
    for person, code, year in zip(incomes.person, incomes.code, incomes.year, strict=True):
        if len(person) and code[0] == WAGES and year[0] == LATEST:
            worked[person[person >= 0]] = True

    flags = {
        "income_unstable": out_of_poverty & below,
        "income_marginal": ordinary & below,
        "rigid_spending": ~below & (left < line),
        "zero_employment": (pop.per_household(able) > 0) & (pop.per_household(able & worked) == 0),
        "dropout": pop.per_household((pop.enrolment == DROPPED_OUT) & (pop.age < COMPULSORY_BELOW)) > 0,
        "housing_unsafe": ~housing_safe,
        "water_unsafe": ~water_safe,
    }
    parts = [
        pl.DataFrame(
            {
                "household_id": pl.Series(np.flatnonzero(flag) + 1, dtype=pl.Int64),
                "rule_code": pl.repeat(code, int(flag.sum()), eager=True, dtype=pl.String),
            }
        )
        for code, flag in flags.items()
    ]
    return pl.concat(parts).sort("household_id", "rule_code")
