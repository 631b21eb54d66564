from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "lnob.monitoring"
    verbose_name = _("动态监测")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import MonitoringCategory, PolicyVersion

        auditlog.register(PolicyVersion)
        auditlog.register(MonitoringCategory)
