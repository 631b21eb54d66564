"""Policy as versioned data: the values that hold for a village on a day, with their sources,
for villages of two provinces (镇雄 in Yunnan, 万州 in Chongqing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from lnob.monitoring.models import MonitoringCategory, PolicyVersion
from lnob.monitoring.policy import policy_for
from tests.personas import WZ_V1, ZX, ZX_V1, ZX_V2

DAY = dt.date(2026, 6, 30)


def test_seeded_defaults_and_yunnans_threshold(db):
    zx = policy_for(ZX_V1, DAY)
    assert zx.value("threshold_yuan") == Decimal("8700.00")
    assert zx.settings["threshold_yuan"].version.area_code == 530000000000
    assert "qrrfcrh" in zx.settings["threshold_yuan"].source
    assert (
        zx.value("decision_days"),
        zx.value("notice_min_days"),
        zx.value("elimination_stable_months"),
    ) == (15, 5, 6)
    assert zx.settings["decision_days"].version.area_code == 0  # the national default

    wz = policy_for(WZ_V1, DAY)  # Chongqing: no threshold seeded, and none is invented
    assert wz.value("threshold_yuan") is None
    assert wz.value("decision_days") == 15

    assert policy_for(ZX_V1, dt.date(2024, 12, 31)).value("threshold_yuan") is None  # not yet in force
    assert [c.name_zh for c in MonitoringCategory.objects.all()] == [
        "脱贫不稳定户",
        "边缘易致贫户",
        "突发严重困难户",
    ]


def test_a_county_version_overrides_only_what_it_sets(db):
    PolicyVersion.objects.create(
        area_code=ZX,
        effective_from=dt.date(2026, 1, 1),
        status=PolicyVersion.Status.ACTIVE,
        name="镇雄县认定时限",
        decision_days=20,
        decision_working_days=True,
        decision_source="https://www.hainan.gov.cn/hainan/c100568/202112/3af70a0cb00f4462a0e1ff8471821fbf.shtml",
    )
    PolicyVersion.objects.create(
        area_code=ZX,
        effective_from=dt.date(2026, 3, 1),
        status=PolicyVersion.Status.DRAFT,
        name="草稿",
        decision_days=3,
    )
    zx = policy_for(ZX_V2, DAY)
    assert (zx.value("decision_days"), zx.value("decision_working_days")) == (20, True)
    assert zx.value("threshold_yuan") == Decimal("8700.00")  # still the province's
    assert policy_for(WZ_V1, DAY).value("decision_days") == 15  # the other province is untouched
    assert policy_for(ZX_V2, dt.date(2025, 12, 31)).value("decision_days") == 15  # before it started


def test_a_later_version_of_the_same_region_replaces_the_earlier(db):
    PolicyVersion.objects.create(
        area_code=530000000000,
        effective_from=dt.date(2026, 1, 1),
        status=PolicyVersion.Status.ACTIVE,
        name="云南省 2026 年监测范围",
        threshold_yuan=Decimal("9000"),
        threshold_source="https://example.gov.cn/2026",
    )
    assert policy_for(ZX_V1, DAY).value("threshold_yuan") == Decimal("9000")
    assert policy_for(ZX_V1, dt.date(2025, 6, 30)).value("threshold_yuan") == Decimal("8700.00")


def test_two_active_versions_of_one_region_and_date_are_refused(db):
    fields = {"area_code": ZX, "effective_from": dt.date(2026, 1, 1), "status": PolicyVersion.Status.ACTIVE}
    PolicyVersion.objects.create(name="一", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.create(name="二", **fields)
