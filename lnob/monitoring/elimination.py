"""Risk elimination (风险消除): proposed only when its conditions hold, then the same review steps.

The conditions (../shared/domain/policy-reference.md, section 5; values from the policy in force):
1. the household is monitored (its identification approved, no elimination since);
2. it has been monitored at least `elimination_stable_months` (6 by default);
3. income per person is above the monitoring threshold now and was `elimination_stable_months` ago
   (stable, not a one-off);
4. at least `elimination_min_measures` measures are in place or done;
5. housing and drinking water are secured, and no compulsory-age child has dropped out;
6. no rule flags the household now (no new risk);
7. someone in the household is able to work: a household without labour is never eliminated, it
   stays monitored with protective measures.

Each is shown with its figures. The proposal is a case of kind "elimination" through the same
steps (visit, comparison, village review, notice, township review, county approval); approval
closes the household's lead. Afterwards, 回退 (roll back: the county) returns the household to
monitoring, and 再标注 (re-mark: the village, with the new risk) opens a new lead for identification.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.areas.scoping import can
from lnob.core.errors import DomainError, NotFound
from lnob.engine.monitor import features as F
from lnob.engine.monitor.evaluate import evaluate

from .cases import DEFAULT_DAYS, DEFAULT_NOTICE_DAYS, VILLAGE, _comment, _one_case_at_a_time, due_date
from .models import Case, CaseEvent, CaseState
from .policy import parameters, policy_for, rules_for

DEFAULT_MONTHS, DEFAULT_MEASURES = 6, 1


@dataclass(frozen=True)
class Condition:
    key: str
    label: str
    ok: bool
    detail: str


def household_status(household: Any) -> tuple[str, Case | None]:
    """("monitored" | "eliminated" | "", the case that says so), from the household's latest
    closed decision: an approved identification (monitored), an approved elimination (eliminated),
    an elimination rolled back (monitored again, on the identification), or re-marked (no longer
    eliminated; a new identification decides)."""
    decisions = Case.objects.filter(
        household=household,
        state__in=[CaseState.APPROVED, CaseState.ROLLED_BACK, CaseState.REMARKED],
        closed_at__isnull=False,
    )
    latest = decisions.order_by("-closed_at", "-pk").first()
    if latest is None:
        return "", None
    if latest.kind == Case.Kind.IDENTIFICATION:
        return "monitored", latest
    if latest.state == CaseState.APPROVED:
        return "eliminated", latest
    if latest.state == CaseState.ROLLED_BACK:
        identification = decisions.filter(kind=Case.Kind.IDENTIFICATION).order_by("-closed_at", "-pk").first()
        return ("monitored", identification) if identification else ("", None)
    return "", None


def _months_back(day: dt.date, months: int) -> dt.date:
    import calendar

    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _features(household: Any, county: int, day: dt.date) -> dict[str, Any] | None:
    from lnob.registry.models import RiskType

    from .load import load_household

    risk_types = tuple(RiskType.objects.filter(active=True).order_by("code").values_list("code", flat=True))
    from django.conf import settings

    working_age = tuple(settings.LNOB_WORKING_AGE)  # as the sweeps use it
    frame = F.compute(
        load_household(county, household.pk, day),
        F.Settings(as_of=day, risk_types=risk_types, working_age=working_age),  # type: ignore[arg-type]
    )
    return frame.row(0, named=True) if frame.height else None


def conditions(household: Any, day: dt.date | None = None) -> list[Condition]:
    from .sweeps import _compile

    day = day or timezone.localdate()
    county = household.village_id - household.village_id % 10**6
    policy = policy_for(household.village_id, day)
    months = int(policy.value("elimination_stable_months") or DEFAULT_MONTHS)
    needed = int(policy.value("elimination_min_measures") or DEFAULT_MEASURES)
    params = parameters(policy)
    threshold = params.get("threshold")
    status, case = household_status(household)
    out = [
        Condition(
            "monitored", _("已纳入监测"), status == "monitored",
            _("监测对象") if status == "monitored" else (_("风险已消除") if status else _("未纳入监测")),
        )
    ]  # fmt: skip
    since = timezone.localdate(case.closed_at) if case and case.closed_at and status == "monitored" else None
    enough = since is not None and since <= _months_back(day, months)
    out.append(
        Condition(
            "months", _("监测满 {n} 个月").format(n=months), enough,
            _("自 {d} 起").format(d=since.isoformat()) if since else "—",
        )
    )  # fmt: skip
    now = _features(household, county, day)
    before = _features(household, county, _months_back(day, months))
    if threshold is None:
        out.append(Condition("income", _("收入稳定高于监测范围"), False, _("本地区未设定监测范围")))
    else:
        a = now["income_per_capita"] if now else None
        b = before["income_per_capita"] if before else None
        ok = a is not None and b is not None and a >= threshold and b >= threshold
        detail = _("人均纯收入：现在 {a} 元，{n} 个月前 {b} 元；监测范围 {t} 元").format(
            a="—" if a is None else f"{a:,.0f}",
            b="—" if b is None else f"{b:,.0f}",
            n=months,
            t=f"{threshold:,.0f}",
        )
        out.append(Condition("income", _("收入稳定高于监测范围"), ok, detail))
    in_place = 0
    if case is not None and status == "monitored":
        in_place = case.measures.filter(status__in=["active", "done"]).count()
    out.append(
        Condition(
            "measures", _("落实帮扶措施不少于 {n} 项").format(n=needed), in_place >= needed,
            _("已落实 {n} 项").format(n=in_place),
        )
    )  # fmt: skip
    secured = (
        now is not None and not now["housing_unsafe"] and not now["water_unsafe"] and now["dropouts"] == 0
    )
    out.append(
        Condition(
            "guarantees", _("“三保障”和饮水安全"), secured,
            _("住房{h}，饮水{w}，辍学 {d} 人").format(
                h=_("安全") if now and not now["housing_unsafe"] else _("不安全"),
                w=_("安全") if now and not now["water_unsafe"] else _("不安全"),
                d=now["dropouts"] if now else "—",
            ),
        )
    )  # fmt: skip
    flagged: list[str] = []
    if now is not None:
        import polars as pl

        columns = F.feature_columns(tuple(k[6:] for k in now if k.startswith("shock_")))
        compiled, snapshot, _skipped = _compile(rules_for(household.village_id, day), columns, params)
        hits = evaluate(pl.DataFrame([now], schema=columns), compiled, params)
        names = {r["code"]: r["name_zh"] for r in snapshot}
        flagged = [names.get(c, c) for c in hits["rule_code"].to_list()]
    out.append(
        Condition(
            "no_new_risk", _("没有新的风险"), bool(now) and not flagged, "、".join(flagged) or _("无规则命中")
        )
    )
    labour = now is not None and now["able_workers"] > 0
    out.append(
        Condition(
            "labour", _("有劳动能力（无劳动能力户不作风险消除）"), labour,
            _("有劳动能力成员 {n} 人").format(n=now["able_workers"] if now else 0),
        )
    )  # fmt: skip
    return out


@transaction.atomic
def elimination_propose(*, actor: Any, household: Any, comment: str) -> Case:
    """A village cadre proposes to eliminate a monitored household's risk, only if every
    condition holds now; the proposal then goes through the review steps."""
    if not can(actor, VILLAGE, household.village_id):
        from lnob.areas.roles import Capability

        if not can(actor, Capability.VIEW_REGISTRY, household.village_id):
            raise NotFound()
        raise DomainError("household", household.number, _("风险消除由村干部提出"))
    text = _comment(comment)
    checked = conditions(household)
    failed = [c for c in checked if not c.ok]
    if failed:
        unmet = "；".join(f"{c.label}（{c.detail}）" for c in failed)
        raise DomainError("household", household.number, _("不满足风险消除条件：{list}").format(list=unmet))
    _status, case = household_status(household)
    assert case is not None
    from .models import FINAL_STATES

    if Case.objects.filter(household=household).exclude(state__in=FINAL_STATES).exists():
        raise DomainError("household", household.number, _("该户已有正在办理的案件"))
    today = timezone.localdate()
    policy = policy_for(household.village_id, today)
    days = int(policy.value("decision_days") or DEFAULT_DAYS)
    working = bool(policy.value("decision_working_days"))
    with set_actor(actor), _one_case_at_a_time(household.number):
        proposal = Case.objects.create(
            household=household,
            village_id=household.village_id,
            lead_id=case.lead_id,
            kind=Case.Kind.ELIMINATION,
            category_id=case.category_id,
            risk_types=case.risk_types,
            assigned_to=actor,
            opened_at=timezone.now(),
            due_on=due_date(today, days, working),
            policy={
                "decision_days": days,
                "working_days": working,
                "notice_min_days": int(policy.value("notice_min_days") or DEFAULT_NOTICE_DAYS),
            },
        )
        CaseEvent.objects.create(
            case=proposal, action="open", from_state="", to_state=proposal.state, actor=actor, comment=text,
            data={"conditions": {c.key: c.detail for c in checked}},
        )  # fmt: skip
    return proposal


__all__ = ["Condition", "conditions", "elimination_propose", "household_status"]
