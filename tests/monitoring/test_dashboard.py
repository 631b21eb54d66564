"""The county dashboard: its figures follow the user's areas (two villages of 镇雄, and 万州)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from lnob.monitoring import selectors
from lnob.monitoring.cases import lead_accept
from lnob.monitoring.models import Case, Lead
from lnob.monitoring.sweeps import sweep_create, sweep_run
from tests.monitoring.helpers import monitor, sweep
from tests.personas import ZX

A = "5306271022010101"


def _monitor_a(world):
    sweep(ZX)
    return monitor(world, A, cadre=world.zx_cadre1)


def test_figures_follow_the_users_areas(world, county):
    _monitor_a(world)
    admin = selectors.dashboard(user=world.zx_admin)
    assert admin["totals"] == {"open_leads": 1, "in_progress": 0, "monitored": 1, "overdue": 0, "flagged": 2}
    assert admin["by_category"] == [{"code": "unstable_out_of_poverty", "name": "脱贫不稳定户", "n": 1}]
    assert [r["code"] for r in admin["by_risk"]] == ["illness"]
    assert sorted(r["code"] for r in admin["by_rule"]) == ["income_unstable", "rigid_spending"]
    assert admin["trend"]["leads"][-1] == 2 and admin["trend"]["approved"][-1] == 1
    assert len(admin["trend"]["months"]) == 12

    cadre2 = selectors.dashboard(user=world.zx_cadre2)  # 海子村: B only, not monitored
    assert cadre2["totals"] == {"open_leads": 1, "in_progress": 0, "monitored": 0, "overdue": 0, "flagged": 1}
    wz = selectors.dashboard(user=world.wz_admin)
    assert wz["totals"] == {"open_leads": 0, "in_progress": 0, "monitored": 0, "overdue": 0, "flagged": 0}
    assert wz["latest"] is None


def test_overdue_cases_are_listed(world, county):
    sweep_run(
        sweep_create(actor=None, county_code=ZX, as_of=dt.date(2026, 6, 30), trigger="command", enqueue=False)
    )
    case = lead_accept(actor=world.zx_cadre1, lead=Lead.objects.get(household__number=A), comment="核实")
    Case.objects.filter(pk=case.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    assert [c.pk for c in selectors.dashboard(user=world.zx_township)["overdue"]] == [case.pk]
    assert selectors.dashboard(user=world.zx_cadre2)["overdue"] == []
    c = Client()
    c.force_login(world.zx_admin)
    page = c.get("/monitoring/dashboard/").content.decode()
    assert 'data-testid="chart-trend"' in page and "echarts-5.6.0.min.js" in page and A in page
    c.force_login(world.nobody)
    assert c.get("/monitoring/dashboard/").status_code == 404
