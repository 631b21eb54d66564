"""The synthetic county in the exchange format: the same tables and columns a county uploads.

`lnob synth --out DIR` writes these files, so the import pipeline can be exercised (and
benchmarked) on realistic data, and so importing them into an empty database can be compared with
loading the county directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import polars as pl

from lnob.engine.synth import SynthCounty

from .schema import TABLES

Format = Literal["csv", "parquet", "xlsx"]


def exchange_tables(synth: SynthCounty, *, employers: bool = False) -> dict[str, pl.DataFrame]:
    """One frame per exchange table, with the exchange format's English column names.

    The spells name their employers (`employer_code`) only with `employers`: the exchange format
    has no employers table, so files imported into a county whose list lacks them would be
    refused; `import_ledger` puts the employers on the list first and keeps them."""
    areas = synth.areas.filter(pl.col("level") >= 4).select(
        pl.col("code"), pl.col("name"), pl.col("parent_id").alias("parent")
    )
    numbers = synth.households.select(
        pl.col("id").alias("household_id"), pl.col("number").alias("household_number")
    )
    ids = synth.persons.select(pl.col("id").alias("person_id"), "id_number")
    names = synth.persons.select(pl.col("id").alias("person_id"), "id_number", "name")
    households = synth.households.join(
        synth.household_versions.filter(pl.col("valid_to").is_null()), left_on="id", right_on="household_id"
    ).select(
        "number",
        pl.col("village_id").alias("village"),
        "status",
        "left_poverty_year",
        "housing_safe",
        "water_safe",
        "contact_phone",
        "valid_from",
    )
    current = synth.memberships.filter(pl.col("left").is_null())
    versions = synth.person_versions.filter(pl.col("valid_to").is_null()).drop("id", "valid_from", "valid_to")
    persons = (
        synth.persons.join(current.drop("id"), left_on="id", right_on="person_id")
        .join(versions, left_on="id", right_on="person_id")
        .join(numbers, on="household_id")
    )
    history = (
        synth.memberships.filter(pl.col("left").is_not_null())
        .join(ids, on="person_id")
        .join(numbers, on="household_id")
    )

    def money(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.join(numbers, on="household_id").join(ids, on="person_id", how="left")

    tables = {
        "areas": areas,
        "households": households,
        "persons": persons,
        "memberships": history,
        "incomes": money(synth.incomes),
        "expenditures": money(synth.expenditures),
        "shocks": money(synth.shocks.rename({"risk_type_id": "risk_type"})),
        # departments know people by resident ID (and name), not by household
        "alerts": synth.alerts.join(names, on="person_id", maintain_order="left"),
        # the employment ledger, by resident ID; employers by credit code (lnob.engine.synth.spells)
        "spells": synth.ledger.join(names, on="person_id", maintain_order="left").drop(
            [] if employers else ["employer_code"]
        ),
    }
    return {
        name: frame.select([c.name for c in TABLES[name].columns if c.name in frame.columns])
        for name, frame in tables.items()
    }


XLSX_MAX_ROWS = 1_048_575  # a worksheet holds 1,048,576 rows, one of them the header


def write_exchange(synth: SynthCounty, out: Path, fmt: Format = "csv") -> dict[str, int]:
    """Write each exchange table as <table>.<fmt> into `out`; return the rows per table.

    A table too long for one worksheet (incomes of a large county) is written as CSV even when
    XLSX is asked for, as a county would have to."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, frame in exchange_tables(synth).items():
        fits = fmt != "xlsx" or frame.height <= XLSX_MAX_ROWS
        path = out / f"{name}.{fmt if fits else 'csv'}"
        if not fits:
            frame.write_csv(path, include_bom=True)
        elif fmt == "parquet":
            frame.write_parquet(path)
        elif fmt == "xlsx":
            frame.with_columns(pl.all().cast(pl.String)).write_excel(path, worksheet=name)
        else:
            frame.write_csv(path, include_bom=True)
        counts[name] = frame.height
    return counts


def import_ledger(synth: SynthCounty, *, actor: Any, folder: Path | None = None) -> dict[str, int]:
    """Load the synthetic county's employment ledger the way a county would: the employers it
    names onto the county's list (in bulk: the exchange format has no employers table), then
    `spells.csv` through the import pipeline (upload, validate, commit) as `actor`, who must
    edit the county's registry. Returns {"employers": created, "spells": rows written}.
    Every row must be valid: a refused row stops it, with nothing of the spells written."""
    import tempfile

    from lnob.employment.models import Employer
    from lnob.exchange import services

    known = set(Employer.objects.filter(county_id=synth.county_code).values_list("credit_code", flat=True))
    created = Employer.objects.bulk_create(
        [
            Employer(county_id=synth.county_code, credit_code=code, name=name, sector=sector, address=address)
            for code, name, sector, address in synth.employers.iter_rows()
            if code not in known
        ],
        batch_size=1000,
    )
    spells = exchange_tables(synth, employers=True)["spells"]
    with tempfile.TemporaryDirectory(prefix="lnob-ledger-", dir=folder) as tmp:
        path = Path(tmp) / "spells.csv"
        spells.write_csv(path, include_bom=True)
        batch = services.import_create(actor=actor, files=[(path.name, path)])
    services.import_validate(batch)
    batch.refresh_from_db()
    if batch.status != batch.Status.VALIDATED:
        raise RuntimeError(f"the synthetic ledger did not validate: {batch.error or batch.summary}")
    written = services.import_commit(actor=actor, batch=batch)
    return {"employers": len(created), "spells": int(written.get("employment_spell", 0))}
