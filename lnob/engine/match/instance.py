"""A matching instance: seekers, slots and household priorities, as numpy arrays.

The engine knows nothing of Django. The app (lnob.matching.load) turns the ledger, the vacancies,
the workshops' places and the public-welfare posts into these arrays; the synthetic generator
(lnob.engine.synth.matching) makes them directly for benches and tests.

Tiers of distance, shared by seekers (how far they can go) and slots (where the work is): 0 at home
(home-based work), 1 in the county, 2 in the province outside the county, 3 out of the province. A
seeker can take a slot whose tier is at most their reach; a home-based slot suits everyone. A
village's public-welfare post is for the people of that village only. Skills, certificates and
preferred sectors are bit sets over vocabularies the loader builds (one bit per skill, certificate
or sector named by some slot), in as many 64-bit words as the vocabulary needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

HOME, COUNTY, PROVINCE, OUT = 0, 1, 2, 3
LIGHT, MEDIUM, HEAVY = 0, 1, 2
NO_SEX = -1


def words(n_bits: int) -> int:
    return max(1, (n_bits + 63) // 64)


def bits(rows: list[list[int]], width: int) -> np.ndarray:
    """Bit sets (n, words(width)) of uint64 from lists of bit numbers."""
    out = np.zeros((len(rows), words(width)), dtype=np.uint64)
    for i, row in enumerate(rows):
        for b in row:
            out[i, b // 64] |= np.uint64(1) << np.uint64(b % 64)
    return out


@dataclass
class Seekers:
    household: np.ndarray  # int32: index into Instance.weights
    reach: np.ndarray  # int8: the farthest tier they can go (HOME: home only)
    capacity: np.ndarray  # int8: the heaviest physical demand they can meet (LIGHT, MEDIUM, HEAVY)
    partial: np.ndarray  # bool: partial labour capacity (public-welfare posts are for them)
    age: np.ndarray  # int16
    min_wage: np.ndarray  # int32 yuan a month
    skills: np.ndarray  # uint64 (n, words)
    certs: np.ndarray  # uint64 (n, words)
    sectors: np.ndarray  # uint64 (n, words): preferred sectors; none set means no preference
    sex: np.ndarray  # int8: 0 male, 1 female; read only for a slot's recorded lawful requirement
    village: np.ndarray  # int64: where they live (a village's public-welfare post is for its people)
    poor: np.ndarray  # bool: of an out-of-poverty or monitored household (a post's eligibility)

    def __len__(self) -> int:
        return int(self.household.shape[0])


@dataclass
class Slots:
    tier: np.ndarray  # int8
    age_min: np.ndarray  # int16
    age_max: np.ndarray  # int16
    wage_min: np.ndarray  # int32
    wage_max: np.ndarray  # int32
    physical: np.ndarray  # int8 demand
    skills: np.ndarray  # uint64 (m, words): a seeker needs at least one of them (none: anyone)
    certs: np.ndarray  # uint64 (m, words): a seeker needs all of them
    sector: np.ndarray  # int16: bit number of the sector, -1 none
    headcount: np.ndarray  # int32 places
    partial_only: np.ndarray  # bool: a public-welfare post, offered to partial capacity only
    sex_required: np.ndarray  # int8: NO_SEX, or a lawful requirement recorded with its reason
    village: np.ndarray  # int64: a village's own post is for the people of that village; -1 anyone
    poor_only: np.ndarray  # bool: only for people of out-of-poverty or monitored households

    def __len__(self) -> int:
        return int(self.tier.shape[0])


@dataclass
class Instance:
    seekers: Seekers
    slots: Slots
    weights: np.ndarray  # int64 per household: its priority weight (>= 1)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (seeker, code): reported, not matched

    def check(self) -> None:
        """Refuse arrays that do not fit together (a loader's bug, not the user's input)."""
        s, v = self.seekers, self.slots
        n, m = len(s), len(v)
        for name in ("reach", "capacity", "partial", "age", "min_wage", "sex", "village", "poor"):
            if getattr(s, name).shape != (n,):
                raise ValueError(f"seekers.{name} has shape {getattr(s, name).shape}, expected ({n},)")
        for name in (
            "age_min",
            "age_max",
            "wage_min",
            "wage_max",
            "physical",
            "sector",
            "headcount",
            "village",
            "poor_only",
        ):
            if getattr(v, name).shape != (m,):
                raise ValueError(f"slots.{name} has shape {getattr(v, name).shape}, expected ({m},)")
        if s.skills.shape[1] != v.skills.shape[1] or s.certs.shape[1] != v.certs.shape[1]:
            raise ValueError("seekers and slots use bit sets of different widths")
        if n and (s.household.min() < 0 or s.household.max() >= len(self.weights)):
            raise ValueError("a seeker's household is not in the weights")
        if m and (v.headcount <= 0).any():
            raise ValueError(f"slot {int(np.flatnonzero(v.headcount <= 0)[0])} has no places")
        if m and (v.age_min > v.age_max).any():
            raise ValueError(f"slot {int(np.flatnonzero(v.age_min > v.age_max)[0])}: age_min > age_max")
        if (self.weights < 1).any():
            raise ValueError("household weights must be at least 1")
