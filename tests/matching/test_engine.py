"""The matching engine against independent references: a plain per-pair feasibility check, a
brute-force optimum, and the greedy baseline (which can never beat the optimum)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lnob.engine.match import candidates as C
from lnob.engine.match import flow, greedy, reasons
from lnob.engine.match.instance import Instance

from .engine_helpers import brute_force, feasible, small_instance

WEIGHTS = C.Weights()


def _instance(seed: int, n: int, m: int, h: int) -> Instance:
    return small_instance(np.random.default_rng(seed), n, m, h)


sizes = st.tuples(st.integers(0, 10_000), st.integers(1, 7), st.integers(1, 4), st.integers(1, 4))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes)
def test_candidates_are_exactly_the_feasible_pairs(args: tuple[int, int, int, int]) -> None:
    inst = _instance(*args)
    pairs = C.generate(inst, WEIGHTS)
    got = set(zip(pairs.seeker.tolist(), pairs.slot.tolist(), strict=True))
    expected = {
        (i, j) for i in range(len(inst.seekers)) for j in range(len(inst.slots)) if feasible(inst, i, j)
    }
    assert got == expected
    assert len(got) == len(pairs)  # no pair twice
    score = pairs.score
    assert (score >= 1).all() and (score <= WEIGHTS.max_score).all()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes)
def test_optimum_equals_brute_force(args: tuple[int, int, int, int]) -> None:
    inst = _instance(*args)
    pairs = C.generate(inst, WEIGHTS)
    result = flow.solve(inst, pairs, WEIGHTS.max_score)
    assert (result.households_weighted, result.score) == brute_force(inst, pairs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes)
def test_assignment_is_feasible_and_never_worse_than_greedy(args: tuple[int, int, int, int]) -> None:
    inst = _instance(*args)
    pairs = C.generate(inst, WEIGHTS)
    result = flow.solve(inst, pairs, WEIGHTS.max_score)
    matched = np.flatnonzero(result.slot_of >= 0)
    for i in matched.tolist():
        assert feasible(inst, i, int(result.slot_of[i]))
        k = result.pair_of[i]
        assert pairs.seeker[k] == i and pairs.slot[k] == result.slot_of[i]
    taken = np.bincount(result.slot_of[matched], minlength=len(inst.slots))
    assert (taken <= inst.slots.headcount).all()
    base = greedy.assign(inst, pairs)
    assert (base.households_weighted, base.score) <= (result.households_weighted, result.score)
    assert base.households_weighted <= result.households_weighted


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes)
def test_every_unmatched_seeker_has_a_reason_that_holds(args: tuple[int, int, int, int]) -> None:
    inst = _instance(*args)
    pairs = C.generate(inst, WEIGHTS)
    result = flow.solve(inst, pairs, WEIGHTS.max_score)
    codes = reasons.explain(inst, pairs, result)
    for i, code in enumerate(codes.tolist()):
        mine = [int(j) for j in pairs.slot[pairs.seeker == i]]
        if result.slot_of[i] >= 0:
            assert code == reasons.MATCHED
        elif not mine:
            assert code in reasons.CHAIN
        else:
            assert code in reasons.FULL
            # every slot the seeker could take is full
            for j in mine:
                assert (result.slot_of == j).sum() == inst.slots.headcount[j]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes)
def test_each_seeker_knows_their_options_and_an_unmatched_one_their_best_full_job(
    args: tuple[int, int, int, int],
) -> None:
    inst = _instance(*args)
    pairs = C.generate(inst, WEIGHTS)
    result = flow.solve(inst, pairs, WEIGHTS.max_score)
    count, best = reasons.options(inst, pairs, result)
    score = pairs.score
    for i in range(len(inst.seekers)):
        mine = {int(pairs.slot[k]): int(score[k]) for k in np.flatnonzero(pairs.seeker == i)}
        assert count[i] == len(mine)
        if result.slot_of[i] >= 0 or not mine:
            assert best[i] == -1
        else:
            top = max(mine.values())
            assert best[i] == min(j for j, sc in mine.items() if sc == top)  # the best, ties to the lower
            assert (result.slot_of == best[i]).sum() == inst.slots.headcount[best[i]]  # and it is full


def test_pruning_keeps_each_seekers_best_and_each_slots_best() -> None:
    inst = _instance(3, 7, 4, 3)
    full = C.generate(inst, WEIGHTS)
    pruned = C.generate(inst, WEIGHTS, per_seeker=1, per_place=1)
    kept = set(zip(pruned.seeker.tolist(), pruned.slot.tolist(), strict=True))
    assert kept <= set(zip(full.seeker.tolist(), full.slot.tolist(), strict=True))
    score = full.score
    for i in set(full.seeker.tolist()):
        mine = np.flatnonzero(full.seeker == i)
        best = int(score[mine].max())
        assert any((i, int(full.slot[k])) in kept for k in mine if score[k] == best)


def test_a_household_first_optimum_covers_more_households_than_score_alone() -> None:
    """Two seekers of one household and one of another, one place each in two slots: the
    higher-scoring assignment gives both places to the first household; the optimum covers both."""
    inst = _instance(11, 3, 2, 2)
    s, v = inst.seekers, inst.slots
    s.household[:] = [0, 0, 1]
    s.reach[:], s.capacity[:], s.partial[:] = 3, 2, False
    s.age[:], s.min_wage[:], s.skills[:], s.certs[:], s.sectors[:] = 30, 0, 1, 0, 0
    s.village[:] = 0
    v.tier[:], v.physical[:], v.partial_only[:], v.sex_required[:], v.village[:] = 1, 0, False, -1, -1
    v.poor_only[:] = False
    v.age_min[:], v.age_max[:], v.skills[:], v.certs[:], v.sector[:] = 16, 60, 1, 0, -1
    v.headcount[:] = 1
    v.wage_min[:] = [5000, 3000]
    v.wage_max[:] = [6000, 3500]
    s.skills[2] = 1
    inst.weights[:] = 1
    pairs = C.generate(inst, WEIGHTS)
    result = flow.solve(inst, pairs, WEIGHTS.max_score)
    assert result.households == 2


def test_on_a_synthetic_county_the_optimum_covers_more_priority_households_than_greedy() -> None:
    """The county instance of the bench, scaled down tenfold (the bench runs the full size)."""
    from lnob.engine.synth.matching import instance

    inst = instance(seekers=10_000, households=4_000, vacancies=200, places=5_000, seed=3)
    pairs = C.generate(inst, WEIGHTS, per_seeker=50, per_place=2)
    result = flow.solve(inst, pairs, WEIGHTS.max_score)
    base = greedy.assign(inst, pairs)
    priority = inst.weights > 1
    assert result.households_weighted >= base.households_weighted
    assert int((result.covered & priority).sum()) >= int((base.covered & priority).sum())
    assert result.households > base.households  # the optimum's whole point on a crowded instance
