"""Screens: the list (area, state, type), a workshop's page (roster, recognition figures, state
history, claims), set-up and editing, workers joining and leaving, and the claim flow. A workshop
manager's landing screen is the list of their own workshops."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.areas.codes import Level
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, scope_ranges
from lnob.core.errors import DomainError, NotFound
from lnob.employment import policy
from lnob.employment.selectors import employers_visible
from lnob.registry.selectors import today

from . import claims as claim_services
from . import selectors, services
from .assess import explain
from .forms import (
    CheckForm,
    ClaimForm,
    CloseForm,
    DayForm,
    EvidenceForm,
    JoinForm,
    LeaveForm,
    PayForm,
    RejectForm,
    WorkshopForm,
)
from .models import ClaimKind, ClaimState, SubsidyClaim, Workshop, WorkshopState, WorkshopType
from .rules import MONITORING

PAGE = 50


def _found(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404(_("未找到，或不在您的管辖范围内")) from None

    return login_required(wrapped)


def _int(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


def _areas(user: Any, capability: Capability) -> list[tuple[int, str]]:
    """Townships and villages of the user's scope, for the area filter."""
    rows = (
        Area.objects.visible_to(user, capability)
        .filter(level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE])
        .select_related("parent")
        .order_by("code")
    )
    return [
        (a.code, f"{a.parent.name} {a.name}" if a.level == Level.VILLAGE and a.parent else a.name)
        for a in rows
    ]


@_found
def workshop_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (
        scope_ranges(user, Capability.VIEW_REGISTRY) or scope_ranges(user, Capability.MANAGE_OWN_WORKSHOP)
    ):
        raise NotFound()
    g = request.GET
    rows = selectors.workshop_list(
        user=user,
        area=_int(g.get("area")),
        state=g.get("state", ""),
        type=g.get("type", ""),
        q=g.get("q", ""),
    )
    page = Paginator(rows, PAGE).get_page(g.get("page"))
    shown = list(page.object_list)
    day = today()
    figures = selectors.figures_on(shown, day)
    runs = bool(scope_ranges(user, Capability.MANAGE_EMPLOYMENT))
    context = {
        "page": page,
        "rows": [(w, figures[w.pk]) for w in shown],
        "filters": g,
        "areas": _areas(user, Capability.VIEW_REGISTRY),
        "states": WorkshopState.choices,
        "types": WorkshopType.choices,
        "may_create": runs,
        "check_form": CheckForm(initial={"day": day}, areas=_areas(user, Capability.MANAGE_EMPLOYMENT))
        if runs
        else None,
        "to_approve": selectors.to_approve(user).count()
        if scope_ranges(user, Capability.APPROVE_PAYMENTS)
        else None,
        "day": day,
    }
    return render(request, "workshops/index.html", context)


def _employers(user: Any) -> list[tuple[int, str]]:
    return [(e.pk, f"{e.name}（{e.credit_code}）") for e in employers_visible(user)]


def _save_workshop(request: HttpRequest, workshop: Workshop | None) -> HttpResponse:
    user = request.user
    villages = [(c, n) for c, n in _areas(user, Capability.MANAGE_EMPLOYMENT) if c % 1000]
    initial = {}
    if workshop is not None:
        initial = {
            "employer": workshop.employer_id,
            "name": workshop.name,
            "type": workshop.type,
            "village": workshop.village_id,
            "address": workshop.address,
            "opened": workshop.opened,
            "managers": ", ".join(u.get_username() for u in workshop.managers.all()),
            "rating": workshop.rating,
            "rating_year": workshop.rating_year,
            "note": workshop.note,
        }
    form = WorkshopForm(request.POST or None, initial=initial, employers=_employers(user), villages=villages)
    if workshop is not None:
        form.fields["employer"].disabled = True
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            fields = {
                "name": cd["name"],
                "type": cd["type"],
                "village": Area.objects.get(code=cd["village"]),
                "address": cd["address"],
                "opened": cd["opened"],
                "managers": services.managers_by_name(cd["managers"].replace("，", ",").split(",")),
                "rating": cd["rating"],
                "rating_year": cd["rating_year"],
                "note": cd["note"],
            }
            if workshop is None:
                employer = employers_visible(user).get(pk=cd["employer"])
                workshop = services.workshop_create(actor=user, employer=employer, **fields)
            else:
                services.workshop_update(actor=user, workshop=workshop, **fields)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("workshops_detail", workshop.pk)
    title = _("编辑帮扶车间") if workshop else _("新建帮扶车间")
    return render(request, "web/form.html", {"form": form, "title": title})


@_found
def workshop_create(request: HttpRequest) -> HttpResponse:
    if not scope_ranges(request.user, Capability.MANAGE_EMPLOYMENT):
        raise NotFound()
    return _save_workshop(request, None)


@_found
def workshop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(user=request.user, pk=pk)
    if not services.may_run(request.user, workshop):
        raise NotFound(pk)
    return _save_workshop(request, workshop)


@_found
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    workshop = selectors.workshop_get(user=user, pk=pk)
    prefetch_related_objects([workshop], "managers")  # who manages it is asked several times below
    day = today()
    latest = workshop.assessments.select_related("policy", "monitoring").first()
    context = {
        "w": workshop,
        "managers": list(workshop.managers.all()),
        "roster": selectors.roster(workshop, day, viewer=user, past=request.GET.get("past") == "1"),
        "past": request.GET.get("past") == "1",
        "latest": latest,
        "criteria": explain(latest.figures) if latest else [],
        "events": selectors.history(workshop, viewer=user),
        "claims": list(workshop.claims.select_related("policy").order_by("-period_end", "-pk")),
        "only_manager": selectors.only_manager(user, workshop),
        "may_run": services.may_run(user, workshop),
        "may_act": services.may_act(user, workshop),
        "day": day,
        "buffer_until": _buffer_until(workshop),
    }
    return render(request, "workshops/detail.html", context)


def _buffer_until(workshop: Workshop) -> Any:
    """The day a pending workshop is closed if still short of the criteria."""
    if workshop.pending_since is None:
        return None
    try:
        rule = policy.rule_for(MONITORING, workshop.village_id, workshop.pending_since)
    except DomainError:
        return None
    return services.add_months(workshop.pending_since, rule.params.buffer_months)


def _post_form(
    request: HttpRequest, form: Any, title: str, act: Callable[[dict[str, Any]], Any], done: str
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect(done)
    status = 422 if request.method == "POST" else 200
    return render(request, "web/form.html", {"form": form, "title": title}, status=status)


@_found
def worker_join(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(user=request.user, pk=pk)
    if not services.may_act(request.user, workshop):
        raise NotFound(pk)
    form = JoinForm(request.POST or None, initial={"start": today(), "full_time": True})
    return _post_form(
        request,
        form,
        _("登记工人入职") + f" · {workshop.name}",
        lambda cd: services.worker_join(actor=request.user, workshop=workshop, **cd),
        reverse("workshops_detail", args=[pk]) + "#roster",
    )


@_found
def worker_leave(request: HttpRequest, pk: int, spell: int) -> HttpResponse:
    workshop = selectors.workshop_get(user=request.user, pk=pk)
    if not services.may_act(request.user, workshop):
        raise NotFound(pk)
    found = services.roster_spell(workshop, spell)
    named = selectors.named_workers(request.user, workshop, [found.person_id])
    who = found.person.name if named else str(selectors.OUTSIDE_WORKER)
    form = LeaveForm(request.POST or None, initial={"end": today()})
    return _post_form(
        request,
        form,
        _("登记工人离职") + f" · {who}",
        lambda cd: services.worker_leave(
            actor=request.user, workshop=workshop, spell_id=spell, end=cd["end"]
        ),
        reverse("workshops_detail", args=[pk]) + "#roster",
    )


@_found
def workshop_recognise(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(user=request.user, pk=pk)
    if not services.may_run(request.user, workshop):
        raise NotFound(pk)
    form = DayForm(request.POST or None, initial={"day": today()})

    def act(cd: dict[str, Any]) -> None:
        result = services.workshop_recognise(actor=request.user, workshop=workshop, day=cd["day"])
        if result.met:
            messages.success(request, _("符合认定标准，车间已认定"))
        else:
            messages.warning(request, _("暂不符合认定标准：见下方核查数据"))

    return _post_form(
        request, form, _("认定帮扶车间") + f" · {workshop.name}", act, reverse("workshops_detail", args=[pk])
    )


@_found
def workshop_close(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(user=request.user, pk=pk)
    if not services.may_run(request.user, workshop):
        raise NotFound(pk)
    form = CloseForm(request.POST or None, initial={"day": today()})
    return _post_form(
        request,
        form,
        _("清理帮扶车间") + f" · {workshop.name}",
        lambda cd: services.workshop_close(actor=request.user, workshop=workshop, **cd),
        reverse("workshops_detail", args=[pk]),
    )


@_found
@require_POST
def workshop_check(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.POST, areas=_areas(request.user, Capability.MANAGE_EMPLOYMENT))
    if not form.is_valid():
        raise NotFound()
    area = Area.objects.get(code=form.cleaned_data["area"])
    try:
        counts = services.workshop_check(actor=request.user, area=area, day=form.cleaned_data["day"])
    except DomainError as err:
        messages.error(request, f"{err.message}（{err.value}）")
    else:
        messages.success(
            request,
            _("季度核查完成：核查 {checked} 个，符合 {met} 个，转为待处置 {flagged} 个，").format(**counts)
            + _("恢复正常 {cleared} 个，清理 {closed} 个").format(**counts),
        )
    return redirect("workshops_index")


# -- claims -------------------------------------------------------------------------------------


@_found
def claim_create(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(user=request.user, pk=pk)
    if not services.may_act(request.user, workshop):
        raise NotFound(pk)
    form = ClaimForm(request.POST or None, request.FILES or None, initial={"rating": workshop.rating})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            claim = claim_services.claim_create(actor=request.user, workshop=workshop, **cd)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("workshops_claim", claim.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "workshops/claim_form.html", {"form": form, "w": workshop}, status=status)


@_found
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    claim = selectors.claim_get(user=user, pk=pk)
    approver = can(user, Capability.APPROVE_PAYMENTS, claim.workshop.village_id)
    context = {
        "c": claim,
        "w": claim.workshop,
        "lines": selectors.claim_lines(claim, viewer=user),
        "events": list(claim.events.select_related("actor").order_by("at", "pk")),
        "may_act": services.may_act(user, claim.workshop),
        "approver": approver,
        "reject_form": RejectForm(),
        "pay_form": PayForm(initial={"paid_on": today(), "amount": claim.amount}),
        "evidence_form": EvidenceForm(),
        "error": None,
    }
    if request.method == "POST":
        response = _claim_step(request, claim, context)
        if response is not None:
            return response
    return render(request, "workshops/claim.html", context, status=422 if context["error"] else 200)


def _claim_step(request: HttpRequest, claim: SubsidyClaim, context: dict[str, Any]) -> HttpResponse | None:
    action, user = request.POST.get("action", ""), request.user
    form: Any
    try:
        if action == "submit":
            claim_services.claim_submit(actor=user, claim=claim)
        elif action == "approve":
            claim_services.claim_approve(actor=user, claim=claim)
        elif action == "reject":
            form = context["reject_form"] = RejectForm(request.POST)
            if not form.is_valid():
                context["error"] = _("请填写退回原因")
                return None
            claim_services.claim_reject(actor=user, claim=claim, reason=form.cleaned_data["reason"])
        elif action == "pay":
            form = context["pay_form"] = PayForm(request.POST)
            if not form.is_valid():
                context["error"] = _("请检查发放记录")
                return None
            claim_services.claim_pay(actor=user, claim=claim, **form.cleaned_data)
        elif action == "evidence":
            form = context["evidence_form"] = EvidenceForm(request.POST, request.FILES)
            if not form.is_valid():
                return None
            claim_services.claim_attach(actor=user, claim=claim, **form.cleaned_data)
        else:
            raise NotFound(action)
    except DomainError as err:
        context["error"] = f"{err.message}" + (f"（{err.value}）" if err.value not in (None, "") else "")
        return None
    return redirect("workshops_claim", claim.pk)


@_found
def claim_evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    claim = selectors.claim_get(user=request.user, pk=pk)
    # evidence is payroll and rosters (IDs, bank accounts): for those who run or sign off the
    # claim or may see personal fields there, and every download is audited
    workshop = claim.workshop
    allowed = (
        services.may_act(request.user, workshop)
        or can(request.user, Capability.APPROVE_PAYMENTS, workshop.village_id)
        or can(request.user, Capability.VIEW_SENSITIVE, workshop.village_id)
    )
    if not claim.evidence or not allowed:
        raise NotFound(pk)
    from lnob.core.sensitive import log_access

    log_access(
        actor=request.user,
        instance=claim,
        changes={"evidence": [claim.evidence.name.rsplit("/", 1)[-1], "downloaded"]},
        additional_data={"area": workshop.village_id, "fields": ["evidence"]},
    )
    return FileResponse(
        claim.evidence.open("rb"), as_attachment=True, filename=claim.evidence.name.rsplit("/", 1)[-1]
    )


@_found
def claim_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (
        scope_ranges(user, Capability.VIEW_REGISTRY) or scope_ranges(user, Capability.MANAGE_OWN_WORKSHOP)
    ):
        raise NotFound()
    g = request.GET
    claims = selectors.claim_list(user=user, state=g.get("state", ""), area=_int(g.get("area")))
    page = Paginator(claims, PAGE).get_page(g.get("page"))
    return render(
        request,
        "workshops/claims.html",
        {
            "page": page,
            "filters": g,
            "states": ClaimState.choices,
            "kinds": dict(ClaimKind.choices),
            "areas": _areas(user, Capability.VIEW_REGISTRY),
        },
    )
