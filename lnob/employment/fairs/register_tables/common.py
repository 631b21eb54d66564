"""What the fairs' registers share: code lists, the fair and person columns, and the
persons of a file with the fair each row names."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from lnob.areas.codes import Level, level_of, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges
from lnob.employment.registers import Context
from lnob.exchange.schema import Column, Kind

from ..models import (
    JobFair,
)
from ..services import FairMsg


def codes_of(choices: Any) -> Any:
    return lambda: [(str(v), str(label)) for v, label in choices.choices]


def county_code(code: int) -> int:
    return subtree_range(code, Level.COUNTY)[0]


def managed_counties(user: Any, capability: Capability) -> list[int]:
    ranges = scope_ranges(user, capability)
    return sorted({county_code(lo) for lo, _hi in ranges if level_of(lo) >= Level.COUNTY})


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


FAIR_CODE = Column(
    "fair_code", "招聘会编号", Kind.TEXT, True, "ZX-2026-01", "本县招聘会的编号", max_length=30
)

ID_NUMBER = Column("id_number", "身份证号", Kind.ID_NUMBER, True, "53062720050101001X")


def with_defaults(rows: pl.DataFrame, defaults: dict[str, Any]) -> pl.DataFrame:
    for column, default in defaults.items():
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(default).alias(column))
        else:
            rows = rows.with_columns(pl.col(column).fill_null(default))
    return rows


class People:
    """The persons of a file (by resident ID, in the actor's editing scope) and their fairs."""

    def __init__(self, ctx: Context, rows: pl.DataFrame) -> None:
        self.rows = ctx.persons(rows)
        ids = self.rows["person_id"].to_list()
        from lnob.registry.models import Person

        self.names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))
        births = Person.objects.filter(pk__in=ids).values_list("pk", "birth_date")
        self.births = dict(births)
        counties = {county_code(v) for v in self.rows["village"].drop_nulls().to_list()}
        self.fairs = {
            (f.county_id, f.code): f
            for f in JobFair.objects.filter(county_id__in=counties, code__in=self.rows["fair_code"].to_list())
        }
        self.levels = dict(
            Area.objects.filter(code__in={f.area_id for f in self.fairs.values()}).values_list(
                "code", "level"
            )
        )

    def check(self, ctx: Context, r: dict[str, Any]) -> JobFair | None:
        """The row's fair, when the person may be registered for it; else a problem and None."""
        row, village = r["_row"], r["village"]
        if village is None:
            ctx.refuse_row(row, "id_number", r["id_number"], str(FairMsg.PERSON_NO_HOUSEHOLD))
            return None
        if not ctx.may(village):
            ctx.refuse_row(row, "id_number", r["id_number"], _("此人未登记或不在您的管辖范围内"))
            return None
        fair = self.fairs.get((county_code(village), text(r["fair_code"])))
        if fair is None:
            ctx.refuse_row(row, "fair_code", r["fair_code"], _("未找到这个编号的招聘会"))
            return None
        lo, hi = subtree_range(fair.area_id, Level(self.levels[fair.area_id]))
        if not lo <= village < hi:
            ctx.refuse_row(row, "id_number", r["id_number"], str(FairMsg.PERSON_OUTSIDE))
            return None
        name = text(r.get("name"))
        if name and name != self.names.get(r["person_id"]):
            ctx.refuse_row(row, "name", name, _("姓名与身份证号登记的不一致"))
        return fair
