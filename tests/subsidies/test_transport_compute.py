"""The computation of an area's transport subsidies for a year from the ledger: who is paid what,
recomputing changes nothing but computed claims, a stopped run resumes, a county without a rule
is told so, and nobody computes outside their areas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lnob.areas.models import Area
from lnob.core.errors import DomainError, NotFound
from lnob.employment.subsidies import services
from lnob.employment.subsidies.models import TransportRun, TransportSubsidyClaim
from tests.personas import WZ, ZX, ZX_V1, ZX_V2
from tests.subsidies.conftest import YEAR, work

D = dt.date


def _claims() -> dict[str, tuple]:
    return {
        c.person.name: (c.tier, c.amount, c.status)
        for c in TransportSubsidyClaim.objects.filter(year=YEAR).select_related("person")
    }


def test_eligible_people_who_worked_away_long_enough_get_a_claim_of_the_rules_amount(world, people, zx_rule):
    work(world.zx_cadre1, people["li"], D(YEAR, 2, 1), D(YEAR, 7, 31))  # 东莞: Guangdong's own 500
    work(
        world.zx_cadre2, people["zhao"], D(YEAR, 3, 1), D(YEAR, 4, 30), destination="浙江省宁波市"
    )  # 2 months
    work(world.zx_cadre1, people["qian"], D(YEAR, 1, 1), D(YEAR, 6, 30))  # an ordinary household
    run = services.transport_compute(actor=world.zx_admin, area=Area.objects.get(code=ZX), year=YEAR)
    assert _claims() == {"李明": ("out_of_province", Decimal("500.00"), "computed")}
    claim = TransportSubsidyClaim.objects.get()
    assert (claim.months, claim.destination, claim.rule, claim.village_id) == (
        Decimal("6.0"),
        "广东省东莞市",
        zx_rule,
        ZX_V1,
    )
    assert run.status == "done" and run.counts["claims"] == 1 and run.counts["short"] == 1
    assert run.counts["amount"] == 500 and sorted(run.villages_done) == [ZX_V1, ZX_V2]


def test_a_monitored_household_is_eligible_whatever_its_status(world, people):
    from lnob.monitoring.models import Case

    household = people["households"]["ordinary"]
    Case.objects.create(
        household=household,
        village_id=ZX_V1,
        kind="identification",
        state="approved",
        opened_at=timezone.now(),
        due_on=D(YEAR, 1, 31),
        closed_at=timezone.now() - dt.timedelta(days=400),
    )
    work(
        world.zx_cadre1,
        people["qian"],
        D(YEAR, 1, 1),
        D(YEAR, 6, 30),
        location="in_province",
        destination="昆明市",
    )
    services.transport_compute(actor=world.zx_admin, area=Area.objects.get(code=ZX), year=YEAR)
    assert _claims() == {"钱多": ("in_province", Decimal("300.00"), "computed")}


def test_computing_again_replaces_computed_claims_only(world, people):
    zx = Area.objects.get(code=ZX)
    work(world.zx_cadre1, people["li"], D(YEAR, 2, 1), D(YEAR, 7, 31))
    services.transport_compute(actor=world.zx_admin, area=zx, year=YEAR)
    li = TransportSubsidyClaim.objects.get(person=people["li"])
    services.transport_claim_approve(actor=world.zx_admin, claim=li)
    services.transport_compute(actor=world.zx_admin, area=zx, year=YEAR)
    assert _claims() == {"李明": ("out_of_province", Decimal("500.00"), "approved")}
    # the ledger changes: 赵芳 now worked long enough, and is added; 李明's approval stays
    work(
        world.zx_cadre2,
        people["zhao"],
        D(YEAR, 3, 1),
        D(YEAR, 9, 30),
        location="in_province",
        destination="昭通市",
    )
    services.transport_compute(actor=world.zx_admin, area=zx, year=YEAR)
    first = TransportSubsidyClaim.objects.get(person=people["zhao"]).pk
    services.transport_compute(actor=world.zx_admin, area=zx, year=YEAR)
    assert _claims() == {
        "李明": ("out_of_province", Decimal("500.00"), "approved"),
        "赵芳": ("in_city", Decimal("200.00"), "computed"),
    }
    assert TransportSubsidyClaim.objects.get(person=people["li"]).pk == li.pk
    assert TransportSubsidyClaim.objects.get(person=people["zhao"]).pk != first  # replaced, same values


def test_a_stopped_run_is_resumed_from_the_first_village_not_done(world, people, zx_rule):
    zx = Area.objects.get(code=ZX)
    work(world.zx_cadre1, people["li"], D(YEAR, 2, 1), D(YEAR, 7, 31))
    work(world.zx_cadre2, people["zhao"], D(YEAR, 2, 1), D(YEAR, 7, 31))
    stopped = TransportRun.objects.create(
        area=zx,
        year=YEAR,
        as_of=D(YEAR, 12, 31),
        rule=zx_rule,
        villages_done=[ZX_V1],
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    run = services.transport_compute(actor=world.zx_admin, area=zx, year=YEAR)
    assert run.pk == stopped.pk and run.status == "done"
    assert set(_claims()) == {"赵芳"}  # 泼机村 was done before the stop


def test_a_second_start_while_a_run_is_going_is_refused(world, people, zx_rule):
    zx = Area.objects.get(code=ZX)
    TransportRun.objects.create(
        area=zx, year=YEAR, as_of=D(YEAR, 12, 31), rule=zx_rule, heartbeat_at=timezone.now()
    )
    with pytest.raises(DomainError) as refused:
        services.transport_compute(actor=world.zx_admin, area=zx, year=YEAR)
    assert refused.value.message == services.SubsidyMsg.RUN_IN_PROGRESS


def test_a_county_without_a_rule_is_told_so_and_nothing_is_written(world, people):
    work(world.wz_cadre, people["sun"], D(YEAR, 2, 1), D(YEAR, 7, 31))
    with pytest.raises(DomainError) as refused:
        services.transport_compute(actor=world.wz_admin, area=Area.objects.get(code=WZ), year=YEAR)
    assert refused.value.field == "policy" and "请县级管理员在配置中添加" in str(refused.value.message)
    assert not TransportRun.objects.exists() and not TransportSubsidyClaim.objects.exists()


@pytest.mark.parametrize("who", ["wz_admin", "zx_cadre1", "zx_auditor"])
def test_nobody_computes_outside_the_areas_where_they_run_employment(world, people, who):
    with pytest.raises(NotFound):
        services.transport_compute(actor=getattr(world, who), area=Area.objects.get(code=ZX), year=YEAR)


def test_a_year_in_the_future_or_before_2013_is_refused(world, people):
    for year in (2012, YEAR + 2):
        with pytest.raises(DomainError) as refused:
            services.transport_compute(actor=world.zx_admin, area=Area.objects.get(code=ZX), year=year)
        assert refused.value.field == "year"


def test_the_command_line_computes_a_county_and_reports_rule_and_counts(world, people, capsys):
    work(world.zx_cadre1, people["li"], D(YEAR, 2, 1), D(YEAR, 7, 31))
    call_command("subsidies", "transport", "--area", "530627", "--year", str(YEAR), "--user", "zx_admin")
    out = capsys.readouterr().out
    assert "镇雄县一次性交通补助（测试）" in out and "1 claims, 500.00 yuan" in out
    assert _claims() == {"李明": ("out_of_province", Decimal("500.00"), "computed")}
    with pytest.raises(CommandError, match="policy"):
        call_command("subsidies", "transport", "--area", "500101", "--year", str(YEAR))
    with pytest.raises(CommandError, match="not in"):
        call_command("subsidies", "transport", "--area", "530627", "--year", str(YEAR), "--user", "wz_admin")
