"""The registry over time: households, persons, who belonged where when, and money in and out.

Time conventions (used everywhere, documented in docs/registry.md):
- Validity intervals (versions, memberships) are half-open [valid_from, valid_to): the end date is
  the first day the row no longer holds; an open row has no end.
- Money periods (incomes, expenditures) are closed [period_start, period_end], as written on forms.
Nothing is updated in place: a change closes the current version and opens a new one.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lnob.areas.models import Area
from lnob.areas.scoping import ScopedQuerySet
from lnob.core.auditctx import area_hint

from .choices import (
    AlertKind,
    Department,
    Education,
    Enrolment,
    ExpenditureType,
    Health,
    HouseholdStatus,
    IncomeSource,
    JoinReason,
    LabourCapacity,
    LeaveReason,
    Relation,
    Sex,
    TransferType,
)


class HouseholdQuerySet(ScopedQuerySet):
    area_field = "village_id"


class Household(models.Model):
    """A household (户), the unit of monitoring."""

    number = models.CharField(_("户编号"), max_length=32, unique=True)
    # db_index=False here and below: a composite index starting with the column serves every
    # lookup, and one index less to keep up is time saved on every bulk load (docs/registry.md)
    village = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="households", verbose_name=_("村"), db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        indexes = [models.Index(fields=["village", "number"], name="household_village_number")]

    def __str__(self) -> str:
        return self.number

    def get_additional_data(self) -> dict[str, int]:
        return {"household": self.pk, "area": self.village_id}


class HouseholdVersion(models.Model):
    """The household's changeable attributes over one validity interval."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="versions", db_index=False
    )
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    status = models.CharField(_("农户属性"), max_length=20, choices=HouseholdStatus.choices)
    left_poverty_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    housing_safe = models.BooleanField(_("住房安全有保障"), default=True)
    water_safe = models.BooleanField(_("饮水安全有保障"), default=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("农户信息版本")
        verbose_name_plural = _("农户信息版本")
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(valid_to__isnull=True), name="household_one_open_version"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="household_version_dates",
            ),
            models.CheckConstraint(
                condition=Q(left_poverty_year__isnull=True) | Q(status=HouseholdStatus.OUT_OF_POVERTY),
                name="household_left_year_only_out_of_poverty",
            ),
        ]
        indexes = [models.Index(fields=["household", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.household.number} @ {self.valid_from}"

    def get_additional_data(self) -> dict[str, int]:
        return {"household": self.household_id, "area": self.household.village_id}


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> PersonQuerySet:
        """Persons who belong, or once belonged, to a household the user may see."""
        households = Household.objects.visible_to(user).values("pk")
        return self.filter(pk__in=Membership.objects.filter(household__in=households).values("person_id"))


class Person(models.Model):
    """A resident, identified by the resident ID number (公民身份号码)."""

    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, int | None]:
        from .selectors import person_area

        return {"person": self.pk, "area": person_area(self.pk) or area_hint()}


class PersonVersion(models.Model):
    """The person's changeable attributes over one validity interval."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="versions", db_index=False)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20)
    education = models.CharField(_("文化程度"), max_length=20, choices=Education.choices)
    enrolment = models.CharField(_("在校生状况"), max_length=20, choices=Enrolment.choices)
    health = models.CharField(_("健康状况"), max_length=20, choices=Health.choices)
    disability_grade = models.PositiveSmallIntegerField(
        _("残疾等级"), null=True, blank=True, help_text=_("1-4 级；无残疾留空")
    )
    labour_override = models.CharField(
        _("劳动能力（人工认定）"), max_length=20, choices=LabourCapacity.choices, blank=True
    )
    labour_override_reason = models.CharField(_("人工认定理由"), max_length=200, blank=True)
    skills = models.CharField(_("技能"), max_length=200, blank=True)
    certificates = models.CharField(_("证书"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("人员信息版本")
        verbose_name_plural = _("人员信息版本")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(valid_to__isnull=True), name="person_one_open_version"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="person_version_dates",
            ),
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True)
                | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="person_disability_grade_1_4",
            ),
            models.CheckConstraint(
                condition=Q(labour_override="") | ~Q(labour_override_reason=""),
                name="person_labour_override_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["person", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.valid_from}"

    def get_additional_data(self) -> dict[str, int | None]:
        from .selectors import person_area

        return {"person": self.person_id, "area": person_area(self.person_id) or area_hint()}


class Membership(models.Model):
    """A person's membership of a household over [joined, left)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", db_index=False)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="memberships", db_index=False
    )
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices)
    joined = models.DateField(_("加入日期"))
    join_reason = models.CharField(_("加入原因"), max_length=20, choices=JoinReason.choices)
    left = models.DateField(_("离开日期"), null=True, blank=True)
    leave_reason = models.CharField(_("离开原因"), max_length=20, choices=LeaveReason.choices, blank=True)

    class Meta:
        verbose_name = _("家庭成员关系")
        verbose_name_plural = _("家庭成员关系")
        constraints = [
            # the database keeps the "now" half of both invariants; services check the past
            models.UniqueConstraint(
                fields=["person"], condition=Q(left__isnull=True), name="membership_one_open_per_person"
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(left__isnull=True, relation=Relation.HEAD),
                name="membership_one_open_head",
            ),
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gt=F("joined")), name="membership_dates"
            ),
            models.CheckConstraint(
                condition=Q(left__isnull=True, leave_reason="")
                | (Q(left__isnull=False) & ~Q(leave_reason="")),
                name="membership_leave_reason_iff_left",
            ),
        ]
        indexes = [models.Index(fields=["household", "joined"]), models.Index(fields=["person", "joined"])]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.household.number}"

    def get_additional_data(self) -> dict[str, int]:
        return {"household": self.household_id, "person": self.person_id, "area": self.household.village_id}


class RiskType(models.Model):
    """A risk type (返贫致贫风险类型). Data, not code: counties add local types."""

    code = models.SlugField(_("代码"), max_length=40, primary_key=True)
    name_zh = models.CharField(_("中文名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80)
    source = models.URLField(_("依据"), blank=True)
    sort = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("风险类型")
        verbose_name_plural = _("风险类型")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class _HouseholdFact(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.household.number} · {self._meta.verbose_name}"

    def get_additional_data(self) -> dict[str, int | None]:
        return {"household": self.household_id, "person": self.person_id, "area": self.household.village_id}


class IncomeRecord(_HouseholdFact):
    """Income (or production cost) over a closed period [period_start, period_end]."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="incomes", db_index=False)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    source = models.CharField(_("收入来源"), max_length=20, choices=IncomeSource.choices)
    transfer_type = models.CharField(
        _("转移性收入类别"), max_length=20, choices=TransferType.choices, blank=True
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("收入记录")
        verbose_name_plural = _("收入记录")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="income_amount_not_negative"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="income_period"),
            models.CheckConstraint(
                condition=(Q(source=IncomeSource.TRANSFER) & ~Q(transfer_type=""))
                | (~Q(source=IncomeSource.TRANSFER) & Q(transfer_type="")),
                name="income_transfer_type_iff_transfer",
            ),
        ]
        indexes = [models.Index(fields=["household", "period_end"])]


class Expenditure(_HouseholdFact):
    """Rigid spending over a closed period [period_start, period_end]."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="expenditures", db_index=False
    )
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    type = models.CharField(_("支出类型"), max_length=20, choices=ExpenditureType.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("支出记录")
        verbose_name_plural = _("支出记录")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="expenditure_amount_not_negative"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="expenditure_period"),
        ]
        indexes = [models.Index(fields=["household", "period_end"])]


class Shock(_HouseholdFact):
    """An event that may push a household back: illness, disaster, lost job..."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="shocks", db_index=False)
    date = models.DateField(_("发生日期"))
    risk_type = models.ForeignKey(RiskType, on_delete=models.PROTECT, verbose_name=_("风险类型"))

    class Meta:
        verbose_name = _("风险事件")
        verbose_name_plural = _("风险事件")
        indexes = [models.Index(fields=["household", "date"])]


class Alert(_HouseholdFact):
    """A department's alert about a person (部门预警): a large medical bill, a 低保 change, a
    dropout, a disability registration, a disaster loss, a layoff. Departments know people by their
    resident ID, not by household: the import finds the household the person belonged to on the
    alert's date, and the alert is kept on that household as evidence the rules can read."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="alerts", db_index=False)
    # no index of its own: the unique constraint below starts with the person
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="alerts", db_index=False)
    department = models.CharField(_("报送部门"), max_length=24, choices=Department.choices)
    kind = models.CharField(_("预警类型"), max_length=24, choices=AlertKind.choices)
    date = models.DateField(_("发生日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    grade = models.PositiveSmallIntegerField(_("残疾等级"), null=True, blank=True)
    reference = models.CharField(_("部门业务编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("部门预警")
        verbose_name_plural = _("部门预警")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="alert_amount_not_negative"
            ),
            models.UniqueConstraint(fields=["person", "department", "kind", "date"], name="alert_once"),
        ]
        indexes = [models.Index(fields=["household", "date"])]


# Re-exported so callers need one import for the coded values.
__all__ = [
    "Alert",
    "AlertKind",
    "Department",
    "Education",
    "Enrolment",
    "Expenditure",
    "ExpenditureType",
    "Health",
    "Household",
    "HouseholdStatus",
    "HouseholdVersion",
    "IncomeRecord",
    "IncomeSource",
    "JoinReason",
    "LabourCapacity",
    "LeaveReason",
    "Membership",
    "Person",
    "PersonVersion",
    "Relation",
    "RiskType",
    "Sex",
    "Shock",
    "TransferType",
]
