"""Screens of the training channel: thin adapters over the selectors and services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges
from lnob.core.errors import DomainError, NotFound
from lnob.registry.models import Person
from lnob.registry.selectors import today

from . import allowance, selectors, services
from .forms import (
    CertificateForm,
    CompleteForm,
    CourseCompleteForm,
    CourseForm,
    EnrolForm,
    PaymentForm,
    PersonEnrolForm,
)
from .models import CourseStatus, Mode

PAGE = 50
SKILLS = (
    "中式烹调师",
    "中式面点师",
    "电工",
    "焊工",
    "育婴员",
    "养老护理员",
    "家政服务员",
    "保安员",
    "挖掘机驾驶员",
    "电子商务师",
)


def not_found() -> Http404:
    return Http404(_("未找到，或不在您的管辖范围内"))


def scoped(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """NotFound from a selector or service answers 404, like a page that does not exist."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise not_found() from None

    return login_required(wrapped)


def sees_training(user: Any) -> bool:
    return bool(
        scope_ranges(user, Capability.VIEW_REGISTRY) or scope_ranges(user, Capability.MANAGE_EMPLOYMENT)
    )


def may_pay(user: Any) -> bool:
    return bool(scope_ranges(user, Capability.APPROVE_PAYMENTS))


@scoped
def index(request: HttpRequest) -> HttpResponse:
    """The course list (培训班), with the channel's other screens one tap away."""
    if not sees_training(request.user):
        raise not_found()
    status = request.GET.get("status", "")
    q = request.GET.get("q", "")
    courses = selectors.course_list(user=request.user, status=status, q=q)
    page = Paginator(courses, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/index.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": CourseStatus.choices,
            "may_create": bool(selectors.course_areas(request.user)),
            "may_pay": may_pay(request.user),
        },
    )


def _course_form_page(request: HttpRequest, form: CourseForm, title: str) -> HttpResponse:
    return render(request, "training/course_form.html", {"form": form, "title": title, "skills": SKILLS})


@scoped
def course_new(request: HttpRequest) -> HttpResponse:
    areas = selectors.course_areas(request.user)
    if not areas:
        raise not_found()
    form = CourseForm(request.POST or None, areas=[(a.code, a.name) for a in areas])
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        area = next(a for a in areas if a.code == cd.pop("area"))
        try:
            course = services.course_create(actor=request.user, area=area, **cd)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("training_course", pk=course.pk)
    return _course_form_page(request, form, _("新建培训班"))


@scoped
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get(user=request.user, pk=pk)
    if not selectors.may_manage(request.user, course):
        raise not_found()
    fields = (
        "title",
        "skill",
        "provider",
        "mode",
        "start",
        "end",
        "hours",
        "cost_per_trainee",
        "places",
        "status",
    )
    initial = {name: getattr(course, name) for name in fields} | {"area": course.area_id}
    form = CourseForm(request.POST or None, initial=initial, areas=[(course.area_id, course.area.name)])
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        cd.pop("area")
        try:
            services.course_update(actor=request.user, course=course, **cd)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("training_course", pk=course.pk)
    return _course_form_page(request, form, _("修改培训班") + f" · {course.title}")


@scoped
def course_detail(request: HttpRequest, pk: int, enrol_form: EnrolForm | None = None) -> HttpResponse:
    """A course: its facts and rule, its trainees with attendance, completion, certificate and
    allowance, the enrol form, and its outcomes."""
    course = selectors.course_get(user=request.user, pk=pk)
    rows = list(selectors.enrolments_of(user=request.user, course=course))
    dues = allowance.dues([e.pk for e in rows])
    rule, rule_error = selectors.rule_or_error(course)
    manage = selectors.may_manage(request.user, course)
    outcome = selectors.outcomes(user=request.user, course=course)["courses"]
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "rows": [(e, dues[e.pk]) for e in rows],
            "rule": rule,
            "rule_error": rule_error,
            "manage": manage,
            "may_pay": selectors.may_pay(request.user, course),
            "may_enrol": course.status in (CourseStatus.PLANNED, CourseStatus.RUNNING)
            and (manage or bool(scope_ranges(request.user, Capability.EDIT_REGISTRY))),
            "enrol_form": enrol_form or EnrolForm(),
            "complete_form": CourseCompleteForm(initial={"day": min(course.end, today())}),
            "outcome": outcome[0] if outcome else None,
            "attendance_day": min(max(course.start, today()), course.end),
        },
        status=422 if enrol_form is not None and enrol_form.errors else 200,
    )


@scoped
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol a registered person by resident ID, from the course page."""
    course = selectors.course_get(user=request.user, pk=pk)
    form = EnrolForm(request.POST)
    if form.is_valid():
        try:
            person = services.person_by_id_number(
                actor=request.user, id_number=form.cleaned_data["id_number"]
            )
            enrolment = services.enrolment_create(
                actor=request.user, course=course, person=person, enrolled_on=form.cleaned_data["enrolled_on"]
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("已报名：{name}").format(name=enrolment.person.name))
            return redirect("training_course", pk=course.pk)
    return course_detail(request, pk, enrol_form=form)


@scoped
def person_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol a person on a course of their township or county, from the person's page."""
    person = Person.objects.visible_to(request.user).filter(pk=pk).first()
    if person is None:
        raise not_found()
    courses = selectors.courses_open_to(user=request.user, person=person)
    form = PersonEnrolForm(
        request.POST or None, courses=[(c.pk, f"{c} · {c.area.name} · {c.skill}") for c in courses]
    )
    if request.method == "POST" and form.is_valid():
        course = next(c for c in courses if c.pk == form.cleaned_data["course"])
        try:
            services.enrolment_create(
                actor=request.user, course=course, person=person, enrolled_on=form.cleaned_data["enrolled_on"]
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("已报名：{name}").format(name=person.name))
            return redirect(f"/persons/{person.pk}/")
    enrolled = list(selectors.enrolments_of_person(user=request.user, person_id=person.pk))
    return render(
        request,
        "training/person_enrol.html",
        {"person": person, "form": form, "courses": courses, "enrolled": enrolled},
    )


def _day(text: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return default


@scoped
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The day's attendance sheet, made for a phone: one row per trainee, tap to mark present
    (offline) or type the class hours (online); one save for the sheet."""
    course = selectors.course_get(user=request.user, pk=pk)
    if not selectors.may_manage(request.user, course):
        raise not_found()
    day = _day(request.POST.get("day") or request.GET.get("day"), min(max(course.start, today()), course.end))
    rows = list(selectors.enrolments_of(user=request.user, course=course).prefetch_related("attendance"))
    error = None
    if request.method == "POST":
        present: dict[int, Decimal | None] = {}
        try:
            for e in rows:
                if course.mode == Mode.ONLINE:
                    text = (request.POST.get(f"hours_{e.pk}") or "").strip()
                    if text:
                        present[e.pk] = Decimal(text)
                elif request.POST.get(f"present_{e.pk}"):
                    present[e.pk] = None
            n = services.attendance_mark(
                actor=request.user, course=course, day=day, present=present, sheet=[e.pk for e in rows]
            )
        except InvalidOperation:
            error = DomainError("hours", "", _("学时应为数字"))
        except DomainError as err:
            error = err
        else:
            messages.success(request, _("{day} 出勤已保存：{n} 人").format(day=day, n=n))
            return redirect(f"{request.path}?day={day.isoformat()}")
        rows = list(selectors.enrolments_of(user=request.user, course=course).prefetch_related("attendance"))
    marks = {e.pk: next((a for a in e.attendance.all() if a.day == day), None) for e in rows}
    return render(
        request,
        "training/attendance.html",
        {
            "course": course,
            "day": day,
            "rows": [(e, marks[e.pk]) for e in rows],
            "present": sum(1 for m in marks.values() if m is not None),
            "error": error,
            "online": course.mode == Mode.ONLINE,
        },
        status=422 if error else 200,
    )


@scoped
@require_POST
def course_complete(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get(user=request.user, pk=pk)
    form = CourseCompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写结业日期"))
        return redirect("training_course", pk=pk)
    try:
        n, short = services.course_complete(actor=request.user, course=course, day=form.cleaned_data["day"])
    except DomainError as err:
        messages.error(request, f"{err.message}（{err.value}）")
    else:
        text = _("结业 {n} 人").format(n=n)
        if short:
            text += _("；出勤不足未结业：{names}").format(names="、".join(short))
        messages.success(request, text)
    return redirect("training_course", pk=pk)


@scoped
def enrolment_detail(request: HttpRequest, pk: int, forms: dict[str, Any] | None = None) -> HttpResponse:
    """One trainee on one course: attendance, completion, certificate, the allowance with its
    rule and source, and its payments."""
    enrolment = selectors.enrolment_get(user=request.user, pk=pk)
    course = enrolment.course
    due = allowance.due_for(enrolment)
    forms = forms or {}
    return render(
        request,
        "training/enrolment_detail.html",
        {
            "e": enrolment,
            "course": course,
            "due": due,
            "days": list(enrolment.attendance.order_by("day")),
            "payments": list(enrolment.payments.order_by("paid_on", "pk")),
            "manage": selectors.may_manage(request.user, course),
            "may_pay": selectors.may_pay(request.user, course),
            "complete_form": forms.get("complete")
            or CompleteForm(initial={"completed_on": min(course.end, today())}),
            "certificate_form": forms.get("certificate")
            or CertificateForm(initial={"certificate_date": today()}),
            "payment_form": forms.get("payment")
            or PaymentForm(initial={"paid_on": today(), "amount": due.outstanding}),
        },
        status=422 if any(f.errors for f in forms.values()) else 200,
    )


def _enrolment_action(
    request: HttpRequest, pk: int, name: str, form_class: type, act: Callable[[Any, dict[str, Any]], Any]
) -> HttpResponse:
    enrolment = selectors.enrolment_get(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(enrolment, form.cleaned_data)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("training_enrolment", pk=pk)
    return enrolment_detail(request, pk, forms={name: form})


@scoped
@require_POST
def enrolment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _enrolment_action(
        request, pk, "complete", CompleteForm,
        lambda e, cd: services.enrolment_complete(actor=request.user, enrolment=e, day=cd["completed_on"]),
    )  # fmt: skip


@scoped
@require_POST
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    return _enrolment_action(
        request, pk, "certificate", CertificateForm,
        lambda e, cd: services.certificate_record(
            actor=request.user, enrolment=e, kind=cd["certificate_kind"], number=cd["certificate_number"],
            date=cd["certificate_date"],
        ),
    )  # fmt: skip


@scoped
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    return _enrolment_action(
        request, pk, "payment", PaymentForm,
        lambda e, cd: services.allowance_pay(actor=request.user, enrolment=e, **cd),
    )  # fmt: skip


@scoped
@require_POST
def enrolment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get(user=request.user, pk=pk)
    try:
        services.enrolment_remove(actor=request.user, enrolment=enrolment)
    except DomainError as err:
        messages.error(request, str(err.message))
        return redirect("training_enrolment", pk=pk)
    messages.success(request, _("已撤销报名：{name}").format(name=enrolment.person.name))
    return redirect("training_course", pk=enrolment.course_id)


@scoped
def payments(request: HttpRequest) -> HttpResponse:
    """Living allowances: what each trainee is owed and has been paid, course by course, for
    those who sign payments off; the trainees still owed something first."""
    if not scope_ranges(request.user, Capability.APPROVE_PAYMENTS):
        raise not_found()
    courses = [c for c in selectors.course_list(user=request.user)[:200] if getattr(c, "enrolled", 0)]
    course = request.GET.get("course", "")
    chosen = next((c for c in courses if str(c.pk) == course), courses[0] if courses else None)
    rows: list[Any] = []
    if chosen is not None:
        enrolments = list(selectors.enrolments_of(user=request.user, course=chosen))
        dues = allowance.dues([e.pk for e in enrolments])
        rows = sorted(((e, dues[e.pk]) for e in enrolments), key=lambda r: -r[1].outstanding)
    rule, rule_error = selectors.rule_or_error(chosen) if chosen else (None, "")
    return render(
        request,
        "training/payments.html",
        {"courses": courses, "chosen": chosen, "rows": rows, "rule": rule, "rule_error": rule_error},
    )


@scoped
def outcomes(request: HttpRequest) -> HttpResponse:
    """Outcomes per area and per course: trainees, completions, certificates, in work 3 and 6
    months after completing (read from the ledger)."""
    if not sees_training(request.user):
        raise not_found()
    return render(
        request,
        "training/outcomes.html",
        {"outcomes": selectors.outcomes(user=request.user), "may_pay": may_pay(request.user)},
    )
