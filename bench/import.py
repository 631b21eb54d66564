"""Benchmark: import a synthetic county's XLSX files (areas, households, persons) into a fresh
SQLite database through the real pipeline: upload, validate (dry run), commit.

    .venv/bin/python bench/import.py --persons 1000000

The files are written once by `lnob synth --out DIR --format xlsx` in a separate process (about 4
minutes for a million persons) and kept in data/bench/ for later runs; writing them is not timed,
and a fresh process does the import so the peak memory is the import's own. A temporary database
is migrated and given the national area tree (not timed). Timed: validation (read, type, check,
reconcile with the registry, stage), then commit (reconcile again inside the transaction, write).
The last line printed is one JSON object, for machines:
    {"bench": "import", "rows": ..., "validate_seconds": ..., "total_seconds": ..., "peak_rss_mb": ...}
Targets (issue 3): 1,000,000 person rows (about 300,000 households), validated in ≤ 30 s,
validated and committed in ≤ 45 s, peak memory ≤ 2 GB, on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("areas", "households", "persons")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--county", default="530627")
    parser.add_argument("--format", choices=["xlsx", "csv", "parquet"], default="xlsx")
    parser.add_argument(
        "--files", type=Path, help="folder of exchange files to use (default: made and cached)"
    )
    parser.add_argument(
        "--again", action="store_true", help="then import the same files again (all unchanged)"
    )
    args = parser.parse_args()

    files = args.files or _files(args.persons, args.seed, args.county, args.format)
    folder = Path(tempfile.mkdtemp(prefix="lnob-bench-import-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["LNOB_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lnob.settings")
    sys.path.insert(0, str(ROOT))
    from lnob.cli import JEMALLOC

    os.environ.setdefault("_RJEM_MALLOC_CONF", JEMALLOC)  # as `lnob` sets it for the worker
    try:
        result = run(files, args.format, int(args.county.ljust(12, "0")), args.again)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result))


def _files(persons: int, seed: int, county: str, fmt: str) -> Path:
    out = ROOT / "data" / "bench" / f"import-{county}-{persons}-{seed}-{fmt}"
    if not all((out / f"{t}.{fmt}").exists() for t in TABLES):
        print(f"writing the exchange files into {out} (once; not timed)", flush=True)
        lnob = ROOT / ".venv" / "bin" / "lnob"
        command = [str(lnob), "synth", "--persons", str(persons), "--seed", str(seed), "--county", county]
        subprocess.run([*command, "--out", str(out), "--format", fmt], check=True)
    return out


def run(files: Path, fmt: str, county: int, again: bool = False) -> dict[str, object]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from lnob.areas.models import Area
    from lnob.areas.roles import Role
    from lnob.areas.services import areas_load_national, role_assign
    from lnob.exchange import services

    call_command("migrate", verbosity=0)
    areas_load_national()
    admin = get_user_model().objects.create_user(username="bench_admin", password="bench-password-91")  # noqa: S106
    role_assign(user=admin, area=Area.objects.get(code=county), role=Role.COUNTY_ADMIN)
    paths = [files / f"{t}.{fmt}" for t in TABLES]
    size_mb = sum(p.stat().st_size for p in paths) / 1e6
    print(f"import: {', '.join(p.name for p in paths)} ({size_mb:,.0f} MB) into a fresh SQLite database")

    started = time.perf_counter()
    batch = services.import_create(actor=admin, files=[(p.name, p) for p in paths])
    services.import_validate(batch)
    validated = time.perf_counter()
    validate_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if batch.status != batch.Status.VALIDATED:
        raise SystemExit(f"validation refused the files: {batch.error}")
    services.import_commit(actor=admin, batch=batch)
    committed = time.perf_counter()
    batch.refresh_from_db()

    tables = batch.summary["tables"]
    rows = sum(t["rows"] for t in tables.values())
    persons = tables["persons"]["rows"]
    seconds = batch.summary["seconds"]
    validate_s, total_s = validated - started, committed - started
    for name, t in tables.items():
        print(
            f"  {name:<11} {t['rows']:>10,} rows: {t['new']:,} new, {t['changed']:,} changed, "
            f"{t['unchanged']:,} unchanged, {t['invalid']:,} invalid"
        )
    for stage, s in seconds.items():
        table = stage.split(" ", 1)[1] if stage.startswith("read ") else None
        n = tables[table]["rows"] if table else rows
        print(f"  {stage:<18} {s:7.2f} s   {n / max(s, 1e-9):>12,.0f} rows/s")
    print(f"  validate total     {validate_s:7.2f} s   {rows / validate_s:>12,.0f} rows/s")
    commit_s = committed - validated
    print(f"  commit total       {commit_s:7.2f} s   {rows / commit_s:>12,.0f} rows/s")
    print(f"  written: {batch.summary['written']}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  total              {total_s:7.2f} s   peak RSS {peak_mb:,.0f} MB")
    print(f"  peak RSS by the end of validation {validate_peak:,.0f} MB")
    extra: dict[str, object] = {}
    if again:
        # the same files once more: every row must come back unchanged, and nothing is written
        started = time.perf_counter()
        second = services.import_create(actor=admin, files=[(p.name, p) for p in paths])
        services.import_validate(second)
        revalidated = time.perf_counter()
        written = services.import_commit(actor=admin, batch=second)
        recommitted = time.perf_counter()
        counts = second.counts
        assert counts["unchanged"] == counts["rows"] and sum(written.values()) == 0, (counts, written)
        print(
            f"  again: {counts['unchanged']:,} rows unchanged; validate {revalidated - started:.2f} s, "
            f"commit {recommitted - revalidated:.2f} s (nothing written)"
        )
        extra = {
            "again_validate_seconds": round(revalidated - started, 1),
            "again_commit_seconds": round(recommitted - revalidated, 1),
        }
    return {
        "bench": "import",
        "rows": rows,
        "person_rows": persons,
        "format": fmt,
        "validate_seconds": round(validate_s, 1),
        "commit_seconds": round(committed - validated, 1),
        "total_seconds": round(total_s, 1),
        "peak_rss_mb": round(peak_mb),
        **extra,
    }


if __name__ == "__main__":
    main()
