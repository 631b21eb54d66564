"""Entrepreneurship and loans (创业与信贷): returning entrepreneurs, their businesses and the jobs
those create, and the two kinds of loan that finance them: the start-up guarantee loan
(创业担保贷款) and out-of-poverty micro-credit (脱贫人口小额信贷), with their repayments and the
interest subsidy (贴息) the county pays.

Records are scoped by village: an entrepreneur and a loan by the person's village when they were
recorded, a business by the village it is in (docs/employment-loans.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from lnob.areas.models import Area
from lnob.areas.scoping import ScopedQuerySet
from lnob.employment.models import Employer, EmploymentPolicy, Spell
from lnob.registry.models import Person


class VillageScoped(ScopedQuerySet):
    area_field = "village_id"


class Entrepreneur(models.Model):
    """A registered person who runs, or is starting, a business: a returnee (返乡入乡创业) who
    came back from work elsewhere, or a local."""

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="entrepreneur", verbose_name=_("创业者")
    )
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    returning = models.BooleanField(_("返乡创业"), default=True)
    returned_from = models.CharField(_("返乡前务工地"), max_length=100, blank=True)
    returned_on = models.DateField(_("返乡日期"), null=True, blank=True)
    previous_work = models.CharField(_("外出期间从事的工作"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = VillageScoped.as_manager()

    class Meta:
        verbose_name = _("创业者")
        verbose_name_plural = _("创业者")
        constraints = [
            models.CheckConstraint(
                condition=Q(returning=True) | (Q(returned_from="") & Q(returned_on__isnull=True)),
                name="entrepreneur_local_has_no_return",
            )
        ]

    def __str__(self) -> str:
        kind = _("返乡创业") if self.returning else _("本地创业")
        return f"{self.person.name}（{kind}）"

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id, "area": self.village_id}


class BusinessStatus(models.TextChoices):
    OPERATING = "operating", _("经营中")
    SUSPENDED = "suspended", _("停业")
    CLOSED = "closed", _("已关闭")


class Business(models.Model):
    """A business an entrepreneur runs (创业实体). With a credit code it is also on the county's
    employer list, so the people it hires are in the ledger with it as their employer."""

    entrepreneur = models.ForeignKey(
        Entrepreneur, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("创业者")
    )
    name = models.CharField(_("名称"), max_length=200)
    sector = models.CharField(_("行业"), max_length=100, blank=True)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在村"))
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("用工单位"),
    )
    started = models.DateField(_("开业日期"))
    status = models.CharField(
        _("经营状态"), max_length=10, choices=BusinessStatus.choices, default=BusinessStatus.OPERATING
    )
    closed_on = models.DateField(_("关闭日期"), null=True, blank=True)
    # people it employs who are not in this county's registry (the ledger counts the others)
    other_jobs = models.PositiveIntegerField(_("其他用工人数（未在本县台账）"), default=0)
    owner_spell = models.ForeignKey(
        Spell,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创业者就业记录"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = VillageScoped.as_manager()

    class Meta:
        verbose_name = _("创业实体")
        verbose_name_plural = _("创业实体")
        constraints = [
            models.UniqueConstraint(fields=["entrepreneur", "name"], name="business_name_once_per_owner"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("started")), name="business_dates"
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="business_closed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["village", "status"], name="business_village_status")]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.village_id}


class LoanType(models.TextChoices):
    STARTUP_GUARANTEE = "startup_guarantee", _("创业担保贷款")
    MICRO_CREDIT = "micro_credit", _("脱贫人口小额信贷")


class LoanStatus(models.TextChoices):
    CURRENT = "current", _("正常")
    OVERDUE = "overdue", _("逾期")
    REPAID = "repaid", _("已结清")
    WRITTEN_OFF = "written_off", _("已核销")


OPEN_STATUSES = (LoanStatus.CURRENT, LoanStatus.OVERDUE)


def policy_kind(loan_type: str) -> str:
    """The EmploymentPolicy kind that holds a loan type's limits."""
    return f"loan_{loan_type}"


class Loan(models.Model):
    """A loan to a registered person, checked when issued against the rule in force for its type
    in the borrower's area (the rule is kept with the loan). Its state moves only through the
    transitions below, called by the services."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="loans", verbose_name=_("借款人")
    )
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    business = models.ForeignKey(
        Business,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
        verbose_name=_("创业实体"),
    )
    type = models.CharField(_("贷款类型"), max_length=20, choices=LoanType.choices)
    reference = models.CharField(_("借款合同号"), max_length=50, unique=True)
    lender = models.CharField(_("贷款银行"), max_length=100)
    amount = models.DecimalField(_("贷款金额（元）"), max_digits=12, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    interest_rate = models.DecimalField(_("年利率（%）"), max_digits=5, decimal_places=2)
    subsidy_rate = models.DecimalField(_("贴息年利率（%）"), max_digits=5, decimal_places=2, default=0)
    issued = models.DateField(_("放款日期"))
    maturity = models.DateField(_("到期日期"))
    purpose = models.CharField(_("贷款用途"), max_length=200)
    # a larger need the rule allows above the usual limit (micro-credit up to 100,000 yuan)
    raised_limit = models.BooleanField(_("较大资金需求，提高额度"), default=False)
    subsidised_amount = models.DecimalField(_("享受贴息的本金（元）"), max_digits=12, decimal_places=2)
    rule = models.ForeignKey(
        EmploymentPolicy, on_delete=models.PROTECT, related_name="+", verbose_name=_("适用规则")
    )
    status = FSMField(_("还款状态"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.CURRENT)
    overdue_since = models.DateField(_("逾期日期"), null=True, blank=True)
    closed_on = models.DateField(_("结清或核销日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = VillageScoped.as_manager()

    class Meta:
        verbose_name = _("创业与信贷贷款")
        verbose_name_plural = _("创业与信贷贷款")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_positive"),
            models.CheckConstraint(condition=Q(term_months__gt=0), name="loan_term_positive"),
            models.CheckConstraint(condition=Q(maturity__gt=F("issued")), name="loan_dates"),
            models.CheckConstraint(
                condition=Q(interest_rate__gte=0)
                & Q(subsidy_rate__gte=0)
                & Q(subsidy_rate__lte=F("interest_rate")),
                name="loan_rates",
            ),
            models.CheckConstraint(
                condition=Q(subsidised_amount__gte=0) & Q(subsidised_amount__lte=F("amount")),
                name="loan_subsidised_part",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["current", "overdue"], closed_on__isnull=True)
                | Q(status__in=["repaid", "written_off"], closed_on__isnull=False),
                name="loan_closed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["village", "status"], name="loan_village_status"),
            models.Index(fields=["person", "issued"], name="loan_person_issued"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_type_display()} {self.amount:,.0f} 元 · {self.issued}"

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id, "area": self.village_id}

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    # -- transitions: called only by lnob.employment.loans.services, which checks role and data --
    @transition(field=status, source=LoanStatus.CURRENT, target=LoanStatus.OVERDUE)
    def fall_overdue(self) -> None:
        """逾期: the bank reports a missed payment, or the loan is past maturity unpaid."""

    @transition(field=status, source=LoanStatus.OVERDUE, target=LoanStatus.CURRENT)
    def cure(self) -> None:
        """The arrears were paid: back to normal."""

    @transition(field=status, source=[LoanStatus.CURRENT, LoanStatus.OVERDUE], target=LoanStatus.REPAID)
    def settle(self) -> None:
        """结清: the principal is repaid in full."""

    @transition(field=status, source=[LoanStatus.CURRENT, LoanStatus.OVERDUE], target=LoanStatus.WRITTEN_OFF)
    def write_off(self) -> None:
        """核销: the bank wrote the loan off."""


class Repayment(models.Model):
    """A repayment the bank reports (还款记录): principal and interest paid on a day."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    date = models.DateField(_("还款日期"))
    principal = models.DecimalField(_("归还本金（元）"), max_digits=12, decimal_places=2, default=0)
    interest = models.DecimalField(_("支付利息（元）"), max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("还款记录")
        verbose_name_plural = _("还款记录")
        constraints = [
            models.UniqueConstraint(fields=["loan", "date"], name="repayment_once_a_day"),
            models.CheckConstraint(
                condition=Q(principal__gte=0) & Q(interest__gte=0) & (Q(principal__gt=0) | Q(interest__gt=0)),
                name="repayment_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan.reference} · {self.date}"

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.loan.person_id, "area": self.loan.village_id}


class SubsidyPayment(models.Model):
    """Interest subsidy (贴息) paid for a period of a loan, approved by the county."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="subsidies")
    period_start = models.DateField(_("贴息起始日期"))
    period_end = models.DateField(_("贴息截止日期"))
    amount = models.DecimalField(_("贴息金额（元）"), max_digits=12, decimal_places=2)
    due = models.DecimalField(_("按规则应贴息（元）"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("拨付日期"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("贴息拨付")
        verbose_name_plural = _("贴息拨付")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="subsidy_period"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=F("due")), name="subsidy_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan.reference} · {self.period_start}–{self.period_end}"

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.loan.person_id, "area": self.loan.village_id}
