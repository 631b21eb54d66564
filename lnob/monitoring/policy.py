"""Which policy values hold for a place on a day, and where each comes from.

Active versions apply to their region's whole subtree from their start date. For a village on a
day, the versions that apply are taken from the broadest region (national) to the narrowest
(county), each region contributing its latest version started by that day; a field set by a
narrower region overrides a broader one. Each value comes back with the version and the source
that set it, so a screen can say "8,700 yuan, 云南省 2025 年监测范围, source …".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lnob.areas.codes import level_of, subtree_range

from .models import NATIONAL, PolicyVersion

FIELDS: dict[str, str] = {
    # value field -> the field holding its source
    "threshold_yuan": "threshold_source",
    "decision_days": "decision_source",
    "decision_working_days": "decision_source",
    "notice_min_days": "notice_source",
    "elimination_stable_months": "elimination_source",
    "elimination_min_measures": "elimination_source",
    "medical_alert_yuan": "medical_alert_source",
}


@dataclass(frozen=True)
class Setting:
    value: Any
    version: PolicyVersion
    source: str


@dataclass
class ResolvedPolicy:
    area_code: int
    day: dt.date
    settings: dict[str, Setting] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        setting = self.settings.get(name)
        return None if setting is None else setting.value


def _covers(version: PolicyVersion, code: int) -> bool:
    if version.area_code == NATIONAL:
        return True
    lo, hi = subtree_range(version.area_code, level_of(version.area_code))
    return lo <= code < hi


def _breadth(version: PolicyVersion) -> int:
    return 0 if version.area_code == NATIONAL else int(level_of(version.area_code))


def versions_for(area_code: int, day: dt.date, draft: PolicyVersion | None = None) -> list[PolicyVersion]:
    """The active versions that apply to a place on a day, broadest region first and, within a
    region, oldest first. A `draft` (a what-if run) counts as if it were active: it replaces the
    active version of its region and start date."""
    candidates = [
        v
        for v in PolicyVersion.objects.filter(status=PolicyVersion.Status.ACTIVE, effective_from__lte=day)
        if _covers(v, area_code)
    ]
    if draft is not None and _covers(draft, area_code):  # tried now, whatever its start date
        candidates = [
            v
            for v in candidates
            if (v.area_code, v.effective_from) != (draft.area_code, draft.effective_from) and v.pk != draft.pk
        ] + [draft]
    return sorted(candidates, key=lambda v: (_breadth(v), v.effective_from, v.pk))


def policy_for(area_code: int, day: dt.date, draft: PolicyVersion | None = None) -> ResolvedPolicy:
    """The policy for a place (any code below the regions' own) on a day."""
    latest: dict[int, PolicyVersion] = {}
    for v in versions_for(area_code, day, draft):
        latest[v.area_code] = v  # oldest first, so the latest of each region stays
    resolved = ResolvedPolicy(area_code, day)
    for version in sorted(latest.values(), key=_breadth):  # broad first, narrow overrides
        for name, source in FIELDS.items():
            value = getattr(version, name)
            if value is not None:
                resolved.settings[name] = Setting(value, version, getattr(version, source))
    return resolved


# Policy values a rule expression may name, and the field each comes from.
PARAMETERS: dict[str, str] = {"threshold": "threshold_yuan", "medical_alert": "medical_alert_yuan"}


def parameters(policy: ResolvedPolicy) -> dict[str, float | None]:
    values = {}
    for name, field_name in PARAMETERS.items():
        value = policy.value(field_name)
        values[name] = None if value is None else float(value)
    return values


def rules_for(area_code: int, day: dt.date, draft: PolicyVersion | None = None) -> list[Any]:
    """The rules that hold for a place on a day: each region's versions in date order, broad to
    narrow; a later or narrower rule of the same code replaces the earlier one, and one switched
    off (enabled = False) removes it."""
    from .models import Rule

    chain = versions_for(area_code, day, draft)
    by_version: dict[int, list[Rule]] = {}
    for rule in Rule.objects.filter(policy__in=[v.pk for v in chain]).select_related("category", "policy"):
        by_version.setdefault(rule.policy_id, []).append(rule)
    found: dict[str, Rule] = {}
    for version in chain:
        for rule in by_version.get(version.pk, []):
            if rule.enabled:
                found[rule.code] = rule
            else:
                found.pop(rule.code, None)
    return sorted(found.values(), key=lambda r: (-r.severity, r.code))
