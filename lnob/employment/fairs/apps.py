from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairsConfig(AppConfig):
    name = "lnob.employment.fairs"
    label = "fairs"
    verbose_name = _("招聘会")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from lnob.measures.providers import register

        from . import models as m
        from .figures import village_figures

        auditlog.register(m.JobFair)
        auditlog.register(m.Recruiter)
        auditlog.register(m.FairVacancy)
        auditlog.register(m.Attendee)
        auditlog.register(m.Application, mask_fields=["offered_wage"])
        register("fairs", village_figures)

        from . import register_tables  # noqa: F401  the fairs' registers
