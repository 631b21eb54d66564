"""The public-welfare post rule is data: the versions cited in the policy reference are seeded
with their sources, the narrowest region's version holds, and bad parameters are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lnob.employment.models import EmploymentPolicy
from lnob.employment.posts.rules import params, post_rule

D = dt.date
GUANTAO_VILLAGE = 130433100201
HUNAN_COUNTY = 430124000000  # 宁乡
GUIZHOU_COUNTY = 520102000000


def test_the_cited_rules_are_seeded_with_their_sources(db):
    rows = {r.area_code: r for r in EmploymentPolicy.objects.filter(kind="public_welfare_post")}
    assert set(rows) == {0, 520000000000, 130433000000, 430000000000}
    assert all(r.source.startswith("http") for r in rows.values())
    assert "guantao.gov.cn" in rows[130433000000].source and "hunan.ifeng.com" in rows[430000000000].source


def test_the_narrowest_region_holds(db):
    guantao = params(post_rule(GUANTAO_VILLAGE, D(2026, 3, 1)))
    assert guantao.excluded_statuses == ["risk_eliminated"] and guantao.heavy_share_percent == "20"
    assert (
        str(guantao.pay_cap("ordinary", False)) == "500" and str(guantao.pay_cap("ordinary", True)) == "550"
    )
    assert params(post_rule(HUNAN_COUNTY, D(2026, 3, 1))).funding == ["linkage_funds", "employment_funds"]
    assert post_rule(HUNAN_COUNTY, D(2023, 6, 1)).row.area_code == 0  # before Hunan's 2024 rules
    guizhou = post_rule(GUIZHOU_COUNTY, D(2026, 3, 1))
    assert guizhou.row.area_code == 520000000000 and params(guizhou).max_age == 60
    default = params(post_rule(530627102201, D(2026, 3, 1)))
    assert default.labour_capacities == ["partial"] and default.household_statuses == [
        "out_of_poverty",
        "monitored",
    ]
    assert default.agreement_max_months == 12 and default.publicity_days == 5


@pytest.mark.parametrize(
    "bad",
    [{"min_age": 61, "max_age": 60}, {"labour_capacities": ["strong"]}, {"heavy_share_max": "1.5"},
     {"pay": {"ordinary": "-5"}}, {"unknown": 1}],
)  # fmt: skip
def test_bad_parameters_are_refused(db, bad):
    row = EmploymentPolicy(
        kind="public_welfare_post", area_code=0, effective_from=D(2027, 1, 1), name="x", params=bad
    )
    with pytest.raises(ValidationError):
        row.clean()
