"""County administrators edit the policy in the app: their county only; values need sources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.test import Client

from lnob.core.errors import DomainError, NotFound
from lnob.monitoring import services
from lnob.monitoring.models import PolicyVersion
from lnob.monitoring.policy import policy_for
from tests.personas import WZ, WZ_V1, ZX, ZX_V1

DAY = dt.date(2026, 6, 30)


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_county_admin_adds_and_activates_a_version_for_the_county(world):
    c = _client(world.zx_admin)
    page = c.get("/monitoring/policy/").content.decode()
    assert "8700" in page and "qrrfcrh" in page  # Yunnan's threshold and its source
    response = c.post(
        "/monitoring/policy/new",
        {
            "area_code": ZX,
            "name": "镇雄县 2026",
            "effective_from": "2026-01-01",
            "threshold_yuan": "9100",
            "threshold_source": "镇雄县乡村振兴局 2026 年 1 号文",
        },
    )
    assert response.status_code == 302
    version = PolicyVersion.objects.get(name="镇雄县 2026")
    assert version.status == PolicyVersion.Status.DRAFT and version.created_by == world.zx_admin
    assert policy_for(ZX_V1, DAY).value("threshold_yuan") == Decimal("8700.00")  # a draft changes nothing
    assert c.post(f"/monitoring/policy/{version.pk}/activate").status_code == 302
    assert policy_for(ZX_V1, DAY).value("threshold_yuan") == Decimal("9100.00")
    assert policy_for(WZ_V1, DAY).value("threshold_yuan") is None
    assert LogEntry.objects.filter(object_pk=str(version.pk), content_type__model="policyversion").exists()


def test_other_counties_and_other_roles_cannot_touch_it(world):
    version = services.policy_create(
        actor=world.zx_admin,
        area_code=ZX,
        effective_from=DAY,
        name="草稿",
        decision_days=20,
        decision_source="x",
    )
    assert _client(world.wz_admin).post(f"/monitoring/policy/{version.pk}/activate").status_code == 404
    assert _client(world.zx_cadre1).get("/monitoring/policy/new").status_code == 404
    assert "草稿" not in _client(world.wz_admin).get("/monitoring/policy/").content.decode()
    assert _client(world.nobody).get("/monitoring/policy/").status_code == 404
    with pytest.raises(NotFound):
        services.policy_create(actor=world.wz_admin, area_code=ZX, effective_from=DAY, name="x")
    with pytest.raises(NotFound):
        services.policy_create(actor=world.zx_township, area_code=ZX, effective_from=DAY, name="x")
    services.policy_create(actor=world.wz_admin, area_code=WZ, effective_from=DAY, name="万州", activate=True)
    assert PolicyVersion.objects.get(pk=version.pk).status == PolicyVersion.Status.DRAFT


def test_a_value_without_its_source_or_out_of_range_is_refused(world):
    with pytest.raises(DomainError) as err:
        services.policy_create(
            actor=world.zx_admin, area_code=ZX, effective_from=DAY, name="x", decision_days=20
        )
    assert err.value.field == "decision_source"
    with pytest.raises(DomainError) as err:
        services.policy_create(
            actor=world.zx_admin,
            area_code=ZX,
            effective_from=DAY,
            name="x",
            notice_min_days=0,
            notice_source="y",
        )
    assert err.value.field == "notice_min_days"
    page = _client(world.zx_admin).post(
        "/monitoring/policy/new",
        {
            "area_code": ZX,
            "name": "x",
            "effective_from": "2026-01-01",
            "threshold_yuan": "-5",
            "threshold_source": "s",
        },
    )
    assert page.status_code == 200 and 'data-testid="field-error"' in page.content.decode()
    assert not PolicyVersion.objects.filter(name="x").exists()


def test_activating_replaces_the_active_version_of_the_same_region_and_date(world):
    first = services.policy_create(
        actor=world.zx_admin,
        area_code=ZX,
        effective_from=DAY,
        name="一",
        activate=True,
        decision_days=20,
        decision_source="a",
    )
    second = services.policy_create(
        actor=world.zx_admin,
        area_code=ZX,
        effective_from=DAY,
        name="二",
        decision_days=25,
        decision_source="b",
    )
    services.policy_activate(actor=world.zx_admin, version=second)
    first.refresh_from_db()
    assert first.status == PolicyVersion.Status.RETIRED
    assert policy_for(ZX_V1, DAY).value("decision_days") == 25
