from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "lnob.registry"
    verbose_name = _("农户登记")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models as m

        # Values of sensitive fields never enter the change log in clear; views of them are
        # logged as ACCESS entries by lnob.core.sensitive.record_access.
        auditlog.register(m.Household)
        auditlog.register(m.HouseholdVersion, mask_fields=["contact_phone"])
        auditlog.register(m.Person, mask_fields=["id_number"])
        auditlog.register(m.PersonVersion, mask_fields=["phone", "bank_account", "health"])
        auditlog.register(m.Membership)
        auditlog.register(m.IncomeRecord)
        auditlog.register(m.Expenditure)
        auditlog.register(m.Shock)
        auditlog.register(m.RiskType)
