"""Benchmark: generate a synthetic county and bulk-load it into a fresh SQLite database.

    .venv/bin/python bench/synth_load.py --persons 2000000

Creates a temporary database, migrates it and loads the national area tree (not timed), then times
generation and loading. The last line printed is one JSON object, for machines:
    {"bench": "synth_load", "persons": 2000000, "seconds": ..., "peak_rss_mb": ..., ...}
Target: 2,000,000 persons in at most 120 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--county", type=int, default=530627000000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and print its path")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="lnob-bench-"))
    database = folder / "bench.sqlite3"
    # the settings read DATABASE_URL when Django starts, so set it first
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lnob.settings")
    sys.path.insert(0, str(ROOT))
    try:
        result = run(args.persons, args.seed, args.county)
    finally:
        if args.keep:
            print(f"database kept at {database}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result))


def run(persons: int, seed: int, county: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    from lnob.areas.models import Area
    from lnob.areas.services import areas_load_national
    from lnob.engine.synth import generate
    from lnob.registry.bulk import load_synth_county

    call_command("migrate", verbosity=0)
    areas_load_national()
    name = Area.objects.get(code=county).name
    print(f"synth_load: {persons:,} persons of {name} ({county}) into a fresh SQLite database")

    started = time.perf_counter()
    synth = generate(persons=persons, seed=seed, county_code=county, county_name=name)
    generated = time.perf_counter()
    print(f"  generate   {generated - started:7.1f} s   ({sum(synth.counts().values()):,} rows)")
    counts = load_synth_county(synth)
    loaded = time.perf_counter()
    print(f"  load       {loaded - generated:7.1f} s")
    for table, rows in counts.items():
        print(f"    {table:<28} {rows:>12,}")
    total = loaded - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"  total      {total:7.1f} s   peak RSS {peak_mb:,.0f} MB")
    return {
        "bench": "synth_load",
        "persons": persons,
        "seconds": round(total, 1),
        "peak_rss_mb": round(peak_mb),
        "generate_seconds": round(generated - started, 1),
        "load_seconds": round(loaded - generated, 1),
        "rows": sum(counts.values()),
    }


if __name__ == "__main__":
    main()
