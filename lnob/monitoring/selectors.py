"""Reads for the monitoring screens and the API. Each takes the acting user and scopes itself:
a sweep of another county, or a hit, lead or signal outside the user's villages, is not found."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet

from lnob.areas.scoping import scope_ranges
from lnob.core.errors import NotFound
from lnob.engine.monitor.expr import render

from .models import Lead, Signal, Sweep, SweepHit


def sweeps_visible(user: Any) -> QuerySet[Sweep]:
    """Sweeps of the counties in which the user holds any area (a village cadre sees their
    county's sweeps, and in them only their own villages' households)."""
    from django.db.models import Q

    from lnob.areas.scoping import area_q

    within, wider = set(), []
    for lo, hi in scope_ranges(user):
        if hi - lo <= 10**6:  # a county or part of one
            within.add(lo - lo % 10**6)
        else:  # a prefecture or province: the counties inside it
            wider.append((lo, hi))
    if not within and not wider:
        return Sweep.objects.none()
    q = Q(county_id__in=sorted(within)) | (area_q("county_id", wider) if wider else Q(pk__in=[]))
    return Sweep.objects.filter(q).select_related("county", "draft")


def sweep_get(*, user: Any, pk: int) -> Sweep:
    sweep = sweeps_visible(user).filter(pk=pk).first()
    if sweep is None:
        raise NotFound()
    return sweep


@dataclass
class HitRow:
    household_id: int
    number: str
    village: str
    rules: list[dict[str, Any]]
    severity: int


def rule_names(sweep: Sweep) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in sweep.policy.get("rules", [])}


def _params(sweep: Sweep) -> dict[str, Any]:
    return dict(sweep.policy.get("parameters", {}))


MASK = "***"


def figures(evidence: str, *, user: Any, household: Any, reason: str) -> dict[str, Any]:
    """A hit's or signal's figures for this user: health-derived ones (features.SENSITIVE) only
    for roles that may see health data, and each such showing written to the audit trail."""
    from lnob.areas.roles import Capability
    from lnob.areas.scoping import can
    from lnob.core.sensitive import record_access
    from lnob.engine.monitor.features import SENSITIVE

    values = json.loads(evidence or "{}")
    shown = sorted(k for k in values if k in SENSITIVE)
    if not shown:
        return values
    if can(user, Capability.VIEW_SENSITIVE, household.village_id):
        record_access(actor=user, instance=household, fields=shown, reason=reason)
        return values
    return {k: (MASK if k in SENSITIVE else v) for k, v in values.items()}


def explain(rule: dict[str, Any] | None, values: dict[str, Any], params: dict[str, Any]) -> str:
    """The rule's explanation filled with the figures it read (kept with the hit)."""
    merged = {**params, **values}
    if rule is None:
        return ", ".join(f"{k} = {v}" for k, v in merged.items())
    return render(str(rule.get("explanation", "")), merged)


def sweep_hits(
    *, user: Any, sweep: Sweep, rule: str = "", village: int | None = None, baseline: bool = False
) -> QuerySet[SweepHit]:
    hits = SweepHit.objects.visible_to(user).filter(sweep=sweep, baseline=baseline)
    if rule:
        hits = hits.filter(rule_code=rule)
    if village:
        hits = hits.filter(village_id=village)
    return hits


def hit_rows(
    sweep: Sweep, hits: QuerySet[SweepHit], *, user: Any, baseline: bool = False, limit: int = 200
) -> list[HitRow]:
    """Households with their rules met and the explanation of each, at most `limit` households."""
    names = rule_names(sweep)
    params = _params(sweep)
    households = list(
        hits.values("household_id").annotate(s=Max("severity")).order_by("-s", "household_id")[:limit]
    )
    ids = [h["household_id"] for h in households]
    rows: dict[int, HitRow] = {}
    for hit in (
        SweepHit.objects.filter(sweep=sweep, baseline=baseline, household_id__in=ids)
        .select_related("household", "village")
        .order_by("household_id", "-severity", "rule_code")
    ):
        row = rows.get(hit.household_id)
        if row is None:
            row = rows[hit.household_id] = HitRow(
                hit.household_id, hit.household.number, hit.village.name, [], hit.severity
            )
        rule = names.get(hit.rule_code)
        row.rules.append(
            {
                "code": hit.rule_code,
                "name": rule["name_zh"] if rule else hit.rule_code,
                "text": explain(
                    rule, figures(hit.evidence, user=user, household=hit.household, reason="sweep"), params
                ),
            }
        )
    return [rows[i] for i in ids if i in rows]


def sweep_by_village(*, user: Any, sweep: Sweep) -> list[dict[str, Any]]:
    return list(
        SweepHit.objects.visible_to(user)
        .filter(sweep=sweep, baseline=False)
        .values("village_id", "village__name")
        .annotate(households=Count("household_id", distinct=True))
        .order_by("-households")[:50]
    )


def what_if_changes(*, user: Any, sweep: Sweep, limit: int = 200) -> dict[str, list[int]]:
    """Households the draft adds (flagged by it, not by the active policy) and drops."""
    hits = SweepHit.objects.visible_to(user).filter(sweep=sweep)
    draft = set(hits.filter(baseline=False).values_list("household_id", flat=True).distinct())
    active = set(hits.filter(baseline=True).values_list("household_id", flat=True).distinct())
    return {"added": sorted(draft - active)[:limit], "dropped": sorted(active - draft)[:limit]}


def leads_visible(user: Any) -> QuerySet[Lead]:
    return Lead.objects.visible_to(user).select_related("household", "village")


def lead_get(*, user: Any, pk: int) -> Lead:
    lead = leads_visible(user).filter(pk=pk).first()
    if lead is None:
        raise NotFound()
    return lead


@dataclass
class SignalView:
    signal: Signal
    rule_name: str
    text: str


def signals_for(lead: Lead, *, user: Any) -> list[SignalView]:
    """Each piece of evidence with its explanation, newest sweep first."""
    sweeps: dict[int, Sweep] = {}
    out = []
    for signal in lead.signals.order_by("-created_at", "rule_code"):
        rule = None
        params: dict[str, Any] = {}
        if signal.sweep_id:
            sweep = sweeps.get(signal.sweep_id)
            if sweep is None:
                sweep = sweeps[signal.sweep_id] = Sweep.objects.only("policy").get(pk=signal.sweep_id)
            rule = rule_names(sweep).get(signal.rule_code)
            params = _params(sweep)
        if signal.evidence:
            shown = figures(signal.evidence, user=user, household=lead.household, reason="lead evidence")
            text = explain(rule, shown, params)
        else:
            text = signal.note
        name = rule["name_zh"] if rule else signal.rule_code or _risk_names(signal.risk_types)
        out.append(SignalView(signal, name, text))
    return out


def _risk_names(codes: list[str]) -> str:
    from lnob.registry.models import RiskType

    names = {r.code: str(r) for r in RiskType.objects.filter(code__in=codes)}
    return "、".join(names.get(c, c) for c in codes)


def household_risk(*, user: Any, household_id: int) -> dict[str, Any]:
    """For the household page: its leads (newest first) with their evidence. The caller has
    already checked the household is visible to the user."""
    from .models import Case

    leads = list(Lead.objects.filter(household_id=household_id).order_by("-opened_at")[:5])
    cases = Case.objects.filter(household_id=household_id).select_related("category").order_by("-pk")
    from .elimination import household_status

    status, _case = household_status(household_id)
    return {
        "leads": [(lead, signals_for(lead, user=user)[:30]) for lead in leads],
        "cases": list(cases[:5]),
        "status": status,
    }


# -- cases --------------------------------------------------------------------------------------


def cases_visible(user: Any) -> QuerySet[Any]:
    from .models import Case

    return Case.objects.visible_to(user).select_related("household", "village", "assigned_to", "category")


def case_get(*, user: Any, pk: int) -> Any:
    case = cases_visible(user).filter(pk=pk).first()
    if case is None:
        raise NotFound()
    return case


def worklist(*, user: Any, mine: bool = False, overdue: bool = False, state: str = "") -> QuerySet[Any]:
    """Cases in the user's areas: in progress by default, soonest due first; `mine`, those the user
    is responsible for; `overdue`, those past their deadline (the escalation list)."""
    from django.utils import timezone

    from .models import FINAL_STATES

    cases = cases_visible(user)
    cases = cases.filter(state=state) if state else cases.exclude(state__in=FINAL_STATES)
    if mine:
        cases = cases.filter(assigned_to=user)
    if overdue:
        cases = cases.exclude(state__in=FINAL_STATES).filter(due_on__lt=timezone.localdate())
    return cases.order_by("due_on", "pk")


# -- the county dashboard -------------------------------------------------------------------------


def monitored_case_ids(cases: QuerySet[Any]) -> list[int]:
    """The approved identification case of each household whose latest decision keeps it
    monitored (not eliminated, not re-marked), in one pass over the decisions."""
    from .models import CaseState

    latest: dict[int, tuple[Any, ...]] = {}
    rows = cases.filter(
        state__in=[CaseState.APPROVED, CaseState.ROLLED_BACK, CaseState.REMARKED], closed_at__isnull=False
    ).values_list("household_id", "pk", "kind", "state")
    identification: dict[int, int] = {}
    for household, pk, kind, state in rows.order_by("closed_at", "pk"):
        latest[household] = (kind, state)
        if kind == "identification":
            identification[household] = pk
    return [
        identification[h]
        for h, (kind, state) in latest.items()
        if h in identification and (kind == "identification" or state == CaseState.ROLLED_BACK)
    ]


def dashboard(*, user: Any, months: int = 12) -> dict[str, Any]:
    """Figures for the dashboard, all within the user's areas: monitored households by category and
    risk type, the latest sweep's households at risk by rule and village, overdue cases, and the
    monthly trend of leads and approvals."""
    import datetime as dt

    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from lnob.registry.models import RiskType

    from .models import FINAL_STATES, Case, MonitoringCategory

    today = timezone.localdate()
    leads = Lead.objects.visible_to(user)
    cases = Case.objects.visible_to(user)
    monitored = cases.filter(pk__in=monitored_case_ids(cases))
    names = {c.code: c.name_zh for c in MonitoringCategory.objects.all()}
    by_category = [
        {"code": row["category_id"], "name": names.get(row["category_id"], row["category_id"]), "n": row["n"]}
        for row in monitored.values("category_id").annotate(n=Count("pk")).order_by("category_id")
    ]
    risk_names = {r.code: str(r) for r in RiskType.objects.all()}
    risk_counts: dict[str, int] = {}
    for risks in monitored.values_list("risk_types", flat=True):
        for code in risks or []:
            risk_counts[code] = risk_counts.get(code, 0) + 1
    by_risk = [
        {"code": c, "name": risk_names.get(c, c), "n": n}
        for c, n in sorted(risk_counts.items(), key=lambda x: -x[1])
    ]
    latest = sweeps_visible(user).filter(kind="sweep", status="done").order_by("-as_of", "-pk").first()
    by_rule: list[dict[str, Any]] = []
    by_village: list[dict[str, Any]] = []
    flagged = 0
    if latest is not None:
        rules = rule_names(latest)
        hits = SweepHit.objects.visible_to(user).filter(sweep=latest, baseline=False)
        flagged = hits.values("household_id").distinct().count()
        by_rule = [
            {"code": code, "name": rules.get(code, {}).get("name_zh", code), "n": n}
            for code, n in hits.values_list("rule_code").annotate(n=Count("household_id", distinct=True))
        ]
        by_rule.sort(key=lambda r: -r["n"])
        by_village = [
            {"code": row["village_id"], "name": row["village__name"], "n": row["households"]}
            for row in sweep_by_village(user=user, sweep=latest)[:15]
        ]
    overdue = cases.exclude(state__in=FINAL_STATES).filter(due_on__lt=today)
    first = today.year * 12 + today.month - 1 - (months - 1)  # months since year 0, the first shown
    start = dt.date(first // 12, first % 12 + 1, 1)
    month_keys = []
    day = start
    while day <= today:
        month_keys.append(day.strftime("%Y-%m"))
        day = (day + dt.timedelta(days=32)).replace(day=1)

    def monthly(qs: QuerySet[Any], field: str) -> list[int]:
        counts = {
            row["m"].strftime("%Y-%m"): row["n"]
            for row in qs.filter(**{f"{field}__date__gte": start})
            .annotate(m=TruncMonth(field))
            .values("m")
            .annotate(n=Count("pk"))
        }
        return [counts.get(k, 0) for k in month_keys]

    return {
        "totals": {
            "open_leads": leads.filter(status="open").count(),
            "in_progress": cases.exclude(state__in=FINAL_STATES).count(),
            "monitored": monitored.count(),
            "overdue": overdue.count(),
            "flagged": flagged,
        },
        "latest": latest,
        "by_category": by_category,
        "by_risk": by_risk,
        "by_rule": by_rule,
        "by_village": by_village,
        "overdue": list(
            overdue.select_related("household", "village", "assigned_to").order_by("due_on")[:10]
        ),
        "trend": {
            "months": month_keys,
            "leads": monthly(leads, "opened_at"),
            "approved": monthly(monitored.filter(closed_at__isnull=False), "closed_at"),
        },
    }
