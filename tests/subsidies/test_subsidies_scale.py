"""On a synthetic county with its ledger imported: the year's transport subsidies of the whole
county are computed in seconds, every claim agrees with the rule, and a second run changes
nothing."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import polars as pl
import pytest
from django.contrib.auth import get_user_model

from lnob.areas.models import Area
from lnob.areas.roles import Role
from lnob.areas.services import role_assign
from lnob.employment.models import EmploymentPolicy
from lnob.employment.subsidies import services
from lnob.employment.subsidies.models import TransportSubsidyClaim
from lnob.engine.synth import generate
from lnob.exchange.synth_out import import_ledger
from lnob.registry.bulk import load_synth_county
from tests.personas import seed_again
from tests.subsidies.conftest import ZX_PARAMS

pytestmark = pytest.mark.slow
LUDIAN = 530621000000  # 鲁甸县


@pytest.fixture
def county(db: Any) -> Any:
    from lnob.registry.models import RiskType

    if not RiskType.objects.exists():
        seed_again()
    synth = generate(6_000, seed=11, county_code=LUDIAN, county_name="鲁甸县", as_of=dt.date(2026, 6, 30))
    load_synth_county(synth)
    admin = get_user_model().objects.create_user(username="ludian_admin", password="x-password-91")
    role_assign(user=admin, area=Area.objects.get(code=LUDIAN), role=Role.COUNTY_ADMIN)
    import_ledger(synth, actor=admin)
    EmploymentPolicy.objects.create(
        kind="transport_subsidy",
        area_code=LUDIAN,
        effective_from=dt.date(2020, 1, 1),
        name="鲁甸县（测试）",
        params=ZX_PARAMS,
    )
    return admin


def test_a_whole_county_is_computed_in_seconds_and_again_changes_nothing(county: Any) -> None:
    area = Area.objects.get(code=LUDIAN)
    started = time.perf_counter()
    run = services.transport_compute(actor=county, area=area, year=2025)
    took = time.perf_counter() - started
    claims = pl.DataFrame(
        list(TransportSubsidyClaim.objects.values("tier", "amount", "months", "destination_province"))
    )
    assert run.counts["claims"] == claims.height > 0
    assert took < 30, f"{took:.1f} s"
    assert (claims["months"].cast(pl.Float64) >= 3).all()
    amounts = {"out_of_province": 600, "in_province": 300, "in_city": 200}
    for tier, amount, province in claims.select("tier", "amount", "destination_province").iter_rows():
        assert float(amount) == (500 if province == 44 else amounts[tier])
    before = list(
        TransportSubsidyClaim.objects.order_by("person_id").values_list("person_id", "tier", "amount")
    )
    services.transport_compute(actor=county, area=area, year=2025)
    assert (
        list(TransportSubsidyClaim.objects.order_by("person_id").values_list("person_id", "tier", "amount"))
        == before
    )
    print(f"\n{claims.height} claims of {run.counts} in {took:.2f} s")
