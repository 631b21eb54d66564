"""Monitoring endpoints: sweeps (start, status, hits with their figures), leads, rules, what-if.
Same conventions as the rest of /api/v1: 404 outside the caller's areas, 422 with the field and
the reason when a write is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lnob.core.errors import NotFound
from lnob.monitoring import links, selectors, services
from lnob.monitoring.models import PolicyVersion, Signal, Sweep
from lnob.monitoring.sweeps import progress_of, sweep_create

router = Router(tags=["monitoring"])


class _Page:
    """A queryset the paginator slices first; only the page's rows are then turned into output,
    in one batch (`fn` takes the page's objects and returns their dicts)."""

    def __init__(self, queryset: Any, fn: Any) -> None:
        self.queryset, self.fn = queryset, fn

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return list(self.fn(list(self.queryset[window])))


class SweepIn(Schema):
    county: int
    as_of: dt.date


class SweepOut(Schema):
    id: int
    county: int
    as_of: dt.date
    kind: str
    status: str
    trigger: str
    counts: dict[str, Any]
    timings: dict[str, float]
    skipped_rules: list[dict[str, str]]
    progress: dict[str, Any]
    error: str


class HitOut(Schema):
    household: str
    village: int
    rule_code: str
    severity: int
    figures: dict[str, Any]
    explanation: str


class LeadRow(Schema):
    id: int
    household: str
    village: int
    status: str
    severity: int
    opened_at: dt.datetime
    first_channel: str
    signals: int


class SignalOut(Schema):
    channel: str
    rule_code: str
    rule_name: str
    observed_on: dt.date
    explanation: str
    risk_types: list[str]


class LeadOut(LeadRow):
    evidence: list[SignalOut]


class RuleIn(Schema):
    code: str
    name_zh: str = ""
    name_en: str = ""
    category: str = ""
    risk_types: list[str] = []
    expression: str = ""
    severity: int = 2
    explanation: str = ""
    source: str = ""
    exact: bool = False
    enabled: bool = True


class RuleOut(Schema):
    code: str
    expression: str
    enabled: bool


class WhatIfIn(Schema):
    county: int


def _sweep_out(sweep: Sweep) -> dict[str, Any]:
    return {
        "id": sweep.pk,
        "county": sweep.county_id,
        "as_of": sweep.as_of,
        "kind": sweep.kind,
        "status": sweep.status,
        "trigger": sweep.trigger,
        "counts": sweep.counts,
        "timings": sweep.timings,
        "skipped_rules": sweep.policy.get("skipped", []),
        "progress": progress_of(sweep) if sweep.status in ("queued", "running") else {},
        "error": sweep.error,
    }


@router.post("/monitoring/sweeps", response={202: SweepOut})
def start_sweep(request: HttpRequest, body: SweepIn) -> Any:
    sweep = sweep_create(actor=request.user, county_code=body.county, as_of=body.as_of, trigger="api")
    return Status(202, _sweep_out(sweep))


@router.get("/monitoring/sweeps/{pk}", response=SweepOut)
def get_sweep(request: HttpRequest, pk: int) -> Any:
    return _sweep_out(selectors.sweep_get(user=request.user, pk=pk))


@router.get("/monitoring/sweeps/{pk}/hits", response=list[HitOut])
@paginate(LimitOffsetPagination)
def sweep_hits(request: HttpRequest, pk: int, rule: str = "") -> Any:
    sweep = selectors.sweep_get(user=request.user, pk=pk)
    names = selectors.rule_names(sweep)
    params = dict(sweep.policy.get("parameters", {}))
    hits = selectors.sweep_hits(user=request.user, sweep=sweep, rule=rule).select_related("household")

    def rows(page: list[Any]) -> list[dict[str, Any]]:
        out = []
        for h in page:
            shown = selectors.figures(
                h.evidence, user=request.user, household=h.household, reason="sweep (API)"
            )
            out.append(
                {
                    "household": h.household.number,
                    "village": h.village_id,
                    "rule_code": h.rule_code,
                    "severity": h.severity,
                    "figures": shown,
                    "explanation": selectors.explain(names.get(h.rule_code), shown, params),
                }
            )
        return out

    return _Page(hits.order_by("household_id", "rule_code"), rows)


def _lead_row(lead: Any, signals: int) -> dict[str, Any]:
    return {
        "id": lead.pk,
        "household": lead.household.number,
        "village": lead.village_id,
        "status": lead.status,
        "severity": lead.severity,
        "opened_at": lead.opened_at,
        "first_channel": lead.first_channel,
        "signals": signals,
    }


@router.get("/monitoring/leads", response=list[LeadRow])
@paginate(LimitOffsetPagination)
def list_leads(request: HttpRequest, status: str = "open", village: int | None = None) -> Any:
    leads = selectors.leads_visible(request.user).filter(status=status)
    if village:
        leads = leads.filter(village_id=village)

    def rows(page: list[Any]) -> list[dict[str, Any]]:
        counts = dict(
            Signal.objects.filter(lead__in=page)
            .values_list("lead")
            .annotate(n=Count("pk"))
            .values_list("lead", "n")
        )
        return [_lead_row(lead, counts.get(lead.pk, 0)) for lead in page]

    return _Page(leads.order_by("-severity", "opened_at", "pk"), rows)


@router.get("/monitoring/leads/{pk}", response=LeadOut)
def get_lead(request: HttpRequest, pk: int) -> Any:
    lead = selectors.lead_get(user=request.user, pk=pk)
    signals = selectors.signals_for(lead, user=request.user)
    return {
        **_lead_row(lead, len(signals)),
        "evidence": [
            {
                "channel": v.signal.channel,
                "rule_code": v.signal.rule_code,
                "rule_name": v.rule_name,
                "observed_on": v.signal.observed_on,
                "explanation": v.text,
                "risk_types": list(v.signal.risk_types),
            }
            for v in signals
        ],
    }


def _version(request: HttpRequest, pk: int) -> PolicyVersion:
    version = PolicyVersion.objects.filter(pk=pk).first()
    if version is None or version not in services.policies_visible(request.user):
        raise NotFound()
    return version


@router.post("/monitoring/policies/{pk}/rules", response={201: RuleOut})
def save_rule(request: HttpRequest, pk: int, body: RuleIn) -> Any:
    values = body.model_dump()
    code = values.pop("code")
    rule = services.rule_save(actor=request.user, policy=_version(request, pk), code=code, **values)
    return Status(201, {"code": rule.code, "expression": rule.expression, "enabled": rule.enabled})


@router.post("/monitoring/policies/{pk}/what-if", response={202: SweepOut})
def what_if(request: HttpRequest, pk: int, body: WhatIfIn) -> Any:
    from lnob.registry.selectors import today

    version = _version(request, pk)
    sweep = sweep_create(
        actor=request.user, county_code=body.county, as_of=today(), trigger="api", draft=version
    )
    return Status(202, _sweep_out(sweep))


# -- leads into cases, and case steps ------------------------------------------------------------


class AcceptIn(Schema):
    comment: str
    fast_track: bool = False
    fast_track_reason: str = ""


class DismissIn(Schema):
    reason: str


class CaseEventOut(Schema):
    action: str
    from_state: str
    to_state: str
    actor: str
    comment: str
    at: dt.datetime


class CaseOut(Schema):
    id: int
    household: str
    village: int
    state: str
    kind: str
    fast_track: bool
    assigned_to: str | None
    due_on: dt.date
    overdue: bool
    category: str | None
    risk_types: list[str]
    notice_start: dt.date | None
    notice_end: dt.date | None
    events: list[CaseEventOut]


class StepIn(Schema):
    action: str
    comment: str
    expected_state: str | None = None
    authorisation_signed_on: dt.date | None = None
    notice_start: dt.date | None = None
    notice_days: int | None = Field(default=None, ge=1, le=60)
    category: str | None = None
    risk_types: list[str] | None = None


def _case_out(case: Any) -> dict[str, Any]:
    from lnob.monitoring.cases import is_overdue

    return {
        "id": case.pk,
        "household": case.household.number,
        "village": case.village_id,
        "state": case.state,
        "kind": case.kind,
        "fast_track": case.fast_track,
        "assigned_to": case.assigned_to.username if case.assigned_to else None,
        "due_on": case.due_on,
        "overdue": is_overdue(case),
        "category": case.category_id,
        "risk_types": list(case.risk_types),
        "notice_start": case.notice_start,
        "notice_end": case.notice_end,
        "events": [
            {
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor.username,
                "comment": e.comment,
                "at": e.at,
            }
            for e in case.events.all()
        ],
    }


@router.post("/monitoring/leads/{pk}/accept", response={201: CaseOut})
def accept_lead(request: HttpRequest, pk: int, body: AcceptIn) -> Any:
    from lnob.monitoring.cases import lead_accept

    lead = selectors.lead_get(user=request.user, pk=pk)
    case = lead_accept(actor=request.user, lead=lead, **body.model_dump())
    return Status(201, _case_out(selectors.case_get(user=request.user, pk=case.pk)))


@router.post("/monitoring/leads/{pk}/dismiss", response=LeadRow)
def dismiss_lead(request: HttpRequest, pk: int, body: DismissIn) -> Any:
    from lnob.monitoring.cases import lead_dismiss

    lead = selectors.lead_get(user=request.user, pk=pk)
    lead = lead_dismiss(actor=request.user, lead=lead, reason=body.reason)
    return _lead_row(lead, lead.signals.count())


@router.get("/monitoring/cases", response=list[CaseOut])
@paginate(LimitOffsetPagination)
def list_cases(request: HttpRequest, mine: bool = False, overdue: bool = False, state: str = "") -> Any:
    from django.db.models import Prefetch

    from lnob.monitoring.models import CaseEvent

    cases = selectors.worklist(user=request.user, mine=mine, overdue=overdue, state=state).prefetch_related(
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor"))
    )
    return _Page(cases, lambda page: [_case_out(c) for c in page])


@router.get("/monitoring/cases/{pk}", response=CaseOut)
def get_case(request: HttpRequest, pk: int) -> Any:
    return _case_out(selectors.case_get(user=request.user, pk=pk))


@router.post("/monitoring/cases/{pk}/steps", response=CaseOut)
def case_step(request: HttpRequest, pk: int, body: StepIn) -> Any:
    from lnob.monitoring.cases import case_step as step

    case = selectors.case_get(user=request.user, pk=pk)
    data = body.model_dump(exclude_none=True)
    step(
        actor=request.user,
        case=case,
        action=data.pop("action"),
        comment=data.pop("comment"),
        expected_state=data.pop("expected_state", None),
        **data,
    )
    return _case_out(selectors.case_get(user=request.user, pk=pk))


class ReportIn(Schema):
    channel: str
    risk_types: list[str]
    note: str
    observed_on: dt.date | None = None


class ReportOut(Schema):
    lead: int
    household: str
    channel: str
    risk_types: list[str]
    observed_on: dt.date


@router.post("/monitoring/households/{number}/reports", response={201: ReportOut})
def report(request: HttpRequest, number: str, body: ReportIn) -> Any:
    """A household's own report (channel self_report, filed for it) or a cadre's (cadre)."""
    from lnob.monitoring.cases import report_risk
    from lnob.registry.models import Household

    household = Household.objects.visible_to(request.user).filter(number=number).first()
    if household is None:
        raise NotFound()
    signal = report_risk(actor=request.user, household=household, **body.model_dump())
    return Status(
        201,
        {
            "lead": signal.lead_id,
            "household": number,
            "channel": signal.channel,
            "risk_types": list(signal.risk_types),
            "observed_on": signal.observed_on,
        },
    )


class MeasureIn(Schema):
    type: str
    start: dt.date
    responsible: str
    end: dt.date | None = None
    note: str = ""
    no_labour_override: bool = False
    override_reason: str = ""


class MeasureOut(Schema):
    id: int
    type: str
    kind: str
    start: dt.date
    end: dt.date | None
    responsible: str
    status: str
    no_labour_override: bool
    override_reason: str
    link: str | None  # "app_label.model:pk" of what carries it out (lnob.monitoring.links)
    link_text: str


class MeasureStatusIn(Schema):
    status: str
    end: dt.date | None = None


def _measure_out(m: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "type": m.type,
        "kind": m.kind,
        "start": m.start,
        "end": m.end,
        "responsible": m.responsible,
        "status": m.status,
        "no_labour_override": m.no_labour_override,
        "override_reason": m.override_reason,
        "link": f"{m.link_type.app_label}.{m.link_type.model}:{m.link_id}" if m.link_type_id else None,
        "link_text": links.describe(m),
    }


@router.get("/monitoring/cases/{pk}/measures", response=list[MeasureOut])
def list_measures(request: HttpRequest, pk: int) -> Any:
    return [_measure_out(m) for m in selectors.case_get(user=request.user, pk=pk).measures.all()]


@router.post("/monitoring/cases/{pk}/measures", response={201: MeasureOut})
def add_measure(request: HttpRequest, pk: int, body: MeasureIn) -> Any:
    from lnob.monitoring.cases import measure_add

    case = selectors.case_get(user=request.user, pk=pk)
    return Status(201, _measure_out(measure_add(actor=request.user, case=case, **body.model_dump())))


class MeasureLinkIn(Schema):
    link: str  # "app_label.model:pk", one of GET .../links


@router.get("/monitoring/measures/{pk}/links", response=list[dict[str, str]])
def measure_link_choices(request: HttpRequest, pk: int) -> Any:
    """The household members' records the measure may be linked to: [{"key", "label"}]."""
    from lnob.monitoring.models import Measure

    measure = Measure.objects.visible_to(request.user).filter(pk=pk).first()
    if measure is None:
        raise NotFound()
    return [{"key": key, "label": label} for key, label in links.candidates(measure, request.user)]


@router.post("/monitoring/measures/{pk}/link", response=MeasureOut)
def measure_link(request: HttpRequest, pk: int, body: MeasureLinkIn) -> Any:
    """Link the measure to what carries it out; 422 for a record not of the household or kind."""
    from lnob.monitoring.models import Measure

    measure = Measure.objects.visible_to(request.user).filter(pk=pk).first()
    if measure is None:
        raise NotFound()
    return _measure_out(links.measure_link(actor=request.user, measure=measure, key=body.link))


@router.post("/monitoring/measures/{pk}/status", response=MeasureOut)
def measure_status(request: HttpRequest, pk: int, body: MeasureStatusIn) -> Any:
    from lnob.monitoring.cases import measure_status as set_status
    from lnob.monitoring.models import Measure

    measure = Measure.objects.visible_to(request.user).filter(pk=pk).first()
    if measure is None:
        raise NotFound()
    return _measure_out(set_status(actor=request.user, measure=measure, **body.model_dump()))
