from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.registry.choices import Sex
from lnob.web.forms import DATE, DomainErrorFormMixin, blank

from .models import Channel, Location, Physical, SpellStatus


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


class EmployerForm(DomainErrorFormMixin, forms.Form):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=20)
    name = forms.CharField(label=_("单位名称"), max_length=200)
    sector = forms.CharField(label=_("行业"), max_length=100, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)


class VacancyForm(DomainErrorFormMixin, forms.Form):
    title = forms.CharField(label=_("岗位名称"), max_length=100)
    headcount = forms.IntegerField(label=_("招聘人数"))
    location = forms.ChoiceField(label=_("就业地域"), choices=Location.choices)
    destination = forms.CharField(label=_("工作地点"), max_length=100, required=False)
    wage_min = forms.DecimalField(label=_("月工资下限（元）"), max_digits=10, decimal_places=2)
    wage_max = forms.DecimalField(label=_("月工资上限（元）"), max_digits=10, decimal_places=2)
    age_min = forms.IntegerField(label=_("最低年龄"), initial=16)
    age_max = forms.IntegerField(label=_("最高年龄"), initial=60)
    skills = forms.CharField(label=_("技能要求"), max_length=200, required=False)
    certificates = forms.CharField(label=_("证书要求"), max_length=200, required=False)
    physical = forms.ChoiceField(label=_("体力要求"), choices=Physical.choices, initial=Physical.MEDIUM)
    home_based = forms.BooleanField(label=_("可居家就业"), required=False)
    housing = forms.BooleanField(label=_("提供住宿"), required=False)
    sex_required = forms.ChoiceField(
        label=_("性别要求"),
        choices=[("", _("不限")), *Sex.choices],
        required=False,
        help_text=_("仅限法律规定的情形（如女职工禁忌从事的劳动），并须写明依据"),
    )
    requirement_reason = forms.CharField(label=_("性别要求的法律依据"), max_length=200, required=False)
    start = forms.DateField(label=_("到岗日期"), widget=DATE)
