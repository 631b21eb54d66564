from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.web.forms import DATE, DomainErrorFormMixin

from .models import EndReason, Funding, PostType


class PostForm(DomainErrorFormMixin, forms.Form):
    village = forms.TypedChoiceField(label=_("村"), coerce=int)
    title = forms.CharField(label=_("岗位名称"), max_length=50, help_text=_("如 保洁员、护林员、水管员"))
    post_type = forms.ChoiceField(label=_("岗位类型"), choices=PostType.choices)
    heavy = forms.BooleanField(label=_("重体力岗位"), required=False)
    monthly_pay = forms.DecimalField(label=_("月补贴（元）"), max_digits=10, decimal_places=2)
    hours_per_month = forms.IntegerField(label=_("每月工时"), initial=80)
    places = forms.IntegerField(label=_("岗位数"), initial=1)
    funding = forms.ChoiceField(label=_("资金来源"), choices=Funding.choices)
    duties = forms.CharField(label=_("工作内容"), max_length=200, required=False)
    opened_on = forms.DateField(label=_("设岗日期"), widget=DATE)

    def __init__(self, *args: Any, villages: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = villages  # type: ignore[attr-defined]


class SignForm(DomainErrorFormMixin, forms.Form):
    start = forms.DateField(label=_("协议开始日期"), widget=DATE)
    end = forms.DateField(label=_("协议截止日期"), widget=DATE)
    monthly_pay = forms.DecimalField(
        label=_("月补贴（元）"),
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("不填为岗位月补贴"),
    )


class EndForm(DomainErrorFormMixin, forms.Form):
    ended_on = forms.DateField(label=_("结束日期"), widget=DATE)
    reason = forms.ChoiceField(label=_("结束原因"), choices=EndReason.choices)


class CloseForm(DomainErrorFormMixin, forms.Form):
    closed_on = forms.DateField(label=_("撤销日期"), widget=DATE)


class AttendanceForm(DomainErrorFormMixin, forms.Form):
    month = forms.CharField(widget=forms.HiddenInput)
    days_worked = forms.IntegerField(label=_("出勤天数"))
    hours_worked = forms.DecimalField(label=_("工时"), max_digits=6, decimal_places=1)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class PayForm(DomainErrorFormMixin, forms.Form):
    paid_on = forms.DateField(label=_("发放日期"), widget=DATE)
    paid_amount = forms.DecimalField(
        label=_("实发金额（元）"),
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("不填为应发补贴"),
    )
