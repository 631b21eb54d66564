"""Repayments, the repayment state (current, overdue, repaid, written off) and the interest
subsidy the county pays for a period, never more than the rule gives."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment.loans import selectors, services
from lnob.employment.loans.models import SubsidyPayment
from lnob.employment.loans.services import LoanMsg, subsidy_due
from tests.loans.helpers import D, head, micro


@pytest.fixture
def loan(world, households):
    return micro(world.zx_admin, head(households["v1"]))


def test_the_loan_is_settled_when_its_principal_is_repaid(world, loan) -> None:
    services.repayment_record(
        actor=world.zx_admin,
        loan=loan,
        date=D(2025, 6, 15),
        interest=Decimal("431.25"),
        principal=Decimal("0"),
    )
    services.repayment_record(
        actor=world.zx_admin, loan=loan, date=D(2026, 3, 15), principal=Decimal("20000")
    )
    loan.refresh_from_db()
    assert loan.status == "current"
    assert selectors.loan_get(user=world.zx_admin, pk=loan.pk).outstanding == Decimal("30000")
    services.repayment_record(actor=world.zx_admin, loan=loan, date=D(2026, 9, 1), principal=Decimal("30000"))
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on) == ("repaid", D(2026, 9, 1))
    with pytest.raises(DomainError) as closed:
        services.repayment_record(
            actor=world.zx_admin,
            loan=loan,
            date=D(2026, 10, 1),
            interest=Decimal("1"),
            principal=Decimal("0"),
        )
    assert closed.value.message == LoanMsg.LOAN_CLOSED


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"date": D(2025, 1, 1), "principal": Decimal("1")}, "date", None),
        ({"date": D(2030, 1, 1), "principal": Decimal("1")}, "date", Msg.IN_FUTURE),
        ({"date": D(2025, 6, 1), "principal": Decimal("-1")}, "principal", Msg.NEGATIVE_AMOUNT),
        ({"date": D(2025, 6, 1), "principal": Decimal("0")}, "principal", LoanMsg.REPAYMENT_EMPTY),
        ({"date": D(2025, 6, 1), "principal": Decimal("50000.01")}, "principal", None),
    ],
)
def test_bad_repayments_are_refused(world, loan, fields, field, message) -> None:
    with pytest.raises(DomainError) as refused:
        services.repayment_record(actor=world.zx_admin, loan=loan, **fields)
    assert refused.value.field == field
    if message is not None:
        assert refused.value.message == message


def test_a_second_repayment_the_same_day_is_refused(world, loan) -> None:
    services.repayment_record(actor=world.zx_admin, loan=loan, date=D(2025, 6, 1), principal=Decimal("100"))
    with pytest.raises(DomainError) as refused:
        services.repayment_record(
            actor=world.zx_admin, loan=loan, date=D(2025, 6, 1), principal=Decimal("100")
        )
    assert refused.value.message == LoanMsg.REPAYMENT_TWICE


def test_overdue_and_back_and_the_overdue_list(world, loan) -> None:
    services.loan_mark_overdue(actor=world.zx_admin, loan=loan, since=D(2026, 9, 15))
    assert list(selectors.overdue_loans(user=world.zx_cadre1, day=D(2026, 11, 1))) == [loan]
    assert not selectors.overdue_loans(user=world.wz_admin, day=D(2026, 11, 1)).exists()
    with pytest.raises(DomainError):
        services.loan_mark_overdue(actor=world.zx_admin, loan=loan, since=D(2026, 9, 15))  # already overdue
    services.loan_cure(actor=world.zx_admin, loan=loan)
    assert not selectors.overdue_loans(user=world.zx_admin, day=D(2026, 11, 1)).exists()
    # past maturity with principal owed is overdue whatever the bank said
    assert list(selectors.overdue_loans(user=world.zx_admin, day=D(2028, 4, 1))) == [loan]


def test_only_the_county_writes_a_loan_off(world, loan) -> None:
    with pytest.raises(NotFound):
        services.loan_write_off(actor=world.zx_township, loan=loan, on=D(2026, 10, 1))
    services.loan_write_off(actor=world.zx_admin, loan=loan, on=D(2026, 10, 1))
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on) == ("written_off", D(2026, 10, 1))
    with pytest.raises(DomainError):
        services.loan_cure(actor=world.zx_admin, loan=loan)


def test_the_subsidy_due_follows_the_principal_owed_and_the_subsidised_part(world, households) -> None:
    loan = micro(world.zx_admin, head(households["v1"]), amount=Decimal("80000"), raised_limit=True)
    # 360 days on 50,000 (the subsidised part of 80,000) at 3.45%: 1,725.00
    assert subsidy_due(loan, D(2025, 3, 15), D(2026, 3, 9), []) == Decimal("1725.00")
    # 40,000 repaid on day 180 leaves 40,000 owed, below the subsidised part
    repaid = [(D(2025, 9, 10), Decimal("40000"))]
    expected = (Decimal(50000) * 180 + Decimal(40000) * 180) * Decimal("3.45") / 100 / 360
    assert subsidy_due(loan, D(2025, 3, 15), D(2026, 3, 9), repaid) == expected.quantize(Decimal("0.01"))


def test_the_county_pays_the_subsidy_once_per_period_and_never_above_what_is_due(world, loan) -> None:
    with pytest.raises(NotFound):  # a township officer does not sign money off
        services.subsidy_pay(
            actor=world.zx_township,
            loan=loan,
            period_start=D(2025, 3, 15),
            period_end=D(2026, 3, 9),
            amount=Decimal("100"),
            paid_on=D(2026, 4, 1),
        )
    with pytest.raises(DomainError) as above:
        services.subsidy_pay(
            actor=world.zx_admin,
            loan=loan,
            period_start=D(2025, 3, 15),
            period_end=D(2026, 3, 9),
            amount=Decimal("1725.01"),
            paid_on=D(2026, 4, 1),
        )
    assert above.value.field == "amount" and "1725.00" in str(above.value.message)
    paid = services.subsidy_pay(
        actor=world.zx_admin,
        loan=loan,
        period_start=D(2025, 3, 15),
        period_end=D(2026, 3, 9),
        amount=Decimal("1725.00"),
        paid_on=D(2026, 4, 1),
    )
    assert paid.due == Decimal("1725.00") and paid.approved_by == world.zx_admin
    with pytest.raises(DomainError) as twice:
        services.subsidy_pay(
            actor=world.zx_admin,
            loan=loan,
            period_start=D(2026, 1, 1),
            period_end=D(2026, 6, 30),
            amount=Decimal("10"),
            paid_on=D(2026, 7, 1),
        )
    assert twice.value.field == "period_start"
    with pytest.raises(DomainError):
        services.subsidy_pay(
            actor=world.zx_admin,
            loan=loan,
            period_start=D(2026, 6, 1),
            period_end=D(2026, 5, 1),
            amount=Decimal("10"),
            paid_on=D(2026, 7, 1),
        )
    assert SubsidyPayment.objects.count() == 1


def test_a_loan_without_subsidy_earns_none(world, households) -> None:
    loan = micro(world.zx_admin, head(households["v1"]), subsidy_rate=Decimal("0"))
    with pytest.raises(DomainError) as refused:
        services.subsidy_pay(
            actor=world.zx_admin,
            loan=loan,
            period_start=D(2025, 3, 15),
            period_end=D(2025, 6, 30),
            amount=Decimal("1"),
            paid_on=D(2026, 7, 1),
        )
    assert refused.value.message == LoanMsg.NO_SUBSIDY
