"""The demo county's monitoring history (`lnob demo`): the most severe leads of the month's sweep
taken through the official procedure by the real case services, so the county starts with
monitored households, cases at every step, and a case turned down, as a county in its first
weeks with LNOB has.

Each case is carried by the level that signs each step: the village steps by a village cadre,
the township review by a township officer, the approval by the county administrator. The demo's
own village cadre and township officer take their own area's cases; two accounts that cannot log
in (`demo_village_cadres`, `demo_township_officers`) stand for the cadres of the other areas. The
procedure's timing is real: the village review and the five-day notice are dated in the week
before, as the test helper does, so the township review may follow the notice.

Of every ten leads taken (highest severity first, round the villages): seven are approved, one
waits for the township review (notice over), one is on notice, one is turned down at the village
review. Deterministic, and nothing is added when the county has cases already.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from itertools import chain, zip_longest
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lnob.areas.models import Area, RoleAssignment
from lnob.areas.roles import Role
from lnob.areas.scoping import can
from lnob.core.errors import DomainError
from lnob.registry.models import HouseholdStatus, HouseholdVersion

from .cases import TOWNSHIP, VILLAGE, case_step, due_date, lead_accept
from .models import Case, CaseEvent, Lead, Signal
from .policy import rules_for

CASES = 100
DAYS = 9  # the case opened this many days ago


def load_demo(*, county: Area, actor: Any) -> dict[str, int]:
    lo, hi = county.subtree
    if Case.objects.filter(village_id__gte=lo, village_id__lt=hi).exists():
        return {"approved": 0, "in_progress": 0, "rejected": 0, "refused": 0}
    leads = _leads(lo, hi)
    # the category each rule points to, from the rules in force (as the sweep read them)
    rule_category = {r.code: r.category_id for r in rules_for(county.code, timezone.localdate())}
    risks: dict[int, set[str]] = defaultdict(set)
    categories: dict[int, set[str]] = defaultdict(set)
    for lead_id, found, code in Signal.objects.filter(lead_id__in=[x.pk for x in leads]).values_list(
        "lead_id", "risk_types", "rule_code"
    ):
        risks[lead_id].update(found or [])
        categories[lead_id].add(rule_category.get(code) or "")
    status = dict(
        HouseholdVersion.objects.filter(
            household_id__in=[x.household_id for x in leads], valid_to__isnull=True
        ).values_list("household_id", "status")
    )
    village_cadres = _stand_in("demo_village_cadres", Role.VILLAGE_CADRE, county)
    township_officers = _stand_in("demo_township_officers", Role.TOWNSHIP_OFFICER, county)
    demo_cadre = get_user_model().objects.filter(username="demo_village_cadre").first()
    demo_officer = get_user_model().objects.filter(username="demo_township_officer").first()
    counts: Counter[str] = Counter()
    for k, lead in enumerate(leads):
        cadre = demo_cadre if demo_cadre and can(demo_cadre, VILLAGE, lead.village_id) else village_cadres
        officer = (
            demo_officer
            if demo_officer and can(demo_officer, TOWNSHIP, lead.village_id)
            else township_officers
        )
        types = sorted(risks[lead.pk]) or ["other"]
        category = (
            "unstable_out_of_poverty"
            if status.get(lead.household_id) == HouseholdStatus.OUT_OF_POVERTY
            else "sudden_difficulty"
            if "sudden_difficulty" in categories[lead.pk]
            else "marginal"
        )
        try:
            with transaction.atomic():
                counts[_carry(lead, k % 10, cadre, officer, actor, category, types)] += 1
        except DomainError:
            counts["refused"] += 1
    return {key: counts[key] for key in ("approved", "in_progress", "rejected", "refused")}


def _leads(lo: int, hi: int) -> list[Lead]:
    """Up to CASES open leads, the most severe first, taken in turn from each village."""
    by_village: dict[int, list[Lead]] = defaultdict(list)
    for lead in Lead.objects.filter(village_id__gte=lo, village_id__lt=hi, status=Lead.Status.OPEN).order_by(
        "-severity", "village_id", "pk"
    ):
        by_village[lead.village_id].append(lead)
    rounds = zip_longest(*by_village.values())
    return [lead for lead in chain.from_iterable(rounds) if lead is not None][:CASES]


def _stand_in(username: str, role: Role, county: Area) -> Any:
    """An account that cannot log in, holding `role` over the county, for the demo's history."""
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    RoleAssignment.objects.get_or_create(user=user, area=county, role=role)
    return user


def _carry(lead: Lead, k: int, cadre: Any, officer: Any, admin: Any, category: str, types: list[str]) -> str:
    """Take the lead as far as its turn says, then date its history (see _backdate)."""
    today = timezone.localdate()
    opened = today - dt.timedelta(days=DAYS)
    case = lead_accept(actor=cadre, lead=lead, comment="演示：核实监测线索")
    case_step(actor=cadre, case=case, action="visit", comment="入户核实，农户已签字授权",
              authorisation_signed_on=opened)  # fmt: skip
    case_step(actor=cadre, case=case, action="compare", comment="与部门数据比对一致")
    if k == 9:
        case = case_step(
            actor=cadre, case=case, action="reject", comment="村民代表评议：家庭收入稳定，暂不纳入"
        )
        _backdate(case, rejected=True)
        return "rejected"
    case_step(actor=cadre, case=case, action="village_review", comment="村民代表评议通过")
    if k == 8:  # reviewed today, on notice from today
        case_step(actor=cadre, case=case, action="post_notice", comment="在村务公开栏公示")
        return "in_progress"
    CaseEvent.objects.filter(case=case, action="village_review").update(
        at=timezone.now() - dt.timedelta(days=7)
    )
    case_step(actor=cadre, case=case, action="post_notice", comment="在村务公开栏公示",
              notice_start=today - dt.timedelta(days=6))  # fmt: skip
    if k == 7:
        _backdate(case)
        return "in_progress"
    case_step(actor=officer, case=case, action="township_review", comment="公示无异议，同意")
    case_step(actor=admin, case=case, action="approve", comment="纳入监测", category=category,
              risk_types=types)  # fmt: skip
    _backdate(case)
    return "approved"


def _backdate(case: Case, *, rejected: bool = False) -> None:
    """Date the history as it would have run: the lead taken, the visit and the comparison DAYS
    ago (a turned-down case closed the day after), the village review a week ago and the notice
    posted the day after it; the deadline counted from the opening."""
    now = timezone.now()
    start = now - dt.timedelta(days=DAYS)
    due = due_date(
        timezone.localdate(start), int(case.policy["decision_days"]), bool(case.policy["working_days"])
    )
    if rejected:
        closed = start + dt.timedelta(days=1)
        Case.objects.filter(pk=case.pk).update(opened_at=start, due_on=due, closed_at=closed)
        Lead.objects.filter(cases=case).update(opened_at=start, closed_at=closed)
        CaseEvent.objects.filter(case=case, action="reject").update(at=closed)
    else:
        Case.objects.filter(pk=case.pk).update(opened_at=start, due_on=due)
        Lead.objects.filter(cases=case).update(opened_at=start)
        CaseEvent.objects.filter(case=case, action="post_notice").update(at=now - dt.timedelta(days=6))
    CaseEvent.objects.filter(case=case, action__in=["open", "visit", "compare"]).update(at=start)


__all__ = ["load_demo"]
