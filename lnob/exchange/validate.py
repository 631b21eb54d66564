"""Validate a parsed table: type every column, then apply the rules that span rows and the
database (references, scope, one head per household, duplicates).

The result is a typed polars frame of the rows that passed, and one issue per problem, each naming
the file row, the column, the value and what is expected. Nothing touches the registry here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from lnob.areas.codes import Level
from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges
from lnob.core.errors import Msg

from .checks import check_column
from .schema import Table

ISSUE_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "message": pl.String,
    "severity": pl.String,
}


@dataclass
class Validated:
    table: Table
    typed: pl.DataFrame  # every row, typed; `_row` is the file row number
    issues: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ISSUE_SCHEMA))

    @property
    def invalid_rows(self) -> set[int]:
        errors = self.issues.filter(pl.col("severity") == "error")
        return set(errors["row"].to_list())

    @property
    def valid(self) -> pl.DataFrame:
        return self.typed.filter(~pl.col("_row").is_in(sorted(self.invalid_rows)))

    def add(self, rows: pl.DataFrame, column: str, message: str, severity: str = "error") -> None:
        """rows: a frame with `_row` and the offending `value` (any type)."""
        if rows.is_empty():
            return
        new = rows.select(
            pl.col("_row").cast(pl.Int64).alias("row"),
            pl.lit(column).alias("column"),
            pl.col("value").cast(pl.String).alias("value"),
            pl.lit(message).alias("message"),
            pl.lit(severity).alias("severity"),
        )
        self.issues = pl.concat([self.issues, new])


def type_columns(table: Table, raw: pl.DataFrame) -> Validated:
    """Column by column: typed values, and an issue for every cell a check refuses."""
    typed: dict[str, pl.Series] = {"_row": raw["_row"]}
    issues = []
    for column in table.columns:
        if column.name not in raw.columns:
            continue
        source = raw[column.name]
        checked = check_column(column, source)
        typed[column.name] = checked.value.alias(column.name)
        bad = pl.DataFrame({"_row": raw["_row"], "value": source, "message": checked.error}).filter(
            pl.col("message").is_not_null()
        )
        issues.append(
            bad.select(
                pl.col("_row").alias("row"),
                pl.lit(column.name).alias("column"),
                pl.col("value").cast(pl.String),
                pl.col("message"),
                pl.lit("error").alias("severity"),
            )
        )
    frame = pl.DataFrame(typed)
    all_issues = pl.concat(issues) if issues else pl.DataFrame(schema=ISSUE_SCHEMA)
    return Validated(table, frame, all_issues.cast(ISSUE_SCHEMA))  # type: ignore[arg-type]


def check_scope(v: Validated, column: str, *, user: Any, level: Level = Level.VILLAGE) -> None:
    """Area codes must name an existing area of `level` inside the user's editing scope."""
    from lnob.areas.models import Area

    if column not in v.typed.columns:
        return
    codes = v.typed.select("_row", pl.col(column).alias("value")).filter(pl.col("value").is_not_null())
    known = set(
        Area.objects.filter(code__in=codes["value"].unique().to_list(), level=level).values_list(
            "code", flat=True
        )
    )
    unknown = codes.filter(~pl.col("value").is_in(sorted(known)))
    v.add(unknown, column, str(_("没有这个村级区划代码")))
    ranges = scope_ranges(user, Capability.EDIT_REGISTRY)
    inside = pl.lit(False)
    for lo, hi in ranges:
        inside = inside | pl.col("value").is_between(lo, hi, closed="left")
    outside = codes.filter(pl.col("value").is_in(sorted(known)) & ~inside)
    v.add(outside, column, str(Msg.OUT_OF_SCOPE))


def check_unique(v: Validated, key: list[str], message: str) -> None:
    """Rows whose key repeats within the file (the first stays; the others are reported)."""
    present = v.typed.drop_nulls(key)
    repeated = present.filter(pl.struct(key).is_duplicated() & ~pl.struct(key).is_first_distinct())
    v.add(
        repeated.select(
            "_row", pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=" / ").alias("value")
        ),
        key[0],
        message,
    )


def check_persons(v: Validated, *, today: dt.date) -> None:
    """Sex and birth date against the ID; one head per household within the file."""
    t = v.typed
    if "id_number" not in t.columns:
        return
    derived_sex = (
        pl.when(pl.col("id_number").str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1)
        .then(pl.lit("M"))
        .otherwise(pl.lit("F"))
    )
    derived_birth = pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    if "sex" in t.columns:
        bad = t.filter(
            pl.col("sex").is_not_null() & pl.col("id_number").is_not_null() & (pl.col("sex") != derived_sex)
        )
        v.add(bad.select("_row", pl.col("sex").alias("value")), "sex", str(_("性别与身份证号不符")))
    if "birth_date" in t.columns:
        bad = t.filter(
            pl.col("birth_date").is_not_null()
            & pl.col("id_number").is_not_null()
            & (pl.col("birth_date") != derived_birth)
        )
        v.add(
            bad.select("_row", pl.col("birth_date").alias("value")),
            "birth_date",
            str(_("出生日期与身份证号不符")),
        )
    check_unique(v, ["id_number"], str(_("同一身份证号在文件中出现多次")))
    if {"household_number", "relation"} <= set(t.columns):
        heads = t.filter(pl.col("relation") == "head")
        extra = heads.filter(
            pl.col("household_number").is_duplicated() & ~pl.col("household_number").is_first_distinct()
        )
        v.add(
            extra.select("_row", pl.col("household_number").alias("value")),
            "relation",
            str(_("该户在文件中有不止一名户主")),
        )
        with_members = t.select("household_number").unique()
        headless = with_members.join(
            heads.select("household_number").unique(), on="household_number", how="anti"
        )
        rows = (
            t.join(headless, on="household_number", how="semi")
            .group_by("household_number")
            .agg(pl.col("_row").min())
        )
        v.add(
            rows.select("_row", pl.col("household_number").alias("value")),
            "household_number",
            str(_("该户在文件中没有户主")),
        )
