"""Why each seeker got what they got.

A matched seeker's reasons are the constraints their slot meets (all of them, by construction) and
the four parts of the pair's score, which the app shows from the pair itself.

An unmatched seeker gets the constraint that binds:

- **No feasible slot at all.** The hard constraints are applied one after another in a fixed order
  (travel range and a post's village, labour capacity and physical demand, a post's household
  eligibility, age, skills, certificates, wage, a vacancy's lawful requirement); the first one
  after which no slot is left is the reason. Seekers with the same constraints share one
  evaluation, in blocks of a thousand against all slots.
- **Feasible slots, all full.** Every one of them is taken, or the solver would have used it
  (every feasible match adds at least 1 to the score). If the seeker's household already has a
  worker in this run, the places went to households with nobody in work. Otherwise, if every
  person holding those places comes from a household of higher priority, that is the reason;
  otherwise the places went to households of the same priority whose members fit better or had
  fewer other options.
- **A problem reported by the loader** (contradictory constraints): not matched, with that code.

So that a cadre can check a "places taken" reason, `options` gives every seeker the number of
slots they are a candidate for (after pruning) and, for a seeker left without a match, the best
of them by score: a real job the seeker could do, whose places went to others.
"""

from __future__ import annotations

import numpy as np

from .candidates import Pairs
from .flow import Assignment
from .instance import HOME, NO_SEX, Instance

MATCHED = "matched"
CHAIN = (
    "no_travel",
    "no_capacity",
    "no_eligibility",
    "no_age",
    "no_skill",
    "no_certificate",
    "no_wage",
    "no_lawful",
)
FULL = ("household_covered", "taken_priority", "taken_equal")
CODES = (MATCHED, *CHAIN, *FULL)  # problems from the loader carry their own codes
BLOCK = 1000


def explain(inst: Instance, pairs: Pairs, result: Assignment) -> np.ndarray:
    """The reason code of every seeker (object array of str)."""
    s = inst.seekers
    n = len(s)
    codes = np.full(n, "", dtype=object)
    codes[result.slot_of >= 0] = MATCHED
    has_pairs = np.zeros(n, dtype=bool)
    has_pairs[pairs.seeker] = True
    for seeker, code in inst.problems:
        codes[seeker] = code
    reported = codes != ""
    none = np.flatnonzero(~has_pairs & ~reported)
    if none.shape[0]:
        codes[none] = _binding(inst, none)
    full = np.flatnonzero(has_pairs & (result.slot_of < 0))
    if full.shape[0]:
        codes[full] = _full(inst, pairs, result, full)
    return codes


def options(inst: Instance, pairs: Pairs, result: Assignment) -> tuple[np.ndarray, np.ndarray]:
    """Per seeker: the number of candidate slots, and for an unmatched seeker with candidates the
    slot of their best-scoring pair (else -1). Ties go to the lower slot index."""
    n = len(inst.seekers)
    count = np.bincount(pairs.seeker, minlength=n).astype(np.int32)
    best = np.full(n, -1, dtype=np.int32)
    left = np.flatnonzero(result.slot_of[pairs.seeker] < 0)
    if left.shape[0]:
        # one key per pair, largest for the best score then the lowest slot: a max per seeker
        span = np.int64(1 << 31)
        key = pairs.score[left].astype(np.int64) * span + (span - 1 - pairs.slot[left])
        top = np.full(n, -1, dtype=np.int64)
        np.maximum.at(top, pairs.seeker[left], key)
        found = top >= 0
        best[found] = (span - 1 - top[found] % span).astype(np.int32)
    return count, best


def _binding(inst: Instance, who: np.ndarray) -> np.ndarray:
    s, v = inst.seekers, inst.slots
    columns = [s.reach, s.capacity, s.partial, s.poor, s.age, s.min_wage, s.sex, s.village]
    signature = np.column_stack(
        [c[who].astype(np.int64) for c in columns]
        + [s.skills[who].view(np.int64), s.certs[who].view(np.int64)]
    )
    unique, inverse = np.unique(signature, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    first = np.zeros(unique.shape[0], dtype=np.int64)
    first[inverse] = who  # any seeker of each signature stands for it
    out = np.empty(unique.shape[0], dtype=object)
    slot_has_skills: np.ndarray = np.asarray(v.skills.any(axis=1))
    for lo in range(0, unique.shape[0], BLOCK):
        rep = first[lo : lo + BLOCK]
        ok = (v.tier[None, :] == HOME) | (v.tier[None, :] <= s.reach[rep, None])
        ok &= (v.village[None, :] < 0) | (v.village[None, :] == s.village[rep, None])
        steps = [ok.copy()]
        ok &= (v.physical[None, :] <= s.capacity[rep, None]) & (
            ~v.partial_only[None, :] | s.partial[rep, None]
        )
        steps.append(ok.copy())
        ok &= ~v.poor_only[None, :] | s.poor[rep, None]
        steps.append(ok.copy())
        ok &= (v.age_min[None, :] <= s.age[rep, None]) & (s.age[rep, None] <= v.age_max[None, :])
        steps.append(ok.copy())
        skill = (s.skills[rep][:, None, :] & v.skills[None, :, :]).any(axis=2)
        ok &= skill | ~slot_has_skills[None, :]
        steps.append(ok.copy())
        certs = ((s.certs[rep][:, None, :] & v.certs[None, :, :]) == v.certs[None, :, :]).all(axis=2)
        ok &= certs
        steps.append(ok.copy())
        ok &= s.min_wage[rep, None] <= v.wage_max[None, :]
        steps.append(ok.copy())
        ok &= (v.sex_required[None, :] == NO_SEX) | (v.sex_required[None, :] == s.sex[rep, None])
        steps.append(ok)
        alive = np.stack([step.any(axis=1) for step in steps], axis=1)  # (block, len(CHAIN))
        # the first step after which nothing is left; a seeker left with slots would have had pairs
        dead = ~alive
        step = np.where(dead.any(axis=1), dead.argmax(axis=1), len(CHAIN) - 1)
        out[lo : lo + BLOCK] = np.array(CHAIN, dtype=object)[step]
    return out[inverse]


def _full(inst: Instance, pairs: Pairs, result: Assignment, who: np.ndarray) -> np.ndarray:
    s = inst.seekers
    weight = inst.weights[s.household]
    matched = np.flatnonzero(result.slot_of >= 0)
    # the lowest priority among the people holding each slot's places
    lowest = np.full(len(inst.slots), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(lowest, result.slot_of[matched], weight[matched])
    mine = np.isin(pairs.seeker, who)
    seekers, slots = pairs.seeker[mine], pairs.slot[mine]
    floor = np.full(len(s), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(floor, seekers, lowest[slots])
    out = np.where(floor[who] > weight[who], FULL[1], FULL[2]).astype(object)
    out[result.covered[s.household[who]]] = FULL[0]
    return out
