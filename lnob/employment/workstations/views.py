"""Screens of the workstations: the list, a station (roster, vacancies, disputes, visits), and
the forms of its daily work. Thin: selectors read, services write; anything the user may not
see is 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, scope_ranges
from lnob.core.errors import DomainError, NotFound
from lnob.employment.models import Employer, Vacancy
from lnob.registry.models import Person
from lnob.registry.selectors import today

from . import selectors, services
from .forms import (
    DisputeForm,
    DisputeStepForm,
    EmployerForm,
    PlacementForm,
    StationForm,
    VacancyForm,
    VisitForm,
)
from .models import DisputeState, Workstation
from .selectors import Access, RosterRow

PAGE = 100
TABS = ("roster", "vacancies", "disputes", "visits")


def _not_found() -> Http404:
    return Http404(_("未找到，或不在您的管辖范围内"))


def scoped(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required, and NotFound from a selector or service answered 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise _not_found() from None

    return wrapper


def _day(text: str | None) -> dt.date:
    try:
        return min(dt.date.fromisoformat(text or ""), today())
    except ValueError:
        return today()


def _render_form(
    request: HttpRequest, form: Any, title: str, station: Workstation | None = None
) -> HttpResponse:
    return render(request, "workstations/form.html", {"form": form, "title": title, "station": station})


# -- the list and a station ---------------------------------------------------------------------


@scoped
def index(request: HttpRequest) -> HttpResponse:
    """The stations the user sees; an officer of one station lands on it."""
    user = request.user
    reach = [
        scope_ranges(user, c)
        for c in (Capability.VIEW_REGISTRY, Capability.MANAGE_EMPLOYMENT, Capability.MANAGE_OWN_WORKSTATION)
    ]
    if not any(reach):
        raise NotFound()
    day = today()
    rows = selectors.station_summaries(user=user, day=day)
    if len(rows) == 1 and not reach[0] and not reach[1]:
        return redirect("workstations_detail", pk=rows[0].station.pk)
    return render(
        request,
        "workstations/index.html",
        {"rows": rows, "day": day, "may_create": bool(selectors.counties_managed(user))},
    )


def _village_names(rows: list[RosterRow]) -> dict[int, str]:
    codes = {r.village for r in rows}
    return dict(Area.objects.filter(code__in=codes).values_list("code", "name"))


@scoped
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    station, level = selectors.station_get(user=request.user, pk=pk)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "roster"
    day = _day(request.GET.get("day"))
    officers = list(station.officers.order_by("username").values_list("username", flat=True))
    context: dict[str, Any] = {
        "station": station,
        "level": level,
        "may_run": level in (Access.MANAGE, Access.OFFICER),
        "may_manage": level == Access.MANAGE,
        "officers": officers,
        "tab": tab,
        "day": day,
    }
    if tab == "roster":
        context |= _roster_context(request, station, level, day)
    elif tab == "vacancies":
        context["vacancies"] = list(selectors.station_vacancies(station))
    elif tab == "disputes":
        state = request.GET.get("state", "open")
        disputes = selectors.station_disputes(user=request.user, station=station, level=level, state=state)
        totals = disputes.aggregate(claimed=Sum("amount_claimed"), recovered=Sum("amount_recovered"))
        context |= {
            "disputes": list(disputes),
            "state": state,
            "totals": totals,
            "states": DisputeState.choices,
        }
    else:
        context["visits"] = selectors.station_visits(user=request.user, station=station, level=level)
    return render(request, "workstations/detail.html", context)


def _roster_context(
    request: HttpRequest, station: Workstation, level: Access, day: dt.date
) -> dict[str, Any]:
    rows = selectors.roster_for(user=request.user, station=station, level=level, day=day)
    q = (request.GET.get("q") or "").strip()
    shown = [r for r in rows if q in r.name or q in r.employer] if q else rows
    page = Paginator(shown, PAGE).get_page(request.GET.get("page"))
    villages = _village_names(list(page.object_list))
    user = request.user
    lines = [
        {
            "row": r,
            "village": villages.get(r.village, ""),
            "wage": r.wage if selectors.wage_shown(user, r) else None,
            "wage_masked": r.wage is not None and not selectors.wage_shown(user, r),
            "link": can(user, Capability.VIEW_REGISTRY, r.village),
        }
        for r in page.object_list
    ]
    return {
        "roster_total": len(rows),
        "by_employer": selectors.by_employer(rows),
        "lines": lines,
        "page": page,
        "q": q,
        "placed": sum(1 for r in rows if r.placed),
    }


# -- setting a station up (the county) -----------------------------------------------------------


def _county_choices(user: Any) -> list[tuple[int, str]]:
    codes = selectors.counties_managed(user)
    return list(Area.objects.filter(code__in=codes).order_by("code").values_list("code", "name"))


def _officer_choices(county: int) -> list[tuple[int, str]]:
    return [(u.pk, u.get_full_name() or u.username) for u in services.officer_candidates(county)]


@scoped
def station_new(request: HttpRequest) -> HttpResponse:
    counties = _county_choices(request.user)
    if not counties:
        raise NotFound()
    given = request.POST.get("county", "")
    # only a county the user runs: another county's officers are never listed
    county = next((code for code, _name in counties if str(code) == given), counties[0][0])
    form = StationForm(
        request.POST or None,
        counties=counties,
        officers=_officer_choices(county),
        initial={"opened_on": today()},
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            station = services.station_create(
                actor=request.user,
                county=Area.objects.get(code=cd["county"]),
                name=cd["name"],
                destination_city=cd["destination_city"],
                destination_province=cd["destination_province"],
                address=cd["address"],
                contact_name=cd["contact_name"],
                contact_phone=cd["contact_phone"],
                officers=_users(cd["officers"]),
                opened_on=cd["opened_on"],
                note=cd["note"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("workstations_detail", pk=station.pk)
    return _render_form(request, form, _("新建劳务工作站"))


def _users(ids: list[int]) -> list[Any]:
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(pk__in=ids))


@scoped
def station_edit(request: HttpRequest, pk: int) -> HttpResponse:
    station, level = selectors.station_get(user=request.user, pk=pk)
    if level != Access.MANAGE:
        raise NotFound(pk)
    initial = {f: getattr(station, f) for f in (*services.STATION_TEXT_FIELDS, "opened_on", "closed_on")}
    initial["officers"] = list(station.officers.values_list("pk", flat=True))
    form = StationForm(
        request.POST or None,
        counties=[],
        officers=_officer_choices(station.county_id),
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        cd = dict(form.cleaned_data)
        officers = _users(cd.pop("officers"))
        try:
            services.station_update(actor=request.user, station=station, officers=officers, **cd)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("workstations_detail", pk=station.pk)
    return _render_form(request, form, _("编辑劳务工作站") + f" · {station.name}", station)


# -- the station's daily work (its officers and the county) ------------------------------------


def _roster_choices(station: Workstation) -> list[tuple[int, str]]:
    rows = selectors.rosters([station], today())[station.pk]
    return [(r.person_id, f"{r.name} · {r.employer or r.destination} · {r.since:%Y-%m-%d}") for r in rows]


def _employer_choices(station: Workstation) -> list[tuple[int, str]]:
    return [(e.pk, e.name) for e in selectors.station_employers(station)]


def _person(station: Workstation, cd: dict[str, Any], roster: list[tuple[int, str]]) -> Person:
    """The person picked from the roster, or named by resident ID among the county's people."""
    if cd.get("person"):
        if cd["person"] not in {pk for pk, _label in roster}:
            raise DomainError("person", cd["person"], services.WMsg.NOT_ON_ROSTER)
        return Person.objects.get(pk=cd["person"])
    try:
        return selectors.county_person(station=station, id_number=cd["id_number"], day=today())
    except NotFound:
        raise DomainError("id_number", cd["id_number"], services.WMsg.NOT_IN_COUNTY) from None


def _employer(station: Workstation, pk: int | None) -> Employer | None:
    return selectors.station_employers(station).filter(pk=pk).first() if pk else None


@scoped
def placement_new(request: HttpRequest, pk: int) -> HttpResponse:
    station, _level = selectors.station_get(user=request.user, pk=pk, run=True)
    roster, employers = _roster_choices(station), _employer_choices(station)
    form = PlacementForm(request.POST or None, roster=roster, employers=employers, initial={"start": today()})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            employer = _employer(station, cd["employer"])
            if employer is None:
                raise DomainError("employer", "", services.WMsg.EMPLOYER_NOT_LISTED)
            services.placement_record(
                actor=request.user,
                station=station,
                person=_person(station, cd, roster),
                employer=employer,
                start=cd["start"],
                monthly_wage=cd["monthly_wage"],
                location=cd["location"],
                destination=cd["destination"],
                close_open=cd["close_open"],
                note=cd["note"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect(f"/employment/workstations/{station.pk}/?tab=roster")
    return _render_form(request, form, _("登记输出就业") + f" · {station.name}", station)


@scoped
def vacancy_new(request: HttpRequest, pk: int) -> HttpResponse:
    station, _level = selectors.station_get(user=request.user, pk=pk, run=True)
    form = VacancyForm(request.POST or None, employers=_employer_choices(station), initial={"start": today()})
    if request.method == "POST" and form.is_valid():
        cd = dict(form.cleaned_data)
        employer = _employer(station, cd.pop("employer"))
        try:
            if employer is None:
                raise DomainError("employer", "", services.WMsg.EMPLOYER_NOT_LISTED)
            services.station_vacancy_create(actor=request.user, station=station, employer=employer, **cd)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect(f"/employment/workstations/{station.pk}/?tab=vacancies")
    return _render_form(request, form, _("收集招聘信息") + f" · {station.name}", station)


@scoped
@require_POST
def vacancy_close(request: HttpRequest, pk: int, vacancy: int) -> HttpResponse:
    station, _level = selectors.station_get(user=request.user, pk=pk, run=True)
    found = Vacancy.objects.filter(pk=vacancy).first()
    if found is None:
        raise NotFound(vacancy)
    services.station_vacancy_close(actor=request.user, station=station, vacancy=found)
    return redirect(f"/employment/workstations/{station.pk}/?tab=vacancies")


@scoped
def employer_new(request: HttpRequest, pk: int) -> HttpResponse:
    station, _level = selectors.station_get(user=request.user, pk=pk, run=True)
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.station_employer_add(actor=request.user, station=station, **form.cleaned_data)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            back = request.GET.get("next", "")
            return redirect(
                back
                if back.startswith(f"/employment/workstations/{station.pk}/")
                else f"/employment/workstations/{station.pk}/"
            )
    return _render_form(request, form, _("添加用工单位") + f" · {station.name}", station)


@scoped
def dispute_new(request: HttpRequest, pk: int) -> HttpResponse:
    station, _level = selectors.station_get(user=request.user, pk=pk, run=True)
    roster, employers = _roster_choices(station), _employer_choices(station)
    form = DisputeForm(
        request.POST or None, roster=roster, employers=employers, initial={"opened_on": today()}
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            employer = _employer(station, cd["employer"])
            if employer is None:
                raise DomainError("employer", "", services.WMsg.EMPLOYER_NOT_LISTED)
            dispute = services.dispute_open(
                actor=request.user,
                station=station,
                person=_person(station, cd, roster),
                employer=employer,
                kind=cd["kind"],
                amount_claimed=cd["amount_claimed"],
                opened_on=cd["opened_on"],
                summary=cd["summary"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("workstations_dispute", pk=dispute.pk)
    return _render_form(request, form, _("受理劳动纠纷或欠薪") + f" · {station.name}", station)


STEPS_FROM = {
    DisputeState.INTAKE: ("mediate",),
    DisputeState.MEDIATION: ("resolve", "escalate"),
}


@scoped
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispute, level = selectors.dispute_get(user=request.user, pk=pk)
    may_run = level in (Access.MANAGE, Access.OFFICER)
    posted = request.POST.get("action") if request.method == "POST" else None
    forms_by_action: dict[str, DisputeStepForm] = {}
    for action in STEPS_FROM.get(dispute.state, ()) if may_run else ():
        data = request.POST if posted == action else None
        initial = {"action": action, "expected_state": dispute.state, "on": today()}
        forms_by_action[action] = DisputeStepForm(data, action=action, initial=initial, prefix=action)
    if posted and may_run:
        form = forms_by_action.get(posted)
        if form is None:  # the case moved on since the page was drawn
            form = DisputeStepForm(request.POST, action=posted, prefix=posted)
            forms_by_action[posted] = form
        if form.is_valid():
            cd = form.cleaned_data
            try:
                services.dispute_step(
                    actor=request.user,
                    dispute=dispute,
                    action=posted,
                    on=cd["on"],
                    note=cd["note"],
                    amount_recovered=cd.get("amount_recovered"),
                    escalated_to=cd.get("escalated_to", ""),
                    expected_state=cd["expected_state"],
                )
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect("workstations_dispute", pk=dispute.pk)
    events = list(dispute.events.select_related("actor"))
    return render(
        request,
        "workstations/dispute.html",
        {
            "dispute": dispute,
            "station": dispute.station,
            "events": events,
            "forms": [(a, services.ACTIONS[a], f) for a, f in forms_by_action.items()],
            "labels": services.ACTION_LABELS,
            "outstanding": dispute.amount_claimed - (dispute.amount_recovered or Decimal(0)),
        },
    )


@scoped
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    station, _level = selectors.station_get(user=request.user, pk=pk, run=True)
    roster, employers = _roster_choices(station), _employer_choices(station)
    user: Any = request.user
    form = VisitForm(
        request.POST or None,
        roster=roster,
        employers=employers,
        initial={"on": today(), "visitors": user.get_full_name() or user.username},
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.visit_record(
                actor=user,
                station=station,
                on=cd["on"],
                visitors=cd["visitors"],
                employer=_employer(station, cd["employer"]),
                place=cd["place"],
                persons_met=cd["persons_met"],
                persons=list(Person.objects.filter(pk__in=cd["persons"])),
                notes=cd["notes"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect(f"/employment/workstations/{station.pk}/?tab=visits")
    return _render_form(request, form, _("记录走访") + f" · {station.name}", station)
