"""Monthly attendance and pay: the village records the days and hours worked on each agreement
(EDIT_REGISTRY), the pay due follows pro rata from the agreement's pay, and the county records
the payment (APPROVE_PAYMENTS). A month outside the agreement, a future month and negative
figures are refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from lnob.areas.models import Area
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment.posts import services
from lnob.employment.posts.messages import M
from lnob.employment.posts.models import Attendance
from tests.personas import ZX_V1

D = dt.date


@pytest.fixture
def agreement(world, people, post):
    return services.agreement_sign(
        actor=world.zx_township, post=post, person=people["wang"], start=D(2026, 3, 1), end=D(2027, 2, 28)
    )


def record(actor, agreement, month, days, hours):
    return services.attendance_record(
        actor=actor, agreement=agreement, month=month, days_worked=days, hours_worked=Decimal(hours)
    )


@pytest.mark.parametrize(
    ("month", "days", "hours", "due"),
    [(D(2026, 3, 1), 22, "80", "500.00"),  # the whole month, all hours: the whole pay
     (D(2026, 4, 1), 20, "40", "250.00"),  # half the hours: half the pay
     (D(2026, 5, 20), 21, "60", "375.00"),  # any day names its month
     (D(2026, 6, 1), 22, "100", "500.00")],  # extra hours earn no more than the month's pay
)  # fmt: skip
def test_the_pay_due_follows_the_hours_worked(world, agreement, month, days, hours, due):
    row = record(world.zx_cadre1, agreement, month, days, hours)
    assert row.month == month.replace(day=1) and row.pay_due == Decimal(due)
    assert row.recorded_by == world.zx_cadre1 and not row.paid


def test_a_month_partly_inside_the_agreement_earns_its_share(world, people):
    from tests.posts.conftest import make_post

    post = make_post(world.zx_township, title="护林员")
    late = services.agreement_sign(
        actor=world.zx_township, post=post, person=people["wang"], start=D(2026, 6, 16), end=D(2026, 12, 31)
    )
    assert record(world.zx_cadre1, late, D(2026, 6, 1), 15, "80").pay_due == Decimal(
        "250.00"
    )  # 15 of 30 days
    with pytest.raises(DomainError) as caught:
        record(world.zx_cadre1, late, D(2026, 6, 1), 16, "80")
    assert caught.value.message == str(M.DAYS_ABOVE).format(days=15)


def test_recording_again_replaces_the_month_until_it_is_paid(world, agreement):
    record(world.zx_cadre1, agreement, D(2026, 7, 1), 20, "70")
    row = record(world.zx_cadre1, agreement, D(2026, 7, 1), 22, "80")
    assert Attendance.objects.count() == 1 and row.pay_due == Decimal("500.00")
    services.attendance_pay(actor=world.zx_admin, attendance=row, paid_on=D(2026, 8, 10))
    row.refresh_from_db()
    assert (row.paid_amount, row.paid_on, row.paid_by) == (Decimal("500.00"), D(2026, 8, 10), world.zx_admin)
    with pytest.raises(DomainError) as caught:
        record(world.zx_cadre1, agreement, D(2026, 7, 1), 10, "40")
    assert caught.value.message == str(M.ALREADY_PAID).format(day=D(2026, 8, 10))


@pytest.mark.parametrize(
    ("month", "days", "hours", "field", "message"),
    [(D(2026, 2, 1), 20, "80", "month", None),
     (D(2099, 1, 1), 20, "80", "month", Msg.IN_FUTURE),
     (D(2026, 8, 1), -1, "80", "days_worked", M.NEGATIVE),
     (D(2026, 8, 1), 20, "-5", "hours_worked", M.NEGATIVE),
     (D(2026, 8, 1), 2, "60", "hours_worked", M.HOURS_ABOVE)],
)  # fmt: skip
def test_bad_months_and_figures_are_refused(world, agreement, month, days, hours, field, message):
    with pytest.raises(DomainError) as caught:
        record(world.zx_cadre1, agreement, month, days, hours)
    assert caught.value.field == field
    if message is not None:
        assert caught.value.message == message
    else:
        assert caught.value.message == str(M.MONTH_OUTSIDE).format(start=D(2026, 3, 1), last=D(2027, 2, 28))
    assert not Attendance.objects.exists()


def test_a_month_after_the_agreement_ended_is_refused(world, agreement):
    services.agreement_end(
        actor=world.zx_township, agreement=agreement, ended_on=D(2026, 8, 31), reason="resigned"
    )
    agreement.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        record(world.zx_cadre1, agreement, D(2026, 9, 1), 20, "80")
    assert caught.value.message == str(M.MONTH_OUTSIDE).format(start=D(2026, 3, 1), last=D(2026, 8, 31))


def test_only_the_village_records_and_only_the_county_pays(world, agreement):
    with pytest.raises(NotFound):
        record(world.zx_cadre2, agreement, D(2026, 7, 1), 20, "80")  # 海子村's cadre
    with pytest.raises(NotFound):
        record(world.wz_admin, agreement, D(2026, 7, 1), 20, "80")
    row = record(world.zx_cadre1, agreement, D(2026, 7, 1), 20, "80")
    for actor in (world.zx_cadre1, world.zx_township):
        with pytest.raises(NotFound):
            services.attendance_pay(actor=actor, attendance=row, paid_on=D(2026, 8, 10))


def test_a_payment_above_the_pay_due_or_before_the_month_is_refused(world, agreement):
    row = record(world.zx_cadre1, agreement, D(2026, 7, 1), 20, "40")
    with pytest.raises(DomainError) as caught:
        services.attendance_pay(
            actor=world.zx_admin, attendance=row, paid_on=D(2026, 8, 10), paid_amount=Decimal("300")
        )
    assert caught.value.message == str(M.PAID_ABOVE_DUE).format(due=Decimal("250.00"))
    with pytest.raises(DomainError) as caught:
        services.attendance_pay(actor=world.zx_admin, attendance=row, paid_on=D(2026, 6, 30))
    assert caught.value.message == M.PAID_BEFORE_MONTH
    paid = services.attendance_pay(
        actor=world.zx_admin, attendance=row, paid_on=D(2026, 8, 10), paid_amount=Decimal("200")
    )
    assert paid.paid_amount == Decimal("200")


def test_the_county_pays_a_villages_month_at_once_with_one_audit_entry(world, agreement):
    record(world.zx_cadre1, agreement, D(2026, 9, 1), 22, "80")
    record(world.zx_cadre1, agreement, D(2026, 10, 1), 22, "60")
    paid = services.attendance_pay_month(
        actor=world.zx_admin, village=ZX_V1, month=D(2026, 9, 1), paid_on=D(2026, 10, 10)
    )
    assert paid == 1
    assert list(Attendance.objects.order_by("month").values_list("paid_amount", "paid_on")) == [
        (Decimal("500.00"), D(2026, 10, 10)),
        (None, None),
    ]
    entry = LogEntry.objects.get_for_object(Area.objects.get(code=ZX_V1)).filter(actor=world.zx_admin).get()
    assert entry.changes_dict["public_welfare_pay"][1] == "2026-09" and entry.additional_data["paid"] == 1
    assert (
        services.attendance_pay_month(
            actor=world.zx_admin, village=ZX_V1, month=D(2026, 9, 1), paid_on=D(2026, 10, 10)
        )
        == 0
    )  # paid once
    with pytest.raises(NotFound):
        services.attendance_pay_month(
            actor=world.zx_cadre1, village=ZX_V1, month=D(2026, 10, 1), paid_on=D(2026, 11, 1)
        )


def test_after_risk_elimination_the_agreement_runs_to_its_end(world, agreement):
    """Policy reference §5: time-bound measures run to term; the month is still recorded and paid."""
    from tests.posts.test_eligibility import _decide

    household = agreement.person.memberships.get().household
    _decide(household, "identification", "approved", D(2025, 6, 1))
    _decide(household, "elimination", "approved", D(2026, 6, 1))
    row = record(world.zx_cadre1, agreement, D(2026, 10, 1), 22, "80")
    assert row.pay_due == Decimal("500.00")
    agreement.refresh_from_db()
    assert agreement.ended_on is None
