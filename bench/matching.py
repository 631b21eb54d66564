"""Benchmark: job matching on the issue's county instance, and its scarce variant.

    .venv/bin/python bench/matching.py                 # both variants, the issue's sizes
    .venv/bin/python bench/matching.py --places 30000  # one variant only

The instance (lnob.engine.synth.matching): 100,000 seekers in 40,000 households, 2,000 vacancies
with 50,000 places (and a scarce variant with 30,000), about 4.5 million feasible pairs.

For each variant:
1. **End to end**, as a run does it (lnob.engine.match.pipeline.match, then the lines written):
   candidates generated and pruned, the graph built and solved, the assignment read back, the
   reasons worked out, and one line per seeker written to a SQLite table through the same bulk
   writer and row builder a run uses (lnob.matching.runs.insert / line_rows), in a temporary
   database: `seconds`.
2. **The OR-Tools solve alone** on the same pruned graph (adding the arcs and solving):
   `solver_seconds`, and `ratio` = seconds / solver_seconds (target ≤ 1.5).
3. The greedy baseline on the same pairs (lnob.engine.match.greedy), and the households each
   covers (target: the optimum covers at least as many priority households).
4. With --unpruned, the optimum on all feasible pairs too, to show what pruning costs.

Each timing is the best of --repeat runs (the machine is noisy). Peak memory is the process's
maximum resident set. The last line printed is one JSON object:
    {"bench": "matching", "seekers": …, "pairs": …, "seconds": …, "solver_seconds": …, "ratio": …,
     "households_optimal": …, "households_greedy": …, "peak_rss_mb": …, "scarce": {…}}
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lnob.settings")
    import django

    django.setup()


def variant(places: int, args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection, transaction

    from lnob.engine.match import candidates, flow, greedy, pipeline
    from lnob.engine.synth.matching import instance
    from lnob.matching.load import Loaded
    from lnob.matching.runs import LINE_COLUMNS, insert, line_rows

    inst = instance(
        seekers=args.seekers,
        households=args.households,
        vacancies=args.vacancies,
        places=places,
        seed=args.seed,
    )
    n, h = len(inst.seekers), len(inst.weights)
    loaded = Loaded(
        inst=inst,
        person=np.arange(1, n + 1),
        household=np.arange(1, h + 1),
        village=inst.seekers.village + 1,
        slot_vacancy=np.arange(1, len(inst.slots) + 1),
        slot_post=np.full(len(inst.slots), -1),
        seekers=None,  # type: ignore[arg-type]  (the fairness table is not timed here)
        monitored=inst.weights >= 3,
        zero_employment=np.isin(inst.weights, (2, 4)),
    )
    weights = candidates.Weights()
    best_e2e, best_solver = float("inf"), float("inf")
    stages: dict[str, float] = {}
    for _ in range(args.repeat):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM bench_matchline")
            started = time.perf_counter()
            result = pipeline.match(
                inst, weights, per_seeker=50, per_place=2, per_seeker_open=10, with_greedy=False
            )
            t = time.perf_counter()
            written = insert("bench_matchline", LINE_COLUMNS, line_rows(1, loaded, result))
            write = time.perf_counter() - t
            e2e = time.perf_counter() - started
        assert written == n
        if e2e < best_e2e:
            best_e2e, stages = e2e, {**result.seconds, "write": write}
        graph = flow.build(inst, result.pairs, weights.max_score)
        _flows, solver = flow.run(graph)
        best_solver = min(best_solver, solver)
    t = time.perf_counter()
    base = greedy.assign(inst, result.pairs)
    greedy_seconds = time.perf_counter() - t
    opt = result.optimum
    priority = inst.weights > 1
    out: dict[str, Any] = {
        "seekers": n,
        "households": h,
        "places": places,
        "pairs": len(result.pairs),
        "seconds": round(best_e2e, 2),
        "solver_seconds": round(best_solver, 2),
        "ratio": round(best_e2e / best_solver, 3),
        "households_optimal": opt.households,
        "households_greedy": base.households,
        "priority_households_optimal": int((opt.covered & priority).sum()),
        "priority_households_greedy": int((base.covered & priority).sum()),
        "weighted_optimal": opt.households_weighted,
        "weighted_greedy": base.households_weighted,
        "matched": int((opt.slot_of >= 0).sum()),
        "greedy_seconds": round(greedy_seconds, 2),
        "stages": {k: round(v, 2) for k, v in stages.items()},
    }
    if args.unpruned:
        every = candidates.generate(inst, weights)
        full = flow.solve(inst, every, weights.max_score)
        out.update(
            feasible_pairs=len(every),
            households_unpruned=full.households,
            weighted_unpruned=full.households_weighted,
            solver_seconds_unpruned=round(full.solver_seconds, 2),
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seekers", type=int, default=100_000)
    parser.add_argument("--households", type=int, default=40_000)
    parser.add_argument("--vacancies", type=int, default=2_000)
    parser.add_argument("--places", type=int, action="append", help="default: 50000 and 30000")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--unpruned", action="store_true", help="also solve on every feasible pair")
    args = parser.parse_args()
    variants = args.places or [50_000, 30_000]
    with tempfile.TemporaryDirectory(prefix="lnob-bench-matching-") as tmp:
        _django(Path(tmp) / "bench.sqlite3")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE bench_matchline (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER, "
                "person_id INTEGER, household_id INTEGER, village_id INTEGER, vacancy_id INTEGER, "
                "post_id INTEGER, priority INTEGER, score INTEGER, wage_part INTEGER, distance_part INTEGER, "
                "skill_part INTEGER, preference_part INTEGER, reason TEXT, state TEXT, options INTEGER, "
                "best_vacancy_id INTEGER, best_post_id INTEGER)"
            )
        results = []
        for places in variants:
            r = variant(places, args)
            results.append(r)
            print(
                f"{r['seekers']:,} seekers, {r['households']:,} households, {places:,} places: "
                f"{r['pairs']:,} pairs after pruning"
                + (f" ({r['feasible_pairs']:,} feasible)" if "feasible_pairs" in r else "")
            )
            print(
                f"  end to end {r['seconds']} s ({', '.join(f'{k} {v}' for k, v in r['stages'].items())}); "
                f"OR-Tools alone {r['solver_seconds']} s; ratio {r['ratio']}"
            )
            print(
                f"  households with a worker: optimum {r['households_optimal']:,}, greedy "
                f"{r['households_greedy']:,} ({r['households_optimal'] - r['households_greedy']:+,}); "
                f"priority households {r['priority_households_optimal']:,} "
                f"vs {r['priority_households_greedy']:,}"
                + (
                    f"; on every feasible pair {r['households_unpruned']:,}"
                    if "households_unpruned" in r
                    else ""
                )
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MB")
    main_result = results[0]
    line = {
        "bench": "matching",
        "seekers": main_result["seekers"],
        "pairs": main_result["pairs"],
        "seconds": main_result["seconds"],
        "solver_seconds": main_result["solver_seconds"],
        "ratio": main_result["ratio"],
        "households_optimal": main_result["households_optimal"],
        "households_greedy": main_result["households_greedy"],
        "peak_rss_mb": round(peak),
    }
    if len(results) > 1:
        s = results[1]
        line["scarce"] = {k: s[k] for k in ("places", "pairs", "seconds", "solver_seconds", "ratio",
                                             "households_optimal", "households_greedy")}  # fmt: skip
    print(json.dumps(line))


if __name__ == "__main__":
    main()
