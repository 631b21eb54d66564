"""Transport subsidies (一次性交通补助) computed from the ledger, and social-insurance evidence
(社保缴费记录) compared with it (docs/employment-subsidies.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lnob.areas.models import Area
from lnob.areas.scoping import ScopedQuerySet
from lnob.employment.models import Employer, EmploymentPolicy
from lnob.registry.models import Household, Person


class Tier(models.TextChoices):
    """Where the work was, in the transport-subsidy rules' tiers (lnob.employment.subsidies.rules)."""

    IN_COUNTY = "in_county", _("县内")
    IN_CITY = "in_city", _("市内县外")
    IN_PROVINCE = "in_province", _("省内县外")
    OUT_OF_PROVINCE = "out_of_province", _("省外")


class ClaimStatus(models.TextChoices):
    COMPUTED = "computed", _("已核算")
    APPROVED = "approved", _("已审核")
    PAID = "paid", _("已发放")
    REJECTED = "rejected", _("不予发放")


# a decision a recomputation keeps: only computed rows are replaced
DECIDED = (ClaimStatus.APPROVED, ClaimStatus.PAID, ClaimStatus.REJECTED)


class VillageScoped(ScopedQuerySet):
    area_field = "village_id"


class TransportSubsidyClaim(models.Model):
    """One person's one-time transport subsidy for one year: computed from the ledger against the
    rule of the person's county, then approved, then paid (or not paid, with the reason)."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="transport_subsidy_claims", db_index=False
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", db_index=False)
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    tier = models.CharField(_("务工地域"), max_length=20, choices=Tier.choices)
    destination = models.CharField(_("务工地点"), max_length=100, blank=True)
    destination_province = models.PositiveSmallIntegerField(_("务工省份代码"), null=True, blank=True)
    months = models.DecimalField(_("务工月数"), max_digits=4, decimal_places=1)
    amount = models.DecimalField(_("核定金额（元）"), max_digits=10, decimal_places=2)
    rule = models.ForeignKey(
        EmploymentPolicy, on_delete=models.PROTECT, related_name="+", verbose_name=_("规则")
    )
    note = models.CharField(_("核算说明"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.COMPUTED
    )
    reason = models.CharField(_("不予发放原因"), max_length=300, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("发放金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    payment_reference = models.CharField(_("发放凭证号"), max_length=64, blank=True)
    computed_at = models.DateTimeField(_("核算时间"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = VillageScoped.as_manager()

    class Meta:
        verbose_name = _("一次性交通补助")
        verbose_name_plural = _("一次性交通补助")
        constraints = [
            # once per person and year: a second claim, and so a second payment, cannot exist
            models.UniqueConstraint(fields=["person", "year"], name="transport_claim_once_a_year"),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(months__gte=0), name="transport_claim_amounts"
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True)
                | (Q(paid_amount__gt=0) & Q(paid_amount__lte=F("amount"))),
                name="transport_claim_paid_within_amount",
            ),
            models.CheckConstraint(
                condition=(Q(status="paid") & Q(paid_on__isnull=False) & Q(paid_amount__isnull=False))
                | (~Q(status="paid") & Q(paid_on__isnull=True) & Q(paid_amount__isnull=True)),
                name="transport_claim_paid_iff_payment",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""), name="transport_claim_rejected_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["village", "year", "status"], name="transport_claim_village")]

    def __str__(self) -> str:
        return f"{self.person} · {self.year} 年一次性交通补助 · {self.get_tier_display()} {self.amount} 元"

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id, "household": self.household_id, "area": self.village_id}


class TransportRun(models.Model):
    """One computation of an area's claims for a year. Villages are written one at a time, each
    in its own transaction, and recorded here as done: a run that stopped half-way is resumed by
    the next start, from the first village not done."""

    class Status(models.TextChoices):
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("区域"))
    year = models.PositiveSmallIntegerField(_("年度"))
    as_of = models.DateField(_("计算截至"))
    rule = models.ForeignKey(EmploymentPolicy, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    villages_done = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("交通补助核算")
        verbose_name_plural = _("交通补助核算")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "year"], condition=Q(status="running"), name="transport_run_one_running"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_id} · {self.year} · {self.get_status_display()}"

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.area_id}


class InsuranceKind(models.TextChoices):
    PENSION = "pension", _("养老保险")
    UNEMPLOYMENT = "unemployment", _("失业保险")
    INJURY = "injury", _("工伤保险")
    MEDICAL = "medical", _("职工医疗保险")
    MATERNITY = "maternity", _("生育保险")


class SocialInsuranceRecord(models.Model):
    """A quarter of contributions paid for a person by an employer (社保缴费记录), as the
    social-insurance agency reports it: evidence of work, compared with the ledger each quarter."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="insurance_records", db_index=False
    )
    quarter = models.DateField(_("季度"))  # its first day
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    employer_name = models.CharField(_("缴费单位"), max_length=200, blank=True)
    # the employer on the list of the person's county with that code, when there is one
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("险种"), max_length=20, choices=InsuranceKind.choices)
    months = models.PositiveSmallIntegerField(_("缴费月数"))
    # the months of the quarter paid for ("4,5,6"), when the agency says which
    month_list = models.CharField(_("缴费月份"), max_length=20, blank=True)
    base = models.DecimalField(_("缴费基数（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    region = models.BigIntegerField(_("参保地区划代码"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("社保缴费记录")
        verbose_name_plural = _("社保缴费记录")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "credit_code", "quarter", "kind"], name="insurance_once_per_quarter"
            ),
            models.CheckConstraint(condition=Q(months__gte=1, months__lte=3), name="insurance_months_1_3"),
            models.CheckConstraint(condition=Q(base__isnull=True) | Q(base__gte=0), name="insurance_base"),
        ]
        indexes = [models.Index(fields=["quarter", "person"], name="insurance_quarter_person")]

    def __str__(self) -> str:
        return f"{self.person} · {self.quarter_label} · {self.employer_name or self.credit_code}"

    @property
    def quarter_label(self) -> str:
        return f"{self.quarter.year}Q{(self.quarter.month - 1) // 3 + 1}"

    def get_additional_data(self) -> dict[str, int | None]:
        from lnob.registry.selectors import person_area

        return {"person": self.person_id, "area": person_area(self.person_id)}
