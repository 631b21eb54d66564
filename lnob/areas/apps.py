from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "lnob.areas"
    verbose_name = _("行政区划与权限")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Area, RoleAssignment

        auditlog.register(Area)
        auditlog.register(RoleAssignment)
