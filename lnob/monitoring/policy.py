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


def policy_for(area_code: int, day: dt.date) -> ResolvedPolicy:
    """The policy for a place (any code below the regions' own) on a day."""
    candidates = [
        v
        for v in PolicyVersion.objects.filter(status=PolicyVersion.Status.ACTIVE, effective_from__lte=day)
        if _covers(v, area_code)
    ]
    latest: dict[int, PolicyVersion] = {}
    for v in candidates:
        held = latest.get(v.area_code)
        if held is None or v.effective_from > held.effective_from:
            latest[v.area_code] = v
    resolved = ResolvedPolicy(area_code, day)
    for version in sorted(latest.values(), key=_breadth):  # broad first, narrow overrides
        for name, source in FIELDS.items():
            value = getattr(version, name)
            if value is not None:
                resolved.settings[name] = Setting(value, version, getattr(version, source))
    return resolved
