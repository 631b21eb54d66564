"""Forms of the job fairs: they parse and render; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.employment.models import Location, Physical
from lnob.web.forms import DATE, DomainErrorFormMixin, blank

from .models import DECLINE_REASONS, REJECT_REASONS, Reason


class FairForm(DomainErrorFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    area = forms.TypedChoiceField(label=_("主办区域"), coerce=int)
    start = forms.DateField(label=_("开始日期"), widget=DATE)
    end = forms.DateField(label=_("结束日期"), widget=DATE, required=False)
    venue = forms.CharField(label=_("举办地点"), max_length=200)
    village = forms.TypedChoiceField(label=_("举办地所在村（社区）"), coerce=int)
    code = forms.CharField(
        label=_("招聘会编号"), max_length=30, required=False, help_text=_("不填则自动编号")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(
        self, *args: Any, areas: list[tuple[int, str]], villages: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]
        self.fields["village"].choices = villages  # type: ignore[attr-defined]


class RecruiterForm(DomainErrorFormMixin, forms.Form):
    employer = forms.TypedChoiceField(
        label=_("本县名单中的单位"), coerce=int, empty_value=None, required=False
    )
    credit_code = forms.CharField(
        label=_("或：统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("外地单位填写，登记到本县名单"),
    )
    employer_name = forms.CharField(label=_("单位名称（新单位）"), max_length=200, required=False)
    sector = forms.CharField(label=_("行业"), max_length=100, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    booth = forms.CharField(label=_("展位号"), max_length=20, required=False)
    contact = forms.CharField(label=_("联系人"), max_length=50, required=False)

    def __init__(self, *args: Any, employers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = blank(employers)  # type: ignore[attr-defined]


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
    start = forms.DateField(label=_("到岗日期"), widget=DATE)


class LinkVacancyForm(DomainErrorFormMixin, forms.Form):
    vacancy = forms.TypedChoiceField(label=_("该单位已发布的岗位"), coerce=int)

    def __init__(self, *args: Any, vacancies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].choices = vacancies  # type: ignore[attr-defined]


class AttendeeForm(DomainErrorFormMixin, forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    vacancies = forms.TypedMultipleChoiceField(
        label=_("意向岗位"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, vacancies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vacancies"].choices = vacancies  # type: ignore[attr-defined]


class PersonFairForm(DomainErrorFormMixin, forms.Form):
    """From the person's page: which fair, and which of its vacancies."""

    fair = forms.TypedChoiceField(label=_("招聘会"), coerce=int)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, fairs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fair"].choices = fairs  # type: ignore[attr-defined]


class InterestForm(DomainErrorFormMixin, forms.Form):
    vacancy = forms.TypedChoiceField(label=_("意向岗位"), coerce=int)

    def __init__(self, *args: Any, vacancies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].choices = vacancies  # type: ignore[attr-defined]


OUTCOMES = [
    ("interview", _("已面试")),
    ("offer", _("拟录用")),
    ("hire", _("已上岗")),
    ("decline", _("本人放弃")),
    ("reject", _("未录用")),
]


class OutcomeForm(DomainErrorFormMixin, forms.Form):
    """One outcome of an application, as a cadre records it at the fair on a phone."""

    outcome = forms.ChoiceField(label=_("结果"), choices=OUTCOMES)
    on = forms.DateField(label=_("日期"), widget=DATE, required=False, help_text=_("不填为今天"))
    wage = forms.DecimalField(label=_("录用月工资（元）"), max_digits=10, decimal_places=2, required=False)
    start = forms.DateField(label=_("上岗（到岗）日期"), widget=DATE, required=False)
    reason = forms.ChoiceField(
        label=_("原因"),
        choices=blank([(r.value, r.label) for r in Reason if r in DECLINE_REASONS or r in REJECT_REASONS]),
        required=False,
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
