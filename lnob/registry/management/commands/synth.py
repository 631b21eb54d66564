from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lnob.areas.codes import Level, format_code, level_of, parse_code

DEFAULT_AS_OF = dt.date(2026, 6, 30)


class Command(BaseCommand):
    help = (
        "Generate a realistic synthetic rural county (townships, villages, households, persons, "
        "memberships, incomes, spending, shocks), reproducible from --seed, and load it into the "
        "database in one bulk transaction; or, with --out DIR, write it in the exchange format "
        "(docs/exchange-format.md), one file per table, for import (no database). "
        "Example: lnob synth --persons 20000 --county 530627 --replace"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=20_000, help="number of persons (default 20,000)")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed: same seed, same county (default 1)"
        )
        parser.add_argument(
            "--county", default="530627000000", help="6- or 12-digit county code (default 530627, 镇雄县)"
        )
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=DEFAULT_AS_OF,
            help=f"date the data describes, YYYY-MM-DD (default {DEFAULT_AS_OF})",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="first delete the county's townships, villages and registry rows already in the database",
        )
        parser.add_argument(
            "--out", type=Path, help="write the exchange-format files into this folder, not the database"
        )
        parser.add_argument(
            "--format",
            choices=["csv", "parquet", "xlsx"],
            default="csv",
            help="file format with --out (default csv)",
        )

    def handle(self, *args: Any, persons: int, seed: int, county: str, as_of: dt.date, replace: bool,
               out: Path | None, format: str, **options: Any) -> None:  # fmt: skip
        from lnob.engine.synth import generate

        if not 1 <= persons <= 10_000_000:
            raise CommandError("--persons must be between 1 and 10,000,000")
        code = self._county_code(county)
        name = self._county_name(code, use_database=out is None)
        started = time.perf_counter()
        synth = generate(persons=persons, seed=seed, county_code=code, county_name=name, as_of=as_of)
        generated = time.perf_counter()
        self.stdout.write(f"Generated {name} ({format_code(code)}), seed {seed}: {generated - started:.1f} s")
        counts = self._write_exchange(synth, out, format) if out is not None else self._load(synth, replace)
        finished = time.perf_counter()
        for table, rows in counts.items():
            self.stdout.write(f"  {table:<28} {rows:>12,}")
        where = f"written to {out}" if out is not None else "loaded"
        self.stdout.write(
            self.style.SUCCESS(
                f"{sum(counts.values()):,} rows {where} in {finished - generated:.1f} s "
                f"({finished - started:.1f} s in all)"
            )
        )

    @staticmethod
    def _county_code(text: str) -> int:
        try:
            code = parse_code(text)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if level_of(code) != Level.COUNTY:
            raise CommandError(f"{format_code(code)} is not a county-level code (such as 530627)")
        return code

    @staticmethod
    def _county_name(code: int, *, use_database: bool) -> str:
        from lnob.areas.models import Area
        from lnob.areas.services import national_adcodes

        if use_database:
            area = Area.objects.filter(code=code).first()
            if area is not None:
                return area.name
        for row in national_adcodes():
            if row.code == code:
                return row.name
        raise CommandError(f"{format_code(code)} is not in the national list of counties")

    def _write_exchange(self, synth: Any, out: Path, fmt: str) -> dict[str, int]:
        from lnob.exchange.synth_out import write_exchange

        return write_exchange(synth, out, fmt)  # type: ignore[arg-type]

    def _load(self, synth: Any, replace: bool) -> dict[str, int]:
        from lnob.areas.models import Area
        from lnob.areas.services import areas_load_national
        from lnob.registry.bulk import SynthLoadError, load_synth_county

        if not Area.objects.filter(code=synth.county_code).exists():
            self.stdout.write("Loading the national area tree first...")
            areas_load_national()
        try:
            return load_synth_county(synth, replace=replace, progress=self._progress)
        except SynthLoadError as exc:
            raise CommandError(str(exc)) from None

    def _progress(self, table: str, done: int, total: int) -> None:
        interactive = self.stdout.isatty()
        if done < total and interactive:
            self.stdout.write(f"\r  loading {table:<28} {done:>12,} / {total:,}", ending="")
            self.stdout.flush()
        elif done >= total:
            self.stdout.write(
                f"\r  loaded  {table:<28} {done:>12,} / {total:,}" if interactive else f"  loaded {table}"
            )
