"""The loan rules are data: seeded with their sources, one kind per loan type, and a county may
set its own version, which then holds there and only there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lnob.core.errors import DomainError
from lnob.employment.loans.services import limits_for
from lnob.employment.models import EmploymentPolicy
from lnob.employment.policy import parse_params
from tests.personas import WZ_V1, ZX, ZX_V1

D = dt.date


def test_the_defaults_are_seeded_with_their_sources(db) -> None:
    startup = limits_for("startup_guarantee", ZX_V1, D(2026, 1, 1))
    assert startup.params.amount_max == Decimal("200000")
    assert startup.params.term_months_max == 36 and startup.params.eligible_statuses == []
    assert "weilaishidai" in startup.source
    micro = limits_for("micro_credit", ZX_V1, D(2026, 1, 1))
    p = micro.params
    assert (p.amount_max, p.raised_max, p.subsidised_max) == (Decimal(50000), Decimal(100000), Decimal(50000))
    assert (p.term_months_max, p.age_min, p.age_max) == (36, 18, 65)
    assert set(p.eligible_statuses) == {"out_of_poverty", "monitored"}
    assert "bypc.gov.cn" in micro.source


def test_before_the_2020_notice_there_is_no_start_up_rule(db) -> None:
    with pytest.raises(DomainError) as refused:
        limits_for("startup_guarantee", ZX_V1, D(2019, 6, 1))
    assert refused.value.field == "policy"


def test_a_county_version_holds_in_that_county_only(db) -> None:
    params = dict(EmploymentPolicy.objects.get(kind="loan_micro_credit").params, amount_max="30000")
    EmploymentPolicy.objects.create(
        kind="loan_micro_credit",
        area_code=ZX,
        effective_from=D(2025, 1, 1),
        name="镇雄县小额信贷",
        params=params,
    )
    assert limits_for("micro_credit", ZX_V1, D(2025, 6, 1)).params.amount_max == Decimal("30000")
    assert limits_for("micro_credit", ZX_V1, D(2024, 6, 1)).params.amount_max == Decimal("50000")
    assert limits_for("micro_credit", WZ_V1, D(2025, 6, 1)).params.amount_max == Decimal("50000")


@pytest.mark.parametrize(
    "change", [{"age_min": 70}, {"raised_max": "1000"}, {"eligible_statuses": ["rich"]}, {"amount_max": "-5"}]
)
def test_a_rule_with_impossible_parameters_is_refused(db, change) -> None:
    params = dict(EmploymentPolicy.objects.get(kind="loan_micro_credit").params, **change)
    with pytest.raises(DomainError):
        parse_params("loan_micro_credit", params)
