"""Writes to monitoring policy: create a version, activate it. Only for the whole of a region the
actor manages (a county administrator for their county); anything else is NotFound. Each value
must name its source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.utils.translation import gettext as _

from lnob.areas.codes import Level, level_of
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import covers
from lnob.core.errors import DomainError, NotFound

from .models import PolicyVersion
from .policy import FIELDS

LIMITS: dict[str, tuple[Any, Any]] = {
    "threshold_yuan": (Decimal(0), Decimal(100_000)),
    "decision_days": (1, 90),
    "notice_min_days": (1, 30),
    "elimination_stable_months": (1, 36),
    "elimination_min_measures": (0, 10),
    "medical_alert_yuan": (Decimal(0), Decimal(1_000_000)),
}


def _managed_region(actor: Any, area_code: int) -> Area:
    area = Area.objects.filter(code=area_code).first()
    if area is None or level_of(area.code) > Level.COUNTY:
        raise NotFound()
    if not covers(actor, Capability.MANAGE_AREAS, area.code, Level(area.level)):
        raise NotFound()
    return area


def _check(values: dict[str, Any]) -> None:
    for name, source in FIELDS.items():
        value = values.get(name)
        if value is None:
            continue
        if name in LIMITS:
            lo, hi = LIMITS[name]
            if not lo <= value <= hi:
                raise DomainError(name, value, _("应在 {lo} 到 {hi} 之间").format(lo=lo, hi=hi))
        if not str(values.get(source) or "").strip():
            raise DomainError(source, "", _("请注明依据（文件名称或网址）"))


@transaction.atomic
def policy_create(
    *, actor: Any, area_code: int, effective_from: dt.date, name: str, activate: bool = False, **values: Any
) -> PolicyVersion:
    _managed_region(actor, area_code)
    unknown = set(values) - set(FIELDS) - set(FIELDS.values()) - {"note"}
    if unknown:
        raise DomainError(sorted(unknown)[0], "", _("不能设置此字段"))
    _check(values)
    with set_actor(actor):
        version = PolicyVersion.objects.create(
            area_code=area_code,
            effective_from=effective_from,
            name=name.strip(),
            created_by=actor,
            **{k: v for k, v in values.items() if v is not None},
        )
        if activate:
            _activate(version)
    return version


@transaction.atomic
def policy_activate(*, actor: Any, version: PolicyVersion) -> PolicyVersion:
    _managed_region(actor, version.area_code)
    locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != PolicyVersion.Status.DRAFT:
        raise DomainError("status", locked.status, _("只有草稿可以生效"))
    with set_actor(actor):
        _activate(locked)
    return locked


def _activate(version: PolicyVersion) -> None:
    """The version replaces the active one of the same region and start date, which is retired."""
    for other in PolicyVersion.objects.filter(
        area_code=version.area_code, effective_from=version.effective_from, status=PolicyVersion.Status.ACTIVE
    ).exclude(pk=version.pk):
        other.status = PolicyVersion.Status.RETIRED
        other.save(update_fields=["status"])
    version.status = PolicyVersion.Status.ACTIVE
    version.save(update_fields=["status"])


def policies_visible(user: Any) -> list[PolicyVersion]:
    """Versions that apply somewhere in the user's areas: the national ones, those of the regions
    holding the user's areas, and those of regions inside them. Nobody else's."""
    from lnob.areas.codes import subtree_range
    from lnob.areas.scoping import scope_ranges

    ranges = scope_ranges(user)
    if not ranges:
        return []
    found = []
    for v in PolicyVersion.objects.order_by("area_code", "-effective_from", "-pk"):
        if v.area_code == 0:
            found.append(v)
            continue
        lo, hi = subtree_range(v.area_code, level_of(v.area_code))
        if any(lo <= r_lo and r_hi <= hi for r_lo, r_hi in ranges) or any(
            r_lo <= lo < r_hi for r_lo, r_hi in ranges
        ):
            found.append(v)
    return found
