"""Subsidy claims (补贴申报): the amount computed from the rule in force and the ledger's months,
refused for a worker not on the roster or months not worked; draft → submitted → approved →
paid with a payment record, or rejected with the reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from lnob.core.errors import DomainError, NotFound
from lnob.employment.models import EmploymentPolicy
from lnob.employment.workshops import claims, services
from lnob.employment.workshops.claims import LineIn, M
from lnob.employment.workshops.models import ClaimLine, SubsidyClaim, WorkshopEvent
from lnob.employment.workshops.selectors import roster
from tests.personas import WZ, WZ_V1
from tests.workshops.helpers import make_worker

D = dt.date
H1 = {"period_start": D(2026, 1, 1), "period_end": D(2026, 6, 30)}


def _claim(actor, shop, kind="workshop_subsidy", **extra):
    return claims.claim_create(actor=actor, workshop=shop, kind=kind, **{**H1, **extra})


def _rule(kind, params, name="万州区规则"):
    return EmploymentPolicy.objects.create(
        kind=kind,
        area_code=WZ,
        effective_from=D(2025, 1, 1),
        name=name,
        params=params,
        source="https://example.gov.cn/r",
    )


def test_the_amount_is_computed_from_the_rule_and_the_ledger(world, recognised, manager, workers):
    claim = _claim(manager, recognised)
    # the default (after Jinzhai): 2,000 a year pro rata + 300 a month, poor workers only:
    # five out-of-poverty workers × (2000 × 6/12 + 300 × 6) = 5 × 2,800
    assert claim.amount == Decimal("14000.00") and claim.state == "draft"
    assert (
        claim.policy.name == "帮扶车间吸纳就业补贴（默认，参照金寨县）" and "ahjinzhai" in claim.policy.source
    )
    lines = list(
        claim.lines.order_by("pk").values_list("person__name", "months", "months_worked", "poor", "amount")
    )
    assert lines == [(w.name, 6, 6, True, Decimal("2800.00")) for w in workers[:5]]


def test_a_worker_not_on_the_roster_or_months_not_worked_are_refused(world, recognised, manager, workers):
    outsider = make_worker(world.wz_cadre, WZ_V1, poor=True, name="未入职", birth="19900101")
    with pytest.raises(DomainError) as refused:
        _claim(manager, recognised, lines=[LineIn(workers[0].id_number, 6), LineIn(outsider.id_number, 6)])
    assert refused.value.field == "id_number"
    assert "不在该车间的工人名册上" in str(refused.value.message)
    assert outsider.id_number not in str(refused.value.value)

    leaver = {r.person_id: r.spell_id for r in roster(recognised, D(2026, 3, 31), viewer=None)}[workers[1].pk]
    services.worker_leave(actor=manager, workshop=recognised, spell_id=leaver, end=D(2026, 3, 31))
    with pytest.raises(DomainError) as too_many:
        _claim(manager, recognised, lines=[LineIn(workers[1].id_number, 6)])
    assert too_many.value.field == "months"
    assert str(too_many.value.message) == str(M.MONTHS_NOT_WORKED).format(
        name=workers[1].name, worked=3, months=6
    )
    assert not SubsidyClaim.objects.exists() and not ClaimLine.objects.exists()

    ok = _claim(manager, recognised, lines=[LineIn(workers[1].id_number, 3)])
    assert ok.amount == Decimal("1400.00")  # 2000 × 3/12 + 300 × 3


def test_a_worker_of_an_ordinary_household_is_refused_by_a_poor_only_rule(
    world, recognised, manager, workers
):
    with pytest.raises(DomainError) as refused:
        _claim(manager, recognised, lines=[LineIn(workers[6].id_number)])
    assert refused.value.field == "lines" and "不是脱贫户或监测户成员" in str(refused.value.message)


def test_the_claim_goes_from_draft_to_paid_with_the_payment_recorded(world, recognised, manager):
    claim = _claim(manager, recognised, evidence_text="工资表 2026 年 1-6 月")
    claims.claim_submit(actor=manager, claim=claim)
    with pytest.raises(NotFound):
        claims.claim_approve(actor=manager, claim=claim)  # a manager does not sign money off
    with pytest.raises(NotFound):
        claims.claim_approve(actor=world.wz_cadre, claim=claim)
    claims.claim_approve(actor=world.wz_admin, claim=claim)
    today = timezone.localdate()
    with pytest.raises(DomainError) as too_much:
        claims.claim_pay(
            actor=world.wz_admin, claim=claim, paid_on=today, amount=Decimal("14000.01"), reference="X"
        )
    assert too_much.value.field == "amount"
    paid = claims.claim_pay(
        actor=world.wz_admin,
        claim=claim,
        paid_on=today,
        amount=Decimal("14000"),
        reference="国库集中支付 2026-118",
    )
    assert (paid.state, paid.paid_on, paid.paid_amount, paid.payment_reference) == (
        "paid",
        today,
        Decimal("14000.00"),
        "国库集中支付 2026-118",
    )
    steps = list(WorkshopEvent.objects.filter(claim=claim).values_list("action", "to_state"))
    assert steps == [
        ("claim_create", "draft"),
        ("claim_submit", "submitted"),
        ("claim_approve", "approved"),
        ("claim_pay", "paid"),
    ]
    with pytest.raises(DomainError):
        claims.claim_submit(actor=manager, claim=claim)  # out of order


def test_a_rejected_claim_gives_its_reason_and_frees_the_period(world, recognised, manager):
    claim = _claim(manager, recognised)
    claims.claim_submit(actor=manager, claim=claim)
    with pytest.raises(DomainError) as overlap:
        _claim(manager, recognised, period_start=D(2026, 6, 1), period_end=D(2026, 6, 30))
    assert overlap.value.field == "period_start" and f"第 {claim.pk} 号" in str(overlap.value.message)
    with pytest.raises(DomainError) as no_reason:
        claims.claim_reject(actor=world.wz_admin, claim=claim, reason=" ")
    assert no_reason.value.field == "reason"
    claims.claim_reject(actor=world.wz_admin, claim=claim, reason="工资表缺少签字")
    claim.refresh_from_db()
    assert claim.state == "rejected" and claim.rejected_reason == "工资表缺少签字"
    assert _claim(manager, recognised).state == "draft"


def test_a_period_before_recognition_or_in_the_future_is_refused(world, recognised, staffed, manager):
    with pytest.raises(DomainError) as early:
        _claim(manager, recognised, period_start=D(2025, 10, 1), period_end=D(2025, 12, 31))
    assert early.value.field == "period_start"
    with pytest.raises(DomainError) as future:
        _claim(manager, recognised, period_start=D(2026, 1, 1), period_end=D(2099, 1, 1))
    assert future.value.field == "period_end"


def test_an_award_follows_the_rating_and_headcount_tiers(world, recognised, manager):
    _rule(
        "workshop_award",
        {
            "tiers": [{"rating": "good", "min_workers": 5, "max_workers": 9, "amount": "20000"}],
            "min_months": 3,
        },
    )
    with pytest.raises(DomainError) as no_rating:
        _claim(manager, recognised, kind="workshop_award")
    assert no_rating.value.field == "rating"
    with pytest.raises(DomainError) as no_tier:
        _claim(manager, recognised, kind="workshop_award", rating="excellent")
    assert "没有对应的奖补档次" in str(no_tier.value.message)
    award = _claim(manager, recognised, kind="workshop_award", rating="good")
    assert (
        award.amount == Decimal("20000.00") and award.figures["headcount"] == 7
    )  # every worker, poor or not


def test_an_emergency_subsidy_is_paid_once_per_worker_within_the_declared_period(world, recognised, manager):
    _rule(
        "workshop_emergency",
        {"per_worker": "500", "period_start": "2026-02-01", "period_end": "2026-04-30"},
        "疫情应急补贴",
    )
    first = _claim(
        manager, recognised, kind="workshop_emergency", period_start=D(2026, 2, 1), period_end=D(2026, 2, 28)
    )
    assert first.amount == Decimal("2500.00")  # five poor workers × 500
    with pytest.raises(DomainError) as twice:
        _claim(
            manager,
            recognised,
            kind="workshop_emergency",
            period_start=D(2026, 3, 1),
            period_end=D(2026, 3, 31),
        )
    assert str(twice.value.message) == str(M.NOBODY)
    with pytest.raises(DomainError) as outside:
        _claim(
            manager,
            recognised,
            kind="workshop_emergency",
            period_start=D(2026, 4, 1),
            period_end=D(2026, 5, 31),
        )
    assert "应急补贴只适用于" in str(outside.value.message)


def test_a_one_off_award_per_worker_is_capped(world, recognised, manager):
    _rule(
        "workshop_subsidy",
        {"per_worker_once": "1000", "min_months": 0, "poor_only": True, "cap": "3000"},
        "吉林式一次性奖补",
    )
    claim = _claim(manager, recognised)
    assert claim.amount == Decimal("3000.00") and claim.figures["uncapped"] == "5000.00"


def test_a_claim_is_in_the_audit_log_with_its_amount_masked(world, recognised, manager):
    from auditlog.models import LogEntry

    claim = _claim(manager, recognised)
    entry = LogEntry.objects.get_for_object(claim).get(action=LogEntry.Action.CREATE)
    assert entry.actor == manager and entry.changes_dict["amount"][1] != "14000.00"


def test_evidence_must_be_a_document_of_at_most_10_mb(world, recognised, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(DomainError) as refused:
        _claim(manager, recognised, evidence=SimpleUploadedFile("run.exe", b"MZ"))
    assert refused.value.field == "evidence" and not SubsidyClaim.objects.exists()
