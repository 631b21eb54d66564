"""A synthetic matching instance at county scale, for the bench and the scale tests.

The issue's county instance: 100,000 seekers in 40,000 households, 2,000 vacancies with 50,000
places, about 4 million feasible pairs (and a scarce variant with 30,000 places). Shares are
chosen to look like the seeds: most seekers can go out of the province, a few only work at home;
most vacancies are on the coast; skills are concentrated on a few popular trades (so postings
crowd); about a fifth of households are monitored and a third have nobody in work.
"""

from __future__ import annotations

import numpy as np

from lnob.engine.match.instance import NO_SEX, Instance, Seekers, Slots

SKILLS, CERTS, SECTORS = 40, 8, 12


def _bitsets(rng: np.random.Generator, n: int, vocab: int, counts: np.ndarray, zipf: float) -> np.ndarray:
    """(n, 1) uint64 sets, each with counts[i] bits drawn with popularity ~ rank^-zipf."""
    p = 1.0 / np.arange(1, vocab + 1) ** zipf
    p /= p.sum()
    out = np.zeros(n, dtype=np.uint64)
    most = int(counts.max()) if n else 0
    for k in range(most):
        draw = rng.choice(vocab, size=n, p=p).astype(np.uint64)
        out |= np.where(counts > k, np.uint64(1) << draw, np.uint64(0))
    return out.reshape(n, 1)


def instance(
    *,
    seekers: int = 100_000,
    households: int = 40_000,
    vacancies: int = 2_000,
    places: int = 50_000,
    seed: int = 7,
) -> Instance:
    rng = np.random.default_rng(seed)
    n, h, m = seekers, min(households, seekers), vacancies
    # every household has at least one seeker; the rest are spread at random
    household = np.concatenate([np.arange(h), rng.integers(0, h, n - h)]).astype(np.int32)
    rng.shuffle(household)
    monitored = rng.random(h) < 0.2
    zero_employment = rng.random(h) < 0.33
    weights = (1 + 2 * monitored + zero_employment).astype(np.int64)

    partial = rng.random(n) < 0.12
    capacity = np.where(partial, 0, rng.choice(3, size=n, p=[0.1, 0.3, 0.6])).astype(np.int8)
    reach = rng.choice(4, size=n, p=[0.04, 0.36, 0.30, 0.30]).astype(np.int8)
    reach[partial] = np.minimum(reach[partial], 1)
    age = rng.integers(18, 61, n).astype(np.int16)
    min_wage = (1800 + rng.gamma(2.0, 600.0, n)).astype(np.int32) // 100 * 100
    skills = _bitsets(rng, n, SKILLS, rng.poisson(0.75, n), 0.9)
    certs = _bitsets(rng, n, CERTS, (rng.random(n) < 0.15).astype(np.int64), 0.7)
    sectors = _bitsets(rng, n, SECTORS, rng.choice(3, size=n, p=[0.4, 0.4, 0.2]), 0.5)
    sex = rng.integers(0, 2, n).astype(np.int8)
    villages = max(1, h // 130)  # about 130 households a village
    home = rng.integers(0, villages, h)
    village = home[household].astype(np.int64)
    poor = (monitored | (rng.random(h) < 0.5))[household]
    seeker_arrays = Seekers(
        household, reach, capacity, partial, age, min_wage, skills, certs, sectors, sex, village, poor
    )

    posts = max(1, m // 40)  # public-welfare posts: few places each, in the county, light work
    share = rng.lognormal(0.0, 0.9, m)
    share[:posts] = 0.0
    headcount = np.maximum(1, np.floor(share / share.sum() * (places - 3 * posts))).astype(np.int32)
    headcount[:posts] = 3
    headcount[posts] += places - int(headcount.sum())  # exact total
    partial_only = np.zeros(m, dtype=bool)
    partial_only[:posts] = True
    tier = rng.choice(4, size=m, p=[0.05, 0.25, 0.25, 0.45]).astype(np.int8)
    tier[:posts] = 1
    physical = rng.choice(3, size=m, p=[0.35, 0.4, 0.25]).astype(np.int8)
    physical[:posts] = 0
    age_min = rng.integers(16, 26, m).astype(np.int16)
    age_max = rng.integers(45, 61, m).astype(np.int16)
    wage_min = (2000 + rng.gamma(2.5, 700.0, m)).astype(np.int32) // 100 * 100
    wage_max = wage_min + rng.integers(5, 25, m).astype(np.int32) * 100
    wage_min[:posts], wage_max[:posts] = 1500, 1800
    slot_skill_counts = rng.choice(3, size=m, p=[0.025, 0.775, 0.20])
    slot_skill_counts[:posts] = 0
    slot_skills = _bitsets(rng, m, SKILLS, slot_skill_counts, 0.9)
    slot_certs = _bitsets(rng, m, CERTS, (rng.random(m) < 0.08).astype(np.int64), 0.7)
    sector = rng.integers(0, SECTORS, m).astype(np.int16)
    sex_required = np.full(m, NO_SEX, dtype=np.int8)
    sex_required[rng.random(m) < 0.01] = 1
    slot_village = np.full(m, -1, dtype=np.int64)
    slot_village[:posts] = rng.integers(0, villages, posts)  # a post is for its own village
    slot_arrays = Slots(
        tier, age_min, age_max, wage_min, wage_max, physical, slot_skills, slot_certs, sector, headcount,
        partial_only, sex_required, slot_village, partial_only.copy(),
    )  # fmt: skip
    inst = Instance(seeker_arrays, slot_arrays, weights)
    inst.check()
    return inst
