"""The employment ledger (务工就业台账): spells of work per person, and the employers they work for.

A spell is one stretch of one status: in work (employed, self-employed, on a public-welfare post),
not in work, or unable to work, from `start` to `end` (open while it lasts). The county keeps one
ledger row per working-age person this way; the monthly round, the workshops, job fairs and
workstations all write spells (docs/employment.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lnob.areas.models import Area
from lnob.registry.choices import Sex
from lnob.registry.models import Person


class SpellStatus(models.TextChoices):
    EMPLOYED = "employed", _("务工就业")
    SELF_EMPLOYED = "self_employed", _("自主创业或自营")
    PUBLIC_WELFARE = "public_welfare", _("公益性岗位")
    NOT_EMPLOYED = "not_employed", _("未就业")
    UNABLE = "unable", _("无法就业")


IN_WORK = frozenset({SpellStatus.EMPLOYED, SpellStatus.SELF_EMPLOYED, SpellStatus.PUBLIC_WELFARE})


class Channel(models.TextChoices):
    ORGANISED_EXPORT = "organised_export", _("有组织劳务输出")
    WORKSHOP = "workshop", _("就业帮扶车间")
    JOB_FAIR = "job_fair", _("招聘会")
    SELF_FOUND = "self_found", _("自主务工")
    PUBLIC_WELFARE = "public_welfare", _("公益性岗位")
    WORK_RELIEF = "work_relief", _("以工代赈")


class Location(models.TextChoices):
    """Where the work is, in the tiers the transport-subsidy rules use."""

    IN_COUNTY = "in_county", _("县内")
    IN_PROVINCE = "in_province", _("省内县外")
    OUT_OF_PROVINCE = "out_of_province", _("省外")


class Employer(models.Model):
    """An employer, identified by its unified social credit code (统一社会信用代码). Each county
    keeps its own list: a Dongguan factory that takes workers from two counties is on both."""

    county = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记县"))
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("名称"), max_length=200)
    sector = models.CharField(_("行业"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("用工单位")
        verbose_name_plural = _("用工单位")
        constraints = [
            models.UniqueConstraint(fields=["county", "credit_code"], name="employer_once_per_county")
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.county_id}


class Spell(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="spells", db_index=False)
    status = models.CharField(_("就业状态"), max_length=20, choices=SpellStatus.choices)
    channel = models.CharField(_("就业渠道"), max_length=20, choices=Channel.choices, blank=True)
    location = models.CharField(_("就业地域"), max_length=20, choices=Location.choices, blank=True)
    destination = models.CharField(_("务工地点"), max_length=100, blank=True)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spells",
        verbose_name=_("用工单位"),
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    monthly_wage = models.DecimalField(
        _("月工资（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # a part-time spell may run beside another; two full-time ones may not
    full_time = models.BooleanField(_("全职"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("就业记录")
        verbose_name_plural = _("就业记录")
        indexes = [models.Index(fields=["person", "start"], name="spell_person_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="spell_dates"
            ),
            models.CheckConstraint(
                condition=Q(monthly_wage__isnull=True) | Q(monthly_wage__gte=0),
                name="spell_wage_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_status_display()} · {self.start}"

    @property
    def in_work(self) -> bool:
        return self.status in IN_WORK

    def get_additional_data(self) -> dict[str, int | None]:
        from lnob.registry.selectors import person_area

        return {"person": self.person_id, "area": person_area(self.person_id)}


class RoundCheck(models.Model):
    """A village cadre's monthly check of one person (月度动态更新): the status the ledger shows was
    confirmed unchanged for the month. A change is recorded as a spell instead."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    month = models.DateField(_("月份"))  # the first day of the month
    status = models.CharField(_("确认的就业状态"), max_length=20, choices=SpellStatus.choices)
    spell = models.ForeignKey(Spell, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("月度核实")
        verbose_name_plural = _("月度核实")
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="round_check_once_a_month")]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.month:%Y-%m} · {self.status}"

    def get_additional_data(self) -> dict[str, int | None]:
        from lnob.registry.selectors import person_area

        return {"person": self.person_id, "area": person_area(self.person_id)}


class Physical(models.TextChoices):
    LIGHT = "light", _("轻体力")
    MEDIUM = "medium", _("中等体力")
    HEAVY = "heavy", _("重体力")


class Vacancy(models.Model):
    """Places an employer offers: how many, where, for what pay, and for whom."""

    class Status(models.TextChoices):
        OPEN = "open", _("招聘中")
        CLOSED = "closed", _("已结束")

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("用工单位")
    )
    title = models.CharField(_("岗位名称"), max_length=100)
    headcount = models.PositiveIntegerField(_("招聘人数"))
    location = models.CharField(_("就业地域"), max_length=20, choices=Location.choices)
    destination = models.CharField(_("工作地点"), max_length=100, blank=True)
    wage_min = models.DecimalField(_("月工资下限（元）"), max_digits=10, decimal_places=2)
    wage_max = models.DecimalField(_("月工资上限（元）"), max_digits=10, decimal_places=2)
    age_min = models.PositiveSmallIntegerField(_("最低年龄"), default=16)
    age_max = models.PositiveSmallIntegerField(_("最高年龄"), default=60)
    skills = models.CharField(_("技能要求"), max_length=200, blank=True)
    certificates = models.CharField(_("证书要求"), max_length=200, blank=True)
    physical = models.CharField(
        _("体力要求"), max_length=10, choices=Physical.choices, default=Physical.MEDIUM
    )
    home_based = models.BooleanField(_("可居家就业"), default=False)
    housing = models.BooleanField(_("提供住宿"), default=False)
    # a lawful requirement of sex (work the law keeps from women, say: 女职工劳动保护特别规定),
    # recorded with its legal basis. Job matching reads no other protected attribute of a seeker,
    # and this one only where a vacancy records it (docs/matching.md, "Fairness").
    sex_required = models.CharField(_("性别要求"), max_length=1, choices=Sex.choices, blank=True)
    requirement_reason = models.CharField(_("性别要求的法律依据"), max_length=200, blank=True)
    start = models.DateField(_("到岗日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")
        constraints = [
            models.CheckConstraint(condition=Q(headcount__gt=0), name="vacancy_headcount_positive"),
            models.CheckConstraint(
                condition=Q(wage_min__gte=0) & Q(wage_max__gte=F("wage_min")), name="vacancy_wages"
            ),
            models.CheckConstraint(condition=Q(age_max__gte=F("age_min")), name="vacancy_ages"),
            models.CheckConstraint(
                condition=Q(sex_required="") | ~Q(requirement_reason=""),
                name="vacancy_sex_requirement_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} · {self.title}"

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.employer.county_id}


class EmploymentPolicy(models.Model):
    """One version of one employment rule for a region (lnob.employment.policy)."""

    kind = models.CharField(_("规则类别"), max_length=40)
    # the region as its 12-digit code, 0 for national (a code, not a foreign key, so defaults can
    # be seeded before the area tree is loaded)
    area_code = models.BigIntegerField(_("适用地区代码"), default=0, help_text=_("0 表示全国"))
    effective_from = models.DateField(_("生效日期"))
    name = models.CharField(_("名称"), max_length=100)
    params = models.JSONField(_("参数"), default=dict)
    source = models.CharField(_("依据"), max_length=500, blank=True)
    active = models.BooleanField(_("生效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("就业帮扶规则")
        verbose_name_plural = _("就业帮扶规则")
        ordering = ["kind", "area_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "area_code", "effective_from"], name="employment_policy_once_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError as DjangoValidationError

        from lnob.core.errors import DomainError

        from .policy import parse_params

        try:
            parse_params(self.kind, self.params)
        except DomainError as e:
            raise DjangoValidationError({"params": f"{e.field}: {e.message} ({e.value!r})"}) from e
