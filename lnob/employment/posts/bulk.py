"""Agreements and attendance many at a time (register imports, demo data), with the same checks
as the one-at-a-time services, read and written in bulk.

Signing many agreements writes their ledger spells the way `spell_record(close_open=True)` does
for one: the person's open full-time spell that began earlier ends the day before, and a spell
that would overlap another full-time spell of the person is refused with the ledger's own
message (lnob.employment.services.overlap_error). Nothing is written unless every item passes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from lnob.core.errors import DomainError, Msg
from lnob.employment import services as ledger
from lnob.employment.models import Channel, Location, Spell, SpellStatus

from .eligibility import evaluate
from .messages import M
from .models import Agreement, Attendance, EndReason, Post
from .rules import params, post_rule
from .services import covered_days, last_allowed_end, month_days, pay_due

# a refused item: (its row, the column, the value, the reason)
Problem = tuple[int, str, Any, str]


@dataclass
class NewAgreement:
    row: int
    person_id: int
    post: Post  # with `village` loaded
    start: dt.date
    end: dt.date
    monthly_pay: Decimal | None = None  # None: the post's pay
    ended_on: dt.date | None = None  # an agreement that already ended (a past one imported)
    end_reason: str = ""


@dataclass
class Ending:
    row: int
    agreement: Agreement  # with `spell` loaded
    ended_on: dt.date
    reason: str


@dataclass
class AgreementPlan:
    problems: list[Problem] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    spells: list[Spell] = field(default_factory=list)  # new, one per new agreement, same order
    closed_spells: list[Spell] = field(default_factory=list)  # spells whose end is set
    ended: list[Agreement] = field(default_factory=list)


def _interval(start: dt.date, last: dt.date | None) -> tuple[dt.date, dt.date]:
    return start, last or dt.date.max


def _overlaps(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def plan_agreements(*, items: list[NewAgreement], endings: list[Ending], today: dt.date) -> AgreementPlan:
    """Check new agreements and endings together; the plan holds what to write, or the problems."""
    plan = AgreementPlan()
    _check_endings(plan, endings, today)
    persons = sorted({i.person_id for i in items})
    ending_of = {e.agreement.pk: e for e in endings}
    # the persons' agreements as they will stand after this batch's endings
    known: dict[int, list[tuple[dt.date, dt.date | None, bool, str]]] = defaultdict(list)
    for a in Agreement.objects.filter(person_id__in=persons).select_related("post"):
        ended = ending_of[a.pk].ended_on if a.pk in ending_of else a.ended_on
        known[a.person_id].append((a.start, ended or a.end, ended is None, a.post.title))
    places = PlacesLeft(items, endings)
    rules: dict[tuple[int, dt.date], str] = {}
    fresh = [i for i in items if _item_fields_ok(plan, i, today) and _rule_known(plan, i, rules)]
    checks = evaluate((i.person_id, i.start, i.post.village_id) for i in fresh) if fresh else {}
    # the spells as this batch's endings leave them
    spells = _spells_of(persons, {s.pk: s.end for s in plan.closed_spells})
    for item in sorted(fresh, key=lambda i: (i.person_id, i.start)):
        result = checks[(item.person_id, item.start, item.post.village_id)]
        last_end = last_allowed_end(item.start, params(result.rule).agreement_max_months)
        if item.end > last_end:
            months = params(result.rule).agreement_max_months
            plan.problems.append(
                (item.row, "end", item.end, str(M.TERM_TOO_LONG).format(months=months, last=last_end))
            )
            continue
        if (failed := result.failed) is not None:
            message = str(M.NOT_ELIGIBLE).format(criterion=failed.label, detail=failed.detail)
            plan.problems.append((item.row, "id_number", failed.detail, message))
            continue
        if not places.take(item):
            plan.problems.append(
                (item.row, "post_code", item.post.code, str(M.POST_FULL).format(places=item.post.places))
            )
            continue
        if (clash := _agreement_clash(known[item.person_id], item)) is not None:
            plan.problems.append(clash)
            continue
        spell = _spell_for(plan, spells[item.person_id], item)
        if spell is None:
            continue
        known[item.person_id].append(
            (item.start, item.ended_on or item.end, item.ended_on is None, item.post.title)
        )
        plan.spells.append(spell)
        plan.agreements.append(
            Agreement(
                person_id=item.person_id, post=item.post, start=item.start, end=item.end,
                monthly_pay=item.post.monthly_pay if item.monthly_pay is None else item.monthly_pay,
                ended_on=item.ended_on, end_reason=item.end_reason, rule=result.rule.row,
                checks=[c.as_dict() for c in result.checks],
            )
        )  # fmt: skip
    return plan


class PlacesLeft:
    """Places left on each post: its places minus the agreements running on it now."""

    def __init__(self, items: list[NewAgreement], endings: list[Ending]) -> None:
        posts = {i.post.pk: i.post for i in items}
        running = dict(
            Agreement.objects.filter(post_id__in=list(posts), ended_on__isnull=True)
            .values_list("post_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        self.left = {pk: p.places - running.get(pk, 0) for pk, p in posts.items()}
        for e in endings:  # a place freed in the same batch may be taken
            if e.agreement.post_id in self.left:
                self.left[e.agreement.post_id] += 1

    def take(self, item: NewAgreement) -> bool:
        if item.ended_on is not None:  # a past agreement holds no place now
            return True
        if self.left[item.post.pk] <= 0:
            return False
        self.left[item.post.pk] -= 1
        return True


def _item_fields_ok(plan: AgreementPlan, i: NewAgreement, today: dt.date) -> bool:
    """The checks of one new agreement's own fields (no other row needed)."""
    problem: Problem | None = None
    pay = i.post.monthly_pay if i.monthly_pay is None else i.monthly_pay
    if i.post.status != Post.Status.OPEN:
        problem = (i.row, "post_code", i.post.code, str(M.POST_CLOSED))
    elif i.start > today:
        problem = (i.row, "start", i.start, str(Msg.IN_FUTURE))
    elif i.start < i.post.opened_on:
        problem = (i.row, "start", i.start, str(M.BEFORE_POST).format(day=i.post.opened_on))
    elif i.end < i.start:
        problem = (i.row, "end", i.end, str(M.END_BEFORE_START))
    elif pay < 0:
        problem = (i.row, "monthly_pay", pay, str(Msg.NEGATIVE_AMOUNT))
    elif pay > i.post.monthly_pay:
        problem = (i.row, "monthly_pay", pay, str(M.AGREEMENT_PAY_ABOVE_POST).format(pay=i.post.monthly_pay))
    elif (i.ended_on is None) != (not i.end_reason):
        problem = (i.row, "end_reason", i.end_reason, str(M.REASON_REQUIRED))
    elif i.end_reason and i.end_reason not in EndReason.values:
        problem = (i.row, "end_reason", i.end_reason, str(Msg.UNKNOWN_CODE))
    elif i.ended_on is not None and not i.start <= i.ended_on <= i.end:
        problem = (i.row, "ended_on", i.ended_on, str(M.ENDED_OUTSIDE_TERM).format(start=i.start, end=i.end))
    elif i.ended_on is not None and i.ended_on > today:
        problem = (i.row, "ended_on", i.ended_on, str(Msg.IN_FUTURE))
    if problem is not None:
        plan.problems.append(problem)
    return problem is None


def _rule_known(plan: AgreementPlan, i: NewAgreement, seen: dict[tuple[int, dt.date], str]) -> bool:
    """A rule covers the post's village on the start date (else the county must add one);
    `seen` keeps the answer per village and day ("" when there is a rule)."""
    key = (i.post.village_id, i.start)
    if key not in seen:
        try:
            post_rule(*key)
            seen[key] = ""
        except DomainError as err:
            seen[key] = str(err.message)
    if seen[key]:
        plan.problems.append((i.row, "start", i.start, seen[key]))
    return not seen[key]


def _agreement_clash(
    others: list[tuple[dt.date, dt.date | None, bool, str]], item: NewAgreement
) -> Problem | None:
    mine = _interval(item.start, item.ended_on or item.end)
    for start, last, is_running, title in others:
        if is_running and item.ended_on is None:
            return (item.row, "id_number", title, str(M.ALREADY_RUNNING).format(post=title, start=start))
        if _overlaps(mine, _interval(start, last)):
            return (item.row, "start", item.start, str(M.OVERLAPS_AGREEMENT).format(start=start, end=last))
    return None


def _spells_of(persons: list[int], ends: dict[int, dt.date | None]) -> dict[int, list[Spell]]:
    out: dict[int, list[Spell]] = defaultdict(list)
    for spell in Spell.objects.filter(person_id__in=persons, full_time=True).order_by("start", "pk"):
        if spell.pk in ends:
            spell.end = ends[spell.pk]
        out[spell.person_id].append(spell)
    return out


def _spell_for(plan: AgreementPlan, spells: list[Spell], item: NewAgreement) -> Spell | None:
    """The item's ledger spell, after closing the open spell that began earlier (close_open);
    None, with the ledger's overlap message, when it would overlap another full-time spell."""
    open_before = next((s for s in spells if s.end is None and s.start < item.start), None)
    closing = None
    if open_before is not None:
        closing = (open_before, open_before.end)
        open_before.end = item.start - dt.timedelta(days=1)
    mine = _interval(item.start, item.ended_on)
    other = next((s for s in spells if _overlaps(mine, _interval(s.start, s.end))), None)
    if other is not None:
        if closing is not None:  # undo: nothing of a refused item is kept
            closing[0].end = closing[1]
        error = ledger.overlap_error(other)
        plan.problems.append((item.row, "start", item.start, str(error.message)))
        return None
    if open_before is not None:
        plan.closed_spells.append(open_before)
    spell = Spell(
        person_id=item.person_id, status=SpellStatus.PUBLIC_WELFARE, channel=Channel.PUBLIC_WELFARE,
        location=Location.IN_COUNTY, destination=item.post.village.name, start=item.start, end=item.ended_on,
        monthly_wage=item.post.monthly_pay if item.monthly_pay is None else item.monthly_pay,
        note=_("公益性岗位：{title}").format(title=item.post.title),
    )  # fmt: skip
    spells.append(spell)
    return spell


def _check_endings(plan: AgreementPlan, endings: list[Ending], today: dt.date) -> None:
    ids = [e.agreement.pk for e in endings]
    later = dict(
        Attendance.objects.filter(agreement_id__in=ids)
        .values_list("agreement_id")
        .annotate(last=Max("month"))
        .order_by()
    )
    for e in endings:
        a = e.agreement
        problem: Problem | None = None
        if e.reason not in EndReason.values:
            problem = (e.row, "end_reason", e.reason, str(M.REASON_REQUIRED))
        elif not a.start <= e.ended_on <= a.end:
            problem = (
                e.row,
                "ended_on",
                e.ended_on,
                str(M.ENDED_OUTSIDE_TERM).format(start=a.start, end=a.end),
            )
        elif e.ended_on > today:
            problem = (e.row, "ended_on", e.ended_on, str(Msg.IN_FUTURE))
        elif (last := later.get(a.pk)) is not None and last > e.ended_on:
            problem = (
                e.row,
                "ended_on",
                e.ended_on,
                str(M.ATTENDANCE_AFTER_END).format(month=f"{last:%Y-%m}"),
            )
        if problem is not None:
            plan.problems.append(problem)
            continue
        a.ended_on, a.end_reason = e.ended_on, e.reason
        plan.ended.append(a)
        spell = a.spell
        if spell is not None and spell.end is None and spell.start <= e.ended_on:
            spell.end = e.ended_on
            plan.closed_spells.append(spell)


def apply_agreements(plan: AgreementPlan, *, actor: Any) -> None:
    """Write a plan without problems: endings first (so a person's next agreement may run), then
    the ledger, then the new agreements pointing at their spells."""
    assert not plan.problems
    with set_actor(actor):
        Agreement.objects.bulk_update(plan.ended, ["ended_on", "end_reason"])
        Spell.objects.bulk_update(plan.closed_spells, ["end"])
        for spell in plan.spells:
            spell.created_by = actor
        Spell.objects.bulk_create(plan.spells)
        for agreement, spell in zip(plan.agreements, plan.spells, strict=True):
            agreement.spell, agreement.created_by = spell, actor
        Agreement.objects.bulk_create(plan.agreements)


# -- attendance -----------------------------------------------------------------------------------


@dataclass
class MonthRow:
    row: int
    agreement: Agreement  # with `post` loaded
    month: dt.date
    days_worked: int
    hours_worked: Decimal
    pay_due: Decimal | None = None  # given in a file: must equal the computed pay due
    paid_amount: Decimal | None = None
    paid_on: dt.date | None = None
    note: str = ""
    payment_given: bool = True  # the file has the payment columns


@dataclass
class AttendancePlan:
    problems: list[Problem] = field(default_factory=list)
    new: list[Attendance] = field(default_factory=list)
    changed: list[Attendance] = field(default_factory=list)


def plan_attendance(*, rows: list[MonthRow], today: dt.date, may_pay: Any, actor: Any) -> AttendancePlan:
    """Check months of attendance (and payments) against their agreements; `may_pay(village)`
    says whether the actor may record payments there."""
    plan = AttendancePlan()
    existing = {
        (a.agreement_id, a.month): a
        for a in Attendance.objects.filter(agreement_id__in={r.agreement.pk for r in rows})
    }
    for r in rows:
        due = _month_problem(plan, r, today)
        if due is None:
            continue
        found = existing.get((r.agreement.pk, r.month))
        if r.payment_given:
            paid: tuple[Any, Any] = (r.paid_amount, r.paid_on)
        elif found is not None:
            paid = (found.paid_amount, found.paid_on)
        else:
            paid = (None, None)
        if found is not None and found.paid:
            now = (found.days_worked, found.hours_worked, found.paid_amount, found.paid_on)
            if now != (r.days_worked, r.hours_worked, *paid):
                day = found.paid_on
                plan.problems.append(
                    (r.row, "month", f"{r.month:%Y-%m}", str(M.ALREADY_PAID).format(day=day))
                )
            continue
        if (paid[0] is None) != (paid[1] is None):
            plan.problems.append((r.row, "paid_on", paid[1], str(M.PAID_NEEDS_BOTH)))
            continue
        if paid[0] is not None and (problem := _payment_problem(r, due, paid, today, may_pay)) is not None:
            plan.problems.append(problem)
            continue
        values = {
            "days_worked": r.days_worked, "hours_worked": r.hours_worked, "pay_due": due, "note": r.note,
            "paid_amount": paid[0], "paid_on": paid[1],
        }  # fmt: skip
        if found is None:
            plan.new.append(
                Attendance(
                    agreement=r.agreement, month=r.month, recorded_by=actor,
                    paid_by=actor if paid[0] is not None else None, **values,
                )
            )  # fmt: skip
        elif any(getattr(found, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(found, k, v)
            found.recorded_by = actor
            if paid[0] is not None:
                found.paid_by = actor
            plan.changed.append(found)
    return plan


def _month_problem(plan: AttendancePlan, r: MonthRow, today: dt.date) -> Decimal | None:
    """The pay due of a month row, or None with its problem recorded."""
    a = r.agreement
    covered = covered_days(a.start, a.ended_on or a.end, r.month)
    problem: Problem | None = None
    if r.month > today.replace(day=1):
        problem = (r.row, "month", f"{r.month:%Y-%m}", str(Msg.IN_FUTURE))
    elif covered == 0:
        message = str(M.MONTH_OUTSIDE).format(start=a.start, last=a.ended_on or a.end)
        problem = (r.row, "month", f"{r.month:%Y-%m}", message)
    elif r.days_worked < 0:
        problem = (r.row, "days_worked", r.days_worked, str(M.NEGATIVE))
    elif r.hours_worked < 0:
        problem = (r.row, "hours_worked", r.hours_worked, str(M.NEGATIVE))
    elif r.days_worked > covered:
        problem = (r.row, "days_worked", r.days_worked, str(M.DAYS_ABOVE).format(days=covered))
    elif r.hours_worked > r.days_worked * 24:
        problem = (r.row, "hours_worked", r.hours_worked, str(M.HOURS_ABOVE))
    if problem is not None:
        plan.problems.append(problem)
        return None
    due = pay_due(
        monthly_pay=a.monthly_pay, hours_per_month=a.post.hours_per_month, hours_worked=r.hours_worked,
        covered=covered, days_in_month=month_days(r.month),
    )  # fmt: skip
    if r.pay_due is not None and r.pay_due != due:
        plan.problems.append((r.row, "pay_due", r.pay_due, str(M.PAY_DUE_MISMATCH).format(due=due)))
        return None
    return due


def _payment_problem(
    r: MonthRow, due: Decimal, paid: tuple[Any, Any], today: dt.date, may_pay: Any
) -> Problem | None:
    amount, day = paid
    if not may_pay(r.agreement.post.village_id):
        return (r.row, "paid_amount", amount, _("记录发放须有发放审批权限（县级）"))
    if amount > due:
        return (r.row, "paid_amount", amount, str(M.PAID_ABOVE_DUE).format(due=due))
    if day < r.month:
        return (r.row, "paid_on", day, str(M.PAID_BEFORE_MONTH))
    if day > today:
        return (r.row, "paid_on", day, str(Msg.IN_FUTURE))
    return None


def apply_attendance(plan: AttendancePlan, *, actor: Any) -> None:
    assert not plan.problems
    fields = [
        "days_worked",
        "hours_worked",
        "pay_due",
        "note",
        "paid_amount",
        "paid_on",
        "paid_by",
        "recorded_by",
    ]
    with set_actor(actor):
        Attendance.objects.bulk_create(plan.new)
        Attendance.objects.bulk_update(plan.changed, fields)


def check_error(err: DomainError, row: int) -> Problem:
    return (row, err.field, err.value, str(err.message))
