"""An import batch: the files a user uploaded, staged, validated and (perhaps) committed.

The rows themselves are not copied into database tables: a batch's typed rows, the problems found
in them and the differences with the registry are staged as Parquet files in the batch's folder
(`LNOB_DATA_DIR/imports/<id>/`), which holds a million rows in a few megabytes and is read back
column by column. The batch row keeps the summary, the state and who did what.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lnob.areas.models import Area
from lnob.areas.scoping import ScopedQuerySet
from lnob.core.models import Task


class ImportBatchQuerySet(ScopedQuerySet):
    area_field = "area_id"


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        VALIDATED = "validated", _("已校验，待提交")
        REFUSED = "refused", _("文件无法读取")
        COMMITTING = "committing", _("提交中")
        COMMITTED = "committed", _("已提交")
        DISCARDED = "discarded", _("已放弃")

    class Mode(models.TextChoices):
        ALL = "all", _("全部提交（有错误则不提交）")
        VALID_ONLY = "valid_only", _("只提交无误的行")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # the narrowest area covering the uploader's editing scope; the batch is visible in it
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("地区"))
    as_of = models.DateField(_("生效日期"), help_text=_("变更自这一天起生效；文件中另有日期的以文件为准"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    files = models.JSONField(_("文件"), default=list)  # [{"name", "stored", "size", "sha256"}]
    summary = models.JSONField(_("概要"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    committed_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    mode = models.CharField(_("提交方式"), max_length=12, choices=Mode.choices, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} · {', '.join(f['name'] for f in self.files)}"

    @property
    def folder(self) -> Path:
        return Path(settings.DATA_DIR) / "imports" / str(self.pk)

    def progress(self) -> dict[str, Any]:
        """What the running step last wrote (stage, done, total, rows per second), or {}."""
        try:
            return dict(json.loads((self.folder / "progress.json").read_text()))
        except (OSError, ValueError):
            return {}

    @property
    def stuck(self) -> bool:
        """Committing, but its task is over without committing (its worker died twice, or it
        failed): the registry is as before; the commit may be started again or the batch dropped."""
        return (
            self.status == self.Status.COMMITTING
            and self.task is not None
            and self.task.status in {Task.Status.FAILED, Task.Status.DONE}
        )

    @property
    def running(self) -> bool:
        active = {self.Status.QUEUED, self.Status.VALIDATING, self.Status.COMMITTING}
        return self.status in active and not self.stuck

    @property
    def counts(self) -> dict[str, int]:
        """Rows by outcome over all tables: new, changed, unchanged, invalid, review."""
        total: dict[str, int] = {"rows": 0, "new": 0, "changed": 0, "unchanged": 0, "invalid": 0, "review": 0}
        for table in self.summary.get("tables", {}).values():
            for key in total:
                total[key] += int(table.get(key, 0))
        return total

    def get_additional_data(self) -> dict[str, int]:
        return {"import_batch": self.pk, "area": self.area_id}
