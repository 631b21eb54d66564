"""Writes of the transport subsidies: the computation of an area's claims for a year, a claim
for one person by hand, approval, refusal and payment. Each refuses bad input with a DomainError
naming the field, the value and the reason, and writes nothing; an object outside the actor's
areas is NotFound (the caller answers 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

import polars as pl
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment.policy import Rule, rule_for
from lnob.employment.services import county_of
from lnob.registry.models import Person
from lnob.registry.selectors import person_area, today

from . import engine, load
from .models import DECIDED, ClaimStatus, Tier, TransportRun, TransportSubsidyClaim
from .rules import KIND


class SubsidyMsg:
    RUN_IN_PROGRESS = gettext_lazy("该区域本年度的交通补助正在核算，请稍后再试")
    NOT_AN_AREA = gettext_lazy("只能按县、乡镇或村核算")
    NOT_ELIGIBLE_GROUP = gettext_lazy("此人所在农户（{groups}）不属于该规则的补助对象（{wanted}）")
    NOT_A_MEMBER = gettext_lazy("此人在 {day} 不是本地农户成员")
    TOO_FEW_MONTHS = gettext_lazy("此人 {year} 年县外务工 {months} 个月，不足规则要求的 {min} 个月")
    NO_WORK_AWAY = gettext_lazy("就业台账中没有此人 {year} 年在县外务工的记录")
    ALREADY_DECIDED = gettext_lazy("此人 {year} 年的交通补助已有结果（{status}），每人每年只发放一次")
    NOT_COMPUTED = gettext_lazy("只有“已核算”的补助可以审核（现为“{status}”）")
    NOT_APPROVED = gettext_lazy("只有“已审核”的补助可以发放（现为“{status}”）")
    ALREADY_PAID = gettext_lazy("此人 {year} 年的交通补助已于 {day} 发放，不能再次发放")
    ABOVE_COMPUTED = gettext_lazy("发放金额不能高于核定金额（{amount} 元）")
    NOT_POSITIVE = gettext_lazy("发放金额必须大于 0")
    REASON_REQUIRED = gettext_lazy("请填写不予发放的原因")
    CANNOT_REJECT_PAID = gettext_lazy("已发放的补助不能改为不予发放")
    REFERENCE_REQUIRED = gettext_lazy("请填写发放凭证号（银行流水号或发放批次号）")
    PAID_BEFORE_YEAR = gettext_lazy("发放日期不能早于补助年度开始（{day}）")
    CITY_UNCLEAR = gettext_lazy("务工地点未注明所在市，按市内县外计")
    INCOME_UNKNOWN = gettext_lazy("未登记家庭收入，按人均纯收入较高的标准计")
    BY_HAND = gettext_lazy("人工添加")


NOTES = {engine.CITY_UNCLEAR: SubsidyMsg.CITY_UNCLEAR, engine.INCOME_UNKNOWN: SubsidyMsg.INCOME_UNKNOWN}
STALE_AFTER = dt.timedelta(minutes=10)  # a run silent this long stopped; the next start resumes it
FIRST_YEAR = 2013


def tier_rule(rule: Rule) -> engine.TierRule:
    p = rule.params
    return engine.TierRule(
        min_months=float(p.min_months),
        amounts={k: float(v) for k, v in p.amounts.items()},
        provinces={x.province: float(x.amount) for x in p.provinces},
        income_threshold=None if p.income_threshold is None else float(p.income_threshold),
        high_income_amount=None if p.high_income_amount is None else float(p.high_income_amount),
    )


def year_window(year: int) -> tuple[dt.date, dt.date]:
    """The year's first day, and its last day or today while it lasts."""
    if not FIRST_YEAR <= year <= today().year:
        raise DomainError("year", year, Msg.YEAR_RANGE)
    return dt.date(year, 1, 1), min(dt.date(year, 12, 31), today())


def compute_frame(
    lo: int, hi: int, rule: Rule, county: int, year: int, persons: list[int] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(results, people) for the villages in [lo, hi) (or those persons of them): the engine's
    result for every eligible person who worked at a paid tier, and the people read."""
    first, last = year_window(year)
    people = load.people(lo, hi, last, persons)
    chosen = people.filter(load.eligible(people, list(rule.params.household_groups)))
    if rule.params.income_threshold is not None:
        chosen = load.income_per_capita(chosen, lo, hi, last, first, last)
    spells = load.spells(lo, hi, last, first, last, list(rule.params.spell_statuses), persons)
    result = engine.compute(
        spells, load.as_people(chosen), tier_rule(rule), county_code=county, first=first, last=last
    )
    return result, people


def _claims(
    result: pl.DataFrame, year: int, rule: Rule, actor: Any, note: str = ""
) -> list[TransportSubsidyClaim]:
    out = []
    for r in result.filter(pl.col("tier").is_not_null()).iter_rows(named=True):
        notes = [str(NOTES[n]) for n in r["notes"]] + ([note] if note else [])
        out.append(
            TransportSubsidyClaim(
                person_id=r["person_id"],
                household_id=r["household_id"],
                village_id=r["village"],
                year=year,
                tier=r["tier"],
                destination=(r["destination"] or "")[:100],
                destination_province=r["province"],
                months=Decimal(str(r["months"])).quantize(Decimal("0.1"), rounding=ROUND_DOWN),
                amount=Decimal(str(r["amount"])).quantize(Decimal("0.01")),
                rule_id=rule.row.pk,
                note="；".join(notes)[:300],
                computed_by=actor,
            )
        )
    return out


@dataclass
class _Area:
    code: int
    lo: int
    hi: int
    county: int


def _area(actor: Any, area: Area) -> _Area:
    if actor is not None and not can(actor, Capability.MANAGE_EMPLOYMENT, area.code):
        raise NotFound(area.code)
    if area.level not in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
        raise DomainError("area", area.code, SubsidyMsg.NOT_AN_AREA)
    lo, hi = subtree_range(area.code, Level(area.level))
    return _Area(area.code, lo, hi, county_of(area.code))


def transport_compute(*, actor: Any, area: Area, year: int) -> TransportRun:
    """Compute the area's transport-subsidy claims for a year from the ledger, against the rule of
    its county in force at the year's end (or today). Every eligible person whose months of work
    away from the county reach the rule's minimum gets a computed claim; a claim already approved,
    paid or refused is kept as it is, and computed claims are replaced, so running it again
    changes nothing unless the ledger did. Villages are written one per transaction; a run that
    stopped is resumed by the next start. `actor` None: an operator's batch job."""
    where = _area(actor, area)
    _first, last = year_window(year)
    rule = rule_for(KIND, where.county, last)
    run = _start_run(actor, area, year, last, rule)
    result, _people = compute_frame(where.lo, where.hi, rule, where.county, year)
    eligible = result.filter(pl.col("tier").is_not_null())
    decided = set(
        TransportSubsidyClaim.objects.filter(
            year=year, status__in=DECIDED, person_id__in=_members_on(where, last)
        ).values_list("person_id", flat=True)
    )
    villages = Area.objects.filter(level=Level.VILLAGE, code__gte=where.lo, code__lt=where.hi)
    for village in villages.order_by("code").values_list("code", flat=True):
        if village in run.villages_done:
            continue
        rows = eligible.filter((pl.col("village") == village) & ~pl.col("person_id").is_in(sorted(decided)))
        _write_village(run, village, _claims(rows, year, rule, actor))
    counts = {
        "claims": eligible.filter(~pl.col("person_id").is_in(sorted(decided))).height,
        "amount": float(eligible.filter(~pl.col("person_id").is_in(sorted(decided)))["amount"].sum()),
        "kept": len(decided),
        "short": result.filter(pl.col("tier").is_null()).height,
    }
    TransportRun.objects.filter(pk=run.pk).update(
        status=TransportRun.Status.DONE, counts=counts, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def _members_on(where: _Area, day: dt.date) -> Any:
    """The persons who were members of the area's households on `day` (a subquery)."""
    from lnob.registry.models import Membership
    from lnob.registry.selectors import member_on

    return Membership.objects.filter(
        member_on(day), household__village_id__gte=where.lo, household__village_id__lt=where.hi
    ).values("person_id")


def _start_run(actor: Any, area: Area, year: int, as_of: dt.date, rule: Rule) -> TransportRun:
    """A new run, or the stopped one of the area and year to resume; refused while another runs."""
    now = timezone.now()
    running = TransportRun.objects.filter(area=area, year=year, status=TransportRun.Status.RUNNING).first()
    if running is None:
        try:
            with transaction.atomic(), set_actor(actor):
                return TransportRun.objects.create(
                    area=area, year=year, as_of=as_of, rule_id=rule.row.pk, heartbeat_at=now, created_by=actor
                )
        except IntegrityError:
            raise DomainError("year", year, SubsidyMsg.RUN_IN_PROGRESS) from None
    if running.heartbeat_at > now - STALE_AFTER:
        raise DomainError("year", year, SubsidyMsg.RUN_IN_PROGRESS)
    # claim the stopped run: exactly one starter wins the conditional update
    same = running.rule_id == rule.row.pk and running.as_of == as_of
    claimed = TransportRun.objects.filter(pk=running.pk, heartbeat_at=running.heartbeat_at).update(
        heartbeat_at=now,
        as_of=as_of,
        rule_id=rule.row.pk,
        villages_done=running.villages_done if same else [],
    )
    if claimed != 1:
        raise DomainError("year", year, SubsidyMsg.RUN_IN_PROGRESS)
    running.refresh_from_db()
    return running


@transaction.atomic
def _write_village(run: TransportRun, village: int, claims: list[TransportSubsidyClaim]) -> None:
    persons = [c.person_id for c in claims]
    TransportSubsidyClaim.objects.filter(year=run.year, status=ClaimStatus.COMPUTED).filter(
        Q(village_id=village) | Q(person_id__in=persons)
    ).delete()
    TransportSubsidyClaim.objects.bulk_create(claims)
    run.villages_done = [*run.villages_done, village]
    TransportRun.objects.filter(pk=run.pk).update(
        villages_done=run.villages_done, heartbeat_at=timezone.now()
    )


def person_result(*, person: Person, year: int) -> tuple[Rule, pl.DataFrame, dict[str, Any]]:
    """The computation for one person: the rule, the engine's row (maybe empty) and the person's
    village and household groups. DomainError when the person is not a member of a household at
    the year's end or no rule applies."""
    _first, last = year_window(year)
    village = person_area(person.pk)
    if village is None:
        raise DomainError("person", person.name, str(SubsidyMsg.NOT_A_MEMBER).format(day=last))
    county = county_of(village)
    rule = rule_for(KIND, county, last)
    lo, hi = subtree_range(village, Level.VILLAGE)
    result, people = compute_frame(lo, hi, rule, county, year, [person.pk])
    if people.is_empty():
        raise DomainError("person", person.name, str(SubsidyMsg.NOT_A_MEMBER).format(day=last))
    info = people.row(0, named=True)
    return rule, result, info


def check_eligible(rule: Rule, result: pl.DataFrame, info: dict[str, Any], year: int) -> dict[str, Any]:
    """The person's engine row, or DomainError saying why the person gets nothing."""
    from lnob.registry.choices import HouseholdStatus

    groups = list(rule.params.household_groups)
    mine = [info["status"]] + (["monitored"] if info["monitored"] else [])
    if not set(mine) & set(groups):
        labels = dict(HouseholdStatus.choices) | {"monitored": _("监测对象")}
        raise DomainError(
            "person",
            info["person_id"],
            str(SubsidyMsg.NOT_ELIGIBLE_GROUP).format(
                groups="、".join(str(labels.get(g, g)) for g in mine if g),
                wanted="、".join(str(labels.get(g, g)) for g in groups),
            ),
        )
    if result.is_empty():
        raise DomainError("months", 0, str(SubsidyMsg.NO_WORK_AWAY).format(year=year))
    row = result.row(0, named=True)
    if row["tier"] is None:
        months = Decimal(str(row["months"])).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
        raise DomainError(
            "months",
            months,
            str(SubsidyMsg.TOO_FEW_MONTHS).format(year=year, months=months, min=rule.params.min_months),
        )
    return row


@transaction.atomic
def transport_claim_add(*, actor: Any, person: Person, year: int) -> TransportSubsidyClaim:
    """A claim for one person computed by hand (a person the area's run missed, or after the
    ledger was corrected). Refused with the reason: the household is not in the rule's groups,
    too few months away from the county, or the person's claim of the year was already decided."""
    village = person_area(person.pk)
    if village is None or not can(actor, Capability.MANAGE_EMPLOYMENT, village):
        raise NotFound(person.pk)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    existing = TransportSubsidyClaim.objects.filter(person=person, year=year).first()
    if existing is not None and existing.status in DECIDED:
        raise DomainError(
            "year",
            year,
            str(SubsidyMsg.ALREADY_DECIDED).format(year=year, status=existing.get_status_display()),
        )
    rule, result, info = person_result(person=person, year=year)
    check_eligible(rule, result, info, year)
    (claim,) = _claims(result, year, rule, actor, note=str(SubsidyMsg.BY_HAND))
    if existing is not None:
        existing.delete()
    with set_actor(actor):
        claim.save()
    return claim


def _decidable(actor: Any, claim: TransportSubsidyClaim) -> TransportSubsidyClaim:
    if not can(actor, Capability.APPROVE_PAYMENTS, claim.village_id):
        raise NotFound(claim.pk)
    return TransportSubsidyClaim.objects.select_for_update().get(pk=claim.pk)


@transaction.atomic
def transport_claim_approve(*, actor: Any, claim: TransportSubsidyClaim) -> TransportSubsidyClaim:
    claim = _decidable(actor, claim)
    if claim.status != ClaimStatus.COMPUTED:
        raise DomainError(
            "status", claim.status, str(SubsidyMsg.NOT_COMPUTED).format(status=claim.get_status_display())
        )
    claim.status, claim.decided_at, claim.decided_by = ClaimStatus.APPROVED, timezone.now(), actor
    with set_actor(actor):
        claim.save(update_fields=["status", "decided_at", "decided_by"])
    return claim


@transaction.atomic
def transport_claims_approve(*, actor: Any, village: int, year: int, ids: list[int] | None = None) -> int:
    """Approve the computed claims of a village and year (or those of them in `ids`) at once: a
    conditional update, so a claim approved or changed meanwhile is left alone. One audit entry
    names them all. Returns how many were approved."""
    if not can(actor, Capability.APPROVE_PAYMENTS, village):
        raise NotFound(village)
    claims = TransportSubsidyClaim.objects.filter(village_id=village, year=year, status=ClaimStatus.COMPUTED)
    if ids is not None:
        claims = claims.filter(pk__in=ids)
    chosen = list(claims.select_for_update().values_list("pk", flat=True))
    n = TransportSubsidyClaim.objects.filter(pk__in=chosen, status=ClaimStatus.COMPUTED).update(
        status=ClaimStatus.APPROVED, decided_at=timezone.now(), decided_by=actor
    )
    if n:
        area = Area.objects.get(code=village)
        with set_actor(actor):
            LogEntry.objects.log_create(
                area,
                force_log=True,
                action=LogEntry.Action.UPDATE,
                actor=actor,
                changes={"transport_subsidy_approved": [None, f"{year}: {n}"]},
                additional_data={"area": village, "year": year, "claims": chosen},
            )
    return n


@transaction.atomic
def transport_claim_reject(*, actor: Any, claim: TransportSubsidyClaim, reason: str) -> TransportSubsidyClaim:
    """不予发放, with the reason (for example: the national system shows no work in that period)."""
    claim = _decidable(actor, claim)
    if not reason.strip():
        raise DomainError("reason", reason, SubsidyMsg.REASON_REQUIRED)
    if claim.status == ClaimStatus.PAID:
        raise DomainError("status", claim.status, SubsidyMsg.CANNOT_REJECT_PAID)
    claim.status, claim.reason = ClaimStatus.REJECTED, reason.strip()[:300]
    claim.decided_at, claim.decided_by = timezone.now(), actor
    with set_actor(actor):
        claim.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    return claim


def check_payment(claim: TransportSubsidyClaim, paid_on: dt.date, amount: Decimal, reference: str) -> None:
    """The payment's own rules, shared by the form, the API and the import."""
    if claim.status == ClaimStatus.PAID:
        raise DomainError(
            "paid_on",
            paid_on,
            str(SubsidyMsg.ALREADY_PAID).format(year=claim.year, day=claim.paid_on),
        )
    if claim.status != ClaimStatus.APPROVED:
        raise DomainError(
            "status", claim.status, str(SubsidyMsg.NOT_APPROVED).format(status=claim.get_status_display())
        )
    if amount <= 0:
        raise DomainError("paid_amount", amount, SubsidyMsg.NOT_POSITIVE)
    if amount > claim.amount:
        raise DomainError("paid_amount", amount, str(SubsidyMsg.ABOVE_COMPUTED).format(amount=claim.amount))
    if paid_on > today():
        raise DomainError("paid_on", paid_on, Msg.IN_FUTURE)
    if paid_on < dt.date(claim.year, 1, 1):
        raise DomainError(
            "paid_on", paid_on, str(SubsidyMsg.PAID_BEFORE_YEAR).format(day=dt.date(claim.year, 1, 1))
        )
    if not reference.strip():
        raise DomainError("payment_reference", reference, SubsidyMsg.REFERENCE_REQUIRED)


@transaction.atomic
def transport_claim_pay(
    *, actor: Any, claim: TransportSubsidyClaim, paid_on: dt.date, amount: Decimal, reference: str
) -> TransportSubsidyClaim:
    """Record the payment of an approved claim: the day, the amount (at most the computed amount;
    less where the rule pays the actual fare when lower) and the bank's or the batch's reference.
    A claim is paid once."""
    claim = _decidable(actor, claim)
    check_payment(claim, paid_on, amount, reference)
    claim.status, claim.paid_on, claim.paid_amount = ClaimStatus.PAID, paid_on, amount
    claim.payment_reference, claim.paid_by = reference.strip()[:64], actor
    with set_actor(actor):
        claim.save(update_fields=["status", "paid_on", "paid_amount", "payment_reference", "paid_by"])
    return claim


TIER_LABELS = dict(Tier.choices)
