"""Screens. Thin adapters: parse the request, call a selector or service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.areas import selectors as area_selectors
from lnob.areas.roles import Capability
from lnob.core import audit
from lnob.core.errors import DomainError, NotFound
from lnob.core.sensitive import SENSITIVE_FIELDS, record_access
from lnob.registry import selectors, services
from lnob.registry.choices import HouseholdStatus
from lnob.registry.models import Membership, RiskType

from . import forms


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:  # "²".isdigit() is true, int("²") is not
        return None


def _bool(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


def _not_found(fn: Any) -> Any:
    """NotFound from a selector or service becomes a 404, the same for missing and out-of-scope."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return fn(request, *args, **kwargs)
        except NotFound:
            raise Http404(_("未找到，或不在您的管辖范围内")) from None

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from lnob.areas.scoping import scope_ranges

    if not scope_ranges(request.user, Capability.VIEW_REGISTRY):
        # those who see no registry land on their own work: a department officer uploads feeds,
        # a workshop manager or a workstation officer opens their workshops or stations
        for capability, target in (
            (Capability.SUBMIT_ALERTS, "exchange_imports"),
            (Capability.MANAGE_OWN_WORKSHOP, "workshops_index"),
            (Capability.MANAGE_OWN_WORKSTATION, "workstations_index"),
        ):
            if scope_ranges(request.user, capability):
                return redirect(target)
    return render(request, "web/home.html", {"areas": area_selectors.areas_overview(user=request.user)})


@login_required
@_not_found
def area_detail(request: HttpRequest, code: int) -> HttpResponse:
    return render(request, "web/area.html", area_selectors.area_detail(user=request.user, code=code))


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    as_of = _date(g.get("as_of"))
    area = _int(g.get("area"))
    qs = selectors.household_list(
        user=request.user,
        q=g.get("q", ""),
        area=area,
        status=g.get("status", ""),
        housing_safe=_bool(g.get("housing_safe")),
        water_safe=_bool(g.get("water_safe")),
        as_of=as_of,
    )
    page = Paginator(qs, 50).get_page(g.get("page"))
    params = g.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "filters": g,
        "query": params.urlencode(),
        "statuses": HouseholdStatus.choices,
        "villages": area_selectors.villages_for(user=request.user),
        "as_of": as_of or selectors.today(),
    }
    template = "web/_household_rows.html" if request.htmx else "web/household_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@_not_found
def household_detail(request: HttpRequest, number: str) -> HttpResponse:
    from lnob.monitoring.selectors import household_risk

    view = selectors.household_detail(user=request.user, number=number, as_of=_date(request.GET.get("as_of")))
    context = {
        "v": view,
        "audit": audit.entries_for(user=request.user, household=view.household.pk)[:50],
        "can_edit": _can_edit(request, view.household.village_id),
        "risk": household_risk(user=request.user, household_id=view.household.pk),
        "can_report": _can(request, Capability.CASE_VILLAGE, view.household.village_id),
    }
    return render(request, "web/household_detail.html", context)


def _can_edit(request: HttpRequest, area: int) -> bool:
    return _can(request, Capability.EDIT_REGISTRY, area)


def _can(request: HttpRequest, capability: Capability, area: int) -> bool:
    from lnob.areas.scoping import can

    return can(request.user, capability, area)


@login_required
@_not_found
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from lnob.employment.selectors import spells_for

    view = selectors.person_detail(user=request.user, pk=pk, as_of=_date(request.GET.get("as_of")))
    spells = list(spells_for(user=request.user, person_id=view.person.pk))
    home = view.household
    can_edit = home is not None and _can(request, Capability.EDIT_REGISTRY, home.village_id)
    from django.apps import apps

    from lnob.urls import CHANNELS

    return render(
        request,
        "web/person_detail.html",
        {
            "v": view,
            "spells": spells,
            "can_edit": can_edit,
            "channels": {name: apps.is_installed(f"lnob.employment.{name}") for name in CHANNELS},
        },
    )


@login_required
@require_POST
@_not_found
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the sensitive fields to a role that may see them, and record that they were seen."""
    view = selectors.person_detail(user=request.user, pk=pk)
    if not view.can_view_sensitive:
        raise NotFound(pk)
    record_access(
        actor=request.user,
        instance=view.person,
        fields=SENSITIVE_FIELDS,
        reason=request.POST.get("reason", ""),
    )
    return render(request, "web/_person_sensitive.html", {"v": view, "revealed": True})


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    entries = audit.entries_for(
        user=request.user,
        person=_int(g.get("person")),
        actor=g.get("actor", ""),
        date_from=_date(g.get("date_from")),
        date_to=_date(g.get("date_to")),
    )
    page = Paginator(entries, 50).get_page(g.get("page"))
    params = g.copy()
    params.pop("page", None)
    return render(
        request,
        "web/audit_list.html",
        {"page": page, "filters": g, "query": params.urlencode(), "allowed": audit.may_browse(request.user)},
    )


# --- writes --------------------------------------------------------------------------------


def _person_data(cd: dict[str, Any]) -> services.PersonData:
    return services.PersonData(**{k: cd[k] for k in services.PersonData.__dataclass_fields__ if k in cd})


@login_required
@_not_found
def household_create(request: HttpRequest) -> HttpResponse:
    villages = area_selectors.villages_for(user=request.user, capability=Capability.EDIT_REGISTRY)
    if not villages:
        raise Http404
    form = forms.HouseholdCreateForm(
        request.POST or None, villages=villages, initial={"effective": selectors.today()}
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            village = area_selectors.area_get(
                user=request.user, code=cd["village"], capability=Capability.EDIT_REGISTRY
            )
            household = services.household_create(
                actor=request.user,
                number=cd["number"],
                village=village,
                head=_person_data(cd),
                status=cd["status"],
                left_poverty_year=cd["left_poverty_year"],
                housing_safe=cd["housing_safe"],
                water_safe=cd["water_safe"],
                contact_phone=cd["contact_phone"],
                effective=cd["effective"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("household_detail", number=household.number)
    return render(request, "web/form.html", {"form": form, "title": _("登记新农户")})


def _household_form(
    request: HttpRequest, number: str, form_class: Any, title: str, save: Any, **extra: Any
) -> HttpResponse:
    household = selectors.household_get(user=request.user, number=number, capability=Capability.EDIT_REGISTRY)
    members = [
        (m.person_id, m.person.name)
        for m in Membership.objects.filter(household=household).select_related("person").order_by("joined")
    ]
    kwargs = {"members": members, **extra} if "members" in form_class.__init__.__code__.co_varnames else extra
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            save(household, form.cleaned_data)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("household_detail", number=household.number)
    return render(request, "web/form.html", {"form": form, "title": title, "household": household})


def _person(household: Any, pk: int | None) -> Any:
    if pk is None:
        return None
    m = Membership.objects.filter(household=household, person_id=pk).select_related("person").first()
    if m is None:
        raise DomainError("person", pk, _("此人不是该户成员"))
    return m.person


@login_required
@_not_found
def member_add(request: HttpRequest, number: str) -> HttpResponse:
    def save(household: Any, cd: dict[str, Any]) -> None:
        services.member_add(
            actor=request.user,
            household=household,
            person=_person_data(cd),
            relation=cd["relation"],
            joined=cd["joined"],
            join_reason=cd["join_reason"],
        )

    return _household_form(request, number, forms.MemberAddForm, _("添加家庭成员"), save)


@login_required
@_not_found
def member_leave(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    def save(household: Any, cd: dict[str, Any]) -> None:
        membership = Membership.objects.filter(household=household, pk=pk).first()
        if membership is None:
            raise NotFound(pk)
        services.member_leave(
            actor=request.user, membership=membership, left=cd["left"], leave_reason=cd["leave_reason"]
        )

    return _household_form(request, number, forms.MemberLeaveForm, _("成员离开本户"), save)


@login_required
@_not_found
def income_add(request: HttpRequest, number: str) -> HttpResponse:
    def save(household: Any, cd: dict[str, Any]) -> None:
        services.income_record(
            actor=request.user,
            household=household,
            person=_person(household, cd["person"]),
            period_start=cd["period_start"],
            period_end=cd["period_end"],
            source=cd["source"],
            transfer_type=cd["transfer_type"],
            amount=cd["amount"],
            note=cd["note"],
        )

    return _household_form(request, number, forms.IncomeForm, _("登记收入"), save)


@login_required
@_not_found
def expenditure_add(request: HttpRequest, number: str) -> HttpResponse:
    def save(household: Any, cd: dict[str, Any]) -> None:
        services.expenditure_record(
            actor=request.user,
            household=household,
            person=_person(household, cd["person"]),
            period_start=cd["period_start"],
            period_end=cd["period_end"],
            type=cd["type"],
            amount=cd["amount"],
            note=cd["note"],
        )

    return _household_form(request, number, forms.ExpenditureForm, _("登记刚性支出"), save)


@login_required
@_not_found
def shock_add(request: HttpRequest, number: str) -> HttpResponse:
    def save(household: Any, cd: dict[str, Any]) -> None:
        services.shock_record(
            actor=request.user,
            household=household,
            person=_person(household, cd["person"]),
            date=cd["date"],
            risk_type=cd["risk_type"],
            note=cd["note"],
        )

    risk_types = [(r.code, str(r)) for r in RiskType.objects.filter(active=True)]
    return _household_form(request, number, forms.ShockForm, _("登记风险事件"), save, risk_types=risk_types)


def audit_entry_label(entry: LogEntry) -> str:
    return entry.get_action_display()
