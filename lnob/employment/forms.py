from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.web.forms import DATE, DomainErrorFormMixin, blank

from .models import Channel, Location, SpellStatus


class SpellForm(DomainErrorFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("就业状态"), choices=SpellStatus.choices)
    start = forms.DateField(label=_("开始日期"), widget=DATE)
    end = forms.DateField(label=_("结束日期"), widget=DATE, required=False)
    location = forms.ChoiceField(label=_("就业地域"), choices=blank(Location.choices), required=False)
    destination = forms.CharField(label=_("务工地点"), max_length=100, required=False)
    channel = forms.ChoiceField(label=_("就业渠道"), choices=blank(Channel.choices), required=False)
    employer = forms.TypedChoiceField(label=_("用工单位"), coerce=int, empty_value=None, required=False)
    monthly_wage = forms.DecimalField(
        label=_("月工资（元）"), max_digits=10, decimal_places=2, required=False
    )
    full_time = forms.BooleanField(label=_("全职"), required=False, initial=True)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    close_open = forms.BooleanField(
        label=_("这是状态变化：此人在续的全职记录到新记录开始的前一天结束"), required=False, initial=True
    )

    def __init__(self, *args: Any, employers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = blank(employers)  # type: ignore[attr-defined]
