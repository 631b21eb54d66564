"""The case workflow: every step, by the right level only, in order, on time, once; personas of
two villages of 镇雄 and of 万州."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_fsm import ConcurrentTransition

from lnob.core.errors import DomainError, NotFound
from lnob.monitoring import selectors, services
from lnob.monitoring.cases import case_assign, case_step, due_date, is_overdue, lead_accept, lead_dismiss
from lnob.monitoring.models import Case, CaseEvent, Lead
from lnob.monitoring.sweeps import sweep_create, sweep_run
from tests.monitoring.helpers import reviewed_a_week_ago
from tests.personas import ZX

AS_OF = dt.date(2026, 6, 30)
A, B = "5306271022010101", "5306271022020102"


def _sweep(actor):
    return sweep_run(sweep_create(actor=actor, county_code=ZX, as_of=AS_OF, trigger="command", enqueue=False))


@pytest.fixture
def leads(world, county):
    _sweep(world.zx_admin)
    return {lead.household.number: lead for lead in Lead.objects.select_related("household")}


def _refused(_field: str, _why: str, fn, **kwargs):
    with pytest.raises(DomainError) as caught:
        fn(**kwargs)
    assert caught.value.field == _field, caught.value.as_dict()
    assert _why in caught.value.message, caught.value.message


def _walk_to_township(world, case):
    today = timezone.localdate()
    case_step(
        actor=world.zx_cadre1,
        case=case,
        action="visit",
        comment="入户，户主签字",
        authorisation_signed_on=today,
    )
    case_step(actor=world.zx_cadre1, case=case, action="compare", comment="收入与医保、社保数据一致")
    case_step(actor=world.zx_cadre1, case=case, action="village_review", comment="村民代表会议通过")
    reviewed_a_week_ago(case)
    case_step(
        actor=world.zx_cadre1,
        case=case,
        action="post_notice",
        comment="村务公开栏公示",
        notice_start=today - dt.timedelta(days=6),
        notice_days=5,
    )


def test_the_whole_procedure_each_step_by_its_own_level(world, leads):
    case = lead_accept(actor=world.zx_cadre1, lead=leads[A], comment="核实收入")
    today = timezone.localdate()
    assert (case.state, case.assigned_to, case.due_on) == (
        "lead",
        world.zx_cadre1,
        today + dt.timedelta(days=15),
    )
    assert Lead.objects.get(pk=leads[A].pk).status == "accepted"

    # out of order, wrong level: refused with the reason, nothing moves
    _refused(
        "action",
        "当前环节为“待入户核实”，不能“数据比对”",
        case_step,
        actor=world.zx_cadre1,
        case=case,
        action="compare",
        comment="x",
    )
    for user, needed in (
        (world.zx_township, "村干部"),
        (world.zx_admin, "村干部"),
        (world.zx_auditor, "村干部"),
    ):
        _refused(
            "action",
            f"此环节需由{needed}办理",
            case_step,
            actor=user,
            case=case,
            action="visit",
            comment="x",
            authorisation_signed_on=today,
        )
    for outsider in (world.wz_admin, world.wz_cadre, world.zx_cadre2, world.nobody):
        with pytest.raises(NotFound):
            case_step(actor=outsider, case=case, action="visit", comment="x", authorisation_signed_on=today)
    _refused(
        "authorisation_signed_on",
        "签字授权",
        case_step,
        actor=world.zx_cadre1,
        case=case,
        action="visit",
        comment="入户",
    )
    _refused(
        "comment",
        "办理意见",
        case_step,
        actor=world.zx_cadre1,
        case=case,
        action="visit",
        comment=" ",
        authorisation_signed_on=today,
    )
    assert Case.objects.get(pk=case.pk).state == "lead"

    _walk_to_township(world, case)
    case.refresh_from_db()
    assert case.state == "notice" and case.notice_end == today - dt.timedelta(days=2)
    _refused(
        "action",
        "乡镇干部",
        case_step,
        actor=world.zx_cadre1,
        case=case,
        action="township_review",
        comment="x",
    )
    _refused(
        "action", "县级管理员", case_step, actor=world.zx_township, case=case, action="approve", comment="x"
    )
    case_step(actor=world.zx_township, case=case, action="township_review", comment="乡镇审核同意")
    _refused(
        "category",
        "监测对象类型",
        case_step,
        actor=world.zx_admin,
        case=case,
        action="approve",
        comment="同意",
        risk_types=["illness"],
    )
    _refused(
        "risk_types",
        "风险类型",
        case_step,
        actor=world.zx_admin,
        case=case,
        action="approve",
        comment="同意",
        category="unstable_out_of_poverty",
        risk_types=["flood"],
    )
    case = case_step(
        actor=world.zx_admin,
        case=case,
        action="approve",
        comment="县级审定同意",
        category="unstable_out_of_poverty",
        risk_types=["illness", "lack_of_labour"],
    )
    assert (case.state, case.category_id, case.risk_types) == (
        "approved",
        "unstable_out_of_poverty",
        ["illness", "lack_of_labour"],
    )
    assert case.closed_at is not None
    events = list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("action", "actor__username"))
    assert events == [
        ("open", "zx_cadre1"),
        ("visit", "zx_cadre1"),
        ("compare", "zx_cadre1"),
        ("village_review", "zx_cadre1"),
        ("post_notice", "zx_cadre1"),
        ("township_review", "zx_township"),
        ("approve", "zx_admin"),
    ]
    _refused(
        "action",
        "不能",
        case_step,
        actor=world.zx_admin,
        case=case,
        action="approve",
        comment="again",
        category="unstable_out_of_poverty",
        risk_types=["illness"],
    )

    # monitored: the next sweep adds its evidence to the household's lead, opens no new one
    again = _sweep(world.zx_admin)
    assert again.counts["leads_opened"] == 0
    assert Lead.objects.filter(household__number=A).count() == 1
    assert Lead.objects.get(household__number=A).signals.count() == 2


def test_the_township_reviews_only_after_the_notice_period(world, leads):
    case = lead_accept(actor=world.zx_cadre1, lead=leads[A], comment="核实")
    today = timezone.localdate()
    case_step(actor=world.zx_cadre1, case=case, action="visit", comment="入户", authorisation_signed_on=today)
    case_step(actor=world.zx_cadre1, case=case, action="compare", comment="比对")
    case_step(actor=world.zx_cadre1, case=case, action="village_review", comment="评议")
    _refused(
        "notice_days",
        "不少于 5 天",
        case_step,
        actor=world.zx_cadre1,
        case=case,
        action="post_notice",
        comment="公示",
        notice_days=3,
    )
    with pytest.raises(DomainError, match="村级评议之后"):  # a notice cannot predate the review
        case_step(
            actor=world.zx_cadre1,
            case=case,
            action="post_notice",
            comment="公示",
            notice_start=today - dt.timedelta(days=6),
        )
    case_step(actor=world.zx_cadre1, case=case, action="post_notice", comment="公示", notice_start=today)
    _refused(
        "action",
        "期满后方可审核",
        case_step,
        actor=world.zx_township,
        case=case,
        action="township_review",
        comment="审核",
    )


def test_two_clicks_on_the_same_step_make_one_step(world, leads):
    case = lead_accept(actor=world.zx_cadre1, lead=leads[A], comment="核实")
    today = timezone.localdate()
    seen = case.state
    case_step(
        actor=world.zx_cadre1,
        case=case,
        action="visit",
        comment="入户",
        expected_state=seen,
        authorisation_signed_on=today,
    )
    _refused(
        "state",
        "已办理到“已入户核实”",
        case_step,
        actor=world.zx_cadre1,
        case=case,
        action="visit",
        comment="入户",
        expected_state=seen,
        authorisation_signed_on=today,
    )
    assert CaseEvent.objects.filter(case=case, action="visit").count() == 1
    # a stale copy saved behind the workflow's back is refused by the database row's state
    stale = Case.objects.get(pk=case.pk)
    fresh = Case.objects.get(pk=case.pk)
    fresh.compare()
    fresh.save()
    stale.compare()
    with pytest.raises(ConcurrentTransition):
        stale.save()


def test_deadlines_working_days_overdue_and_escalation(world, leads):
    assert due_date(dt.date(2026, 11, 20), 20, True) == dt.date(2026, 12, 18)  # Friday + 20 working days
    assert due_date(dt.date(2026, 11, 20), 15, False) == dt.date(2026, 12, 5)
    services.policy_create(
        actor=world.zx_admin,
        area_code=ZX,
        effective_from=dt.date(2026, 1, 1),
        name="镇雄：20 个工作日",
        decision_days=20,
        decision_working_days=True,
        decision_source="https://example.gov.cn/20wd",
        activate=True,
    )
    case = lead_accept(actor=world.zx_cadre1, lead=leads[A], comment="核实")
    assert case.due_on == due_date(timezone.localdate(), 20, True)
    assert case.policy == {"decision_days": 20, "working_days": True, "notice_min_days": 5}
    assert not is_overdue(case)
    Case.objects.filter(pk=case.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert [c.household.number for c in selectors.worklist(user=world.zx_township, overdue=True)] == [A]
    assert [c.household.number for c in selectors.worklist(user=world.zx_admin, overdue=True)] == [A]
    assert [c.household.number for c in selectors.worklist(user=world.zx_cadre1, mine=True)] == [A]
    assert not selectors.worklist(user=world.zx_cadre2, overdue=True).exists()
    assert not selectors.worklist(user=world.wz_admin, overdue=True).exists()


def test_assignment_to_a_cadre_of_the_village(world, leads):
    case = lead_accept(actor=world.zx_cadre1, lead=leads[A], comment="核实")
    _refused(
        "assigned_to",
        "本村的村干部",
        case_assign,
        actor=world.zx_township,
        case=case,
        assignee=world.zx_cadre2,
        comment="换人",
    )
    _refused(
        "assigned_to",
        "乡镇或县级",
        case_assign,
        actor=world.zx_cadre1,
        case=case,
        assignee=world.zx_cadre1,
        comment="换人",
    )
    assert case_assign(
        actor=world.zx_admin, case=case, assignee=world.zx_cadre1, comment="由泼机村负责"
    ).assigned_to
    with pytest.raises(NotFound):
        case_assign(actor=world.wz_admin, case=case, assignee=world.zx_cadre1, comment="x")


def test_rejected_or_dismissed_leads_close_and_a_new_signal_opens_a_new_lead(world, leads):
    case = lead_accept(actor=world.zx_cadre2, lead=leads[B], comment="核实")
    case_step(
        actor=world.zx_cadre2, case=case, action="reject", comment="医疗费用已由大病保险报销，不符合条件"
    )
    case.refresh_from_db()
    assert case.state == "rejected" and case.rejected_reason.startswith("医疗费用")
    assert Lead.objects.get(pk=leads[B].pk).closed_at is not None
    _refused("reason", "排除理由", lead_dismiss, actor=world.zx_cadre1, lead=leads[A], reason="")
    lead_dismiss(actor=world.zx_cadre1, lead=leads[A], reason="收入已恢复，核实无风险")
    _refused("lead", "已处理", lead_dismiss, actor=world.zx_cadre1, lead=leads[A], reason="again")
    with pytest.raises(NotFound):
        lead_accept(actor=world.wz_cadre, lead=leads[A], comment="x")
    again = _sweep(world.zx_admin)
    assert again.counts["leads_opened"] == 2  # both still flagged: both get a new lead
    assert Lead.objects.filter(closed_at__isnull=True).count() == 2


def test_fast_track_needs_a_reason(world, leads):
    _refused(
        "fast_track_reason",
        "理由",
        lead_accept,
        actor=world.zx_cadre1,
        lead=leads[A],
        comment="灾后",
        fast_track=True,
    )
    _refused("lead", "村干部", lead_accept, actor=world.zx_township, lead=leads[A], comment="x")
    case = lead_accept(
        actor=world.zx_cadre1,
        lead=leads[A],
        comment="灾后",
        fast_track=True,
        fast_track_reason="7 月洪灾房屋受损，先行救助",
    )
    assert case.fast_track and "洪灾" in case.fast_track_reason


def test_the_notice_shows_no_private_data(world, leads):
    case = lead_accept(actor=world.zx_cadre1, lead=leads[A], comment="核实")
    _walk_to_township(world, case)
    head = Case.objects.get(pk=case.pk).household.memberships.get(relation="head").person
    c = Client()
    c.force_login(world.zx_cadre1)
    page = c.get(f"/monitoring/cases/{case.pk}/notice").content.decode()
    assert A in page and head.name in page and "拟纳入防止返贫监测对象公示" in page
    assert head.id_number not in page and head.id_number[-6:] not in page
    c.force_login(world.wz_admin)
    assert c.get(f"/monitoring/cases/{case.pk}/notice").status_code == 404


def test_screens_and_api_for_cases(world, leads):
    c = Client()
    c.force_login(world.zx_cadre1)
    page = c.get(f"/monitoring/leads/{leads[A].pk}/").content.decode()
    assert 'data-testid="accept-form"' in page and "6,000" in page
    assert c.post(f"/monitoring/leads/{leads[A].pk}/", {"do": "accept", "comment": ""}).status_code == 200
    response = c.post(f"/monitoring/leads/{leads[A].pk}/", {"do": "accept", "comment": "核实收入"})
    case = Case.objects.get()
    assert response["Location"] == f"/monitoring/cases/{case.pk}/"
    page = c.get(f"/monitoring/cases/{case.pk}/").content.decode()
    assert 'data-testid="step-visit"' in page and 'data-testid="step-approve"' not in page
    today = timezone.localdate().isoformat()
    stale = {
        "do": "step",
        "action": "visit",
        "expected_state": "lead",
        "comment": "入户",
        "authorisation_signed_on": today,
    }
    assert c.post(f"/monitoring/cases/{case.pk}/", stale).status_code == 302
    page = c.post(f"/monitoring/cases/{case.pk}/", stale).content.decode()  # the second click
    assert "您不能办理此环节" in page or "已办理到" in page
    assert CaseEvent.objects.filter(case=case, action="visit").count() == 1
    assert "已入户核实" in c.get("/monitoring/cases/?mine=1").content.decode()
    c.force_login(world.zx_cadre2)
    assert c.get(f"/monitoring/cases/{case.pk}/").status_code == 404
    assert c.get(f"/monitoring/leads/{leads[A].pk}/").status_code == 404

    from lnob.core.models import ApiToken

    token = ApiToken.issue(user=world.zx_cadre2, name="t")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    created = api.post(
        f"/api/v1/monitoring/leads/{leads[B].pk}/accept", {"comment": "核实"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "lead" and body["events"][0]["action"] == "open"
    wrong = api.post(
        f"/api/v1/monitoring/cases/{body['id']}/steps",
        {"action": "compare", "comment": "x"},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and "不能" in wrong.json()["detail"][0]["message"]
    ok = api.post(
        f"/api/v1/monitoring/cases/{body['id']}/steps",
        {"action": "visit", "comment": "入户", "authorisation_signed_on": today, "expected_state": "lead"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["state"] == "visited"
    assert [r["household"] for r in api.get("/api/v1/monitoring/cases").json()["items"]] == [B]
    outsider = Client(headers={"Authorization": f"Bearer {ApiToken.issue(user=world.wz_admin, name='t')[1]}"})
    assert outsider.get(f"/api/v1/monitoring/cases/{body['id']}").status_code == 404


def test_the_township_names_a_cadre_of_the_village_on_the_screen(world, leads):
    case = lead_accept(actor=world.zx_cadre1, lead=leads[A], comment="核实")
    c = Client()
    c.force_login(world.zx_township)
    page = c.get(f"/monitoring/cases/{case.pk}/").content.decode()
    form = page.split('data-testid="assign-form"')[1].split("</form>")[0]
    assert ">zx_cadre1<" in form and ">zx_cadre2<" not in form  # only the village's own cadres
    c.force_login(world.zx_cadre1)
    assert 'data-testid="assign-form"' not in c.get(f"/monitoring/cases/{case.pk}/").content.decode()
