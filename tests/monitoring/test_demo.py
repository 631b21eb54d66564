"""The demo's monitoring history (lnob.monitoring.demo) on the persona world: the sweep's leads of
one county carried through the procedure by the level that signs each step, in order, and
nothing of the other county touched; a second run adds nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from lnob.areas.models import Area
from lnob.monitoring.demo import load_demo
from lnob.monitoring.models import Case, CaseEvent, Lead
from lnob.monitoring.selectors import monitored_case_ids
from tests.monitoring.helpers import sweep
from tests.personas import ZX

STEPS = ["open", "visit", "compare", "village_review", "post_notice", "township_review", "approve"]


def test_the_demo_takes_the_countys_leads_to_approval_each_step_by_its_level(world, county):
    from lnob.monitoring.cases import report_risk

    sweep(ZX)
    report_risk(actor=world.wz_cadre, household=county["d"], channel="cadre", risk_types=["illness"],
                note="大病住院")  # fmt: skip
    lo, hi = Area.objects.get(code=ZX).subtree
    zx_leads = set(Lead.objects.filter(village_id__gte=lo, village_id__lt=hi).values_list("pk", flat=True))
    assert Lead.objects.exclude(pk__in=zx_leads).exists()
    assert len(zx_leads) >= 2
    counts = load_demo(county=Area.objects.get(code=ZX), actor=world.zx_admin)
    assert counts == {"approved": len(zx_leads), "in_progress": 0, "rejected": 0, "refused": 0}
    cases = list(Case.objects.order_by("pk"))
    assert {c.lead_id for c in cases} == zx_leads  # 万州's leads are left to 万州
    assert set(monitored_case_ids(Case.objects.all())) == {c.pk for c in cases}
    out_of_poverty = Case.objects.get(household__number="5306271022010101")
    assert out_of_poverty.category_id == "unstable_out_of_poverty" and out_of_poverty.risk_types
    users = get_user_model().objects
    cadres, officers = users.get(username="demo_village_cadres"), users.get(username="demo_township_officers")
    assert not cadres.has_usable_password() and not officers.has_usable_password()
    for case in cases:
        events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))
        assert [e.action for e in events] == STEPS  # the history reads in the order it was done
        by = {e.action: e.actor_id for e in events}
        assert by["visit"] == by["village_review"] == cadres.pk
        assert by["township_review"] == officers.pk and by["approve"] == world.zx_admin.pk
        assert case.opened_at <= events[3].at and case.notice_end < case.closed_at.date()
    assert load_demo(county=Area.objects.get(code=ZX), actor=world.zx_admin) == {
        "approved": 0, "in_progress": 0, "rejected": 0, "refused": 0,
    }  # fmt: skip
    assert Case.objects.count() == len(cases)


def test_a_countys_own_cadres_take_their_villages_cases(world, county):
    """The demo's village cadre signs the cases of their own village; a stand-in the others."""
    from lnob.areas.models import RoleAssignment
    from lnob.areas.roles import Role
    from tests.personas import ZX_V1

    own = get_user_model().objects.create(username="demo_village_cadre")
    RoleAssignment.objects.create(user=own, area_id=ZX_V1, role=Role.VILLAGE_CADRE)
    sweep(ZX)
    load_demo(county=Area.objects.get(code=ZX), actor=world.zx_admin)
    visits = CaseEvent.objects.filter(action="visit").values_list("case__village_id", "actor__username")
    assert visits and all((name == "demo_village_cadre") == (v == ZX_V1) for v, name in visits)
