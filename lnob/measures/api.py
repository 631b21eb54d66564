"""Employment figures over the API (mounted at /api/v1/measures): the same stored figures and
scoping as the dashboards. 404 for an area outside the caller's scope (or unknown), 422 with the
field and the reason for a malformed area or month, or a month ahead of the current one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from . import engine, refresh, selectors

router = Router(tags=["measures"])


class AreaOut(Schema):
    code: int
    name: str
    level: int


class ChildOut(Schema):
    code: int
    name: str
    figures: dict[str, float]
    derived: dict[str, float | None]


class MonthOut(Schema):
    month: str
    figures: dict[str, float]


class RunOut(Schema):
    id: int
    as_of: dt.date
    finished_at: dt.datetime | None
    seconds: float
    rows: int


class EmploymentOut(Schema):
    area: AreaOut
    month: str
    as_of: dt.date
    computed: RunOut | None
    figures: dict[str, float]  # additive, as stored: "emp.<figure>.<population>", "<channel>.<name>"
    derived: dict[str, float | None]  # ratios and averages, "<name>.<population>"
    children: list[ChildOut]
    trend: list[MonthOut]


class RefreshIn(Schema):
    area: str
    month: str


class RefreshOut(Schema):
    task: int
    status: str


def _derived(values: dict[str, float]) -> dict[str, float | None]:
    return {f"{k}.{p}": v for p in engine.POPULATIONS for k, v in engine.derived(values, p).items()}


@router.get("/employment", response=EmploymentOut)
def employment(request: HttpRequest, area: str = "", month: str = "") -> Any:
    """An area's figures for a month (default: the caller's broadest area, its latest month), its
    children's, and the area's last 12 months."""
    code = refresh.parse_area(area) if area else None
    chosen = refresh.parse_month(month) if month else None
    board = selectors.employment_dashboard(user=request.user, code=code, month=chosen)
    run = board.run
    return {
        "area": {"code": board.area.code, "name": board.area.name, "level": board.area.level},
        "month": f"{board.month:%Y-%m}",
        "as_of": board.as_of,
        "computed": None
        if run is None
        else {
            "id": run.pk,
            "as_of": run.as_of,
            "finished_at": run.finished_at,
            "seconds": run.seconds,
            "rows": run.rows,
        },
        "figures": board.values,
        "derived": _derived(board.values),
        "children": [
            {"code": c.code, "name": c.name, "figures": c.values, "derived": _derived(c.values)}
            for c in board.children
        ],
        "trend": [{"month": f"{m:%Y-%m}", "figures": v} for m, v in board.trend],
    }


@router.post("/employment/refresh", response={202: RefreshOut})
def employment_refresh(request: HttpRequest, body: RefreshIn) -> Any:
    """Queue a recompute of the county's figures for the month (MANAGE_EMPLOYMENT in the county);
    the worker runs it. The task already queued is returned when there is one."""
    t = refresh.figures_enqueue(
        actor=request.user, area_code=refresh.parse_area(body.area), month=refresh.parse_month(body.month)
    )
    return Status(202, {"task": t.pk, "status": t.status})
