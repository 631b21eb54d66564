from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoansConfig(AppConfig):
    name = "lnob.employment.loans"
    label = "loans"
    verbose_name = _("创业与信贷")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from lnob.employment import policy
        from lnob.measures.providers import register as register_provider

        from . import models as m
        from . import register_tables  # noqa: F401  the channel's registers
        from .figures import village_figures
        from .rules import LoanLimits

        policy.register("loan_startup_guarantee", LoanLimits, _("创业担保贷款额度与条件"))
        policy.register("loan_micro_credit", LoanLimits, _("脱贫人口小额信贷额度与条件"))
        auditlog.register(m.Entrepreneur)
        auditlog.register(m.Business)
        # amounts a person borrowed and repaid are theirs: masked in the change log, like wages
        auditlog.register(m.Loan, mask_fields=["amount", "subsidised_amount"])
        auditlog.register(m.Repayment, mask_fields=["principal", "interest"])
        auditlog.register(m.SubsidyPayment, mask_fields=["amount", "due"])
        register_provider("loans", village_figures)
