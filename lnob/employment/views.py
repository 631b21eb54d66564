from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.core.errors import DomainError, NotFound
from lnob.registry.models import Person

from . import selectors, services
from .forms import SpellForm


@login_required
def spell_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a spell of work (or of none) for a person, from the person's page."""
    person = Person.objects.visible_to(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404(_("未找到，或不在您的管辖范围内"))
    employers = selectors.employers_visible(request.user)
    form = SpellForm(request.POST or None, employers=[(e.pk, str(e)) for e in employers])
    if request.method == "POST" and form.is_valid():
        cd: dict[str, Any] = form.cleaned_data
        try:
            services.spell_record(
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
            raise Http404(_("未找到，或不在您的管辖范围内")) from None
        except DomainError as err:
            form.add_domain_error(err)
        else:
            back = request.GET.get("next", "")
            if back.startswith("/employment/round/"):  # from the monthly round: checked, and back to it
                from urllib.parse import parse_qs, urlsplit

                month = _month(parse_qs(urlsplit(back).query).get("month", [""])[0])
                # a spell starting after the round's day leaves nothing to confirm yet
                with contextlib.suppress(DomainError):
                    services.round_confirm(actor=request.user, person=person, month=month)
                return redirect(back)
            return redirect(f"/persons/{person.pk}/#spells")
    return render(request, "web/form.html", {"form": form, "title": _("登记就业情况") + f" · {person.name}"})


def _month(text: str | None) -> dt.date:
    from lnob.registry.selectors import today

    try:
        return dt.datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return today().replace(day=1)


ROUND_PAGE = 100


@login_required
def round_village(request: HttpRequest) -> HttpResponse:
    """The monthly round (月度动态更新) of one village, made for a phone: each working-age member
    with the status the ledger shows; one tap confirms it unchanged, a change is recorded as a
    spell."""
    from lnob.areas.roles import Capability
    from lnob.areas.selectors import villages_for

    villages = villages_for(user=request.user, capability=Capability.EDIT_REGISTRY)
    if not villages:
        raise Http404(_("未找到，或不在您的管辖范围内"))
    try:
        village = int(request.GET.get("village") or villages[0][0])
    except ValueError:
        raise Http404(_("未找到，或不在您的管辖范围内")) from None
    month = _month(request.GET.get("month"))
    try:
        rows = selectors.round_rows(user=request.user, village=village, month=month)
    except NotFound:
        raise Http404(_("未找到，或不在您的管辖范围内")) from None
    done = sum(1 for r in rows if r.confirmed)
    todo = request.GET.get("todo") == "1"
    q = (request.GET.get("q") or "").strip()
    shown = [r for r in rows if not r.confirmed] if todo else rows
    if q:
        shown = [r for r in shown if q in r.name or q in r.household_number]
    # a page a phone shows at once: a village of thousands is walked household by household
    page = Paginator(shown, ROUND_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "employment/round.html",
        {
            "villages": villages,
            "village": village,
            "month": month,
            "rows": page.object_list,
            "page": page,
            "q": q,
            "total": len(rows),
            "done": done,
            "todo": todo,
        },
    )


@login_required
@require_POST
def round_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: the person's status is unchanged this month. Answers the row, for htmx to swap."""
    person = Person.objects.visible_to(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404(_("未找到，或不在您的管辖范围内"))
    month = _month(request.POST.get("month"))
    error = ""
    try:
        services.round_confirm(actor=request.user, person=person, month=month)
    except NotFound:
        raise Http404(_("未找到，或不在您的管辖范围内")) from None
    except DomainError as err:
        error = str(err.message)
    village = int(request.POST.get("village") or 0)
    try:
        rows = selectors.round_rows(user=request.user, village=village, month=month, person=person.pk)
    except NotFound:
        raise Http404(_("未找到，或不在您的管辖范围内")) from None
    row = rows[0] if rows else None
    if row is None:
        raise Http404(_("未找到，或不在您的管辖范围内"))
    return render(
        request, "employment/_round_row.html", {"r": row, "month": month, "village": village, "error": error}
    )
