"""Households and the people in them: who lives with whom, ages, sexes and personal attributes.

Everything is drawn for all households or all persons at once with numpy: a household is a run
of consecutive persons (head first), so a per-household value reaches its members by indexing
with `hh` and a per-person value is summed per household with `np.bincount`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import calibration as cal

# relation codes, in the order members are listed within a household
HEAD, SPOUSE, PARENT, CHILD, SIBLING, CHILD_IN_LAW, GRANDCHILD = range(7)
RELATIONS = ("head", "spouse", "parent", "child", "sibling", "child_in_law", "grandchild")

ENROLMENTS = (
    "not_in_school",
    "preschool",
    "primary",
    "junior",
    "senior",
    "vocational",
    "higher",
    "dropped_out",
)
NOT_IN_SCHOOL, PRESCHOOL, E_PRIMARY, E_JUNIOR, E_SENIOR, E_VOCATIONAL, E_HIGHER, DROPPED_OUT = range(8)
EDUCATIONS = ("none", "primary", "junior", "senior", "vocational", "college", "bachelor")
HEALTHS = ("healthy", "chronic", "serious")
HEALTHY, CHRONIC, SERIOUS = range(3)

DAYS_PER_YEAR = 365.2425
# working age as the registry classes labour capacity (lnob.registry.rules.DEFAULT_WORKING_AGE)
WORKING_AGE = (16, 60)


@dataclass
class Population:
    """Per-household arrays (length H) and per-person arrays (length N)."""

    # households
    size: np.ndarray
    start: np.ndarray
    # persons
    hh: np.ndarray
    relation: np.ndarray
    male: np.ndarray
    birth_day: np.ndarray  # days since 1970-01-01
    age: np.ndarray  # completed years on the as-of date
    enrolment: np.ndarray
    education: np.ndarray
    health: np.ndarray
    disability: np.ndarray  # 0 = none, else grade 1-4
    labour: np.ndarray  # in the labour force: working age, not in school, able to work
    married_in: np.ndarray  # spouse or child-in-law (born elsewhere more often)

    @property
    def households(self) -> int:
        return len(self.size)

    @property
    def persons(self) -> int:
        return len(self.hh)

    def per_household(self, mask: np.ndarray) -> np.ndarray:
        """How many members of each household the person mask selects."""
        return np.bincount(self.hh, weights=mask, minlength=self.households).astype(np.int64)


def able_to_work(pop: Population, working_age: tuple[int, int] = WORKING_AGE) -> np.ndarray:
    """Persons with full or partial labour capacity on the as-of date, as the registry derives it
    (lnob.registry.rules.derive_labour_capacity): of working age, neither seriously ill nor
    disabled at grade 1 or 2. Wider than `labour` (the labour force): pupils and students count."""
    low, high = working_age
    return (pop.age >= low) & (pop.age <= high) & (pop.health != SERIOUS) & ~np.isin(pop.disability, (1, 2))


def _sizes(rng: np.random.Generator, persons: int) -> np.ndarray:
    values = np.array(list(cal.HOUSEHOLD_SIZE_P), dtype=np.int64)
    p = np.array(list(cal.HOUSEHOLD_SIZE_P.values()))
    p = p / p.sum()
    estimate = int(persons / float(values @ p) * 1.1) + 16
    sizes = rng.choice(values, size=estimate, p=p)
    while sizes.sum() < persons:
        sizes = np.concatenate([sizes, rng.choice(values, size=estimate // 10 + 16, p=p)])
    total = np.cumsum(sizes)
    count = int(np.searchsorted(total, persons)) + 1
    sizes = sizes[:count].copy()
    sizes[-1] -= total[count - 1] - persons
    return sizes


def _by_band(values: np.ndarray, bands: tuple[tuple[int, float], ...]) -> np.ndarray:
    """Look up a weight per value from ((upper bound, weight), ...) bands."""
    bounds = np.array([b for b, _ in bands])
    weights = np.array([w for _, w in bands])
    return weights[np.searchsorted(bounds, values, side="right")]


def _rate_by_age(
    rng: np.random.Generator, age: np.ndarray, share: float, bands: tuple[tuple[int, float], ...]
) -> np.ndarray:
    """A yes/no per person whose overall share is `share` and whose age profile follows `bands`."""
    weight = _by_band(age, bands)
    p = np.minimum(weight * share * len(age) / max(weight.sum(), 1e-9), 0.95)
    return rng.random(len(age)) < p


def _compress(first: np.ndarray, spacing: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Shrink the spacing between siblings so the youngest is not born in the future."""
    room = np.where(count > 1, first / np.maximum(count - 1, 1), spacing)
    return np.minimum(spacing, room)


def make_population(rng: np.random.Generator, persons: int, as_of_day: int) -> Population:
    size = _sizes(rng, persons)
    n_hh = len(size)
    start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)

    # --- the head and the shape of the household ---
    capped = np.minimum(size, 7)
    mean = np.array([cal.HEAD_AGE.get(int(s), cal.HEAD_AGE_LARGE)[0] for s in range(8)])
    sd = np.array([cal.HEAD_AGE.get(int(s), cal.HEAD_AGE_LARGE)[1] for s in range(8)])
    head_age = np.clip(np.rint(rng.normal(mean[capped], sd[capped])), 20, 95).astype(np.int64)
    head_male = rng.random(n_hh) < np.where(size == 1, cal.MALE_HEAD_ALONE, cal.MALE_HEAD)

    u = rng.random((6, n_hh))
    n_spouse = ((size >= 2) & (u[0] < cal.HAS_SPOUSE)).astype(np.int64)
    rest = size - 1 - n_spouse
    three_gen = (head_age >= 50) & (rest >= 3) & (u[1] < cal.THREE_GENERATIONS)
    with_parents = ~three_gen & (head_age < 50) & (rest >= 2) & (u[2] < cal.WITH_PARENTS)
    n_parent = np.where(with_parents, np.minimum(rest - 1, 1 + (u[3] < 0.45)), 0)
    n_sibling = (~three_gen & (rest - n_parent >= 1) & (u[4] < cal.WITH_SIBLING)).astype(np.int64)
    n_child_3g = 1 + ((rest >= 5) & (u[5] < 0.35)).astype(np.int64)
    n_child = np.where(three_gen, n_child_3g, rest - n_parent - n_sibling)
    n_in_law = three_gen.astype(np.int64)
    n_grand = np.where(three_gen, rest - n_child_3g - 1, 0)

    # --- ages that depend on the household ---
    spouse_age = head_age + np.where(head_male, -2, 2) + np.rint(rng.normal(0, 2.5, n_hh)).astype(np.int64)
    spouse_age = np.clip(spouse_age, 18, 98)
    mother_age = np.where(head_male, np.where(n_spouse == 1, spouse_age, head_age - 2), head_age)
    first_child = mother_age - (20 + rng.gamma(2.0, 2.5, n_hh))
    first_child = np.where(three_gen, np.maximum(first_child, 20.0), np.maximum(first_child, 0.0))
    first_child = np.minimum(first_child, np.maximum(mother_age - 16.0, 0.0))
    child_spacing = _compress(first_child, 1.5 + rng.gamma(2.0, 1.0, n_hh), n_child)
    first_child_male = rng.random(n_hh) < np.where(three_gen, 0.85, cal.BOY_SHARE)
    in_law_age = np.maximum(first_child + np.where(first_child_male, -2, 2) + rng.normal(0, 2, n_hh), 18.0)
    grand_mother_age = np.where(first_child_male, in_law_age, first_child)
    first_grand = np.maximum(grand_mother_age - (21 + rng.gamma(2.0, 2.0, n_hh)), 0.0)
    grand_spacing = _compress(first_grand, 1.5 + rng.gamma(2.0, 1.0, n_hh), n_grand)
    parent_age = np.minimum(head_age + 24 + rng.integers(0, 9, n_hh), 98)
    sibling_age = np.clip(head_age + np.rint(rng.normal(0, 6, n_hh)), 16, 95)

    # --- persons: relation from position within the household ---
    hh = np.repeat(np.arange(n_hh), size)
    slot = np.arange(persons) - start[hh]
    t_parent = (1 + n_spouse)[hh]
    t_child = t_parent + n_parent[hh]
    t_sibling = t_child + n_child[hh]
    t_in_law = t_sibling + n_sibling[hh]
    t_grand = t_in_law + n_in_law[hh]
    relation = np.select(
        [slot == 0, slot < t_parent, slot < t_child, slot < t_sibling, slot < t_in_law, slot < t_grand],
        [HEAD, SPOUSE, PARENT, CHILD, SIBLING, CHILD_IN_LAW],
        GRANDCHILD,
    ).astype(np.int8)
    pos = slot - np.select(
        [relation == CHILD, relation == PARENT, relation == GRANDCHILD], [t_child, t_parent, t_grand], 0
    )
    # the second parent is the mother, a few years younger
    parent_pos_age = parent_age[hh] - pos * rng.integers(0, 5, persons)
    age_f = np.select(
        [
            relation == HEAD,
            relation == SPOUSE,
            relation == PARENT,
            relation == CHILD,
            relation == SIBLING,
            relation == CHILD_IN_LAW,
        ],
        [
            head_age[hh],
            spouse_age[hh],
            parent_pos_age,
            first_child[hh] - pos * child_spacing[hh],
            sibling_age[hh],
            in_law_age[hh],
        ],
        first_grand[hh] - pos * grand_spacing[hh],
    )
    age_rough = np.clip(np.floor(age_f), 0, 100).astype(np.int64)

    r = rng.random(persons)
    male = np.select(
        [
            relation == HEAD,
            relation == SPOUSE,
            relation == PARENT,
            (relation == CHILD) & (pos == 0),
            relation == CHILD,
            relation == CHILD_IN_LAW,
            relation == SIBLING,
        ],
        [
            head_male[hh],
            ~head_male[hh],
            np.where(n_parent[hh] == 2, pos == 0, r < 0.35),
            first_child_male[hh],
            r < cal.BOY_SHARE,
            ~first_child_male[hh],
            r < 0.55,
        ],
        r < 0.53,
    ).astype(bool)

    # birth dates, then the exact age on the as-of date
    birth_day = (
        as_of_day - np.floor(age_rough * DAYS_PER_YEAR).astype(np.int64) - rng.integers(0, 365, persons)
    )
    age = completed_years(birth_day, as_of_day)

    pop = Population(
        size=size,
        start=start,
        hh=hh,
        relation=relation,
        male=male,
        birth_day=birth_day,
        age=age,
        enrolment=np.zeros(persons, dtype=np.int8),
        education=np.zeros(persons, dtype=np.int8),
        health=np.zeros(persons, dtype=np.int8),
        disability=np.zeros(persons, dtype=np.int8),
        labour=np.zeros(persons, dtype=bool),
        married_in=(relation == SPOUSE) | (relation == CHILD_IN_LAW),
    )
    _schooling(rng, pop)
    _health(rng, pop)
    pop.labour = (
        (pop.age >= 16)
        & (pop.age <= 64)
        & np.isin(pop.enrolment, (NOT_IN_SCHOOL, DROPPED_OUT))
        & ~np.isin(pop.disability, (1, 2))
        & (pop.health != SERIOUS)
    )
    return pop


def completed_years(birth_day: np.ndarray, as_of_day: int) -> np.ndarray:
    birth = birth_day.astype("datetime64[D]")
    as_of = np.datetime64(int(as_of_day), "D")
    years = as_of.astype("datetime64[Y]").astype(np.int64) - birth.astype("datetime64[Y]").astype(np.int64)
    as_of_md = _month_day(np.array([as_of]))[0]
    return years - (_month_day(birth) > as_of_md).astype(np.int64)


def _month_day(days: np.ndarray) -> np.ndarray:
    month = days.astype("datetime64[M]")
    m = month.astype(np.int64) % 12 + 1
    d = (days - month.astype("datetime64[D]")).astype(np.int64) + 1
    return m * 100 + d


def _schooling(rng: np.random.Generator, pop: Population) -> None:
    age, n = pop.age, pop.persons
    u = rng.random(n)
    enrol = np.full(n, NOT_IN_SCHOOL, dtype=np.int8)
    enrol[(age >= 3) & (age <= 5) & (u < 0.85)] = PRESCHOOL
    enrol[(age >= 6) & (age <= 11)] = E_PRIMARY
    junior = (age >= 12) & (age <= 14)
    enrol[junior] = E_JUNIOR
    enrol[junior & (u < 0.01)] = DROPPED_OUT
    upper = (age >= 15) & (age <= 17)
    enrol[upper & (u < 0.45)] = E_SENIOR
    enrol[upper & (u >= 0.45) & (u < 0.80)] = E_VOCATIONAL
    enrol[upper & (u >= 0.80) & (u < 0.81)] = DROPPED_OUT
    enrol[(age >= 18) & (age <= 22) & (u < 0.30)] = E_HIGHER
    pop.enrolment = enrol

    # attained (or current) level: pupils are recorded at the level they attend
    edu = np.zeros(n, dtype=np.int8)
    level_of_enrolment = {E_PRIMARY: 1, E_JUNIOR: 2, E_SENIOR: 3, E_VOCATIONAL: 4}
    for code, level in level_of_enrolment.items():
        edu[enrol == code] = level
    higher = enrol == E_HIGHER
    edu[higher] = np.where(rng.random(n) < 0.55, 5, 6)[higher]
    edu[(enrol == DROPPED_OUT)] = 1
    adult = (enrol == NOT_IN_SCHOOL) & (age >= 15)
    bounds = np.array([b for b, _ in cal.EDUCATION_BY_AGE])
    band = np.searchsorted(bounds, age, side="right")
    v = rng.random(n)
    for index, (_, probs) in enumerate(cal.EDUCATION_BY_AGE):
        chosen = adult & (band == index)
        cum = np.cumsum(probs)
        edu[chosen] = np.minimum(np.searchsorted(cum / cum[-1], v[chosen], side="right"), len(probs) - 1)
    # 15-17 year-olds out of school finished junior school at most
    edu[adult & (age < 18)] = np.minimum(edu[adult & (age < 18)], 2)
    pop.education = edu


def _health(rng: np.random.Generator, pop: Population) -> None:
    n = pop.persons
    serious = _rate_by_age(rng, pop.age, cal.SERIOUS_SHARE, cal.SERIOUS_AGE_WEIGHT)
    chronic = ~serious & _rate_by_age(rng, pop.age, cal.CHRONIC_SHARE, cal.CHRONIC_AGE_WEIGHT)
    pop.health = np.where(serious, SERIOUS, np.where(chronic, CHRONIC, HEALTHY)).astype(np.int8)
    disabled = _rate_by_age(rng, pop.age, cal.DISABILITY_PREVALENCE, cal.DISABILITY_AGE_WEIGHT)
    p = np.array(cal.DISABILITY_GRADE_P)
    grade = rng.choice(np.arange(1, 5, dtype=np.int8), size=n, p=p / p.sum())
    pop.disability = np.where(disabled, grade, 0).astype(np.int8)
