"""The province's criteria evaluated against rosters, for many workshops at once, with the figures
used kept for the record (Assessment.figures) so a result can be explained."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.areas.codes import level_of
from lnob.employment import policy
from lnob.employment.models import EmploymentPolicy

from .models import Assessment, Workshop, WorkshopType
from .roster import RosterSpell, earnings, months_worked, poor_on, roster_spells
from .rules import MONITORING, RECOGNITION, MonitoringParams, RecognitionParams

TWO = Decimal("0.01")


@dataclass
class Result:
    workshop: Workshop
    policy: EmploymentPolicy
    monitoring: EmploymentPolicy | None
    met: bool
    figures: dict[str, Any]


def rules_for(kind: str, codes: set[int], day: dt.date) -> dict[int, policy.Rule]:
    """`policy.rule_for` for many places at once (one query): the narrowest region's latest
    version. A place with no rule is left out."""
    rows = list(EmploymentPolicy.objects.filter(kind=kind, active=True, effective_from__lte=day))
    out: dict[int, policy.Rule] = {}
    for code in codes:
        covering = [r for r in rows if policy.covers(r.area_code, code)]
        if covering:
            best = max(
                covering,
                key=lambda r: (0 if r.area_code == 0 else int(level_of(r.area_code)), r.effective_from, r.pk),
            )
            out[code] = policy.Rule(best, policy.parse_params(kind, best.params))
    return out


def rule_or_refuse(rules: dict[int, policy.Rule], kind: str, code: int, day: dt.date) -> policy.Rule:
    if code in rules:
        return rules[code]
    return policy.rule_for(kind, code, day)  # raises the DomainError naming the missing rule


def year_before(day: dt.date) -> dt.date:
    """The first day of the 12 months that end on `day`."""
    try:
        return day.replace(year=day.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        return dt.date(day.year - 1, 3, 1)


def assess(workshops: list[Workshop], day: dt.date, purpose: str) -> list[Result]:
    """Evaluate the recognition criteria in force on `day` for each workshop. At a quarterly check
    (`purpose` "check") a worker counts by the monitoring rule's threshold (months or earnings);
    at recognition by the recognition rule's months. DomainError when a place has no rule."""
    if not workshops:
        return []
    villages = {w.village_id for w in workshops}
    recognition = rules_for(RECOGNITION, villages, day)
    monitoring = rules_for(MONITORING, villages, day) if purpose == Assessment.Purpose.CHECK else {}
    start = year_before(day)
    spells = roster_spells(workshops, start, day)
    months = months_worked(spells, start, day)
    earned = earnings(spells, start, day)
    current: dict[tuple[int, int], RosterSpell] = {}
    for r in spells:
        if r.runs_on(day) and (r.workshop_id, r.person_id) not in current:
            current[(r.workshop_id, r.person_id)] = r
    poor = poor_on({p for _w, p in current}, day)
    by_shop: dict[int, list[RosterSpell]] = defaultdict(list)
    for (shop, _p), r in current.items():
        by_shop[shop].append(r)
    out = []
    for w in workshops:
        rec = rule_or_refuse(recognition, RECOGNITION, w.village_id, day)
        checking = purpose == Assessment.Purpose.CHECK
        mon = rule_or_refuse(monitoring, MONITORING, w.village_id, day) if checking else None
        out.append(_evaluate(w, rec, mon, by_shop.get(w.pk, []), months, earned, poor))
    return out


def _counts(
    w: Workshop,
    r: RosterSpell,
    rp: RecognitionParams,
    mp: MonitoringParams | None,
    months: dict[tuple[int, int], int],
    earned: dict[tuple[int, int], Decimal],
) -> bool:
    key = (w.pk, r.person_id)
    if rp.min_wage is not None and (r.monthly_wage is None or r.monthly_wage < rp.min_wage):
        return False
    if mp is None:
        return months.get(key, 0) >= rp.min_months
    enough = months.get(key, 0) >= mp.min_months
    return enough or (mp.min_earnings is not None and earned.get(key, Decimal(0)) >= mp.min_earnings)


def _evaluate(
    w: Workshop,
    rec: policy.Rule,
    mon: policy.Rule | None,
    current: list[RosterSpell],
    months: dict[tuple[int, int], int],
    earned: dict[tuple[int, int], Decimal],
    poor: set[int],
) -> Result:
    rp: RecognitionParams = rec.params
    mp: MonitoringParams | None = mon.params if mon else None
    counted = [r for r in current if _counts(w, r, rp, mp, months, earned)]
    workers = len(counted)
    poor_workers = sum(1 for r in counted if r.person_id in poor)
    share = (Decimal(poor_workers) / workers).quantize(Decimal("0.001")) if workers else Decimal(0)
    wages = [r.monthly_wage for r in counted if r.monthly_wage is not None]
    average = (sum(wages, Decimal(0)) / len(wages)).quantize(TWO) if wages else None
    criteria: list[dict[str, Any]] = [
        {
            "group": "all",
            "key": "type",
            "value": w.type,
            "threshold": [str(t) for t in rp.types],
            "ok": w.type in rp.types,
        },
    ]
    floor = rp.min_average_wage.get(WorkshopType(w.type))
    if floor is not None:
        criteria.append(
            {
                "group": "all",
                "key": "average_wage",
                "value": None if average is None else str(average),
                "threshold": str(floor),
                "ok": average is not None and average >= floor,
            }
        )
    for i, alt in enumerate(rp.any_of):
        if alt.min_poor_workers is not None:
            criteria.append(
                {
                    "group": i,
                    "key": "poor_workers",
                    "value": poor_workers,
                    "threshold": alt.min_poor_workers,
                    "ok": poor_workers >= alt.min_poor_workers,
                }
            )
        if alt.min_workers is not None:
            criteria.append(
                {
                    "group": i,
                    "key": "workers",
                    "value": workers,
                    "threshold": alt.min_workers,
                    "ok": workers >= alt.min_workers,
                }
            )
        if alt.min_poor_share is not None:
            criteria.append(
                {
                    "group": i,
                    "key": "poor_share",
                    "value": str(share),
                    "threshold": str(alt.min_poor_share),
                    "ok": workers > 0 and share >= alt.min_poor_share,
                }
            )
    common = all(c["ok"] for c in criteria if c["group"] == "all")
    groups = {c["group"] for c in criteria if c["group"] != "all"}
    met = common and any(all(c["ok"] for c in criteria if c["group"] == g) for g in groups)
    figures = {
        "rule": rec.row.name,
        "source": rec.row.source,
        "monitoring_rule": mon.row.name if mon else None,
        "roster": len(current),
        "workers": workers,
        "poor_workers": poor_workers,
        "poor_share": str(share),
        "average_wage": None if average is None else str(average),
        "min_months": mp.min_months if mp else rp.min_months,
        "min_earnings": str(mp.min_earnings) if mp and mp.min_earnings is not None else None,
        "min_wage": None if rp.min_wage is None else str(rp.min_wage),
        "also_required": rp.also_required,
        "criteria": criteria,
        "counted": sorted(r.person_id for r in counted),
    }
    return Result(w, rec.row, mon.row if mon else None, met, figures)


_LABELS = {
    "poor_workers": gettext_lazy("脱贫户或监测户工人"),
    "workers": gettext_lazy("工人"),
    "poor_share": gettext_lazy("脱贫户或监测户工人占比"),
    "average_wage": gettext_lazy("月平均工资"),
}


def explain(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The criteria as sentences a cadre reads: "脱贫户或监测户工人 7 人 ≥ 5 人 ✓", grouped into
    "all of" and the alternatives."""
    from .models import WorkshopType as T

    types = dict(T.choices)
    out = []
    for c in figures.get("criteria", []):
        key, value, threshold = c["key"], c["value"], c["threshold"]
        if key == "type":
            text = _("车间类型“{value}”在认定范围内：{allowed}").format(
                value=types.get(value, value), allowed="、".join(str(types.get(t, t)) for t in threshold)
            )
        elif key == "poor_share":
            text = _("{label} {value}% ≥ {threshold}%").format(
                label=_LABELS[key], value=_pct(value), threshold=_pct(threshold)
            )
        elif key == "average_wage":
            shown = value if value is not None else _("未登记")
            text = _("{label} {value} 元 ≥ {threshold} 元").format(
                label=_LABELS[key], value=shown, threshold=threshold
            )
        else:
            text = _("{label} {value} 人 ≥ {threshold} 人").format(
                label=_LABELS[key], value=value, threshold=threshold
            )
        out.append({"group": c["group"], "text": text, "ok": c["ok"]})
    return out


def _pct(value: Any) -> str:
    return f"{Decimal(str(value)) * 100:.1f}".rstrip("0").rstrip(".")
