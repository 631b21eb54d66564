"""Step 5 of an import: write a reconciled plan to the registry, in bulk.

Called inside the commit's one transaction (lnob.exchange.services.import_commit), right after
the plan was made against the registry as it is in that transaction, so nothing changes between
the check and the write. Rows go in with the bulk writers of the synthetic-county loader
(multi-row INSERT on SQLite, COPY on PostgreSQL); changes to existing rows are one
`UPDATE ... FROM` per table. Nothing is overwritten: a changed household or person gets a new
version, a move or a new relation closes the old membership and opens another.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import polars as pl
from django.db import connection
from django.utils import timezone

from lnob.core.faults import fault_point
from lnob.registry.bulk import _PostgresWriter, _SqliteWriter, _Writer

from .dbframes import next_ids, update_from
from .reconcile import (
    CHANGED,
    HOUSEHOLD_DEFAULTS,
    HOUSEHOLD_VERSION,
    INVALID,
    NEW,
    PERSON_DEFAULTS,
    PERSON_VERSION,
    Plan,
)

Progress = Callable[[str, int, int], None]
# SQLite's page cache during the write. The loader's 1 GB would take an import over its memory
# budget (2 GB for a million persons) for little gain: the big tables' indexes are rebuilt at the end.
SQLITE_CACHE_KIB = int(os.environ.get("LNOB_IMPORT_CACHE_KIB", 262_144))
TEXT_COLUMNS = {
    "contact_phone",
    "labour_override",
    "labour_override_reason",
    "skills",
    "certificates",
    "phone",
    "bank_account",
    "note",
    "transfer_type",
    "leave_reason",
    "reference",
    "channel",
    "location",
    "destination",
}


def _merged(frame: pl.DataFrame, columns: tuple[str, ...], defaults: dict[str, Any]) -> list[pl.Expr]:
    """Each attribute as it will be: the file's value, else the registry's, else the default."""
    out = []
    for c in columns:
        parts = [pl.col(c)] if c in frame.columns else []
        if f"{c}_db" in frame.columns:
            db = pl.col(f"{c}_db")
            parts.append(pl.when(db == "").then(None).otherwise(db) if c in TEXT_COLUMNS else db)
        value = pl.coalesce(*parts, pl.lit(defaults.get(c))) if parts else pl.lit(defaults.get(c))
        if c in TEXT_COLUMNS:
            value = value.fill_null("")
        out.append(value.alias(c))
    return out


def _household_attributes(frame: pl.DataFrame) -> list[pl.Expr]:
    """Merged household attributes; a household no longer out of poverty keeps no exit year."""
    merged = {e.meta.output_name(): e for e in _merged(frame, HOUSEHOLD_VERSION, HOUSEHOLD_DEFAULTS)}
    year = pl.when(merged["status"] == "out_of_poverty").then(merged["left_poverty_year"])
    merged["left_poverty_year"] = year.alias("left_poverty_year")
    return list(merged.values())


def _versioned(frame: pl.DataFrame, *, version_columns: tuple[str, ...], present: set[str]) -> pl.Expr:
    """Rows whose versioned attributes differ from the registry's current version."""
    checks = [
        pl.col(c).is_not_null()
        & (pl.col(f"{c}_db").is_null() | (pl.col(c) != pl.col(f"{c}_db")))
        & ~((pl.col(f"{c}_db") == "") & pl.col(c).is_null() if c in TEXT_COLUMNS else pl.lit(False))
        for c in version_columns
        if c in present and c in frame.columns
    ]
    return pl.any_horizontal(checks) if checks else pl.lit(False)


def _column(frame: pl.DataFrame, name: str, dtype: Any) -> pl.Expr:
    """The frame's column, or nulls of `dtype` when the file did not have it."""
    return pl.col(name) if name in frame.columns else pl.lit(None, dtype)


def _own_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """New rows without the registry's columns (all empty for them): a narrower copy to sort."""
    return frame.select([c for c in frame.columns if not c.endswith("_db")])


class PlanWriter:
    def __init__(
        self,
        plan: Plan,
        *,
        present: dict[str, set[str]],
        as_of: dt.date,
        valid_only: bool,
        progress: Progress | None,
    ) -> None:
        self.plan = plan
        self.as_of = as_of
        self.present = present
        self.progress = progress
        self.now = timezone.now()
        self.inserts: dict[str, list[pl.DataFrame]] = {}
        self.counts: dict[str, int] = {}
        self.frames = {
            name: (frame.filter(pl.col("_action") != INVALID) if valid_only else frame)
            for name, frame in plan.tables.items()
        }

    def _insert(self, table: str, frame: pl.DataFrame) -> None:
        if frame.height:
            self.inserts.setdefault(table, []).append(frame)

    def write(self) -> dict[str, int]:
        """Write everything; return rows written (inserted or updated) per registry table."""
        if "areas" in self.frames:
            self._areas(self.frames["areas"])
        households = self._households(self.frames["households"]) if "households" in self.frames else None
        persons = self._persons(self.frames["persons"], households) if "persons" in self.frames else None
        if "memberships" in self.frames:
            self._memberships(self._resolve(self.frames["memberships"], households, persons))
        for name, table, values in (
            (
                "incomes",
                "registry_incomerecord",
                ("period_start", "period_end", "source", "transfer_type", "amount", "note"),
            ),
            (
                "expenditures",
                "registry_expenditure",
                ("period_start", "period_end", "type", "amount", "note"),
            ),
            ("shocks", "registry_shock", ("date", "risk_type", "note")),
        ):
            if name in self.frames:
                self._facts(self._resolve(self.frames[name], households, persons), table, values)
        if "alerts" in self.frames:
            self._alerts(self._resolve(self.frames["alerts"], households, persons))
        if "spells" in self.frames:
            self._spells(self._resolve_persons(self.frames["spells"], persons))
        frames = {table: pl.concat(parts, how="vertical_relaxed") for table, parts in self.inserts.items()}
        # progress over the whole write, not table by table
        total = sum(frame.height for frame in frames.values())
        finished: dict[str, int] = {}

        def overall(table: str, done: int, _of: int) -> None:
            finished[table] = done
            if self.progress is not None:
                self.progress(table, sum(finished.values()), total)

        writer: _Writer
        if connection.vendor == "postgresql":
            writer = _PostgresWriter(overall)
        else:
            writer = _SqliteWriter(overall, frames, cache_kib=SQLITE_CACHE_KIB)
        with writer:
            for table, frame in frames.items():
                writer.write(table, frame)
                self.counts[table] = self.counts.get(table, 0) + frame.height
                fault_point("import.write")  # tests kill the process here, half way through
        return self.counts

    def _count(self, table: str, n: int) -> None:
        if n:
            self.counts[table] = self.counts.get(table, 0) + n

    # -- areas --------------------------------------------------------------------------------

    def _areas(self, a: pl.DataFrame) -> None:
        rows = a.filter(pl.col("_action").is_in([NEW, CHANGED])).sort("_level")
        sql = (
            "INSERT INTO areas_area (parent_id, code, name, level) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (code) DO UPDATE SET name = excluded.name"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows.select("parent", "code", "name", "_level").rows())
        self._count("areas_area", rows.height)

    # -- households -----------------------------------------------------------------------------

    def _households(self, h: pl.DataFrame) -> pl.DataFrame:
        # in key order: the unique index on the number then grows at its end, row after row
        new = _own_columns(h.filter(pl.col("_action") == NEW)).sort("number")
        new = new.with_columns(next_ids("registry_household", new.height).alias("_household_id"))
        self._insert(
            "registry_household",
            new.select(
                pl.col("_household_id").alias("id"),
                "number",
                pl.col("village").alias("village_id"),
                pl.lit(self.now).alias("created_at"),
            ),
        )
        present = self.present["households"]
        changed = h.filter(pl.col("_action") == CHANGED)
        if "village" in present:
            moved = changed.filter(pl.col("village") != pl.col("village_db"))
            self._count(
                "registry_household",
                update_from(
                    "registry_household",
                    moved.select(pl.col("_household_id").alias("id"), pl.col("village").alias("village_id")),
                ),
            )
        versions = changed.filter(_versioned(changed, version_columns=HOUSEHOLD_VERSION, present=present))
        attributes = _household_attributes(versions)
        same_day = versions.filter(pl.col("_effective") == pl.col("_valid_from_db"))
        self._count(
            "registry_householdversion",
            update_from(
                "registry_householdversion", same_day.select(pl.col("_version_id").alias("id"), *attributes)
            ),
        )
        later = versions.filter(pl.col("_effective") > pl.col("_valid_from_db"))
        self._count(
            "registry_householdversion",
            update_from(
                "registry_householdversion",
                later.select(pl.col("_version_id").alias("id"), pl.col("_effective").alias("valid_to")),
            ),
        )
        opened = pl.concat([new, later], how="diagonal_relaxed")
        self._insert(
            "registry_householdversion",
            opened.select(
                pl.col("_household_id").alias("household_id"),
                pl.col("_effective").alias("valid_from"),
                pl.lit(None, pl.Date).alias("valid_to"),
                *_household_attributes(opened),
            ),
        )
        # number -> id for every household of the file, new or not
        return pl.concat([new, h.filter(pl.col("_action") != NEW)], how="diagonal_relaxed").select(
            pl.col("number").alias("household_number"), pl.col("_household_id").alias("_hid")
        )

    # -- persons --------------------------------------------------------------------------------

    def _with_household_ids(self, frame: pl.DataFrame, households: pl.DataFrame | None) -> pl.DataFrame:
        if households is None:
            return frame
        return (
            frame.join(households, on="household_number", how="left")
            .with_columns(pl.coalesce("_household_id", "_hid").alias("_household_id"))
            .drop("_hid")
        )

    def _persons(self, p: pl.DataFrame, households: pl.DataFrame | None) -> pl.DataFrame:
        p = self._with_household_ids(p, households)
        new = _own_columns(p.filter(pl.col("_action") == NEW)).sort("id_number")  # see _households
        new = new.with_columns(
            next_ids("registry_person", new.height).alias("_person_id"),
            pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d").alias("_birth"),
            pl.when(pl.col("id_number").str.slice(16, 1).cast(pl.Int64) % 2 == 1)
            .then(pl.lit("M"))
            .otherwise(pl.lit("F"))
            .alias("_sex"),
        )
        self._insert(
            "registry_person",
            new.select(
                pl.col("_person_id").alias("id"),
                "id_number",
                pl.col("name").str.strip_chars(),
                pl.col("_sex").alias("sex"),
                pl.col("_birth").alias("birth_date"),
                pl.lit(self.now).alias("created_at"),
            ),
        )
        present = self.present["persons"]
        changed = p.filter(pl.col("_action") == CHANGED)
        if "name" in present:
            renamed = changed.filter(pl.col("name") != pl.col("name_db"))
            self._count(
                "registry_person",
                update_from("registry_person", renamed.select(pl.col("_person_id").alias("id"), "name")),
            )
        versions = changed.filter(_versioned(changed, version_columns=PERSON_VERSION, present=present))
        attributes = _merged(versions, PERSON_VERSION, PERSON_DEFAULTS)
        day = pl.lit(self.as_of)
        same_day = versions.filter(pl.col("_version_from_db") == day)  # later ones were refused
        self._count(
            "registry_personversion",
            update_from(
                "registry_personversion", same_day.select(pl.col("_version_id").alias("id"), *attributes)
            ),
        )
        later = versions.filter(pl.col("_version_from_db") < day)
        self._count(
            "registry_personversion",
            update_from(
                "registry_personversion",
                later.select(pl.col("_version_id").alias("id"), day.alias("valid_to")),
            ),
        )
        opened = pl.concat(
            [
                new.with_columns(pl.max_horizontal("_joined", "_birth").alias("_from")),
                later.with_columns(day.alias("_from")),
            ],
            how="diagonal_relaxed",
        )
        self._insert(
            "registry_personversion",
            opened.select(
                pl.col("_person_id").alias("person_id"),
                pl.col("_from").alias("valid_from"),
                pl.lit(None, pl.Date).alias("valid_to"),
                *_merged(opened, PERSON_VERSION, PERSON_DEFAULTS),
            ),
        )
        # memberships: moves close the old one on the day of joining the new household; a new
        # relation in the same household closes and reopens on the batch's date
        move = changed.filter(
            pl.col("_membership_id").is_not_null()
            & (pl.col("household_number") != pl.col("household_number_db"))
        )
        relation = changed.filter(
            (pl.col("household_number") == pl.col("household_number_db"))
            & (pl.col("relation") != pl.col("relation_db"))
        )
        unhoused = changed.filter(pl.col("_membership_id").is_null())
        closes = pl.concat(
            [
                move.select(
                    pl.col("_membership_id").alias("id"),
                    pl.col("_joined").alias("left"),
                    pl.lit("moved").alias("leave_reason"),
                ),
                relation.select(
                    pl.col("_membership_id").alias("id"),
                    day.alias("left"),
                    pl.lit("other").alias("leave_reason"),
                ),
            ]
        )
        self._count("registry_membership", update_from("registry_membership", closes))
        reason = pl.col("join_reason") if "join_reason" in p.columns else pl.lit(None, pl.String)
        opens = pl.concat(
            [
                new.select(
                    "_person_id",
                    "_household_id",
                    "relation",
                    "_joined",
                    reason.fill_null("registered").alias("join_reason"),
                ),
                unhoused.select(
                    "_person_id",
                    "_household_id",
                    "relation",
                    "_joined",
                    reason.fill_null("registered").alias("join_reason"),
                ),
                move.select(
                    "_person_id",
                    "_household_id",
                    "relation",
                    "_joined",
                    reason.fill_null("moved").alias("join_reason"),
                ),
                relation.select(
                    "_person_id",
                    "_household_id",
                    "relation",
                    day.alias("_joined"),
                    pl.lit("other").alias("join_reason"),
                ),
            ]
        )
        self._insert(
            "registry_membership",
            opens.select(
                pl.col("_person_id").alias("person_id"),
                pl.col("_household_id").alias("household_id"),
                "relation",
                pl.col("_joined").alias("joined"),
                "join_reason",
                pl.lit(None, pl.Date).alias("left"),
                pl.lit("").alias("leave_reason"),
            ),
        )
        return pl.concat([new, p.filter(pl.col("_action") != NEW)], how="diagonal_relaxed").select(
            "id_number", pl.col("_person_id").alias("_pid")
        )

    # -- memberships and facts ------------------------------------------------------------------------

    def _resolve(
        self, frame: pl.DataFrame, households: pl.DataFrame | None, persons: pl.DataFrame | None
    ) -> pl.DataFrame:
        frame = self._with_household_ids(frame, households)
        if persons is not None and "id_number" in frame.columns:
            frame = (
                frame.join(persons, on="id_number", how="left")
                .with_columns(pl.coalesce("_person_id", "_pid").alias("_person_id"))
                .drop("_pid")
            )
        return frame

    def _resolve_persons(self, frame: pl.DataFrame, persons: pl.DataFrame | None) -> pl.DataFrame:
        """`_person_id` for persons new in this batch (a table naming persons only)."""
        if persons is None:
            return frame
        return (
            frame.join(persons, on="id_number", how="left")
            .with_columns(pl.coalesce("_person_id", "_pid").alias("_person_id"))
            .drop("_pid")
        )

    def _memberships(self, m: pl.DataFrame) -> None:
        left = pl.col("left") if "left" in m.columns else pl.lit(None, pl.Date)
        leave = (
            pl.col("leave_reason") if "leave_reason" in m.columns else pl.lit(None, pl.String)
        ).fill_null("")
        join = (pl.col("join_reason") if "join_reason" in m.columns else pl.lit(None, pl.String)).fill_null(
            "registered"
        )
        new = m.filter(pl.col("_action") == NEW)
        self._insert(
            "registry_membership",
            new.select(
                pl.col("_person_id").alias("person_id"),
                pl.col("_household_id").alias("household_id"),
                "relation",
                "joined",
                join.alias("join_reason"),
                left.alias("left"),
                leave.alias("leave_reason"),
            ),
        )
        changed = m.filter(pl.col("_action") == CHANGED)
        columns = [
            pl.col("_membership_id").alias("id"),
            pl.coalesce("relation", "relation_db").alias("relation"),
        ]
        if "left" in m.columns:
            columns += [
                pl.coalesce("left", "left_db").alias("left"),
                pl.coalesce(
                    pl.col("leave_reason") if "leave_reason" in m.columns else pl.lit(None, pl.String),
                    "leave_reason_db",
                )
                .fill_null("")
                .alias("leave_reason"),
            ]
        self._count("registry_membership", update_from("registry_membership", changed.select(columns)))

    def _facts(self, f: pl.DataFrame, table: str, values: tuple[str, ...]) -> None:
        present = [c for c in values if c in f.columns]
        new = f.filter(pl.col("_action") == NEW)
        extra = []
        if "transfer_type" in values and "transfer_type" not in f.columns:
            extra.append(pl.lit("").alias("transfer_type"))
        if "note" not in f.columns:
            extra.append(pl.lit("").alias("note"))
        self._insert(
            table,
            new.select(
                pl.col("_household_id").alias("household_id"),
                pl.col("_person_id").alias("person_id"),
                *[
                    (pl.col(c).fill_null("") if c in TEXT_COLUMNS else pl.col(c)).alias(
                        "risk_type_id" if c == "risk_type" else c
                    )
                    for c in present
                ],
                *extra,
                pl.lit(self.now).alias("created_at"),
            ),
        )
        self._update_changed(table, f, ("amount", "note"))

    def _update_changed(self, table: str, frame: pl.DataFrame, columns: tuple[str, ...]) -> None:
        """Correct the existing records the plan marked changed, in one statement: each of
        `columns` the file has takes the file's value, or keeps the registry's where the cell was
        blank (text columns store "" for none)."""
        changed = frame.filter(pl.col("_action") == CHANGED)
        updates = [c for c in columns if c in frame.columns]
        if not updates:
            return
        values = [
            pl.coalesce(c, f"{c}_db").fill_null("") if c in TEXT_COLUMNS else pl.coalesce(c, f"{c}_db")
            for c in updates
        ]
        self._count(table, update_from(table, changed.select(pl.col("_record_id").alias("id"), *values)))

    def _alerts(self, a: pl.DataFrame) -> None:
        def column(name: str, dtype: Any) -> pl.Expr:
            return _column(a, name, dtype)

        new = a.filter(pl.col("_action") == NEW)
        self._insert(
            "registry_alert",
            new.select(
                pl.col("_household_id").alias("household_id"),
                pl.col("_person_id").alias("person_id"),
                "department",
                "kind",
                "date",
                column("amount", pl.Float64).alias("amount"),
                column("grade", pl.Int64).alias("grade"),
                column("reference", pl.String).fill_null("").alias("reference"),
                column("note", pl.String).fill_null("").alias("note"),
                pl.lit(self.now).alias("created_at"),
            ),
        )
        self._update_changed("registry_alert", a, ("amount", "grade", "reference", "note"))

    def _spells(self, f: pl.DataFrame) -> None:
        def column(name: str, dtype: Any) -> pl.Expr:
            return _column(f, name, dtype)

        new = f.filter(pl.col("_action") == NEW)
        self._insert(
            "employment_spell",
            new.select(
                pl.col("_person_id").alias("person_id"),
                "status",
                "start",
                column("end", pl.Date).alias("end"),
                *(
                    column(c, pl.String).fill_null("").alias(c)
                    for c in ("channel", "location", "destination")
                ),
                column("employer_id", pl.Int64).alias("employer_id"),
                column("monthly_wage", pl.Float64).alias("monthly_wage"),
                column("full_time", pl.Boolean).fill_null(True).alias("full_time"),
                column("note", pl.String).fill_null("").alias("note"),
                pl.lit(self.now).alias("created_at"),
            ),
        )
        self._update_changed(
            "employment_spell",
            f,
            ("end", "channel", "location", "destination", "employer_id", "monthly_wage", "full_time", "note"),
        )
