"""Job fairs (招聘会): an event organised by a county or a township, the employers recruiting at it
(参会单位) with their vacancies, the registered people who come to find work (求职登记), and what
came of each application (应聘记录): interview, offer, and a hire that becomes a spell of the
ledger, or a decline or rejection with its reason.

An application (`Application`) is deliberately not tied to fairs only: it is "this person, this
vacancy, and how it went", with a `source`. Job matching (issue 6) refers seekers to vacancies and
records the outcome of each referral as an application with source `referral` (docs/employment-fairs.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from lnob.areas.models import Area
from lnob.employment.models import Employer, Spell, Vacancy
from lnob.registry.models import Person


class FairStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    HELD = "held", _("已举办")
    CLOSED = "closed", _("已结束")


class JobFair(models.Model):
    """A job fair (招聘会) organised by a county or a township, over one or more days."""

    # the county of the organising area: the fair's code is unique in it, and its recruiters are
    # employers of its list
    county = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属县"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("主办区域"))
    code = models.CharField(_("招聘会编号"), max_length=30)
    name = models.CharField(_("名称"), max_length=100)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    venue = models.CharField(_("举办地点"), max_length=200)
    # the village or community (社区) the venue is in: the dashboards count a fair there
    village = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("举办地所在村（社区）")
    )
    status = FSMField(_("状态"), max_length=10, choices=FairStatus.choices, default=FairStatus.PLANNED)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("招聘会")
        verbose_name_plural = _("招聘会")
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="fair_code_once_per_county"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="fair_dates"),
        ]
        indexes = [models.Index(fields=["county", "start"], name="fair_county_start")]

    def __str__(self) -> str:
        return f"{self.name}（{self.start:%Y-%m-%d}）"

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.area_id}

    @transition(field=status, source=FairStatus.PLANNED, target=FairStatus.HELD)
    def hold(self) -> None:
        """The fair took place (on or after its first day)."""

    @transition(field=status, source=FairStatus.HELD, target=FairStatus.CLOSED)
    def close(self) -> None:
        """Follow-up over: nothing new is added; offers made may still be taken up or declined."""

    @property
    def open(self) -> bool:
        return self.status != FairStatus.CLOSED


class Recruiter(models.Model):
    """An employer of the county's list recruiting at a fair (参会单位)."""

    fair = models.ForeignKey(JobFair, on_delete=models.PROTECT, related_name="recruiters")
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="+", verbose_name=_("用工单位")
    )
    booth = models.CharField(_("展位号"), max_length=20, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("参会单位")
        verbose_name_plural = _("参会单位")
        constraints = [models.UniqueConstraint(fields=["fair", "employer"], name="recruiter_once_per_fair")]

    def __str__(self) -> str:
        return str(self.employer)

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.fair.area_id}


class FairVacancy(models.Model):
    """A vacancy of the ledger (employment.Vacancy) offered at a fair by its employer."""

    recruiter = models.ForeignKey(Recruiter, on_delete=models.PROTECT, related_name="links")
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, related_name="+", verbose_name=_("招聘岗位")
    )

    class Meta:
        verbose_name = _("招聘会岗位")
        verbose_name_plural = _("招聘会岗位")
        constraints = [
            models.UniqueConstraint(fields=["recruiter", "vacancy"], name="fair_vacancy_once_per_fair")
        ]

    def __str__(self) -> str:
        return str(self.vacancy)

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.recruiter.fair.area_id}


class Attendee(models.Model):
    """A registered person who comes to a fair to find work (求职登记)."""

    fair = models.ForeignKey(JobFair, on_delete=models.PROTECT, related_name="attendees")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("人员"))
    # the person's village when registered: who may see and act on the attendee
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", db_index=False)
    registered_on = models.DateField(_("登记日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("求职登记")
        verbose_name_plural = _("求职登记")
        constraints = [models.UniqueConstraint(fields=["fair", "person"], name="attendee_once_per_fair")]
        indexes = [models.Index(fields=["village", "fair"], name="attendee_village_fair")]

    def __str__(self) -> str:
        return f"{self.person} · {self.fair.name}"

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id, "area": self.village_id}


class Source(models.TextChoices):
    JOB_FAIR = "job_fair", _("招聘会")
    REFERRAL = "referral", _("岗位推荐")


class State(models.TextChoices):
    APPLIED = "applied", _("待面试")
    INTERVIEWED = "interviewed", _("已面试")
    OFFERED = "offered", _("拟录用")
    HIRED = "hired", _("已上岗")
    DECLINED = "declined", _("本人放弃")
    REJECTED = "rejected", _("未录用")


ENDED = frozenset({State.HIRED, State.DECLINED, State.REJECTED})


class Reason(models.TextChoices):
    """Why an application ended without a hire: the person's reasons, then the employer's."""

    WAGE = "wage", _("工资待遇不满意")
    DISTANCE = "distance", _("工作地点太远")
    FAMILY = "family", _("需照顾家庭")
    HEALTH = "health", _("身体原因")
    OTHER_JOB = "other_job", _("已找到其他工作")
    SKILLS = "skills", _("技能或证书不符合要求")
    AGE = "age", _("年龄不符合要求")
    NO_SHOW = "no_show", _("未到场面试")
    FILLED = "filled", _("岗位已招满")
    OTHER = "other", _("其他")


DECLINE_REASONS = (Reason.WAGE, Reason.DISTANCE, Reason.FAMILY, Reason.HEALTH, Reason.OTHER_JOB, Reason.OTHER)
REJECT_REASONS = (Reason.SKILLS, Reason.AGE, Reason.HEALTH, Reason.NO_SHOW, Reason.FILLED, Reason.OTHER)


class Application(models.Model):
    """A person's application for a vacancy and how it went (应聘记录): applied, interviewed,
    offered, then hired (a spell of the ledger), declined by the person or rejected by the employer,
    with the reason. From a fair (`attendee` set) or, later, from a referral of job matching."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("人员"))
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, related_name="+", verbose_name=_("招聘岗位")
    )
    # the person's village when they applied: who may see and act on the application
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", db_index=False)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.JOB_FAIR)
    attendee = models.ForeignKey(
        Attendee, on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    state = FSMField(_("进展"), max_length=12, choices=State.choices, default=State.APPLIED)
    interviewed_on = models.DateField(_("面试日期"), null=True, blank=True)
    offered_on = models.DateField(_("录用日期"), null=True, blank=True)
    offered_wage = models.DecimalField(
        _("录用月工资（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    offered_start = models.DateField(_("约定到岗日期"), null=True, blank=True)
    # hired: the first day of work (the spell's start); declined or rejected: the day it ended
    decided_on = models.DateField(_("结果日期"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=20, choices=Reason.choices, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    spell = models.OneToOneField(
        Spell, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("就业记录")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("应聘记录")
        verbose_name_plural = _("应聘记录")
        constraints = [
            models.UniqueConstraint(
                fields=["attendee", "vacancy"],
                condition=Q(attendee__isnull=False),
                name="application_once_per_attendee_vacancy",
            ),
            models.CheckConstraint(
                condition=~Q(source="job_fair") | Q(attendee__isnull=False), name="application_fair_attendee"
            ),
            models.CheckConstraint(
                condition=Q(offered_wage__isnull=True) | Q(offered_wage__gte=0),
                name="application_wage_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["offered", "hired"]) | Q(offered_on__isnull=False),
                name="application_offer_dated",
            ),
            models.CheckConstraint(
                condition=~Q(state="hired") | (Q(spell__isnull=False) & Q(decided_on__isnull=False)),
                name="application_hire_has_spell",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["declined", "rejected"]) | ~Q(reason=""),
                name="application_end_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["village", "state"], name="application_village_state"),
            models.Index(fields=["vacancy", "state"], name="application_vacancy_state"),
        ]

    def __str__(self) -> str:
        # the person's name is shown beside it (assistance-plan links, audit), so not repeated here
        return _("{source}应聘：{vacancy}（{state}）").format(
            source=self.get_source_display(), vacancy=self.vacancy, state=self.get_state_display()
        )

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id, "area": self.village_id}

    # -- transitions: called only by lnob.employment.fairs.services, which checks who and what --
    @transition(field=state, source=State.APPLIED, target=State.INTERVIEWED)
    def interview(self) -> None:
        """面试: the employer met the person."""

    @transition(field=state, source=[State.APPLIED, State.INTERVIEWED], target=State.OFFERED)
    def offer(self) -> None:
        """拟录用: the employer offers the place, at a wage (an offer on the spot counts as interviewed)."""

    @transition(field=state, source=State.OFFERED, target=State.HIRED)
    def hire(self) -> None:
        """已上岗: the person started work; the ledger has the spell."""

    @transition(field=state, source=[State.APPLIED, State.INTERVIEWED, State.OFFERED], target=State.DECLINED)
    def decline(self) -> None:
        """本人放弃, with the reason."""

    @transition(field=state, source=[State.APPLIED, State.INTERVIEWED, State.OFFERED], target=State.REJECTED)
    def reject(self) -> None:
        """未录用 by the employer, with the reason."""
