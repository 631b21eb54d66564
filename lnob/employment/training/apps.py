from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "lnob.employment.training"
    label = "training"
    verbose_name = _("技能培训")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from lnob.measures.providers import register

        from . import models as m
        from . import register_tables  # noqa: F401  the channel's registers
        from .providers import training_figures
        from .rules import register_kinds

        register_kinds()
        auditlog.register(m.Course)
        auditlog.register(m.Enrolment)
        auditlog.register(m.AllowancePayment, mask_fields=["amount"])
        auditlog.register(m.RainDewStudent, mask_fields=["grant"])
        auditlog.register(m.RainDewPayment, mask_fields=["amount"])
        register("training", training_figures)
