"""The living allowance: computed from attendance with the rule in force, shown with its rule,
paid in records that never exceed it, signed off by the county."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lnob.core.errors import DomainError, NotFound
from lnob.employment.models import EmploymentPolicy
from lnob.employment.training import allowance, services
from lnob.employment.training.messages import TMsg
from tests.personas import ZX

from .conftest import END, START, attend, make_course


def _rule(area: int, **params) -> EmploymentPolicy:
    return EmploymentPolicy.objects.create(
        kind="training_allowance", area_code=area, effective_from=dt.date(2026, 1, 1), name="测试规则",
        params=params, source="https://example.org/rule",
    )  # fmt: skip


def test_an_out_of_poverty_trainee_is_owed_25_yuan_a_day_attended_under_the_national_rule(
    world, course, poor
):
    e = services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    attend(world.zx_township, course, [e], 7)
    due = allowance.due_for(e)
    assert (due.days, due.attendance_amount, due.total, due.outstanding) == (
        7,
        Decimal("175.00"),
        Decimal("175.00"),
        Decimal("175.00"),
    )
    assert due.rule is not None and due.rule.row.area_code == 0
    assert due.rule.source == "http://www.heetzguy.com/2020/1230/c322a38483/page.html"


def test_a_trainee_of_an_ordinary_household_is_owed_nothing_and_told_why(world, course, ordinary):
    e = services.enrolment_create(actor=world.zx_township, course=course, person=ordinary)
    attend(world.zx_township, course, [e], 10)
    due = allowance.due_for(e)
    assert due.total == 0 and "不是补贴对象" in due.notes[0]


def test_an_online_trainee_is_owed_a_yuan_a_class_hour(world, poor):
    online = make_course(world.zx_township, title="线上育婴员", mode="online", hours=20)
    e = services.enrolment_create(actor=world.zx_township, course=online, person=poor)
    attend(world.zx_township, online, [e], 4, Decimal("2.5"))
    due = allowance.due_for(e)
    assert (due.hours, due.total, due.share) == (Decimal("10.0"), Decimal("10.00"), 0.5)


def test_the_county_pays_never_more_than_is_owed(world, course, poor):
    e = services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    attend(world.zx_township, course, [e], 10)
    pay = lambda amount, ref="PZ-1", day=END: services.allowance_pay(  # noqa: E731
        actor=world.zx_admin, enrolment=e, paid_on=day, amount=Decimal(amount), reference=ref
    )
    p = pay("200")
    assert p.amount == Decimal("200") and p.created_by == world.zx_admin
    with pytest.raises(DomainError) as refused:
        pay("50.01", "PZ-2")
    assert refused.value.field == "amount" and "50.00" in str(refused.value.message)
    with pytest.raises(DomainError) as refused:
        pay("10", "PZ-1")
    assert refused.value.message == TMsg.REFERENCE_TAKEN
    early = START - dt.timedelta(days=1)
    for amount, day, field in (
        ("0", END, "amount"),
        ("10", dt.date(2099, 1, 1), "paid_on"),
        ("10", early, "paid_on"),
    ):
        with pytest.raises(DomainError) as refused:
            pay(amount, "PZ-9", day)
        assert refused.value.field == field
    pay("50", "PZ-2")
    assert allowance.due_for(e).outstanding == 0


def test_only_those_who_sign_payments_off_may_pay(world, course, poor):
    e = services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    attend(world.zx_township, course, [e], 2)
    for user in (world.zx_township, world.zx_cadre1, world.wz_admin):
        with pytest.raises(NotFound):
            services.allowance_pay(actor=user, enrolment=e, paid_on=END, amount=Decimal("10"), reference="X")


def test_a_flat_amount_per_course_is_paid_once_a_year_where_the_rule_says_so(world, course, poor):
    _rule(ZX, per_course=500, once_a_year=True)
    second = make_course(world.zx_township, title="电工培训班", skill="电工")
    first = services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    other = services.enrolment_create(actor=world.zx_township, course=second, person=poor)
    assert "结业后" in allowance.due_for(first).notes[0]
    attend(world.zx_township, course, [first], 10)
    attend(world.zx_township, second, [other], 10)
    services.enrolment_complete(actor=world.zx_township, enrolment=first, day=END)
    services.enrolment_complete(actor=world.zx_township, enrolment=other, day=END + dt.timedelta(days=1))
    dues = allowance.dues([first.pk, other.pk])
    assert dues[first.pk].total == Decimal("500") and dues[first.pk].rule.row.name == "测试规则"
    assert dues[other.pk].total == 0 and "每年一次" in dues[other.pk].notes[0]


def test_a_certificate_adds_the_rules_one_time_award(world, course, poor):
    _rule(ZX, per_day_offline=25, certificate_award=800)
    e = services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    attend(world.zx_township, course, [e], 10)
    services.enrolment_complete(actor=world.zx_township, enrolment=e, day=END)
    assert allowance.due_for(e).total == Decimal("250")
    services.certificate_record(
        actor=world.zx_township, enrolment=e, kind="skill_level", number="S9", date=END
    )
    due = allowance.due_for(e)
    assert (due.attendance_amount, due.certificate_award, due.total) == (
        Decimal("250.00"),
        Decimal("800"),
        Decimal("1050.00"),
    )


def test_a_rule_of_the_county_replaces_the_national_one_whole(world, course, poor):
    _rule(ZX, per_day_offline=30, completion_share=0.5)
    e = services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    attend(world.zx_township, course, [e], 5)
    assert allowance.due_for(e).total == Decimal("150.00")
    services.enrolment_complete(actor=world.zx_township, enrolment=e, day=END)  # half is enough here
