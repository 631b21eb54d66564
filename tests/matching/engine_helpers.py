"""Small random matching instances and an independent exact oracle (brute force)."""

from __future__ import annotations

import itertools

import numpy as np

from lnob.engine.match.candidates import Pairs
from lnob.engine.match.instance import NO_SEX, Instance, Seekers, Slots


def small_instance(rng: np.random.Generator, seekers: int, slots: int, households: int) -> Instance:
    n, m, h = seekers, slots, min(households, seekers)
    household = np.concatenate([np.arange(h), rng.integers(0, h, n - h)]).astype(np.int32)
    u64 = np.uint64
    seeker_arrays = Seekers(
        household=household,
        reach=rng.integers(0, 4, n).astype(np.int8),
        capacity=rng.integers(0, 3, n).astype(np.int8),
        partial=rng.random(n) < 0.3,
        age=rng.integers(18, 61, n).astype(np.int16),
        min_wage=rng.integers(15, 40, n).astype(np.int32) * 100,
        skills=rng.integers(0, 16, (n, 1)).astype(u64),
        certs=rng.integers(0, 4, (n, 1)).astype(u64),
        sectors=rng.integers(0, 8, (n, 1)).astype(u64),
        sex=rng.integers(0, 2, n).astype(np.int8),
        village=rng.integers(0, 2, n).astype(np.int64),
        poor=rng.random(n) < 0.6,
    )
    wage_min = rng.integers(15, 40, m).astype(np.int32) * 100
    slot_arrays = Slots(
        tier=rng.integers(0, 4, m).astype(np.int8),
        age_min=rng.integers(16, 30, m).astype(np.int16),
        age_max=rng.integers(40, 61, m).astype(np.int16),
        wage_min=wage_min,
        wage_max=wage_min + rng.integers(0, 15, m).astype(np.int32) * 100,
        physical=rng.integers(0, 3, m).astype(np.int8),
        skills=np.where(rng.random((m, 1)) < 0.5, rng.integers(1, 16, (m, 1)), 0).astype(u64),
        certs=np.where(rng.random((m, 1)) < 0.2, rng.integers(1, 4, (m, 1)), 0).astype(u64),
        sector=rng.integers(-1, 3, m).astype(np.int16),
        headcount=rng.integers(1, 3, m).astype(np.int32),
        partial_only=rng.random(m) < 0.15,
        sex_required=np.where(rng.random(m) < 0.1, rng.integers(0, 2, m), NO_SEX).astype(np.int8),
        village=np.where(rng.random(m) < 0.15, rng.integers(0, 2, m), -1).astype(np.int64),
        poor_only=rng.random(m) < 0.2,
    )
    weights = rng.integers(1, 5, h).astype(np.int64)
    inst = Instance(seeker_arrays, slot_arrays, weights)
    inst.check()
    return inst


def brute_force(inst: Instance, pairs: Pairs) -> tuple[int, int]:
    """The lexicographic optimum (weighted households covered, total score) by enumerating every
    assignment: each seeker takes one of their feasible slots or none, places permitting."""
    n = len(inst.seekers)
    options: list[list[tuple[int, int]]] = [[(-1, 0)] for _ in range(n)]
    score = pairs.score
    for k in range(len(pairs)):
        options[int(pairs.seeker[k])].append((int(pairs.slot[k]), int(score[k])))
    best = (0, 0)
    headcount = inst.slots.headcount.tolist()
    for choice in itertools.product(*options):
        used: dict[int, int] = {}
        for slot, _s in choice:
            if slot >= 0:
                used[slot] = used.get(slot, 0) + 1
        if any(used[j] > headcount[j] for j in used):
            continue
        covered = {int(inst.seekers.household[i]) for i, (slot, _s) in enumerate(choice) if slot >= 0}
        value = (int(sum(inst.weights[list(covered)])) if covered else 0, sum(s for _j, s in choice))
        best = max(best, value)
    return best


def feasible(inst: Instance, i: int, j: int) -> bool:
    """One pair's hard constraints, written out plainly (the reference for the vectorised code)."""
    s, v = inst.seekers, inst.slots
    if v.tier[j] != 0 and v.tier[j] > s.reach[i]:
        return False
    if v.village[j] >= 0 and v.village[j] != s.village[i]:
        return False
    if v.physical[j] > s.capacity[i] or (v.partial_only[j] and not s.partial[i]):
        return False
    if v.poor_only[j] and not s.poor[i]:
        return False
    if not v.age_min[j] <= s.age[i] <= v.age_max[j]:
        return False
    if v.skills[j, 0] and not (int(v.skills[j, 0]) & int(s.skills[i, 0])):
        return False
    if int(v.certs[j, 0]) & int(s.certs[i, 0]) != int(v.certs[j, 0]):
        return False
    if s.min_wage[i] > v.wage_max[j]:
        return False
    return not (v.sex_required[j] != NO_SEX and v.sex_required[j] != s.sex[i])
