"""A dashboard reads only the stored figures, in a fixed handful of queries whatever the number of
villages, months or households."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lnob.areas.models import Area
from lnob.areas.services import area_create_unchecked
from lnob.measures.refresh import figures_refresh
from tests.measures.conftest import MONTH
from tests.personas import ZX, ZX_TOWN, ZX_V1, make_household, person

URL = "/measures/employment/"
# session and user, the user's areas, the area, its children, the figures (one query for the
# area's months and the children's month), the run, the rule in force, the queued recompute
PINNED = 9


def queries(client: Client, params: dict[str, Any]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def test_the_county_dashboard_takes_a_fixed_number_of_queries(world: Any, small_county: Any) -> None:
    c = Client()
    c.force_login(world.zx_admin)
    for month in (dt.date(2026, 9, 1), MONTH):
        figures_refresh(actor=None, area_code=ZX, month=month)
    few, sql = queries(c, {"area": ZX, "month": "2026-10"})
    assert few == PINNED, "\n".join(sql)
    # the registry is not read: only stored figures, areas and the run
    assert not any("registry_" in q or "employment_spell" in q for q in sql)

    # more villages, households and months: the same number of queries
    town = Area.objects.get(code=ZX_TOWN)
    for i in range(3, 9):
        area_create_unchecked(code=ZX_V1 - 1 + i, name=f"新村{i}", parent=town)
        make_household(world.zx_admin, ZX_V1 - 1 + i, f"53062710220{i}0001", head=person(name=f"户{i}"))
    for month in (dt.date(2026, 7, 1), dt.date(2026, 8, 1), MONTH):
        figures_refresh(actor=None, area_code=ZX, month=month)
    assert queries(c, {"area": ZX, "month": "2026-10"})[0] == few
    assert queries(c, {"area": ZX_TOWN, "month": "2026-10"})[0] <= few + 1  # and the county above it
