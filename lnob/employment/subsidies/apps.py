from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "lnob.employment.subsidies"
    label = "subsidies"
    verbose_name = _("交通补助与社保比对")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from lnob.employment import policy
        from lnob.measures.providers import register

        from . import models as m
        from . import register_tables  # noqa: F401  the registers `transport_subsidies` and `insurance`
        from .figures import subsidy_figures
        from .rules import KIND, TransportSubsidyParams

        policy.register(KIND, TransportSubsidyParams, _("一次性交通补助"))
        auditlog.register(m.TransportSubsidyClaim, mask_fields=["amount", "paid_amount"])
        auditlog.register(m.TransportRun)
        auditlog.register(m.SocialInsuranceRecord, mask_fields=["base"])
        register("subsidies", subsidy_figures)
