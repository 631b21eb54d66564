"""Reads for the monitoring screens and the API. Each takes the acting user and scopes itself:
a sweep of another county, or a hit, lead or signal outside the user's villages, is not found."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet

from lnob.areas.codes import Level, subtree_range
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


def explain(rule: dict[str, Any] | None, evidence: str, params: dict[str, Any]) -> str:
    """The rule's explanation filled with the figures it read (kept with the hit)."""
    values = {**params, **json.loads(evidence or "{}")}
    if rule is None:
        return ", ".join(f"{k} = {v}" for k, v in values.items())
    return render(str(rule.get("explanation", "")), values)


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
    sweep: Sweep, hits: QuerySet[SweepHit], *, baseline: bool = False, limit: int = 200
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
                "text": explain(rule, hit.evidence, params),
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


def signals_for(lead: Lead) -> list[SignalView]:
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
        text = explain(rule, signal.evidence, params) if signal.evidence else signal.note
        out.append(SignalView(signal, rule["name_zh"] if rule else signal.rule_code, text))
    return out


def household_risk(*, user: Any, household_id: int) -> dict[str, Any]:
    """For the household page: its leads (newest first) with their evidence. The caller has
    already checked the household is visible to the user."""
    from .models import Case

    leads = list(Lead.objects.filter(household_id=household_id).order_by("-opened_at")[:5])
    cases = Case.objects.filter(household_id=household_id).select_related("category").order_by("-pk")
    return {"leads": [(lead, signals_for(lead)[:30]) for lead in leads], "cases": list(cases[:5])}


def county_range(code: int) -> tuple[int, int]:
    return subtree_range(code, Level.COUNTY)


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
