"""Job matching (docs/matching.md): seekers' own constraints, runs, their proposals and reasons,
and the referrals that carry a proposal to a hire.

- `SeekerProfile`: what a seeker told the cadre (willing to work, how far they can go, the
  heaviest work they can do, the lowest wage they would take, the sectors they prefer). A person
  with no profile is matched on what the registry and the ledger say.
- `MatchRun`: one run over an area on a date, a background task; its figures (seekers, pairs,
  households covered by the optimum and by the greedy baseline, timings), its fairness table and
  the problems it reported are kept with it.
- `MatchLine`: one per seeker of a run: the proposed slot (a vacancy, or a public-welfare post)
  with the parts of its score, or the reason nobody was proposed.
- `Referral`: a cadre sends a proposal on, to the employer, the job fair or the workstation. The
  application it opens (fairs.Application with source "referral") carries the interview, the
  hire (a ledger spell) or the rejection with its reason; a public-welfare post is taken up by an
  agreement (posts.Agreement), which writes the spell.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lnob.areas.models import Area
from lnob.areas.scoping import ScopedQuerySet
from lnob.employment.models import EmploymentPolicy, Physical, Vacancy
from lnob.registry.models import Household, Person


class Reach(models.TextChoices):
    """How far a seeker can go to work: the tiers of lnob.engine.match.instance."""

    HOME = "home", _("仅限居家")
    COUNTY = "county", _("县内")
    PROVINCE = "province", _("省内")
    ANYWHERE = "anywhere", _("可赴省外")


class SeekerProfile(models.Model):
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="seeker_profile")
    willing = models.BooleanField(_("有就业意愿"), default=True)
    reach = models.CharField(_("可就业范围"), max_length=10, choices=Reach.choices, blank=True)
    physical_limit = models.CharField(
        _("可承受的体力强度"), max_length=10, choices=Physical.choices, blank=True
    )
    min_wage = models.DecimalField(
        _("期望最低月工资（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    sectors = models.CharField(_("意向行业"), max_length=200, blank=True, help_text=_("用顿号分隔"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("求职意愿")
        verbose_name_plural = _("求职意愿")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_wage__isnull=True) | Q(min_wage__gte=0), name="seeker_min_wage_not_negative"
            )
        ]

    def __str__(self) -> str:
        return str(_("求职意愿"))

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id}


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class MatchRunQuerySet(ScopedQuerySet):
    area_field = "area_id"


class MatchRun(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("范围"))
    as_of = models.DateField(_("基准日期"))
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    task = models.ForeignKey("core.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    rule = models.ForeignKey(
        EmploymentPolicy, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    figures = models.JSONField(_("结果数据"), default=dict, blank=True)
    fairness = models.JSONField(_("公平性"), default=dict, blank=True)
    problems = models.JSONField(_("问题"), default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # none: started from the command line by the operator (as a monitoring sweep may be)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = MatchRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位匹配")
        verbose_name_plural = _("岗位匹配")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("{area} {day} 岗位匹配").format(area=self.area.name, day=self.as_of)

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.area_id}


class LineState(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    REFERRED = "referred", _("已推荐")
    DISMISSED = "dismissed", _("不推荐")


class MatchLineQuerySet(ScopedQuerySet):
    area_field = "village_id"


class MatchLine(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", db_index=False)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", db_index=False)
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    post = models.ForeignKey(
        "posts.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    priority = models.PositiveSmallIntegerField(_("家庭优先级"))
    score = models.PositiveSmallIntegerField(_("匹配得分"), null=True, blank=True)
    wage_part = models.PositiveSmallIntegerField(null=True, blank=True)
    distance_part = models.PositiveSmallIntegerField(null=True, blank=True)
    skill_part = models.PositiveSmallIntegerField(null=True, blank=True)
    preference_part = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(_("结果说明"), max_length=24)
    state = models.CharField(_("审核"), max_length=10, choices=LineState.choices, blank=True)
    # how many jobs the seeker was a candidate for, and for a seeker left without one the best of
    # them, whose places went to others (lnob.engine.match.reasons.options)
    options = models.PositiveIntegerField(_("候选岗位数"), default=0)
    best_vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    best_post = models.ForeignKey(
        "posts.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    objects = MatchLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("匹配结果")
        verbose_name_plural = _("匹配结果")
        indexes = [
            models.Index(fields=["run", "village", "reason"], name="matchline_run_village"),
            models.Index(fields=["run", "reason"], name="matchline_run_reason"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="matchline_once_per_run"),
            models.CheckConstraint(
                condition=~(Q(vacancy__isnull=False) & Q(post__isnull=False)), name="matchline_one_slot"
            ),
            models.CheckConstraint(
                condition=Q(
                    reason="matched", score__isnull=False, state__in=["proposed", "referred", "dismissed"]
                )
                | (~Q(reason="matched") & Q(vacancy__isnull=True, post__isnull=True, state="")),
                name="matchline_proposal_consistent",
            ),
        ]

    def __str__(self) -> str:
        return str(_("匹配结果"))

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id, "area": self.village_id}


class Via(models.TextChoices):
    EMPLOYER = "employer", _("直接推荐给用工单位")
    JOB_FAIR = "job_fair", _("通过招聘会")
    WORKSTATION = "workstation", _("通过劳务工作站")
    POST = "post", _("公益性岗位安置")


class ReferralQuerySet(ScopedQuerySet):
    area_field = "village_id"


class Referral(models.Model):
    line = models.OneToOneField(MatchLine, on_delete=models.PROTECT, related_name="referral")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", db_index=False)
    via = models.CharField(_("推荐渠道"), max_length=12, choices=Via.choices)
    fair = models.ForeignKey(
        "fairs.JobFair",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("招聘会"),
    )
    station = models.ForeignKey(
        "workstations.Workstation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("劳务工作站"),
    )
    application = models.OneToOneField(
        "fairs.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )
    agreement = models.OneToOneField(
        "posts.Agreement", on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )
    # a public-welfare post the person did not take up (a vacancy's outcome is its application's)
    declined_on = models.DateField(_("放弃日期"), null=True, blank=True)
    declined_reason = models.CharField(_("放弃原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位推荐")
        verbose_name_plural = _("岗位推荐")
        indexes = [models.Index(fields=["village", "created_at"], name="referral_village_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(via="post", application__isnull=True)
                | (~Q(via="post") & Q(application__isnull=False, agreement__isnull=True)),
                name="referral_outcome_record",
            ),
            models.CheckConstraint(
                condition=~Q(via="job_fair") | Q(fair__isnull=False), name="referral_fair_named"
            ),
            models.CheckConstraint(
                condition=~Q(via="workstation") | Q(station__isnull=False), name="referral_station_named"
            ),
            models.CheckConstraint(
                condition=Q(declined_on__isnull=True) | ~Q(declined_reason=""), name="referral_decline_reason"
            ),
        ]

    def __str__(self) -> str:
        return _("岗位推荐（{via}）").format(via=self.get_via_display())

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id, "area": self.village_id}
