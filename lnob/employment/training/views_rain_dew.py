"""Screens of 雨露计划: the students, registering one, a student's grant and its payments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lnob.areas.roles import Capability
from lnob.areas.scoping import can, scope_ranges
from lnob.core.errors import DomainError
from lnob.registry.models import Person
from lnob.registry.selectors import today

from . import selectors, services
from .forms import PaymentForm, RainDewForm
from .views import PAGE, may_pay, not_found, scoped, sees_training


@scoped
def rain_dew_list(request: HttpRequest) -> HttpResponse:
    if not sees_training(request.user):
        raise not_found()
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else None
    q = request.GET.get("q", "")
    students = selectors.rain_dew_list(user=request.user, year=year, q=q)
    page = Paginator(students, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/rain_dew_list.html",
        {
            "page": page,
            "year": year,
            "q": q,
            "may_pay": may_pay(request.user),
            "may_register": bool(
                scope_ranges(request.user, Capability.EDIT_REGISTRY)
                or scope_ranges(request.user, Capability.MANAGE_EMPLOYMENT)
            ),
        },
    )


@scoped
def rain_dew_new(request: HttpRequest) -> HttpResponse:
    if not (
        scope_ranges(request.user, Capability.EDIT_REGISTRY)
        or scope_ranges(request.user, Capability.MANAGE_EMPLOYMENT)
    ):
        raise not_found()
    initial: dict[str, Any] = {"school_year": today().year if today().month >= 9 else today().year - 1}
    person_id = request.GET.get("person", "")
    if person_id.isdigit():
        person = Person.objects.visible_to(request.user).filter(pk=int(person_id)).first()
        if person is not None:
            initial["id_number"] = person.id_number
    form = RainDewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            person = services.person_by_id_number(actor=request.user, id_number=cd["id_number"])
            student = services.rain_dew_register(
                actor=request.user, person=person, school=cd["school"], programme=cd["programme"],
                school_year=cd["school_year"],
            )  # fmt: skip
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("training_rain_dew_detail", pk=student.pk)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": _("登记雨露计划学生")},
        status=422 if form.errors else 200,
    )


@scoped
def rain_dew_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = selectors.rain_dew_get(user=request.user, pk=pk)
    payer = can(request.user, Capability.APPROVE_PAYMENTS, student.village_id)
    form = PaymentForm(
        request.POST or None, initial={"paid_on": today(), "amount": services.rain_dew_outstanding(student)}
    )
    if request.method == "POST":
        if not payer:
            raise not_found()
        if form.is_valid():
            try:
                services.rain_dew_pay(actor=request.user, student=student, **form.cleaned_data)
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect("training_rain_dew_detail", pk=pk)
    payments = list(student.payments.order_by("paid_on", "pk"))
    paid = sum((p.amount for p in payments), Decimal("0"))
    return render(
        request,
        "training/rain_dew_detail.html",
        {"s": student, "payments": payments, "paid": paid, "left": max(student.grant - paid, Decimal("0")),
         "form": form, "may_pay": payer},
        status=422 if form.errors else 200,
    )  # fmt: skip
