"""Small exchange files for import tests, and running a batch through the pipeline."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from lnob.exchange import services
from lnob.exchange.models import ImportBatch

AS_OF = dt.date(2026, 6, 30)


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


HOUSEHOLD_HEADER = ["number", "village", "status", "left_poverty_year", "water_safe"]
PERSON_HEADER = ["id_number", "name", "household_number", "relation", "joined", "phone"]


def households_csv(*rows: list[Any]) -> tuple[str, bytes]:
    return "households.csv", csv_bytes(HOUSEHOLD_HEADER, list(rows))


def persons_csv(*rows: list[Any]) -> tuple[str, bytes]:
    return "persons.csv", csv_bytes(PERSON_HEADER, list(rows))


def validated(actor: Any, *files: tuple[str, bytes], as_of: dt.date = AS_OF) -> ImportBatch:
    batch = services.import_create(actor=actor, files=list(files), as_of=as_of)
    try:
        services.import_validate(batch)
    except services.ImportRefused:
        batch.refresh_from_db()
    return batch


def issues(batch: ImportBatch) -> list[dict[str, Any]]:
    import polars as pl

    return pl.read_parquet(batch.folder / services.ISSUES).to_dicts()


def messages_for(batch: ImportBatch, severity: str = "error") -> list[tuple[int, str, str]]:
    return [(i["row"], i["column"], i["message"]) for i in issues(batch) if i["severity"] == severity]
