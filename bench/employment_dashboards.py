"""Benchmark: the employment dashboards of a synthetic county, on the embedded database.

    .venv/bin/python bench/employment_dashboards.py --persons 2000000

1. Prepares (not timed) a SQLite database holding the synthetic county as of the end of last
   month, its employment ledger imported through the `spells` exchange table, a county
   administrator and a village cadre, and the figures of the 11 months before last month
   computed, under data/bench/ so later runs reuse it (--fresh to rebuild). Each run starts from
   a copy of that prepared database.
2. Times the refresh job for last month (`lnob measures refresh`: load, figures, write), as the
   command line runs it: `refresh_seconds`.
3. Renders every page kind through Django's test Client, several times each (--repeat), as the
   county administrator and as the village cadre: the county's dashboard with and without a
   month, each township's, a sample of villages' (--villages), the API, and the CSV and XLSX
   exports. Prints a table of pages with the median and the slowest time.

The last line printed is one JSON object:
    {"bench": "employment_dashboards", "persons": ..., "pages": ..., "max_ms": ..., ...}
Target (issue 5): every dashboard in at most 300 ms for a county of 2,000,000 persons.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COUNTY = 530627000000
PRISTINE = "pristine.sqlite3"
ADMIN, CADRE = "bench_county_admin", "bench_village_cadre"
sys.path.insert(0, str(ROOT))
from lnob.cli import JEMALLOC  # noqa: E402  (imports no polars)

os.environ.setdefault("_RJEM_MALLOC_CONF", JEMALLOC)  # as `lnob` sets it, before polars loads


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="renders of each page")
    parser.add_argument("--villages", type=int, default=12, help="villages sampled")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached database")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)  # the preparing child process
    args = parser.parse_args()
    folder = ROOT / "data" / "bench" / f"employment-{COUNTY}-{args.persons}-{args.seed}"
    if args.prepare:
        _django(Path(args.prepare) / "bench.sqlite3")
        _prepare(Path(args.prepare), args.persons, args.seed)
        return
    if args.fresh or not (folder / PRISTINE).exists():
        command = [sys.executable, __file__, "--persons", str(args.persons), "--seed", str(args.seed)]
        subprocess.run([*command, "--prepare", str(folder)], check=True)
    database = folder / "bench.sqlite3"
    for extra in ("-wal", "-shm"):
        Path(f"{database}{extra}").unlink(missing_ok=True)
    shutil.copyfile(folder / PRISTINE, database)
    os.sync()
    print(f"database: {database}", file=sys.stderr)
    _django(database)
    result = _run(folder, args.persons, args.repeat, args.villages)
    print(json.dumps(result, ensure_ascii=False))


def _django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["LNOB_DATA_DIR"] = str(database.parent / "data")
    os.environ["DEBUG"] = "0"  # as in production: no query log kept per request
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lnob.settings")
    import django

    django.setup()


def _prepare(folder: Path, persons: int, seed: int) -> None:
    """The county, its ledger, the users and eleven months of figures (not timed)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from lnob.areas.codes import Level
    from lnob.areas.models import Area
    from lnob.areas.roles import Role
    from lnob.areas.services import areas_load_national, role_assign
    from lnob.engine.synth import generate
    from lnob.exchange.synth_out import import_ledger
    from lnob.measures.refresh import figures_refresh, months_back
    from lnob.registry.bulk import load_synth_county

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    areas_load_national()
    county = Area.objects.get(code=COUNTY)
    # the registry runs to the end of last month, as in the demo
    as_of = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    synth = generate(persons, seed=seed, county_code=COUNTY, county_name=county.name, as_of=as_of)
    load_synth_county(synth)
    print(f"  loaded the county in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    users = get_user_model().objects
    admin = users.create_user(username=ADMIN, password="bench-password-91")  # noqa: S106
    role_assign(user=admin, area=county, role=Role.COUNTY_ADMIN)
    village = Area.objects.filter(code__gt=COUNTY, code__lt=COUNTY + 10**6, level=Level.VILLAGE).order_by(
        "code"
    )
    cadre = users.create_user(username=CADRE, password="bench-password-91")  # noqa: S106
    role_assign(user=cadre, area=village.first(), role=Role.VILLAGE_CADRE)
    counts = import_ledger(synth, actor=admin, folder=folder)
    print(
        f"  imported the ledger {counts} at {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    del synth
    for month in months_back(12, as_of)[:-1]:  # the trend: every month before the timed one
        run = figures_refresh(actor=None, area_code=COUNTY, month=month)
        print(
            f"  figures {month:%Y-%m}: {run.rows:,} rows in {run.seconds:.1f} s", file=sys.stderr, flush=True
        )
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    shutil.copyfile(folder / "bench.sqlite3", folder / PRISTINE)
    (folder / "as_of").write_text(as_of.isoformat())
    print(f"prepared {folder / PRISTINE} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _run(folder: Path, persons: int, repeat: int, sample: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from lnob.areas.codes import Level
    from lnob.areas.models import Area
    from lnob.measures.refresh import figures_refresh

    call_command("migrate", verbosity=0)  # a database prepared by an older version catches up (not timed)
    as_of = dt.date.fromisoformat((folder / "as_of").read_text())
    month = as_of.replace(day=1)
    started = time.perf_counter()
    run = figures_refresh(actor=None, area_code=COUNTY, month=month)
    refresh_seconds = time.perf_counter() - started
    print(f"refresh {month:%Y-%m}: {run.rows:,} rows in {refresh_seconds:.1f} s ({run.timings})")

    users = get_user_model().objects
    admin, cadre = Client(), Client()
    admin.force_login(users.get(username=ADMIN))
    cadre.force_login(users.get(username=CADRE))
    townships = list(
        Area.objects.filter(parent_id=COUNTY, level=Level.TOWNSHIP)
        .order_by("code")
        .values_list("code", flat=True)
    )
    villages = list(
        Area.objects.filter(code__gt=COUNTY, code__lt=COUNTY + 10**6, level=Level.VILLAGE)
        .order_by("code")
        .values_list("code", flat=True)
    )
    step = max(len(villages) // sample, 1)
    chosen = villages[::step][:sample]
    cadre_village = villages[0]
    m = f"{month:%Y-%m}"
    pages: list[tuple[str, Client, str, dict[str, Any]]] = [
        ("county", admin, "/measures/employment/", {"area": COUNTY, "month": m}),
        ("county, no month", admin, "/measures/employment/", {}),
        ("county API", admin, "/api/v1/measures/employment", {"area": COUNTY, "month": m}),
        ("county CSV", admin, "/measures/employment/export.csv", {"area": COUNTY, "month": m}),
        ("county XLSX", admin, "/measures/employment/export.xlsx", {"area": COUNTY, "month": m}),
    ]
    pages += [
        (f"township {code}", admin, "/measures/employment/", {"area": code, "month": m}) for code in townships
    ]
    pages += [(f"township {townships[0]} API", admin, "/api/v1/measures/employment", {"area": townships[0]})]
    pages += [
        (f"village {code}", admin, "/measures/employment/", {"area": code, "month": m}) for code in chosen
    ]
    pages += [
        ("cadre: village", cadre, "/measures/employment/", {"area": cadre_village, "month": m}),
        ("cadre: village, no month", cadre, "/measures/employment/", {}),
        ("cadre: API", cadre, "/api/v1/measures/employment", {}),
        ("cadre: CSV", cadre, "/measures/employment/export.csv", {"area": cadre_village, "month": m}),
    ]
    rows = []
    for name, client, url, params in pages:
        times = []
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {url} {params} answered {response.status_code}")
        times = times[1:]  # the first render warms the templates and the connection
        rows.append((name, statistics.median(times), max(times), len(response.content)))
    print(f"{'page':<34} {'median ms':>10} {'max ms':>8} {'bytes':>9}")
    for name, median, slowest, size in rows:
        print(f"{name:<34} {median:>10.1f} {slowest:>8.1f} {size:>9,}")
    max_ms = max(r[2] for r in rows)
    print(f"refresh_seconds: {refresh_seconds:.1f}; max_ms: {max_ms:.1f} (target 300)")
    return {
        "bench": "employment_dashboards",
        "persons": persons,
        "pages": len(rows),
        "max_ms": round(max_ms, 1),
        "refresh_seconds": round(refresh_seconds, 1),
        "refresh_timings": run.timings,
        "rows": run.rows,
    }


if __name__ == "__main__":
    main()
