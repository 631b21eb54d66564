"""Monitoring policy screens: the versions that apply in the user's areas with the values in force
today and their sources; county administrators add versions for their county and switch them on."""

from __future__ import annotations

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
from .models import PolicyVersion
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
