from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.web.forms import DATE, DomainErrorFormMixin


class ComputeForm(DomainErrorFormMixin, forms.Form):
    area = forms.TypedChoiceField(label=_("核算区域"), coerce=int)
    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100)

    def __init__(self, *args: Any, areas: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]


class ClaimAddForm(DomainErrorFormMixin, forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100)


class RejectForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(label=_("不予发放原因"), max_length=300)


class PayForm(DomainErrorFormMixin, forms.Form):
    paid_on = forms.DateField(label=_("发放日期"), widget=DATE)
    paid_amount = forms.DecimalField(label=_("发放金额（元）"), max_digits=10, decimal_places=2)
    payment_reference = forms.CharField(label=_("发放凭证号"), max_length=64)
