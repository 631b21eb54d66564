"""Employment-assistance workshops (就业帮扶车间): small workshops, often in a village, that employ
people of out-of-poverty and monitored households near home (docs/employment-workshops.md).

A workshop is run by an employer of the county's list and sits in a village. Who works there is
not kept here: its roster is read from the employment ledger (spells in work through the workshop
channel with the workshop's employer; `WorkshopJob` says which workshop when an employer runs
several). The county recognises a workshop against its province's criteria (`Assessment` keeps
the figures used), checks it every quarter (normal → pending action → closed, with a buffer), and
pays subsidies on claims (`SubsidyClaim`, one `ClaimLine` per worker).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from lnob.areas.models import Area
from lnob.employment.models import Employer, EmploymentPolicy, Spell
from lnob.registry.models import Person


class WorkshopType(models.TextChoices):
    """The five types of Liujiang's rules (policy reference §4.2)."""

    FACTORY = "factory", _("厂房车间")
    HOME_BASED = "home_based", _("居家就业")
    FARMING = "farming", _("种养基地")
    TRADE = "trade", _("商贸物流")
    TOURISM = "tourism", _("乡村旅游")


class WorkshopState(models.TextChoices):
    APPLIED = "applied", _("待认定")
    NORMAL = "normal", _("正常运行")
    PENDING = "pending", _("监测待处置")
    CLOSED = "closed", _("已清理")


class Rating(models.TextChoices):
    """The county's annual rating of a workshop (年度考评等次), for tiered awards."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")


class Workshop(ConcurrentTransitionMixin, models.Model):
    """One workshop. Its state moves only through the transitions below (django-fsm-2, protected
    field), called by lnob.employment.workshops.services, each recorded as a WorkshopEvent."""

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("经营主体")
    )
    name = models.CharField(_("车间名称"), max_length=100)
    type = models.CharField(_("车间类型"), max_length=20, choices=WorkshopType.choices)
    village = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在村"), db_index=False
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opened = models.DateField(_("开办日期"), null=True, blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_workshops", blank=True, verbose_name=_("车间负责人")
    )
    state = FSMField(
        _("状态"), max_length=10, choices=WorkshopState.choices, default=WorkshopState.APPLIED, protected=True
    )
    recognised_on = models.DateField(_("认定日期"), null=True, blank=True)
    pending_since = models.DateField(_("待处置起始日"), null=True, blank=True)
    closed_on = models.DateField(_("清理日期"), null=True, blank=True)
    rating = models.CharField(_("年度考评等次"), max_length=10, choices=Rating.choices, blank=True)
    rating_year = models.PositiveSmallIntegerField(_("考评年度"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("就业帮扶车间")
        verbose_name_plural = _("就业帮扶车间")
        ordering = ["village_id", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "name"], name="workshop_name_once_per_employer"),
            models.CheckConstraint(
                condition=~Q(state="pending") | Q(pending_since__isnull=False), name="workshop_pending_since"
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_on__isnull=False), name="workshop_closed_on"
            ),
            models.CheckConstraint(
                condition=Q(state="applied") | Q(recognised_on__isnull=False), name="workshop_recognised_on"
            ),
        ]
        indexes = [models.Index(fields=["village", "state"], name="workshop_village_state")]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.village_id}

    # -- transitions: called only by the services, which check role, dates and figures --
    @transition(
        field=state, source=[WorkshopState.APPLIED, WorkshopState.CLOSED], target=WorkshopState.NORMAL
    )
    def recognise(self) -> None:
        """认定: the criteria are met (or the county's earlier recognition is imported)."""

    @transition(field=state, source=WorkshopState.NORMAL, target=WorkshopState.PENDING)
    def flag(self) -> None:
        """A quarterly check found the criteria unmet: pending action, the buffer starts."""

    @transition(field=state, source=WorkshopState.PENDING, target=WorkshopState.NORMAL)
    def clear(self) -> None:
        """The criteria are met again."""

    @transition(
        field=state, source=[WorkshopState.NORMAL, WorkshopState.PENDING], target=WorkshopState.CLOSED
    )
    def close(self) -> None:
        """清理: still unmet after the buffer, or closed by the county (with the reason)."""


class WorkshopJob(models.Model):
    """A spell of the ledger worked at this workshop (帮扶车间就业). The spell holds the dates,
    status and wage; this row only says which workshop, for an employer that runs several. It is
    what an assistance-plan measure of type workshop_job points to."""

    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="jobs")
    spell = models.OneToOneField(Spell, on_delete=models.PROTECT, related_name="workshop_job")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("帮扶车间就业")
        verbose_name_plural = _("帮扶车间就业")
        indexes = [models.Index(fields=["person", "workshop"], name="workshop_job_person")]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.workshop.name} · {self.spell.start:%Y-%m-%d}"

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id, "area": self.workshop.village_id}


class Assessment(models.Model):
    """The criteria evaluated against a workshop's roster on a day, with the figures used, so the
    result can be explained ("7 out-of-poverty workers ≥ 5")."""

    class Purpose(models.TextChoices):
        RECOGNITION = "recognition", _("认定")
        CHECK = "check", _("季度核查")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="assessments")
    day = models.DateField(_("核查日期"))
    purpose = models.CharField(_("类别"), max_length=12, choices=Purpose.choices)
    policy = models.ForeignKey(EmploymentPolicy, on_delete=models.PROTECT, related_name="+")
    monitoring = models.ForeignKey(
        EmploymentPolicy, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    met = models.BooleanField(_("符合标准"))
    figures = models.JSONField(_("依据数据"), default=dict)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("车间认定核查")
        verbose_name_plural = _("车间认定核查")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "day", "purpose"], name="assessment_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id} · {self.day} · {self.get_purpose_display()}"

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.workshop.village_id}


class ClaimState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已审核")
    PAID = "paid", _("已发放")
    REJECTED = "rejected", _("已退回")


class ClaimKind(models.TextChoices):
    """The kind of subsidy, which is also the kind of rule (EmploymentPolicy.kind) it is paid by."""

    SUBSIDY = "workshop_subsidy", _("吸纳就业补贴")
    AWARD = "workshop_award", _("等次奖补")
    EMERGENCY = "workshop_emergency", _("应急补贴")


@deconstructible
class EvidenceStorage(FileSystemStorage):
    """Evidence files under DATA_DIR/evidence, read again on each use (tests move DATA_DIR), and
    never served directly: the claim's page checks who asks."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(Path(settings.DATA_DIR) / "evidence")

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)


class SubsidyClaim(ConcurrentTransitionMixin, models.Model):
    """A workshop's claim for a subsidy over a period under one rule: the amount is computed from
    the rule and the ledger, never typed in. Draft → submitted → approved → paid, or rejected
    with the reason."""

    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(_("补贴类别"), max_length=24, choices=ClaimKind.choices)
    policy = models.ForeignKey(EmploymentPolicy, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("期间起"))
    period_end = models.DateField(_("期间止"))
    rating = models.CharField(_("考评等次"), max_length=10, choices=Rating.choices, blank=True)
    amount = models.DecimalField(_("核算金额（元）"), max_digits=12, decimal_places=2)
    figures = models.JSONField(_("核算依据"), default=dict)
    evidence = models.FileField(
        _("证明材料"), storage=EvidenceStorage(), upload_to="workshops/%Y/%m/", blank=True, max_length=200
    )
    evidence_text = models.CharField(_("证明材料说明"), max_length=500, blank=True)
    state = FSMField(
        _("状态"), max_length=10, choices=ClaimState.choices, default=ClaimState.DRAFT, protected=True
    )
    rejected_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("发放金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    payment_reference = models.CharField(_("支付凭证号"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("帮扶车间补贴申报")
        verbose_name_plural = _("帮扶车间补贴申报")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="claim_period"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="claim_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(state="paid")
                | (Q(paid_on__isnull=False) & Q(paid_amount__isnull=False) & ~Q(payment_reference="")),
                name="claim_paid_has_payment",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(rejected_reason=""), name="claim_rejected_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["workshop", "kind", "period_start"], name="claim_workshop_period")]

    def __str__(self) -> str:
        period = f"{self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"
        return f"{self.workshop.name} · {self.get_kind_display()} · {period}"

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.workshop.village_id}

    @transition(field=state, source=ClaimState.DRAFT, target=ClaimState.SUBMITTED)
    def submit(self) -> None:
        """提交: the workshop (or the county for it) asks for the money."""

    @transition(field=state, source=ClaimState.SUBMITTED, target=ClaimState.APPROVED)
    def approve(self) -> None:
        """审核通过 (APPROVE_PAYMENTS)."""

    @transition(field=state, source=[ClaimState.DRAFT, ClaimState.SUBMITTED], target=ClaimState.REJECTED)
    def reject(self) -> None:
        """退回, with the reason."""

    @transition(field=state, source=ClaimState.APPROVED, target=ClaimState.PAID)
    def pay(self) -> None:
        """发放: the payment's date, amount and reference are recorded."""


class ClaimLine(models.Model):
    """One worker of a claim: the months claimed (never more than the ledger shows in the period)
    and the amount the rule gives for them."""

    claim = models.ForeignKey(SubsidyClaim, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    months = models.PositiveSmallIntegerField(_("申报月数"))
    months_worked = models.PositiveSmallIntegerField(_("台账在岗月数"))
    poor = models.BooleanField(_("脱贫户或监测户"))
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("补贴申报明细")
        verbose_name_plural = _("补贴申报明细")
        ordering = ["claim", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "person"], name="claim_line_once_per_person"),
            models.CheckConstraint(
                condition=Q(months__lte=F("months_worked")), name="claim_line_months_worked"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="claim_line_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["person", "claim"], name="claim_line_person")]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.months} · {self.amount}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"person": self.person_id, "area": self.claim.workshop.village_id}


class WorkshopEvent(models.Model):
    """The history of a workshop and its claims: who did what, when, from which state to which."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="events")
    claim = models.ForeignKey(
        SubsidyClaim, on_delete=models.CASCADE, related_name="events", null=True, blank=True
    )
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=10, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, blank=True)
    day = models.DateField(_("日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("车间办理记录")
        verbose_name_plural = _("车间办理记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["workshop", "at"], name="workshop_event_at")]

    def __str__(self) -> str:
        return f"{self.workshop_id} · {self.action} · {self.day}"

    @property
    def action_label(self) -> str:
        return str(EVENT_ACTIONS.get(self.action, self.action))

    def _state_label(self, state: str) -> str:
        choices = ClaimState.choices if self.claim_id else WorkshopState.choices
        return str(dict(choices).get(state, state))

    @property
    def from_label(self) -> str:
        return self._state_label(self.from_state)

    @property
    def to_label(self) -> str:
        return self._state_label(self.to_state)


EVENT_ACTIONS = {
    "create": _("登记车间"),
    "update": _("修改车间信息"),
    "import": _("导入"),
    "recognise": _("认定"),
    "flag": _("季度核查不达标"),
    "clear": _("季度核查恢复达标"),
    "close": _("清理"),
    "join": _("工人入职"),
    "leave": _("工人离职"),
    "claim_create": _("新建补贴申报"),
    "claim_submit": _("提交申报"),
    "claim_approve": _("审核通过"),
    "claim_reject": _("退回申报"),
    "claim_pay": _("发放补贴"),
}
