"""Screens for the county's employers (用工单位) and their vacancies (招聘岗位)."""

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
from lnob.registry.selectors import today

from . import selectors, services
from .forms import EmployerForm, VacancyForm
from .models import Location, Vacancy

NOT_FOUND = "未找到，或不在您的管辖范围内"


def _managed_counties(user: Any) -> list[Area]:
    codes = {
        subtree_range(lo, Level.COUNTY)[0] for lo, _hi in scope_ranges(user, Capability.MANAGE_EMPLOYMENT)
    }
    return list(Area.objects.filter(code__in=codes, level=Level.COUNTY).order_by("code"))


def _employer(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.employer_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404(_(NOT_FOUND)) from None


@login_required
def employer_list(request: HttpRequest) -> HttpResponse:
    if not scope_ranges(request.user, Capability.VIEW_REGISTRY):
        raise Http404(_(NOT_FOUND))
    q = (request.GET.get("q") or "").strip()
    page = Paginator(selectors.employer_list(user=request.user, q=q).order_by("name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "employment/employer_list.html",
        {"page": page, "q": q, "may_manage": bool(_managed_counties(request.user))},
    )


@login_required
def employer_add(request: HttpRequest) -> HttpResponse:
    counties = _managed_counties(request.user)
    if not counties:
        raise Http404(_(NOT_FOUND))
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd: dict[str, Any] = form.cleaned_data
        county = next((c for c in counties if str(c.code) == request.POST.get("county")), counties[0])
        try:
            employer = services.employer_create(actor=request.user, county=county, **cd)
        except NotFound:
            raise Http404(_(NOT_FOUND)) from None
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("employer_detail", pk=employer.pk)
    return render(request, "web/form.html", {"form": form, "title": _("登记用工单位")})


@login_required
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _employer(request, pk)
    day = today()
    workers = selectors.workers_of(user=request.user, employer=employer, day=day)
    return render(
        request,
        "employment/employer_detail.html",
        {
            "employer": employer,
            "vacancies": employer.vacancies.order_by("-status", "start", "pk"),
            "workers": workers[:200],
            "worker_count": workers.count(),
            "day": day,
            "may_manage": can(request.user, Capability.MANAGE_EMPLOYMENT, employer.county_id),
        },
    )


@login_required
def vacancy_add(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _employer(request, pk)
    if not can(request.user, Capability.MANAGE_EMPLOYMENT, employer.county_id):
        raise Http404(_(NOT_FOUND))
    form = VacancyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vacancy_create(actor=request.user, employer=employer, **form.cleaned_data)
        except NotFound:
            raise Http404(_(NOT_FOUND)) from None
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("employer_detail", pk=employer.pk)
    return render(
        request, "web/form.html", {"form": form, "title": _("发布招聘岗位") + f" · {employer.name}"}
    )


@login_required
@require_POST
def vacancy_close(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = Vacancy.objects.filter(pk=pk, employer__in=selectors.employers_visible(request.user)).first()
    if vacancy is None:
        raise Http404(_(NOT_FOUND))
    try:
        services.vacancy_close(actor=request.user, vacancy=vacancy)
    except NotFound:
        raise Http404(_(NOT_FOUND)) from None
    return redirect("employer_detail", pk=vacancy.employer_id)


@login_required
def vacancy_list(request: HttpRequest) -> HttpResponse:
    if not scope_ranges(request.user, Capability.VIEW_REGISTRY):
        raise Http404(_(NOT_FOUND))
    location = request.GET.get("location") or ""
    q = (request.GET.get("q") or "").strip()
    rows = selectors.vacancy_list(user=request.user, location=location, q=q)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "employment/vacancy_list.html",
        {"page": page, "q": q, "location": location, "locations": Location.choices},
    )


@login_required
def hub(request: HttpRequest) -> HttpResponse:
    """就业帮扶: the ledger's screens and the channels the user may open."""
    from django.urls import NoReverseMatch, reverse

    user = request.user
    links: list[tuple[str, str, str]] = []
    candidates = [
        ("employment_round", _("月度核实"), _("逐村核实劳动力的就业状态"), Capability.EDIT_REGISTRY),
        ("employer_list", _("用工单位"), _("本县用工单位名单及其招聘岗位"), Capability.VIEW_REGISTRY),
        ("vacancy_list", _("招聘岗位"), _("在招岗位：地点、工资、要求"), Capability.VIEW_REGISTRY),
        ("workshops_index", _("就业帮扶车间"), _("车间认定、监测、用工名册与补贴"), None),
        ("workstations_index", _("劳务工作站"), _("输出地工作站、务工人员、纠纷与走访"), None),
        ("fairs_index", _("招聘会"), _("招聘会、用工单位、面试与录用"), Capability.VIEW_REGISTRY),
        ("posts_index", _("公益性岗位"), _("岗位、协议、考勤与工资"), Capability.VIEW_REGISTRY),
        ("posts_attendance", _("公益性岗位考勤"), _("逐村登记本月出勤"), Capability.EDIT_REGISTRY),
        (
            "training_index",
            _("技能培训"),
            _("培训班、考勤、证书、生活补贴与雨露计划"),
            Capability.VIEW_REGISTRY,
        ),
        ("loans_index", _("创业与信贷"), _("返乡创业、创业担保贷款与小额信贷"), Capability.VIEW_REGISTRY),
        (
            "subsidies_index",
            _("交通补助与社保比对"),
            _("一次性交通补助、社保缴费比对"),
            Capability.VIEW_REGISTRY,
        ),
        (
            "measures_employment",
            _("就业统计"),
            _("务工规模、转移就业、零就业家庭等指标"),
            Capability.VIEW_REGISTRY,
        ),
        ("register_index", _("台账导入导出"), _("各类台账的文件导入与导出"), None),
    ]
    for name, label, note, capability in candidates:
        if capability is not None and not scope_ranges(user, capability):
            continue
        try:
            links.append((reverse(name), str(label), str(note)))
        except NoReverseMatch:  # a channel not installed
            continue
    return render(request, "employment/hub.html", {"links": links})
