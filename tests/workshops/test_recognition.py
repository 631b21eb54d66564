"""Recognition (认定): the province's criteria evaluated against the roster read from the ledger,
with the figures kept so the result can be explained."""

from __future__ import annotations

import datetime as dt

import pytest

from lnob.employment.models import EmploymentPolicy
from lnob.employment.workshops import services
from lnob.employment.workshops.assess import explain
from lnob.employment.workshops.models import Assessment, WorkshopEvent
from tests.personas import WZ_V1
from tests.workshops.helpers import hire, make_worker

D = dt.date


def test_five_out_of_poverty_workers_of_three_months_recognise_the_workshop(world, staffed, workers):
    result = services.workshop_recognise(actor=world.wz_admin, workshop=staffed, day=D(2025, 12, 31))
    staffed.refresh_from_db()
    assert result.met and staffed.state == "normal" and staffed.recognised_on == D(2025, 12, 31)
    assert result.figures["workers"] == 7 and result.figures["poor_workers"] == 5
    assert result.policy.name.startswith("帮扶车间认定标准（默认")  # no Chongqing rule: the national default
    texts = [c["text"] for c in explain(result.figures) if c["ok"]]
    assert "脱贫户或监测户工人 5 人 ≥ 5 人" in texts
    assert WorkshopEvent.objects.filter(workshop=staffed, action="recognise", to_state="normal").exists()


def test_workers_with_less_than_three_months_do_not_count_and_the_workshop_waits(world, staffed):
    result = services.workshop_recognise(actor=world.wz_admin, workshop=staffed, day=D(2025, 11, 10))
    staffed.refresh_from_db()
    assert not result.met and staffed.state == "applied"
    assert result.figures["roster"] == 7 and result.figures["workers"] == 0  # September and October only
    assert "脱贫户或监测户工人 0 人 ≥ 5 人" in [c["text"] for c in explain(result.figures) if not c["ok"]]
    # the figures are kept even though nothing changed
    assert Assessment.objects.get(workshop=staffed, day=D(2025, 11, 10)).met is False


def test_ten_workers_a_third_of_them_poor_is_the_other_way_in(world, shop):
    people = [
        make_worker(world.wz_cadre, WZ_V1, poor=i < 3, name=f"甲{i}", birth=f"19{70 + i}0101")
        for i in range(10)
    ]
    for p in people:
        hire(world.wz_admin, shop, p, D(2026, 1, 5))
    result = services.workshop_recognise(actor=world.wz_admin, workshop=shop, day=D(2026, 4, 30))
    assert result.met
    groups = {c["group"]: c["ok"] for c in result.figures["criteria"] if c["key"] == "poor_share"}
    assert groups == {1: True}  # 30% of 10
    assert result.figures["poor_share"] == "0.300"


def test_a_county_rule_is_narrower_than_the_default_and_can_add_a_wage_floor(world, staffed):
    EmploymentPolicy.objects.create(
        kind="workshop_recognition",
        area_code=500101000000,
        effective_from=D(2026, 1, 1),
        name="万州区认定标准",
        params={
            "any_of": [{"min_poor_workers": 5}],
            "min_months": 3,
            "min_average_wage": {"home_based": "2500"},
        },
        source="https://example.gov.cn/wz",
    )
    result = services.workshop_recognise(actor=world.wz_admin, workshop=staffed, day=D(2026, 4, 30))
    assert not result.met and result.policy.name == "万州区认定标准"
    assert "月平均工资 2000.00 元 ≥ 2500 元" in [c["text"] for c in explain(result.figures) if not c["ok"]]


def test_a_recognised_workshop_is_not_recognised_twice_and_other_counties_cannot(world, recognised):
    from lnob.core.errors import DomainError, NotFound

    with pytest.raises(DomainError) as refused:
        services.workshop_recognise(actor=world.wz_admin, workshop=recognised, day=D(2026, 5, 30))
    assert refused.value.field == "state"
    with pytest.raises(NotFound):
        services.workshop_recognise(actor=world.zx_admin, workshop=recognised, day=D(2026, 5, 30))


def test_the_seeded_rules_carry_their_sources(db):
    from lnob.employment import policy

    rows = EmploymentPolicy.objects.filter(kind__startswith="workshop_")
    assert rows.count() >= 12 and all(r.source.startswith("http") for r in rows)
    for row in rows:
        policy.parse_params(row.kind, row.params)
    helan = policy.rule_for("workshop_recognition", 640122001001, D(2026, 1, 1))
    assert helan.row.name == "贺兰县扶贫车间认定标准" and helan.params.any_of[0].min_workers == 10
