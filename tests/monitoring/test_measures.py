"""Assistance plans: measures for monitored households, developmental ones for a household without
labour only with a reason, statuses in order, by the village or the county, in their own areas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from lnob.core.errors import DomainError, NotFound
from lnob.core.models import ApiToken
from lnob.monitoring.cases import lead_accept, measure_add, measure_status
from lnob.monitoring.models import Lead, Measure
from lnob.registry import services
from tests.monitoring.helpers import monitor, sweep
from tests.personas import ZX, ZX_V1, make_household, person

A = "5306271022010101"
OLD = "5306271022010199"  # an old man living alone: no one able to work
START = dt.date(2026, 11, 1)


@pytest.fixture
def old_alone(world, county):
    household = make_household(
        world.zx_cadre1,
        ZX_V1,
        OLD,
        status="out_of_poverty",
        left_poverty_year=2018,
        head=person("19400302", name="孤老"),
    )
    services.income_record(
        actor=world.zx_cadre1,
        household=household,
        period_start=dt.date(2025, 7, 1),
        period_end=dt.date(2026, 6, 30),
        source="transfer",
        transfer_type="pension",
        amount=Decimal("2400"),
    )
    sweep(ZX)
    return household


def _refused(_field, _why, fn, **kwargs):
    with pytest.raises(DomainError) as caught:
        fn(**kwargs)
    assert caught.value.field == _field, caught.value.as_dict()
    assert _why in caught.value.message, caught.value.message


def test_a_plan_for_a_household_with_labour(world, old_alone):
    case = monitor(world, A, cadre=world.zx_cadre1)
    job = measure_add(
        actor=world.zx_cadre1, case=case, type="job_referral", start=START, responsible="张书记"
    )
    assert (job.kind, job.status, job.household.number) == ("developmental", "planned", A)
    loan = measure_add(actor=world.zx_admin, case=case, type="loan", start=START, responsible="县农商行")
    measure_status(actor=world.zx_cadre1, measure=job, status="active")
    done = measure_status(actor=world.zx_cadre1, measure=job, status="done", end=dt.date(2026, 11, 20))
    assert (done.status, done.end) == ("done", dt.date(2026, 11, 20))
    _refused("status", "不能改为", measure_status, actor=world.zx_cadre1, measure=job, status="active")
    _refused("status", "不能改为", measure_status, actor=world.zx_cadre1, measure=loan, status="done")
    _refused(
        "end",
        "早于",
        measure_add,
        actor=world.zx_cadre1,
        case=case,
        type="training",
        start=START,
        end=START - dt.timedelta(days=1),
        responsible="x",
    )
    _refused(
        "responsible",
        "责任人",
        measure_add,
        actor=world.zx_cadre1,
        case=case,
        type="training",
        start=START,
        responsible=" ",
    )
    _refused(
        "type",
        "未知",
        measure_add,
        actor=world.zx_cadre1,
        case=case,
        type="cash",
        start=START,
        responsible="x",
    )
    _refused(
        "type",
        "村干部或县级",
        measure_add,
        actor=world.zx_township,
        case=case,
        type="training",
        start=START,
        responsible="x",
    )
    for outsider in (world.zx_cadre2, world.wz_admin, world.wz_cadre):
        with pytest.raises(NotFound):
            measure_add(actor=outsider, case=case, type="training", start=START, responsible="x")
        with pytest.raises(NotFound):
            measure_status(actor=outsider, measure=loan, status="active")
    assert Measure.objects.count() == 2


def test_no_labour_means_protective_measures_unless_a_reason_is_given(world, old_alone):
    case = monitor(world, OLD, cadre=world.zx_cadre1)
    _refused(
        "type",
        "没有劳动能力",
        measure_add,
        actor=world.zx_cadre1,
        case=case,
        type="workshop_job",
        start=START,
        responsible="村主任",
    )
    _refused(
        "override_reason",
        "为何",
        measure_add,
        actor=world.zx_cadre1,
        case=case,
        type="workshop_job",
        start=START,
        responsible="村主任",
        no_labour_override=True,
    )
    protective = measure_add(
        actor=world.zx_cadre1, case=case, type="tekun", start=START, responsible="民政办"
    )
    assert protective.kind == "protective" and not protective.no_labour_override
    override = measure_add(
        actor=world.zx_cadre1,
        case=case,
        type="industry_support",
        start=START,
        responsible="村主任",
        no_labour_override=True,
        override_reason="本人愿意养蜂，由邻居代为照看，收益归本户",
    )
    assert override.no_labour_override and "养蜂" in override.override_reason


def test_measures_wait_for_approval_unless_on_the_fast_track(world, old_alone):
    lead = Lead.objects.get(household__number=A)
    case = lead_accept(actor=world.zx_cadre1, lead=lead, comment="核实")
    _refused(
        "case",
        "纳入监测后",
        measure_add,
        actor=world.zx_cadre1,
        case=case,
        type="dibao",
        start=START,
        responsible="民政办",
    )
    fast = lead_accept(
        actor=world.zx_cadre1,
        lead=Lead.objects.get(household__number=OLD),
        comment="灾后",
        fast_track=True,
        fast_track_reason="房屋垮塌，先行救助",
    )
    assert (
        measure_add(
            actor=world.zx_cadre1, case=fast, type="temporary_assistance", start=START, responsible="民政办"
        ).status
        == "planned"
    )


def test_screen_and_api(world, old_alone):
    case = monitor(world, A, cadre=world.zx_cadre1)
    web = Client()
    web.force_login(world.zx_cadre1)
    page = web.get(f"/monitoring/cases/{case.pk}/").content.decode()
    assert 'data-testid="measure-form"' in page
    bad = {"do": "measure", "type": "training", "start": "2026-11-01", "responsible": ""}
    assert 'data-testid="field-error"' in web.post(f"/monitoring/cases/{case.pk}/", bad).content.decode()
    bad["responsible"] = "张书记"
    assert web.post(f"/monitoring/cases/{case.pk}/", bad).status_code == 302
    measure = Measure.objects.get()
    web.post(
        f"/monitoring/cases/{case.pk}/", {"do": "measure_status", "measure": measure.pk, "status": "active"}
    )
    assert Measure.objects.get().status == "active"

    api = Client(headers={"Authorization": f"Bearer {ApiToken.issue(user=world.zx_cadre1, name='t')[1]}"})
    created = api.post(
        f"/api/v1/monitoring/cases/{case.pk}/measures",
        {"type": "public_welfare_post", "start": "2026-11-01", "responsible": "村委"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["kind"] == "developmental"
    moved = api.post(
        f"/api/v1/monitoring/measures/{created.json()['id']}/status",
        {"status": "done"},
        content_type="application/json",
    )
    assert moved.status_code == 422 and moved.json()["detail"][0]["field"] == "status"
    assert len(api.get(f"/api/v1/monitoring/cases/{case.pk}/measures").json()) == 2
    other = Client(headers={"Authorization": f"Bearer {ApiToken.issue(user=world.wz_admin, name='t')[1]}"})
    assert other.get(f"/api/v1/monitoring/cases/{case.pk}/measures").status_code == 404
