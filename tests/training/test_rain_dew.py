"""雨露计划: a student of an out-of-poverty or monitored household, a grant a year from the rule,
paid never above it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from lnob.core.errors import DomainError, NotFound
from lnob.employment.training import selectors, services
from lnob.employment.training.messages import TMsg
from lnob.monitoring.models import Case
from lnob.registry import services as registry
from tests.personas import ZX_V2, person

YEAR = 2026


def _child(actor, household, name="小明"):
    return registry.member_add(
        actor=actor, household=household, person=person("20080301", name=name), relation="child",
        joined=dt.date(2020, 1, 1),
    ).person  # fmt: skip


def register(actor, student, **extra):
    fields = {"school": "昭通市职业技术学院", "programme": "higher_vocational", "school_year": YEAR} | extra
    return services.rain_dew_register(actor=actor, person=student, **fields)


def test_a_child_of_an_out_of_poverty_household_gets_the_rules_grant_once_a_year(world, households):
    child = _child(world.zx_cadre1, households["v1"])
    s = register(world.zx_cadre1, child)
    assert (s.grant, s.village_id, s.household == households["v1"]) == (Decimal("3000"), 530627102201, True)
    assert "国开办发〔2015〕19号" in s.rule.source and str(s) == "小明 · 雨露计划 2026—2027 学年"
    with pytest.raises(DomainError) as refused:
        register(world.zx_cadre1, child, programme="secondary_vocational")
    assert refused.value.field == "school_year" and "已登记" in str(refused.value.message)
    register(world.zx_cadre1, child, school_year=YEAR - 1)  # another year is another grant


def test_a_child_of_an_ordinary_household_is_refused(world, households):
    child = _child(world.zx_cadre2, households["v2"])
    with pytest.raises(DomainError) as refused:
        register(world.zx_cadre2, child)
    assert refused.value.message == TMsg.NOT_ELIGIBLE_HOUSEHOLD


def test_a_child_of_a_monitored_household_is_eligible(world, households):
    now = timezone.now()
    Case.objects.create(
        household=households["v2"], village_id=ZX_V2, kind="identification", state="approved",
        opened_at=now, due_on=now.date(), closed_at=now,
    )  # fmt: skip
    child = _child(world.zx_cadre2, households["v2"])
    assert register(world.zx_cadre2, child).grant == Decimal("3000")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"programme": "university"}, "programme"),
        ({"school": ""}, "school"),
        ({"school_year": 2010}, "school_year"),
    ],
)
def test_bad_student_details_are_refused_with_the_field(world, households, extra, field):
    child = _child(world.zx_cadre1, households["v1"])
    with pytest.raises(DomainError) as refused:
        register(world.zx_cadre1, child, **extra)
    assert refused.value.field == field


def test_another_village_or_county_cannot_register_or_see_the_student(world, households):
    child = _child(world.zx_cadre1, households["v1"])
    for user in (world.zx_cadre2, world.wz_admin):
        with pytest.raises(NotFound):
            register(user, child)
    s = register(world.zx_cadre1, child)
    assert list(selectors.rain_dew_list(user=world.zx_township)) == [s]
    assert not selectors.rain_dew_list(user=world.zx_cadre2).exists()
    with pytest.raises(NotFound):
        selectors.rain_dew_get(user=world.wz_cadre, pk=s.pk)


def test_the_grant_is_paid_by_the_county_never_above_it_and_then_the_year_is_closed(world, households):
    s = register(world.zx_cadre1, _child(world.zx_cadre1, households["v1"]))
    pay = lambda amount, ref, actor=world.zx_admin: services.rain_dew_pay(  # noqa: E731
        actor=actor, student=s, paid_on=dt.date(2026, 10, 10), amount=Decimal(amount), reference=ref
    )
    with pytest.raises(NotFound):
        pay("1500", "YL-1", world.zx_cadre1)
    pay("1500", "YL-1")
    with pytest.raises(DomainError) as refused:
        pay("1600", "YL-2")
    assert "1500" in str(refused.value.message)
    pay("1500", "YL-2")
    with pytest.raises(DomainError) as refused:
        pay("1", "YL-3")
    assert refused.value.message == TMsg.RAIN_DEW_PAID
    assert selectors.rain_dew_list(user=world.zx_admin).get().paid == Decimal("3000")


def test_a_person_with_no_household_now_cannot_be_registered(world, households):
    child = _child(world.zx_cadre1, households["v1"])
    m = child.memberships.get()
    registry.member_leave(actor=world.zx_cadre1, membership=m, left=dt.date(2026, 5, 1), leave_reason="moved")
    with pytest.raises(DomainError) as refused:
        register(world.zx_cadre1, child)
    assert refused.value.message == TMsg.NO_HOUSEHOLD
