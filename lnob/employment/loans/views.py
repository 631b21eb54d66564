"""Screens of the entrepreneurship and loans channel: thin adapters over the selectors and
services. Anything outside the user's areas answers 404."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, scope_ranges
from lnob.areas.selectors import villages_for
from lnob.core.errors import DomainError, NotFound
from lnob.registry.models import Person
from lnob.registry.selectors import today

from . import selectors, services
from .forms import (
    BusinessForm,
    BusinessStatusForm,
    EntrepreneurForm,
    HireForm,
    LoanForm,
    OverdueForm,
    RepaymentForm,
    SubsidyForm,
    WriteOffForm,
)
from .models import Business, BusinessStatus, LoanStatus, LoanType, Repayment

PAGE = 50


def _404() -> Http404:
    return Http404(_("未找到，或不在您的管辖范围内"))


def scoped(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; NotFound from a selector or service answers 404."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise _404() from None

    return wrapped


def _may_manage(user: Any) -> bool:
    return bool(scope_ranges(user, Capability.MANAGE_EMPLOYMENT))


def _home_area(user: Any) -> int:
    """The first area of the user's scope: where the limits shown on a screen apply."""
    ranges = scope_ranges(user, Capability.VIEW_REGISTRY)
    if not ranges:
        raise _404()
    return ranges[0][0]


def _person(user: Any, id_number: str) -> Person | None:
    return Person.objects.visible_to(user).filter(id_number=id_number.strip().upper()).first()


def _form_page(request: HttpRequest, form: Any, title: str, **extra: Any) -> HttpResponse:
    return render(request, "loans/form.html", {"form": form, "title": title, **extra})


@scoped
def index(request: HttpRequest) -> HttpResponse:
    """The channel's landing screen: its figures, the loan limits in force, and the way in."""
    day = today()
    return render(
        request,
        "loans/index.html",
        {
            "figures": selectors.summary(user=request.user, day=day),
            "limits": selectors.limits_shown(_home_area(request.user), day),
            "may_manage": _may_manage(request.user),
            "day": day,
        },
    )


# -- entrepreneurs and businesses ---------------------------------------------------------------


@scoped
def entrepreneur_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.entrepreneurs_visible(request.user)
    q = (request.GET.get("q") or "").strip()
    if q:
        rows = rows.filter(person__name__contains=q)
    if request.GET.get("returning") in ("0", "1"):
        rows = rows.filter(returning=request.GET["returning"] == "1")
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "loans/entrepreneur_list.html",
        {
            "page": page,
            "q": q,
            "returning": request.GET.get("returning", ""),
            "may_manage": _may_manage(request.user),
        },
    )


@scoped
def entrepreneur_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entrepreneur = selectors.entrepreneur_get(user=request.user, pk=pk)
    businesses = list(selectors.businesses_visible(request.user).filter(entrepreneur=entrepreneur))
    loans = selectors.loans_visible(request.user).filter(person=entrepreneur.person)
    jobs = selectors.jobs_of(businesses, today(), viewer=request.user)
    return render(
        request,
        "loans/entrepreneur_detail.html",
        {
            "e": entrepreneur,
            "businesses": [(b, jobs[b.pk]) for b in businesses],
            "loans": loans,
            "may_manage": can(request.user, Capability.MANAGE_EMPLOYMENT, entrepreneur.village_id),
        },
    )


@scoped
def entrepreneur_new(request: HttpRequest) -> HttpResponse:
    if not _may_manage(request.user):
        raise _404()
    form = EntrepreneurForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        person = _person(request.user, cd["id_number"])
        if person is None:
            form.add_error("id_number", services.LoanMsg.NOT_REGISTERED)
        else:
            try:
                e = services.entrepreneur_register(
                    actor=request.user,
                    person=person,
                    returning=cd["returning"],
                    returned_from=cd["returned_from"],
                    returned_on=cd["returned_on"],
                    previous_work=cd["previous_work"],
                    note=cd["note"],
                )
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect("loans_entrepreneur_detail", e.pk)
    return _form_page(request, form, _("登记创业者"))


@scoped
def business_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.businesses_visible(request.user)
    q = (request.GET.get("q") or "").strip()
    status = request.GET.get("status") or ""
    village = request.GET.get("village") or ""
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(entrepreneur__person__name__contains=q))
    if status in BusinessStatus.values:
        rows = rows.filter(status=status)
    if village.isdigit():
        rows = rows.filter(village_id=int(village))
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    jobs = selectors.jobs_of(list(page.object_list), today(), viewer=request.user)
    return render(
        request,
        "loans/business_list.html",
        {
            "page": page,
            "rows": [(b, jobs[b.pk]) for b in page.object_list],
            "q": q,
            "status": status,
            "village": village,
            "statuses": BusinessStatus.choices,
            "villages": villages_for(user=request.user),
        },
    )


@scoped
def business_detail(request: HttpRequest, pk: int) -> HttpResponse:
    business = selectors.business_get(user=request.user, pk=pk)
    jobs = selectors.jobs_of([business], today(), viewer=request.user)[business.pk]
    return render(
        request,
        "loans/business_detail.html",
        {
            "b": business,
            "jobs": jobs,
            "loans": selectors.loans_visible(request.user).filter(business=business),
            "may_manage": can(request.user, Capability.MANAGE_EMPLOYMENT, business.village_id),
        },
    )


@scoped
def business_new(request: HttpRequest, pk: int) -> HttpResponse:
    entrepreneur = selectors.entrepreneur_get(user=request.user, pk=pk)
    villages = villages_for(user=request.user, capability=Capability.MANAGE_EMPLOYMENT)
    if not villages:
        raise _404()
    form = BusinessForm(request.POST or None, villages=villages, initial={"village": entrepreneur.village_id})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            b = services.business_create(
                actor=request.user,
                entrepreneur=entrepreneur,
                name=cd["name"],
                sector=cd["sector"],
                village=Area.objects.get(code=cd["village"]),
                credit_code=cd["credit_code"],
                started=cd["started"],
                other_jobs=cd["other_jobs"] or 0,
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("loans_business_detail", b.pk)
    return _form_page(request, form, _("登记创业实体") + f" · {entrepreneur.person.name}")


@scoped
def business_status(request: HttpRequest, pk: int) -> HttpResponse:
    business = selectors.business_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    form = BusinessStatusForm(request.POST or None, initial={"status": business.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.business_set_status(
                actor=request.user,
                business=business,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("loans_business_detail", business.pk)
    return _form_page(request, form, _("经营状态") + f" · {business.name}")


@scoped
def business_hire(request: HttpRequest, pk: int) -> HttpResponse:
    business = selectors.business_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    form = HireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        person = _person(request.user, cd["id_number"])
        if person is None:
            form.add_error("id_number", services.LoanMsg.NOT_REGISTERED)
        else:
            try:
                services.business_hire(
                    actor=request.user,
                    business=business,
                    person=person,
                    start=cd["start"],
                    monthly_wage=cd["monthly_wage"],
                    full_time=cd["full_time"],
                )
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect("loans_business_detail", business.pk)
    return _form_page(request, form, _("登记雇工") + f" · {business.name}")


# -- loans ----------------------------------------------------------------------------------------


@scoped
def loan_list(request: HttpRequest) -> HttpResponse:
    f = {k: (request.GET.get(k) or "").strip() for k in ("type", "status", "village", "q")}
    rows = selectors.loan_list(
        user=request.user,
        type=f["type"] if f["type"] in LoanType.values else "",
        status=f["status"] if f["status"] in LoanStatus.values else "",
        village=int(f["village"]) if f["village"].isdigit() else None,
        q=f["q"],
    )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "loans/loan_list.html",
        {
            "page": page,
            "f": f,
            "types": LoanType.choices,
            "statuses": LoanStatus.choices,
            "villages": villages_for(user=request.user),
            "may_manage": _may_manage(request.user),
        },
    )


@scoped
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    loan = selectors.loan_get(user=request.user, pk=pk)
    return render(
        request,
        "loans/loan_detail.html",
        {
            "loan": loan,
            "outstanding": loan.amount - loan.repaid,  # type: ignore[attr-defined]
            "repayments": Repayment.objects.filter(loan=loan).order_by("date"),
            "subsidies": loan.subsidies.order_by("period_start"),
            "may_manage": can(request.user, Capability.MANAGE_EMPLOYMENT, loan.village_id),
            "may_pay": can(request.user, Capability.APPROVE_PAYMENTS, loan.village_id),
            "overdue_form": OverdueForm(initial={"since": today()}),
        },
    )


@scoped
def loan_new(request: HttpRequest) -> HttpResponse:
    """The loan form, with the limits of both loan types in force shown beside it."""
    if not _may_manage(request.user):
        raise _404()
    businesses = Business.objects.visible_to(request.user, Capability.MANAGE_EMPLOYMENT).select_related(
        "entrepreneur__person"
    )
    choices = [(b.pk, f"{b.name}（{b.entrepreneur.person.name}）") for b in businesses.order_by("name")]
    initial = {"type": request.GET.get("type") or LoanType.MICRO_CREDIT, "issued": today(), "subsidy_rate": 0}
    form = LoanForm(request.POST or None, businesses=choices, initial=initial)
    area = _home_area(request.user)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        person = _person(request.user, cd["id_number"])
        if person is None:
            form.add_error("id_number", services.LoanMsg.NOT_REGISTERED)
        else:
            from lnob.registry.selectors import person_area

            area = person_area(person.pk) or area
            business = businesses.filter(pk=cd["business"]).first() if cd["business"] else None
            try:
                loan = services.loan_issue(
                    actor=request.user,
                    person=person,
                    type=cd["type"],
                    reference=cd["reference"],
                    lender=cd["lender"],
                    amount=cd["amount"],
                    term_months=cd["term_months"],
                    interest_rate=cd["interest_rate"],
                    subsidy_rate=cd["subsidy_rate"],
                    issued=cd["issued"],
                    purpose=cd["purpose"],
                    business=business,
                    raised_limit=cd["raised_limit"],
                    note=cd["note"],
                )
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect("loans_loan_detail", loan.pk)
    day = form.cleaned_data.get("issued") if form.is_bound and hasattr(form, "cleaned_data") else None
    return _form_page(
        request, form, _("登记贷款"), limits=selectors.limits_shown(area, day or today()), testid="loan-form"
    )


@scoped
def repayment_new(request: HttpRequest, pk: int) -> HttpResponse:
    loan = selectors.loan_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    form = RepaymentForm(request.POST or None, initial={"date": today()})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.repayment_record(
                actor=request.user,
                loan=loan,
                date=cd["date"],
                principal=cd["principal"],
                interest=cd["interest"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("loans_loan_detail", loan.pk)
    return _form_page(request, form, _("登记还款") + f" · {loan.reference}", loan=loan)


@scoped
@require_POST
def loan_overdue(request: HttpRequest, pk: int) -> HttpResponse:
    loan = selectors.loan_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    form = OverdueForm(request.POST)
    if form.is_valid():
        try:
            services.loan_mark_overdue(actor=request.user, loan=loan, since=form.cleaned_data["since"])
        except DomainError as err:
            form.add_domain_error(err)
    if form.errors:
        return _form_page(request, form, _("标记逾期") + f" · {loan.reference}", loan=loan)
    return redirect("loans_loan_detail", loan.pk)


@scoped
@require_POST
def loan_cure(request: HttpRequest, pk: int) -> HttpResponse:
    loan = selectors.loan_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    with contextlib.suppress(DomainError):  # already normal: nothing to do
        services.loan_cure(actor=request.user, loan=loan)
    return redirect("loans_loan_detail", loan.pk)


@scoped
def loan_write_off(request: HttpRequest, pk: int) -> HttpResponse:
    loan = selectors.loan_get(user=request.user, pk=pk, capability=Capability.APPROVE_PAYMENTS)
    form = WriteOffForm(request.POST or None, initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_write_off(actor=request.user, loan=loan, on=form.cleaned_data["on"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("loans_loan_detail", loan.pk)
    return _form_page(request, form, _("核销贷款") + f" · {loan.reference}", loan=loan)


@scoped
def subsidy_new(request: HttpRequest, pk: int) -> HttpResponse:
    loan = selectors.loan_get(user=request.user, pk=pk, capability=Capability.APPROVE_PAYMENTS)
    form = SubsidyForm(request.POST or None, initial={"paid_on": today()})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.subsidy_pay(
                actor=request.user,
                loan=loan,
                period_start=cd["period_start"],
                period_end=cd["period_end"],
                amount=cd["amount"],
                paid_on=cd["paid_on"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("loans_loan_detail", loan.pk)
    return _form_page(request, form, _("拨付贴息") + f" · {loan.reference}", loan=loan, subsidy=True)


@scoped
def overdue_list(request: HttpRequest) -> HttpResponse:
    """Overdue loans of the user's villages (the county's list for its officials), for follow-up."""
    day = today()
    rows = selectors.overdue_loans(user=request.user, day=day)
    village = request.GET.get("village") or ""
    if village.isdigit():
        rows = rows.filter(village_id=int(village))
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "loans/overdue_list.html",
        {"page": page, "day": day, "village": village, "villages": villages_for(user=request.user)},
    )
