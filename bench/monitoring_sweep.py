"""Benchmark: a monitoring sweep of a synthetic county, end to end, on the embedded database.

    .venv/bin/python bench/monitoring_sweep.py --persons 2000000

1. Prepares (not timed) a SQLite database holding the synthetic county, with its ground truth
   (households planted with known risks, lnob.engine.synth.truth) and last month's sweep done,
   under data/bench/ so later runs reuse it (--fresh to rebuild). Each run starts from a copy
   of that prepared database, so every run times the same work.
2. In a child process (so its peak memory is the sweep's own), runs a sweep as `lnob monitor
   sweep` would: load from the database, features, every rule, results and leads written, in
   one transaction. `seconds` is that whole sweep.
3. Times the rule stage (features and rules, from the loaded tables) against a hand-written
   DuckDB query computing the same features from the same tables
   (lnob.engine.monitor.reference), best of three each.
4. Compares the hits of the rules that encode the policy exactly with the ground truth:
   precision and recall.

The last line printed is one JSON object:
    {"bench": "monitoring_sweep", "persons": ..., "seconds": ..., "rule_stage_seconds": ...,
     "duckdb_seconds": ..., "ratio": ..., "peak_rss_mb": ..., "precision": ..., "recall": ...}
Targets (issue 4): 2,000,000 persons in at most 10 s with at most 4 GB; ratio at most 2;
precision and recall 1.0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTY = 530627000000
PRISTINE = "pristine.sqlite3"  # the prepared database; each run starts from a copy of it
sys.path.insert(0, str(ROOT))
from lnob.cli import JEMALLOC  # noqa: E402  (imports no polars)

os.environ.setdefault("_RJEM_MALLOC_CONF", JEMALLOC)  # as `lnob` sets it, before polars loads


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached database")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # the timed sweep, in its own process
    args = parser.parse_args()
    if args.child:
        _django(Path(args.child))
        print(json.dumps(_sweep()))
        return

    folder = ROOT / "data" / "bench" / f"monitoring-{COUNTY}-{args.persons}-{args.seed}"
    database = folder / "bench.sqlite3"
    if args.fresh or not (folder / PRISTINE).exists():
        prepare = subprocess.run(
            [
                sys.executable,
                __file__,
                "--persons",
                str(args.persons),
                "--seed",
                str(args.seed),
                "--child",
                "-",
            ],
            env={**os.environ, "LNOB_BENCH_PREPARE": str(folder)},
            check=True,
        )
        assert prepare.returncode == 0
    print(f"database: {database}", file=sys.stderr)
    # every run starts from the same database: earlier runs' sweeps would otherwise pile up
    for extra in ("-wal", "-shm"):
        Path(f"{database}{extra}").unlink(missing_ok=True)
    shutil.copyfile(folder / PRISTINE, database)
    os.sync()  # the copy's dirty pages written out now, not while the sweep is timed
    child = subprocess.run(
        [sys.executable, __file__, "--child", str(database)], capture_output=True, text=True, check=False
    )
    sys.stderr.write(child.stderr)
    if child.returncode != 0:
        raise SystemExit(f"the sweep failed:\n{child.stdout}")
    sweep = json.loads(child.stdout.strip().splitlines()[-1])

    _django(database)
    stage = _stages(folder)
    result = {
        "bench": "monitoring_sweep",
        "persons": args.persons,
        "households": sweep["households"],
        "seconds": sweep["seconds"],
        "rule_stage_seconds": stage["rule_stage_seconds"],
        "duckdb_seconds": stage["duckdb_seconds"],
        "ratio": round(stage["rule_stage_seconds"] / stage["duckdb_seconds"], 2),
        "peak_rss_mb": sweep["peak_rss_mb"],
        "precision": sweep["precision"],
        "recall": sweep["recall"],
        "sweep_stages": sweep["timings"],
        "memory_mb": {"sweep": sweep["sweep_process_mb"], "each_reader": sweep["reader_process_mb"]},
        "flagged": sweep["flagged"],
        "per_rule": sweep["per_rule"],
    }
    for key, value in result.items():
        print(f"{key:>20}: {value}")
    print(json.dumps(result))


def _django(database: Path) -> None:
    prepare = os.environ.get("LNOB_BENCH_PREPARE")
    if prepare:
        database = Path(prepare) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lnob.settings")
    os.environ["LNOB_DATA_DIR"] = str(database.parent / "data")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if prepare:
        _prepare(Path(prepare))
        raise SystemExit(0)


def _prepare(folder: Path) -> None:
    """Fresh database with the synthetic county and its ground truth (not timed)."""
    import shutil

    from django.core.management import call_command

    from lnob.areas.services import areas_load_national
    from lnob.engine.synth import generate
    from lnob.registry.bulk import load_synth_county

    persons = int(sys.argv[sys.argv.index("--persons") + 1])
    seed = int(sys.argv[sys.argv.index("--seed") + 1])
    database = folder / "bench.sqlite3"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    areas_load_national()
    synth = generate(persons, seed=seed, county_code=COUNTY)
    load_synth_county(synth)
    truth = synth.truth.join(synth.households.select(pl_col_id(), "number"), on="household_id")
    truth.select("number", "rule_code").write_parquet(folder / "truth.parquet")
    # the county as it stands on the day of the timed sweep: last month's sweep is done, its
    # leads are open, so the timed sweep merges new evidence into them as a monthly sweep does
    from django.db import connection

    from lnob.monitoring.sweeps import sweep_create, sweep_run

    last_month = synth.as_of.replace(day=1) - dt.timedelta(days=1)
    sweep = sweep_create(actor=None, county_code=COUNTY, as_of=last_month, trigger="command", enqueue=False)
    sweep_run(sweep)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    shutil.copyfile(database, folder / PRISTINE)
    (folder / "as_of").write_text(synth.as_of.isoformat())
    print(f"prepared {database} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def pl_col_id():  # type: ignore[no-untyped-def]
    import polars as pl

    return pl.col("id").alias("household_id")


def _sweep() -> dict[str, object]:
    import polars as pl
    from django.db import connection

    from lnob.engine.monitor.defaults import EXACT
    from lnob.monitoring.models import SweepHit
    from lnob.monitoring.sweeps import sweep_create, sweep_run

    folder = Path(connection.settings_dict["NAME"]).parent
    as_of = dt.date.fromisoformat((folder / "as_of").read_text())
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a database prepared by an older version catches up (not timed)
    started = time.perf_counter()
    sweep = sweep_create(actor=None, county_code=COUNTY, as_of=as_of, trigger="command", enqueue=False)
    sweep = sweep_run(sweep)
    seconds = time.perf_counter() - started
    # the sweep's process and, while it loads, its two reader processes: counted as if all three
    # peaked at once (an upper bound)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak = own + 2 * reader
    assert sweep.status == "done", sweep.error

    hits = pl.DataFrame(
        list(SweepHit.objects.filter(sweep=sweep).values_list("household__number", "rule_code")),
        schema={"number": pl.String, "rule_code": pl.String},
        orient="row",
    )
    truth = pl.read_parquet(folder / "truth.parquet")
    ran = [code for code in EXACT if code in set(truth["rule_code"]) or code in sweep.counts["by_rule"]]
    found = hits.filter(pl.col("rule_code").is_in(ran))
    expected = truth.filter(pl.col("rule_code").is_in(ran))
    both = found.join(expected, on=["number", "rule_code"]).height
    per_rule = {}
    for code in ran:
        f = found.filter(pl.col("rule_code") == code).height
        e = expected.filter(pl.col("rule_code") == code).height
        b = found.filter(pl.col("rule_code") == code).join(expected, on=["number", "rule_code"]).height
        per_rule[code] = {"found": f, "truth": e, "both": b}
    return {
        "seconds": round(seconds, 2),
        "timings": sweep.timings,
        "households": sweep.counts["households"],
        "flagged": sweep.counts["flagged"],
        "peak_rss_mb": round(peak),
        "sweep_process_mb": round(own),
        "reader_process_mb": round(reader),
        "precision": round(both / found.height, 6) if found.height else 1.0,
        "recall": round(both / expected.height, 6) if expected.height else 1.0,
        "per_rule": per_rule,
    }


def _stages(folder: Path) -> dict[str, float]:
    """Rule stage (polars features + all rules) against the hand-written DuckDB features, on the
    same tables loaded once from the database; best of three each."""
    from lnob.engine.monitor import features as F
    from lnob.engine.monitor.evaluate import evaluate
    from lnob.engine.monitor.reference import duckdb_features
    from lnob.monitoring.load import load
    from lnob.monitoring.policy import parameters, policy_for, rules_for
    from lnob.monitoring.sweeps import _compile
    from lnob.registry.models import RiskType

    as_of = dt.date.fromisoformat((folder / "as_of").read_text())
    inputs = load(COUNTY, as_of, fast=True).collect()  # both engines start from the same tables
    risk_types = tuple(RiskType.objects.filter(active=True).order_by("code").values_list("code", flat=True))
    settings = F.Settings(as_of=as_of, risk_types=risk_types)
    params = parameters(policy_for(COUNTY, as_of))
    compiled = _compile(rules_for(COUNTY, as_of), F.feature_columns(risk_types), params)[0]

    def rule_stage() -> None:
        evaluate(F.compute(inputs, settings), compiled, params)

    def reference() -> None:
        duckdb_features(inputs, settings)

    return {"rule_stage_seconds": _best(rule_stage), "duckdb_seconds": _best(reference)}


def _best(fn, runs: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return round(min(times), 3)


if __name__ == "__main__":
    main()
