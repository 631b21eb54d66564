"""The baseline a county would otherwise use: a household-first greedy assignment.

Pairs are taken in order of household priority, then score. A first pass only gives a worker to a
household that has none yet; a second pass fills the places left. It is the natural hand rule
("first a job for every family, best offers first"), made as strong as a single sweep can be, so
the optimum is compared with a fair baseline and not a straw man.
"""

from __future__ import annotations

import numpy as np

from .candidates import Pairs
from .flow import Assignment, summarise
from .instance import Instance


def assign(inst: Instance, pairs: Pairs) -> Assignment:
    s = inst.seekers
    n = len(s)
    score = pairs.score.astype(np.int64)
    priority = inst.weights[s.household[pairs.seeker]].astype(np.int64)
    order = np.lexsort((-score, -priority))
    left = inst.slots.headcount.astype(np.int64).tolist()
    slot_of = np.full(n, -1, dtype=np.int32)
    pair_of = np.full(n, -1, dtype=np.int64)
    taken = [False] * n
    covered = [False] * len(inst.weights)
    seekers, slots, households = pairs.seeker.tolist(), pairs.slot.tolist(), s.household.tolist()
    ordered = order.tolist()
    for first_pass in (True, False):
        for k in ordered:
            i = seekers[k]
            if taken[i]:
                continue
            hh = households[i]
            if first_pass and covered[hh]:
                continue
            j = slots[k]
            if left[j] == 0:
                continue
            left[j] -= 1
            taken[i] = True
            covered[hh] = True
            slot_of[i] = j
            pair_of[i] = k
    return summarise(inst, pairs, slot_of, pair_of)
