from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "lnob.employment.workshops"
    label = "workshops"
    verbose_name = _("就业帮扶车间")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from lnob.measures.providers import register

        from . import models as m
        from .providers import workshop_figures
        from .rules import register_kinds

        register_kinds()
        auditlog.register(m.Workshop, m2m_fields={"managers"})
        auditlog.register(m.WorkshopJob)
        auditlog.register(m.SubsidyClaim, mask_fields=["amount", "paid_amount"], exclude_fields=["figures"])
        auditlog.register(m.ClaimLine, mask_fields=["amount"])
        register("workshops", workshop_figures)

        from . import register_tables  # noqa: F401  the workshops' registers
