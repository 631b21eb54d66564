"""Pre-aggregated figures (docs/measures.md): one row per area, month and metric, so a dashboard
reads a handful of rows instead of the registry.

Only additive figures are stored (counts and sums): a township's row is the sum of its villages',
a county's the sum of its townships'. Ratios and averages are computed when shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AreaFigure(models.Model):
    """One additive figure of one area for one month (as of the month's last day, or of the day
    of the refresh while the month lasts)."""

    # codes, not foreign keys: the rows are replaced in bulk and read by code ranges
    area_code = models.BigIntegerField(_("区划代码"))
    parent_code = models.BigIntegerField(_("上级区划代码"))  # 0 above a province
    level = models.PositiveSmallIntegerField(_("级别"))
    month = models.DateField(_("月份"))  # the month's first day
    metric = models.CharField(_("指标"), max_length=80)
    value = models.FloatField(_("数值"))

    class Meta:
        verbose_name = _("地区指标")
        verbose_name_plural = _("地区指标")
        constraints = [
            models.UniqueConstraint(fields=["area_code", "month", "metric"], name="area_figure_once"),
        ]
        # the dashboard's two reads: an area's own months (the unique index), its children's month
        indexes = [models.Index(fields=["parent_code", "month"], name="area_figure_children")]

    def __str__(self) -> str:
        return f"{self.area_code} {self.month:%Y-%m} {self.metric}={self.value}"


class FigureRun(models.Model):
    """One refresh of one county's figures for one month: when, by whom, how long, how many rows."""

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    class Trigger(models.TextChoices):
        COMMAND = "command", _("命令行")
        SCREEN = "screen", _("页面")
        DEMO = "demo", _("演示数据")
        SCHEDULE = "schedule", _("定时")

    county_code = models.BigIntegerField(_("县区划代码"))
    month = models.DateField(_("月份"))
    as_of = models.DateField(_("统计日"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(_("触发方式"), max_length=10, choices=Trigger.choices, default=Trigger.COMMAND)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    seconds = models.FloatField(_("用时（秒）"), default=0)
    timings = models.JSONField(_("各阶段用时"), default=dict, blank=True)
    counts = models.JSONField(_("计数"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("指标计算")
        verbose_name_plural = _("指标计算")
        indexes = [models.Index(fields=["county_code", "month", "status"], name="figure_run_county_month")]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="figure_run_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.county_code} {self.month:%Y-%m} {self.status}"

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.county_code}
