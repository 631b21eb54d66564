"""The quarterly check (动态监测): criteria unmet → pending action; still unmet after the buffer →
closed; met again → normal. In bulk for a county, from the command line too, and idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from lnob.areas.models import Area
from lnob.core.errors import NotFound
from lnob.employment.workshops import services
from lnob.employment.workshops.models import Assessment, Workshop, WorkshopEvent
from tests.personas import WZ, ZX

D = dt.date


def _wz() -> Area:
    return Area.objects.get(code=WZ)


def _leave(world, shop, people, end):
    from lnob.employment.workshops.selectors import roster

    spells = {r.person_id: r.spell_id for r in roster(shop, end, viewer=None)}
    for p in people:
        services.worker_leave(actor=world.wz_admin, workshop=shop, spell_id=spells[p.pk], end=end)


def test_a_workshop_short_of_workers_is_pending_then_closed_after_six_months(world, recognised, workers):
    _leave(world, recognised, workers[:3], D(2026, 1, 31))  # two out-of-poverty workers stay
    counts = services.workshop_check(actor=world.wz_admin, area=_wz(), day=D(2026, 3, 31))
    recognised.refresh_from_db()
    assert counts == {"checked": 1, "met": 0, "flagged": 1, "cleared": 0, "closed": 0}
    assert recognised.state == "pending" and recognised.pending_since == D(2026, 3, 31)
    services.workshop_check(actor=world.wz_admin, area=_wz(), day=D(2026, 9, 29))
    recognised.refresh_from_db()
    assert recognised.state == "pending"  # still within the 6-month buffer
    counts = services.workshop_check(actor=world.wz_admin, area=_wz(), day=D(2026, 9, 30))
    recognised.refresh_from_db()
    assert recognised.state == "closed" and recognised.closed_on == D(2026, 9, 30)
    assert counts["closed"] == 1
    actions = list(
        WorkshopEvent.objects.filter(workshop=recognised).values_list("action", "from_state", "to_state")
    )
    assert ("flag", "normal", "pending") in actions and ("close", "pending", "closed") in actions


def test_met_again_the_workshop_is_back_to_normal(world, recognised, workers):
    from tests.personas import WZ_V1
    from tests.workshops.helpers import hire, make_worker

    _leave(world, recognised, workers[:3], D(2026, 1, 31))
    services.workshop_check(actor=world.wz_admin, area=_wz(), day=D(2026, 3, 31))
    for i in range(3):
        new = make_worker(world.wz_cadre, WZ_V1, poor=True, name=f"新{i}", birth=f"199{i}0101")
        hire(world.wz_admin, recognised, new, D(2026, 4, 1))
    counts = services.workshop_check(actor=world.wz_admin, area=_wz(), day=D(2026, 6, 30))
    recognised.refresh_from_db()
    assert counts["cleared"] == 1 and recognised.state == "normal" and recognised.pending_since is None


def test_running_the_same_check_again_changes_nothing(world, recognised, workers):
    _leave(world, recognised, workers[:3], D(2026, 1, 31))
    services.workshop_check(actor=world.wz_admin, area=_wz(), day=D(2026, 3, 31))
    events = WorkshopEvent.objects.count()
    again = services.workshop_check(actor=world.wz_admin, area=_wz(), day=D(2026, 3, 31))
    assert again["flagged"] == again["closed"] == 0
    assert WorkshopEvent.objects.count() == events
    assert Assessment.objects.filter(workshop=recognised, day=D(2026, 3, 31), purpose="check").count() == 1


def test_at_the_check_earnings_can_stand_for_months(world, staffed):
    """Liaoning's threshold per worker: 3 months of work or 5,000 yuan a year; here a county's
    version with 4,000 yuan."""
    from lnob.employment.models import EmploymentPolicy
    from lnob.employment.workshops.assess import assess

    EmploymentPolicy.objects.create(
        kind="workshop_monitoring",
        area_code=WZ,
        effective_from=D(2025, 1, 1),
        name="万州区动态监测",
        params={"buffer_months": 6, "min_months": 3, "min_earnings": "4000"},
        source="https://example.gov.cn/m",
    )
    # hired on 1 September at 2,000 a month: by 10 November two months, and
    # 2000 × 71 days × 12/365 = 4,668 yuan
    check = assess([staffed], D(2025, 11, 10), "check")[0]
    recognition = assess([staffed], D(2025, 11, 10), "recognition")[0]
    assert check.figures["workers"] == 7 and check.met and check.monitoring.name == "万州区动态监测"
    assert recognition.figures["workers"] == 0 and not recognition.met


def test_the_command_checks_the_county_in_bulk(world, recognised, zx_shop, workers):
    _leave(world, recognised, workers[:3], D(2026, 1, 31))
    out = StringIO()
    call_command("workshops", "check", "--area", "500101", "--date", "2026-03-31", stdout=out)
    assert "checked 1" in out.getvalue() and "pending action 1" in out.getvalue()
    assert Workshop.objects.get(pk=recognised.pk).state == "pending"
    assert Workshop.objects.get(pk=zx_shop.pk).state == "applied"  # another county, not recognised


def test_only_the_countys_officials_may_run_the_check(world, recognised, manager):
    with pytest.raises(NotFound):
        services.workshop_check(actor=world.zx_admin, area=_wz(), day=D(2026, 3, 31))
    with pytest.raises(NotFound):
        services.workshop_check(actor=manager, area=_wz(), day=D(2026, 3, 31))
    with pytest.raises(NotFound):
        services.workshop_check(actor=world.wz_cadre, area=_wz(), day=D(2026, 3, 31))
    assert (
        services.workshop_check(actor=world.zx_admin, area=Area.objects.get(code=ZX), day=D(2026, 3, 31))[
            "checked"
        ]
        == 0
    )
