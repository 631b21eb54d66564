"""Risk elimination: proposed only when every condition holds (each shown with its figures), through
the same review steps, then rolled back or re-marked; the history kept. Personas of two villages
of 镇雄 and of 万州."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from lnob.core.errors import DomainError, NotFound
from lnob.monitoring import selectors
from lnob.monitoring.cases import case_step, lead_accept, measure_add, measure_status, report_risk
from lnob.monitoring.elimination import conditions, elimination_propose, household_status
from lnob.monitoring.models import Case, Lead
from tests.monitoring.helpers import monitor, reviewed_a_week_ago, sweep
from tests.personas import ZX

A, C = "5306271022010101", "5306271022010103"
OLD = "5306271022010199"  # an old man living alone


def _monitored_c(world, county):
    """C earns 30,000 a year; reported ill, taken through identification, helped, monitored for 7 months."""
    report_risk(
        actor=world.zx_cadre1,
        household=county["c"],
        channel="self_report",
        risk_types=["illness"],
        note="户主住院",
    )
    case = monitor(world, C, cadre=world.zx_cadre1)
    job = measure_add(
        actor=world.zx_cadre1, case=case, type="job_referral", start=dt.date(2026, 4, 1), responsible="张书记"
    )
    measure_status(actor=world.zx_cadre1, measure=job, status="active")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=215))
    return case


def _review(world, case, cadre):
    today = timezone.localdate()
    case_step(actor=cadre, case=case, action="visit", comment="入户", authorisation_signed_on=today)
    case_step(actor=cadre, case=case, action="compare", comment="比对")
    case_step(actor=cadre, case=case, action="village_review", comment="评议")
    reviewed_a_week_ago(case)
    case_step(
        actor=cadre,
        case=case,
        action="post_notice",
        comment="公示",
        notice_start=today - dt.timedelta(days=6),
    )
    case_step(actor=world.zx_township, case=case, action="township_review", comment="同意")
    return case_step(actor=world.zx_admin, case=case, action="approve", comment="同意消除")


def test_conditions_shown_with_figures_and_checked(world, county):
    sweep(ZX)
    case = monitor(world, A, cadre=world.zx_cadre1)
    checks = {c.key: c for c in conditions(county["a"])}
    assert checks["monitored"].ok and not checks["months"].ok
    assert not checks["income"].ok and "监测范围 8,700 元" in checks["income"].detail
    assert not checks["measures"].ok and checks["measures"].detail == "已落实 0 项"
    assert checks["guarantees"].ok and checks["labour"].ok
    with pytest.raises(DomainError) as caught:
        elimination_propose(actor=world.zx_cadre1, household=county["a"], comment="申请消除")
    assert "不满足风险消除条件" in caught.value.message and "监测满 6 个月" in caught.value.message
    assert not Case.objects.filter(kind="elimination").exists()
    assert case.state == "approved"


def test_eliminate_then_roll_back(world, county):
    _monitored_c(world, county)
    checks = conditions(county["c"])
    assert all(c.ok for c in checks), [(c.key, c.detail) for c in checks if not c.ok]
    with pytest.raises(DomainError, match="村干部"):
        elimination_propose(actor=world.zx_township, household=county["c"], comment="x")
    for outsider in (world.zx_cadre2, world.wz_admin):
        with pytest.raises(NotFound):
            elimination_propose(actor=outsider, household=county["c"], comment="x")
    proposal = elimination_propose(actor=world.zx_cadre1, household=county["c"], comment="收入稳定，申请消除")
    assert (proposal.kind, proposal.state, proposal.category_id) == (
        "elimination",
        "lead",
        "unstable_out_of_poverty",
    )
    with pytest.raises(DomainError, match="正在办理"):
        elimination_propose(actor=world.zx_cadre1, household=county["c"], comment="again")
    assert selectors.dashboard(user=world.zx_admin)["totals"]["monitored"] == 1
    done = _review(world, proposal, world.zx_cadre1)
    assert done.state == "approved" and household_status(county["c"])[0] == "eliminated"
    assert selectors.dashboard(user=world.zx_admin)["totals"]["monitored"] == 0
    identification = Case.objects.get(household=county["c"], kind="identification")
    with pytest.raises(DomainError, match="纳入监测后"):  # no new measures once eliminated
        measure_add(
            actor=world.zx_cadre1,
            case=identification,
            type="training",
            start=dt.date(2026, 11, 1),
            responsible="x",
        )
    assert Lead.objects.get(household=county["c"]).closed_at is not None
    with pytest.raises(DomainError, match="县级管理员"):
        case_step(actor=world.zx_cadre1, case=done, action="roll_back", comment="x")
    rolled = case_step(
        actor=world.zx_admin, case=done, action="roll_back", comment="复核发现收入不稳定，回退"
    )
    assert rolled.state == "rolled_back" and household_status(county["c"])[0] == "monitored"
    assert selectors.dashboard(user=world.zx_admin)["totals"]["monitored"] == 1
    assert Lead.objects.get(household=county["c"]).closed_at is None  # monitored again, same lead
    actions = list(rolled.events.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "open",
        "visit",
        "compare",
        "village_review",
        "post_notice",
        "township_review",
        "approve",
        "roll_back",
    ]


def test_re_mark_opens_identification_again(world, county):
    _monitored_c(world, county)
    done = _review(
        world,
        elimination_propose(actor=world.zx_cadre1, household=county["c"], comment="消除"),
        world.zx_cadre1,
    )
    with pytest.raises(DomainError, match="风险类型"):
        case_step(actor=world.zx_cadre1, case=done, action="re_mark", comment="新风险")
    marked = case_step(
        actor=world.zx_cadre1, case=done, action="re_mark", comment="户主再次住院", risk_types=["illness"]
    )
    assert marked.state == "remarked" and household_status(county["c"])[0] == ""
    lead = Lead.objects.get(household=county["c"], closed_at__isnull=True)
    assert lead.status == "open" and lead.signals.last().note == "户主再次住院"
    again = lead_accept(actor=world.zx_cadre1, lead=lead, comment="重新识别")
    assert again.kind == "identification" and again.state == "lead"
    with pytest.raises(DomainError, match="不能"):  # a re-marked elimination cannot be rolled back
        case_step(actor=world.zx_admin, case=marked, action="roll_back", comment="x")


def test_a_household_without_labour_is_never_eliminated(world, county):
    from tests.monitoring.test_measures import OLD, old_alone  # noqa: F401
    from tests.personas import ZX_V1, make_household, person

    household = make_household(
        world.zx_cadre1,
        ZX_V1,
        OLD,
        status="out_of_poverty",
        left_poverty_year=2018,
        head=person("19400302", name="孤老"),
    )
    report_risk(
        actor=world.zx_cadre1,
        household=household,
        channel="cadre",
        risk_types=["lack_of_labour"],
        note="独居老人",
    )
    monitor(world, OLD, cadre=world.zx_cadre1)
    labour = {c.key: c for c in conditions(household)}["labour"]
    assert not labour.ok and labour.detail == "有劳动能力成员 0 人"


def test_elimination_screen(world, county):
    _monitored_c(world, county)
    web = Client()
    web.force_login(world.zx_cadre1)
    assert 'data-testid="elimination-link"' in web.get(f"/households/{C}/").content.decode()
    page = web.get(f"/monitoring/households/{C}/elimination").content.decode()
    assert page.count("✓") == 7 and 'data-testid="propose-form"' in page
    assert web.post(f"/monitoring/households/{C}/elimination", {"reason": ""}).status_code == 200
    response = web.post(f"/monitoring/households/{C}/elimination", {"reason": "收入稳定"})
    proposal = Case.objects.get(kind="elimination")
    assert response["Location"] == f"/monitoring/cases/{proposal.pk}/"
    web.force_login(world.wz_admin)
    assert web.get(f"/monitoring/households/{C}/elimination").status_code == 404


def test_months_monitored_count_from_the_approval_day_in_the_countys_time_zone(world, county):
    """Approved at 03:00 on 1 March in China (19:00 on 28 February in UTC): monitored since
    1 March, so not yet six months on 31 August."""
    sweep(ZX)
    case = monitor(world, A, cadre=world.zx_cadre1)
    approved = timezone.make_aware(dt.datetime(2026, 3, 1, 3, 0))
    Case.objects.filter(pk=case.pk).update(closed_at=approved)
    months = {c.key: c for c in conditions(county["a"], day=dt.date(2026, 8, 31))}["months"]
    assert months.detail == "自 2026-03-01 起" and not months.ok
