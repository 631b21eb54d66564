"""Screens of the job fairs: the list, a fair (figures, recruiters and vacancies), the forms to set
one up, the phone list of attendees where cadres record interviews and outcomes, and a person's
fairs (from the person's page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.areas.codes import Level
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, scope_ranges
from lnob.core.errors import DomainError, NotFound
from lnob.employment.models import Employer, Vacancy
from lnob.registry.models import Person
from lnob.registry.rules import age_on

from . import selectors, services
from .forms import (
    AttendeeForm,
    FairForm,
    InterestForm,
    LinkVacancyForm,
    OutcomeForm,
    PersonFairForm,
    RecruiterForm,
    VacancyForm,
)
from .models import Application, Attendee, FairStatus, JobFair, Recruiter, State

PAGE = 50


def _not_found(fn: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """NotFound from a selector or service is a 404, the same for missing and out of scope."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return fn(request, *args, **kwargs)
        except NotFound:
            raise Http404(_("未找到，或不在您的管辖范围内")) from None

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return login_required(wrapper)


def _form_page(
    request: HttpRequest, form: Any, title: str, fair: JobFair | None = None, **extra: Any
) -> HttpResponse:
    return render(request, "fairs/form.html", {"form": form, "title": title, "fair": fair, **extra})


def _managed_fair(request: HttpRequest, pk: int) -> JobFair:
    fair = selectors.fair_get(user=request.user, pk=pk)
    if not selectors.may_manage(request.user, fair):
        raise NotFound(pk)
    return fair


# -- the list and a fair ----------------------------------------------------------------------------


@_not_found
def fair_list(request: HttpRequest) -> HttpResponse:
    """招聘会: the fairs of the user's areas, latest first."""
    status = request.GET.get("status", "")
    fairs = selectors.fair_list(user=request.user, status=status if status in FairStatus.values else "")
    page = Paginator(fairs, PAGE).get_page(request.GET.get("page"))
    may_create = bool(scope_ranges(request.user, Capability.MANAGE_EMPLOYMENT))
    return render(
        request,
        "fairs/list.html",
        {
            "page": page,
            "fairs": page.object_list,
            "status": status,
            "statuses": FairStatus.choices,
            "may_create": may_create,
        },
    )


def _organisers(user: Any) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The counties and townships the user manages, and their villages."""
    areas = Area.objects.visible_to(user, Capability.MANAGE_EMPLOYMENT)
    hosts = [
        (a.code, a.name) for a in areas.filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).order_by("code")
    ]
    villages = areas.filter(level=Level.VILLAGE).select_related("parent").order_by("code")
    return hosts, [(v.code, f"{v.parent.name if v.parent else ''} {v.name}") for v in villages]


def _fair_fields(form: FairForm) -> dict[str, Any]:
    cd = form.cleaned_data
    return {
        "name": cd["name"],
        "start": cd["start"],
        "venue": cd["venue"],
        "village": Area.objects.get(code=cd["village"]),
        "note": cd["note"],
    }


@_not_found
def fair_new(request: HttpRequest) -> HttpResponse:
    hosts, villages = _organisers(request.user)
    if not hosts:
        raise NotFound()
    form = FairForm(request.POST or None, areas=hosts, villages=villages)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            fair = services.fair_create(
                actor=request.user,
                area=Area.objects.get(code=cd["area"]),
                end=cd["end"],
                code=cd["code"],
                **_fair_fields(form),
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("fairs_detail", fair.pk)
    return _form_page(request, form, _("新建招聘会"))


@_not_found
def fair_edit(request: HttpRequest, pk: int) -> HttpResponse:
    fair = _managed_fair(request, pk)
    hosts, villages = _organisers(request.user)
    initial = {
        "name": fair.name,
        "area": fair.area_id,
        "start": fair.start,
        "end": fair.end,
        "venue": fair.venue,
        "village": fair.village_id,
        "code": fair.code,
        "note": fair.note,
    }
    form = FairForm(request.POST or None, initial=initial, areas=hosts, villages=villages)
    form.fields["area"].disabled = form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.fair_update(
                actor=request.user,
                fair=fair,
                end=form.cleaned_data["end"] or form.cleaned_data["start"],
                **_fair_fields(form),
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("fairs_detail", fair.pk)
    return _form_page(request, form, _("修改招聘会"), fair)


@_not_found
def fair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A fair: its figures, recruiters and their vacancies; for its managers, the setup buttons."""
    fair = selectors.fair_get(user=request.user, pk=pk)
    may_register = bool(scope_ranges(request.user, Capability.EDIT_REGISTRY))
    return render(
        request,
        "fairs/detail.html",
        {
            "fair": fair,
            "figures": selectors.fair_figures(fair),
            "recruiters": selectors.recruiters_of(fair),
            "may_manage": selectors.may_manage(request.user, fair),
            "may_register": may_register and fair.open,
        },
    )


@_not_found
@require_POST
def fair_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    fair = _managed_fair(request, pk)
    step = {"hold": services.fair_hold, "close": services.fair_close}.get(action)
    if step is None:
        raise NotFound(action)
    try:
        step(actor=request.user, fair=fair)
    except DomainError as err:
        from django.contrib import messages

        messages.error(request, str(err.message))
    return redirect("fairs_detail", fair.pk)


# -- recruiters and vacancies -------------------------------------------------------------------


@_not_found
def recruiter_add(request: HttpRequest, pk: int) -> HttpResponse:
    fair = _managed_fair(request, pk)
    taken = Recruiter.objects.filter(fair=fair).values("employer_id")
    employers = Employer.objects.filter(county_id=fair.county_id).exclude(pk__in=taken).order_by("name")
    form = RecruiterForm(request.POST or None, employers=[(e.pk, e.name) for e in employers])
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        chosen = employers.filter(pk=cd["employer"]).first() if cd["employer"] else None
        try:
            recruiter = services.recruiter_add(
                actor=request.user,
                fair=fair,
                employer=chosen,
                credit_code=cd["credit_code"],
                employer_name=cd["employer_name"],
                sector=cd["sector"],
                address=cd["address"],
                booth=cd["booth"],
                contact=cd["contact"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect(reverse("fairs_vacancy_add", args=[recruiter.pk]))
    return _form_page(request, form, _("添加参会单位"), fair)


@_not_found
def vacancy_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A vacancy of a recruiter at the fair: a new one, or one the employer already posted."""
    recruiter = Recruiter.objects.select_related("employer").filter(pk=pk).first()
    if recruiter is None:
        raise NotFound(pk)
    fair = _managed_fair(request, recruiter.fair_id)
    linked = recruiter.links.values("vacancy_id")
    existing = Vacancy.objects.filter(employer=recruiter.employer, status="open").exclude(pk__in=linked)
    choices = [(v.pk, f"{v.title} · {v.headcount}") for v in existing.order_by("title")]
    form = VacancyForm(request.POST if "title" in request.POST else None)
    link = LinkVacancyForm(request.POST if "vacancy" in request.POST else None, vacancies=choices)
    if request.method == "POST":
        try:
            if link.is_bound and link.is_valid():
                vacancy = existing.get(pk=link.cleaned_data["vacancy"])
                services.fair_vacancy_link(actor=request.user, recruiter=recruiter, vacancy=vacancy)
                return redirect(f"{reverse('fairs_detail', args=[fair.pk])}#r{recruiter.pk}")
            if form.is_bound and form.is_valid():
                services.fair_vacancy_add(actor=request.user, recruiter=recruiter, **form.cleaned_data)
                return redirect(f"{reverse('fairs_detail', args=[fair.pk])}#r{recruiter.pk}")
        except DomainError as err:
            (link if link.is_bound else form).add_domain_error(err)
    return render(
        request,
        "fairs/vacancy_form.html",
        {
            "form": form,
            "link": link if choices else None,
            "fair": fair,
            "recruiter": recruiter,
            "title": _("添加岗位") + f" · {recruiter.employer.name}",
        },
    )


# -- attendees and outcomes -----------------------------------------------------------------------


def _vacancy_choices(fair: JobFair) -> list[tuple[int, str]]:
    return [
        (v.pk, f"{v.employer.name} · {v.title}（{v.wage_min:.0f}–{v.wage_max:.0f} 元）")
        for v in selectors.fair_vacancies(fair).filter(status="open")
    ]


def _editable(request: HttpRequest) -> None:
    if not scope_ranges(request.user, Capability.EDIT_REGISTRY):
        raise NotFound()


@_not_found
def attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    """求职登记 at the fair, by resident ID, with the vacancies the person is interested in."""
    _editable(request)
    fair = selectors.fair_get(user=request.user, pk=pk)
    vacancies = _vacancy_choices(fair)
    form = AttendeeForm(request.POST or None, vacancies=vacancies)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        person = (
            Person.objects.visible_to(request.user).filter(id_number=cd["id_number"].strip().upper()).first()
        )
        if person is None:
            form.add_error("id_number", _("此人未登记或不在您的管辖范围内"))
        else:
            chosen = list(Vacancy.objects.filter(pk__in=cd["vacancies"]).select_related("employer"))
            try:
                attendee = services.attendee_register(
                    actor=request.user, fair=fair, person=person, note=cd["note"], vacancies=chosen
                )
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect(f"{reverse('fairs_attendees', args=[fair.pk])}#a{attendee.pk}")
    return _form_page(request, form, _("求职登记"), fair)


@_not_found
def attendee_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone list at the fair: each attendee of the user's villages, with their applications
    and a button for each next step."""
    fair = selectors.fair_get(user=request.user, pk=pk)
    q = (request.GET.get("q") or "").strip()
    state = request.GET.get("state", "")
    attendees = selectors.attendees_of(user=request.user, fair=fair, q=q)
    if state in State.values:
        attendees = attendees.filter(applications__state=state).distinct()
    apps = Application.objects.select_related("vacancy__employer").order_by("pk")
    attendees = attendees.prefetch_related(Prefetch("applications", queryset=apps))
    page = Paginator(attendees, PAGE).get_page(request.GET.get("page"))
    for a in page.object_list:
        a.age = age_on(a.person.birth_date, fair.start)
        a.editable = can(request.user, Capability.EDIT_REGISTRY, a.village_id)
    return render(
        request,
        "fairs/attendees.html",
        {
            "fair": fair,
            "page": page,
            "attendees": page.object_list,
            "q": q,
            "state": state,
            "states": State.choices,
            "figures": selectors.fair_figures(fair),
            "may_register": fair.open and bool(scope_ranges(request.user, Capability.EDIT_REGISTRY)),
        },
    )


@_not_found
def interest_add(request: HttpRequest, pk: int) -> HttpResponse:
    """One more vacancy an attendee is interested in."""
    attendee = selectors.attendee_get(user=request.user, pk=pk)
    fair = attendee.fair
    taken = set(attendee.applications.values_list("vacancy_id", flat=True))
    form = InterestForm(
        request.POST or None, vacancies=[c for c in _vacancy_choices(fair) if c[0] not in taken]
    )
    if request.method == "POST" and form.is_valid():
        vacancy = Vacancy.objects.select_related("employer").get(pk=form.cleaned_data["vacancy"])
        try:
            services.application_create(actor=request.user, attendee=attendee, vacancy=vacancy)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect(f"{reverse('fairs_attendees', args=[fair.pk])}#a{attendee.pk}")
    return _form_page(request, form, _("添加意向岗位") + f" · {attendee.person.name}", fair)


def _app_card(request: HttpRequest, app: Application, error: str = "") -> HttpResponse:
    app = selectors.application_get(user=request.user, pk=app.pk)
    editable = can(request.user, Capability.EDIT_REGISTRY, app.village_id)
    return render(request, "fairs/_application.html", {"app": app, "error": error, "editable": editable})


@_not_found
@require_POST
def interviewed(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: the interview took place today. Answers the application's card, for htmx to swap."""
    app = selectors.application_get(user=request.user, pk=pk)
    error = ""
    try:
        services.application_interview(actor=request.user, application=app)
    except DomainError as err:
        error = str(err.message)
    return _app_card(request, app, error)


def _record(request: HttpRequest, app: Application, cd: dict[str, Any]) -> None:
    outcome, on, note = cd["outcome"], cd["on"], cd["note"]
    if outcome == "interview":
        services.application_interview(actor=request.user, application=app, on=on)
    elif outcome == "offer":
        services.application_offer(
            actor=request.user, application=app, wage=cd["wage"], on=on, start=cd["start"], note=note
        )
    elif outcome == "hire":
        if app.state != State.OFFERED:  # hired on the spot: the offer and the start at once
            services.application_offer(actor=request.user, application=app, wage=cd["wage"], on=on, note=note)
        if cd["start"] is None:
            raise DomainError("start", "", _("请填写上岗日期"))
        services.application_hire(
            actor=request.user, application=app, start=cd["start"], monthly_wage=cd["wage"]
        )
    elif outcome == "decline":
        services.application_decline(
            actor=request.user, application=app, reason=cd["reason"], on=on, note=note
        )
    else:
        services.application_reject(
            actor=request.user, application=app, reason=cd["reason"], on=on, note=note
        )


@_not_found
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an interview, an offer, a hire, a decline or a rejection, with what it needs."""
    from django.db import transaction

    app = selectors.application_get(user=request.user, pk=pk)
    if not can(request.user, Capability.EDIT_REGISTRY, app.village_id):
        raise NotFound(pk)
    initial = {
        "outcome": request.GET.get("outcome", "offer"),
        "wage": app.offered_wage or app.vacancy.wage_min,
    }
    if app.offered_start:
        initial["start"] = app.offered_start
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # an on-the-spot hire is the offer and the hire, or neither
                _record(request, app, form.cleaned_data)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            back = reverse("fairs_attendees", args=[app.attendee.fair_id]) if app.attendee else "/"
            return redirect(f"{back}#a{app.attendee_id}")
    title = f"{app.person.name} · {app.vacancy.employer.name} {app.vacancy.title}"
    return _form_page(request, form, title, app.attendee.fair if app.attendee else None, app=app)


# -- a person's fairs -------------------------------------------------------------------------------


@_not_found
def person_fairs(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's fairs and applications; a cadre registers them for a coming fair from here."""
    person = Person.objects.visible_to(request.user).filter(pk=pk).first()
    if person is None:
        raise NotFound(pk)
    village = services.person_home(person)
    fairs = (
        selectors.open_fairs_for(user=request.user, village=village) if village else JobFair.objects.none()
    )
    editable = village is not None and can(request.user, Capability.EDIT_REGISTRY, village)
    form = None
    if editable:
        taken = Attendee.objects.filter(person=person).values("fair_id")
        form = PersonFairForm(
            request.POST or None, fairs=[(f.pk, str(f)) for f in fairs.exclude(pk__in=taken)]
        )
        if request.method == "POST" and form.is_valid():
            fair = fairs.get(pk=form.cleaned_data["fair"])
            try:
                attendee = services.attendee_register(
                    actor=request.user, fair=fair, person=person, note=form.cleaned_data["note"]
                )
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect(reverse("fairs_interest_add", args=[attendee.pk]))
    return render(
        request,
        "fairs/person.html",
        {
            "person": person,
            "attended": selectors.person_fairs(user=request.user, person_id=person.pk),
            "form": form,
        },
    )
