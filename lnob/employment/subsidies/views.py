"""Screens: the transport-subsidy list by village (compute, approve, pay, export for the bank), a
claim, a claim by hand; the quarter's social-insurance differences with a prefilled spell form;
a person's evidence. Thin: forms in, services and selectors, templates out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lnob.areas.codes import Level, level_of
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, scope_ranges
from lnob.core.errors import DomainError, NotFound
from lnob.core.sensitive import record_access
from lnob.registry.models import Person
from lnob.registry.selectors import today

from . import insurance, selectors, services
from .forms import ClaimAddForm, ComputeForm, PayForm, RejectForm
from .models import ClaimStatus, TransportSubsidyClaim
from .register_tables import parse_quarter, quarter_label

NOT_FOUND = "未找到，或不在您的管辖范围内"
COMPUTED = gettext_lazy(
    "已核算 {area} {year} 年交通补助：{claims} 人，共 {amount} 元；已有审核结果的 {kept} 人保持不变"
)
PAGE = 100


def _404() -> Http404:
    return Http404(_(NOT_FOUND))


def _int(text: str | None, default: int | None = None) -> int | None:
    try:
        return int(text) if text else default
    except ValueError:
        raise _404() from None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The landing screen: the two parts this user may use."""
    transport = selectors.may_see_claims(request.user)
    evidence = bool(scope_ranges(request.user, Capability.EDIT_REGISTRY))
    if not (transport or evidence):
        raise _404()
    return render(
        request,
        "subsidies/index.html",
        {"transport": transport, "evidence": evidence, "year": today().year, "quarter": _last_quarter()},
    )


def _last_quarter() -> str:
    """The latest quarter that has ended (the agency's files come after a quarter)."""
    day = today()
    start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1) - dt.timedelta(days=1)
    return quarter_label(start)


@login_required
def transport(request: HttpRequest) -> HttpResponse:
    """The year's claims by village: computed → approved → paid, with the rule used."""
    user = request.user
    if not selectors.may_see_claims(user):
        raise _404()
    year = _int(request.GET.get("year"), today().year) or today().year
    area = _int(request.GET.get("area"))
    status = request.GET.get("status", "")
    if area and not (
        can(user, Capability.MANAGE_EMPLOYMENT, area) or can(user, Capability.APPROVE_PAYMENTS, area)
    ):
        raise _404()
    claims = selectors.claim_list(user=user, year=year, area=area, status=status)
    areas = selectors.areas_to_compute(user)
    villages = selectors.villages(user)
    ruled = area or (areas[0][0] if areas else (villages[0][0] if villages else 0))
    rule, no_rule = selectors.rule_in_force(ruled, year) if ruled else (None, "")
    page = Paginator(claims, PAGE).get_page(request.GET.get("page"))
    compute = ComputeForm(initial={"area": ruled, "year": year}, areas=areas) if areas else None
    return render(
        request,
        "subsidies/transport.html",
        {
            "year": year,
            "area": area,
            "status": status,
            "statuses": ClaimStatus.choices,
            "villages": villages,
            "sums": selectors.village_sums(selectors.claim_list(user=user, year=year, area=area)),
            "page": page,
            "rule": rule,
            "no_rule": no_rule,
            "compute": compute,
            "run": selectors.latest_run(user=user, area=ruled, year=year) if ruled else None,
            "may_approve": bool(scope_ranges(user, Capability.APPROVE_PAYMENTS)),
            "village_area": area if area and level_of(area) == Level.VILLAGE else None,
        },
    )


@login_required
@require_POST
def transport_compute(request: HttpRequest) -> HttpResponse:
    areas = selectors.areas_to_compute(request.user)
    if not areas:
        raise _404()
    form = ComputeForm(request.POST, areas=areas)
    if not form.is_valid():
        messages.error(request, _("请选择核算区域和年度"))
        return redirect("subsidies_transport")
    area = Area.objects.filter(code=form.cleaned_data["area"]).first()
    year = form.cleaned_data["year"]
    if area is None:
        raise _404()
    try:
        run = services.transport_compute(actor=request.user, area=area, year=year)
    except NotFound:
        raise _404() from None
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        messages.success(
            request,
            str(COMPUTED).format(
                area=area.name,
                year=year,
                claims=run.counts["claims"],
                amount=f"{run.counts['amount']:,.0f}",
                kept=run.counts["kept"],
            ),
        )
    return redirect(f"{reverse('subsidies_transport')}?year={year}&area={area.code}")


@login_required
@require_POST
def transport_approve(request: HttpRequest) -> HttpResponse:
    """Approve the ticked computed claims of a village (or all of them)."""
    village = _int(request.POST.get("village"))
    year = _int(request.POST.get("year"))
    if village is None or year is None:
        raise _404()
    ids = [int(x) for x in request.POST.getlist("claim") if x.isdigit()]
    try:
        n = services.transport_claims_approve(
            actor=request.user, village=village, year=year, ids=None if request.POST.get("all") else ids
        )
    except NotFound:
        raise _404() from None
    messages.success(request, _("已审核 {n} 人").format(n=n))
    return redirect(f"{reverse('subsidies_transport')}?year={year}&area={village}")


@login_required
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    try:
        c = selectors.claim_get(user=user, pk=pk)
    except NotFound:
        raise _404() from None
    may_decide = can(user, Capability.APPROVE_PAYMENTS, c.village_id)
    reject = RejectForm(request.POST if request.POST.get("do") == "reject" else None)
    pay = PayForm(
        request.POST if request.POST.get("do") == "pay" else None,
        initial={"paid_on": today(), "paid_amount": c.amount},
    )
    error = ""
    if request.method == "POST" and may_decide:
        try:
            done = _decide(request, c, reject, pay)
        except DomainError as err:
            form = pay if request.POST.get("do") == "pay" else reject
            if request.POST.get("do") in ("pay", "reject"):
                form.add_domain_error(err)
            else:
                error = str(err.message)
        else:
            if done:
                return redirect("subsidies_claim", pk=c.pk)
    elif request.method == "POST":
        raise _404()
    return render(
        request,
        "subsidies/claim.html",
        {"c": c, "may_decide": may_decide, "reject": reject, "pay": pay, "error": error},
        status=422 if (reject.errors or pay.errors or error) else 200,
    )


def _decide(request: HttpRequest, c: TransportSubsidyClaim, reject: RejectForm, pay: PayForm) -> bool:
    action = request.POST.get("do")
    if action == "approve":
        services.transport_claim_approve(actor=request.user, claim=c)
        return True
    if action == "reject" and reject.is_valid():
        services.transport_claim_reject(actor=request.user, claim=c, reason=reject.cleaned_data["reason"])
        return True
    if action == "pay" and pay.is_valid():
        cd = pay.cleaned_data
        services.transport_claim_pay(
            actor=request.user,
            claim=c,
            paid_on=cd["paid_on"],
            amount=cd["paid_amount"],
            reference=cd["payment_reference"],
        )
        return True
    return False


@login_required
def claim_add(request: HttpRequest) -> HttpResponse:
    """A claim for one person, computed from the ledger (refused with the reason)."""
    if not scope_ranges(request.user, Capability.MANAGE_EMPLOYMENT):
        raise _404()
    form = ClaimAddForm(request.POST or None, initial={"year": today().year})
    if request.method == "POST" and form.is_valid():
        from lnob.registry.validation import normalise_id

        person = (
            Person.objects.visible_to(request.user)
            .filter(id_number=normalise_id(form.cleaned_data["id_number"]))
            .first()
        )
        if person is None:
            form.add_error("id_number", _("此人未登记或不在您的管辖范围内"))
        else:
            try:
                c = services.transport_claim_add(
                    actor=request.user, person=person, year=form.cleaned_data["year"]
                )
            except NotFound:
                form.add_error("id_number", _("此人未登记或不在您的管辖范围内"))
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect("subsidies_claim", pk=c.pk)
    status = 422 if form.errors else 200
    return render(request, "web/form.html", {"form": form, "title": _("添加交通补助")}, status=status)


@login_required
def bank_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The approved, unpaid claims of a year under an area, with the bank account: the list the
    county sends to the bank (sensitive; audited). The bank's answer is imported as the
    `transport_subsidies` register."""
    from .exports import bank_list

    year = _int(request.GET.get("year"), today().year) or today().year
    area = _int(request.GET.get("area"))
    try:
        data, filename = bank_list(user=request.user, year=year, area=area, fmt=fmt)
    except NotFound:
        raise _404() from None
    from lnob.exchange.views_export import CONTENT_TYPES

    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- social-insurance evidence -----------------------------------------------------------------


def _quarters(n: int = 8) -> list[str]:
    day = today()
    q = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    out = []
    for _i in range(n):
        out.append(quarter_label(q))
        q = (q - dt.timedelta(days=1)).replace(day=1)
        q = dt.date(q.year, 3 * ((q.month - 1) // 3) + 1, 1)
    return out


@login_required
def evidence(request: HttpRequest) -> HttpResponse:
    """The quarter's differences between social-insurance contributions and the ledger, for a
    village (or the user's township or county), for cadres to act on."""
    from lnob.areas.selectors import villages_for

    villages = villages_for(user=request.user, capability=Capability.EDIT_REGISTRY)
    if not villages:
        raise _404()
    areas = [(a.code, a.name) for a in _upper_areas(request.user)] + villages
    area = _int(request.GET.get("area"), villages[0][0]) or villages[0][0]
    text = request.GET.get("quarter") or _last_quarter()
    quarter = parse_quarter(text)
    if quarter is None:
        raise _404()
    try:
        diff = insurance.differences(user=request.user, area=area, quarter=quarter)
    except NotFound:
        raise _404() from None
    return render(
        request,
        "subsidies/evidence.html",
        {
            "areas": areas,
            "area": area,
            "quarter": quarter_label(quarter),
            "quarters": _quarters(),
            "d": diff,
            "back": request.get_full_path(),
        },
    )


def _upper_areas(user: Any) -> list[Area]:
    """The townships and counties the user edits as a whole (to see them at once)."""
    return list(
        Area.objects.visible_to(user, Capability.EDIT_REGISTRY)
        .filter(level__in=[Level.COUNTY, Level.TOWNSHIP])
        .order_by("code")
    )


@login_required
def evidence_spell(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a spell from a contribution record, prefilled: employer, place from the region, wage
    from the contribution base. Saving goes through the ledger's own service and checks."""
    from lnob.employment import selectors as ledger
    from lnob.employment import services as ledger_services
    from lnob.employment.forms import SpellForm

    try:
        record = insurance.record_get(user=request.user, pk=pk)
    except NotFound:
        raise _404() from None
    person = record.person
    employers = ledger.employers_visible(request.user)
    form = SpellForm(
        request.POST or None,
        initial=insurance.spell_prefill(record),
        employers=[(e.pk, str(e)) for e in employers],
    )
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            ledger_services.spell_record(
                actor=request.user,
                person=person,
                status=cd["status"],
                start=cd["start"],
                end=cd["end"],
                channel=cd["channel"],
                location=cd["location"],
                destination=cd["destination"],
                employer=employers.filter(pk=cd["employer"]).first() if cd["employer"] else None,
                monthly_wage=cd["monthly_wage"],
                full_time=cd["full_time"],
                note=cd["note"],
                close_open=cd["close_open"],
            )
        except NotFound:
            raise _404() from None
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("已登记 {name} 的就业情况").format(name=person.name))
            return redirect(back or reverse("subsidies_evidence"))
    title = _("按社保缴费记录登记就业") + f" · {person.name}"
    return render(
        request, "web/form.html", {"form": form, "title": title}, status=422 if form.errors else 200
    )


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's social-insurance evidence and transport subsidies (sensitive: audited). As a
    fragment when asked by htmx, for the person's page to include."""
    try:
        records = insurance.person_evidence(user=request.user, person_id=pk)
    except NotFound:
        raise _404() from None
    p = Person.objects.get(pk=pk)
    names = insurance.region_names({r.region for r in records})
    for r in records:
        r.region_name = names.get(r.region, str(r.region))  # type: ignore[attr-defined]
    record_access(actor=request.user, instance=p, fields=["social_insurance"], reason="subsidies")
    claims = TransportSubsidyClaim.objects.filter(person_id=pk).select_related("rule").order_by("-year")
    template = "subsidies/_person.html" if request.headers.get("HX-Request") else "subsidies/person.html"
    return render(request, template, {"p": p, "records": records, "claims": claims})
