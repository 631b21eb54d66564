from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostsConfig(AppConfig):
    name = "lnob.employment.posts"
    label = "posts"
    verbose_name = _("公益性岗位")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from lnob.measures.providers import register

        from . import models as m
        from .figures import post_figures
        from .rules import register_rule

        register_rule()
        auditlog.register(m.Post, mask_fields=["monthly_pay"])
        auditlog.register(m.Agreement, mask_fields=["monthly_pay"])
        auditlog.register(m.Attendance, mask_fields=["pay_due", "paid_amount"])
        register("posts", post_figures)

        from . import register_tables  # noqa: F401  the posts' registers
