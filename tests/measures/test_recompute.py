"""The recompute button: offered to those who run employment work in the county; it queues a
refresh (once, however often it is pressed), and the worker's run replaces the figures."""

from __future__ import annotations

from typing import Any

from django.test import Client

from lnob.core.models import Task
from lnob.core.tasks import task_claim, task_run
from lnob.measures.models import AreaFigure, FigureRun
from tests.personas import ZX, ZX_TOWN, ZX_V1

URL = "/measures/employment/"


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_managers_get_the_button_and_cadres_do_not(world: Any, small_county: Any) -> None:
    page = login(world.zx_admin).get(URL, {"area": ZX, "month": "2026-10"}).content.decode()
    assert 'data-testid="measures-refresh"' in page
    page = login(world.zx_township).get(URL, {"area": ZX_TOWN, "month": "2026-10"}).content.decode()
    assert 'data-testid="measures-refresh"' in page  # a township officer runs employment work too
    page = login(world.zx_cadre1).get(URL, {"area": ZX_V1, "month": "2026-10"}).content.decode()
    assert 'data-testid="measures-refresh"' not in page
    assert (
        login(world.zx_cadre1).post(f"{URL}refresh", {"area": ZX_V1, "month": "2026-10"}).status_code == 404
    )
    assert login(world.zx_auditor).post(f"{URL}refresh", {"area": ZX, "month": "2026-10"}).status_code == 404


def test_pressing_twice_queues_one_refresh_which_the_worker_runs(world: Any, small_county: Any) -> None:
    c = login(world.zx_admin)
    for _ in range(2):
        r = c.post(f"{URL}refresh", {"area": ZX, "month": "2026-10"})
        assert r.status_code == 302
    assert Task.objects.filter(kind="measures.refresh").count() == 1
    page = c.get(URL, {"area": ZX, "month": "2026-10"}).content.decode()
    assert 'data-testid="measures-queued"' in page
    t = task_claim(worker="test")
    assert t is not None
    done = task_run(t)
    assert done.status == Task.Status.DONE, done.error
    run = FigureRun.objects.get()
    assert run.trigger == "screen" and run.created_by == world.zx_admin
    assert AreaFigure.objects.filter(area_code=ZX).exists()
    page = c.get(URL, {"area": ZX, "month": "2026-10"}).content.decode()
    assert "2026-10-31" in page and 'data-testid="measures-queued"' not in page
