from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet

from .codes import Level, format_code, subtree_range
from .roles import Role
from .scoping import ScopedQuerySet


class AreaQuerySet(TreeQuerySet, ScopedQuerySet):
    area_field = "code"


class Area(TreeNode):
    """An administrative area (行政区划). Its 12-digit code is its primary key."""

    code = models.BigIntegerField(_("区划代码"), primary_key=True)  # type: ignore[var-annotated]
    name = models.CharField(_("名称"), max_length=100)  # type: ignore[var-annotated]
    level = models.PositiveSmallIntegerField(  # type: ignore[var-annotated]
        _("级别"),
        choices=[
            (Level.PROVINCE, _("省")),
            (Level.PREFECTURE, _("地市")),
            (Level.COUNTY, _("县")),
            (Level.TOWNSHIP, _("乡镇")),
            (Level.VILLAGE, _("村")),
        ],
    )

    objects = AreaQuerySet.as_manager(with_tree_fields=False)  # type: ignore[call-arg]

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__gte=10**11, code__lt=10**12), name="area_code_12_digits"
            ),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="area_level_1_5"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.code}

    @property
    def code_text(self) -> str:
        return format_code(self.code)

    @property
    def subtree(self) -> tuple[int, int]:
        return subtree_range(self.code, Level(self.level))


class RoleAssignment(models.Model):
    """A user holds a role in an area, and so in every area below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("用户")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("区域")
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [models.UniqueConstraint(fields=["user", "area", "role"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area}"

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.area_id}
