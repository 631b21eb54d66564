"""The demo data of this app, on the persona world: a demo rule where the county has none,
migrant spells, their transport subsidies computed (approved and paid in part), insurance
records; a second run adds nothing."""

from __future__ import annotations

from lnob.areas.models import Area
from lnob.employment.models import EmploymentPolicy, Spell
from lnob.employment.subsidies.demo import load_demo
from lnob.employment.subsidies.models import SocialInsuranceRecord, TransportSubsidyClaim
from lnob.registry.selectors import today
from tests.personas import ZX


def test_the_demo_fills_the_county_and_a_second_run_adds_nothing(world, county):
    zx = Area.objects.get(code=ZX)
    counts = load_demo(county=zx, today=today(), actor=world.zx_admin)
    assert counts["rules"] == 1 and counts["spells"] >= 1 and counts["employers"] == 4
    rule = EmploymentPolicy.objects.get(kind="transport_subsidy", area_code=ZX)
    assert rule.name.startswith("演示规则") and "chacewang" in rule.source
    claims = TransportSubsidyClaim.objects.filter(year=today().year - 1)
    assert claims.count() == counts["claims"] >= 1
    assert counts["paid"] == claims.filter(status="paid").count() >= 1
    assert SocialInsuranceRecord.objects.count() == counts["insurance_records"]
    # only people of 镇雄's out-of-poverty households went out in the demo
    homes = set(Spell.objects.values_list("person__memberships__household__number", flat=True))
    assert homes == {county["a"].number}
    again = load_demo(county=zx, today=today(), actor=world.zx_admin)
    assert (again["rules"], again["spells"]) == (0, 0)
    assert TransportSubsidyClaim.objects.count() == claims.count()
