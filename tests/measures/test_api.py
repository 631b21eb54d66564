"""GET /api/v1/measures/employment: the stored figures of an area, its children and its last
12 months, with the ratios computed; POST .../refresh queues a recompute."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lnob.core.models import Task
from lnob.measures.refresh import figures_refresh
from tests.measures.conftest import MONTH
from tests.personas import ZX, ZX_TOWN, ZX_V1

API = "/api/v1/measures/employment"


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_api_gives_the_figures_children_and_trend(world: Any, small_county: Any) -> None:
    figures_refresh(actor=None, area_code=ZX, month=MONTH)
    r = login(world.zx_admin).get(API, {"area": str(ZX_TOWN), "month": "2026-10"})
    assert r.status_code == 200
    body = r.json()
    assert body["area"] == {"code": ZX_TOWN, "name": "泼机镇", "level": 4}
    assert body["month"] == "2026-10" and body["as_of"] == "2026-10-31"
    assert body["figures"]["emp.in_work.poor"] == 2
    assert body["derived"]["transferred_share.poor"] == pytest.approx(2 / 3)
    assert body["derived"]["average_wage.all"] == pytest.approx(7300 / 3)
    assert [c["code"] for c in body["children"]] == [ZX_V1, ZX_V1 + 1]
    assert sum(c["figures"].get("emp.labour.all", 0) for c in body["children"]) == 5
    assert len(body["trend"]) == 12 and body["trend"][-1]["month"] == "2026-10"
    assert body["computed"]["as_of"] == "2026-10-31"


def test_the_api_queues_a_recompute_for_those_who_manage_employment(world: Any, small_county: Any) -> None:
    r = login(world.zx_admin).post(
        f"{API}/refresh", {"area": str(ZX), "month": "2026-10"}, content_type="application/json"
    )
    assert r.status_code == 202
    assert Task.objects.get(pk=r.json()["task"]).args == {"county": ZX, "month": "2026-10-01"}
    # a village cadre does not run employment work: not found
    r = login(world.zx_cadre1).post(
        f"{API}/refresh", {"area": str(ZX_V1), "month": "2026-10"}, content_type="application/json"
    )
    assert r.status_code == 404
