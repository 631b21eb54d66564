from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "lnob.measures"
    label = "measures"
    verbose_name = _("统计指标")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from lnob.employment.policy import register

        from . import models as m
        from .policy import ZERO_EMPLOYMENT, ZeroEmployment

        # the figures themselves are replaced in bulk and derived from audited data; their runs
        # (who recomputed what, when) are audited
        auditlog.register(m.FigureRun)
        register(ZERO_EMPLOYMENT, ZeroEmployment, _("零就业家庭认定标准"))
        from . import refresh  # noqa: F401  registers the refresh task
