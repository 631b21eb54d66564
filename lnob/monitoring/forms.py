from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.web.forms import DATE, DomainErrorFormMixin


class PolicyForm(DomainErrorFormMixin, forms.Form):
    area_code = forms.TypedChoiceField(label=_("适用地区"), coerce=int)
    name = forms.CharField(label=_("名称"), max_length=100)
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)
    threshold_yuan = forms.DecimalField(label=_("监测范围（元/人/年）"), required=False, decimal_places=2)
    threshold_source = forms.CharField(label=_("监测范围依据"), required=False, max_length=300)
    decision_days = forms.IntegerField(label=_("认定时限（天）"), required=False)
    decision_working_days = forms.NullBooleanField(label=_("按工作日计算"), required=False)
    decision_source = forms.CharField(label=_("认定时限依据"), required=False, max_length=300)
    notice_min_days = forms.IntegerField(label=_("公示最少天数"), required=False)
    notice_source = forms.CharField(label=_("公示依据"), required=False, max_length=300)
    elimination_stable_months = forms.IntegerField(label=_("风险消除：收入稳定月数"), required=False)
    elimination_min_measures = forms.IntegerField(label=_("风险消除：至少落实帮扶措施数"), required=False)
    elimination_source = forms.CharField(label=_("风险消除依据"), required=False, max_length=300)
    medical_alert_yuan = forms.DecimalField(
        label=_("医保预警：个人自付超过（元）"), required=False, decimal_places=2
    )
    medical_alert_source = forms.CharField(label=_("医保预警依据"), required=False, max_length=300)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    activate = forms.BooleanField(label=_("保存后立即生效"), required=False)

    def __init__(self, *args: Any, regions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = regions  # type: ignore[attr-defined]
