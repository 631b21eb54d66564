"""Screens of the public-welfare posts: posts by village, a post with its agreements, the
eligibility check and the signing form, an agreement with its months, and the village's monthly
attendance sheet (made for a phone). Thin: forms parse, services decide, selectors read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, scope_ranges
from lnob.areas.selectors import villages_for
from lnob.core.errors import DomainError, NotFound
from lnob.core.sensitive import mask_id
from lnob.employment.views import _month
from lnob.registry.models import Person
from lnob.registry.selectors import today

from . import selectors, services
from .eligibility import eligibility
from .forms import AttendanceForm, CloseForm, EndForm, PayForm, PostForm, SignForm
from .models import Post
from .rules import params, post_rule


def _missing() -> Http404:
    return Http404(_("未找到，或不在您的管辖范围内"))


def _rule_or_none(village: int, day: dt.date) -> Any:
    try:
        return post_rule(village, day)
    except DomainError:
        return None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The posts of the user's villages (公益性岗位), filtered by village and status."""
    villages = villages_for(user=request.user)
    if not villages:
        raise _missing()
    try:
        village = int(request.GET.get("village") or 0) or None
    except ValueError:
        village = None
    status = request.GET.get("status", "open")
    status = status if status in Post.Status.values else ""
    posts = list(selectors.post_list(user=request.user, village=village, status=status))
    return render(
        request,
        "posts/index.html",
        {
            "villages": villages,
            "village": village,
            "status": status,
            "statuses": Post.Status.choices,
            "posts": posts,
            "places": sum(p.places for p in posts),
            "filled": sum(p.filled for p in posts),  # type: ignore[attr-defined]
            "rule": _rule_or_none(village, today()) if village else None,
            "may_manage": bool(scope_ranges(request.user, Capability.MANAGE_EMPLOYMENT)),
        },
    )


@login_required
def post_create(request: HttpRequest) -> HttpResponse:
    villages = villages_for(user=request.user, capability=Capability.MANAGE_EMPLOYMENT)
    if not villages:
        raise _missing()
    initial = {"opened_on": today(), "village": request.GET.get("village") or villages[0][0]}
    form = PostForm(request.POST or None, villages=villages, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd: dict[str, Any] = form.cleaned_data
        village = Area.objects.filter(code=cd.pop("village")).first()
        if village is None:
            raise _missing()
        try:
            post = services.post_create(actor=request.user, village=village, **cd)
        except NotFound:
            raise _missing() from None
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("posts_detail", post.pk)
    try:
        chosen = int(form["village"].value() or villages[0][0])
    except (TypeError, ValueError):
        chosen = villages[0][0]
    rule = _rule_or_none(chosen, today())
    return render(
        request,
        "posts/post_form.html",
        {"form": form, "rule": rule, "rule_params": params(rule) if rule else None},
    )


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        post = selectors.post_get(user=request.user, pk=pk)
    except NotFound:
        raise _missing() from None
    agreements = selectors.agreements_of(post)
    running = sum(1 for a in agreements if a.ended_on is None)
    rule = _rule_or_none(post.village_id, today())
    manage = can(request.user, Capability.MANAGE_EMPLOYMENT, post.village_id)
    return render(
        request,
        "posts/post_detail.html",
        {
            "post": post,
            "agreements": agreements,
            "running": running,
            "rule": rule,
            "rule_params": params(rule) if rule else None,
            "may_sign": manage and post.status == Post.Status.OPEN and running < post.places,
            "may_close": manage and post.status == Post.Status.OPEN and running == 0,
            "close_form": CloseForm(initial={"closed_on": today()}),
            "today": today(),
        },
    )


@login_required
@require_POST
def post_close(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        post = selectors.post_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    except NotFound:
        raise _missing() from None
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写撤销日期"))
        return redirect("posts_detail", post.pk)
    try:
        services.post_close(actor=request.user, post=post, closed_on=form.cleaned_data["closed_on"])
    except DomainError as err:
        messages.error(request, f"{err.message}（{err.value}）")
    else:
        messages.success(request, _("岗位已撤销"))
    return redirect("posts_detail", post.pk)


def _person(request: HttpRequest, raw: str | None) -> Person | None:
    try:
        pk = int(raw or 0)
    except ValueError:
        return None
    return Person.objects.visible_to(request.user).filter(pk=pk).first() if pk else None


@login_required
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Find the person, see each criterion checked for the start date, then sign."""
    try:
        post = selectors.post_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    except NotFound:
        raise _missing() from None
    source = request.POST if request.method == "POST" else request.GET
    person = _person(request, source.get("person"))
    q = (request.GET.get("q") or "").strip()
    found = selectors.person_search(user=request.user, q=q) if q and person is None else []
    start = _date(source.get("start")) or today()
    rule = _rule_or_none(post.village_id, start)
    months = params(rule).agreement_max_months if rule else 12
    # "check again for this start date": the criteria and the longest term follow the new date
    recheck = request.method == "POST" and request.POST.get("recheck") == "1"
    initial = {
        "start": start,
        "end": services.last_allowed_end(start, months),
        "monthly_pay": request.POST.get("monthly_pay") if recheck else post.monthly_pay,
    }
    form = SignForm(None if recheck else (request.POST or None), initial=initial)
    if request.method == "POST" and not recheck and person is not None and form.is_valid():
        cd: dict[str, Any] = form.cleaned_data
        try:
            agreement = services.agreement_sign(
                actor=request.user, post=post, person=person, start=cd["start"], end=cd["end"],
                monthly_pay=cd["monthly_pay"],
            )  # fmt: skip
        except NotFound:
            raise _missing() from None
        except DomainError as err:
            if err.field in form.fields:
                form.add_domain_error(err)
            else:  # the person or the post: the message names the criterion or the reason
                form.add_error(None, str(err.message))
        else:
            return redirect("posts_agreement", agreement.pk)
    check = None
    if person is not None and rule is not None:
        check = eligibility(person_id=person.pk, day=start, village=post.village_id)
    return render(
        request,
        "posts/sign.html",
        {
            "post": post,
            "person": person,
            "person_id_masked": mask_id(person.id_number) if person else "",
            "q": q,
            "found": [(p, mask_id(p.id_number)) for p in found],
            "start": start,
            "rule": rule,
            "rule_params": params(rule) if rule else None,
            "check": check,
            "form": form,
        },
        status=422 if request.method == "POST" and not recheck else 200,
    )


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        agreement = selectors.agreement_get(user=request.user, pk=pk)
    except NotFound:
        raise _missing() from None
    village = agreement.post.village_id
    manage = can(request.user, Capability.MANAGE_EMPLOYMENT, village)
    end_form = EndForm(
        initial={
            "ended_on": min(agreement.end, today()),
            "reason": "expired" if agreement.end <= today() else "resigned",
        }
    )
    return render(
        request,
        "posts/agreement.html",
        {
            "a": agreement,
            "post": agreement.post,
            "person_id_masked": mask_id(agreement.person.id_number),
            "months": selectors.attendance_of(agreement),
            "may_end": manage and agreement.ended_on is None,
            "may_pay": can(request.user, Capability.APPROVE_PAYMENTS, village),
            "expired": agreement.ended_on is None and agreement.end < today(),
            "end_form": end_form,
            "today": today(),
        },
    )


@login_required
@require_POST
def agreement_end(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        agreement = selectors.agreement_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    except NotFound:
        raise _missing() from None
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_end(
                actor=request.user,
                agreement=agreement,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except NotFound:
            raise _missing() from None
        except DomainError as err:
            if err.field in form.fields:
                form.add_domain_error(err)
            else:  # the person or the post: the message names the criterion or the reason
                form.add_error(None, str(err.message))
        else:
            return redirect("posts_agreement", agreement.pk)
    return render(
        request,
        "posts/agreement.html",
        {
            "a": agreement,
            "post": agreement.post,
            "person_id_masked": mask_id(agreement.person.id_number),
            "months": selectors.attendance_of(agreement),
            "may_end": True,
            "end_form": form,
            "today": today(),
        },
        status=422,
    )


# -- the monthly attendance sheet -----------------------------------------------------------------


def _sheet_context(request: HttpRequest, village: int, month: dt.date) -> dict[str, Any]:
    return {
        "village": village,
        "month": month,
        "may_edit": can(request.user, Capability.EDIT_REGISTRY, village),
        "may_pay": can(request.user, Capability.APPROVE_PAYMENTS, village),
        "today": today(),
    }


@login_required
def attendance_sheet(request: HttpRequest) -> HttpResponse:
    """The village's month (公益性岗位考勤表), made for a phone: one card per agreement running in
    the month, days and hours entered in place; the pay due follows."""
    villages = villages_for(user=request.user)
    if not villages:
        raise _missing()
    try:
        village = int(request.GET.get("village") or villages[0][0])
    except ValueError:
        raise _missing() from None
    month = _month(request.GET.get("month"))
    try:
        rows = selectors.attendance_sheet(user=request.user, village=village, month=month)
    except NotFound:
        raise _missing() from None
    context = _sheet_context(request, village, month)
    rule = _rule_or_none(village, month)
    context.update(
        {
            "villages": villages,
            "rows": rows,
            "done": sum(1 for r in rows if r.attendance),
            "due": sum(r.attendance.pay_due for r in rows if r.attendance),
            "unpaid": sum(1 for r in rows if r.attendance and not r.attendance.paid),
            "rule": rule,
            "pay_form": PayForm(initial={"paid_on": today()}),
        }
    )
    return render(request, "posts/sheet.html", context)


def _sheet_row(request: HttpRequest, agreement_id: int, month: dt.date, error: str = "") -> HttpResponse:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    rows = selectors.attendance_sheet(user=request.user, village=agreement.post.village_id, month=month)
    row = next((r for r in rows if r.agreement.pk == agreement.pk), None)
    if row is None:  # a month the agreement does not reach: no card to show, only the reason
        if error:
            return HttpResponse(error, status=422)
        raise _missing()
    context = _sheet_context(request, agreement.post.village_id, month)
    context.update({"r": row, "error": error})
    # 200 even when refused: htmx swaps only successful answers, and the card shows the reason
    return render(request, "posts/_sheet_row.html", context)


@login_required
@require_POST
def attendance_save(request: HttpRequest, pk: int) -> HttpResponse:
    """One card of the sheet saved (htmx): answers the card with the pay due, or the reason."""
    try:
        agreement = selectors.agreement_get(user=request.user, pk=pk, capability=Capability.EDIT_REGISTRY)
    except NotFound:
        raise _missing() from None
    form = AttendanceForm(request.POST)
    month = _month(request.POST.get("month"))
    error = ""
    if not form.is_valid():
        error = "；".join(
            f"{form.fields[f].label}：{' '.join(str(x) for x in e)}" for f, e in form.errors.items()
        )
    else:
        cd = form.cleaned_data
        try:
            services.attendance_record(
                actor=request.user, agreement=agreement, month=month, days_worked=cd["days_worked"],
                hours_worked=cd["hours_worked"], note=cd["note"],
            )  # fmt: skip
        except NotFound:
            raise _missing() from None
        except DomainError as err:
            error = f"{err.message}（{err.value}）" if err.value not in (None, "") else str(err.message)
    if request.headers.get("HX-Request"):
        return _sheet_row(request, agreement.pk, month, error)
    if error:
        return HttpResponse(error, status=422)
    return redirect(f"/employment/posts/attendance/?village={agreement.post.village_id}&month={month:%Y-%m}")


@login_required
@require_POST
def attendance_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """The county records one month paid (its pay due by default)."""
    try:
        row = selectors.attendance_get(user=request.user, pk=pk, capability=Capability.APPROVE_PAYMENTS)
    except NotFound:
        raise _missing() from None
    form = PayForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "；".join(" ".join(str(x) for x in e) for e in form.errors.values())
    else:
        try:
            services.attendance_pay(
                actor=request.user,
                attendance=row,
                paid_on=form.cleaned_data["paid_on"],
                paid_amount=form.cleaned_data["paid_amount"],
            )
        except DomainError as err:
            error = f"{err.message}（{err.value}）"
    if request.headers.get("HX-Request"):
        return _sheet_row(request, row.agreement_id, row.month, error)
    if error:
        return HttpResponse(error, status=422)
    return redirect("posts_agreement", row.agreement_id)


@login_required
@require_POST
def attendance_pay_month(request: HttpRequest) -> HttpResponse:
    """The county pays the whole village's month at once (each its pay due)."""
    try:
        village = int(request.POST.get("village") or 0)
    except ValueError:
        raise _missing() from None
    month = _month(request.POST.get("month"))
    form = PayForm(request.POST)
    back = f"/employment/posts/attendance/?village={village}&month={month:%Y-%m}"
    if not form.is_valid():
        return HttpResponse(_("请填写发放日期"), status=422)
    try:
        services.attendance_pay_month(
            actor=request.user, village=village, month=month, paid_on=form.cleaned_data["paid_on"]
        )
    except NotFound:
        raise _missing() from None
    except DomainError as err:
        return HttpResponse(f"{err.message}（{err.value}）", status=422)
    return redirect(back)
