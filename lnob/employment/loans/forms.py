from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.web.forms import DATE, DomainErrorFormMixin, blank

from .models import BusinessStatus, LoanType


class EntrepreneurForm(DomainErrorFormMixin, forms.Form):
    id_number = forms.CharField(label=_("创业者身份证号"), max_length=18)
    returning = forms.BooleanField(label=_("返乡创业（外出务工后回乡）"), required=False, initial=True)
    returned_from = forms.CharField(label=_("返乡前务工地"), max_length=100, required=False)
    returned_on = forms.DateField(label=_("返乡日期"), widget=DATE, required=False)
    previous_work = forms.CharField(label=_("外出期间从事的工作"), max_length=200, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class BusinessForm(DomainErrorFormMixin, forms.Form):
    name = forms.CharField(label=_("创业实体名称"), max_length=200)
    sector = forms.CharField(label=_("行业"), max_length=100, required=False)
    village = forms.TypedChoiceField(label=_("所在村"), coerce=int)
    credit_code = forms.CharField(label=_("统一社会信用代码（有则填写）"), max_length=30, required=False)
    started = forms.DateField(label=_("开业日期"), widget=DATE)
    other_jobs = forms.IntegerField(
        label=_("其他用工人数（未在本县台账中的雇工）"), initial=0, required=False
    )

    def __init__(self, *args: Any, villages: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = villages  # type: ignore[attr-defined]


class BusinessStatusForm(DomainErrorFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("经营状态"), choices=BusinessStatus.choices)
    on = forms.DateField(label=_("关闭日期（关闭时必填）"), widget=DATE, required=False)


class HireForm(DomainErrorFormMixin, forms.Form):
    id_number = forms.CharField(label=_("雇工身份证号"), max_length=18)
    start = forms.DateField(label=_("上岗日期"), widget=DATE)
    monthly_wage = forms.DecimalField(
        label=_("月工资（元）"), max_digits=10, decimal_places=2, required=False
    )
    full_time = forms.BooleanField(label=_("全职"), required=False, initial=True)


class LoanForm(DomainErrorFormMixin, forms.Form):
    id_number = forms.CharField(label=_("借款人身份证号"), max_length=18)
    type = forms.ChoiceField(label=_("贷款类型"), choices=LoanType.choices)
    reference = forms.CharField(label=_("借款合同号"), max_length=50)
    lender = forms.CharField(label=_("贷款银行"), max_length=100)
    amount = forms.DecimalField(label=_("贷款金额（元）"), max_digits=12, decimal_places=2)
    raised_limit = forms.BooleanField(label=_("较大资金需求，提高额度（超出部分不贴息）"), required=False)
    term_months = forms.IntegerField(label=_("期限（月）"))
    interest_rate = forms.DecimalField(label=_("年利率（%）"), max_digits=5, decimal_places=2)
    subsidy_rate = forms.DecimalField(label=_("贴息年利率（%）"), max_digits=5, decimal_places=2, initial=0)
    issued = forms.DateField(label=_("放款日期"), widget=DATE)
    purpose = forms.CharField(label=_("贷款用途"), max_length=200)
    business = forms.TypedChoiceField(label=_("创业实体"), coerce=int, empty_value=None, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, businesses: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["business"].choices = blank(businesses)  # type: ignore[attr-defined]


class RepaymentForm(DomainErrorFormMixin, forms.Form):
    date = forms.DateField(label=_("还款日期"), widget=DATE)
    principal = forms.DecimalField(label=_("归还本金（元）"), max_digits=12, decimal_places=2, initial=0)
    interest = forms.DecimalField(label=_("支付利息（元）"), max_digits=12, decimal_places=2, initial=0)


class OverdueForm(DomainErrorFormMixin, forms.Form):
    since = forms.DateField(label=_("逾期日期"), widget=DATE)


class WriteOffForm(DomainErrorFormMixin, forms.Form):
    on = forms.DateField(label=_("核销日期"), widget=DATE)


class SubsidyForm(DomainErrorFormMixin, forms.Form):
    period_start = forms.DateField(label=_("贴息起始日期"), widget=DATE)
    period_end = forms.DateField(label=_("贴息截止日期"), widget=DATE)
    amount = forms.DecimalField(label=_("贴息金额（元）"), max_digits=12, decimal_places=2)
    paid_on = forms.DateField(label=_("拨付日期"), widget=DATE)
