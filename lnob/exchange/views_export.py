"""Downloads: the household list as XLSX/CSV, the import templates, and the village public notice.

Thin adapters like lnob.web.views: parse the request, call export/notice, answer with a file.
Anything outside the user's areas, an unknown table or an unknown format answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lnob.areas import selectors as area_selectors
from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges
from lnob.core.errors import DomainError, NotFound
from lnob.registry import selectors
from lnob.web.views import _bool, _date, _int

from . import export, notice, services
from .schema import TABLES
from .templates_xlsx import template_xlsx

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def _download(data: bytes, fmt: str, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def household_filters(g: QueryDict) -> dict[str, Any]:
    """The household list's filters, read exactly as lnob.web.views.household_list reads them."""
    area = g.get("area", "")
    return {
        "q": g.get("q", ""),
        "area": _int(area),
        "status": g.get("status", ""),
        "housing_safe": _bool(g.get("housing_safe")),
        "water_safe": _bool(g.get("water_safe")),
        "as_of": _date(g.get("as_of")),
    }


def _has_areas(request: HttpRequest) -> None:
    """Templates are for anyone assigned to an area, whatever the role: department data officers
    supply feeds without seeing the registry."""
    if not request.user.assignments.exists():  # type: ignore[union-attr]
        raise Http404(_("未找到，或不在您的管辖范围内"))


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _has_areas(request)
    tables = [
        {
            "table": t,
            "required": [c for c in t.columns if c.required],
            "optional": [c for c in t.columns if not c.required],
        }
        for t in TABLES.values()
    ]
    villages = area_selectors.villages_for(user=request.user, capability=Capability.EDIT_REGISTRY)
    return render(
        request,
        "exchange/index.html",
        {
            "tables": tables,
            "villages": villages,
            "can_export": bool(scope_ranges(request.user, Capability.VIEW_REGISTRY)),
            "can_export_spells": export.may_export_sensitive(request.user),
            "can_import": bool(services.import_ranges(request.user)),
            "alerts_only": not scope_ranges(request.user, Capability.EDIT_REGISTRY),
            "today": selectors.today(),
            "min_days": notice.MIN_DAYS,
        },
    )


@login_required
@require_GET
def households(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in export.FORMATS:
        raise Http404(fmt)
    try:
        data, filename = export.export_households(
            user=request.user, filters=household_filters(request.GET), fmt=fmt
        )
    except NotFound:
        raise Http404(_("未找到，或不在您的管辖范围内")) from None
    return _download(data, fmt, filename)


@login_required
@require_GET
def spells(request: HttpRequest, fmt: str) -> HttpResponse:
    """The employment ledger of the user's areas, in the exchange format."""
    try:
        data, filename = export.export_spells(user=request.user, fmt=fmt)
    except NotFound:
        raise Http404(_("未找到，或不在您的管辖范围内")) from None
    return _download(data, fmt, filename)


@login_required
@require_GET
def template(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    _has_areas(request)
    if fmt != "xlsx" or table not in TABLES:
        raise Http404(table)
    t = TABLES[table]
    return _download(template_xlsx(t), fmt, f"{t.zh}-{t.name}-{_('导入模板')}.xlsx")


@login_required
@require_GET
def village_notice(request: HttpRequest, code: int, fmt: str) -> HttpResponse:
    """?start=YYYY-MM-DD&days=N&title=…&households=NUMBER,NUMBER (households may repeat)."""
    g = request.GET
    if fmt not in notice.NOTICE_FORMATS:
        raise Http404(fmt)
    numbers = [
        n for value in g.getlist("households") for n in value.replace("，", ",").split(",") if n.strip()
    ]
    days = _int(g.get("days")) or notice.MIN_DAYS
    try:
        data = notice.village_notice(
            user=request.user,
            village=code,
            households=numbers or None,
            title=g.get("title", "")[:100],
            fmt=fmt,
            start=_date(g.get("start")),
            days=min(days, 366),
        )
    except NotFound:
        raise Http404(_("未找到，或不在您的管辖范围内")) from None
    except DomainError as err:
        return HttpResponse(str(err.message), status=400, content_type="text/plain; charset=utf-8")
    filename = f"{_('公示')}-{code:012d}.{fmt}"
    return _download(data, fmt, filename, inline=fmt == "html")
