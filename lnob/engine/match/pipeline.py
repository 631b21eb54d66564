"""One matching, start to end: candidates (pruned), the exact assignment, the greedy baseline on the
same pairs, and the reasons. The app (lnob.matching.runs) and the bench (bench/matching.py) both
call `match`, so the bench measures what a run does."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import candidates, flow, greedy, reasons
from .candidates import Pairs, Weights
from .flow import Assignment
from .instance import Instance

Progress = Callable[[str, int, int], None]


@dataclass
class Result:
    pairs: Pairs
    optimum: Assignment
    baseline: Assignment | None
    codes: np.ndarray  # reason code per seeker
    options: np.ndarray  # candidate slots per seeker
    best: np.ndarray  # an unmatched seeker's best candidate slot, or -1
    seconds: dict[str, float] = field(default_factory=dict)


def match(
    inst: Instance,
    weights: Weights = Weights(),  # noqa: B008 - frozen dataclass
    *,
    per_seeker: int = 50,
    per_place: int = 2,
    per_seeker_open: int = 10,
    with_greedy: bool = True,
    progress: Progress | None = None,
) -> Result:
    def step(name: str, done: int) -> None:
        if progress is not None:
            progress(name, done, 4)

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    step("candidates", 0)
    pairs = candidates.generate(
        inst,
        weights,
        per_seeker=per_seeker or None,
        per_place=per_place or None,
        per_seeker_open=per_seeker_open,
    )
    seconds["candidates"] = time.perf_counter() - started
    step("solve", 1)
    t = time.perf_counter()
    graph = flow.build(inst, pairs, weights.max_score)
    flows, solver = flow.run(graph)
    optimum = flow.assignment(inst, pairs, graph, flows, solver)
    seconds["solve"] = time.perf_counter() - t
    seconds["solver"] = solver
    step("reasons", 2)
    t = time.perf_counter()
    codes = reasons.explain(inst, pairs, optimum)
    options, best = reasons.options(inst, pairs, optimum)
    seconds["reasons"] = time.perf_counter() - t
    baseline = None
    if with_greedy:
        step("greedy", 3)
        t = time.perf_counter()
        baseline = greedy.assign(inst, pairs)
        seconds["greedy"] = time.perf_counter() - t
    return Result(pairs, optimum, baseline, codes, options, best, seconds)
