"""Screens of job matching: runs (start one, watch its progress, read its proposals, reasons and
fairness table), a proposal (refer it on, or not), referrals and their outcomes, and a seeker's
own constraints."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, scope_ranges
from lnob.core.errors import DomainError, NotFound
from lnob.employment.fairs.models import JobFair
from lnob.employment.services import county_of
from lnob.employment.workstations.models import Workstation
from lnob.registry.selectors import person_get

from . import selectors, services
from .forms import (
    DayForm,
    HireForm,
    OfferForm,
    ProfileForm,
    ReferForm,
    RunForm,
    SignForm,
    decline_form,
    reject_form,
)
from .labels import CONSTRAINTS, DIMENSIONS, PARTS, REASONS, group, reason
from .models import LineState, MatchLine, Referral, RunStatus, Via

NOT_FOUND = "未找到，或不在您的管辖范围内"


def _404() -> Http404:
    return Http404(_(NOT_FOUND))


def _run_areas(user: Any) -> list[tuple[int, str]]:
    """The areas the user may run matching over: their own, and the townships of a county."""
    codes = [lo for lo, _hi in scope_ranges(user, Capability.MANAGE_EMPLOYMENT)]
    own = list(Area.objects.filter(code__in=codes, level__gte=Level.COUNTY).order_by("code"))
    out = [(a.code, a.name) for a in own]
    for area in own:
        if area.level == Level.COUNTY:
            lo, hi = subtree_range(area.code, Level.COUNTY)
            out += [
                (t.code, f"{area.name} · {t.name}")
                for t in Area.objects.filter(code__gte=lo, code__lt=hi, level=Level.TOWNSHIP).order_by("code")
            ]
    return out


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not scope_ranges(request.user, Capability.VIEW_REGISTRY):
        raise _404()
    areas = _run_areas(request.user)
    form = RunForm(request.POST or None, areas=areas)
    if request.method == "POST":
        if not areas:
            raise _404()
        if form.is_valid():
            try:
                run = services.run_start(
                    actor=request.user, area_code=form.cleaned_data["area"], as_of=form.cleaned_data["as_of"]
                )
            except NotFound:
                raise _404() from None
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect("matching_run", pk=run.pk)
    page = Paginator(selectors.run_list(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "matching/index.html", {"page": page, "form": form if areas else None})


def _run(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.run_get(user=request.user, pk=pk)
    except NotFound:
        raise _404() from None


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    context: dict[str, Any] = {"run": run, "reasons": REASONS}
    if run.status == RunStatus.DONE:
        show = request.GET.get("show", "matched")
        village = request.GET.get("village")
        lines = selectors.lines(
            user=request.user,
            run=run,
            reason="matched" if show == "matched" else ("unmatched" if show == "unmatched" else show),
            village=int(village) if village and village.isdigit() else None,
        )
        counts = selectors.reason_counts(user=request.user, run=run)
        context.update(
            page=Paginator(lines, 50).get_page(request.GET.get("page")),
            show=show,
            village=village or "",
            counts=[(code, reason(code), counts[code]) for code in REASONS if code in counts],
            fairness=[
                (DIMENSIONS[dim], [(group(r.group), r) for r in rows])
                for dim, rows in selectors.fairness(run).items()
            ],
            figures=run.figures,
            problems=len(run.problems),
        )
    return render(request, "matching/run.html", context)


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment a running run's page polls; once the run ends, the page reloads."""
    run = _run(request, pk)
    response = render(request, "matching/_status.html", {"run": run})
    if run.status in (RunStatus.DONE, RunStatus.FAILED):
        response["HX-Refresh"] = "true"
    return response


def _line(request: HttpRequest, pk: int) -> MatchLine:
    try:
        return selectors.line_get(user=request.user, pk=pk)
    except NotFound:
        raise _404() from None


def _refer_form(user: Any, line: MatchLine, data: Any = None) -> ReferForm:
    county = county_of(line.village_id)
    if line.post_id is not None:
        vias = [(Via.POST.value, Via.POST.label)]
        fairs: list[tuple[int, str]] = []
        stations: list[tuple[int, str]] = []
    else:
        vias = [(v.value, v.label) for v in (Via.EMPLOYER, Via.JOB_FAIR, Via.WORKSTATION)]
        fairs = list(selectors.referral_fairs(user=user, line=line).values_list("pk", "name"))
        stations = list(
            Workstation.objects.filter(county_id=county, closed_on__isnull=True).values_list("pk", "name")
        )
    return ReferForm(data, vias=[(str(a), str(b)) for a, b in vias], fairs=fairs, stations=stations)


@login_required
def line_detail(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    may_act = (
        can(request.user, Capability.EDIT_REGISTRY, line.village_id) and line.state == LineState.PROPOSED
    )
    form = _refer_form(request.user, line, request.POST or None) if may_act else None
    if request.method == "POST":
        if form is None:
            raise _404()
        if form.is_valid():
            cd = form.cleaned_data
            try:
                referral = services.referral_create(
                    actor=request.user,
                    line=line,
                    via=cd["via"],
                    fair=JobFair.objects.filter(pk=cd["fair"]).first() if cd["fair"] else None,
                    station=Workstation.objects.filter(pk=cd["station"]).first() if cd["station"] else None,
                    note=cd["note"],
                )
            except NotFound:
                raise _404() from None
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect("matching_referral", pk=referral.pk)
    parts = [(label, getattr(line, field), weight) for field, label, weight in PARTS]
    weights = (line.run.rule.params or {}).get("score", {}) if line.run.rule else {}
    return render(
        request,
        "matching/line.html",
        {
            "line": line,
            "reason": reason(line.reason),
            "parts": [(label, value, weights.get(key)) for label, value, key in parts],
            "constraints": CONSTRAINTS,
            "form": form,
            "referral": Referral.objects.filter(line=line).first(),
        },
    )


@login_required
@require_POST
def line_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    try:
        services.line_dismiss(actor=request.user, line=line)
    except NotFound:
        raise _404() from None
    except DomainError:
        pass  # already referred or dismissed: the page shows its state
    return redirect("matching_line", pk=line.pk)


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    if not scope_ranges(request.user, Capability.VIEW_REGISTRY):
        raise _404()
    state = request.GET.get("state", "open")
    qs = selectors.referral_list(user=request.user, state=state if state != "all" else "")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(r, selectors.referral_state(r)) for r in page.object_list]
    return render(request, "matching/referrals.html", {"page": page, "rows": rows, "state": state})


ACTIONS = ("interview", "offer", "hire", "reject", "decline", "sign")


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        referral = selectors.referral_get(user=request.user, pk=pk)
    except NotFound:
        raise _404() from None
    state = selectors.referral_state(referral)
    may_act = can(request.user, Capability.EDIT_REGISTRY, referral.village_id) and state not in (
        "hired",
        "declined",
        "rejected",
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action and (not may_act or action not in ACTIONS):
        raise _404()
    forms: dict[str, Any] = {}
    if may_act:
        data = request.POST if action else None
        if referral.via == Via.POST:
            # signing a post's agreement is the township's or the county's (MANAGE_EMPLOYMENT)
            post_village = referral.line.post.village_id if referral.line.post else referral.village_id
            if can(request.user, Capability.MANAGE_EMPLOYMENT, post_village):
                forms = {"sign": SignForm(data if action == "sign" else None, prefix="sign")}
        else:
            forms = {
                "interview": DayForm(data if action == "interview" else None, prefix="interview"),
                "offer": OfferForm(data if action == "offer" else None, prefix="offer"),
                "hire": HireForm(data if action == "hire" else None, prefix="hire"),
                "reject": reject_form(data if action == "reject" else None),
            }
        forms["decline"] = decline_form(data if action == "decline" else None)
    if action:
        form = forms[action]
        if form.is_valid():
            try:
                _act(request.user, referral, action, form.cleaned_data)
            except NotFound:
                raise _404() from None
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect("matching_referral", pk=referral.pk)
    return render(
        request,
        "matching/referral.html",
        {"referral": referral, "state": state, "forms": forms, "line_reason": reason(referral.line.reason)},
    )


def _act(user: Any, referral: Referral, action: str, cd: dict[str, Any]) -> None:
    if action == "interview":
        services.referral_interview(actor=user, referral=referral, on=cd["on"])
    elif action == "offer":
        services.referral_offer(actor=user, referral=referral, wage=cd["wage"], start=cd["start"])
    elif action == "hire":
        services.referral_hire(
            actor=user, referral=referral, start=cd["start"], monthly_wage=cd["monthly_wage"]
        )
    elif action == "reject":
        services.referral_reject(actor=user, referral=referral, reason=cd["reason"], note=cd["note"])
    elif action == "decline":
        services.referral_decline(actor=user, referral=referral, reason=cd["reason"], note=cd["note"])
    else:
        services.referral_sign(actor=user, referral=referral, start=cd["start"], end=cd["end"])


@login_required
def profile(request: HttpRequest, person: int) -> HttpResponse:
    try:
        found = person_get(user=request.user, pk=person)
        current = selectors.profile_for(user=request.user, person=found)
    except NotFound:
        raise _404() from None
    initial = (
        {
            "willing": current.willing,
            "reach": current.reach,
            "physical_limit": current.physical_limit,
            "min_wage": current.min_wage,
            "sectors": current.sectors,
            "note": current.note,
        }
        if current
        else {"willing": True}
    )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(actor=request.user, person=found, **form.cleaned_data)
        except NotFound:
            raise _404() from None
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("person_detail", pk=found.pk)
    return render(request, "web/form.html", {"form": form, "title": _("求职意愿") + f" · {found.name}"})
