"""The transport-subsidy rules are data: the seeded examples with their sources, checked
parameters, and no national default (a county without a rule is told so)."""

from __future__ import annotations

import datetime as dt

import pytest

from lnob.core.errors import DomainError
from lnob.employment.models import EmploymentPolicy
from lnob.employment.policy import parse_params, rule_for
from tests.personas import WZ, ZX

D = dt.date


@pytest.fixture(autouse=True)
def _seeded(db):
    """The seed migration's rules, again: a transactional test run earlier empties the database."""
    import importlib

    from django.apps import apps

    importlib.import_module("lnob.employment.subsidies.migrations.0002_seed_transport_rules").seed(apps, None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("county", "name", "out_of_province", "source"),
    [
        (620823000000, "崇信县", "600", "chacewang.com/newsdetail/news591681"),
        (140821000000, "临猗县", "1500", "sxly.gov.cn"),
        (230102000000, "黑龙江", "500", "hbs486.com"),  # a Harbin district: the province's rule
        (520181000000, "清镇市", "1000", "news524417"),
    ],
)
def test_the_seeded_examples_apply_to_their_places_with_their_sources(county, name, out_of_province, source):
    rule = rule_for("transport_subsidy", county, D(2025, 6, 30))
    assert name in rule.row.name and source in rule.source
    assert rule.params.amounts["out_of_province"] == int(out_of_province)


@pytest.mark.django_db
def test_chongxin_pays_shaanxi_and_ningxia_their_own_amount_and_the_city_less():
    rule = rule_for("transport_subsidy", 620823000000, D(2025, 6, 30))
    assert {p.province: p.amount for p in rule.params.provinces} == {61: 400, 64: 400}
    assert rule.params.amounts["in_city"] < rule.params.amounts["in_province"]
    assert rule_for("transport_subsidy", 520181000000, D(2025, 6, 30)).params.high_income_amount == 500
    assert rule_for("transport_subsidy", 230102000000, D(2025, 6, 30)).params.actual_cost_if_lower


@pytest.mark.django_db
@pytest.mark.parametrize("county", [ZX, WZ])
def test_a_county_without_a_rule_is_told_to_ask_for_one(county):
    with pytest.raises(DomainError) as refused:
        rule_for("transport_subsidy", county, D(2025, 12, 31))
    assert "一次性交通补助" in str(refused.value.message) and "请县级管理员在配置中添加" in str(
        refused.value.message
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"amounts": {}}, "params.amounts"),
        ({"amounts": {"abroad": 100}}, "params.amounts.abroad.[key]"),
        ({"amounts": {"out_of_province": -1}}, "params.amounts.out_of_province"),
        ({"amounts": {"out_of_province": 600}, "min_months": 0}, "params.min_months"),
        ({"amounts": {"out_of_province": 600}, "income_threshold": 10000}, "params.params"),
        ({"amounts": {"in_province": 300}, "provinces": [{"province": 61, "amount": 400}]}, "params.params"),
        ({"amounts": {"out_of_province": 600}, "household_groups": []}, "params.household_groups"),
        ({"amounts": {"out_of_province": 600}, "household_groups": ["rich"]}, "params.household_groups.0"),
        ({"amounts": {"out_of_province": 600}, "typo": 1}, "params.typo"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(params, field):
    with pytest.raises(DomainError) as refused:
        parse_params("transport_subsidy", params)
    assert refused.value.field == field


@pytest.mark.django_db
def test_the_admin_form_refuses_a_rule_with_bad_parameters():
    from django.core.exceptions import ValidationError

    row = EmploymentPolicy(
        kind="transport_subsidy",
        area_code=ZX,
        effective_from=D(2025, 1, 1),
        name="x",
        params={"amounts": {"out_of_province": "-5"}},
    )
    with pytest.raises(ValidationError):
        row.clean()
