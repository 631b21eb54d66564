"""The dashboards' figures per village (provider "loans"): loans outstanding at a month's end,
their principal and what is still owed, overdue ones, repayments and subsidy in the month, and the
businesses with the jobs they create, answered as of the month from dated records."""

from __future__ import annotations

from decimal import Decimal

from lnob.employment.loans import services
from lnob.employment.loans.figures import village_figures
from lnob.measures.providers import SCHEMA, registered
from tests.loans.helpers import D, business, head, micro, returnee, valid_code
from tests.personas import WZ, ZX, ZX_V1, ZX_V2


def _figures(county, day):
    frame = village_figures(county, day)
    assert frame.schema == SCHEMA
    return {(v, m): val for v, m, val in frame.iter_rows()}


def test_the_provider_is_registered() -> None:
    assert registered()["loans"] is village_figures


def test_the_figures_answer_as_of_each_month_end(world, households) -> None:
    owner = head(households["v2"])
    b = business(world.zx_admin, returnee(world.zx_admin, owner), credit_code=valid_code(), other_jobs=1)
    services.business_hire(
        actor=world.zx_admin, business=b, person=head(households["v1"]), start=D(2025, 2, 1)
    )
    loan = micro(world.zx_admin, head(households["v1"]))
    services.repayment_record(
        actor=world.zx_admin, loan=loan, date=D(2025, 6, 15), principal=Decimal("10000")
    )
    services.subsidy_pay(
        actor=world.zx_admin,
        loan=loan,
        period_start=D(2025, 3, 15),
        period_end=D(2025, 6, 14),
        amount=Decimal("400"),
        paid_on=D(2025, 6, 20),
    )

    before = _figures(ZX, D(2025, 2, 28))
    assert ("loans.count" not in {m for _v, m in before}) and before[(ZX_V2, "loans.jobs_created")] == 2
    june = _figures(ZX, D(2025, 6, 30))
    assert june[(ZX_V1, "loans.count")] == 1 and june[(ZX_V1, "loans.micro_count")] == 1
    assert june[(ZX_V1, "loans.amount_sum")] == 50000 and june[(ZX_V1, "loans.outstanding_sum")] == 40000
    assert june[(ZX_V1, "loans.repaid_month")] == 10000 and june[(ZX_V1, "loans.subsidy_month")] == 400
    assert june[(ZX_V2, "loans.businesses")] == 1 and june[(ZX_V2, "loans.returnees")] == 1
    assert june[(ZX_V2, "loans.jobs_created")] == 2 and june[(ZX_V2, "loans.jobs_poor")] == 1
    assert (ZX_V1, "loans.overdue_count") not in june
    # past maturity with principal owed: overdue at that month's end
    assert _figures(ZX, D(2028, 3, 31))[(ZX_V1, "loans.overdue_count")] == 1
    assert village_figures(WZ, D(2025, 6, 30)).is_empty()
