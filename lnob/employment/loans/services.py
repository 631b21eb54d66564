"""Writes of the entrepreneurship and loans channel. Each refuses bad input with a DomainError
naming the field, the value and the reason (a refused loan names the rule and its source), and
writes nothing; anything outside the actor's areas is NotFound (the caller answers 404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from lnob.areas.codes import Level
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment import services as ledger
from lnob.employment.models import Channel, Employer, Location, Spell, SpellStatus
from lnob.employment.policy import Rule, rule_for
from lnob.registry.models import Person
from lnob.registry.rules import age_on
from lnob.registry.selectors import person_area, today

from .households import household_groups
from .models import (
    Business,
    BusinessStatus,
    Entrepreneur,
    Loan,
    LoanStatus,
    LoanType,
    Repayment,
    SubsidyPayment,
    policy_kind,
)


class LoanMsg:
    """The channel's refusals, constants so tests can assert on them."""

    NOT_REGISTERED = _("此人未登记或不在您的管辖范围内")
    ALREADY_ENTREPRENEUR = _("此人已登记为创业者")
    LOCAL_NO_RETURN = _("本地创业者不填写返乡前务工地和返乡日期")
    NOT_A_VILLAGE = _("创业实体须在本县的一个村")
    OTHER_COUNTY = _("创业实体须在创业者所在的县")
    BUSINESS_NAME_TAKEN = _("该创业者已登记同名的创业实体")
    NEEDS_CREDIT_CODE = _(
        "没有统一社会信用代码的创业实体不在用工单位名单中：请先补充信用代码，或填写其他用工人数"
    )
    NOT_OPERATING = _("该创业实体不在经营中")
    BEFORE_BUSINESS = _("日期早于创业实体开业日期（{date}）")
    REFERENCE_TAKEN = _("该借款合同号已登记")
    AMOUNT_NOT_POSITIVE = _("金额必须大于 0")
    ABOVE_LIMIT = _("贷款金额超过上限 {limit} 元（{rule}；依据：{source}）")
    NO_RAISED_LIMIT = _("该类贷款没有提高额度的规定（{rule}；依据：{source}）")
    TERM_ABOVE_LIMIT = _("贷款期限超过上限 {limit} 个月（{rule}；依据：{source}）")
    AGE_OUTSIDE = _("借款人放款时 {age} 岁，不在 {low}–{high} 岁之间（{rule}；依据：{source}）")
    INELIGIBLE = _("借款人家庭不属于可贷款的对象（{groups}）（{rule}；依据：{source}）")
    SUBSIDY_ABOVE_INTEREST = _("贴息利率不能高于贷款利率（{rate}%）")
    NEGATIVE_RATE = _("利率不能为负数")
    NOT_BORROWERS_BUSINESS = _("该创业实体不属于借款人")
    LOAN_CLOSED = _("该贷款已结清或核销")
    BEFORE_ISSUE = _("日期早于放款日期（{date}）")
    REPAYMENT_EMPTY = _("本金和利息不能都为 0")
    REPAYMENT_TWICE = _("该贷款在这一天已有还款记录")
    ABOVE_OUTSTANDING = _("归还本金超过未还本金（{outstanding} 元）")
    NOT_OVERDUE_STATE = _("当前还款状态（{status}）不能进行此操作")
    NO_SUBSIDY = _("该贷款不享受贴息（贴息利率为 0）")
    PERIOD_OUTSIDE_LOAN = _("贴息期间须在放款日期和到期日期（{maturity}）之间")
    PERIOD_PAID = _("与已拨付的贴息期间 {start} 至 {end} 重叠")
    ABOVE_DUE = _(
        "贴息金额超过按规则应贴息的 {due} 元（享受贴息的本金 {part} 元 × 贴息利率 {rate}% × 天数 / 360）"
    )


GROUP_LABELS = {
    "out_of_poverty": _("脱贫户"),
    "monitored": _("监测对象"),
    "ordinary": _("一般农户"),
    "other": _("其他"),
}


def _managed_area(actor: Any, area: int | None) -> int:
    if area is None or not can(actor, Capability.MANAGE_EMPLOYMENT, area):
        raise NotFound(area)
    return area


def _not_future(field: str, day: dt.date | None) -> None:
    if day is not None and day > today():
        raise DomainError(field, day, Msg.IN_FUTURE)


# -- entrepreneurs and businesses -------------------------------------------------------------


@transaction.atomic
def entrepreneur_register(
    *,
    actor: Any,
    person: Person,
    returning: bool,
    returned_from: str = "",
    returned_on: dt.date | None = None,
    previous_work: str = "",
    note: str = "",
) -> Entrepreneur:
    """A registered person who runs a business: a returnee (from where, since when) or a local."""
    village = _managed_area(actor, person_area(person.pk))
    if not returning and (returned_from.strip() or returned_on):
        raise DomainError("returned_from", returned_from or returned_on, LoanMsg.LOCAL_NO_RETURN)
    _not_future("returned_on", returned_on)
    if Entrepreneur.objects.filter(person=person).exists():
        raise DomainError("person", person.name, LoanMsg.ALREADY_ENTREPRENEUR)
    with set_actor(actor):
        return Entrepreneur.objects.create(
            person=person,
            village_id=village,
            returning=returning,
            returned_from=returned_from.strip(),
            returned_on=returned_on,
            previous_work=previous_work.strip(),
            note=note.strip(),
            created_by=actor,
        )


def valid_credit_code(credit_code: str) -> str:
    """The code in its compact form, or DomainError."""
    try:
        return str(uscc.validate(credit_code))
    except ValidationError:
        raise DomainError("credit_code", credit_code, Msg.CREDIT_CODE_INVALID) from None


def _employer_entry(actor: Any, county: int, code: str, name: str, sector: str) -> Employer:
    """The business on its county's employer list: found by its code, or added. A township
    officer may add it for a business of their township (the ledger's employer_create is for
    the county's own officers), with the same check of the code."""
    found = Employer.objects.filter(county_id=county, credit_code=code).first()
    if found is not None:
        return found
    with set_actor(actor):
        return Employer.objects.create(county_id=county, credit_code=code, name=name, sector=sector)


@transaction.atomic
def business_create(
    *,
    actor: Any,
    entrepreneur: Entrepreneur,
    name: str,
    village: Area,
    started: dt.date,
    sector: str = "",
    credit_code: str = "",
    other_jobs: int = 0,
) -> Business:
    """A business the entrepreneur runs. Its owner is self-employed from `started` in the ledger
    (a spell through the ledger's service; a running full-time spell that began earlier ends the
    day before). With a credit code it joins the county's employer list."""
    _managed_area(actor, entrepreneur.village_id)
    if village.level != Level.VILLAGE:
        raise DomainError("village", village.code, LoanMsg.NOT_A_VILLAGE)
    _managed_area(actor, village.code)
    county = ledger.county_of(entrepreneur.village_id)
    if ledger.county_of(village.code) != county:
        raise DomainError("village", village.code, LoanMsg.OTHER_COUNTY)
    if not name.strip():
        raise DomainError("name", name, Msg.REQUIRED)
    _not_future("started", started)
    if other_jobs < 0:
        raise DomainError("other_jobs", other_jobs, Msg.NEGATIVE_AMOUNT)
    code = valid_credit_code(credit_code) if credit_code.strip() else ""
    if Business.objects.filter(entrepreneur=entrepreneur, name=name.strip()).exists():
        raise DomainError("name", name, LoanMsg.BUSINESS_NAME_TAKEN)
    employer = _employer_entry(actor, county, code, name.strip(), sector.strip()) if code else None
    spell = ledger.spell_record(
        actor=actor,
        person=entrepreneur.person,
        status=SpellStatus.SELF_EMPLOYED,
        start=started,
        location=Location.IN_COUNTY,
        destination=f"{village.name} {name.strip()}"[:100],
        note=str(_("创业：{name}")).format(name=name.strip())[:200],
        close_open=True,
    )
    with set_actor(actor):
        return Business.objects.create(
            entrepreneur=entrepreneur,
            name=name.strip(),
            sector=sector.strip(),
            village=village,
            credit_code=code,
            employer=employer,
            started=started,
            other_jobs=other_jobs,
            owner_spell=spell,
            created_by=actor,
        )


@transaction.atomic
def business_set_status(
    *, actor: Any, business: Business, status: str, on: dt.date | None = None
) -> Business:
    """Operating, suspended (停业) or closed (已关闭, on a day: the owner's spell ends then)."""
    _managed_area(actor, business.village_id)
    business = Business.objects.select_for_update().get(pk=business.pk)
    if status not in BusinessStatus.values:
        raise DomainError("status", status, Msg.UNKNOWN_CODE)
    if status == BusinessStatus.CLOSED:
        if on is None:
            raise DomainError("closed_on", on, Msg.REQUIRED)
        _not_future("closed_on", on)
        if on < business.started:
            raise DomainError("closed_on", on, str(LoanMsg.BEFORE_BUSINESS).format(date=business.started))
        spell = business.owner_spell
        if spell is not None and spell.end is None and spell.start <= on:
            ledger.spell_close(actor=actor, spell=spell, end=on)
    business.status = status
    business.closed_on = on if status == BusinessStatus.CLOSED else None
    with set_actor(actor):
        business.save(update_fields=["status", "closed_on"])
    return business


def business_hire(
    *,
    actor: Any,
    business: Business,
    person: Person,
    start: dt.date,
    monthly_wage: Decimal | None = None,
    full_time: bool = True,
) -> Spell:
    """A local hired by the business: a spell in the ledger with the business as employer (the
    person's running full-time spell that began earlier ends the day before)."""
    _managed_area(actor, business.village_id)
    if business.status != BusinessStatus.OPERATING:
        raise DomainError("business", business.name, LoanMsg.NOT_OPERATING)
    if business.employer_id is None:
        raise DomainError("credit_code", "", LoanMsg.NEEDS_CREDIT_CODE)
    if start < business.started:
        raise DomainError("start", start, str(LoanMsg.BEFORE_BUSINESS).format(date=business.started))
    return ledger.spell_record(
        actor=actor,
        person=person,
        status=SpellStatus.EMPLOYED,
        start=start,
        channel=Channel.SELF_FOUND,
        location=Location.IN_COUNTY,
        destination=business.name[:100],
        employer=business.employer,
        monthly_wage=monthly_wage,
        full_time=full_time,
        close_open=full_time,
    )


# -- loans --------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def limits_for(loan_type: str, area: int, day: dt.date) -> Rule:
    """The rule of a loan type for a place on a day (DomainError when none is set)."""
    if loan_type not in LoanType.values:
        raise DomainError("type", loan_type, Msg.UNKNOWN_CODE)
    return rule_for(policy_kind(loan_type), area, day)


def _cite(rule: Rule) -> dict[str, str]:
    return {"rule": str(rule.row.name), "source": rule.source or "—"}


def check_loan(
    *,
    rule: Rule,
    amount: Decimal,
    term_months: int,
    raised_limit: bool,
    birth_date: dt.date,
    issued: dt.date,
    groups: set[str],
) -> list[DomainError]:
    """What the rule refuses in a loan, each naming the rule and its source (none: allowed).
    Shared by the service and the bulk import."""
    p = rule.params
    problems: list[DomainError] = []
    if raised_limit and p.raised_max is None:
        problems.append(
            DomainError("raised_limit", raised_limit, str(LoanMsg.NO_RAISED_LIMIT).format(**_cite(rule)))
        )
    limit = p.limit(raised_limit)
    if amount > limit:
        message = str(LoanMsg.ABOVE_LIMIT).format(limit=f"{limit:,.0f}", **_cite(rule))
        problems.append(DomainError("amount", amount, message))
    if term_months > p.term_months_max:
        message = str(LoanMsg.TERM_ABOVE_LIMIT).format(limit=p.term_months_max, **_cite(rule))
        problems.append(DomainError("term_months", term_months, message))
    age = age_on(birth_date, issued)
    if not p.age_min <= age <= p.age_max:
        message = str(LoanMsg.AGE_OUTSIDE).format(age=age, low=p.age_min, high=p.age_max, **_cite(rule))
        problems.append(DomainError("person", age, message))
    if p.eligible_statuses and not groups & set(p.eligible_statuses):
        allowed = "、".join(str(GROUP_LABELS[g]) for g in p.eligible_statuses)
        shown = "、".join(str(GROUP_LABELS.get(g, g)) for g in sorted(groups)) or "—"
        message = str(LoanMsg.INELIGIBLE).format(groups=allowed, **_cite(rule))
        problems.append(DomainError("person", shown, message))
    return problems


def _check_terms(amount: Decimal, term_months: int, interest_rate: Decimal, subsidy_rate: Decimal) -> None:
    if amount <= 0:
        raise DomainError("amount", amount, LoanMsg.AMOUNT_NOT_POSITIVE)
    if term_months <= 0:
        raise DomainError("term_months", term_months, LoanMsg.AMOUNT_NOT_POSITIVE)
    if interest_rate < 0 or subsidy_rate < 0:
        field = "interest_rate" if interest_rate < 0 else "subsidy_rate"
        raise DomainError(field, min(interest_rate, subsidy_rate), LoanMsg.NEGATIVE_RATE)
    if subsidy_rate > interest_rate:
        raise DomainError(
            "subsidy_rate", subsidy_rate, str(LoanMsg.SUBSIDY_ABOVE_INTEREST).format(rate=interest_rate)
        )


@transaction.atomic
def loan_issue(
    *,
    actor: Any,
    person: Person,
    type: str,
    reference: str,
    lender: str,
    amount: Decimal,
    term_months: int,
    interest_rate: Decimal,
    issued: dt.date,
    purpose: str,
    subsidy_rate: Decimal = Decimal("0"),
    business: Business | None = None,
    raised_limit: bool = False,
    note: str = "",
) -> Loan:
    """A loan the bank made to a registered person, checked against the rule in force for its
    type in the borrower's area on the issue day: refused above the amount or term limit, outside
    the age range, or for a household outside the eligible groups, naming the rule and its source.
    The part of the principal that earns the subsidy is the rule's, kept with the loan."""
    village = _managed_area(actor, person_area(person.pk))
    rule = limits_for(type, village, issued)
    for field, value in (("reference", reference), ("lender", lender), ("purpose", purpose)):
        if not value.strip():
            raise DomainError(field, value, Msg.REQUIRED)
    _not_future("issued", issued)
    _check_terms(amount, term_months, interest_rate, subsidy_rate)
    problems = check_loan(
        rule=rule,
        amount=amount,
        term_months=term_months,
        raised_limit=raised_limit,
        birth_date=person.birth_date,
        issued=issued,
        groups=household_groups([person.pk], issued).get(person.pk, set()),
    )
    if problems:
        raise problems[0]
    if business is not None and business.entrepreneur.person_id != person.pk:
        raise DomainError("business", business.name, LoanMsg.NOT_BORROWERS_BUSINESS)
    if Loan.objects.filter(reference=reference.strip()).exists():
        raise DomainError("reference", reference, LoanMsg.REFERENCE_TAKEN)
    with set_actor(actor):
        return Loan.objects.create(
            person=person,
            village_id=village,
            business=business,
            type=type,
            reference=reference.strip(),
            lender=lender.strip(),
            amount=amount,
            term_months=term_months,
            interest_rate=interest_rate,
            subsidy_rate=subsidy_rate,
            issued=issued,
            maturity=add_months(issued, term_months),
            purpose=purpose.strip(),
            raised_limit=raised_limit,
            subsidised_amount=min(amount, rule.params.subsidised_max),
            rule=rule.row,
            note=note.strip(),
            created_by=actor,
        )


def _locked(actor: Any, loan: Loan, capability: Capability = Capability.MANAGE_EMPLOYMENT) -> Loan:
    if not can(actor, capability, loan.village_id):
        raise NotFound(loan.pk)
    return Loan.objects.select_for_update().get(pk=loan.pk)


def repaid_principal(loan: Loan) -> Decimal:
    return Repayment.objects.filter(loan=loan).aggregate(s=Sum("principal"))["s"] or Decimal("0")


@transaction.atomic
def repayment_record(
    *, actor: Any, loan: Loan, date: dt.date, principal: Decimal, interest: Decimal = Decimal("0")
) -> Repayment:
    """A repayment the bank reports. Refused: on a closed loan, before the issue day or in the
    future, negative or empty, a second one the same day, or more principal than is owed. When the
    principal is repaid in full the loan is settled (结清) that day."""
    loan = _locked(actor, loan)
    if not loan.open:
        raise DomainError("loan", loan.reference, LoanMsg.LOAN_CLOSED)
    if date < loan.issued:
        raise DomainError("date", date, str(LoanMsg.BEFORE_ISSUE).format(date=loan.issued))
    _not_future("date", date)
    if principal < 0 or interest < 0:
        raise DomainError(
            "principal" if principal < 0 else "interest", min(principal, interest), Msg.NEGATIVE_AMOUNT
        )
    if principal == 0 and interest == 0:
        raise DomainError("principal", principal, LoanMsg.REPAYMENT_EMPTY)
    if Repayment.objects.filter(loan=loan, date=date).exists():
        raise DomainError("date", date, LoanMsg.REPAYMENT_TWICE)
    outstanding = loan.amount - repaid_principal(loan)
    if principal > outstanding:
        raise DomainError(
            "principal", principal, str(LoanMsg.ABOVE_OUTSTANDING).format(outstanding=outstanding)
        )
    with set_actor(actor):
        repayment = Repayment.objects.create(
            loan=loan, date=date, principal=principal, interest=interest, created_by=actor
        )
        if principal == outstanding:
            loan.settle()
            loan.closed_on = date
            loan.save(update_fields=["status", "closed_on"])
    return repayment


def _transition(loan: Loan, name: str) -> None:
    try:
        getattr(loan, name)()
    except TransitionNotAllowed:
        label = loan.get_status_display()
        raise DomainError(
            "status", loan.status, str(LoanMsg.NOT_OVERDUE_STATE).format(status=label)
        ) from None


@transaction.atomic
def loan_mark_overdue(*, actor: Any, loan: Loan, since: dt.date) -> Loan:
    """The bank reports the loan overdue (逾期) since a day."""
    loan = _locked(actor, loan)
    if since < loan.issued:
        raise DomainError("since", since, str(LoanMsg.BEFORE_ISSUE).format(date=loan.issued))
    _not_future("since", since)
    _transition(loan, "fall_overdue")
    loan.overdue_since = since
    with set_actor(actor):
        loan.save(update_fields=["status", "overdue_since"])
    return loan


@transaction.atomic
def loan_cure(*, actor: Any, loan: Loan) -> Loan:
    """The arrears were paid: the loan is back to normal."""
    loan = _locked(actor, loan)
    _transition(loan, "cure")
    loan.overdue_since = None
    with set_actor(actor):
        loan.save(update_fields=["status", "overdue_since"])
    return loan


@transaction.atomic
def loan_write_off(*, actor: Any, loan: Loan, on: dt.date) -> Loan:
    """The bank wrote the loan off (核销) on a day; approved by the county (APPROVE_PAYMENTS)."""
    loan = _locked(actor, loan, Capability.APPROVE_PAYMENTS)
    if on < loan.issued:
        raise DomainError("on", on, str(LoanMsg.BEFORE_ISSUE).format(date=loan.issued))
    _not_future("on", on)
    _transition(loan, "write_off")
    loan.closed_on = on
    with set_actor(actor):
        loan.save(update_fields=["status", "closed_on"])
    return loan


# -- interest subsidy ----------------------------------------------------------------------------


def subsidy_due(
    loan: Loan, start: dt.date, end: dt.date, repayments: list[tuple[dt.date, Decimal]]
) -> Decimal:
    """The subsidy the rule gives for [start, end], both days counted: each day, the principal
    still owed (repayments count from the day after they are made), at most the subsidised part,
    × the subsidy rate / 360. The loan earns nothing after maturity or once closed."""
    last = min(end, loan.maturity, loan.closed_on or end)
    if last < start or loan.subsidy_rate <= 0:
        return Decimal("0.00")
    total = Decimal("0")
    owed = loan.amount - sum((p for d, p in repayments if d < start), Decimal("0"))
    day = start
    for when, principal in sorted(r for r in repayments if start <= r[0] <= last):
        days = (when - day).days + 1  # the repayment day still earns on the old principal
        total += min(owed, loan.subsidised_amount) * days
        owed -= principal
        day = when + dt.timedelta(days=1)
    if day <= last:
        total += min(owed, loan.subsidised_amount) * ((last - day).days + 1)
    return (total * loan.subsidy_rate / Decimal(100) / Decimal(360)).quantize(Decimal("0.01"))


@transaction.atomic
def subsidy_pay(
    *, actor: Any, loan: Loan, period_start: dt.date, period_end: dt.date, amount: Decimal, paid_on: dt.date
) -> SubsidyPayment:
    """The county pays the interest subsidy (贴息) for a period of the loan (APPROVE_PAYMENTS).
    Refused: a loan without subsidy, a period reversed, outside the loan, or overlapping one
    already paid, an amount of 0 or less, or above what the rule gives (`subsidy_due`)."""
    loan = _locked(actor, loan, Capability.APPROVE_PAYMENTS)
    if loan.subsidy_rate <= 0:
        raise DomainError("loan", loan.reference, LoanMsg.NO_SUBSIDY)
    if period_end < period_start:
        raise DomainError("period_end", period_end, Msg.PERIOD_REVERSED)
    if period_start < loan.issued or period_end > loan.maturity:
        raise DomainError(
            "period_start", period_start, str(LoanMsg.PERIOD_OUTSIDE_LOAN).format(maturity=loan.maturity)
        )
    _not_future("paid_on", paid_on)
    if amount <= 0:
        raise DomainError("amount", amount, LoanMsg.AMOUNT_NOT_POSITIVE)
    paid = SubsidyPayment.objects.filter(
        loan=loan, period_start__lte=period_end, period_end__gte=period_start
    ).first()
    if paid is not None:
        message = str(LoanMsg.PERIOD_PAID).format(start=paid.period_start, end=paid.period_end)
        raise DomainError("period_start", period_start, message)
    repayments = list(Repayment.objects.filter(loan=loan).values_list("date", "principal"))
    due = subsidy_due(loan, period_start, period_end, repayments)
    if amount > due:
        message = str(LoanMsg.ABOVE_DUE).format(due=due, part=loan.subsidised_amount, rate=loan.subsidy_rate)
        raise DomainError("amount", amount, message)
    with set_actor(actor):
        return SubsidyPayment.objects.create(
            loan=loan,
            period_start=period_start,
            period_end=period_end,
            amount=amount,
            due=due,
            paid_on=paid_on,
            approved_by=actor,
        )


__all__ = [
    "LoanMsg",
    "LoanStatus",
    "business_create",
    "business_hire",
    "business_set_status",
    "entrepreneur_register",
    "loan_cure",
    "loan_issue",
    "loan_mark_overdue",
    "loan_write_off",
    "repayment_record",
    "subsidy_pay",
]
