"""Load one county's registry as of a date into columnar frames, in bulk.

The monitoring engine (lnob.engine.monitor) needs five tables: households with their version on
the date, the persons living in them, two years of incomes, a year of spending, of shocks, of
department alerts and of spells in work in the employment ledger.
For a county of two million persons that is about thirteen million rows, so they never pass
through the ORM:

- **PostgreSQL**: each query is streamed with `COPY (SELECT ...) TO STDOUT` on the app's own
  connection (so it sees the caller's transaction) and parsed by polars' CSV reader.
- **SQLite**: Python's sqlite3 module turns every value into a Python object (8 s for the 5.9
  million income rows of a 2-million-person county). When the caller has written nothing yet in
  its transaction, the queries instead run in two reader processes (lnob.monitoring.reader) on
  read-only ADBC connections to the same database file, straight into Arrow, each process taking
  about half the rows (see docs/decisions/0002-adbc-for-sweeps.md for why processes and not
  threads). Their snapshot equals the caller's when the caller holds the write lock (the sweep
  does: it runs in one `BEGIN IMMEDIATE` transaction, so no writer can commit in between).
  Otherwise (inside a test's transaction, say) the same queries go through the app's connection.

ADBC's SQLite driver infers a column's type from its first rows, so every query returns columns
of one type throughout: -1 stands for "none" in integer columns, amounts (stored as integer or
real) are cast to real, and dates are ISO text on both databases.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection

from lnob.areas.codes import Level, subtree_range
from lnob.engine.monitor import features as F

NONE = -1
PARTS = 2  # the income table, by far the largest, is read in this many slices at once


def _date(day: dt.date) -> str:
    return f"'{day.isoformat()}'"


def queries(
    county_code: int, as_of: dt.date, *, whole_database: bool = False, household: int | None = None
) -> dict[str, Query]:
    """name -> query. Literals are our own ints and dates only. With `whole_database` (the
    database holds no other county) the rows need no check that their household is in the county;
    with `household`, only that household's rows are read (a risk-elimination check)."""
    lo, hi = subtree_range(county_code, Level.COUNTY)
    d = _date(as_of)
    w0, w1 = F.windows(as_of)
    first = _date(w0[0])
    households = f"SELECT id FROM registry_household WHERE village_id >= {lo} AND village_id < {hi}"
    in_county = "" if whole_database else f" AND household_id IN ({households})"
    # persons and their versions: only the county's, when the database holds other counties too
    county_members = f"SELECT person_id FROM registry_membership WHERE household_id IN ({households})"
    one = "" if whole_database else f" AND person_id IN ({county_members})"
    if household is not None:
        in_county = f" AND household_id = {int(household)}"
        members = f"SELECT person_id FROM registry_membership WHERE household_id = {int(household)}"
        one = f" AND person_id IN ({members})"
    money_where = f"WHERE period_end >= {first} AND period_start <= {d}{in_county}"
    return {
        "households": Query(
            "SELECT h.id, h.village_id, v.status, CAST(v.housing_safe AS INTEGER), "
            "CAST(v.water_safe AS INTEGER) "
            "FROM registry_household h JOIN registry_householdversion v ON v.household_id = h.id "
            f"WHERE h.village_id >= {lo} AND h.village_id < {hi} "
            f"AND v.valid_from <= {d} AND (v.valid_to IS NULL OR v.valid_to > {d})"
            + (f" AND h.id = {int(household)}" if household is not None else ""),
            {
                "household_id": pl.Int64,
                "village_id": pl.Int64,
                "status": pl.String,
                "housing_safe": pl.Int64,
                "water_safe": pl.Int64,
            },
        ),
        "members": Query(
            "SELECT person_id, household_id FROM registry_membership "
            f'WHERE joined <= {d} AND ("left" IS NULL OR "left" > {d}){in_county}',
            {"person_id": pl.Int64, "household_id": pl.Int64},
            "registry_membership",
        ),
        "people": Query(
            "SELECT id, birth_date FROM registry_person WHERE 1 = 1" + one.replace("person_id IN", "id IN"),
            {"person_id": pl.Int64, "birth_date": pl.Date},
            "registry_person",
        ),
        "versions": Query(
            "SELECT person_id, enrolment, health, CAST(COALESCE(disability_grade, -1) AS INTEGER), "
            "labour_override FROM registry_personversion "
            f"WHERE valid_from <= {d} AND (valid_to IS NULL OR valid_to > {d}){one}",
            {
                "person_id": pl.Int64,
                "enrolment": pl.String,
                "health": pl.String,
                "disability_grade": pl.Int64,
                "labour_override": pl.String,
            },
            "registry_personversion",
        ),
        "incomes": Query(
            "SELECT household_id, COALESCE(person_id, -1), "
            f"period_start, period_end, source, CAST(amount AS {_real()}) "
            f"FROM registry_incomerecord {money_where}",
            _money_schema(),
            "registry_incomerecord",
        ),
        "expenditures": Query(
            "SELECT household_id, COALESCE(person_id, -1), "
            f"period_start, period_end, type, CAST(amount AS {_real()}) "
            f"FROM registry_expenditure {money_where}",
            _money_schema(),
        ),
        "shocks": Query(
            "SELECT household_id, date, risk_type_id FROM registry_shock "
            f"WHERE date >= {first} AND date <= {d}{in_county}",
            {"household_id": pl.Int64, "date": pl.Date, "risk_type": pl.String},
        ),
        # spells in work in the employment ledger that reach into W1, of the county's members
        "spells": Query(
            'SELECT person_id, start, COALESCE("end", ' + d + ") FROM employment_spell "
            "WHERE status IN ('employed', 'self_employed', 'public_welfare') "
            f'AND start <= {d} AND ("end" IS NULL OR "end" >= {_date(w1[0])}){one}',
            {"person_id": pl.Int64, "start": pl.Date, "end": pl.Date},
        ),
        "alerts": Query(
            f"SELECT household_id, person_id, kind, date, CAST(COALESCE(amount, -1) AS {_real()}), "
            "CAST(COALESCE(grade, -1) AS INTEGER) FROM registry_alert "
            f"WHERE date >= {_date(w1[0])} AND date <= {d}{in_county}",
            {
                "household_id": pl.Int64,
                "person_id": pl.Int64,
                "kind": pl.String,
                "date": pl.Date,
                "amount": pl.Float64,
                "grade": pl.Int64,
            },
        ),
    }


@dataclass(frozen=True)
class Query:
    sql: str
    schema: dict[str, Any]
    table: str | None = None  # a big single table: read in slices of its rowid when reading in parallel


def _real() -> str:
    return "DOUBLE PRECISION" if connection.vendor == "postgresql" else "REAL"


def _money_schema() -> dict[str, Any]:
    return {
        "household_id": pl.Int64,
        "person_id": pl.Int64,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "kind": pl.String,
        "amount": pl.Float64,
    }


def load_household(county_code: int, household: int, as_of: dt.date) -> F.Inputs:
    """One household's rows as of a date, through the app's own connection."""
    plan = queries(county_code, as_of, household=household)
    reader = _read_copy if connection.vendor == "postgresql" else _read_cursor
    return _inputs({name: reader(query.sql, query.schema) for name, query in plan.items()})


def load(county_code: int, as_of: dt.date, *, fast: bool = False) -> F.Inputs:
    """The county's registry as of `as_of`, as engine inputs (lazy frames; `.collect()` them to
    look at them).

    `fast` (SQLite only) reads through separate read-only connections: pass it only when the
    current transaction has written nothing and holds the write lock, or has not begun.
    """
    return _inputs(read(queries(county_code, as_of, whole_database=only_county(county_code)), fast=fast))


def only_county(county_code: int) -> bool:
    """True when the database holds no household outside the county (its rows then need no
    check that they belong to it)."""
    lo, hi = subtree_range(county_code, Level.COUNTY)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM registry_household WHERE village_id < %s OR village_id >= %s)",
            [lo, hi],
        )
        return not bool(cursor.fetchone()[0])


def read(plan: dict[str, Query], *, fast: bool = False) -> dict[str, pl.DataFrame]:
    """Run a plan of queries (`queries()`, a part of it, or others of the same form) and return
    one data frame per query, typed by its schema. `fast` as for `load`. Other bulk jobs
    (lnob.measures) read through this too, so there is one loader."""
    if fast and _file_database():
        return _read_in_processes(plan)
    reader = _read_copy if connection.vendor == "postgresql" else _read_cursor
    return {name: reader(query.sql, query.schema) for name, query in plan.items()}


def inputs_from(frames: dict[str, pl.DataFrame], plan: dict[str, Query]) -> F.Inputs:
    """Engine inputs from frames `read` returned; a query of `plan` left unread counts as no rows."""
    empty = {name: pl.DataFrame(schema=query.schema) for name, query in plan.items() if name not in frames}
    return _inputs({**frames, **empty})


def _slices(table: str | None) -> list[str]:
    """Conditions splitting a table into PARTS ranges of rowid (each a contiguous read)."""
    if table is None:
        return [""]
    with connection.cursor() as cursor:
        # two queries: SQLite answers MIN(rowid) or MAX(rowid) alone from the b-tree, both at once by a scan
        cursor.execute(f'SELECT MIN(rowid) FROM "{table}"')
        first = cursor.fetchone()[0]
        cursor.execute(f'SELECT MAX(rowid) FROM "{table}"')
        last = cursor.fetchone()[0]
    if first is None:
        return [""]
    step = (last - first) // PARTS + 1
    return [f" AND rowid >= {first + i * step} AND rowid < {first + (i + 1) * step}" for i in range(PARTS)]


def _inputs(raw: dict[str, pl.DataFrame]) -> F.Inputs:
    """The engine's inputs, as lazy frames: the joins and casts become part of the feature
    computation's plan, which polars runs in parallel with the rest (0.4 s less at 2 million)."""
    lazy = {name: frame.lazy() for name, frame in raw.items()}
    none_to_null = [
        pl.when(pl.col(c) != NONE).then(pl.col(c)).alias(c) for c in ("person_id", "disability_grade")
    ]

    def dates(frame: pl.LazyFrame, *columns: str) -> pl.LazyFrame:
        schema = frame.collect_schema()
        text = [c for c in columns if schema[c] == pl.String]
        return frame.with_columns(pl.col(c).str.slice(0, 10).str.to_date("%Y-%m-%d") for c in text)

    households = lazy["households"].with_columns(
        pl.col("housing_safe").cast(pl.Boolean), pl.col("water_safe").cast(pl.Boolean)
    )
    persons = (
        lazy["members"]
        .join(dates(lazy["people"], "birth_date"), on="person_id")
        .join(lazy["versions"].with_columns(none_to_null[1]), on="person_id")
        .select(list(F.PERSONS))
    )
    incomes = dates(lazy["incomes"].with_columns(none_to_null[0]), "period_start", "period_end")
    expenditures = dates(lazy["expenditures"].with_columns(none_to_null[0]), "period_start", "period_end")
    shocks = dates(lazy["shocks"], "date")
    spells = dates(lazy["spells"], "start", "end")
    alerts = dates(lazy["alerts"], "date").with_columns(
        *(pl.when(pl.col(c) != NONE).then(pl.col(c)).alias(c) for c in ("amount", "grade"))
    )
    return F.Inputs(
        households=households.select([pl.col(c).cast(t) for c, t in F.HOUSEHOLDS.items()]),
        persons=persons.select([pl.col(c).cast(t) for c, t in F.PERSONS.items()]),
        incomes=incomes.select([pl.col(c).cast(t) for c, t in F.MONEY.items()]),
        expenditures=expenditures.select([pl.col(c).cast(t) for c, t in F.MONEY.items()]),
        shocks=shocks.select([pl.col(c).cast(t) for c, t in F.SHOCKS.items()]),
        alerts=alerts.select([pl.col(c).cast(t) for c, t in F.ALERTS.items()]),
        spells=spells.select([pl.col(c).cast(t) for c, t in F.SPELLS.items()]),
    )


# seconds per query on a 2-million-person county, to share the work between the reader processes
COSTS = {
    "incomes": 5.0, "versions": 1.8, "households": 0.5, "people": 0.8, "members": 0.7, "expenditures": 0.3,
}  # fmt: skip


def _cost(name: str) -> float:
    return COSTS.get(name, 0.1)


def _date_columns(schema: dict[str, Any]) -> list[int]:
    return [k for k, dtype in enumerate(schema.values()) if dtype == pl.Date]


def _file_database() -> bool:
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and name not in ("", ":memory:") and "mode=memory" not in name


def _read_in_processes(plan: dict[str, Query]) -> dict[str, pl.DataFrame]:
    """Run the queries in PARTS reader processes (lnob.monitoring.reader), the big tables split
    by rowid so each process gets about half the rows; collect their Arrow files."""
    jobs: list[tuple[str, str, dict[str, Any]]] = []
    for name, query in plan.items():
        for part in _slices(query.table):
            jobs.append((name, query.sql + part, query.schema))
    # longest first, each to the process with the least work so far (rows x columns, roughly)
    groups: list[list[int]] = [[] for _ in range(PARTS)]
    load = [0.0] * PARTS
    for i in sorted(range(len(jobs)), key=lambda i: -_cost(jobs[i][0])):
        least = load.index(min(load))
        groups[least].append(i)
        load[least] += _cost(jobs[i][0]) / (PARTS if plan[jobs[i][0]].table else 1)
    shm = Path("/dev/shm")  # noqa: S108 - a private directory (mode 0700) made by tempfile
    with tempfile.TemporaryDirectory(prefix="lnob-sweep-", dir=shm if shm.is_dir() else None) as tmp:
        outs = [str(Path(tmp) / f"{i}.arrow") for i in range(len(jobs))]
        procs = []
        for n, group in enumerate(groups):
            if not group:
                continue
            spec = Path(tmp) / f"job{n}.json"
            spec.write_text(
                json.dumps(
                    {
                        "database": str(connection.settings_dict["NAME"]),
                        "jobs": [[jobs[i][1], outs[i], _date_columns(jobs[i][2])] for i in group],
                    }
                )
            )
            log = (Path(tmp) / f"job{n}.log").open("w")
            command = [sys.executable, "-m", "lnob.monitoring.reader", str(spec)]
            procs.append((subprocess.Popen(command, stderr=log), log))  # noqa: S603 - our own module
        for proc, log in procs:
            code = proc.wait()
            log.close()
            if code != 0:
                raise RuntimeError(f"reading the registry failed: {Path(log.name).read_text()[-2000:]}")
        done: dict[str, pl.DataFrame] = {}
        for (name, _sql, schema), path in zip(jobs, outs, strict=True):
            frame = pl.read_ipc(path)
            frame = (
                pl.DataFrame(schema=schema)
                if frame.height == 0
                else frame.rename(dict(zip(frame.columns, schema, strict=True))).cast(schema)  # type: ignore[arg-type]
            )
            done[name] = pl.concat([done[name], frame]) if name in done else frame
    return done


def _read_copy(sql: str, schema: dict[str, Any]) -> pl.DataFrame:
    buffer = io.BytesIO()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy,
    ):
        for block in copy:
            buffer.write(block)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    frame = pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema_overrides=schema)
    # PostgreSQL writes booleans as t/f
    return frame


def _read_cursor(sql: str, schema: dict[str, Any]) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    if not rows:
        return pl.DataFrame(schema=schema)
    # Django's SQLite connection turns declared DATE columns into dates already; an expression
    # over one (COALESCE) comes back as ISO text
    frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return frame.with_columns(
        pl.col(name).str.slice(0, 10).str.to_date("%Y-%m-%d")
        if dtype == pl.Date and frame.schema[name] == pl.String
        else pl.col(name).cast(dtype)
        for name, dtype in schema.items()
    )
