"""Monitoring policy screens: the versions that apply in the user's areas with the values in force
today and their sources; county administrators add versions for their county and switch them on."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.areas.codes import Level
from lnob.areas.roles import Capability
from lnob.areas.scoping import covers, scope_ranges
from lnob.areas.selectors import assigned_areas
from lnob.core.errors import DomainError, NotFound
from lnob.registry.selectors import today

from . import services
from .forms import PolicyForm
from .models import CaseState, PolicyVersion
from .policy import FIELDS, policy_for


def _regions(user: object) -> list[tuple[int, str]]:
    """Counties (and broader regions) the user manages as a whole."""
    return [
        (a.code, a.name)
        for a in assigned_areas(user=user)
        if a.level <= Level.COUNTY and covers(user, Capability.MANAGE_AREAS, a.code, Level(a.level))
    ]


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    if not scope_ranges(request.user):
        raise Http404(_("未找到，或不在您的管辖范围内"))
    day = today()
    in_force = [
        (area, [(name, policy_for(area.code, day).settings.get(name)) for name in FIELDS])
        for area in assigned_areas(user=request.user)
    ]
    return render(
        request,
        "monitoring/policy.html",
        {
            "versions": services.policies_visible(request.user),
            "in_force": in_force,
            "labels": {
                name: getattr(PolicyVersion._meta.get_field(name), "verbose_name", name) for name in FIELDS
            },
            "regions": _regions(request.user),
            "day": day,
        },
    )


@login_required
def policy_create(request: HttpRequest) -> HttpResponse:
    regions = _regions(request.user)
    if not regions:
        raise Http404(_("未找到，或不在您的管辖范围内"))
    form = PolicyForm(request.POST or None, regions=regions, initial={"effective_from": today()})
    if request.method == "POST" and form.is_valid():
        cd = dict(form.cleaned_data)
        try:
            services.policy_create(
                actor=request.user,
                area_code=cd.pop("area_code"),
                effective_from=cd.pop("effective_from"),
                name=cd.pop("name"),
                activate=cd.pop("activate"),
                **{k: (v if v not in ("",) else None) for k, v in cd.items()},
            )
        except NotFound:
            raise Http404(_("未找到，或不在您的管辖范围内")) from None
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("policy_list")
    return render(request, "web/form.html", {"form": form, "title": _("新的监测政策版本")})


@login_required
@require_POST
def policy_activate(request: HttpRequest, pk: int) -> HttpResponse:
    version = PolicyVersion.objects.filter(pk=pk).first()
    if version is None or version not in services.policies_visible(request.user):
        raise Http404(_("未找到，或不在您的管辖范围内"))
    try:
        services.policy_activate(actor=request.user, version=version)
    except NotFound:
        raise Http404(_("未找到，或不在您的管辖范围内")) from None
    except DomainError:
        pass  # already active or retired: the list shows its state
    return redirect("policy_list")


# -- sweeps -------------------------------------------------------------------------------------


def _not_found() -> Http404:
    return Http404(_("未找到，或不在您的管辖范围内"))


def _sweep_counties(user: object) -> list[tuple[int, str]]:
    """Counties the user may sweep (the whole county in their scope)."""
    return [
        (a.code, a.name)
        for a in assigned_areas(user=user)
        if a.level == Level.COUNTY and covers(user, Capability.RUN_SWEEP, a.code, Level.COUNTY)
    ]


@login_required
def sweep_list(request: HttpRequest) -> HttpResponse:
    from .forms import SweepForm
    from .selectors import sweeps_visible
    from .sweeps import sweep_create

    if not scope_ranges(request.user):
        raise _not_found()
    counties = _sweep_counties(request.user)
    form = SweepForm(request.POST or None, counties=counties, initial={"as_of": _last_month_end()})
    if request.method == "POST":
        if not counties:
            raise _not_found()
        if form.is_valid():
            try:
                sweep = sweep_create(
                    actor=request.user,
                    county_code=form.cleaned_data["county"],
                    as_of=form.cleaned_data["as_of"],
                    trigger="button",
                )
            except NotFound:
                raise _not_found() from None
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect("sweep_detail", pk=sweep.pk)
    sweeps = sweeps_visible(request.user).filter(kind="sweep")[:50]
    return render(request, "monitoring/sweeps.html", {"sweeps": sweeps, "form": form if counties else None})


def _last_month_end() -> object:
    import datetime as dt

    return today().replace(day=1) - dt.timedelta(days=1)


@login_required
def sweep_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from . import selectors
    from .sweeps import progress_of

    try:
        sweep = selectors.sweep_get(user=request.user, pk=pk)
    except NotFound:
        raise _not_found() from None
    running = sweep.status in ("queued", "running")
    if request.headers.get("HX-Request") and request.GET.get("part") == "progress":
        if not running:
            response = HttpResponse("")
            response["HX-Refresh"] = "true"
            return response
        return render(request, "monitoring/_sweep_progress.html", {"sweep": sweep, "p": progress_of(sweep)})
    rule = request.GET.get("rule", "")
    village = request.GET.get("village")
    context: dict[str, object] = {"sweep": sweep, "running": running, "p": progress_of(sweep), "rule": rule}
    if sweep.status == "done":
        names = selectors.rule_names(sweep)
        hits = selectors.sweep_hits(
            user=request.user,
            sweep=sweep,
            rule=rule,
            village=int(village) if village and village.isdigit() else None,
        )
        context.update(
            rules=[(code, names.get(code, {}), n) for code, n in sweep.counts.get("by_rule", {}).items()],
            rows=selectors.hit_rows(sweep, hits, user=request.user),
            total=hits.values("household_id").distinct().count(),
            villages=selectors.sweep_by_village(user=request.user, sweep=sweep),
            params={
                str(getattr(PolicyVersion._meta.get_field(name), "verbose_name", name)): value
                for name, value in sweep.policy.get("sources", {}).items()
            },
            skipped=sweep.policy.get("skipped", []),
        )
        if sweep.kind == "what_if":
            changes = selectors.what_if_changes(user=request.user, sweep=sweep)
            from lnob.registry.models import Household

            numbers = dict(
                Household.objects.filter(pk__in=changes["added"] + changes["dropped"]).values_list(
                    "pk", "number"
                )
            )
            context["added"] = [numbers[i] for i in changes["added"] if i in numbers]
            context["dropped"] = [numbers[i] for i in changes["dropped"] if i in numbers]
    return render(request, "monitoring/sweep_detail.html", context)


# -- leads --------------------------------------------------------------------------------------


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    from django.core.paginator import Paginator
    from django.db.models import Count

    from .models import Signal
    from .selectors import leads_visible

    if not scope_ranges(request.user):
        raise _not_found()
    status = request.GET.get("status", "open")
    leads = leads_visible(request.user).filter(status=status)
    village = request.GET.get("village", "")
    if village.isdigit():
        leads = leads.filter(village_id=int(village))
    leads = leads.order_by("-severity", "opened_at", "pk")
    page = Paginator(leads, 50).get_page(request.GET.get("page"))
    # evidence counted for the page's leads only, not for every lead in the county
    counts = {
        row["lead"]: row["n"]
        for row in Signal.objects.filter(lead__in=list(page)).values("lead").annotate(n=Count("pk"))
    }
    for lead in page:
        lead.n = counts.get(lead.pk, 0)  # type: ignore[attr-defined]
    return render(request, "monitoring/leads.html", {"page": page, "status": status, "village": village})


# -- rules and what-if ----------------------------------------------------------------------------


def _version_for(request: HttpRequest, pk: int) -> PolicyVersion:
    version = PolicyVersion.objects.filter(pk=pk).first()
    if version is None or version not in services.policies_visible(request.user):
        raise _not_found()
    return version


@login_required
def policy_rules(request: HttpRequest, pk: int) -> HttpResponse:
    from .models import Rule
    from .policy import rules_for

    version = _version_for(request, pk)
    managed = version.area_code in {code for code, _name in _regions(request.user)}
    counties = _sweep_counties(request.user)
    in_force = []
    if counties:
        in_force = rules_for(counties[0][0], today(), version if version.status == "draft" else None)
    return render(
        request,
        "monitoring/rules.html",
        {
            "version": version,
            "rules": Rule.objects.filter(policy=version).select_related("category"),
            "in_force": in_force,
            "county": counties[0] if counties else None,
            "editable": managed and version.status == "draft",
            "can_try": bool(counties) and version.status == "draft",
        },
    )


@login_required
def rule_edit(request: HttpRequest, pk: int, code: str = "") -> HttpResponse:
    from .forms import RuleForm
    from .models import Rule

    version = _version_for(request, pk)
    if version.area_code not in {c for c, _n in _regions(request.user)} or version.status != "draft":
        raise _not_found()
    existing = Rule.objects.filter(policy=version, code=code).first() if code else None
    if code and existing is None:
        raise _not_found()
    initial = {}
    if existing is not None:
        initial = {f: getattr(existing, f) for f in RuleForm.base_fields if hasattr(existing, f)}
        initial["category"] = existing.category_id or ""
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = dict(form.cleaned_data)
        try:
            services.rule_save(actor=request.user, policy=version, code=cd.pop("code"), **cd)
        except NotFound:
            raise _not_found() from None
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("policy_rules", pk=version.pk)
    title = _("修改规则 {code}").format(code=code) if code else _("新增规则")
    return render(request, "web/form.html", {"form": form, "title": f"{version.name} · {title}"})


@login_required
@require_POST
def policy_what_if(request: HttpRequest, pk: int) -> HttpResponse:
    from .sweeps import sweep_create

    version = _version_for(request, pk)
    counties = _sweep_counties(request.user)
    given = request.POST.get("county", "")
    code = int(given) if given.isdigit() else (counties[0][0] if counties else 0)
    if code not in {c for c, _n in counties}:
        raise _not_found()
    try:
        sweep = sweep_create(
            actor=request.user, county_code=code, as_of=today(), trigger="button", draft=version
        )
    except NotFound:
        raise _not_found() from None
    except DomainError as err:
        from django.contrib import messages

        messages.error(request, err.message)
        return redirect("policy_rules", pk=version.pk)
    return redirect("sweep_detail", pk=sweep.pk)


# -- leads and cases ----------------------------------------------------------------------------


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from lnob.areas.scoping import can

    from . import cases, selectors
    from .forms import LeadAcceptForm, LeadDismissForm

    try:
        lead = selectors.lead_get(user=request.user, pk=pk)
    except NotFound:
        raise _not_found() from None
    accept = LeadAcceptForm(request.POST if request.POST.get("do") == "accept" else None)
    dismiss = LeadDismissForm(request.POST if request.POST.get("do") == "dismiss" else None)
    if request.method == "POST":
        try:
            if request.POST.get("do") == "accept" and accept.is_valid():
                case = cases.lead_accept(actor=request.user, lead=lead, **accept.cleaned_data)
                return redirect("case_detail", pk=case.pk)
            if request.POST.get("do") == "dismiss" and dismiss.is_valid():
                cases.lead_dismiss(actor=request.user, lead=lead, reason=dismiss.cleaned_data["reason"])
                return redirect("lead_list")
        except NotFound:
            raise _not_found() from None
        except DomainError as err:
            (accept if request.POST.get("do") == "accept" else dismiss).add_domain_error(err)
    return render(
        request,
        "monitoring/lead_detail.html",
        {
            "lead": lead,
            "signals": selectors.signals_for(lead, user=request.user),
            "accept": accept,
            "dismiss": dismiss,
            "can_act": lead.status == "open" and can(request.user, Capability.CASE_VILLAGE, lead.village_id),
            "case": lead.cases.order_by("-pk").first(),
        },
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    from . import cases, selectors

    if not scope_ranges(request.user):
        raise _not_found()
    mine = request.GET.get("mine") == "1"
    overdue = request.GET.get("overdue") == "1"
    state = request.GET.get("state", "")
    rows = selectors.worklist(user=request.user, mine=mine, overdue=overdue, state=state)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    day = today()
    return render(
        request,
        "monitoring/cases.html",
        {
            "page": page,
            "mine": mine,
            "overdue": overdue,
            "state": state,
            "late": {c.pk for c in page if cases.is_overdue(c, day)},
            "states": CaseState.choices,
        },
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from . import cases, selectors
    from .forms import AssignForm, StepForm

    try:
        case = selectors.case_get(user=request.user, pk=pk)
    except NotFound:
        raise _not_found() from None
    actions = cases.actions_for(request.user, case)
    form = None
    if request.method == "POST" and request.POST.get("do") == "step":
        form = StepForm(request.POST, actions=actions, case=case)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                cases.case_step(
                    actor=request.user,
                    case=case,
                    action=data.pop("action"),
                    comment=data.pop("comment"),
                    expected_state=data.pop("expected_state"),
                    **{k: v for k, v in data.items() if v not in (None, "", [])},
                )
            except NotFound:
                raise _not_found() from None
            except DomainError as err:
                form.add_domain_error(err)
            else:
                return redirect("case_detail", pk=case.pk)
    from lnob.areas.scoping import can

    may_assign = not case.final and (
        can(request.user, Capability.CASE_TOWNSHIP, case.village_id)
        or can(request.user, Capability.CASE_COUNTY, case.village_id)
    )
    assign = (
        AssignForm(request.POST if request.POST.get("do") == "assign" else None, case=case)
        if may_assign
        else None
    )
    if (
        assign is not None
        and request.method == "POST"
        and request.POST.get("do") == "assign"
        and assign.is_valid()
    ):
        try:
            cases.case_assign(
                actor=request.user,
                case=case,
                assignee=assign.cleaned_data["assignee"],
                comment=assign.cleaned_data["comment"],
            )
        except NotFound:
            raise _not_found() from None
        except DomainError as err:
            assign.add_domain_error(err)
        else:
            return redirect("case_detail", pk=case.pk)
    from lnob.areas.scoping import can

    from .forms import MeasureForm

    measure_form = MeasureForm(request.POST if request.POST.get("do") == "measure" else None)
    if request.method == "POST" and request.POST.get("do") == "measure" and measure_form.is_valid():
        try:
            cases.measure_add(actor=request.user, case=case, **measure_form.cleaned_data)
        except NotFound:
            raise _not_found() from None
        except DomainError as err:
            measure_form.add_domain_error(err)
        else:
            return redirect("case_detail", pk=case.pk)
    if request.method == "POST" and request.POST.get("do") == "measure_status":
        from .models import Measure

        given = request.POST.get("measure", "")
        measure = Measure.objects.filter(case=case, pk=int(given)).first() if given.isdigit() else None
        if measure is None:
            raise _not_found()
        try:
            cases.measure_status(actor=request.user, measure=measure, status=request.POST.get("status", ""))
        except NotFound:
            raise _not_found() from None
        except DomainError as err:
            from django.contrib import messages

            messages.error(request, err.message)
        return redirect("case_detail", pk=case.pk)
    if request.method == "POST" and request.POST.get("do") == "measure_link":
        from . import links
        from .models import Measure

        given = request.POST.get("measure", "")
        measure = Measure.objects.filter(case=case, pk=int(given)).first() if given.isdigit() else None
        if measure is None:
            raise _not_found()
        try:
            links.measure_link(actor=request.user, measure=measure, key=request.POST.get("link", ""))
        except NotFound:
            raise _not_found() from None
        except DomainError as err:
            from django.contrib import messages

            messages.error(request, err.message)
        return redirect("case_detail", pk=case.pk)
    may_plan = (
        can(request.user, Capability.CASE_VILLAGE, case.village_id)
        or can(request.user, Capability.CASE_COUNTY, case.village_id)
    ) and (case.state == "approved" or (case.fast_track and not case.final))
    return render(
        request,
        "monitoring/case_detail.html",
        {
            "case": case,
            "events": case.events.select_related("actor"),
            "forms": [
                (
                    a,
                    cases.ACTION_NAMES[a],
                    form
                    if form is not None and form.data.get("action") == a
                    else StepForm(actions=actions, case=case, initial={"action": a}),
                )
                for a in actions
            ],
            "assign": assign,
            # a step no longer on offer (the case moved on): its refusal shows above the forms
            "step_error": (
                form.non_field_errors()
                if form is not None and form.data.get("action") not in actions
                else None
            ),
            "overdue": cases.is_overdue(case),
            "signals": selectors.signals_for(case.lead, user=request.user)[:20] if case.lead else [],
            "measures": _measures_with_links(case, may_plan, request.user),
            "measure_form": measure_form if may_plan else None,
            "may_plan": may_plan,
            "flow": cases.MEASURE_FLOW,
        },
    )


@login_required
def case_notice(request: HttpRequest, pk: int) -> HttpResponse:
    from lnob.exchange.notice import village_notice

    from . import selectors

    try:
        case = selectors.case_get(user=request.user, pk=pk)
        if case.notice_start is None or case.notice_end is None:
            raise NotFound()
        title = (
            _("{village}拟纳入防止返贫监测对象公示")
            if case.kind == "identification"
            else _("{village}拟风险消除对象公示")
        ).format(village=case.village.name)
        body = village_notice(
            user=request.user,
            village=case.village_id,
            households=[case.household.number],
            title=title,
            start=case.notice_start,
            days=max((case.notice_end - case.notice_start).days + 1, 5),
        )
    except (NotFound, DomainError):
        raise _not_found() from None
    return HttpResponse(body, content_type="text/html; charset=utf-8")


@login_required
def household_report(request: HttpRequest, number: str) -> HttpResponse:
    """A cadre records a household's own report, or their own finding: evidence on its lead."""
    from lnob.registry.models import Household

    from . import cases
    from .forms import ReportForm

    household = Household.objects.visible_to(request.user).filter(number=number).first()
    if household is None:
        raise _not_found()
    form = ReportForm(request.POST or None, initial={"observed_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            signal = cases.report_risk(actor=request.user, household=household, **form.cleaned_data)
        except NotFound:
            raise _not_found() from None
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("lead_detail", pk=signal.lead_id)
    return render(
        request, "web/form.html", {"form": form, "title": _("登记风险线索"), "household": household}
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    from . import selectors

    if not scope_ranges(request.user):
        raise _not_found()
    data = selectors.dashboard(user=request.user)
    charts = {
        "category": [{"name": r["name"], "value": r["n"]} for r in data["by_category"]],
        "risk": {"names": [r["name"] for r in data["by_risk"]], "values": [r["n"] for r in data["by_risk"]]},
        "rule": {"names": [r["name"] for r in data["by_rule"]], "values": [r["n"] for r in data["by_rule"]]},
        "village": {
            "names": [r["name"] for r in data["by_village"]],
            "values": [r["n"] for r in data["by_village"]],
        },
        "trend": data["trend"],
        "labels": {
            "leads": _("新线索"),
            "approved": _("新纳入监测"),
            "households": _("户数"),
        },
    }
    return render(request, "monitoring/dashboard.html", {"d": data, "charts": charts})


@login_required
def household_elimination(request: HttpRequest, number: str) -> HttpResponse:
    """The conditions of risk elimination for a monitored household, each with its figures; a
    village cadre proposes it when they all hold."""
    from lnob.areas.scoping import can
    from lnob.registry.models import Household

    from . import elimination
    from .forms import LeadDismissForm

    household = (
        Household.objects.visible_to(request.user).select_related("village").filter(number=number).first()
    )
    if household is None:
        raise _not_found()
    form = LeadDismissForm(request.POST or None)  # one text field: the comment
    form.fields["reason"].label = _("意见")
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            proposal = elimination.elimination_propose(
                actor=request.user, household=household, comment=form.cleaned_data["reason"]
            )
        except NotFound:
            raise _not_found() from None
        except DomainError as err:
            error = err.message
        else:
            return redirect("case_detail", pk=proposal.pk)
    checks = elimination.conditions(household)
    status, case = elimination.household_status(household)
    return render(
        request,
        "monitoring/elimination.html",
        {
            "household": household,
            "checks": checks,
            "status": status,
            "case": case,
            "all_ok": all(c.ok for c in checks),
            "can_propose": can(request.user, Capability.CASE_VILLAGE, household.village_id),
            "form": form,
            "error": error,
        },
    )


def _measures_with_links(case: Any, may_plan: bool, user: Any) -> list[Any]:
    """The plan's measures, each with what it is linked to and, for a planner, what it may be."""
    from . import links

    measures = list(case.measures.select_related("link_type"))
    for m in measures:
        m.link_text = links.describe(m)
        m.link_choices = links.candidates(m, user) if may_plan and not m.link_text else []
    return measures
