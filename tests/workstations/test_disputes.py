"""Labour disputes and wage-arrears cases: intake → mediation → resolved or escalated, with the
amount claimed and recovered (never negative, never above the claim), each step recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from lnob.core.errors import DomainError, NotFound
from lnob.employment.workstations import selectors, services
from lnob.employment.workstations.models import Dispute
from lnob.employment.workstations.selectors import Access
from lnob.employment.workstations.services import WMsg
from tests.workstations.conftest import login

D = dt.date


@pytest.fixture
def arrears(officers, station, migrants, factory):
    return services.dispute_open(
        actor=officers["zx_officer"],
        station=station,
        person=migrants["李强"],
        employer=factory,
        kind="wage_arrears",
        amount_claimed=Decimal("10400"),
        opened_on=D(2026, 10, 8),
        summary="拖欠 8、9 月工资",
    )


def step(officers, dispute, action, on, **extra):
    return services.dispute_step(
        actor=officers["zx_officer"], dispute=dispute, action=action, on=on, note=f"{action} 说明", **extra
    )


def test_a_wage_arrears_case_is_mediated_and_resolved_with_what_was_recovered(officers, arrears):
    step(officers, arrears, "mediate", D(2026, 10, 10))
    done = step(officers, arrears, "resolve", D(2026, 10, 20), amount_recovered=Decimal("8000"))
    assert (done.state, done.mediation_on, done.closed_on, done.amount_recovered) == (
        "resolved",
        D(2026, 10, 10),
        D(2026, 10, 20),
        Decimal("8000"),
    )
    history = [(e.action, e.from_state, e.to_state, e.on) for e in done.events.all()]
    assert history == [
        ("open", "", "intake", D(2026, 10, 8)),
        ("mediate", "intake", "mediation", D(2026, 10, 10)),
        ("resolve", "mediation", "resolved", D(2026, 10, 20)),
    ]
    change = LogEntry.objects.get_for_object(done).filter(action=LogEntry.Action.CREATE).get()
    assert change.changes_dict["amount_claimed"][1] != "10400.00"  # money masked in the change log


def test_a_case_that_mediation_does_not_settle_is_escalated(officers, arrears):
    step(officers, arrears, "mediate", D(2026, 10, 10))
    with pytest.raises(DomainError) as err:
        step(officers, arrears, "escalate", D(2026, 10, 30))
    assert err.value.field == "escalated_to"
    done = step(officers, arrears, "escalate", D(2026, 10, 30), escalated_to="东莞市劳动人事争议仲裁委员会")
    assert done.state == "escalated" and done.escalated_to == "东莞市劳动人事争议仲裁委员会"
    assert done.amount_recovered == 0


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("-1"), WMsg.RECOVERED_NEGATIVE),
        (Decimal("10400.01"), "追回金额不能超过诉求金额（10400.00 元）"),
    ],
)
def test_the_amount_recovered_is_never_negative_nor_above_the_claim(officers, arrears, amount, message):
    step(officers, arrears, "mediate", D(2026, 10, 10))
    with pytest.raises(DomainError) as err:
        step(officers, arrears, "resolve", D(2026, 10, 20), amount_recovered=amount)
    assert err.value.field == "amount_recovered" and str(err.value.message) == str(message)
    assert Dispute.objects.get(pk=arrears.pk).state == "mediation"


def test_the_database_keeps_the_amounts_too(arrears):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Dispute.objects.filter(pk=arrears.pk).update(amount_recovered=Decimal("99999"))


def test_steps_out_of_order_or_dated_before_the_last_are_refused(officers, arrears):
    with pytest.raises(DomainError) as err:
        step(officers, arrears, "resolve", D(2026, 10, 20), amount_recovered=Decimal("1"))
    assert "已受理" in str(err.value.message) and "调解解决" in str(err.value.message)
    with pytest.raises(DomainError) as err:
        step(officers, arrears, "mediate", D(2026, 10, 1))
    assert str(err.value.message) == "日期不能早于上一环节（2026-10-08）"
    with pytest.raises(DomainError) as err:
        services.dispute_step(
            actor=officers["zx_officer"], dispute=arrears, action="mediate", on=D(2026, 10, 9), note=" "
        )
    assert err.value.message == WMsg.NOTE_REQUIRED


def test_a_step_taken_twice_is_refused_the_second_time(officers, arrears):
    step(officers, arrears, "mediate", D(2026, 10, 10), expected_state="intake")
    with pytest.raises(DomainError) as err:
        step(officers, arrears, "mediate", D(2026, 10, 10), expected_state="intake")
    assert err.value.field == "state"
    assert arrears.events.filter(action="mediate").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount_claimed": Decimal("-5")}, "amount_claimed"),
        ({"amount_claimed": Decimal("0")}, "amount_claimed"),  # arrears must claim an amount
        ({"kind": "robbery"}, "kind"),
        ({"opened_on": D(2099, 1, 1)}, "opened_on"),
        ({"summary": ""}, "summary"),
    ],
)
def test_bad_cases_are_refused_at_intake(officers, station, migrants, factory, changes, field):
    values = {
        "kind": "wage_arrears",
        "amount_claimed": Decimal("100"),
        "opened_on": D(2026, 10, 8),
        "summary": "欠薪",
    } | changes
    with pytest.raises(DomainError) as err:
        services.dispute_open(
            actor=officers["zx_officer"], station=station, person=migrants["李强"], employer=factory, **values
        )
    assert err.value.field == field
    assert not Dispute.objects.exists()


def test_an_injury_may_claim_nothing_yet(officers, station, migrants, factory):
    d = services.dispute_open(
        actor=officers["zx_officer"],
        station=station,
        person=migrants["赵梅"],
        employer=factory,
        kind="injury",
        amount_claimed=Decimal("0"),
        opened_on=D(2026, 10, 8),
        summary="工伤认定",
    )
    assert d.amount_claimed == 0 and d.state == "intake"


def test_a_person_of_another_county_is_refused(officers, station, migrants, factory):
    with pytest.raises(DomainError) as err:
        services.dispute_open(
            actor=officers["zx_officer"],
            station=station,
            person=migrants["周涛"],
            employer=factory,
            kind="contract",
            amount_claimed=Decimal("0"),
            opened_on=D(2026, 10, 8),
            summary="合同",
        )
    assert err.value.message == WMsg.NOT_IN_COUNTY


def test_who_sees_a_case(world, officers, station, arrears, migrants):
    assert selectors.dispute_get(user=officers["zx_officer"], pk=arrears.pk)[1] == Access.OFFICER
    assert selectors.dispute_get(user=world.zx_cadre1, pk=arrears.pk)[1] == Access.VIEW  # 李强 is of 泼机村
    for outsider in (world.zx_cadre2, officers["zx_officer2"], world.wz_admin):
        with pytest.raises(NotFound):
            selectors.dispute_get(user=outsider, pk=arrears.pk)
    with pytest.raises(NotFound):
        step({"zx_officer": world.zx_cadre1}, arrears, "mediate", D(2026, 10, 10))
    listed = selectors.station_disputes(user=world.zx_cadre2, station=station, level=Access.VIEW)
    assert not listed.exists()


def test_the_case_screen_takes_the_steps_and_shows_a_refusal_on_its_field(officers, arrears):
    c = login(officers["zx_officer"])
    url = f"/employment/workstations/disputes/{arrears.pk}/"
    assert (
        c.post(
            url,
            {
                "action": "mediate",
                "mediate-action": "mediate",
                "mediate-expected_state": "intake",
                "mediate-on": "2026-10-10",
                "mediate-note": "约谈老板",
            },
        ).status_code
        == 302
    )
    page = c.post(
        url,
        {
            "action": "resolve",
            "resolve-action": "resolve",
            "resolve-expected_state": "mediation",
            "resolve-on": "2026-10-20",
            "resolve-amount_recovered": "20000",
            "resolve-note": "已结清",
        },
    ).content.decode()
    assert "追回金额不能超过诉求金额（10400.00 元）" in page and 'data-testid="field-error"' in page
    assert Dispute.objects.get(pk=arrears.pk).state == "mediation"
    page = c.get(url).content.decode()
    assert (
        "约谈老板" in page and 'data-testid="step-resolve"' in page and 'data-testid="step-escalate"' in page
    )
    assert login(officers["zx_officer2"]).get(url).status_code == 404


def test_the_intake_form_refuses_a_negative_claim(officers, station, migrants, factory):
    c = login(officers["zx_officer"])
    form = {
        "person": migrants["李强"].pk,
        "employer": factory.pk,
        "kind": "wage_arrears",
        "amount_claimed": "-3",
        "opened_on": "2026-10-08",
        "summary": "欠薪",
    }
    page = c.post(f"/employment/workstations/{station.pk}/disputes/new/", form).content.decode()
    assert "诉求金额不能为负数" in page
    assert (
        c.post(
            f"/employment/workstations/{station.pk}/disputes/new/", form | {"amount_claimed": "3000"}
        ).status_code
        == 302
    )
    assert "李强" in c.get(f"/employment/workstations/{station.pk}/?tab=disputes").content.decode()
