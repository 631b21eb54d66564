"""Step 2 (what needs the registry) and step 4 of an import: every staged row checked against the
database and the user's areas, then classified as new, changed, unchanged or invalid, with the
differences column by column.

Runs twice: once for the dry run, and again inside the commit's transaction, so the commit acts
on the registry as it is at that moment (another clerk may have edited it since), and a commit
re-run after a crash does exactly what is left to do: nothing, if the first one got through.

Rules worth knowing (docs/import.md):
- Match keys: the household number for households, the resident ID for persons, the table's key
  columns for the other tables (docs/exchange-format.md).
- A blank cell in an optional column means "no change" for a row that exists already, and the
  default (as the forms use) for a new row. Blanking a value is done in the app, never by import.
- A household's or person's attributes that change get a new version from the batch's date
  (a household row's `valid_from` when given); nothing is overwritten.
- A person whose ID is already registered in another household of the user's areas moves to the
  file's household (old membership closed, reason moved), and the row is flagged for review; if
  that household is outside the user's areas, the row is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection
from django.utils.translation import gettext as _

from lnob.areas.codes import Level, level_of, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges
from lnob.core.errors import Msg
from lnob.registry.services import PersonData

from .dbframes import drop_temp, query_frame, temp_table
from .stage import ORDER, StagedTable, overlapping
from .validate import Validated

NEW, CHANGED, UNCHANGED, INVALID = "new", "changed", "unchanged", "invalid"
CHANGE_SCHEMA = {
    "table": pl.String,
    "row": pl.Int64,
    "key": pl.String,
    "column": pl.String,
    "old": pl.String,
    "new": pl.String,
}
HOUSEHOLD_VERSION = ("status", "left_poverty_year", "housing_safe", "water_safe", "contact_phone")
PERSON_VERSION = (
    "ethnicity",
    "education",
    "enrolment",
    "health",
    "disability_grade",
    "labour_override",
    "labour_override_reason",
    "skills",
    "certificates",
    "phone",
    "bank_account",
)
PERSON_DEFAULTS = {name: getattr(PersonData, name) for name in PERSON_VERSION}
HOUSEHOLD_DEFAULTS: dict[str, Any] = {
    "left_poverty_year": None,
    "housing_safe": True,
    "water_safe": True,
    "contact_phone": "",
}
# columns the registry stores as "" when empty; compared as null
BLANKABLE = {
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
DB_COLUMN = {"risk_type": "risk_type_id"}
SENSITIVE = {"id_number", "phone", "bank_account", "health", "contact_phone", "disability_grade"}


@dataclass
class Plan:
    """Each staged table's rows with `_action` and the registry ids they need, plus the changes."""

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    changes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CHANGE_SCHEMA))
    # registry rows the batch touches, as they are now (for the writer)
    existing: dict[str, pl.DataFrame] = field(default_factory=dict)

    def counts(self, name: str, v: Validated) -> dict[str, int]:
        frame = self.tables[name]
        review = v.issues.filter(pl.col("severity") == "review")["row"].n_unique()
        by = dict(frame.group_by("_action").len().iter_rows())
        return {
            "rows": frame.height,
            "new": by.get(NEW, 0),
            "changed": by.get(CHANGED, 0),
            "unchanged": by.get(UNCHANGED, 0),
            "invalid": by.get(INVALID, 0),
            "review": review,
        }


class Reconciler:
    def __init__(
        self, staged: dict[str, StagedTable], *, user: Any, as_of: dt.date, review: bool = True
    ) -> None:
        """`review`: also look for possible duplicates (flags for a person to read, which the
        commit need not repeat)."""
        self.staged = staged
        self.review = review
        self.user = user
        self.as_of = as_of
        self.edit = scope_ranges(user, Capability.EDIT_REGISTRY)
        self.manage = scope_ranges(user, Capability.MANAGE_AREAS)
        # department alerts may also come from a department officer (lnob.exchange.services.import_ranges)
        self.alert_scope = sorted({*self.edit, *scope_ranges(user, Capability.SUBMIT_ALERTS)})
        self.plan = Plan()
        self._temps: list[str] = []
        self._counts: dict[str, int] = {}

    # -- helpers ----------------------------------------------------------------------------

    def _in(self, column: str, ranges: list[tuple[int, int]]) -> pl.Expr:
        inside = pl.lit(False)
        for lo, hi in ranges:
            inside = inside | pl.col(column).is_between(lo, hi, closed="left")
        return inside

    def _temp(self, name: str, frame: pl.DataFrame) -> str:
        temp_table(name, frame)
        self._temps.append(name)
        return name

    def _count(self, table: str) -> int:
        if table not in self._counts:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 our table names
                self._counts[table] = int(cursor.fetchone()[0])
        return self._counts[table]

    def _lookup(
        self, keys: pl.DataFrame, base: str, sql: str, match: dict[str, str], schema: dict[str, Any]
    ) -> pl.DataFrame:
        """Registry rows for the batch's `keys`. `sql` holds `{join}` where the keys are joined in;
        `match` maps each key column (named as in `schema`) to the SQL expression it equals.

        Whichever side is smaller moves: when the registry table (`base`) holds no more rows than
        the batch has keys, the rows are read without the keys and matched here; otherwise the keys
        go into a temporary table in one bulk write and the database joins them.
        """
        keys = keys.select(list(match)).drop_nulls().unique()
        rows = self._count(base)
        if keys.is_empty() or rows == 0:
            return pl.DataFrame(schema=schema)
        if rows <= 2 * keys.height:
            found = query_frame(sql.replace("{join}", ""), [], schema)
            return found.join(keys, on=list(match), how="semi", nulls_equal=True)
        name = f"lnob_imp_{len(self._temps)}"
        self._temp(name, keys)
        on = " AND ".join(f'k."{column}" = {expression}' for column, expression in match.items())
        return query_frame(sql.replace("{join}", f'JOIN "{name}" k ON {on}'), [], schema)

    def _invalid(self, name: str) -> set[int]:
        return self.staged[name].v.invalid_rows if name in self.staged else set()

    def _valid_keys(self, name: str, key: str) -> pl.DataFrame:
        """Rows of a staged table that are still valid (key and _row)."""
        s = self.staged[name]
        return s.v.typed.filter(~pl.col("_row").is_in(sorted(s.v.invalid_rows)))

    def _diff(
        self,
        name: str,
        frame: pl.DataFrame,
        columns: list[str],
        key: str,
        hidden: frozenset[str] = frozenset(),
    ) -> pl.Expr:
        """Record per-column differences of rows that exist (`_exists`); return the 'any change'
        expression. `frame` has each column twice: the file's and the registry's (`<col>_db`).
        Values of SENSITIVE columns, and of `hidden` ones, are listed as ***."""
        if not columns:
            return pl.lit(False)
        changed: list[pl.Expr] = []
        records = []
        for c in columns:
            new, old = pl.col(c), pl.col(f"{c}_db")
            if c in BLANKABLE:
                old = pl.when(old == "").then(None).otherwise(old)
            differs = pl.col("_exists") & new.is_not_null() & (old.is_null() | (new != old))
            changed.append(differs)
            hits = frame.filter(differs)
            if hits.height:
                masked = c in SENSITIVE or c in hidden
                records.append(
                    hits.select(
                        pl.lit(name).alias("table"),
                        pl.col("_row").cast(pl.Int64).alias("row"),
                        pl.col(key).cast(pl.String).alias("key"),
                        pl.lit(c).alias("column"),
                        (pl.lit("***") if masked else old.cast(pl.String)).alias("old"),
                        (pl.lit("***") if masked else new.cast(pl.String)).alias("new"),
                    )
                )
        if records:
            self.plan.changes = pl.concat([self.plan.changes, *records])
        return pl.any_horizontal(changed)

    def _classify(self, name: str, frame: pl.DataFrame, any_change: pl.Expr | None = None) -> pl.DataFrame:
        """Set `_action`; `any_change` (else the frame's `_changed` column) marks changed rows."""
        if any_change is not None:
            frame = frame.with_columns(any_change.alias("_changed"))
        any_change = pl.col("_changed")
        invalid = sorted(self._invalid(name))
        action = (
            pl.when(pl.col("_row").is_in(invalid))
            .then(pl.lit(INVALID))
            .when(~pl.col("_exists"))
            .then(pl.lit(NEW))
            .when(any_change)
            .then(pl.lit(CHANGED))
            .otherwise(pl.lit(UNCHANGED))
        )
        return frame.with_columns(action.alias("_action"))

    # -- the tables -------------------------------------------------------------------------

    def run(self) -> Plan:
        try:
            for name in ORDER:
                if name in self.staged:
                    getattr(self, f"_{name}")(self.staged[name])
            self._drop_invalid_changes()
        finally:
            drop_temp(*self._temps)
        return self.plan

    def _drop_invalid_changes(self) -> None:
        keep = []
        for name, frame in self.plan.tables.items():
            rows = frame.filter(pl.col("_action") == CHANGED)["_row"]
            keep.append(
                self.plan.changes.filter((pl.col("table") == name) & pl.col("row").is_in(rows.implode()))
            )
        self.plan.changes = pl.concat(keep) if keep else self.plan.changes

    def _areas(self, s: StagedTable) -> None:
        v, t = s.v, s.v.typed
        levels = pl.Series([int(level_of(c)) if c else None for c in t["code"].to_list()], dtype=pl.Int64)
        t = t.with_columns(levels.alias("_level"))
        wrong = t.filter(
            pl.col("code").is_not_null() & ~pl.col("_level").is_in([int(Level.TOWNSHIP), int(Level.VILLAGE)])
        )
        v.add(wrong.select("_row", pl.col("code").alias("value")), "code", str(Msg.AREA_LEVEL))
        codes = set(t["code"].drop_nulls().to_list()) | set(t["parent"].drop_nulls().to_list())
        found = Area.objects.filter(code__in=sorted(codes)).values_list("code", "name", "parent_id", "level")
        db = pl.DataFrame(
            list(found),
            schema={"code": pl.Int64, "name_db": pl.String, "parent_db": pl.Int64, "level_db": pl.Int64},
            orient="row",
        )
        # a parent is an area already there, or a township of this file
        parents = pl.concat(
            [
                db.select(pl.col("code").alias("parent"), pl.col("level_db").alias("_parent_level")),
                t.filter(pl.col("_level") == int(Level.TOWNSHIP)).select(
                    pl.col("code").alias("parent"),
                    pl.lit(int(Level.TOWNSHIP), pl.Int64).alias("_parent_level"),
                ),
            ]
        ).unique("parent")
        t = t.join(parents, on="parent", how="left")
        v.add(
            t.filter(pl.col("parent").is_not_null() & pl.col("_parent_level").is_null()).select(
                "_row", pl.col("parent").alias("value")
            ),
            "parent",
            str(_("上级区划不存在")),
        )
        bad_level = t.filter(
            pl.col("_parent_level").is_not_null() & (pl.col("_parent_level") != pl.col("_level") - 1)
        )
        v.add(bad_level.select("_row", pl.col("parent").alias("value")), "parent", str(Msg.AREA_LEVEL))
        width = pl.when(pl.col("_parent_level") == int(Level.COUNTY)).then(10**6).otherwise(10**3)
        outside = t.filter(
            pl.col("_parent_level").is_not_null() & (pl.col("code") // width != pl.col("parent") // width)
        )
        v.add(outside.select("_row", pl.col("code").alias("value")), "code", str(Msg.AREA_CODE_PARENT))
        not_mine = t.filter(pl.col("parent").is_not_null() & ~self._in("parent", self.manage))
        v.add(not_mine.select("_row", pl.col("parent").alias("value")), "parent", str(Msg.OUT_OF_SCOPE))
        t = t.join(db, on="code", how="left").with_columns(pl.col("level_db").is_not_null().alias("_exists"))
        moved = t.filter(pl.col("_exists") & (pl.col("parent_db") != pl.col("parent")))
        v.add(
            moved.select("_row", pl.col("parent").alias("value")),
            "parent",
            str(_("已有区划不能改变上级区划")),
        )
        bad_townships = t.filter(
            (pl.col("_level") == int(Level.TOWNSHIP)) & pl.col("_row").is_in(sorted(v.invalid_rows))
        )["code"]
        orphan = t.filter(pl.col("parent").is_in(bad_townships.implode()))
        v.add(orphan.select("_row", pl.col("parent").alias("value")), "parent", str(_("上级乡镇的行有错误")))
        any_change = self._diff("areas", t, ["name"], "code")
        self.plan.tables["areas"] = self._classify("areas", t, any_change)

    def _villages_known(self) -> pl.DataFrame:
        """Village codes this batch may use: those in the registry and the valid new ones of the
        areas file."""
        frames = []
        if "areas" in self.plan.tables:
            a = self.plan.tables["areas"]
            frames.append(
                a.filter((pl.col("_action") != INVALID) & (pl.col("_level") == int(Level.VILLAGE))).select(
                    pl.col("code").alias("village")
                )
            )
        return pl.concat(frames) if frames else pl.DataFrame(schema={"village": pl.Int64})

    def _households(self, s: StagedTable) -> None:
        v, t = s.v, s.v.typed
        codes = t["village"].drop_nulls().unique()
        villages = Area.objects.filter(code__in=codes.to_list(), level=Level.VILLAGE).values_list(
            "code", flat=True
        )
        db_villages = pl.DataFrame({"village": list(villages)}, schema={"village": pl.Int64})
        known = pl.concat([db_villages, self._villages_known()]).unique()
        unknown = t.filter(
            pl.col("village").is_not_null() & ~pl.col("village").is_in(known["village"].implode())
        )
        v.add(
            unknown.select("_row", pl.col("village").alias("value")),
            "village",
            str(_("没有这个村级区划代码")),
        )
        outside = t.filter(pl.col("village").is_not_null() & ~self._in("village", self.edit))
        v.add(outside.select("_row", pl.col("village").alias("value")), "village", str(Msg.OUT_OF_SCOPE))

        columns = {
            "number": pl.String,
            "_household_id": pl.Int64,
            "village_db": pl.Int64,
            "_version_id": pl.Int64,
            "_valid_from_db": pl.Date,
            **{f"{c}_db": dtype for c, dtype in _household_types().items()},
        }
        db = self._lookup(
            t.select("number"),
            "registry_household",
            "SELECT h.number, h.id, h.village_id, v.id, CAST(v.valid_from AS TEXT), "  # noqa: S608 our column names
            + ", ".join(f"v.{c}" for c in HOUSEHOLD_VERSION)
            + " FROM registry_household h {join} "
            "LEFT JOIN registry_householdversion v ON v.household_id = h.id AND v.valid_to IS NULL",
            {"number": "h.number"},
            columns,
        )
        t = t.join(db, on="number", how="left").with_columns(
            pl.col("_household_id").is_not_null().alias("_exists")
        )
        foreign = t.filter(pl.col("_exists") & ~self._in("village_db", self.edit))
        v.add(
            foreign.select("_row", pl.col("number").alias("value")),
            "number",
            str(_("户编号已被您管辖范围以外的农户使用")),
        )
        effective = (
            pl.col("valid_from").fill_null(self.as_of) if "valid_from" in t.columns else pl.lit(self.as_of)
        )
        t = t.with_columns(effective.alias("_effective"))
        early = t.filter(pl.col("_exists") & (pl.col("_effective") < pl.col("_valid_from_db")))
        v.add(
            early.select("_row", pl.col("_effective").alias("value")),
            "valid_from",
            str(_("生效日期不能早于当前版本的生效日期")),
        )
        present = [c for c in ("village", *HOUSEHOLD_VERSION) if c in s.present]
        any_change = self._diff("households", t, present, "number")
        self.plan.tables["households"] = self._classify("households", t, any_change)

    def _household_refs(self, name: str, frame: pl.DataFrame) -> pl.DataFrame:
        """Resolve `household_number` to the batch's valid households or the registry's, inside
        the user's areas; adds `_household_id` (null for a household new in this batch),
        `_village` and `_household_ok`."""
        v = self.staged[name].v
        batch = pl.DataFrame(
            schema={
                "household_number": pl.String,
                "_bh_village": pl.Int64,
                "_bh_id": pl.Int64,
                "_bh_bad": pl.Boolean,
            }
        )
        if "households" in self.plan.tables:
            h = self.plan.tables["households"]
            batch = h.select(
                pl.col("number").alias("household_number"),
                pl.col("village").alias("_bh_village"),
                pl.col("_household_id").alias("_bh_id"),
                (pl.col("_action") == INVALID).alias("_bh_bad"),
            )
        numbers = (
            frame.select("household_number")
            .drop_nulls()
            .unique()
            .join(batch, on="household_number", how="anti")
        )
        db = self._lookup(
            numbers,
            "registry_household",
            "SELECT h.number, h.id, h.village_id FROM registry_household h {join}",
            {"household_number": "h.number"},
            {"household_number": pl.String, "_db_id": pl.Int64, "_db_village": pl.Int64},
        )
        out = frame.join(batch, on="household_number", how="left").join(db, on="household_number", how="left")
        out = out.with_columns(
            pl.coalesce("_bh_id", "_db_id").alias("_household_id"),
            pl.coalesce("_bh_village", "_db_village").alias("_village"),
        )
        in_batch = pl.col("_bh_village").is_not_null() | pl.col("_bh_bad").is_not_null()
        bad_row = out.filter(pl.col("_bh_bad").fill_null(False))
        v.add(
            bad_row.select("_row", pl.col("household_number").alias("value")),
            "household_number",
            str(_("该户在农户文件中的行有错误")),
        )
        missing = out.filter(
            pl.col("household_number").is_not_null() & ~in_batch & pl.col("_db_id").is_null()
        )
        v.add(
            missing.select("_row", pl.col("household_number").alias("value")),
            "household_number",
            str(_("户编号不存在：既不在农户文件中，也未登记")),
        )
        foreign = out.filter(~in_batch & pl.col("_db_id").is_not_null() & ~self._in("_db_village", self.edit))
        v.add(
            foreign.select("_row", pl.col("household_number").alias("value")),
            "household_number",
            str(Msg.OUT_OF_SCOPE),
        )
        return out.drop("_bh_village", "_bh_id", "_bh_bad", "_db_id", "_db_village")

    def _persons(self, s: StagedTable) -> None:
        v = s.v
        t = self._household_refs("persons", v.typed)
        schema = {
            "id_number": pl.String,
            "_person_id": pl.Int64,
            "name_db": pl.String,
            "_version_id": pl.Int64,
            "_version_from_db": pl.Date,
            **{f"{c}_db": dtype for c, dtype in _person_types().items()},
            "_membership_id": pl.Int64,
            "_member_household_db": pl.Int64,
            "household_number_db": pl.String,
            "_member_village_db": pl.Int64,
            "relation_db": pl.String,
            "_joined_db": pl.Date,
        }
        db = self._lookup(
            t.select("id_number"),
            "registry_person",
            "SELECT p.id_number, p.id, p.name, v.id, CAST(v.valid_from AS TEXT), "
            + ", ".join(f"v.{c}" for c in PERSON_VERSION)
            + ", m.id, m.household_id, h.number, h.village_id, m.relation, CAST(m.joined AS TEXT) "
            "FROM registry_person p {join} "
            "LEFT JOIN registry_personversion v ON v.person_id = p.id AND v.valid_to IS NULL "
            "LEFT JOIN registry_membership m ON m.person_id = p.id AND m.left IS NULL "
            "LEFT JOIN registry_household h ON h.id = m.household_id",
            {"id_number": "p.id_number"},
            schema,
        )
        t = t.join(db, on="id_number", how="left").with_columns(
            pl.col("_person_id").is_not_null().alias("_exists")
        )
        # the person is a member elsewhere now
        elsewhere = pl.col("_membership_id").is_not_null() & (
            pl.col("household_number_db") != pl.col("household_number")
        )
        foreign = t.filter(elsewhere & ~self._in("_member_village_db", self.edit))
        v.add(
            foreign.select("_row", pl.col("id_number").alias("value")),
            "id_number",
            str(_("此人已登记在您管辖范围以外的另一户，请与该地联系迁移")),
        )
        moving = t.filter(elsewhere & self._in("_member_village_db", self.edit))
        v.add(
            moving.select("_row", pl.col("household_number_db").alias("value")),
            "household_number",
            str(_("同一身份证号已在另一户登记：提交后此人将从该户迁入本户，请核实")),
            severity="review",
        )
        joined = pl.col("joined").fill_null(self.as_of) if "joined" in t.columns else pl.lit(self.as_of)
        t = t.with_columns(joined.alias("_joined"))
        early = t.filter(elsewhere & (pl.col("_joined") <= pl.col("_joined_db")))
        v.add(
            early.select("_row", pl.col("_joined").alias("value")),
            "joined",
            str(_("迁入日期必须晚于在原户的加入日期")),
        )
        backdated = t.filter(
            pl.col("_exists")
            & pl.col("_version_from_db").is_not_null()
            & (pl.col("_version_from_db") > self.as_of)
        )
        self._backdated = backdated.select("_row", "_version_from_db")
        regroup = t.filter(
            (pl.col("household_number_db") == pl.col("household_number"))
            & (pl.col("relation") != pl.col("relation_db"))
            & (pl.col("_joined_db") >= self.as_of)
        )
        v.add(
            regroup.select("_row", pl.col("relation").alias("value")),
            "relation",
            str(_("与户主关系的变更日期（本批次生效日期）必须晚于此人加入该户的日期")),
        )
        self._heads(t)
        if self.review:
            self._same_person(t)
        present = [c for c in ("name", *PERSON_VERSION, "household_number", "relation") if c in s.present]
        t = t.with_columns(self._diff("persons", t, present, "id_number").alias("_changed"))
        late = t.filter(pl.col("_changed")).join(self._backdated, on=["_row", "_version_from_db"], how="semi")
        v.add(
            late.select("_row", pl.col("_version_from_db").alias("value")),
            "id_number",
            str(_("此人当前信息的生效日期晚于本批次的生效日期：请用更晚的生效日期导入")),
        )
        self.plan.tables["persons"] = self._classify("persons", t)

    def _heads(self, t: pl.DataFrame) -> None:
        """After the batch, each household keeps at most one open head: heads in the registry who
        are not in the file and stay head count too."""
        v = self.staged["persons"].v
        db_heads = self._lookup(
            t.select("_household_id"),
            "registry_household",
            "SELECT m.household_id, p.id_number, p.name FROM registry_membership m {join} "
            "JOIN registry_person p ON p.id = m.person_id WHERE m.left IS NULL AND m.relation = 'head'",
            {"_household_id": "m.household_id"},
            {"_household_id": pl.Int64, "id_number": pl.String, "_head_name": pl.String},
        )
        valid = t.filter(~pl.col("_row").is_in(sorted(v.invalid_rows)))
        staying = db_heads.join(valid.select("id_number"), on="id_number", how="anti")
        clash = t.filter(pl.col("relation") == "head").join(
            staying.select("_household_id", "_head_name"), on="_household_id"
        )
        for head_name, rows in clash.group_by("_head_name"):
            v.add(
                rows.select("_row", pl.col("relation").alias("value")),
                "relation",
                str(Msg.SECOND_HEAD).format(name=head_name[0]),
            )

    def _same_person(self, t: pl.DataFrame) -> None:
        """Same name, birth date and village under different IDs: flagged for review, in the file
        and against the registry."""
        v = self.staged["persons"].v
        keyed = t.filter(pl.col("id_number").is_not_null() & pl.col("name").is_not_null()).select(
            "_exists",
            pl.col("name_db"),
            "_row",
            "id_number",
            "name",
            pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d", strict=False).alias("birth"),
            "_village",
        )
        groups = keyed.group_by("name", "birth", "_village").agg(
            pl.col("_row"), pl.col("id_number").n_unique().alias("_ids")
        )
        inside = (
            groups.filter(pl.col("_ids") > 1)
            .select(
                pl.col("_row"),
                pl.col("_row").list.min().alias("_first"),
                pl.col("_row").list.get(1).alias("_second"),
            )
            .explode("_row")
        )
        inside = inside.select(
            "_row",
            pl.when(pl.col("_row") == pl.col("_first"))
            .then(pl.col("_second"))
            .otherwise(pl.col("_first"))
            .alias("value"),
        )
        v.add(
            inside,
            "name",
            str(
                _("文件中另一行（值为其行号）的人姓名、出生日期和村都相同而身份证号不同：请核实是否为同一人")
            ),
            severity="review",
        )
        # against the registry, only people the batch adds or renames: a registered person's
        # possible twins were flagged when they came in
        fresh = keyed.filter(~pl.col("_exists") | (pl.col("name") != pl.col("name_db")))
        db = self._lookup(
            fresh.select("name", "birth"),
            "registry_person",
            "SELECT p.name, CAST(p.birth_date AS TEXT), p.id_number, h.village_id "
            "FROM registry_person p {join} "
            "JOIN registry_membership m ON m.person_id = p.id AND m.left IS NULL "
            "JOIN registry_household h ON h.id = m.household_id",
            {"name": "p.name", "birth": "p.birth_date"},
            {"name": pl.String, "birth": pl.Date, "id_number_other": pl.String, "_village": pl.Int64},
        )
        against = fresh.join(db, on=["name", "birth", "_village"]).filter(
            pl.col("id_number") != pl.col("id_number_other")
        )
        against = against.join(
            keyed.select(pl.col("id_number").alias("id_number_other")), on="id_number_other", how="anti"
        )
        v.add(
            against.group_by("_row").agg(pl.lit("***").alias("value")),
            "name",
            str(_("村里已登记一位姓名和出生日期相同、身份证号不同的人：请核实是否为同一人")),
            severity="review",
        )

    def _person_refs(
        self, name: str, frame: pl.DataFrame, scope: list[tuple[int, int]] | None = None
    ) -> pl.DataFrame:
        """Resolve `id_number` to a person of the batch or of the registry; adds `_person_id`.
        `scope`: the areas the person must belong or have belonged to (default: the user's
        editing scope)."""
        v = self.staged[name].v
        scope = self.edit if scope is None else scope
        batch = pl.DataFrame(schema={"id_number": pl.String, "_bp_id": pl.Int64, "_bp_bad": pl.Boolean})
        if "persons" in self.plan.tables:
            p = self.plan.tables["persons"]
            batch = p.select(
                "id_number",
                pl.col("_person_id").alias("_bp_id"),
                (pl.col("_action") == INVALID).alias("_bp_bad"),
            )
        ids = frame.select("id_number").drop_nulls().unique().join(batch, on="id_number", how="anti")
        found = self._lookup(
            ids,
            "registry_person",
            "SELECT p.id_number, p.id, h.village_id FROM registry_person p {join} "
            "LEFT JOIN registry_membership m ON m.person_id = p.id "
            "LEFT JOIN registry_household h ON h.id = m.household_id",
            {"id_number": "p.id_number"},
            {"id_number": pl.String, "_db_pid": pl.Int64, "_db_village": pl.Int64},
        )
        # a registered person may be named only by an editor of an area they belong or belonged
        # to: naming someone of another county would make their record visible here
        db = found.group_by("id_number").agg(
            pl.col("_db_pid").first(),
            (pl.col("_db_village").is_not_null() & self._in("_db_village", scope)).any().alias("_db_mine"),
        )
        out = frame.join(batch, on="id_number", how="left").join(db, on="id_number", how="left")
        foreign = out.filter(pl.col("_db_pid").is_not_null() & ~pl.col("_db_mine"))
        # a department's feed is a list of IDs: it must not learn who is registered elsewhere
        unknown = (
            _("未登记：此身份证号不是本县登记农户的成员")
            if name == "alerts"
            else _("此身份证号既不在人员文件中，也未登记")
        )
        v.add(
            foreign.select("_row", pl.col("id_number").alias("value")),
            "id_number",
            str(unknown if name == "alerts" else _("此人登记在您管辖范围以外，不能在这里引用")),
        )
        out = out.with_columns(pl.coalesce("_bp_id", "_db_pid").alias("_person_id"))
        bad = out.filter(pl.col("_bp_bad").fill_null(False))
        v.add(
            bad.select("_row", pl.col("id_number").alias("value")),
            "id_number",
            str(_("此人在人员文件中的行有错误")),
        )
        missing = out.filter(
            pl.col("id_number").is_not_null() & pl.col("_bp_bad").is_null() & pl.col("_db_pid").is_null()
        )
        v.add(missing.select("_row", pl.col("id_number").alias("value")), "id_number", str(unknown))
        return out.with_columns(pl.col("_bp_bad").is_not_null().alias("_person_in_batch")).drop(
            "_bp_id", "_bp_bad", "_db_pid", "_db_mine"
        )

    def _memberships(self, s: StagedTable) -> None:
        v = s.v
        t = self._household_refs("memberships", v.typed)
        t = self._person_refs("memberships", t)
        db = self._lookup(
            t.select("_person_id", "_household_id", "joined"),
            "registry_membership",
            "SELECT m.person_id, m.household_id, CAST(m.joined AS TEXT), m.id, m.relation, "
            "CAST(m.left AS TEXT), m.leave_reason, "
            "m.join_reason FROM registry_membership m {join}",
            {"_person_id": "m.person_id", "_household_id": "m.household_id", "joined": "m.joined"},
            {
                "_person_id": pl.Int64,
                "_household_id": pl.Int64,
                "joined": pl.Date,
                "_membership_id": pl.Int64,
                "relation_db": pl.String,
                "left_db": pl.Date,
                "leave_reason_db": pl.String,
                "join_reason_db": pl.String,
            },
        )
        t = t.join(db, on=["_person_id", "_household_id", "joined"], how="left").with_columns(
            pl.col("_membership_id").is_not_null().alias("_exists")
        )
        present = [c for c in ("relation", "left", "leave_reason") if c in s.present]
        t = t.with_columns(self._diff("memberships", t, present, "id_number").alias("_changed"))
        self._overlaps(t)
        self.plan.tables["memberships"] = self._classify("memberships", t)

    def _overlaps(self, t: pl.DataFrame) -> None:
        """A person belongs to one household at a time: the memberships of the file, the open
        ones the persons file makes and those in the registry must not overlap."""
        v = self.staged["memberships"].v
        m = t.filter(~pl.col("_row").is_in(sorted(v.invalid_rows)) & pl.col("_person_id").is_not_null())
        left = pl.col("left") if "left" in m.columns else pl.lit(None, pl.Date)
        mine = m.select("_row", "_membership_id", "_person_id", "joined", left.alias("left"))
        db = self._lookup(
            mine.select("_person_id"),
            "registry_membership",
            "SELECT m.id, m.person_id, CAST(m.joined AS TEXT), CAST(m.left AS TEXT) "
            "FROM registry_membership m {join}",
            {"_person_id": "m.person_id"},
            {"_membership_id": pl.Int64, "_person_id": pl.Int64, "joined": pl.Date, "left": pl.Date},
        )
        kept = db.join(mine.select("_membership_id").drop_nulls(), on="_membership_id", how="anti")
        parts = [mine, kept.select(pl.lit(None, pl.Int64).alias("_row"), *kept.columns)]
        if "persons" in self.plan.tables:
            # a person row opens a membership (and closes the one the person has elsewhere)
            p = self.plan.tables["persons"].filter(pl.col("_action") != INVALID)
            moves = pl.col("_membership_id").is_null() | (
                pl.col("household_number_db") != pl.col("household_number")
            )
            p = p.filter(moves).join(mine.select("_person_id").unique(), on="_person_id", how="semi")
            closing = p.select("_membership_id", pl.col("_joined").alias("_closed_at")).drop_nulls(
                "_membership_id"
            )
            parts[1] = (
                parts[1]
                .join(closing, on="_membership_id", how="left")
                .with_columns(pl.coalesce("_closed_at", "left").alias("left"))
                .drop("_closed_at")
            )
            parts.append(
                p.select(
                    pl.lit(None, pl.Int64).alias("_row"),
                    pl.lit(None, pl.Int64).alias("_membership_id"),
                    "_person_id",
                    pl.col("_joined").alias("joined"),
                    pl.lit(None, pl.Date).alias("left"),
                )
            )
        everything = pl.concat(parts, how="vertical_relaxed").sort("_person_id", "joined")
        before_end = pl.col("left").shift(1).over("_person_id")
        before_start = pl.col("joined").shift(1).over("_person_id")
        after_start = pl.col("joined").shift(-1).over("_person_id")
        overlaps_before = before_start.is_not_null() & (
            before_end.is_null() | (pl.col("joined") < before_end)
        )
        overlaps_after = after_start.is_not_null() & (
            pl.col("left").is_null() | (after_start < pl.col("left"))
        )
        clash = everything.filter(pl.col("_row").is_not_null() & (overlaps_before | overlaps_after))
        v.add(
            clash.select("_row", pl.col("joined").alias("value")),
            "joined",
            str(_("与此人的另一段成员关系时间重叠")),
        )

    def _facts(self, s: StagedTable, name: str, db_table: str, match: list[str], values: list[str]) -> None:
        v = s.v
        t = self._household_refs(name, v.typed)
        if "id_number" in t.columns:
            t = self._person_refs(name, t)
            self._member_during(name, t)
        else:
            t = t.with_columns(pl.lit(None, pl.Int64).alias("_person_id"))
        cols = ", ".join(f"r.{DB_COLUMN.get(c, c)}" for c in (*match, *values))
        types = {**{c: _fact_type(c) for c in match}, **{f"{c}_db": _fact_type(c) for c in values}}
        db = self._lookup(
            t.select("_household_id"),
            db_table,
            f"SELECT r.household_id, r.person_id, r.id, {cols} FROM {db_table} r {{join}}",  # noqa: S608 names are ours
            {"_household_id": "r.household_id"},
            {"_household_id": pl.Int64, "_person_id": pl.Int64, "_record_id": pl.Int64, **types},
        )
        on = ["_household_id", "_person_id", *match]
        t = t.with_columns(pl.lit(None, _fact_type(c)).alias(c) for c in match if c not in t.columns)
        for c in match:
            if c in BLANKABLE:
                db = db.with_columns(pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c))
        db = db.unique(on, keep="first")
        t = t.join(db, on=on, how="left", nulls_equal=True).with_columns(
            pl.col("_record_id").is_not_null().alias("_exists")
        )
        present = [c for c in values if c in s.present]
        any_change = self._diff(name, t, present, "household_number")
        self.plan.tables[name] = self._classify(name, t, any_change)

    def _member_during(self, name: str, t: pl.DataFrame) -> None:
        """A record may name only a person who was a member of its household during its period
        (for a shock, on its date), counting the memberships this batch adds."""
        start, end = ("date", "date") if name == "shocks" else ("period_start", "period_end")
        named = t.filter(pl.col("id_number").is_not_null() & pl.col("household_number").is_not_null())
        if named.is_empty():
            return
        spans = [
            self._lookup(
                named.select("id_number"),
                "registry_person",
                "SELECT p.id_number, h.number, CAST(m.joined AS TEXT), CAST(m.left AS TEXT) "
                "FROM registry_person p {join} "
                "JOIN registry_membership m ON m.person_id = p.id "
                "JOIN registry_household h ON h.id = m.household_id",
                {"id_number": "p.id_number"},
                {"id_number": pl.String, "household_number": pl.String, "joined": pl.Date, "left": pl.Date},
            )
        ]
        if "persons" in self.plan.tables:
            p = self.plan.tables["persons"].filter(pl.col("_action") != INVALID)
            spans.append(
                p.select(
                    "id_number",
                    "household_number",
                    pl.col("_joined").alias("joined"),
                    pl.lit(None, pl.Date).alias("left"),
                )
            )
        if "memberships" in self.plan.tables:
            m = self.plan.tables["memberships"].filter(pl.col("_action") != INVALID)
            left = pl.col("left") if "left" in m.columns else pl.lit(None, pl.Date)
            spans.append(m.select("id_number", "household_number", "joined", left.alias("left")))
        member = pl.concat(spans, how="vertical_relaxed")
        covered = (
            named.select(
                "_row", "id_number", "household_number", pl.col(start).alias("_s"), pl.col(end).alias("_e")
            )
            .join(member, on=["id_number", "household_number"])
            .filter(
                (pl.col("joined") <= pl.col("_e"))
                & (pl.col("left").is_null() | (pl.col("left") > pl.col("_s")))
            )
            .select("_row")
            .unique()
        )
        outside = named.join(covered, on="_row", how="anti").filter(
            ~pl.col("_row").is_in(sorted(self.staged[name].v.invalid_rows))
        )
        self.staged[name].v.add(
            outside.select("_row", pl.col("id_number").alias("value")),
            "id_number",
            str(_("此人在这段时间不是该户成员")),
        )

    def _incomes(self, s: StagedTable) -> None:
        self._facts(
            s,
            "incomes",
            "registry_incomerecord",
            ["period_start", "period_end", "source", "transfer_type"],
            ["amount", "note"],
        )

    def _expenditures(self, s: StagedTable) -> None:
        self._facts(
            s,
            "expenditures",
            "registry_expenditure",
            ["period_start", "period_end", "type"],
            ["amount", "note"],
        )

    def _shocks(self, s: StagedTable) -> None:
        self._facts(s, "shocks", "registry_shock", ["date", "risk_type"], ["note"])

    def _households_by_number(self, numbers: pl.DataFrame) -> pl.DataFrame:
        """household_number -> `_household_id` (null for a household new in this batch) and
        `_village`: the batch's valid households first, then the registry's."""
        numbers = numbers.drop_nulls().unique()
        batch = pl.DataFrame(
            schema={"household_number": pl.String, "_household_id": pl.Int64, "_village": pl.Int64}
        )
        if "households" in self.plan.tables:
            h = self.plan.tables["households"].filter(pl.col("_action") != INVALID)
            batch = h.select(
                pl.col("number").alias("household_number"),
                "_household_id",
                pl.col("village").alias("_village"),
            )
        db = self._lookup(
            numbers.join(batch, on="household_number", how="anti"),
            "registry_household",
            "SELECT h.number, h.id, h.village_id FROM registry_household h {join}",
            {"household_number": "h.number"},
            {"household_number": pl.String, "_household_id": pl.Int64, "_village": pl.Int64},
        )
        return pl.concat([batch.join(numbers, on="household_number", how="semi"), db], how="vertical_relaxed")

    def _alerts(self, s: StagedTable) -> None:
        """A department's alert names a person by resident ID; it is kept on the household the
        person belonged to on its date (counting the memberships this batch adds), which must be
        in the user's areas. Rows about persons not registered here are reported back row by row."""
        v = s.v
        t = self._person_refs("alerts", v.typed, self.alert_scope)
        ids = t.select("id_number").drop_nulls().unique()
        spans = [
            self._lookup(
                ids,
                "registry_person",
                "SELECT p.id_number, p.name, h.number, h.id, h.village_id, CAST(m.joined AS TEXT), "
                "CAST(m.left AS TEXT), m.id FROM registry_person p {join} "
                "JOIN registry_membership m ON m.person_id = p.id "
                "JOIN registry_household h ON h.id = m.household_id",
                {"id_number": "p.id_number"},
                {
                    "id_number": pl.String,
                    "_name_db": pl.String,
                    "household_number": pl.String,
                    "_household_id": pl.Int64,
                    "_village": pl.Int64,
                    "joined": pl.Date,
                    "left": pl.Date,
                    "_mid": pl.Int64,
                },
            )
        ]
        # the registry's memberships as this batch leaves them: a memberships row replaces the one
        # it matches, and a person row that moves the person closes their current one
        if "memberships" in self.plan.tables:
            m = self.plan.tables["memberships"].filter(pl.col("_action") != INVALID)
            spans[0] = spans[0].filter(~pl.col("_mid").is_in(m["_membership_id"].drop_nulls().implode()))
        if "persons" in self.plan.tables:
            p = self.plan.tables["persons"].filter(pl.col("_action") != INVALID)
            moves = p.filter(
                pl.col("_membership_id").is_not_null()
                & (pl.col("household_number_db") != pl.col("household_number"))
            ).select(pl.col("_membership_id").alias("_mid"), pl.col("_joined").alias("_closed"))
            spans[0] = (
                spans[0]
                .join(moves, on="_mid", how="left")
                .with_columns(pl.min_horizontal("left", "_closed").alias("left"))
                .drop("_closed")
            )
        spans[0] = spans[0].drop("_mid")
        batch_spans = []
        if "persons" in self.plan.tables:
            p = self.plan.tables["persons"].filter(pl.col("_action") != INVALID)
            batch_spans.append(
                p.select(
                    "id_number",
                    pl.col("name").alias("_name_db"),
                    "household_number",
                    pl.col("_joined").alias("joined"),
                    pl.lit(None, pl.Date).alias("left"),
                )
            )
        if "memberships" in self.plan.tables:
            m = self.plan.tables["memberships"].filter(pl.col("_action") != INVALID)
            left = pl.col("left") if "left" in m.columns else pl.lit(None, pl.Date)
            batch_spans.append(
                m.select(
                    "id_number",
                    pl.lit(None, pl.String).alias("_name_db"),
                    "household_number",
                    "joined",
                    left.alias("left"),
                )
            )
        if batch_spans:
            more = pl.concat(batch_spans, how="vertical_relaxed")
            more = more.join(
                self._households_by_number(more.select("household_number")), on="household_number", how="left"
            )
            spans.append(more.select(spans[0].columns))
        member = pl.concat(spans, how="vertical_relaxed")
        names = member.drop_nulls("_name_db").group_by("id_number").agg(pl.col("_name_db").first())
        on_date = (
            t.select("_row", "id_number", "date")
            .join(member.drop("_name_db"), on="id_number")
            .filter(
                (pl.col("joined") <= pl.col("date"))
                & (pl.col("left").is_null() | (pl.col("left") > pl.col("date")))
            )
            .sort("_row", "joined")
            .unique("_row", keep="last")
            .select("_row", "household_number", "_household_id", "_village")
        )
        t = t.join(on_date, on="_row", how="left").join(names, on="id_number", how="left")
        known_person = pl.col("_person_id").is_not_null() | pl.col("_person_in_batch")
        reported = sorted(v.invalid_rows)  # a person already refused is reported once
        t_ok = ~pl.col("_row").is_in(reported)
        nowhere = t.filter(t_ok & known_person & pl.col("_village").is_null() & pl.col("date").is_not_null())
        v.add(
            nowhere.select("_row", pl.col("id_number").alias("value")),
            "id_number",
            str(_("此人在预警日期不是任何登记农户的成员")),
        )
        foreign = t.filter(t_ok & pl.col("_village").is_not_null() & ~self._in("_village", self.alert_scope))
        v.add(foreign.select("_row", pl.col("id_number").alias("value")), "id_number", str(Msg.OUT_OF_SCOPE))
        if "name" in t.columns:
            other = t.filter(
                pl.col("name").is_not_null()
                & pl.col("_name_db").is_not_null()
                & (pl.col("name") != pl.col("_name_db"))
            )
            v.add(
                other.select("_row", pl.col("name").alias("value")),
                "name",
                str(_("姓名与该身份证号登记的姓名不一致，请核实")),
                severity="review",
            )
        values = ["amount", "grade", "reference", "note"]
        amount = f"CAST(r.amount AS {_real()})"
        db = self._lookup(
            t.select("_person_id"),
            "registry_alert",
            f"SELECT r.person_id, r.department, r.kind, CAST(r.date AS TEXT), r.id, {amount}, "  # noqa: S608
            "r.grade, r.reference, r.note FROM registry_alert r {join}",
            {"_person_id": "r.person_id"},
            {
                "_person_id": pl.Int64,
                "department": pl.String,
                "kind": pl.String,
                "date": pl.Date,
                "_record_id": pl.Int64,
                "amount_db": pl.Float64,
                "grade_db": pl.Int64,
                "reference_db": pl.String,
                "note_db": pl.String,
            },
        )
        t = t.join(db, on=["_person_id", "department", "kind", "date"], how="left").with_columns(
            pl.col("_record_id").is_not_null().alias("_exists")
        )
        present = [c for c in values if c in s.present]
        # an alert's amount or grade may be a medical bill or a disability: never listed in clear
        any_change = self._diff("alerts", t, present, "id_number", hidden=frozenset({"amount", "grade"}))
        self.plan.tables["alerts"] = self._classify("alerts", t.drop("_name_db"), any_change)

    def _spells(self, s: StagedTable) -> None:
        """Spells of the ledger: the person by resident ID in the user's areas; the employer by its
        credit code on the list of the person's county; a full-time spell must not overlap another
        of the person's, in the file or in the ledger (a row matching a kept spell replaces it)."""
        v = s.v
        t = self._person_refs("spells", v.typed)
        # the person's county: their latest household's (registry), or the batch's household
        areas = self._lookup(
            t.select("_person_id"),
            "registry_membership",
            "SELECT m.person_id, h.village_id, CAST(m.joined AS TEXT) FROM registry_membership m {join} "
            "JOIN registry_household h ON h.id = m.household_id",
            {"_person_id": "m.person_id"},
            {"_person_id": pl.Int64, "_village": pl.Int64, "_joined_at": pl.Date},
        )
        areas = areas.sort("_joined_at").group_by("_person_id").agg(pl.col("_village").last())
        t = t.join(areas, on="_person_id", how="left")
        if "persons" in self.plan.tables:
            p = self.plan.tables["persons"].filter(pl.col("_action") != INVALID)
            moved = p.select("id_number", pl.col("_village").alias("_batch_village"))
            t = t.join(moved, on="id_number", how="left").with_columns(
                pl.coalesce("_batch_village", "_village").alias("_village")
            )
            t = t.drop("_batch_village")
        t = t.with_columns((pl.col("_village") // 1_000_000 * 1_000_000).alias("_county"))
        code = pl.col("employer_code") if "employer_code" in t.columns else pl.lit(None, pl.String)
        t = t.with_columns(code.str.to_uppercase().alias("_code"))
        employers = self._lookup(
            t.select(pl.col("_code").alias("credit_code")),
            "employment_employer",
            "SELECT e.credit_code, e.county_id, e.id FROM employment_employer e {join}",
            {"credit_code": "e.credit_code"},
            {"credit_code": pl.String, "_county": pl.Int64, "employer_id": pl.Int64},
        ).rename({"credit_code": "_code"})
        t = t.join(employers, on=["_code", "_county"], how="left")
        unknown = t.filter(
            pl.col("_code").is_not_null()
            & pl.col("employer_id").is_null()
            & ~pl.col("_row").is_in(sorted(v.invalid_rows))
        )
        v.add(
            unknown.select("_row", pl.col("_code").alias("value")),
            "employer_code",
            str(_("用工单位不在此人所在县的名单中：请先登记用工单位")),
        )
        values = [
            "end",
            "channel",
            "location",
            "destination",
            "employer_id",
            "monthly_wage",
            "full_time",
            "note",
        ]
        wage = f"CAST(r.monthly_wage AS {_real()})"
        db = self._lookup(
            t.select("_person_id"),
            "employment_spell",
            'SELECT r.person_id, CAST(r.start AS TEXT), r.status, r.id, CAST(r."end" AS TEXT), r.channel, '  # noqa: S608
            f"r.location, r.destination, r.employer_id, {wage}, r.full_time, r.note "
            "FROM employment_spell r {join}",
            {"_person_id": "r.person_id"},
            {
                "_person_id": pl.Int64,
                "start": pl.Date,
                "status": pl.String,
                "_record_id": pl.Int64,
                "end_db": pl.Date,
                "channel_db": pl.String,
                "location_db": pl.String,
                "destination_db": pl.String,
                "employer_id_db": pl.Int64,
                "monthly_wage_db": pl.Float64,
                "full_time_db": pl.Boolean,
                "note_db": pl.String,
            },
        )
        t = t.join(db, on=["_person_id", "start", "status"], how="left").with_columns(
            pl.col("_record_id").is_not_null().alias("_exists")
        )
        # overlaps with the ledger: its full-time spells, less those the file's rows replace
        kept = db.filter(pl.col("full_time_db")).join(
            t.select("_record_id").drop_nulls(), on="_record_id", how="anti"
        )
        ids = t.select("_person_id", "id_number").drop_nulls().unique()
        full = pl.col("full_time").fill_null(True) if "full_time" in t.columns else pl.lit(True)
        end = pl.col("end") if "end" in t.columns else pl.lit(None, pl.Date)
        mine = t.filter(
            ~pl.col("_row").is_in(sorted(v.invalid_rows)) & full & pl.col("_person_id").is_not_null()
        )
        spans = pl.concat(
            [
                mine.select("_row", "id_number", "start", end.alias("end")),
                kept.join(ids, on="_person_id").select(
                    pl.lit(None, pl.Int64).alias("_row"), "id_number", "start", pl.col("end_db").alias("end")
                ),
            ],
            how="vertical_relaxed",
        )
        clash = overlapping(spans)
        v.add(
            clash.select("_row", pl.col("start").alias("value")),
            "start",
            str(_("与此人已登记的另一条全职就业记录时间重叠")),
        )
        present = [
            c for c in values if c in s.present or (c == "employer_id" and "employer_code" in s.present)
        ]
        any_change = self._diff("spells", t, present, "id_number", hidden=frozenset({"monthly_wage"}))
        self.plan.tables["spells"] = self._classify("spells", t, any_change)


def _household_types() -> dict[str, Any]:
    return {
        "status": pl.String,
        "left_poverty_year": pl.Int64,
        "housing_safe": pl.Boolean,
        "water_safe": pl.Boolean,
        "contact_phone": pl.String,
    }


def _person_types() -> dict[str, Any]:
    return {c: (pl.Int64 if c == "disability_grade" else pl.String) for c in PERSON_VERSION}


def _real() -> str:
    return "DOUBLE PRECISION" if connection.vendor == "postgresql" else "REAL"


def _fact_type(column: str) -> Any:
    if column in {"period_start", "period_end", "date"}:
        return pl.Date
    if column == "amount":
        return pl.Float64
    return pl.String


__all__ = ["CHANGED", "INVALID", "NEW", "UNCHANGED", "Plan", "Reconciler", "subtree_range"]
