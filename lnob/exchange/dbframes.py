"""Moving whole columns between the database and polars, on SQLite and PostgreSQL alike.

The import compares a million rows with the registry and writes them back. Doing that one ORM
object at a time would take hours; here a batch's keys go into a temporary table in one bulk
statement (SQLite `executemany`, PostgreSQL `COPY`), the registry rows that match come back with
one join, and updates are one `UPDATE ... FROM` over a temporary table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.db import connection

_SQL_TYPES = {
    pl.Int64: "BIGINT",
    pl.Int32: "BIGINT",
    pl.Int16: "BIGINT",
    pl.Int8: "BIGINT",
    pl.UInt32: "BIGINT",
    pl.Float64: "NUMERIC(14, 2)",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
    pl.String: "TEXT",
}


def _sql_type(dtype: pl.DataType) -> str:
    for known, sql in _SQL_TYPES.items():
        if dtype == known:
            return sql
    raise TypeError(f"no SQL type for {dtype}")


def _stored(frame: pl.DataFrame) -> pl.DataFrame:
    """Values as the database takes them: dates as ISO text on SQLite, booleans as 0/1."""
    if connection.vendor != "sqlite":
        return frame
    moves = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            moves.append(pl.col(name).dt.strftime("%Y-%m-%d"))
        elif dtype == pl.Boolean:
            moves.append(pl.col(name).cast(pl.Int8))
    return frame.with_columns(moves) if moves else frame


def temp_table(name: str, frame: pl.DataFrame) -> None:
    """(Re)create temporary table `name` holding `frame`, in one bulk write."""
    columns = ", ".join(f'"{c}" {_sql_type(t)}' for c, t in frame.schema.items())
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
        cursor.execute(f'CREATE TEMPORARY TABLE "{name}" ({columns})')
        if frame.is_empty():
            return
        names = ", ".join(f'"{c}"' for c in frame.columns)
        data = _stored(frame)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f'COPY "{name}" ({names}) FROM STDIN') as copy:
                for row in data.iter_rows():
                    copy.write_row(row)
        else:
            _sqlite_insert(f'INSERT INTO "{name}" ({names}) VALUES ', data)  # noqa: S608 our names
        if frame.height > 1000:
            cursor.execute(f'ANALYZE "{name}"')


def _sqlite_insert(head: str, data: pl.DataFrame) -> None:
    """Multi-row INSERTs: a hundred rows per statement cost a fraction of a hundred statements."""
    width = data.width
    per = max(1, min(100, 32_766 // width))
    row = "(" + ", ".join("?" * width) + ")"
    flat: list[Any] = [None] * (data.height * width)
    for i, column in enumerate(data.iter_columns()):
        flat[i::width] = column.to_list()
    whole = (data.height // per) * per
    raw = connection.connection
    if whole:
        step = per * width
        raw.executemany(
            head + ", ".join([row] * per), (flat[o : o + step] for o in range(0, whole * width, step))
        )
    if whole < data.height:
        raw.executemany(head + row, (flat[o : o + width] for o in range(whole * width, len(flat), width)))


def drop_temp(*names: str) -> None:
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP TABLE IF EXISTS "{name}"')


def query_frame(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run a query and return its rows with the given column names and types, built in one go
    (not value by value in Python). Dates arrive as dates on both databases (Django registers
    SQLite converters for declared DATE columns); PostgreSQL's numerics arrive as Decimal."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    decimals = [n for n, t in schema.items() if t == pl.Float64]
    # dates selected as CAST(... AS TEXT) arrive as text, which polars parses far faster than
    # the database driver turns them into Python dates one by one
    first = rows[0] if rows else ()
    texts = [n for i, (n, t) in enumerate(schema.items()) if t == pl.Date and first and _first_text(rows, i)]
    loose = {n: (pl.Object if n in decimals else pl.String if n in texts else t) for n, t in schema.items()}
    try:
        frame = pl.DataFrame(rows, schema=loose, orient="row", strict=False)
    except (pl.exceptions.ComputeError, TypeError):  # text dates (an expression, not a column)
        return _query_frame_slow(rows, schema)
    # strict=False turns a value of another type into null: make sure none was lost that way
    for i, (name, dtype) in enumerate(schema.items()):
        if name in texts:
            continue
        if dtype in (pl.Date, pl.Boolean) and frame[name].null_count() != sum(r[i] is None for r in rows):
            return _query_frame_slow(rows, schema)
    moves: list[Any] = [
        pl.Series(n, [None if v is None else float(v) for v in frame[n].to_list()], dtype=pl.Float64)
        for n in decimals
    ]
    moves += [pl.col(n).str.slice(0, 10).str.to_date("%Y-%m-%d") for n in texts]
    return frame.with_columns(moves) if moves else frame


def _first_text(rows: list[tuple[Any, ...]], i: int) -> bool:
    """Whether column i holds text (its first non-null value tells)."""
    for row in rows:
        if row[i] is not None:
            return isinstance(row[i], str)
    return False


def _query_frame_slow(rows: list[tuple[Any, ...]], schema: dict[str, Any]) -> pl.DataFrame:
    columns = []
    for i, (name, dtype) in enumerate(schema.items()):
        values = [row[i] for row in rows]
        if dtype == pl.Date:
            series = pl.Series(name, [_as_date(v) for v in values], dtype=pl.Date)
        elif dtype == pl.Boolean:
            series = pl.Series(name, [None if v is None else bool(v) for v in values], dtype=pl.Boolean)
        elif dtype == pl.Float64:
            series = pl.Series(name, [None if v is None else float(v) for v in values], dtype=pl.Float64)
        else:
            series = pl.Series(name, values, dtype=dtype, strict=False)
        columns.append(series)
    return pl.DataFrame(columns) if columns else pl.DataFrame(schema=schema)


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def next_ids(table: str, count: int) -> pl.Series:
    """`count` fresh primary keys for `table`, reserved so no concurrent insert takes them.

    SQLite: the write lock of the surrounding transaction (taken at BEGIN IMMEDIATE) keeps other
    writers out, so the ids after the highest one used (deleted rows' ids included) are free.
    PostgreSQL: drawn from the table's own sequence.
    """
    if count == 0:
        return pl.Series("id", [], dtype=pl.Int64)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",  # noqa: S608
                [count],
            )
            return pl.Series("id", sorted(r[0] for r in cursor.fetchall()), dtype=pl.Int64)
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
        last = int(cursor.fetchone()[0])
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        last = max(last, int(cursor.fetchone()[0]))
    return pl.int_range(last + 1, last + 1 + count, dtype=pl.Int64, eager=True).alias("id")


def update_from(table: str, frame: pl.DataFrame, *, key: str = "id") -> int:
    """Set the columns of `frame` on the rows of `table` whose `key` matches; one statement."""
    if frame.is_empty():
        return 0
    temp = f"lnob_upd_{table}"
    temp_table(temp, frame)
    sets = ", ".join(f'"{c}" = u."{c}"' for c in frame.columns if c != key)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET {sets} FROM "{temp}" AS u WHERE "{table}"."{key}" = u."{key}"'  # noqa: S608
        )
        changed = cursor.rowcount
    drop_temp(temp)
    return int(changed)
