"""The exact household-first assignment, as one minimum-cost flow (OR-Tools).

    source --(1, -M*w_h)--> household h --(1, 0)--> seeker --(1, -score)--> slot --(headcount, 0)--> sink
           --(k_h - 1, 0)-->                                                  source --(S, 0)--> sink

Each seeker who has a feasible pair gets one unit of supply at the source; a unit either goes
round through the bypass arc (the seeker is not matched, cost 0) or along a household, seeker,
slot path. A household's first unit earns M times its priority weight w_h, later units nothing:
that is the concave per-household term. With M larger than any total score the assignment
can reach (max score x min(seekers, places), plus one), the minimum cost is lexicographic:

    1. the priority-weighted number of households with at least one worker, as large as possible;
    2. among those, the total match score, as large as possible.

Integer capacities give an integral optimal flow, so every seeker gets at most one slot and the
flow is the assignment. docs/matching.md has the proof sketch and the measured figures.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .candidates import Pairs
from .instance import Instance


@dataclass
class Graph:
    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    supply: int  # at the source (node 0); the sink (node 1) takes the same
    first_arc: np.ndarray  # arc number of each household's first-worker arc (-1: no arc)
    pair_arc0: int  # the pairs' arcs are pair_arc0 .. pair_arc0 + len(pairs) - 1
    big_m: int


@dataclass
class Assignment:
    slot_of: np.ndarray  # int32 per seeker: the slot, or -1
    pair_of: np.ndarray  # int64 per seeker: the index of the chosen pair, or -1
    covered: np.ndarray  # bool per household: at least one worker
    households_weighted: int  # the first objective
    households: int  # households covered
    score: int  # the second objective
    solver_seconds: float  # add arcs + solve, OR-Tools alone


def build(inst: Instance, pairs: Pairs, max_score: int) -> Graph:
    s, v = inst.seekers, inst.slots
    n, m, h = len(s), len(v), len(inst.weights)
    seeker_node0, slot_node0 = 2 + h, 2 + h + n
    active = np.zeros(n, dtype=bool)
    active[pairs.seeker] = True
    active_seekers = np.flatnonzero(active)
    per_household = np.bincount(s.household[active_seekers], minlength=h)
    households = np.flatnonzero(per_household > 0)
    extra = households[per_household[households] > 1]
    used_slots = np.flatnonzero(np.bincount(pairs.slot, minlength=m) > 0)
    supply = int(active_seekers.shape[0])
    places = int(v.headcount[used_slots].sum())
    big_m = max_score * max(1, min(supply, places)) + 1
    hn = households + 2
    parts = [
        # 0: first-worker arcs, one per household with a seeker
        (np.zeros_like(hn), hn, np.ones_like(hn), -big_m * inst.weights[households]),
        # 1: further workers of the same household, at no gain
        (np.zeros_like(extra), extra + 2, per_household[extra] - 1, np.zeros_like(extra)),
        # 2: household to seeker
        (s.household[active_seekers] + 2, active_seekers + seeker_node0,
         np.ones_like(active_seekers), np.zeros_like(active_seekers)),
        # 3: the pairs
        (pairs.seeker + seeker_node0, pairs.slot + slot_node0, np.ones(len(pairs), np.int64), -pairs.score),
        # 4: slot to sink
        (used_slots + slot_node0, np.ones_like(used_slots), v.headcount[used_slots],
         np.zeros_like(used_slots)),
        # 5: the bypass
        (np.zeros(1, np.int64), np.ones(1, np.int64), np.array([supply]), np.zeros(1, np.int64)),
    ]  # fmt: skip
    tails = np.concatenate([np.asarray(p[0], dtype=np.int32) for p in parts])
    heads = np.concatenate([np.asarray(p[1], dtype=np.int32) for p in parts])
    capacities = np.concatenate([np.asarray(p[2], dtype=np.int64) for p in parts])
    costs = np.concatenate([np.asarray(p[3], dtype=np.int64) for p in parts])
    first_arc = np.full(h, -1, dtype=np.int64)
    first_arc[households] = np.arange(households.shape[0])
    pair_arc0 = sum(len(p[0]) for p in parts[:3])
    return Graph(tails, heads, capacities, costs, supply, first_arc, pair_arc0, big_m)


def run(graph: Graph) -> tuple[np.ndarray, float]:
    """Solve; the flow on every arc and the seconds OR-Tools took (adding arcs and solving)."""
    started = time.perf_counter()
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(graph.tails, graph.heads, graph.capacities, graph.costs)
    smcf.set_nodes_supplies(np.array([0, 1]), np.array([graph.supply, -graph.supply]))
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"minimum-cost flow ended with status {status}")
    flows = smcf.flows(np.arange(graph.tails.shape[0]))
    return flows, time.perf_counter() - started


def solve(inst: Instance, pairs: Pairs, max_score: int) -> Assignment:
    graph = build(inst, pairs, max_score)
    flows, seconds = run(graph)
    return assignment(inst, pairs, graph, flows, seconds)


def assignment(inst: Instance, pairs: Pairs, graph: Graph, flows: np.ndarray, seconds: float) -> Assignment:
    n = len(inst.seekers)
    chosen = np.flatnonzero(flows[graph.pair_arc0 : graph.pair_arc0 + len(pairs)] > 0)
    slot_of = np.full(n, -1, dtype=np.int32)
    pair_of = np.full(n, -1, dtype=np.int64)
    slot_of[pairs.seeker[chosen]] = pairs.slot[chosen]
    pair_of[pairs.seeker[chosen]] = chosen
    return summarise(inst, pairs, slot_of, pair_of, seconds)


def summarise(
    inst: Instance, pairs: Pairs, slot_of: np.ndarray, pair_of: np.ndarray, seconds: float = 0.0
) -> Assignment:
    covered = np.zeros(len(inst.weights), dtype=bool)
    covered[inst.seekers.household[slot_of >= 0]] = True
    matched = pair_of[pair_of >= 0]
    return Assignment(
        slot_of=slot_of,
        pair_of=pair_of,
        covered=covered,
        households_weighted=int(inst.weights[covered].sum()),
        households=int(covered.sum()),
        score=int(pairs.score[matched].sum()),
        solver_seconds=seconds,
    )
