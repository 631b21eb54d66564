"""Writes of the public-welfare posts. Each refuses bad input with a DomainError naming the field,
the value and the reason (messages.M), and writes nothing; anything outside the actor's areas, or
an action their role may not take there, is NotFound (the caller answers 404).

Who does what: posts are set up and agreements signed and ended by MANAGE_EMPLOYMENT (the county
and township); attendance is recorded by the village (EDIT_REGISTRY); payments by the county
(APPROVE_PAYMENTS).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment import services as ledger
from lnob.employment.models import Channel, Location, SpellStatus
from lnob.registry.models import Person
from lnob.registry.selectors import today

from .eligibility import eligibility
from .messages import M
from .models import Agreement, Attendance, EndReason, Funding, Post, PostType
from .rules import PostRule, params, post_rule

CENT = Decimal("0.01")


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def last_allowed_end(start: dt.date, months: int) -> dt.date:
    """The latest end of an agreement of at most `months` months: 2026-01-01 → 2026-12-31."""
    return add_months(start, months) - dt.timedelta(days=1)


def month_days(month: dt.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def covered_days(start: dt.date, last: dt.date, month: dt.date) -> int:
    """Days of the month (its first day given) inside the agreement's [start, last]."""
    first = month.replace(day=1)
    final = first.replace(day=month_days(first))
    lo, hi = max(first, start), min(final, last)
    return max((hi - lo).days + 1, 0)


def pay_due(
    *, monthly_pay: Decimal, hours_per_month: int, hours_worked: Decimal, covered: int, days_in_month: int
) -> Decimal:
    """The month's pay, pro rata: the monthly pay times the smaller of the share of the month the
    agreement covers and the share of the post's monthly hours worked. Full hours in a full month
    earn the full pay; an agreement starting on the 16th of a 30-day month earns at most half;
    40 of 80 hours earn half. Rounded to the fen (half up)."""
    share = min(Decimal(covered) / Decimal(days_in_month), Decimal(hours_worked) / Decimal(hours_per_month))
    return (monthly_pay * share).quantize(CENT, rounding=ROUND_HALF_UP)


# -- posts ----------------------------------------------------------------------------------------


def check_post_fields(
    *, rule_name: str, rule: PostRule, post_type: str, heavy: bool, monthly_pay: Decimal, hours: int,
    places: int, funding: str,
) -> None:  # fmt: skip
    """The checks of a post's own fields against the rule (the service and the import share them)."""
    if post_type not in PostType.values:
        raise DomainError("post_type", post_type, Msg.UNKNOWN_CODE)
    if funding not in Funding.values:
        raise DomainError("funding", funding, Msg.UNKNOWN_CODE)
    if monthly_pay <= 0:
        raise DomainError("monthly_pay", monthly_pay, M.PAY_NOT_POSITIVE)
    if hours <= 0:
        raise DomainError("hours_per_month", hours, M.HOURS_NOT_POSITIVE)
    if places <= 0:
        raise DomainError("places", places, M.PLACES_NOT_POSITIVE)
    cap = rule.pay_cap(post_type, heavy)
    if cap is not None and monthly_pay > cap:
        raise DomainError("monthly_pay", monthly_pay, str(M.PAY_ABOVE_RULE).format(rule=rule_name, cap=cap))
    if rule.funding and funding not in rule.funding:
        raise DomainError("funding", funding, str(M.FUNDING_NOT_ALLOWED).format(rule=rule_name))


def heavy_share_error(rule: PostRule, heavy: int, total: int) -> DomainError | None:
    """Refusal when `heavy` of `total` open places in a county is above the rule's cap."""
    if rule.heavy_share_max is None or total == 0 or heavy == 0:
        return None
    share = Decimal(heavy) / Decimal(total)
    if share <= rule.heavy_share_max:
        return None
    return DomainError(
        "heavy",
        True,
        str(M.HEAVY_SHARE).format(cap=rule.heavy_share_percent, share=(share * 100).quantize(Decimal("0.1"))),
    )


def county_places(county: int, *, exclude: int | None = None) -> tuple[int, int]:
    """(heavy places, all places) of the county's open posts."""
    lo, hi = subtree_range(county, Level.COUNTY)
    posts = Post.objects.filter(village_id__gte=lo, village_id__lt=hi, status=Post.Status.OPEN)
    if exclude is not None:
        posts = posts.exclude(pk=exclude)
    sums = posts.aggregate(total=Sum("places"), heavy=Sum("places", filter=Q(heavy=True)))
    return int(sums["heavy"] or 0), int(sums["total"] or 0)


def next_code(village: int, taken: set[str] | None = None) -> str:
    """The village's next post number: GY + village code + a 3-digit sequence."""
    prefix = f"GY{village:012d}"
    used = set(Post.objects.filter(code__startswith=prefix).values_list("code", flat=True)) | (taken or set())
    n = 1
    while f"{prefix}{n:03d}" in used:
        n += 1
    return f"{prefix}{n:03d}"


@transaction.atomic
def post_create(
    *,
    actor: Any,
    village: Area,
    title: str,
    post_type: str,
    monthly_pay: Decimal,
    hours_per_month: int,
    places: int,
    funding: str,
    opened_on: dt.date,
    heavy: bool = False,
    duties: str = "",
    code: str = "",
) -> Post:
    """Places of one kind of work in a village. Refused with the reason: pay above the rule's figure
    for the type (light or heavy), a funding source the rule does not allow, no places, no hours,
    and a heavy post that would take the county's heavy places above the rule's share."""
    if village.level != Level.VILLAGE or not can(actor, Capability.MANAGE_EMPLOYMENT, village.code):
        raise NotFound(village.code)
    title = title.strip()
    if not title:
        raise DomainError("title", title, Msg.REQUIRED)
    rule = post_rule(village.code, opened_on)
    p = params(rule)
    check_post_fields(
        rule_name=rule.row.name, rule=p, post_type=post_type, heavy=heavy, monthly_pay=monthly_pay,
        hours=hours_per_month, places=places, funding=funding,
    )  # fmt: skip
    if Post.objects.filter(village=village, title=title, opened_on=opened_on).exists():
        raise DomainError("title", title, M.POST_TAKEN)
    code = code.strip() or next_code(village.code)
    if Post.objects.filter(code=code).exists():
        raise DomainError("code", code, M.CODE_TAKEN)
    if heavy:
        # the county's posts are counted under a lock on the county, so two heavy posts set up at
        # once cannot both slip under the cap
        county = subtree_range(village.code, Level.COUNTY)[0]
        Area.objects.select_for_update().filter(code=county).first()
        h, total = county_places(county)
        if (err := heavy_share_error(p, h + places, total + places)) is not None:
            raise err
    with set_actor(actor):
        return Post.objects.create(
            code=code, village=village, title=title, post_type=post_type, heavy=heavy,
            monthly_pay=monthly_pay, hours_per_month=hours_per_month, places=places, funding=funding,
            duties=duties.strip(),
            opened_on=opened_on, created_by=actor,
        )  # fmt: skip


@transaction.atomic
def post_close(*, actor: Any, post: Post, closed_on: dt.date) -> Post:
    """The post is withdrawn (撤销) from `closed_on`; refused while agreements on it run."""
    if not can(actor, Capability.MANAGE_EMPLOYMENT, post.village_id):
        raise NotFound(post.pk)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status == Post.Status.CLOSED:
        raise DomainError("status", post.status, M.POST_CLOSED)
    if closed_on < post.opened_on:
        raise DomainError("closed_on", closed_on, M.CLOSED_BEFORE_OPENED)
    running = post.agreements.filter(ended_on__isnull=True).count()
    if running:
        raise DomainError("status", running, str(M.POST_HAS_AGREEMENTS).format(n=running))
    post.status, post.closed_on = Post.Status.CLOSED, closed_on
    with set_actor(actor):
        post.save(update_fields=["status", "closed_on"])
    return post


# -- agreements -----------------------------------------------------------------------------------


def _refuse_overlap(person: Person, start: dt.date, end: dt.date) -> None:
    running = Agreement.objects.filter(person=person, ended_on__isnull=True).select_related("post").first()
    if running is not None:
        raise DomainError(
            "person",
            person.name,
            str(M.ALREADY_RUNNING).format(post=running.post.title, start=running.start),
        )
    other = Agreement.objects.filter(person=person, start__lte=end, ended_on__gte=start).first()
    if other is not None:
        raise DomainError(
            "start", start, str(M.OVERLAPS_AGREEMENT).format(start=other.start, end=other.ended_on)
        )


@transaction.atomic
def agreement_sign(
    *,
    actor: Any,
    post: Post,
    person: Person,
    start: dt.date,
    end: dt.date,
    monthly_pay: Decimal | None = None,
) -> Agreement:
    """Put an eligible person on a post from `start` to `end`, and write their ledger spell
    (公益性岗位, in the county, since `start`; their running full-time spell ends the day before).
    Refused with the reason: the post closed or full, dates out of order or beyond the rule's
    term, a pay above the post's, another running or overlapping agreement of the person, and a
    person the rule does not allow, naming the criterion failed (eligibility.py)."""
    if not can(actor, Capability.MANAGE_EMPLOYMENT, post.village_id):
        raise NotFound(post.pk)
    ledger.check_editable_person(actor, person)
    post = Post.objects.select_for_update(of=("self",)).select_related("village").get(pk=post.pk)
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one signing per person at a time
    if post.status != Post.Status.OPEN:
        raise DomainError("post", post.code, M.POST_CLOSED)
    if start > today():
        raise DomainError("start", start, Msg.IN_FUTURE)
    if start < post.opened_on:
        raise DomainError("start", start, str(M.BEFORE_POST).format(day=post.opened_on))
    if end < start:
        raise DomainError("end", end, M.END_BEFORE_START)
    rule = post_rule(post.village_id, start)
    months = params(rule).agreement_max_months
    if end > (last := last_allowed_end(start, months)):
        raise DomainError("end", end, str(M.TERM_TOO_LONG).format(months=months, last=last))
    pay = post.monthly_pay if monthly_pay is None else monthly_pay
    if pay < 0:
        raise DomainError("monthly_pay", pay, Msg.NEGATIVE_AMOUNT)
    if pay > post.monthly_pay:
        raise DomainError("monthly_pay", pay, str(M.AGREEMENT_PAY_ABOVE_POST).format(pay=post.monthly_pay))
    if post.agreements.filter(ended_on__isnull=True).count() >= post.places:
        raise DomainError("post", post.code, str(M.POST_FULL).format(places=post.places))
    _refuse_overlap(person, start, end)
    result = eligibility(person_id=person.pk, day=start, village=post.village_id)
    if (failed := result.failed) is not None:
        raise DomainError(
            "person", failed.detail, str(M.NOT_ELIGIBLE).format(criterion=failed.label, detail=failed.detail)
        )
    spell = ledger.spell_record(
        actor=actor, person=person, status=SpellStatus.PUBLIC_WELFARE, start=start,
        channel=Channel.PUBLIC_WELFARE, location=Location.IN_COUNTY, destination=post.village.name,
        monthly_wage=pay, note=_("公益性岗位：{title}").format(title=post.title), close_open=True,
    )  # fmt: skip
    with set_actor(actor):
        return Agreement.objects.create(
            person=person, post=post, start=start, end=end, monthly_pay=pay, spell=spell,
            rule=result.rule.row, checks=[c.as_dict() for c in result.checks], created_by=actor,
        )  # fmt: skip


@transaction.atomic
def agreement_end(*, actor: Any, agreement: Agreement, ended_on: dt.date, reason: str) -> Agreement:
    """The agreement ends on `ended_on` (its last day), at the end of its term or earlier, and the
    person's ledger spell closes that day. After a risk elimination an agreement runs to its end
    (policy reference §5): nothing ends it but this."""
    if not can(actor, Capability.MANAGE_EMPLOYMENT, agreement.post.village_id):
        raise NotFound(agreement.pk)
    agreement = Agreement.objects.select_for_update(of=("self",)).select_related("spell").get(pk=agreement.pk)
    if agreement.ended_on is not None:
        raise DomainError("ended_on", agreement.ended_on, str(M.ALREADY_ENDED).format(day=agreement.ended_on))
    if reason not in EndReason.values:
        raise DomainError("reason", reason, M.REASON_REQUIRED)
    if not agreement.start <= ended_on <= agreement.end:
        raise DomainError(
            "ended_on", ended_on, str(M.ENDED_OUTSIDE_TERM).format(start=agreement.start, end=agreement.end)
        )
    if ended_on > today():
        raise DomainError("ended_on", ended_on, Msg.IN_FUTURE)
    later = agreement.attendance.filter(month__gt=ended_on).order_by("month").first()
    if later is not None:
        raise DomainError(
            "ended_on", ended_on, str(M.ATTENDANCE_AFTER_END).format(month=f"{later.month:%Y-%m}")
        )
    agreement.ended_on, agreement.end_reason = ended_on, reason
    with set_actor(actor):
        agreement.save(update_fields=["ended_on", "end_reason"])
    spell = agreement.spell
    # a later status recorded in the ledger may already have closed the spell
    if spell is not None and spell.end is None:
        ledger.spell_close(actor=actor, spell=spell, end=ended_on)
    return agreement


# -- attendance and pay ---------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    actor: Any,
    agreement: Agreement,
    month: dt.date,
    days_worked: int,
    hours_worked: Decimal,
    note: str = "",
) -> Attendance:
    """The month's days and hours worked on an agreement, and the pay due they give (pay_due).
    Recorded again, it replaces the month's figures until the month is paid."""
    post = agreement.post
    if not can(actor, Capability.EDIT_REGISTRY, post.village_id):
        raise NotFound(agreement.pk)
    month = month.replace(day=1)
    if month > today().replace(day=1):
        raise DomainError("month", f"{month:%Y-%m}", Msg.IN_FUTURE)
    last = agreement.last_day
    covered = covered_days(agreement.start, last, month)  # type: ignore[arg-type]
    if covered == 0:
        raise DomainError(
            "month", f"{month:%Y-%m}", str(M.MONTH_OUTSIDE).format(start=agreement.start, last=last)
        )
    if days_worked < 0:
        raise DomainError("days_worked", days_worked, M.NEGATIVE)
    if hours_worked < 0:
        raise DomainError("hours_worked", hours_worked, M.NEGATIVE)
    if days_worked > covered:
        raise DomainError("days_worked", days_worked, str(M.DAYS_ABOVE).format(days=covered))
    if hours_worked > days_worked * 24:
        raise DomainError("hours_worked", hours_worked, M.HOURS_ABOVE)
    due = pay_due(
        monthly_pay=agreement.monthly_pay, hours_per_month=post.hours_per_month, hours_worked=hours_worked,
        covered=covered, days_in_month=month_days(month),
    )  # fmt: skip
    found = Attendance.objects.select_for_update().filter(agreement=agreement, month=month).first()
    if found is not None and found.paid:
        raise DomainError("month", f"{month:%Y-%m}", str(M.ALREADY_PAID).format(day=found.paid_on))
    values = {
        "days_worked": days_worked, "hours_worked": hours_worked, "pay_due": due, "note": note.strip(),
        "recorded_by": actor,
    }  # fmt: skip
    with set_actor(actor):
        if found is None:
            return Attendance.objects.create(agreement=agreement, month=month, **values)
        for key, value in values.items():
            setattr(found, key, value)
        found.save(update_fields=[*values, "recorded_at"])
    return found


def _check_payment(attendance: Attendance, amount: Decimal, paid_on: dt.date) -> None:
    if attendance.paid:
        raise DomainError("paid_on", attendance.paid_on, str(M.ALREADY_PAID).format(day=attendance.paid_on))
    if amount < 0:
        raise DomainError("paid_amount", amount, M.NEGATIVE)
    if amount > attendance.pay_due:
        raise DomainError("paid_amount", amount, str(M.PAID_ABOVE_DUE).format(due=attendance.pay_due))
    if paid_on < attendance.month:
        raise DomainError("paid_on", paid_on, M.PAID_BEFORE_MONTH)
    if paid_on > today():
        raise DomainError("paid_on", paid_on, Msg.IN_FUTURE)


@transaction.atomic
def attendance_pay(
    *, actor: Any, attendance: Attendance, paid_on: dt.date, paid_amount: Decimal | None = None
) -> Attendance:
    """The month's pay was paid: `paid_amount` (the pay due by default, never more) on `paid_on`."""
    village = attendance.agreement.post.village_id
    if not can(actor, Capability.APPROVE_PAYMENTS, village):
        raise NotFound(attendance.pk)
    attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    amount = attendance.pay_due if paid_amount is None else paid_amount
    _check_payment(attendance, amount, paid_on)
    attendance.paid_amount, attendance.paid_on, attendance.paid_by = amount, paid_on, actor
    with set_actor(actor):
        attendance.save(update_fields=["paid_amount", "paid_on", "paid_by"])
    return attendance


@transaction.atomic
def attendance_pay_month(*, actor: Any, village: int, month: dt.date, paid_on: dt.date) -> int:
    """Every unpaid month of the village's agreements for `month` paid its pay due on `paid_on`,
    in one update, with one audit entry for the batch. Returns how many were paid."""
    if not can(actor, Capability.APPROVE_PAYMENTS, village):
        raise NotFound(village)
    month = month.replace(day=1)
    if paid_on < month:
        raise DomainError("paid_on", paid_on, M.PAID_BEFORE_MONTH)
    if paid_on > today():
        raise DomainError("paid_on", paid_on, Msg.IN_FUTURE)
    unpaid = Attendance.objects.select_for_update().filter(
        agreement__post__village_id=village, month=month, paid_on__isnull=True
    )
    rows = list(unpaid.values_list("pk", "pay_due"))
    if not rows:
        return 0
    Attendance.objects.filter(pk__in=[pk for pk, _due in rows]).update(
        paid_on=paid_on, paid_by=actor, paid_amount=F("pay_due")
    )
    total = sum((due for _pk, due in rows), Decimal(0))
    area = Area.objects.get(code=village)
    with set_actor(actor):
        LogEntry.objects.log_create(
            area,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            actor=actor,
            changes={
                "public_welfare_pay": [None, f"{month:%Y-%m}"],
                "paid_on": [None, paid_on.isoformat()],
                "rows": [None, json.dumps([pk for pk, _due in rows])],
            },
            additional_data={"area": village, "paid": len(rows), "total": str(total)},
        )
    return len(rows)
