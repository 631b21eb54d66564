from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "lnob.registry"
    verbose_name = _("农户登记")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models as m

        def fields(model: type) -> list[str]:
            # own columns only: without this the log also lists reverse relations ("shocks: None")
            return [f.name for f in model._meta.concrete_fields]  # type: ignore[attr-defined]

        # Values of sensitive fields never enter the change log in clear; views of them are
        # logged as ACCESS entries by lnob.core.sensitive.record_access.
        auditlog.register(m.Household, include_fields=fields(m.Household))
        auditlog.register(
            m.HouseholdVersion, include_fields=fields(m.HouseholdVersion), mask_fields=["contact_phone"]
        )
        auditlog.register(m.Person, include_fields=fields(m.Person), mask_fields=["id_number"])
        auditlog.register(
            m.PersonVersion,
            include_fields=fields(m.PersonVersion),
            mask_fields=["phone", "bank_account", "health"],
        )
        auditlog.register(m.Membership, include_fields=fields(m.Membership))
        auditlog.register(m.IncomeRecord, include_fields=fields(m.IncomeRecord))
        auditlog.register(m.Expenditure, include_fields=fields(m.Expenditure))
        auditlog.register(m.Shock, include_fields=fields(m.Shock))
        # an alert's amount or grade may be a medical bill or a disability
        auditlog.register(m.Alert, include_fields=fields(m.Alert), mask_fields=["amount", "grade"])
        auditlog.register(m.RiskType, include_fields=fields(m.RiskType))
