from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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
            )
        except NotFound:
            raise Http404(_("未找到，或不在您的管辖范围内")) from None
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect(f"/persons/{person.pk}/#spells")
    return render(request, "web/form.html", {"form": form, "title": _("登记就业情况") + f" · {person.name}"})
