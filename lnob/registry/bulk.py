"""Load a synthetic county (lnob.engine.synth) into the database in bulk, in one transaction.

Never one ORM object at a time: SQLite gets multi-row INSERT statements through the raw DB-API
connection, PostgreSQL gets COPY. Generated ids start at 1 and are shifted past the ids already in
the database, so a second county can be loaded beside the first.

What made the SQLite load fast (measured with bench/synth_load.py, 2 million persons; details in
docs/synthetic-county.md):
- multi-row `INSERT ... VALUES (...), (...), ...` through `executemany`: about 40% less time
  than one row per statement, since the per-statement overhead of the sqlite3 module dominates;
- columns that hold one value throughout a chunk (empty notes, open validity, the income period,
  ...) are written into the SQL text as literals, columns with few values are bound as small
  integers, and consecutive ids are left to AUTOINCREMENT: fewer values to bind per row;
- secondary indexes of the big tables are dropped and rebuilt once at the end (inside the same
  transaction) when the load is large compared to what the table already holds;
- row-by-row foreign-key checks are off when that is safe (see load_synth_county);
- a large page cache for the duration of the load.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import polars as pl
from django.db import IntegrityError, connection, transaction

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.engine.synth import TABLES, SynthCounty

Progress = Callable[[str, int, int], None]
"""progress(table, rows written so far, rows to write in that table)"""

# tables whose generated ids are shifted, and the table each foreign-key column points to
ID_TABLES = [name for name, columns in TABLES.items() if "id" in columns]
FOREIGN_KEYS = {"household_id": "registry_household", "person_id": "registry_person"}
CHUNK_ROWS = 100_000
ROWS_PER_STATEMENT = 100
SQLITE_MAX_VARIABLES = 32_766
CACHE_KIB = 1_048_576
SORT_CACHE_KIB = 8_000
FEW_LABELS = 16


class SynthLoadError(Exception):
    """The synthetic county could not be loaded; nothing was written."""


def load_synth_county(
    synth: SynthCounty, *, replace: bool = False, progress: Progress | None = None
) -> dict[str, int]:
    """Write every table of `synth` in one transaction; return the rows written per table.

    The county's own Area row must exist (`lnob.areas.services.areas_load_national()`); its
    townships and villages are created here. Without `replace`, a county that already has
    townships, villages or households is refused. With `replace`, the county's registry rows (all
    households in its code range, their versions, members, incomes, expenditures and shocks, and
    persons who belong to no other household) and its townships and villages are deleted first.
    """
    county = synth.county_code
    if not Area.objects.filter(code=county, level=Level.COUNTY).exists():
        raise SynthLoadError(
            f"county {county} is not in the area table: load the national tree first "
            "(lnob.areas.services.areas_load_national())"
        )
    lo, hi = subtree_range(county, Level.COUNTY)
    _check_references(synth)
    # Without `replace` nothing is deleted, and every reference of the new rows points at a row of
    # the same load (checked above, in bulk), so SQLite may skip its row-by-row foreign-key checks:
    # they cost about 40% of the insert time. (A no-op inside an outer transaction: then the
    # checks stay on.) A replace deletes rows others may refer to, so it keeps them on.
    checks_off = connection.constraint_checks_disabled() if not replace else contextlib.nullcontext()
    try:
        with checks_off, transaction.atomic():
            if replace:
                _delete_county(lo, hi)
            else:
                _refuse_if_loaded(county, lo, hi)
            frames = _shift_ids(synth.tables(), _max_ids())
            if connection.vendor == "postgresql":
                writer: _Writer = _PostgresWriter(progress)
            elif connection.vendor == "sqlite":
                writer = _SqliteWriter(progress, frames)
            else:
                raise SynthLoadError(f"bulk loading is not implemented for {connection.vendor}")
            with writer:
                for table, frame in frames.items():
                    writer.write(table, frame)
    except (IntegrityError, _driver_integrity_error()) as exc:
        raise SynthLoadError(
            f"loading {synth.county_name} ({county}) conflicts with rows already in the database "
            f"(a household number or ID number that exists, or rows elsewhere that refer to the county's "
            f"households, persons or areas); nothing was written. Database says: {exc}"
        ) from exc
    return {table: frame.height for table, frame in frames.items()}


def _driver_integrity_error() -> type[Exception]:
    """The DB-API module's IntegrityError: raw-connection writes are not wrapped by Django."""
    return getattr(getattr(connection, "Database", None), "IntegrityError", IntegrityError)


# --- checks, deletion, ids ----------------------------------------------------------------------


def _check_references(synth: SynthCounty) -> None:
    """Every foreign key of the new rows points at a row of this load (or an existing risk type
    or the county itself); checked column-wise, so the database need not check row by row."""
    areas = synth.areas
    codes = pl.concat([areas["code"], pl.Series([synth.county_code])])
    households = synth.households["id"]
    persons = synth.persons["id"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM registry_risktype")
        risk_types = pl.Series([row[0] for row in cursor.fetchall()], dtype=pl.String)
    targets = {
        "parent_id": codes,
        "village_id": areas["code"],
        "household_id": households,
        "person_id": persons,
    }
    for table, frame in synth.tables().items():
        for column, allowed in [*targets.items(), ("risk_type_id", risk_types)]:
            if column not in frame.columns or (table == "areas_area" and column != "parent_id"):
                continue
            values = frame[column].drop_nulls()
            missing = values.filter(~values.is_in(allowed.implode()))
            if missing.len():
                raise SynthLoadError(
                    f"{table}.{column} refers to rows that do not exist, e.g. {missing[0]!r}"
                )


def _refuse_if_loaded(county: int, lo: int, hi: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM areas_area WHERE code > %s AND code < %s", [lo, hi])
        areas = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COUNT(*) FROM registry_household WHERE village_id >= %s AND village_id < %s", [lo, hi]
        )
        households = cursor.fetchone()[0]
    if areas or households:
        raise SynthLoadError(
            f"county {county} already has {areas} townships/villages and {households} households; "
            "load with replace=True (command line: --replace) to delete them and load the new county"
        )


def _delete_county(lo: int, hi: int) -> None:
    """Delete the county's registry rows in foreign-key order, by code range, in bulk."""
    households = "SELECT id FROM registry_household WHERE village_id >= %s AND village_id < %s"
    span = [lo, hi]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS lnob_synth_persons")
        persons = (
            f"SELECT DISTINCT person_id AS id FROM registry_membership WHERE household_id IN ({households})"  # noqa: S608
        )
        cursor.execute(f"CREATE TEMPORARY TABLE lnob_synth_persons AS {persons}", span)
        for table in (
            "registry_alert",
            "registry_shock",
            "registry_expenditure",
            "registry_incomerecord",
            "registry_membership",
        ):
            cursor.execute(f"DELETE FROM {table} WHERE household_id IN ({households})", span)  # noqa: S608
        orphans = (
            "SELECT id FROM lnob_synth_persons WHERE id NOT IN (SELECT person_id FROM registry_membership)"
        )
        cursor.execute(f"DELETE FROM registry_personversion WHERE person_id IN ({orphans})")  # noqa: S608
        cursor.execute(f"DELETE FROM registry_person WHERE id IN ({orphans})")  # noqa: S608
        cursor.execute("DROP TABLE lnob_synth_persons")
        versions = f"DELETE FROM registry_householdversion WHERE household_id IN ({households})"  # noqa: S608
        cursor.execute(versions, span)
        cursor.execute("DELETE FROM registry_household WHERE village_id >= %s AND village_id < %s", span)
        # areas someone holds a role in stay (with their township); the load updates their names
        kept = (
            "SELECT area_id FROM areas_roleassignment WHERE area_id > %s AND area_id < %s UNION "
            "SELECT (area_id / 1000) * 1000 FROM areas_roleassignment WHERE area_id > %s AND area_id < %s"
        )
        areas = (
            f"DELETE FROM areas_area WHERE code > %s AND code < %s AND level = %s AND code NOT IN ({kept})"  # noqa: S608
        )
        for level in (Level.VILLAGE, Level.TOWNSHIP):
            cursor.execute(areas, [lo, hi, int(level), lo, hi, lo, hi])


def _max_ids() -> dict[str, int]:
    """The last id used per table. On SQLite that includes ids of deleted rows
    (sqlite_sequence), which AUTOINCREMENT never hands out again."""
    with connection.cursor() as cursor:
        found = {}
        for table in ID_TABLES:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            found[table] = int(cursor.fetchone()[0])
            if connection.vendor == "sqlite":
                cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
                found[table] = max(found[table], int(cursor.fetchone()[0]))
    return found


def _shift_ids(frames: dict[str, pl.DataFrame], offsets: dict[str, int]) -> dict[str, pl.DataFrame]:
    shifted = {}
    for table, frame in frames.items():
        moves = []
        if "id" in frame.columns:
            moves.append(pl.col("id") + offsets[table])
        for column, target in FOREIGN_KEYS.items():
            if column in frame.columns:
                moves.append(pl.col(column) + offsets[target])
        shifted[table] = frame.with_columns(moves) if moves else frame
    return shifted


# --- writers ------------------------------------------------------------------------------------


def _as_text(frame: pl.DataFrame, utc_suffix: str = "") -> pl.DataFrame:
    """Dates and times (UTC) as the text Django stores; booleans as 0/1."""
    converted = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Date:
            converted.append(column.dt.strftime("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            utc = column.dt.convert_time_zone("UTC") if dtype.time_zone else column
            converted.append(utc.dt.strftime("%Y-%m-%d %H:%M:%S" + utc_suffix))
        elif dtype == pl.Boolean:
            converted.append(column.cast(pl.Int8))
    return frame.with_columns(converted) if converted else frame


class _Writer:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.finish()

    def write(self, table: str, frame: pl.DataFrame) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Work left for the end of the load (indexes, sequences)."""

    def _report(self, table: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(table, done, total)

    @staticmethod
    def _upsert_areas_sql() -> str:
        return (
            "INSERT INTO areas_area (parent_id, code, name, level) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (code) DO UPDATE SET parent_id = excluded.parent_id, name = excluded.name, "
            "level = excluded.level"
        )


def _stored(value: Any) -> Any:
    """A Python value as Django stores it in SQLite (dates as text, times as UTC text)."""
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.UTC) if value.tzinfo else value
        return utc.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _constant(series: pl.Series) -> tuple[bool, Any]:
    """(True, value) when every row of the chunk holds the same value (or null)."""
    nulls = series.null_count()
    if nulls == len(series):
        return True, None
    if nulls or len(series) == 0:
        return False, None
    first = series[0]
    return bool((series == first).all()), first


def _few_labels(series: pl.Series) -> list[str] | None:
    """The distinct values of a text column that holds only a few (and no nulls), else None."""
    if series.dtype != pl.String or series.null_count():
        return None
    labels = series.unique()
    return labels.sort().to_list() if labels.len() <= FEW_LABELS else None


class _SqliteWriter(_Writer):
    """Multi-row INSERTs through the raw sqlite3 connection, indexes rebuilt at the end."""

    BIG_TABLES = (
        "registry_person",
        "registry_personversion",
        "registry_membership",
        "registry_incomerecord",
        "registry_expenditure",
        "registry_shock",
        "registry_household",
        "registry_householdversion",
    )

    def __init__(
        self, progress: Progress | None, frames: dict[str, pl.DataFrame], *, cache_kib: int = CACHE_KIB
    ) -> None:
        super().__init__(progress)
        self.raw = connection.connection
        self.dropped: list[str] = []
        self.old_cache = self.raw.execute("PRAGMA cache_size").fetchone()[0]
        self.raw.execute(f"PRAGMA cache_size = -{cache_kib}")
        for table in self.BIG_TABLES:
            if table not in frames:
                continue
            existing = self.raw.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            if frames[table].height >= existing:
                self._drop_indexes(table)

    def _drop_indexes(self, table: str) -> None:
        """Drop the table's secondary indexes; they are rebuilt at the end. Building an index
        once from sorted rows is much faster than keeping it up to date row by row (measured:
        even indexes the rows arrive in order for cost more to maintain than to rebuild)."""
        rows = self.raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (table,),
        ).fetchall()
        for name, sql in rows:
            self.raw.execute(f'DROP INDEX "{name}"')
            self.dropped.append(sql)

    def write(self, table: str, frame: pl.DataFrame) -> None:
        if table == "areas_area":
            self.raw.executemany(self._upsert_areas_sql().replace("%s", "?"), frame.rows())
            self._report(table, frame.height, frame.height)
            return
        # consecutive ids right after the last one used are what AUTOINCREMENT hands out anyway:
        # leave them to SQLite (one value less to bind per row) and check the outcome
        last_id = _consecutive_last_id(frame)
        if last_id is not None:
            frame = frame.drop("id")
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        for start in range(0, frame.height, CHUNK_ROWS):
            chunk = frame.slice(start, CHUNK_ROWS)
            self._insert_chunk(table, columns, chunk)
            self._report(table, min(start + CHUNK_ROWS, frame.height), frame.height)
        if frame.height == 0:
            self._report(table, 0, 0)
        if last_id is not None:
            got = self.raw.execute(f'SELECT MAX(id) FROM "{table}"').fetchone()[0]  # noqa: S608
            if got != last_id:
                raise SynthLoadError(f"{table}: SQLite assigned ids up to {got}, expected {last_id}")

    def _insert_chunk(self, table: str, columns: str, chunk: pl.DataFrame) -> None:
        template, variable = [], []
        for series in chunk.iter_columns():
            fixed, value = _constant(series)
            if fixed:
                template.append(_literal(_stored(value)))
                continue
            series = _as_text(series.to_frame()).to_series()
            labels = _few_labels(series)
            if labels is None:
                template.append("?")
                variable.append(series.to_list())
            else:
                # bind a small integer and let SQLite pick the text: binding text costs more
                cases = " ".join(f"WHEN {code} THEN {_literal(label)}" for code, label in enumerate(labels))
                template.append(f"CASE ? {cases} END")
                variable.append(series.cast(pl.Enum(labels)).to_physical().to_list())
        width, n = len(variable), chunk.height
        # table and column names come from the engine's TABLES; values are bound or quoted by _literal
        head = f'INSERT INTO "{table}" ({columns}) VALUES '  # noqa: S608
        row = "(" + ", ".join(template) + ")"
        if width == 0:  # a one-row chunk, or all rows alike: nothing to bind
            self.raw.executemany(head + row, [()] * n)
            return
        flat: list[Any] = [None] * (n * width)
        for index, values in enumerate(variable):
            flat[index::width] = values
        per_statement = max(1, min(ROWS_PER_STATEMENT, SQLITE_MAX_VARIABLES // width))
        whole = (n // per_statement) * per_statement
        if whole:
            sql = head + ", ".join([row] * per_statement)
            step = width * per_statement
            self.raw.executemany(sql, _slices(flat, 0, whole * width, step))
        if whole < n:
            self.raw.executemany(head + row, _slices(flat, whole * width, n * width, width))

    def finish(self) -> None:
        # index builds sort faster in small runs merged by two threads than in one big sort
        # (measured: about 15% less time for the same indexes)
        self.raw.execute(f"PRAGMA cache_size = -{SORT_CACHE_KIB}")
        old_threads = self.raw.execute("PRAGMA threads").fetchone()[0]
        self.raw.execute("PRAGMA threads = 2")
        for sql in self.dropped:
            self.raw.execute(sql)
        self.raw.execute(f"PRAGMA threads = {old_threads}")
        self.raw.execute(f"PRAGMA cache_size = {self.old_cache}")


def _consecutive_last_id(frame: pl.DataFrame) -> int | None:
    """The frame's last id if its ids run 1 by 1 from just after the table's last id, else None."""
    if "id" not in frame.columns or frame.height == 0:
        return None
    ids = frame["id"]
    first, last = int(ids[0]), int(ids[-1])
    if last - first != frame.height - 1 or not bool((ids.diff().drop_nulls() == 1).all()):
        return None
    return last


def _slices(flat: list[Any], start: int, stop: int, step: int) -> Iterator[list[Any]]:
    for offset in range(start, stop, step):
        yield flat[offset : offset + step]


class _PostgresWriter(_Writer):
    """COPY ... FROM STDIN with psycopg 3, then id sequences moved past the new rows."""

    def __init__(self, progress: Progress | None) -> None:
        super().__init__(progress)
        self.touched: list[str] = []

    def write(self, table: str, frame: pl.DataFrame) -> None:
        with connection.cursor() as cursor:
            if table == "areas_area":
                cursor.executemany(self._upsert_areas_sql(), frame.rows())
                self._report(table, frame.height, frame.height)
                return
            text = _as_text(frame, utc_suffix="+00")
            columns = ", ".join(f'"{c}"' for c in frame.columns)
            # one COPY per chunk, and progress reported between them: a report writes to the
            # database (the task's row), which it cannot do on a connection busy with a COPY
            for start in range(0, text.height, CHUNK_ROWS):
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in text.slice(start, CHUNK_ROWS).iter_rows():
                        copy.write_row(values)
                self._report(table, min(start + CHUNK_ROWS, text.height), text.height)
        if "id" in frame.columns:
            self.touched.append(table)

    def finish(self) -> None:
        with connection.cursor() as cursor:
            for table in self.touched:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
