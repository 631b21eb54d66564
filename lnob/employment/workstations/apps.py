from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkstationsConfig(AppConfig):
    name = "lnob.employment.workstations"
    label = "workstations"
    verbose_name = _("劳务工作站")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from lnob.measures.providers import register

        from . import models as m
        from .figures import workstation_figures

        auditlog.register(m.Workstation, m2m_fields={"officers"})
        auditlog.register(m.Placement)
        auditlog.register(m.StationVacancy)
        # the money of a case is personal: masked in the change log, as the ledger masks wages
        auditlog.register(m.Dispute, mask_fields=["amount_claimed", "amount_recovered"])
        auditlog.register(m.DisputeEvent, exclude_fields=["data"])
        auditlog.register(m.Visit, m2m_fields={"persons"})

        register("workstations", workstation_figures)
        from . import register_tables  # noqa: F401  the stations' registers
