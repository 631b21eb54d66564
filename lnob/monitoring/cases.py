"""Cases: a lead carried through the official procedure, each step by its own level, on time.

    lead ─accept→ case: 待入户核实 → 已入户核实 → 已比对数据 → 村级已评议 → 公示中 → 乡镇已审核 → 县级已审定
                                 └──────────────── 未通过 (from any step, with the reason) ─────────┘

- Village steps (take a lead, home visit with the household's signed authorisation, data comparison,
  village review, posting the notice) are the village cadre's; the township review is the township
  officer's; approval, with the category and risk types, is the county administrator's. A step by
  another role, or out of order, is refused with the reason (DomainError); a case outside the
  user's areas is not found.
- The deadline (办结期限) comes from the policy in force when the lead is taken: 15 calendar days
  by default, or working days where a province says so. The notice lasts at least the policy's
  days, and the township review only comes after it.
- Every step is one transaction on the locked case row, recorded as a CaseEvent with the actor,
  the comment and the time. A form carries the state it was drawn in; if the case moved on in the
  meantime (another click, another cadre), the step is refused, never applied twice.
- Disasters and accidents may take the fast track (先帮扶后认定): assistance may start at once; the
  identification steps follow as usual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.context import set_actor
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, NotFound

from .models import FINAL_STATES, Case, CaseEvent, CaseState, Lead, MonitoringCategory
from .policy import policy_for

VILLAGE, TOWNSHIP, COUNTY = Capability.CASE_VILLAGE, Capability.CASE_TOWNSHIP, Capability.CASE_COUNTY
STEPS: dict[str, Capability] = {
    "visit": VILLAGE,
    "compare": VILLAGE,
    "village_review": VILLAGE,
    "post_notice": VILLAGE,
    "township_review": TOWNSHIP,
    "approve": COUNTY,
    # after an elimination was approved
    "roll_back": COUNTY,
    "re_mark": VILLAGE,
}
# who may turn a case down, by the step it is at
REJECT_BY: dict[str, Capability] = {
    CaseState.LEAD: VILLAGE,
    CaseState.VISITED: VILLAGE,
    CaseState.COMPARED: VILLAGE,
    CaseState.VILLAGE_REVIEWED: VILLAGE,
    CaseState.NOTICE: TOWNSHIP,
    CaseState.TOWNSHIP_REVIEWED: COUNTY,
}
ROLE_NAMES = {
    VILLAGE: gettext_lazy("村干部"),
    TOWNSHIP: gettext_lazy("乡镇干部"),
    COUNTY: gettext_lazy("县级管理员"),
}
ACTION_NAMES = {
    "open": gettext_lazy("转入认定"),
    "visit": gettext_lazy("入户核实"),
    "compare": gettext_lazy("数据比对"),
    "village_review": gettext_lazy("村级评议"),
    "post_notice": gettext_lazy("公示"),
    "township_review": gettext_lazy("乡镇审核"),
    "approve": gettext_lazy("县级审定"),
    "reject": gettext_lazy("不予通过"),
    "roll_back": gettext_lazy("风险消除回退"),
    "re_mark": gettext_lazy("风险再标注"),
    "assign": gettext_lazy("指定责任人"),
}
DEFAULT_DAYS, DEFAULT_NOTICE_DAYS = 15, 5


def due_date(start: dt.date, days: int, working: bool) -> dt.date:
    """`days` calendar days after `start`, or `days` working days (Monday to Friday; public
    holidays are not known to the system) when `working`."""
    if not working:
        return start + dt.timedelta(days=days)
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def _role_needed(cap: Capability) -> str:
    return _("此环节需由{role}办理").format(role=ROLE_NAMES[cap])


def _check_role(actor: Any, cap: Capability, village: int, field: str, value: Any) -> None:
    if not can(actor, Capability.VIEW_REGISTRY, village):
        raise NotFound()
    if not can(actor, cap, village):
        raise DomainError(field, value, _role_needed(cap))


def _comment(comment: str) -> str:
    text = (comment or "").strip()
    if not text:
        raise DomainError("comment", "", _("请填写办理意见"))
    return text


@contextmanager
def _one_case_at_a_time(value: Any) -> Iterator[None]:
    """A second case in progress for a household, created at the same moment as the first, is
    refused like one created later, not as a database error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise DomainError("lead", value, _("该户已有正在办理的认定案件")) from None


def _handled(lead: Lead) -> str:
    return _("该线索已处理（{status}）").format(status=lead.get_status_display())


def _today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def lead_accept(
    *, actor: Any, lead: Lead, comment: str, fast_track: bool = False, fast_track_reason: str = ""
) -> Case:
    """A village cadre takes a lead into identification: a case, due by the policy's deadline."""
    locked = Lead.objects.select_for_update().filter(pk=lead.pk).first()
    if locked is None:
        raise NotFound()
    _check_role(actor, VILLAGE, locked.village_id, "lead", lead.pk)
    if locked.status != Lead.Status.OPEN:
        raise DomainError("lead", lead.pk, _handled(locked))
    text = _comment(comment)
    if fast_track and not fast_track_reason.strip():
        raise DomainError("fast_track_reason", "", _("先帮扶后认定须写明理由（如灾情、意外）"))
    in_progress = Case.objects.filter(household_id=locked.household_id).exclude(state__in=FINAL_STATES)
    if in_progress.exists():
        raise DomainError("lead", lead.pk, _("该户已有正在办理的认定案件"))
    today = _today()
    policy = policy_for(locked.village_id, today)
    days = int(policy.value("decision_days") or DEFAULT_DAYS)
    working = bool(policy.value("decision_working_days"))
    notice_days = int(policy.value("notice_min_days") or DEFAULT_NOTICE_DAYS)
    with set_actor(actor), _one_case_at_a_time(lead.pk):
        case = Case.objects.create(
            household_id=locked.household_id,
            village_id=locked.village_id,
            lead=locked,
            fast_track=fast_track,
            fast_track_reason=fast_track_reason.strip() if fast_track else "",
            assigned_to=actor,
            opened_at=timezone.now(),
            due_on=due_date(today, days, working),
            policy={"decision_days": days, "working_days": working, "notice_min_days": notice_days},
        )
        locked.status = Lead.Status.ACCEPTED
        locked.save(update_fields=["status"])
        CaseEvent.objects.create(
            case=case, action="open", from_state="", to_state=case.state, actor=actor, comment=text,
            data={"fast_track": fast_track},
        )  # fmt: skip
    return case


@transaction.atomic
def lead_dismiss(*, actor: Any, lead: Lead, reason: str) -> Lead:
    """A village cadre closes a lead that does not hold up, with the reason (kept)."""
    locked = Lead.objects.select_for_update().filter(pk=lead.pk).first()
    if locked is None:
        raise NotFound()
    _check_role(actor, VILLAGE, locked.village_id, "lead", lead.pk)
    if locked.status != Lead.Status.OPEN:
        raise DomainError("lead", lead.pk, _handled(locked))
    text = (reason or "").strip()
    if not text:
        raise DomainError("reason", "", _("请写明排除理由"))
    with set_actor(actor):
        locked.status = Lead.Status.DISMISSED
        locked.closed_at = timezone.now()
        locked.closed_reason = text[:300]
        locked.save(update_fields=["status", "closed_at", "closed_reason"])
    return locked


def _needed(case: Case, action: str) -> Capability:
    if action == "reject":
        cap = REJECT_BY.get(case.state)
        if cap is None:
            raise DomainError("action", action, _out_of_order(case, action))
        return cap
    if action not in STEPS:
        raise DomainError("action", action, _("未知的操作"))
    return STEPS[action]


def _out_of_order(case: Case, action: str) -> str:
    return _("当前环节为“{state}”，不能“{action}”").format(
        state=case.get_state_display(), action=ACTION_NAMES.get(action, action)
    )


@transaction.atomic
def case_step(
    *, actor: Any, case: Case, action: str, comment: str, expected_state: str | None = None, **data: Any
) -> Case:
    """Take one step of a case. `expected_state`: the state the user saw when choosing the step."""
    locked = Case.objects.select_for_update().filter(pk=case.pk).first()
    if locked is None or not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound()
    if expected_state is not None and expected_state != locked.state:
        raise DomainError(
            "state",
            expected_state,
            _("该案件已办理到“{state}”，请刷新后再操作").format(state=locked.get_state_display()),
        )
    cap = _needed(locked, action)
    _check_role(actor, cap, locked.village_id, "action", action)
    method = getattr(locked, action)
    if not can_proceed(method):
        raise DomainError("action", action, _out_of_order(locked, action))
    text = _comment(comment)
    recorded = _apply_data(locked, action, data, text)
    before = locked.state
    with set_actor(actor):
        method()
        if locked.final:  # approval, rejection, and later a roll-back or re-mark: the latest decision
            locked.closed_at = timezone.now()
        locked.save()
        if action == "reject" and locked.lead_id and locked.kind == Case.Kind.IDENTIFICATION:
            Lead.objects.filter(pk=locked.lead_id).update(closed_at=timezone.now(), closed_reason=text[:300])
        _after_elimination_step(locked, action, actor, text, recorded)
        CaseEvent.objects.create(
            case=locked, action=action, from_state=before, to_state=locked.state, actor=actor, comment=text,
            data=recorded,
        )  # fmt: skip
    return locked


def _apply_data(case: Case, action: str, data: dict[str, Any], comment: str) -> dict[str, Any]:
    """Check and set what a step records; return it for the event."""
    today = _today()
    allowed = {
        "visit": {"authorisation_signed_on"},
        "post_notice": {"notice_start", "notice_days"},
        "approve": {"category", "risk_types"} if case.kind == Case.Kind.IDENTIFICATION else set(),
        "re_mark": {"risk_types"},
    }.get(action, set())
    unknown = set(data) - allowed
    if unknown:
        raise DomainError(sorted(unknown)[0], "", _("此环节不接受该字段"))
    if action == "visit":
        signed = data.get("authorisation_signed_on")
        if not isinstance(signed, dt.date):
            raise DomainError("authorisation_signed_on", signed, _("请填写农户签字授权的日期"))
        if signed > today or signed < timezone.localdate(case.opened_at) - dt.timedelta(days=30):
            raise DomainError("authorisation_signed_on", signed.isoformat(), _("授权日期不合理"))
        case.authorisation_signed_on = signed
        return {"authorisation_signed_on": signed.isoformat()}
    if action == "post_notice":
        start = data.get("notice_start") or today
        minimum = int(case.policy.get("notice_min_days", DEFAULT_NOTICE_DAYS))
        days = int(data.get("notice_days") or minimum)
        if days < minimum:
            raise DomainError("notice_days", days, _("公示期不少于 {n} 天").format(n=minimum))
        reviewed = (
            CaseEvent.objects.filter(case=case, action="village_review")
            .order_by("-at")
            .values_list("at", flat=True)
        ).first()
        earliest = timezone.localdate(reviewed) if reviewed else today
        # posted after the village review (recorded within the week), never before it
        if start < max(earliest, today - dt.timedelta(days=7)) or start > today + dt.timedelta(days=30):
            raise DomainError(
                "notice_start",
                start.isoformat(),
                _("公示应在村级评议之后开始（{d} 或以后）").format(d=earliest.isoformat()),
            )
        case.notice_start, case.notice_end = start, start + dt.timedelta(days=days - 1)
        return {"notice_start": start.isoformat(), "notice_end": case.notice_end.isoformat(), "days": days}
    if action == "township_review":
        if case.notice_end is None or today <= case.notice_end:
            end = case.notice_end.isoformat() if case.notice_end else ""
            raise DomainError("action", action, _("公示期至 {end} 结束，期满后方可审核").format(end=end))
        return {}
    if action == "approve" and case.kind == Case.Kind.IDENTIFICATION:
        category = data.get("category") or ""
        if not MonitoringCategory.objects.filter(code=category).exists():
            raise DomainError("category", category, _("请选择监测对象类型"))
        risks = list(data.get("risk_types") or [])
        from lnob.registry.models import RiskType

        known = set(RiskType.objects.values_list("code", flat=True))
        if not risks or any(r not in known for r in risks):
            raise DomainError("risk_types", ",".join(risks), _("请选择至少一个风险类型"))
        case.category_id, case.risk_types = category, risks
        return {"category": category, "risk_types": risks}
    if action == "re_mark":
        from lnob.registry.models import RiskType

        risks = list(data.get("risk_types") or [])
        known = set(RiskType.objects.values_list("code", flat=True))
        if not risks or any(r not in known for r in risks):
            raise DomainError("risk_types", ",".join(risks), _("请选择至少一个风险类型"))
        return {"risk_types": risks}
    if action == "reject":
        case.rejected_reason = comment[:500]
    return {}


@transaction.atomic
def case_assign(*, actor: Any, case: Case, assignee: Any, comment: str) -> Case:
    """The township or the county names the cadre responsible; they must work in the village."""
    locked = Case.objects.select_for_update().filter(pk=case.pk).first()
    if locked is None or not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound()
    if not (can(actor, TOWNSHIP, locked.village_id) or can(actor, COUNTY, locked.village_id)):
        raise DomainError("assigned_to", getattr(assignee, "pk", None), _("指定责任人需由乡镇或县级办理"))
    if locked.final:
        raise DomainError("assigned_to", getattr(assignee, "pk", None), _("案件已办结"))
    if assignee is None or not can(assignee, VILLAGE, locked.village_id):
        raise DomainError("assigned_to", getattr(assignee, "pk", None), _("责任人须是本村的村干部"))
    text = _comment(comment)
    with set_actor(actor):
        before = locked.assigned_to_id
        locked.assigned_to = assignee
        locked.save(update_fields=["assigned_to"])
        CaseEvent.objects.create(
            case=locked, action="assign", from_state=locked.state, to_state=locked.state, actor=actor,
            comment=text, data={"from": before, "to": assignee.pk},
        )  # fmt: skip
    return locked


def _after_elimination_step(case: Case, action: str, actor: Any, comment: str, data: dict[str, Any]) -> None:
    """What an elimination's approval, roll-back or re-mark does to the household's lead."""
    if case.kind != Case.Kind.ELIMINATION or case.lead_id is None:
        return
    now = timezone.now()
    if action == "approve":  # risk eliminated: the household's lead is closed
        Lead.objects.filter(pk=case.lead_id).update(closed_at=now, closed_reason=str(_("风险已消除")))
    elif action == "roll_back":  # monitored again, on the same lead unless a new one is open
        if not Lead.objects.filter(household_id=case.household_id, closed_at__isnull=True).exists():
            Lead.objects.filter(pk=case.lead_id).update(closed_at=None, closed_reason="")
    elif action == "re_mark":  # a new risk: a new lead, and identification starts again
        from .models import Signal

        lead = Lead.objects.filter(household_id=case.household_id, closed_at__isnull=True).first()
        if lead is None:
            lead = Lead.objects.create(
                household_id=case.household_id, village_id=case.village_id, opened_at=now,
                first_channel=Signal.Channel.CADRE, severity=2,
            )  # fmt: skip
        Signal.objects.create(
            lead=lead, channel=Signal.Channel.CADRE, risk_types=data.get("risk_types", []),
            note=comment[:500], observed_on=_today(), reported_by=actor,
        )  # fmt: skip


def actions_for(user: Any, case: Case) -> list[str]:
    """The steps this user may take on the case now (for the screen's buttons)."""
    approved_elimination = case.kind == Case.Kind.ELIMINATION and case.state == CaseState.APPROVED
    if case.final and not approved_elimination:
        return []
    out = []
    for action, cap in STEPS.items():
        if can(user, cap, case.village_id) and can_proceed(getattr(case, action)):
            out.append(action)
    reject_cap = REJECT_BY.get(case.state)
    if reject_cap is not None and can(user, reject_cap, case.village_id):
        out.append("reject")
    return out


def is_overdue(case: Case, today: dt.date | None = None) -> bool:
    return not case.final and (today or _today()) > case.due_on


# -- reports: leads from people, not from sweeps -----------------------------------------------

REPORT_CHANNELS = ("self_report", "cadre")


@transaction.atomic
def report_risk(
    *,
    actor: Any,
    household: Any,
    channel: str,
    risk_types: list[str],
    note: str,
    observed_on: dt.date | None = None,
) -> Any:
    """A household's own report (自主申报, filed by a cadre for it, or through the API) or a cadre's
    report (干部排查): evidence on the household's current lead, or a new lead. Returns the signal."""
    from lnob.registry.models import RiskType

    from .models import Signal

    if not can(actor, Capability.VIEW_REGISTRY, household.village_id):
        raise NotFound()
    if not can(actor, VILLAGE, household.village_id):
        raise DomainError("channel", channel, _role_needed(VILLAGE))
    if channel not in REPORT_CHANNELS:
        raise DomainError("channel", channel, _("来源应为农户自主申报或干部排查"))
    known = set(RiskType.objects.filter(active=True).values_list("code", flat=True))
    risks = list(dict.fromkeys(risk_types or []))
    if not risks:
        raise DomainError("risk_types", "", _("请选择至少一个风险类型"))
    for risk in risks:
        if risk not in known:
            raise DomainError("risk_types", risk, _("未知的风险类型"))
    text = (note or "").strip()
    if not text:
        raise DomainError("note", "", _("请说明情况（发生了什么、何时、影响如何）"))
    day = observed_on or _today()
    if day > _today() or day < _today() - dt.timedelta(days=366):
        raise DomainError("observed_on", day.isoformat(), _("日期应在过去一年之内"))
    from lnob.registry.models import Household

    # the household row is the lock: two reports at once for a household without a lead make one
    Household.objects.select_for_update().filter(pk=household.pk).first()
    with set_actor(actor):
        lead = Lead.objects.filter(household=household, closed_at__isnull=True).first()
        if lead is None:
            lead = Lead.objects.create(
                household=household,
                village_id=household.village_id,
                opened_at=timezone.now(),
                first_channel=channel,
                severity=2,
            )
        signal = Signal.objects.create(
            lead=lead, channel=channel, risk_types=risks, note=text[:500], observed_on=day, reported_by=actor
        )
    return signal


# -- assistance plans (帮扶计划) ----------------------------------------------------------------

MEASURE_FLOW = {
    # status -> statuses it may move to
    "planned": {"active", "stopped"},
    "active": {"done", "stopped"},
    "done": set(),
    "stopped": set(),
}


def household_has_labour(household: Any, day: dt.date | None = None) -> bool:
    """Whether any member on the day is able to work (full or partial capacity), as the household
    page derives it (recorded overrides win)."""
    from django.conf import settings

    from lnob.registry.models import Membership, PersonVersion
    from lnob.registry.rules import age_on, derive_labour_capacity

    day = day or _today()
    members = Membership.objects.filter(household=household, joined__lte=day).exclude(left__lte=day)
    people = {m.person_id: m.person.birth_date for m in members.select_related("person")}
    versions = PersonVersion.objects.filter(person_id__in=people, valid_from__lte=day).exclude(
        valid_to__lte=day
    )
    for v in versions:
        capacity = v.labour_override or derive_labour_capacity(
            age=age_on(people[v.person_id], day),
            health=v.health,
            disability_grade=v.disability_grade,
            working_age=tuple(settings.LNOB_WORKING_AGE),  # type: ignore[arg-type]
        )
        if capacity in ("full", "partial"):
            return True
    return False


@transaction.atomic
def measure_add(
    *,
    actor: Any,
    case: Case,
    type: str,
    start: dt.date,
    responsible: str,
    end: dt.date | None = None,
    note: str = "",
    no_labour_override: bool = False,
    override_reason: str = "",
) -> Any:
    """Add a measure to a monitored household's plan (or to a fast-track case's, help first).

    A household with no member able to work gets developmental measures (jobs, training, loans…)
    only when the cadre says why (no_labour_override with a reason): the policy expects protective
    measures for it."""
    from .models import PROTECTIVE, Measure, MeasureType

    locked = Case.objects.select_for_update().filter(pk=case.pk).first()
    if locked is None or not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound()
    if not (can(actor, VILLAGE, locked.village_id) or can(actor, COUNTY, locked.village_id)):
        raise DomainError("type", type, _("帮扶措施由村干部或县级管理员安排"))
    from .elimination import household_status

    status, current = household_status(locked.household)
    monitored = status == "monitored" and current is not None and current.pk == locked.pk
    if not (monitored or (locked.fast_track and not locked.final)):
        raise DomainError("case", case.pk, _("纳入监测后（或先帮扶后认定的案件）才能安排帮扶措施"))
    if type not in MeasureType.values:
        raise DomainError("type", type, _("未知的帮扶措施"))
    if end is not None and end < start:
        raise DomainError("end", end.isoformat(), _("结束日期不能早于开始日期"))
    who = (responsible or "").strip()
    if not who:
        raise DomainError("responsible", "", _("请填写责任人"))
    reason = (override_reason or "").strip()
    developmental = type not in PROTECTIVE
    if developmental and not household_has_labour(locked.household, start):
        if not no_labour_override:
            raise DomainError(
                "type", type, _("该户没有劳动能力成员，开发式措施须说明理由（勾选“仍安排”并填写理由）")
            )
        if not reason:
            raise DomainError("override_reason", "", _("请写明为何仍安排开发式措施"))
    with set_actor(actor):
        return Measure.objects.create(
            case=locked,
            household_id=locked.household_id,
            village_id=locked.village_id,
            type=type,
            start=start,
            end=end,
            responsible=who[:100],
            note=(note or "").strip()[:500],
            no_labour_override=bool(no_labour_override and reason),
            override_reason=reason[:300] if no_labour_override else "",
            created_by=actor,
        )


@transaction.atomic
def measure_status(*, actor: Any, measure: Any, status: str, end: dt.date | None = None) -> Any:
    from .models import Measure

    locked = Measure.objects.select_for_update().filter(pk=measure.pk).first()
    if locked is None or not Measure.objects.visible_to(actor).filter(pk=measure.pk).exists():
        raise NotFound()
    if not (can(actor, VILLAGE, locked.village_id) or can(actor, COUNTY, locked.village_id)):
        raise DomainError("status", status, _("帮扶措施由村干部或县级管理员安排"))
    if status not in MEASURE_FLOW.get(locked.status, set()):
        raise DomainError(
            "status", status, _("措施当前为“{now}”，不能改为该状态").format(now=locked.get_status_display())
        )
    with set_actor(actor):
        locked.status = status
        if status in ("done", "stopped"):
            locked.end = end or locked.end or _today()
            if locked.end < locked.start:
                raise DomainError("end", locked.end.isoformat(), _("结束日期不能早于开始日期"))
        locked.save(update_fields=["status", "end"])
    return locked
