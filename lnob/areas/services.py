"""Writes to the area tree. Province, prefecture and county rows come from the adcode table
shipped by the MIT-licensed `cpca` package; townships and villages are created by the county."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.db import transaction

from lnob.core.errors import DomainError, Forbidden, Msg

from .codes import Level, is_within, level_of, parse_code
from .models import Area, RoleAssignment
from .roles import Capability
from .scoping import covers


@dataclass(frozen=True)
class AdcodeRow:
    code: int
    name: str
    level: Level


def national_adcodes() -> list[AdcodeRow]:
    """Province, prefecture and county rows of cpca's adcodes.csv, parents before children."""
    text = resources.files("cpca.resources").joinpath("adcodes.csv").read_text(encoding="utf-8")
    rows = [
        AdcodeRow(int(r["adcode"]), r["name"], level_of(int(r["adcode"])))
        for r in csv.DictReader(text.splitlines())
    ]
    return sorted(rows, key=lambda r: (r.level, r.code))


def _parent_code(code: int, level: Level, known: set[int]) -> int | None:
    """The nearest existing ancestor; municipalities skip the prefecture level, for instance."""
    from .codes import PREFIX_DIGITS

    text = f"{code:012d}"
    for upper in reversed([lv for lv in Level if lv < level]):
        candidate = int(text[: PREFIX_DIGITS[upper]].ljust(12, "0"))
        if candidate in known:
            return candidate
    return None


@transaction.atomic
def areas_load_national() -> int:
    """Load or refresh the national tree down to counties. Idempotent; returns rows written."""
    rows = national_adcodes()
    existing = set(Area.objects.values_list("code", flat=True))
    known: set[int] = set()
    created = []
    for row in rows:
        parent = _parent_code(row.code, row.level, known)
        known.add(row.code)
        if row.code in existing:
            continue
        created.append(Area(code=row.code, name=row.name, level=row.level, parent_id=parent))
    Area.objects.bulk_create(created, batch_size=1000)
    return len(created)


@transaction.atomic
def area_create(*, actor: Any, code: str | int, name: str, parent: Area) -> Area:
    """A county creates a township under itself, or a village under one of its townships."""
    if not covers(actor, Capability.MANAGE_AREAS, parent.code, Level(parent.level)):
        raise Forbidden(Msg.OUT_OF_SCOPE)
    return area_create_unchecked(code=code, name=name, parent=parent)


def area_create_unchecked(*, code: str | int, name: str, parent: Area) -> Area:
    """For trusted batch callers (the synthetic generator, the initial load)."""
    try:
        value = parse_code(code)
    except ValueError as exc:
        raise DomainError("code", code, str(exc)) from None
    if parent.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise DomainError("parent", parent.code_text, Msg.AREA_LEVEL)
    level = Level(parent.level + 1)
    if not is_within(value, parent.code, Level(parent.level)) or level_of(value) != level:
        raise DomainError("code", code, Msg.AREA_CODE_PARENT)
    if Area.objects.filter(code=value).exists():
        raise DomainError("code", code, Msg.AREA_CODE_TAKEN)
    return Area.objects.create(code=value, name=name.strip(), level=level, parent=parent)


@transaction.atomic
def role_assign(*, user: Any, area: Area, role: str) -> RoleAssignment:
    assignment, _ = RoleAssignment.objects.get_or_create(user=user, area=area, role=role)
    return assignment
