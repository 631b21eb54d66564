"""A measure of an assistance plan is linked to what carries it out: the job found for a member
of the household is its ledger spell. Only the household's own records of the measure's kind
may be linked, by the village or the county; another county sees nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lnob.core.errors import DomainError, NotFound
from lnob.employment import services as employment
from lnob.monitoring import links
from lnob.monitoring.cases import measure_add
from tests.monitoring.helpers import monitor, sweep
from tests.personas import ZX

START = dt.date(2026, 11, 1)


@pytest.fixture
def plan(world, county):
    sweep(ZX)
    case = monitor(world, "5306271022010101", cadre=world.zx_cadre1)
    measure = measure_add(
        actor=world.zx_cadre1, case=case, type="job_referral", start=START, responsible="张书记"
    )
    head = county["a"].memberships.get(relation="head").person
    neighbour = county["c"].memberships.get(relation="head").person
    job = employment.spell_record(
        actor=world.zx_cadre1, person=head, status="employed", channel="job_fair", location="in_county",
        monthly_wage=Decimal("3200"), start=dt.date(2026, 11, 5),
    )  # fmt: skip
    other = employment.spell_record(
        actor=world.zx_cadre1, person=neighbour, status="employed", channel="self_found",
        location="in_county", start=dt.date(2026, 11, 5),
    )  # fmt: skip
    return case, measure, job, other


def test_a_cadre_links_the_job_found_to_the_measure(world, plan, client) -> None:
    case, measure, job, other = plan
    keys = [key for key, _label in links.candidates(measure, world.zx_cadre1)]
    assert keys == [f"employment.spell:{job.pk}"]  # the neighbour's job is not the household's
    client.force_login(world.zx_cadre1)
    page = client.get(f"/monitoring/cases/{case.pk}/").content.decode()
    assert f"employment.spell:{job.pk}" in page and f"employment.spell:{other.pk}" not in page
    client.post(
        f"/monitoring/cases/{case.pk}/", {"do": "measure_link", "measure": measure.pk, "link": keys[0]}
    )
    measure.refresh_from_db()
    assert measure.link == job
    page = client.get(f"/monitoring/cases/{case.pk}/").content.decode()
    assert "落实于" in page and links.describe(measure).startswith(job.person.name)


def test_a_record_of_another_household_or_kind_is_refused(world, plan) -> None:
    case, measure, job, other = plan
    with pytest.raises(DomainError) as refused:
        links.measure_link(actor=world.zx_cadre1, measure=measure, key=f"employment.spell:{other.pk}")
    assert refused.value.field == "link"
    training = measure_add(
        actor=world.zx_cadre1, case=case, type="training", start=START, responsible="县人社局"
    )
    with pytest.raises(DomainError):
        links.measure_link(actor=world.zx_cadre1, measure=training, key=f"employment.spell:{job.pk}")
    measure.refresh_from_db()
    assert measure.link_type_id is None


def test_another_county_may_not_link(world, plan, client) -> None:
    case, measure, job, _other = plan
    with pytest.raises(NotFound):
        links.measure_link(actor=world.wz_admin, measure=measure, key=f"employment.spell:{job.pk}")
    client.force_login(world.wz_admin)
    response = client.post(
        f"/monitoring/cases/{case.pk}/", {"do": "measure_link", "measure": measure.pk, "link": "x"}
    )
    assert response.status_code == 404


def test_the_api_lists_the_choices_and_links_the_measure(world, plan) -> None:
    from django.test import Client

    from lnob.core.models import ApiToken

    _case, measure, job, other = plan
    api = Client(headers={"Authorization": f"Bearer {ApiToken.issue(user=world.zx_cadre1, name='t')[1]}"})
    choices = api.get(f"/api/v1/monitoring/measures/{measure.pk}/links").json()
    assert [c["key"] for c in choices] == [f"employment.spell:{job.pk}"]
    refused = api.post(
        f"/api/v1/monitoring/measures/{measure.pk}/link",
        {"link": f"employment.spell:{other.pk}"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "link"
    linked = api.post(
        f"/api/v1/monitoring/measures/{measure.pk}/link",
        {"link": choices[0]["key"]},
        content_type="application/json",
    )
    assert linked.status_code == 200 and linked.json()["link"] == f"employment.spell:{job.pk}"
    outsider = Client(headers={"Authorization": f"Bearer {ApiToken.issue(user=world.wz_admin, name='t')[1]}"})
    assert outsider.get(f"/api/v1/monitoring/measures/{measure.pk}/links").status_code == 404
