from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "lnob.matching"
    label = "matching"
    verbose_name = _("岗位匹配")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from lnob.measures.providers import register

        from . import models as m
        from . import runs  # noqa: F401  the background task
        from .figures import matching_figures
        from .rules import register_rule

        register_rule()
        auditlog.register(m.SeekerProfile, mask_fields=["min_wage"])
        auditlog.register(m.Referral)
        register("matching", matching_figures)
