"""Rural public-welfare posts (乡村公益性岗位): posts a village offers, the agreements signed with
the people who fill them, and their monthly attendance and pay (docs/employment-posts.md).

A post is places of one kind of work in one village (保洁员, 护林员, 水管员 ...) at a monthly pay
for a number of hours. An agreement (协议) puts one eligible person on a post from `start` to
`end`; signing it writes the person's ledger spell (公益性岗位), ending it closes the spell. Each
month a village cadre records the days and hours worked (考勤), which give the pay due; the
county records what was paid.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lnob.areas.models import Area
from lnob.areas.scoping import ScopedQuerySet
from lnob.employment.models import EmploymentPolicy, Spell
from lnob.registry.models import Person

KIND = "public_welfare_post"  # the EmploymentPolicy kind of the eligibility and pay rule


class PostType(models.TextChoices):
    """Guizhou's three post types (贵州省乡村公益性岗位开发管理办法)."""

    ORDINARY = "ordinary", _("普通岗位")
    TECHNICAL = "technical", _("技术岗位")
    SPECIAL = "special", _("特殊岗位")


class Funding(models.TextChoices):
    """Where the pay comes from (Hunan 2024: linkage funds or employment funds)."""

    LINKAGE = "linkage_funds", _("衔接资金")
    EMPLOYMENT = "employment_funds", _("就业补助资金")
    OTHER = "other", _("其他资金")


class HouseholdTag(models.TextChoices):
    """What a household is on a day, as the eligibility rule names it: the registry's attribute
    (脱贫户, 一般农户) and the monitoring decision (监测对象, or monitored and then risk-eliminated)."""

    OUT_OF_POVERTY = "out_of_poverty", _("脱贫户")
    MONITORED = "monitored", _("监测对象")
    RISK_ELIMINATED = "risk_eliminated", _("已风险消除的监测户")
    ORDINARY = "ordinary", _("一般农户")
    OTHER = "other", _("其他")


class EndReason(models.TextChoices):
    EXPIRED = "expired", _("协议期满")
    RESIGNED = "resigned", _("本人辞岗")
    DISMISSED = "dismissed", _("考核不合格解聘")
    INELIGIBLE = "ineligible", _("不再符合条件")
    OTHER = "other", _("其他")


class PostQuerySet(ScopedQuerySet):
    area_field = "village_id"


class Post(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("在设")
        CLOSED = "closed", _("已撤销")

    code = models.CharField(_("岗位编号"), max_length=32, unique=True)
    village = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("村"), db_index=False
    )
    title = models.CharField(_("岗位名称"), max_length=50)
    post_type = models.CharField(_("岗位类型"), max_length=20, choices=PostType.choices)
    heavy = models.BooleanField(_("重体力岗位"), default=False)
    monthly_pay = models.DecimalField(_("月补贴（元）"), max_digits=10, decimal_places=2)
    hours_per_month = models.PositiveSmallIntegerField(_("每月工时"))
    places = models.PositiveSmallIntegerField(_("岗位数"))
    funding = models.CharField(_("资金来源"), max_length=20, choices=Funding.choices)
    duties = models.CharField(_("工作内容"), max_length=200, blank=True)
    opened_on = models.DateField(_("设岗日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("公益性岗位")
        verbose_name_plural = _("公益性岗位")
        indexes = [models.Index(fields=["village", "status"], name="post_village_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "title", "opened_on"], name="post_once_per_village_day"
            ),
            models.CheckConstraint(condition=Q(places__gt=0), name="post_places_positive"),
            models.CheckConstraint(condition=Q(monthly_pay__gt=0), name="post_pay_positive"),
            models.CheckConstraint(condition=Q(hours_per_month__gt=0), name="post_hours_positive"),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_on__isnull=True))
                | (Q(status="closed") & Q(closed_on__gte=F("opened_on"))),
                name="post_closed_on_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.code}）"

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.village_id}


class AgreementQuerySet(ScopedQuerySet):
    area_field = "post__village_id"


class Agreement(models.Model):
    """One person on one post from `start` to `end` (协议). Running until it is ended (`ended_on`,
    its last day, with the reason), which closes the person's ledger spell."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="welfare_agreements",
        verbose_name=_("人员"),
        db_index=False,
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("岗位")
    )
    start = models.DateField(_("协议开始日期"))
    end = models.DateField(_("协议截止日期"))
    monthly_pay = models.DecimalField(_("月补贴（元）"), max_digits=10, decimal_places=2)
    ended_on = models.DateField(_("实际结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=20, choices=EndReason.choices, blank=True)
    # the ledger spell signing wrote (status and channel 公益性岗位)
    spell = models.ForeignKey(Spell, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # the rule checked at signing, and what each criterion found: the evidence of eligibility
    rule = models.ForeignKey(
        EmploymentPolicy, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checks = models.JSONField(_("资格审核结果"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("公益性岗位协议")
        verbose_name_plural = _("公益性岗位协议")
        indexes = [models.Index(fields=["person", "start"], name="agreement_person_start")]
        constraints = [
            # one running agreement per person: a new one is signed after the last one ended
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="agreement_one_running_per_person"
            ),
            models.UniqueConstraint(fields=["person", "start"], name="agreement_once_per_person_start"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="agreement_dates"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | (Q(ended_on__gte=F("start"), ended_on__lte=F("end")) & ~Q(end_reason="")),
                name="agreement_ended_within_term_with_reason",
            ),
            models.CheckConstraint(condition=Q(monthly_pay__gte=0), name="agreement_pay_not_negative"),
        ]

    def __str__(self) -> str:
        post = self.post
        return f"{self.person.name} · {post.village.name}{post.title} · {self.start} 至 {self.end}"

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id, "area": self.post.village_id}

    @property
    def last_day(self) -> object:
        """The last day of work: the day it ended, or the end of its term."""
        return self.ended_on or self.end


class AttendanceQuerySet(ScopedQuerySet):
    area_field = "agreement__post__village_id"


class Attendance(models.Model):
    """One month of one agreement: days and hours worked, the pay due, and what was paid."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="attendance")
    month = models.DateField(_("月份"))  # the first day of the month
    days_worked = models.PositiveSmallIntegerField(_("出勤天数"))
    hours_worked = models.DecimalField(_("工时"), max_digits=6, decimal_places=1)
    pay_due = models.DecimalField(_("应发补贴（元）"), max_digits=10, decimal_places=2)
    paid_amount = models.DecimalField(
        _("实发金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("公益性岗位考勤与发放")
        verbose_name_plural = _("公益性岗位考勤与发放")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "month"], name="attendance_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="attendance_month_first_day"),
            models.CheckConstraint(condition=Q(hours_worked__gte=0), name="attendance_hours_not_negative"),
            models.CheckConstraint(condition=Q(pay_due__gte=0), name="attendance_pay_due_not_negative"),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True, paid_on__isnull=True)
                | Q(paid_amount__gte=0, paid_amount__lte=F("pay_due"), paid_on__isnull=False),
                name="attendance_paid_within_due_with_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} · {self.month:%Y-%m}"

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.agreement.person_id, "area": self.agreement.post.village_id}

    @property
    def paid(self) -> bool:
        return self.paid_on is not None
