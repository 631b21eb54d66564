from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "lnob.monitoring"
    verbose_name = _("动态监测")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import sweeps  # noqa: F401  registers the sweep task and the monthly schedule
        from .models import Case, Lead, Measure, MonitoringCategory, PolicyVersion, Rule, Sweep

        auditlog.register(PolicyVersion)
        auditlog.register(MonitoringCategory)
        auditlog.register(Rule)
        auditlog.register(Sweep, include_fields=["county", "as_of", "kind", "draft", "trigger", "status"])
        auditlog.register(Lead)
        auditlog.register(Case)
        auditlog.register(Measure)
