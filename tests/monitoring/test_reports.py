"""Leads from people: a household's own report (filed by a cadre, or through the API) and a cadre's
finding become evidence on the household's lead, or open one; bad reports are refused on their
field; other villages and counties cannot report or see them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from lnob.core.errors import DomainError, NotFound
from lnob.core.models import ApiToken
from lnob.monitoring.cases import report_risk
from lnob.monitoring.models import Lead, Signal
from lnob.monitoring.sweeps import sweep_create, sweep_run
from tests.personas import ZX

A, B, C = "5306271022010101", "5306271022020102", "5306271022010103"


def test_a_report_opens_a_lead_or_joins_the_current_one(world, county):
    c = county["c"]  # not flagged by any rule
    signal = report_risk(
        actor=world.zx_cadre1,
        household=c,
        channel="self_report",
        risk_types=["illness"],
        note="户主突发脑梗住院，预计自付 4 万元",
        observed_on=timezone.localdate(),
    )
    lead = Lead.objects.get(household=c)
    assert (lead.status, lead.first_channel, signal.lead_id) == ("open", "self_report", lead.pk)
    report_risk(
        actor=world.zx_cadre1,
        household=c,
        channel="cadre",
        risk_types=["unstable_employment"],
        note="外出务工返乡，暂无工作",
    )
    assert Lead.objects.filter(household=c).count() == 1 and lead.signals.count() == 2
    # a later sweep adds its evidence to the same lead (C is not flagged: nothing added)
    sweep_run(
        sweep_create(actor=None, county_code=ZX, as_of=dt.date(2026, 6, 30), trigger="command", enqueue=False)
    )
    assert Lead.objects.filter(household=c).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "department"}, "channel"),
        ({"risk_types": []}, "risk_types"),
        ({"risk_types": ["flood"]}, "risk_types"),
        ({"note": "  "}, "note"),
        ({"observed_on": dt.date(2099, 1, 1)}, "observed_on"),
    ],
)
def test_bad_reports_are_refused_on_their_field(world, county, change, field):
    good = {"channel": "cadre", "risk_types": ["illness"], "note": "住院", "observed_on": None}
    with pytest.raises(DomainError) as caught:
        report_risk(actor=world.zx_cadre1, household=county["c"], **{**good, **change})
    assert caught.value.field == field
    assert not Signal.objects.exists() and not Lead.objects.exists()


def test_who_may_report(world, county):
    good = {"channel": "cadre", "risk_types": ["illness"], "note": "住院"}
    with pytest.raises(DomainError, match="村干部"):
        report_risk(actor=world.zx_township, household=county["c"], **good)
    for outsider in (world.zx_cadre2, world.wz_cadre, world.wz_admin, world.nobody):
        with pytest.raises(NotFound):
            report_risk(actor=outsider, household=county["c"], **good)


def test_report_from_the_household_page_and_the_api(world, county):
    web = Client()
    web.force_login(world.zx_cadre1)
    assert 'data-testid="report-risk"' in web.get(f"/households/{C}/").content.decode()
    form = {"channel": "self_report", "risk_types": ["illness"], "note": "", "observed_on": "2026-11-01"}
    page = web.post(f"/monitoring/households/{C}/report", form).content.decode()
    assert 'data-testid="field-error"' in page and not Lead.objects.exists()  # no note: refused
    form["note"] = "户主住院"
    response = web.post(f"/monitoring/households/{C}/report", form)
    lead = Lead.objects.get(household__number=C)
    assert response["Location"] == f"/monitoring/leads/{lead.pk}/"
    assert "户主住院" in web.get(f"/monitoring/leads/{lead.pk}/").content.decode()
    web.force_login(world.zx_cadre2)
    assert web.get(f"/monitoring/households/{C}/report").status_code == 404

    api = Client(headers={"Authorization": f"Bearer {ApiToken.issue(user=world.zx_cadre2, name='t')[1]}"})
    created = api.post(
        f"/api/v1/monitoring/households/{B}/reports",
        {"channel": "self_report", "risk_types": ["disaster"], "note": "房屋受损"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["channel"] == "self_report"
    bad = api.post(
        f"/api/v1/monitoring/households/{B}/reports",
        {"channel": "self_report", "risk_types": ["flood"], "note": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "risk_types"
    assert (
        api.post(
            f"/api/v1/monitoring/households/{A}/reports",
            {"channel": "cadre", "risk_types": ["illness"], "note": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
