"""The employment dashboards: thin adapters over lnob.measures.selectors (reads of the stored
figures only) and lnob.measures.refresh (the recompute button)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.core.errors import DomainError, NotFound

from . import engine, labels, refresh, selectors

NOT_FOUND = "未找到，或不在您的管辖范围内"


def _not_found() -> Http404:
    return Http404(_(NOT_FOUND))


def _inputs(source: Any) -> tuple[int | None, Any]:
    """The area and month asked for (either may be absent); DomainError when malformed or ahead."""
    area_text = (source.get("area") or "").strip()
    month_text = (source.get("month") or "").strip()
    code = refresh.parse_area(area_text) if area_text else None
    month = refresh.parse_month(month_text) if month_text else None
    return code, month


def _board(request: HttpRequest) -> selectors.Dashboard:
    code, month = _inputs(request.GET)
    try:
        return selectors.employment_dashboard(user=request.user, code=code, month=month)
    except NotFound:
        raise _not_found() from None


@login_required
def employment(request: HttpRequest) -> HttpResponse:
    """An area's employment figures for a month: headline figures, the table and charts by child
    area, the 12-month trend, places and channels of work, and the channels' own sections."""
    try:
        board = _board(request)
    except DomainError as err:
        return render(
            request,
            "measures/employment.html",
            {
                "error": err,
                "area_text": request.GET.get("area", ""),
                "month_text": request.GET.get("month", ""),
            },
            status=400,
        )
    return render(request, "measures/employment.html", _context(board))


def _number(value: float | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind == "months":
        return f"{value:.1f}"
    if kind == "yuan":
        return f"{value:,.0f}"
    return f"{value:,.0f}"


def _figure(values: dict[str, float], key: str, population: str, kind: str) -> str:
    ratios = engine.derived(values, population)
    value = ratios[key] if key in ratios else values.get(engine.metric(key, population), 0.0)
    return _number(value, kind)


def _context(board: selectors.Dashboard) -> dict[str, Any]:
    headline = [
        {
            "key": f.key,
            "label": f.label,
            "definition": f.definition,
            "poor": _figure(board.values, f.key, "poor", f.kind),
            "all": _figure(board.values, f.key, "all", f.kind),
        }
        for f in labels.HEADLINE
    ]
    children = [
        {
            "code": c.code,
            "name": c.name,
            "in_work": _figure(c.values, "in_work", "poor", "count"),
            "labour": _figure(c.values, "labour", "poor", "count"),
            "transferred_share": _figure(c.values, "transferred_share", "poor", "share"),
            "hh_zero": _figure(c.values, "hh_zero", "poor", "count"),
            "months_per_labour": _figure(c.values, "months_per_labour", "poor", "months"),
            "average_wage": _figure(c.values, "average_wage", "poor", "yuan"),
        }
        for c in board.children
    ]
    sections = []
    for section in labels.SECTIONS:
        present = {m: v for m, v in board.values.items() if m.startswith(section.name + ".")}
        if not present:
            continue
        known = {m for m, _label in section.figures}
        sections.append(
            {
                "name": section.name,
                "title": section.title,
                # the figures the section knows, those present first in its order, then any other
                "figures": [
                    (label, _number(present[m], "count")) for m, label in section.figures if m in present
                ]
                + [(m, _number(v, "count")) for m, v in sorted(present.items()) if m not in known],
            }
        )
    known_channels = {s.name for s in labels.SECTIONS}
    other = sorted(
        {m.split(".", 1)[0] for m in board.values if not m.startswith(engine.PREFIX + ".")} - known_channels
    )
    for name in other:
        sections.append(
            {
                "name": name,
                "title": name,
                "figures": [
                    (m, _number(v, "count"))
                    for m, v in sorted(board.values.items())
                    if m.startswith(name + ".")
                ],
            }
        )
    return {
        "d": board,
        "headline": headline,
        "children": children,
        "sections": sections,
        "populations": labels.POPULATION_LABELS,
        "charts": _charts(board),
        "child_level": board.area.level + 1,
        "export_query": f"area={board.area.code}&month={board.month:%Y-%m}",
    }


def _charts(board: selectors.Dashboard) -> dict[str, Any]:
    def share(values: dict[str, float]) -> float | None:
        v = engine.derived(values, "poor")["transferred_share"]
        return None if v is None else round(v * 100, 1)

    tiers = [
        {"name": str(labels.TIER_LABELS[t]), "value": board.values.get(engine.metric(f"tier_{t}", "poor"), 0)}
        for t in labels.TIER_LABELS
    ]
    channels = [
        (str(labels.CHANNEL_LABELS[c]), board.values.get(engine.metric(f"channel_{c}", "poor"), 0))
        for c in labels.CHANNEL_LABELS
    ]
    return {
        "children": {
            "names": [c.name for c in board.children],
            "codes": [c.code for c in board.children],
            "share": [share(c.values) for c in board.children],
            "in_work": [c.values.get(engine.metric("in_work", "poor"), 0) for c in board.children],
            "zero": [c.values.get(engine.metric("hh_zero", "poor"), 0) for c in board.children],
        },
        "trend": {
            "months": [f"{m:%Y-%m}" for m, _v in board.trend],
            "in_work": [v.get(engine.metric("in_work", "poor")) for _m, v in board.trend],
            "share": [share(v) if v else None for _m, v in board.trend],
        },
        "tiers": [t for t in tiers if t["value"]],
        "channels": {"names": [n for n, v in channels if v], "values": [v for _n, v in channels if v]},
        "labels": {
            "share": _("转移就业率（%）"),
            "in_work": _("务工规模"),
            "zero": _("零就业家庭"),
        },
        "drill": reverse("measures_employment") + f"?month={board.month:%Y-%m}&area=",
    }


@login_required
@require_POST
def employment_refresh(request: HttpRequest) -> HttpResponse:
    """The recompute button: queue a refresh of the county's figures for the month."""
    try:
        code, month = _inputs(request.POST)
        if code is None or month is None:
            raise DomainError("area", "", _("请指定地区和月份"))
        refresh.figures_enqueue(actor=request.user, area_code=code, month=month)
    except NotFound:
        raise _not_found() from None
    except DomainError as err:
        return render(request, "measures/employment.html", {"error": err}, status=400)
    return redirect(reverse("measures_employment") + f"?area={code}&month={month:%Y-%m}&queued=1")


@login_required
def employment_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The dashboard's table (the area and each child, every stored figure and the ratios) as
    CSV or XLSX; the format is in docs/measures.md."""
    if fmt not in ("csv", "xlsx"):
        raise _not_found()
    try:
        board = _board(request)
    except DomainError as err:
        return render(request, "measures/employment.html", {"error": err}, status=400)
    header, rows = selectors.export_rows(board)
    name = f"employment-{board.area.code}-{board.month:%Y-%m}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 with a BOM as UTF-8
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            _xlsx(header, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("employment")
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    sheet.freeze_panes(1, 2)
    book.close()
    return buffer.getvalue()
