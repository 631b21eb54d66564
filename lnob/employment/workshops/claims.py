"""Subsidy claims of a workshop (补贴申报). The amount is computed from the rule in force and the
ledger's months, never typed in: a claim for a worker who is not on the roster in the period, or
for more months than the ledger shows they worked there, is refused with the reason.

draft → submitted → approved (APPROVE_PAYMENTS) → paid (date, amount, reference); a draft or a
submitted claim may be rejected with the reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.core.sensitive import mask_id
from lnob.employment import policy
from lnob.registry.models import Person
from lnob.registry.selectors import today

from .models import ClaimKind, ClaimLine, ClaimState, Rating, SubsidyClaim, Workshop, WorkshopState
from .roster import months_worked, poor_on, roster_spells
from .rules import AwardParams, EmergencyParams, SubsidyParams
from .services import _event, may_act

CENT = Decimal("0.01")
MAX_EVIDENCE = 10 * 1024 * 1024
EVIDENCE_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".docx")


class M:
    NOT_ON_ROSTER = _("此人在 {start} 至 {end} 不在该车间的工人名册上")
    MONTHS_NOT_WORKED = _("台账显示{name}在此期间在该车间工作 {worked} 个月，不能申报 {months} 个月")
    MONTHS_POSITIVE = _("申报月数须大于 0")
    TWICE = _("同一工人出现多次")
    NOT_POOR = _("{name}不是脱贫户或监测户成员，该规则只补贴脱贫人口和监测对象")
    TOO_FEW_MONTHS = _("{name}在此期间工作 {worked} 个月，不足该规则要求的 {min} 个月")
    CLAIMED_ONCE = _("{name}已按该规则申领过一次性补贴")
    NOBODY = _("此期间没有符合该规则的工人")
    PERIOD_LONG = _("申报期间不能超过一年")
    BEFORE_RECOGNITION = _("申报期间早于车间认定日期（{date}）")
    AFTER_CLOSING = _("申报期间晚于车间清理日期（{date}）")
    NOT_RECOGNISED = _("车间尚未认定，不能申报补贴")
    OVERLAP = _("与第 {pk} 号申报（{start} 至 {end}）的期间重叠")
    TYPE_NOT_COVERED = _("该规则不适用于“{type}”类车间")
    OUTSIDE_EMERGENCY = _("应急补贴只适用于 {start} 至 {end}")
    NO_TIER = _("“{rating}”等次、{n} 人没有对应的奖补档次")
    RATING_REQUIRED = _("等次奖补须填写考评等次")
    WRONG_STATE = _("申报当前为“{state}”，不能“{action}”")
    REASON = _("请填写退回原因")
    PAID_TOO_MUCH = _("发放金额不能超过核算金额（{amount} 元）")
    PAID_NOTHING = _("发放金额须大于 0")
    PAID_BEFORE = _("发放日期不能早于审核日期（{date}）")
    EVIDENCE_SIZE = _("证明材料不能超过 10 MB")
    EVIDENCE_TYPE = _("证明材料须为 PDF、图片、Excel 或 Word 文件")
    EVIDENCE_STATE = _("只能为草稿或已提交的申报补充证明材料")


@dataclass(frozen=True)
class LineIn:
    """A worker claimed by resident ID, for `months` (None: the months the ledger shows)."""

    id_number: str
    months: int | None = None


@dataclass
class Computed:
    amount: Decimal
    figures: dict[str, Any]
    lines: list[ClaimLine]


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _check_period(
    workshop: Workshop, kind: str, start: dt.date, end: dt.date, exclude: int | None = None
) -> None:
    if end < start:
        raise DomainError("period_end", end, Msg.PERIOD_REVERSED)
    if end > today():
        raise DomainError("period_end", end, Msg.IN_FUTURE)
    if (end - start).days > 365:
        raise DomainError("period_end", end, M.PERIOD_LONG)
    if workshop.recognised_on is None or workshop.state == WorkshopState.APPLIED:
        raise DomainError("workshop", workshop.get_state_display(), M.NOT_RECOGNISED)
    if start < workshop.recognised_on:
        raise DomainError(
            "period_start", start, str(M.BEFORE_RECOGNITION).format(date=workshop.recognised_on)
        )
    if workshop.closed_on is not None and workshop.state == WorkshopState.CLOSED and end > workshop.closed_on:
        raise DomainError("period_end", end, str(M.AFTER_CLOSING).format(date=workshop.closed_on))
    other = (
        SubsidyClaim.objects.filter(
            workshop=workshop, kind=kind, period_start__lte=end, period_end__gte=start
        )
        .exclude(state=ClaimState.REJECTED)
        .exclude(pk=exclude)
        .first()
    )
    if other is not None:
        raise DomainError(
            "period_start",
            start,
            str(M.OVERLAP).format(pk=other.pk, start=other.period_start, end=other.period_end),
        )


def compute(
    *,
    workshop: Workshop,
    kind: str,
    rule: policy.Rule,
    start: dt.date,
    end: dt.date,
    rating: str = "",
    lines: list[LineIn] | None = None,
    exclude: int | None = None,
) -> Computed:
    """The claim's lines and amount under the rule: every eligible worker of the roster with the
    months the ledger shows, or the workers asked for, each checked against the roster and the
    ledger. A few queries whatever the roster's size."""
    p = rule.params
    if isinstance(p, EmergencyParams) and (start < p.period_start or end > p.period_end):
        raise DomainError(
            "period_start", start, str(M.OUTSIDE_EMERGENCY).format(start=p.period_start, end=p.period_end)
        )
    if isinstance(p, SubsidyParams) and workshop.type not in p.types:
        raise DomainError("kind", kind, str(M.TYPE_NOT_COVERED).format(type=workshop.get_type_display()))
    spells = roster_spells([workshop], start, end)
    names = {r.person_id: r.name for r in spells}
    worked = {person: n for (_w, person), n in months_worked(spells, start, end).items()}
    poor = poor_on(names, min(end, today()))
    once = isinstance(p, EmergencyParams) or (isinstance(p, SubsidyParams) and p.per_worker_once > 0)
    claimed = _claimed_before(rule.row.pk, set(names), exclude) if once else set()
    asked = _resolve(lines, names, worked, start, end) if lines is not None else None
    chosen: list[tuple[int, int]] = []
    for person in asked if asked is not None else sorted(names, key=lambda x: (names[x], x)):
        months = asked[person] if asked is not None else worked.get(person, 0)
        reason = _ineligible(p, names[person], person in poor, worked.get(person, 0), person in claimed)
        if reason and asked is not None:
            raise DomainError("lines", names[person], reason)
        if not reason:
            chosen.append((person, months))
    if not chosen:
        raise DomainError("lines", "", M.NOBODY)
    built = [
        ClaimLine(
            person_id=person,
            months=months,
            months_worked=worked.get(person, 0),
            poor=person in poor,
            amount=_line_amount(p, months),
        )
        for person, months in chosen
    ]
    amount, extra = _total(p, built, rating)
    figures = {
        "rule": rule.row.name,
        "rule_id": rule.row.pk,
        "source": rule.row.source,
        "params": rule.row.params,
        "headcount": len(built),
        "period": [start.isoformat(), end.isoformat()],
        **extra,
    }
    return Computed(amount, figures, built)


def _resolve(
    lines: list[LineIn], names: dict[int, str], worked: dict[int, int], start: dt.date, end: dt.date
) -> dict[int, int]:
    """person -> months for the workers asked for, refusing anyone not on the roster in the period
    and more months than the ledger shows."""
    numbers = {
        n.upper(): pk for n, pk in Person.objects.filter(pk__in=list(names)).values_list("id_number", "pk")
    }
    out: dict[int, int] = {}
    for line in lines:
        number = line.id_number.strip().upper()
        person = numbers.get(number)
        if person is None:
            raise DomainError("id_number", mask_id(number), str(M.NOT_ON_ROSTER).format(start=start, end=end))
        if person in out:
            raise DomainError("id_number", mask_id(number), M.TWICE)
        has = worked.get(person, 0)
        months = has if line.months is None else line.months
        if line.months is not None and line.months <= 0:
            raise DomainError("months", line.months, M.MONTHS_POSITIVE)
        if months > has:
            raise DomainError(
                "months",
                months,
                str(M.MONTHS_NOT_WORKED).format(name=names[person], worked=has, months=months),
            )
        out[person] = months
    return out


def _ineligible(p: Any, name: str, poor: bool, worked: int, claimed: bool) -> str:
    if getattr(p, "poor_only", False) and not poor:
        return str(M.NOT_POOR).format(name=name)
    need = getattr(p, "min_months", 0)
    if worked < need:
        return str(M.TOO_FEW_MONTHS).format(name=name, worked=worked, min=need)
    if claimed:
        return str(M.CLAIMED_ONCE).format(name=name)
    return ""


def _claimed_before(policy_id: int, persons: set[int], exclude: int | None) -> set[int]:
    lines = ClaimLine.objects.filter(claim__policy_id=policy_id, person_id__in=list(persons)).exclude(
        claim__state=ClaimState.REJECTED
    )
    if exclude is not None:
        lines = lines.exclude(claim_id=exclude)
    return set(lines.values_list("person_id", flat=True))


def _line_amount(p: Any, months: int) -> Decimal:
    if isinstance(p, SubsidyParams):
        return _money(p.per_worker_year * months / 12 + p.per_worker_month * months + p.per_worker_once)
    if isinstance(p, EmergencyParams):
        return _money(p.per_worker)
    return Decimal("0.00")  # an award is the workshop's, not the workers'


def _total(p: Any, lines: list[ClaimLine], rating: str) -> tuple[Decimal, dict[str, Any]]:
    if isinstance(p, AwardParams):
        if not rating:
            raise DomainError("rating", rating, M.RATING_REQUIRED)
        n = len(lines)
        for tier in p.tiers:
            if (
                tier.rating == rating
                and tier.min_workers <= n
                and (tier.max_workers is None or n <= tier.max_workers)
            ):
                return _money(tier.amount), {"tier": tier.model_dump(mode="json")}
        label = dict(Rating.choices).get(rating, rating)
        raise DomainError("rating", label, str(M.NO_TIER).format(rating=label, n=n))
    total = _money(sum((line.amount for line in lines), Decimal(0)))
    cap = getattr(p, "cap", None)
    if cap is not None and total > cap:
        return _money(cap), {"uncapped": str(total), "cap": str(cap)}
    return total, {}


def _check_evidence(evidence: Any) -> None:
    if evidence is None:
        return
    if evidence.size and evidence.size > MAX_EVIDENCE:
        raise DomainError("evidence", evidence.name, M.EVIDENCE_SIZE)
    if Path(evidence.name or "").suffix.lower() not in EVIDENCE_TYPES:
        raise DomainError("evidence", evidence.name, M.EVIDENCE_TYPE)


@transaction.atomic
def claim_create(
    *,
    actor: Any,
    workshop: Workshop,
    kind: str,
    period_start: dt.date,
    period_end: dt.date,
    rating: str = "",
    lines: list[LineIn] | None = None,
    evidence: Any = None,
    evidence_text: str = "",
) -> SubsidyClaim:
    """A draft claim of the workshop under the rule of `kind` in force at the period's end, its
    lines and amount computed (see `compute`). The workshop's managers and the county may draft."""
    if not may_act(actor, workshop):
        raise NotFound(workshop.pk)
    if kind not in ClaimKind.values:
        raise DomainError("kind", kind, Msg.UNKNOWN_CODE)
    if rating and rating not in Rating.values:
        raise DomainError("rating", rating, Msg.UNKNOWN_CODE)
    # one claim at a time per workshop, on its state as it is now
    workshop = Workshop.objects.select_for_update().filter(pk=workshop.pk).first() or workshop
    _check_period(workshop, kind, period_start, period_end)
    if kind == ClaimKind.AWARD and not rating:
        rating = workshop.rating
    rule = policy.rule_for(kind, workshop.village_id, period_end)
    computed = compute(
        workshop=workshop,
        kind=kind,
        rule=rule,
        start=period_start,
        end=period_end,
        rating=rating,
        lines=lines,
    )
    _check_evidence(evidence)
    with set_actor(actor):
        claim = SubsidyClaim(
            workshop=workshop,
            kind=kind,
            policy=rule.row,
            period_start=period_start,
            period_end=period_end,
            rating=rating if kind == ClaimKind.AWARD else "",
            amount=computed.amount,
            figures=computed.figures,
            evidence_text=evidence_text.strip()[:500],
            created_by=actor,
        )
        if evidence is not None:
            claim.evidence.save(Path(evidence.name).name, evidence, save=False)
        claim.save()
        for line in computed.lines:
            line.claim = claim
        ClaimLine.objects.bulk_create(computed.lines)
        _event(workshop, "claim_create", today(), actor, claim=claim, comment=f"{claim.amount}").save()
    return claim


def _locked(claim: SubsidyClaim) -> SubsidyClaim:
    locked = (
        SubsidyClaim.objects.select_for_update(of=("self",))
        .select_related("workshop")
        .filter(pk=claim.pk)
        .first()
    )
    if locked is None:
        raise NotFound(claim.pk)
    return locked


def _step(claim: SubsidyClaim, action: str, label: Any) -> str:
    method = getattr(claim, action)
    if not can_proceed(method):
        raise DomainError(
            "state", claim.state, str(M.WRONG_STATE).format(state=claim.get_state_display(), action=label)
        )
    before = claim.state
    method()
    return before


@transaction.atomic
def claim_attach(
    *, actor: Any, claim: SubsidyClaim, evidence: Any = None, evidence_text: str = ""
) -> SubsidyClaim:
    """Add or replace the evidence of a draft or submitted claim."""
    locked = _locked(claim)
    if not may_act(actor, locked.workshop):
        raise NotFound(claim.pk)
    if locked.state not in (ClaimState.DRAFT, ClaimState.SUBMITTED):
        raise DomainError("state", locked.state, M.EVIDENCE_STATE)
    _check_evidence(evidence)
    with set_actor(actor):
        if evidence is not None:
            locked.evidence.save(Path(evidence.name).name, evidence, save=False)
        if evidence_text.strip():
            locked.evidence_text = evidence_text.strip()[:500]
        locked.save(update_fields=["evidence", "evidence_text"])
    return locked


@transaction.atomic
def claim_submit(*, actor: Any, claim: SubsidyClaim) -> SubsidyClaim:
    locked = _locked(claim)
    if not may_act(actor, locked.workshop):
        raise NotFound(claim.pk)
    before = _step(locked, "submit", _("提交"))
    locked.submitted_at = timezone.now()
    with set_actor(actor):
        locked.save(update_fields=["state", "submitted_at"])
        _event(locked.workshop, "claim_submit", today(), actor, before=before, claim=locked).save()
    return locked


def _approver(actor: Any, claim: SubsidyClaim) -> None:
    if not can(actor, Capability.APPROVE_PAYMENTS, claim.workshop.village_id):
        raise NotFound(claim.pk)


@transaction.atomic
def claim_approve(*, actor: Any, claim: SubsidyClaim, comment: str = "") -> SubsidyClaim:
    locked = _locked(claim)
    _approver(actor, locked)
    before = _step(locked, "approve", _("审核通过"))
    locked.decided_at, locked.decided_by = timezone.now(), actor
    with set_actor(actor):
        locked.save(update_fields=["state", "decided_at", "decided_by"])
        _event(
            locked.workshop, "claim_approve", today(), actor, before=before, claim=locked, comment=comment
        ).save()
    return locked


@transaction.atomic
def claim_reject(*, actor: Any, claim: SubsidyClaim, reason: str) -> SubsidyClaim:
    locked = _locked(claim)
    _approver(actor, locked)
    if not reason.strip():
        raise DomainError("reason", reason, M.REASON)
    before = _step(locked, "reject", _("退回"))
    locked.rejected_reason = reason.strip()[:500]
    locked.decided_at, locked.decided_by = timezone.now(), actor
    with set_actor(actor):
        locked.save(update_fields=["state", "rejected_reason", "decided_at", "decided_by"])
        _event(
            locked.workshop, "claim_reject", today(), actor, before=before, claim=locked, comment=reason
        ).save()
    return locked


@transaction.atomic
def claim_pay(
    *, actor: Any, claim: SubsidyClaim, paid_on: dt.date, amount: Decimal, reference: str
) -> SubsidyClaim:
    """The payment record of an approved claim: date, amount (at most the computed one) and the
    bank or treasury reference."""
    locked = _locked(claim)
    _approver(actor, locked)
    if paid_on > today():
        raise DomainError("paid_on", paid_on, Msg.IN_FUTURE)
    if locked.decided_at is not None and paid_on < timezone.localdate(locked.decided_at):
        raise DomainError(
            "paid_on", paid_on, str(M.PAID_BEFORE).format(date=timezone.localdate(locked.decided_at))
        )
    if amount <= 0:
        raise DomainError("amount", amount, M.PAID_NOTHING)
    if amount > locked.amount:
        raise DomainError("amount", amount, str(M.PAID_TOO_MUCH).format(amount=locked.amount))
    if not reference.strip():
        raise DomainError("reference", reference, Msg.REQUIRED)
    before = _step(locked, "pay", _("发放"))
    locked.paid_on, locked.paid_amount, locked.payment_reference = (
        paid_on,
        _money(amount),
        reference.strip()[:100],
    )
    with set_actor(actor):
        locked.save(update_fields=["state", "paid_on", "paid_amount", "payment_reference"])
        _event(
            locked.workshop,
            "claim_pay",
            paid_on,
            actor,
            before=before,
            claim=locked,
            comment=f"{locked.paid_amount} · {locked.payment_reference}",
        ).save()
    return locked


def open_claims(workshop: Workshop) -> Q:
    return Q(workshop=workshop) & ~Q(state=ClaimState.REJECTED)
