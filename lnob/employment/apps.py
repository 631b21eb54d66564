from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "lnob.employment"
    label = "employment"
    verbose_name = _("就业帮扶")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models as m

        auditlog.register(m.Employer)
        auditlog.register(m.Spell, mask_fields=["monthly_wage"])
        auditlog.register(m.RoundCheck)
        auditlog.register(m.Vacancy)
        auditlog.register(m.EmploymentPolicy)

        from . import register_tables  # noqa: F401  the ledger's own registers
