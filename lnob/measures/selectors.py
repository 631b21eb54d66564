"""Reads of the pre-aggregated figures, scoped: a user sees the figures of an area only when all
of it lies in their registry scope (a village cadre their village, a township officer their
township and its villages). Another area is NotFound, like a missing one.

A dashboard is a handful of queries whatever the county's size: the area and its children, the
stored rows (the area's last 12 months and its children's month, in one query), the run that
computed them, the rule in force, and for users who may recompute, whether a recompute is queued.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from lnob.areas.codes import Level, level_of, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import covers, scope_ranges
from lnob.core.errors import DomainError, NotFound

from . import engine
from .models import AreaFigure, FigureRun
from .refresh import as_of_for, may_refresh, pending

TREND_MONTHS = 12


@dataclass
class Child:
    code: int
    name: str
    values: dict[str, float]

    def derived(self, population: str = "poor") -> dict[str, float | None]:
        return engine.derived(self.values, population)


@dataclass
class Dashboard:
    area: Area
    month: dt.date
    as_of: dt.date
    values: dict[str, float]  # the area's figures for the month
    trend: list[tuple[dt.date, dict[str, float]]]  # oldest first, the month last
    children: list[Child]
    ancestors: list[Area]  # the areas above it the user may see, broadest first
    run: FigureRun | None  # the refresh that computed the month's figures
    can_refresh: bool
    queued: Any = None  # the refresh task queued or running, if any
    rule: Any = None  # the zero-employment rule in force (lnob.employment.policy.Rule)
    extra: dict[str, Any] = field(default_factory=dict)

    def derived(self, population: str = "poor") -> dict[str, float | None]:
        return engine.derived(self.values, population)

    @property
    def empty(self) -> bool:
        return not self.values


def home_area(user: Any) -> int:
    """The broadest area the user sees (their first), for a dashboard opened without one."""
    ranges = scope_ranges(user, Capability.VIEW_REGISTRY)
    if not ranges:
        raise NotFound()
    return ranges[0][0]


def visible_area(*, user: Any, code: int) -> Area:
    """The area, when all of it is in the user's scope; NotFound otherwise (or when unknown)."""
    try:
        level = level_of(code)
    except ValueError:
        raise NotFound(code) from None
    if not covers(user, Capability.VIEW_REGISTRY, code, level):
        raise NotFound(code)
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise NotFound(code)
    return area


def latest_month(code: int) -> dt.date | None:
    return AreaFigure.objects.filter(area_code=code).aggregate(m=Max("month"))["m"]


def _months(month: dt.date, n: int) -> list[dt.date]:
    out = [month]
    while len(out) < n:
        out.append((out[-1] - dt.timedelta(days=1)).replace(day=1))
    return out[::-1]


def employment_dashboard(*, user: Any, code: int | None = None, month: dt.date | None = None) -> Dashboard:
    """The employment dashboard of an area for a month (default: the user's broadest area, its
    latest month with figures, else the current month). Reads only stored figures."""
    from lnob.employment.policy import rule_for

    from .policy import ZERO_EMPLOYMENT

    area = visible_area(user=user, code=home_area(user) if code is None else code)
    if month is None:
        month = latest_month(area.code) or timezone.localdate().replace(day=1)
    months = _months(month, TREND_MONTHS)
    children = {c: n for c, n in Area.objects.filter(parent_id=area.code).values_list("code", "name")}
    rows = AreaFigure.objects.filter(
        Q(area_code=area.code, month__gte=months[0], month__lte=month) | Q(parent_code=area.code, month=month)
    ).values_list("area_code", "month", "metric", "value")
    by_month: dict[dt.date, dict[str, float]] = {m: {} for m in months}
    by_child: dict[int, dict[str, float]] = {}
    for code_, m, metric, value in rows:
        if code_ == area.code:
            by_month[m][metric] = value
        else:
            by_child.setdefault(code_, {})[metric] = value
    county = subtree_range(area.code, Level.COUNTY)[0] if area.level >= Level.COUNTY else None
    run = (
        FigureRun.objects.filter(county_code=county, month=month, status=FigureRun.Status.DONE)
        .order_by("-finished_at", "-pk")
        .first()
        if county is not None
        else None
    )
    refresh = county is not None and may_refresh(user, county)
    try:
        rule = rule_for(ZERO_EMPLOYMENT, area.code, as_of_for(month))
    except DomainError:  # no rule set: the schema's default is used, and the screen says so
        rule = None
    return Dashboard(
        area=area,
        month=month,
        as_of=run.as_of if run is not None else as_of_for(month),
        values=by_month[month],
        trend=[(m, by_month[m]) for m in months],
        children=[Child(c, children.get(c, str(c)), v) for c, v in sorted(by_child.items())]
        + [Child(c, n, {}) for c, n in sorted(children.items()) if c not in by_child],
        ancestors=_ancestors(user, area),
        run=run,
        can_refresh=refresh,
        queued=pending(county, month) if refresh and county is not None else None,
        rule=rule,
    )


def _ancestors(user: Any, area: Area) -> list[Area]:
    codes = [
        subtree_range(area.code, level)[0]
        for level in (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP)
        if level < area.level
    ]
    codes = [c for c in codes if c != area.code and covers(user, Capability.VIEW_REGISTRY, c, level_of(c))]
    if not codes:
        return []
    return list(Area.objects.filter(code__in=codes).order_by("level"))


def export_rows(board: Dashboard) -> tuple[list[str], list[list[Any]]]:
    """The dashboard's table for export: the area first, then each child; every stored metric as a
    column (additive), then the derived ratios of both populations."""
    metrics = sorted({m for m in board.values} | {m for c in board.children for m in c.values})
    derived_names = [f"{k}.{p}" for p in engine.POPULATIONS for k in engine.derived({}, p)]
    header = [
        "area_code",
        "area_name",
        "level",
        "month",
        "as_of",
        *metrics,
        *(f"derived.{d}" for d in derived_names),
    ]
    out = []
    for code, name, level, values in [
        (board.area.code, board.area.name, board.area.level, board.values),
        *((c.code, c.name, board.area.level + 1, c.values) for c in board.children),
    ]:
        ratios = {f"{k}.{p}": v for p in engine.POPULATIONS for k, v in engine.derived(values, p).items()}
        out.append(
            [
                str(code),
                name,
                level,
                f"{board.month:%Y-%m}",
                board.as_of.isoformat(),
                *(values.get(m, 0.0) for m in metrics),
                *(None if ratios[d] is None else round(ratios[d], 6) for d in derived_names),  # type: ignore[arg-type]
            ]
        )
    return header, out
