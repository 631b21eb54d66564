"""Approving, refusing and paying transport subsidies, and a claim computed by hand: payments
above the computed amount, a second payment, and a claim for too few months are refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, transaction

from lnob.areas.models import Area
from lnob.core.errors import DomainError, NotFound
from lnob.employment.subsidies import services
from lnob.employment.subsidies.models import TransportSubsidyClaim
from lnob.registry.selectors import today
from tests.personas import ZX, ZX_V1
from tests.subsidies.conftest import YEAR, work

D = dt.date
M = services.SubsidyMsg


@pytest.fixture
def claim(world, people):
    work(world.zx_cadre1, people["li"], D(YEAR, 2, 1), D(YEAR, 7, 31))
    services.transport_compute(actor=world.zx_admin, area=Area.objects.get(code=ZX), year=YEAR)
    return TransportSubsidyClaim.objects.get(person=people["li"])


def test_a_claim_is_approved_then_paid_once(world, claim):
    services.transport_claim_approve(actor=world.zx_admin, claim=claim)
    paid = services.transport_claim_pay(
        actor=world.zx_admin, claim=claim, paid_on=today(), amount=Decimal("420"), reference="BANK-001"
    )
    assert (paid.status, paid.paid_amount, paid.payment_reference, paid.paid_by) == (
        "paid",
        Decimal("420"),
        "BANK-001",
        world.zx_admin,
    )
    with pytest.raises(DomainError) as refused:
        services.transport_claim_pay(
            actor=world.zx_admin, claim=claim, paid_on=today(), amount=Decimal(80), reference="x"
        )
    assert refused.value.field == "paid_on" and "不能再次发放" in str(refused.value.message)
    entry = (
        LogEntry.objects.get_for_object(paid).filter(action=LogEntry.Action.UPDATE).first()
    )  # newest first
    assert entry.changes_dict["paid_amount"][1] != "420"  # money is masked in the change log


@pytest.mark.parametrize(
    ("amount", "paid_on", "reference", "field"),
    [
        (Decimal("500.01"), None, "B", "paid_amount"),
        (Decimal("0"), None, "B", "paid_amount"),
        (Decimal("100"), "future", "B", "paid_on"),
        (Decimal("100"), "before", "B", "paid_on"),
        (Decimal("100"), None, " ", "payment_reference"),
    ],
)
def test_a_bad_payment_is_refused_and_nothing_is_paid(world, claim, amount, paid_on, reference, field):
    services.transport_claim_approve(actor=world.zx_admin, claim=claim)
    day = {"future": today() + dt.timedelta(days=1), "before": D(YEAR - 1, 12, 31)}.get(paid_on, today())
    with pytest.raises(DomainError) as refused:
        services.transport_claim_pay(
            actor=world.zx_admin, claim=claim, paid_on=day, amount=amount, reference=reference
        )
    assert refused.value.field == field
    assert TransportSubsidyClaim.objects.get(pk=claim.pk).status == "approved"


def test_an_unapproved_claim_cannot_be_paid(world, claim):
    with pytest.raises(DomainError) as refused:
        services.transport_claim_pay(
            actor=world.zx_admin, claim=claim, paid_on=today(), amount=Decimal(1), reference="B"
        )
    assert refused.value.field == "status"


def test_the_database_refuses_a_payment_above_the_amount_and_a_second_claim_of_the_year(world, claim):
    with pytest.raises(IntegrityError), transaction.atomic():
        TransportSubsidyClaim.objects.filter(pk=claim.pk).update(
            status="paid", paid_on=today(), paid_amount=Decimal(501)
        )
    twin = TransportSubsidyClaim(
        person=claim.person,
        household=claim.household,
        village=claim.village,
        year=YEAR,
        tier="in_city",
        months=Decimal(3),
        amount=Decimal(200),
        rule=claim.rule,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_refusing_needs_a_reason_and_a_paid_claim_cannot_be_refused(world, claim):
    with pytest.raises(DomainError) as refused:
        services.transport_claim_reject(actor=world.zx_admin, claim=claim, reason="  ")
    assert refused.value.message == M.REASON_REQUIRED
    services.transport_claim_reject(actor=world.zx_admin, claim=claim, reason="全国系统无务工记录")
    assert TransportSubsidyClaim.objects.get(pk=claim.pk).reason == "全国系统无务工记录"
    with pytest.raises(DomainError):
        services.transport_claim_approve(actor=world.zx_admin, claim=claim)


@pytest.mark.parametrize("who", ["zx_township", "zx_cadre1", "wz_admin"])
def test_only_the_county_approves_and_pays(world, claim, who):
    with pytest.raises(NotFound):
        services.transport_claim_approve(actor=getattr(world, who), claim=claim)
    with pytest.raises(NotFound):
        services.transport_claims_approve(actor=getattr(world, who), village=ZX_V1, year=YEAR)


def test_a_villages_computed_claims_are_approved_at_once_with_one_audit_entry(world, people, claim):
    work(world.zx_cadre1, people["qian"], D(YEAR, 2, 1), D(YEAR, 7, 31))  # not eligible: no claim
    assert services.transport_claims_approve(actor=world.zx_admin, village=ZX_V1, year=YEAR) == 1
    assert services.transport_claims_approve(actor=world.zx_admin, village=ZX_V1, year=YEAR) == 0
    assert TransportSubsidyClaim.objects.get(pk=claim.pk).status == "approved"
    entry = LogEntry.objects.filter(additional_data__claims=[claim.pk]).get()
    assert entry.actor == world.zx_admin and entry.additional_data["area"] == ZX_V1


def test_a_claim_by_hand_is_computed_from_the_ledger(world, people):
    work(world.zx_cadre2, people["zhao"], D(YEAR, 1, 1), D(YEAR, 12, 31), destination="陕西省西安市")
    c = services.transport_claim_add(actor=world.zx_township, person=people["zhao"], year=YEAR)
    assert (c.tier, c.amount, c.months, c.note) == (
        "out_of_province",
        Decimal("600.00"),
        Decimal("12.0"),
        "人工添加",
    )


@pytest.mark.parametrize(
    ("who", "months", "message"),
    [
        ("zhao", 2, "不足规则要求的 3 个月"),
        ("zhao", 0, "没有此人"),
        ("qian", 6, "不属于该规则的补助对象"),
    ],
)
def test_a_claim_by_hand_for_someone_not_eligible_is_refused_with_the_reason(
    world, people, who, months, message
):
    cadre = world.zx_cadre2 if who == "zhao" else world.zx_cadre1
    if months:
        work(cadre, people[who], D(YEAR, 1, 1), D(YEAR, months, 28))
    with pytest.raises(DomainError) as refused:
        services.transport_claim_add(actor=world.zx_admin, person=people[who], year=YEAR)
    assert message in str(refused.value.message)
    assert not TransportSubsidyClaim.objects.exists()


def test_a_claim_by_hand_after_a_decision_is_refused(world, people, claim):
    services.transport_claim_approve(actor=world.zx_admin, claim=claim)
    with pytest.raises(DomainError) as refused:
        services.transport_claim_add(actor=world.zx_admin, person=people["li"], year=YEAR)
    assert "每人每年只发放一次" in str(refused.value.message)
    with pytest.raises(NotFound):
        services.transport_claim_add(actor=world.zx_cadre1, person=people["li"], year=YEAR)
