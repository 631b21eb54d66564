"""Monitoring policy as versioned data (issue 4, part 1).

The rules differ by province and year (docs/policy and ../shared/domain/policy-reference.md), so
they are rows, not constants: a `PolicyVersion` belongs to a region (0 = the national default,
or a province, prefecture or county code) and takes effect on a date. A field left empty inherits
the value of the broader region, so a county version may change one deadline and keep the
province's threshold. `lnob.monitoring.policy.policy_for(area, day)` resolves the values that
hold for a village on a day, each with the version and the source it comes from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

NATIONAL = 0


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("生效")
        RETIRED = "retired", _("停用")

    # the region as its 12-digit code, 0 for the national default: a code, not a foreign key, so
    # the defaults can be seeded before the area tree is loaded
    area_code = models.BigIntegerField(_("适用地区代码"), default=NATIONAL, help_text=_("0 表示全国"))
    effective_from = models.DateField(_("生效日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    name = models.CharField(_("名称"), max_length=100)

    threshold_yuan = models.DecimalField(
        _("监测范围（元/人/年）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    threshold_source = models.CharField(_("监测范围依据"), max_length=300, blank=True)
    decision_days = models.PositiveSmallIntegerField(_("认定时限（天）"), null=True, blank=True)
    decision_working_days = models.BooleanField(_("按工作日计算"), null=True, blank=True)
    decision_source = models.CharField(_("认定时限依据"), max_length=300, blank=True)
    notice_min_days = models.PositiveSmallIntegerField(_("公示最少天数"), null=True, blank=True)
    notice_source = models.CharField(_("公示依据"), max_length=300, blank=True)
    elimination_stable_months = models.PositiveSmallIntegerField(
        _("风险消除：收入稳定月数"), null=True, blank=True
    )
    elimination_min_measures = models.PositiveSmallIntegerField(
        _("风险消除：至少落实帮扶措施数"), null=True, blank=True
    )
    elimination_source = models.CharField(_("风险消除依据"), max_length=300, blank=True)
    medical_alert_yuan = models.DecimalField(
        _("医保预警：个人自付超过（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    medical_alert_source = models.CharField(_("医保预警依据"), max_length=300, blank=True)
    note = models.TextField(_("说明"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("监测政策版本")
        verbose_name_plural = _("监测政策版本")
        ordering = ["area_code", "-effective_from"]
        constraints = [
            # one active version per region and start date: which one holds is never a guess
            models.UniqueConstraint(
                fields=["area_code", "effective_from"],
                condition=Q(status="active"),
                name="policy_one_active_per_region_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from})"

    def get_additional_data(self) -> dict[str, int]:
        return {"policy": self.pk, "area": self.area_code}


class MonitoringCategory(models.Model):
    """The three kinds of monitored household (监测对象类型), as data with their source."""

    code = models.SlugField(_("代码"), max_length=40, primary_key=True)
    name_zh = models.CharField(_("中文名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80)
    definition = models.TextField(_("定义"))
    source = models.CharField(_("依据"), max_length=300, blank=True)
    sort = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("监测对象类型")
        verbose_name_plural = _("监测对象类型")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name_zh
