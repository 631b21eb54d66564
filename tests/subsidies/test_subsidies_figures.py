"""The dashboard figures of this app, per village and as of a month's end: transport subsidies
paid in the month and their yuan, those approved and awaiting payment, and the people insured in
the quarter with how many of them the ledger misses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lnob.areas.models import Area
from lnob.employment.selectors import month_end
from lnob.employment.subsidies import services
from lnob.employment.subsidies.figures import quarter_start, subsidy_figures
from lnob.employment.subsidies.models import SocialInsuranceRecord, TransportSubsidyClaim
from lnob.measures.providers import SCHEMA, registered
from lnob.registry.selectors import today
from tests.personas import ZX, ZX_V1, ZX_V2
from tests.subsidies.conftest import YEAR, work

D = dt.date


def _figures(day: dt.date) -> dict[tuple[int, str], float]:
    frame = subsidy_figures(ZX, day)
    assert frame.schema == SCHEMA
    return {(v, m): x for v, m, x in frame.iter_rows()}


def test_the_provider_is_registered_and_answers_with_village_figures(world, people):
    assert registered()["subsidies"] is subsidy_figures
    work(world.zx_cadre1, people["li"], D(YEAR, 2, 1), D(YEAR, 7, 31))
    work(world.zx_cadre2, people["zhao"], D(YEAR, 2, 1), D(YEAR, 7, 31))
    services.transport_compute(actor=world.zx_admin, area=Area.objects.get(code=ZX), year=YEAR)
    li, zhao = (TransportSubsidyClaim.objects.get(person=people[k]) for k in ("li", "zhao"))
    services.transport_claim_approve(actor=world.zx_admin, claim=li)
    services.transport_claim_approve(actor=world.zx_admin, claim=zhao)
    services.transport_claim_pay(
        actor=world.zx_admin, claim=li, paid_on=today(), amount=Decimal(450), reference="B"
    )
    quarter = quarter_start(today())
    SocialInsuranceRecord.objects.bulk_create(
        [
            SocialInsuranceRecord(
                person=people[k],
                quarter=quarter,
                credit_code="91441900MA4W123409",
                kind="pension",
                months=1,
                region=441900000000,
            )
            for k in ("li", "zhao", "sun")
        ]
    )
    work(world.zx_cadre1, people["li"], quarter, None)
    assert _figures(month_end(today())) == {
        (ZX_V1, "subsidies.transport_paid_month"): 1.0,
        (ZX_V1, "subsidies.transport_paid_sum_month"): 450.0,
        (ZX_V2, "subsidies.transport_awaiting"): 1.0,
        (ZX_V1, "subsidies.insured"): 1.0,
        (ZX_V2, "subsidies.insured"): 1.0,
        (ZX_V2, "subsidies.insured_not_in_ledger"): 1.0,
    }
    # a month before the payment and the approvals: nothing of the transport subsidies yet
    earlier = _figures(D(YEAR, 6, 30))
    assert not [k for k in earlier if k[1].startswith("subsidies.transport")]


def test_a_county_with_nothing_has_an_empty_frame(world):
    frame = subsidy_figures(ZX, D(YEAR, 6, 30))
    assert frame.is_empty() and frame.schema == SCHEMA
