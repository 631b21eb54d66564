"""The error file of an import: the rows that have errors, as they were uploaded, in the same
format, with one column per problem, so a clerk can correct them and upload the file again.

Columns: 原行号 (the row in the uploaded file), then the uploaded columns under their original
headers, then "错误：<header>" for each column that has a problem in some row, and "错误" for
problems that concern the row as a whole. Rows without errors are left out: importing them again
would change nothing, and a short file is easier to work through.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from .export import write_table
from .models import ImportBatch

ROW_HEADER = "原行号"


def error_tables(batch: ImportBatch) -> list[str]:
    """Tables of the batch whose file has rows with errors."""
    try:
        issues = pl.read_parquet(batch.folder / "issues.parquet", columns=["table", "severity"])
    except OSError:
        return []
    return sorted(issues.filter(pl.col("severity") == "error")["table"].unique().to_list())


def error_file(batch: ImportBatch, table: str) -> tuple[bytes, str, str]:
    """(content, file name, format) of the error file for one table of the batch."""
    from .services import load_staged

    staged = load_staged(batch).get(table)
    if staged is None:
        raise KeyError(table)
    issues = pl.read_parquet(batch.folder / "issues.parquet").filter(
        (pl.col("table") == table) & (pl.col("severity") == "error")
    )
    fmt = str(staged.meta.get("format") or "csv")
    raw = staged.raw
    rows = sorted(issues["row"].unique().to_list())
    raw = raw.filter(pl.col("_row").is_in(rows)).sort("_row")
    headers = staged.headers
    columns = [c for c in raw.columns if c != "_row"]
    # one text per (row, column): several problems in one cell are joined
    problems = issues.group_by("row", "column").agg(pl.col("message").unique().sort().str.join("；"))
    problem_columns = [c for c in columns if c in set(problems["column"].to_list())]
    whole_row = problems.filter(~pl.col("column").is_in(columns))
    whole_row = whole_row.group_by("row").agg(pl.col("message").str.join("；"))
    out = raw.select(pl.col("_row").alias(ROW_HEADER), *[pl.col(c).alias(headers.get(c, c)) for c in columns])
    for c in problem_columns:
        mine = problems.filter(pl.col("column") == c).select(
            pl.col("row").alias(ROW_HEADER), pl.col("message").alias(_error_header(headers.get(c, c)))
        )
        out = out.join(mine, on=ROW_HEADER, how="left")
    if whole_row.height:
        out = out.join(
            whole_row.select(pl.col("row").alias(ROW_HEADER), pl.col("message").alias(str(_("错误")))),
            on=ROW_HEADER,
            how="left",
        )
    out = out.sort(ROW_HEADER)
    name = f"import-{batch.pk}-{table}-errors.{fmt}"
    if fmt == "parquet":
        buffer = io.BytesIO()
        out.write_parquet(buffer)
        return buffer.getvalue(), name, fmt
    data: list[tuple[Any, ...]] = out.rows()
    if fmt != "xlsx":
        fmt, name = "csv", name.rsplit(".", 1)[0] + ".csv"
    return write_table(data, out.columns, fmt), name, fmt


def _error_header(header: str) -> str:
    return str(_("错误：{column}")).format(column=header)
