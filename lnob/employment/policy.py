"""Employment rules as data: workshop recognition criteria, subsidy amounts, public-welfare post
eligibility, transport-subsidy tiers, loan limits, training allowances. They differ by province
and year (../shared/domain/policy-reference.md §4), so each is an `EmploymentPolicy` row: a kind,
a region (0 for national, or a province, prefecture or county code), a start date, and its
parameters, checked against the kind's pydantic schema.

For a place on a day, the rule that holds is the one of the narrowest region covering the place,
its latest version started by that day (`rule_for`). Unlike the monitoring policy, parameters do
not merge field by field: a province's workshop criteria are one set, taken whole.

Each channel registers its kind's schema (`register`) when its app loads, and seeds the defaults
it cites in a data migration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ValidationError

from lnob.areas.codes import level_of, subtree_range
from lnob.core.errors import DomainError

SCHEMAS: dict[str, type[BaseModel]] = {}
LABELS: dict[str, Any] = {}


def register(kind: str, schema: type[BaseModel], label: Any) -> None:
    """Declare a kind of rule and the schema its parameters must satisfy."""
    SCHEMAS[kind] = schema
    LABELS[kind] = label


def parse_params(kind: str, params: dict[str, Any]) -> BaseModel:
    """The parameters as the kind's schema, or DomainError naming the first wrong field."""
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise DomainError("kind", kind, _("未知的规则类别"))
    try:
        return schema.model_validate(params)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "params"
        raise DomainError(f"params.{where}", first.get("input"), first["msg"]) from e


@dataclass(frozen=True)
class Rule:
    """A rule in force: its row (for the name, region and source) and its checked parameters."""

    row: Any  # EmploymentPolicy
    params: Any  # the kind's schema instance

    @property
    def source(self) -> str:
        return str(self.row.source)


def covers(region: int, code: int) -> bool:
    """A rule set for `region` (an area code; 0: the national default) applies at area `code`."""
    if region == 0:
        return True
    lo, hi = subtree_range(region, level_of(region))
    return lo <= code < hi


def rule_for(kind: str, area_code: int, day: dt.date) -> Rule:
    """The rule of `kind` for a place on a day; DomainError when no region sets one."""
    from .models import EmploymentPolicy

    rows = [
        row
        for row in EmploymentPolicy.objects.filter(kind=kind, active=True, effective_from__lte=day)
        if covers(row.area_code, area_code)
    ]
    if not rows:
        raise DomainError(
            "policy",
            kind,
            _("{day} 没有适用于该地区的“{label}”规则：请县级管理员在配置中添加").format(
                day=day, label=LABELS.get(kind, kind)
            ),
        )
    narrowest = max(
        rows, key=lambda r: (0 if r.area_code == 0 else int(level_of(r.area_code)), r.effective_from, r.pk)
    )
    return Rule(narrowest, parse_params(kind, narrowest.params))
