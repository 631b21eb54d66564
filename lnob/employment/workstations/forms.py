"""Forms parse and render; the rules live in the services (a refused write comes back on the
field the DomainError names)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.employment.models import Location, Physical
from lnob.web.forms import DATE, DomainErrorFormMixin, blank

from .models import DisputeKind

Choices = list[tuple[Any, str]]


class StationForm(DomainErrorFormMixin, forms.Form):
    county = forms.TypedChoiceField(label=_("派出县"), coerce=int)
    name = forms.CharField(label=_("名称"), max_length=100)
    destination_city = forms.CharField(label=_("驻地城市"), max_length=50, help_text=_("如：东莞市"))
    destination_province = forms.CharField(label=_("驻地省份"), max_length=50, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    officers = forms.TypedMultipleChoiceField(
        label=_("工作站专员"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    opened_on = forms.DateField(label=_("设立日期"), widget=DATE)
    closed_on = forms.DateField(label=_("撤销日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(
        self, *args: Any, counties: Choices, officers: Choices, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = counties  # type: ignore[attr-defined]
        self.fields["officers"].choices = officers  # type: ignore[attr-defined]
        if editing:
            del self.fields["county"]
        else:
            del self.fields["closed_on"]


class _PersonPick(DomainErrorFormMixin, forms.Form):
    """A person from the roster, or (someone of the county not on it) by resident ID."""

    person = forms.TypedChoiceField(
        label=_("务工人员（本站名单）"), coerce=int, empty_value=None, required=False
    )
    id_number = forms.CharField(label=_("或身份证号（不在名单中的本县人员）"), max_length=18, required=False)

    def __init__(self, *args: Any, roster: Choices, employers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = blank(roster)  # type: ignore[attr-defined]
        self.fields["employer"].choices = blank(employers)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not (data.get("id_number") or "").strip():
            self.add_error("person", _("请从名单中选择，或填写身份证号"))
        return data


class PlacementForm(_PersonPick):
    employer = forms.TypedChoiceField(label=_("用工单位"), coerce=int, empty_value=None)
    start = forms.DateField(label=_("上岗日期"), widget=DATE)
    monthly_wage = forms.DecimalField(
        label=_("月工资（元）"), max_digits=10, decimal_places=2, required=False
    )
    location = forms.ChoiceField(
        label=_("就业地域"), choices=Location.choices, initial=Location.OUT_OF_PROVINCE
    )
    destination = forms.CharField(
        label=_("务工地点"), max_length=100, required=False, help_text=_("不填为工作站驻地")
    )
    close_open = forms.BooleanField(
        label=_("这是换工作：此人在续的全职记录到上岗前一天结束"), required=False, initial=True
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class DisputeForm(_PersonPick):
    employer = forms.TypedChoiceField(label=_("用工单位"), coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("类型"), choices=DisputeKind.choices)
    amount_claimed = forms.DecimalField(label=_("诉求金额（元）"), max_digits=12, decimal_places=2)
    opened_on = forms.DateField(label=_("受理日期"), widget=DATE)
    summary = forms.CharField(label=_("情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class DisputeStepForm(DomainErrorFormMixin, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    expected_state = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("日期"), widget=DATE)
    amount_recovered = forms.DecimalField(
        label=_("追回金额（元）"), max_digits=12, decimal_places=2, required=False
    )
    escalated_to = forms.CharField(label=_("移交机构"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if action == "mediate":
            del self.fields["amount_recovered"], self.fields["escalated_to"]
        elif action == "resolve":
            del self.fields["escalated_to"]


class VacancyForm(DomainErrorFormMixin, forms.Form):
    employer = forms.TypedChoiceField(label=_("用工单位"), coerce=int, empty_value=None)
    title = forms.CharField(label=_("岗位名称"), max_length=100)
    headcount = forms.IntegerField(label=_("招聘人数"))
    wage_min = forms.DecimalField(label=_("月工资下限（元）"), max_digits=10, decimal_places=2)
    wage_max = forms.DecimalField(label=_("月工资上限（元）"), max_digits=10, decimal_places=2)
    start = forms.DateField(label=_("到岗日期"), widget=DATE)
    location = forms.ChoiceField(
        label=_("就业地域"), choices=Location.choices, initial=Location.OUT_OF_PROVINCE
    )
    destination = forms.CharField(
        label=_("工作地点"), max_length=100, required=False, help_text=_("不填为工作站驻地")
    )
    age_min = forms.IntegerField(label=_("最低年龄"), initial=16)
    age_max = forms.IntegerField(label=_("最高年龄"), initial=60)
    skills = forms.CharField(label=_("技能要求"), max_length=200, required=False)
    certificates = forms.CharField(label=_("证书要求"), max_length=200, required=False)
    physical = forms.ChoiceField(label=_("体力要求"), choices=Physical.choices, initial=Physical.MEDIUM)
    home_based = forms.BooleanField(label=_("可居家就业"), required=False)
    housing = forms.BooleanField(label=_("提供住宿"), required=False)

    def __init__(self, *args: Any, employers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = blank(employers)  # type: ignore[attr-defined]


class EmployerForm(DomainErrorFormMixin, forms.Form):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    name = forms.CharField(label=_("单位名称"), max_length=200)
    sector = forms.CharField(label=_("行业"), max_length=100, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)


class VisitForm(DomainErrorFormMixin, forms.Form):
    on = forms.DateField(label=_("走访日期"), widget=DATE)
    visitors = forms.CharField(label=_("走访人"), max_length=100)
    employer = forms.TypedChoiceField(label=_("用工单位"), coerce=int, empty_value=None, required=False)
    place = forms.CharField(label=_("或地点"), max_length=200, required=False)
    persons = forms.TypedMultipleChoiceField(
        label=_("见到的务工人员（本站名单）"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    persons_met = forms.IntegerField(
        label=_("见到务工人员数"), required=False, help_text=_("不填为点名的人数")
    )
    notes = forms.CharField(
        label=_("走访情况"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, roster: Choices, employers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["persons"].choices = roster  # type: ignore[attr-defined]
        self.fields["employer"].choices = blank(employers)  # type: ignore[attr-defined]
