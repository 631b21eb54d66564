"""Every feasible seeker-slot pair, with its score, generated in bulk.

Slots are blocked by what can be decided for a whole group of seekers at once (tier, physical
demand, public-welfare post and its eligibility, village, certificates, a lawful requirement):
one vectorised mask per block.
Inside a block the seekers are sorted by age, so each slot takes its age range as a slice and
filters it by wage and skill. Nothing is done per pair in Python.

The score of a pair is 1 + four parts, each an integer from 0 to its weight (weights are data, the
`matching` rule kind): the wage (the slot's mid wage, scaled between the run's lowest and highest;
half when all are equal), the distance (home-based best, out of the province least), the skill fit
(the share of the slot's named skills the seeker has; a slot naming none gives half) and the
preference (the slot's sector is one the seeker prefers; no preference gives half). The leading 1
makes every feasible match worth making.

Pruning (`per_seeker`, `per_place`, `per_seeker_open`) keeps a pair when it is among the seeker's
best `per_seeker` slots by score, OR among the slot's best `per_place` x headcount seekers (by
household priority, then score), OR among the seeker's `per_seeker_open` least contested slots
(fewest candidates per place). Keeping only each seeker's best slots crowds everyone onto the same
popular slots and loses jobs; the second part keeps every slot supplied; the third keeps, for a
seeker whose favourite slots will all be taken, the slots nobody else wants (without it the scarce
bench instance lost 5 % of the households the unpruned optimum covers; docs/matching.md).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .instance import HOME, NO_SEX, OUT, Instance


@dataclass(frozen=True)
class Weights:
    wage: int = 40
    distance: int = 25
    skill: int = 20
    preference: int = 15

    @property
    def max_score(self) -> int:
        return 1 + self.wage + self.distance + self.skill + self.preference


@dataclass
class Pairs:
    seeker: np.ndarray  # int32
    slot: np.ndarray  # int32
    wage: np.ndarray  # int16 parts of the score
    distance: np.ndarray
    skill: np.ndarray
    preference: np.ndarray

    def __len__(self) -> int:
        return int(self.seeker.shape[0])

    @property
    def score(self) -> np.ndarray:
        return (1 + self.wage.astype(np.int32) + self.distance + self.skill + self.preference).astype(
            np.int32
        )

    def take(self, index: np.ndarray) -> Pairs:
        return Pairs(
            *(getattr(self, f)[index] for f in ("seeker", "slot", "wage", "distance", "skill", "preference"))
        )


def _part(weight: int, share: np.ndarray) -> np.ndarray:
    return np.rint(weight * share).astype(np.int16)


def generate(
    inst: Instance,
    weights: Weights = Weights(),
    *,
    per_seeker: int | None = None,
    per_place: int | None = None,
    per_seeker_open: int = 10,
) -> Pairs:
    """All feasible pairs, or (with `per_seeker` and `per_place`) the pruned set."""
    s, v = inst.seekers, inst.slots
    m = len(v)
    excluded = np.zeros(len(s), dtype=bool)
    for reported, _code in inst.problems:
        excluded[reported] = True
    priority = inst.weights[s.household].astype(np.int64)
    mid = (v.wage_min.astype(np.float64) + v.wage_max) / 2
    lo, hi = (float(mid.min()), float(mid.max())) if m else (0.0, 1.0)
    # one wage everywhere (a single vacancy, say) is neither high nor low: half marks
    wage_v = _part(weights.wage, (mid - lo) / (hi - lo) if hi > lo else np.full(m, 0.5))
    distance_v = _part(weights.distance, (OUT - v.tier.astype(np.float64)) / OUT)
    slot_skill_count = np.bitwise_count(v.skills).sum(axis=1)
    has_preference: np.ndarray = np.asarray(s.sectors.any(axis=1))

    keys = np.column_stack(
        [v.tier, v.physical, v.partial_only, v.poor_only, v.sex_required, v.village, v.certs.view(np.int64)]
    )
    blocks: dict[bytes, list[int]] = {}
    for j in range(m):
        blocks.setdefault(keys[j].tobytes(), []).append(j)

    out: list[tuple[np.ndarray, ...]] = []
    contest = np.zeros(m, dtype=np.float64)  # candidates per place of each slot
    for members in blocks.values():
        j0 = members[0]
        mask = ~excluded & (s.capacity >= v.physical[j0])
        if v.tier[j0] != HOME:
            mask &= s.reach >= v.tier[j0]
        if v.partial_only[j0]:
            mask &= s.partial
        if v.poor_only[j0]:
            mask &= s.poor
        if v.village[j0] >= 0:
            mask &= s.village == v.village[j0]
        if v.sex_required[j0] != NO_SEX:
            mask &= s.sex == v.sex_required[j0]
        need = v.certs[j0]
        if need.any():
            mask &= ((s.certs & need) == need).all(axis=1)
        idx = np.flatnonzero(mask)
        idx = idx[np.argsort(s.age[idx], kind="stable")].astype(np.int32)
        # the block's seekers' columns, gathered once in age order: each slot then reads slices
        ages, wages, skills = s.age[idx], s.min_wage[idx], s.skills[idx]
        one_word = skills.shape[1] == 1
        flat_skills = skills[:, 0] if one_word else skills
        for j in members:
            a = int(np.searchsorted(ages, v.age_min[j], side="left"))
            b = int(np.searchsorted(ages, v.age_max[j], side="right"))
            keep = wages[a:b] <= v.wage_max[j]
            if slot_skill_count[j]:
                if one_word:
                    hit = np.bitwise_count(flat_skills[a:b] & v.skills[j, 0]).astype(np.int64)
                else:
                    hit = np.bitwise_count(flat_skills[a:b] & v.skills[j]).sum(axis=1)
                keep &= hit > 0
                hit = hit[keep]
                cand = idx[a:b][keep]
                skill = _part(weights.skill, hit / slot_skill_count[j])
            else:
                cand = idx[a:b][keep]
                skill = np.full(cand.shape[0], _part(weights.skill, np.array(0.5)), dtype=np.int16)
            if v.sector[j] >= 0:
                word, bit = divmod(int(v.sector[j]), 64)
                likes = (s.sectors[cand, word] >> np.uint64(bit)) & np.uint64(1)
                share = np.where(has_preference[cand], likes.astype(np.float64), 0.5)
            else:
                share = np.full(cand.shape[0], 0.5)
            preference = _part(weights.preference, share)
            contest[j] = cand.shape[0] / max(int(v.headcount[j]), 1)
            if per_place is not None and cand.shape[0] > per_place * int(v.headcount[j]):
                keep = per_place * int(v.headcount[j])
                score = 1 + wage_v[j] + distance_v[j] + skill.astype(np.int64) + preference
                rank_key = priority[cand] * 4096 + score
                top = np.argpartition(-rank_key, keep - 1)[:keep]
                flag = np.zeros(cand.shape[0], dtype=bool)
                flag[top] = True
            else:
                flag = np.ones(cand.shape[0], dtype=bool)
            out.append((cand, np.full(cand.shape[0], j, dtype=np.int32), skill, preference, flag))

    if not out:
        empty16 = np.zeros(0, dtype=np.int16)
        return Pairs(np.zeros(0, np.int32), np.zeros(0, np.int32), empty16, empty16, empty16, empty16)
    seeker: np.ndarray = np.concatenate([o[0] for o in out])
    slot: np.ndarray = np.concatenate([o[1] for o in out])
    pairs = Pairs(
        seeker,
        slot,
        wage_v[slot],
        distance_v[slot],
        np.concatenate([o[2] for o in out]),
        np.concatenate([o[3] for o in out]),
    )
    if per_seeker is None:
        return pairs
    slot_keeps = np.concatenate([o[4] for o in out])
    # the two per-seeker rankings are one sort each, and numpy sorts without the GIL: side by side
    with ThreadPoolExecutor(max_workers=2) as pool:
        best = pool.submit(_seeker_top, pairs, len(s), per_seeker, pairs.score)
        least = None
        if per_seeker_open:
            # the least contested first: rank on (contest ascending), as an integer key
            openness = 4095 - np.minimum(contest[pairs.slot] * 16, 4095).astype(np.int64)
            least = pool.submit(_seeker_top, pairs, len(s), per_seeker_open, openness)
        keep = slot_keeps | best.result()
        if least is not None:
            keep |= least.result()
    return pairs.take(np.flatnonzero(keep))


def _seeker_top(pairs: Pairs, n: int, limit: int, value: np.ndarray) -> np.ndarray:
    """True for each pair among its seeker's `limit` highest by `value` (integers 0..4095); all
    of a seeker's pairs when they have no more than that."""
    counts = np.bincount(pairs.seeker, minlength=n)
    crowded = counts[pairs.seeker] > limit
    keep = ~crowded
    sub = np.flatnonzero(crowded)
    if sub.shape[0]:
        # one sort on (seeker, value descending) packed into one integer key, 32 bits while it
        # fits (up to half a million seekers): that sort is a third faster
        kind = np.int32 if n * 4096 < 2**31 else np.int64
        key = pairs.seeker[sub].astype(kind) * 4096 + (4095 - value[sub]).astype(kind)
        order = sub[np.argsort(key)]
        sorted_seekers = pairs.seeker[order]
        starts = np.flatnonzero(np.r_[True, sorted_seekers[1:] != sorted_seekers[:-1]])
        first = np.repeat(starts, np.diff(np.r_[starts, order.shape[0]]))
        rank = np.arange(order.shape[0]) - first
        keep[order[rank < limit]] = True
    return keep
