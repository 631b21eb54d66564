"""Forms parse and render; the rules live in the registry services. A DomainError from a
service is put back on the form field it names, with the offending value."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.core.errors import DomainError
from lnob.registry.choices import (
    Education,
    Enrolment,
    ExpenditureType,
    Health,
    HouseholdStatus,
    IncomeSource,
    JoinReason,
    LabourCapacity,
    LeaveReason,
    Relation,
    TransferType,
)

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})  # ISO, as <input type=date> requires


def blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class DomainErrorFormMixin:
    def add_domain_error(self, err: DomainError) -> None:
        field = err.field if err.field in self.fields else None  # type: ignore[attr-defined]
        shown = "" if err.value in (None, "") else f"（{err.value}）"
        label = "" if field else f"{err.field}: "
        self.add_error(field, f"{label}{err.message}{shown}")  # type: ignore[attr-defined]


class PersonFields(forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    name = forms.CharField(label=_("姓名"), max_length=50)
    ethnicity = forms.CharField(label=_("民族"), initial="汉族", max_length=20)
    education = forms.ChoiceField(label=_("文化程度"), choices=Education.choices, initial=Education.JUNIOR)
    enrolment = forms.ChoiceField(
        label=_("在校生状况"), choices=Enrolment.choices, initial=Enrolment.NOT_IN_SCHOOL
    )
    health = forms.ChoiceField(label=_("健康状况"), choices=Health.choices)
    disability_grade = forms.TypedChoiceField(
        label=_("残疾等级"),
        choices=blank([(i, str(i)) for i in range(1, 5)]),
        coerce=int,
        empty_value=None,
        required=False,
    )
    labour_override = forms.ChoiceField(
        label=_("劳动能力（人工认定）"), choices=blank(LabourCapacity.choices), required=False
    )
    labour_override_reason = forms.CharField(label=_("人工认定理由"), required=False)
    skills = forms.CharField(label=_("技能"), required=False)
    certificates = forms.CharField(label=_("证书"), required=False)
    phone = forms.CharField(label=_("联系电话"), required=False)
    bank_account = forms.CharField(label=_("银行账号"), required=False)


class HouseholdCreateForm(DomainErrorFormMixin, PersonFields):
    number = forms.CharField(label=_("户编号"), max_length=32)
    village = forms.TypedChoiceField(label=_("村"), coerce=int)
    status = forms.ChoiceField(label=_("农户属性"), choices=HouseholdStatus.choices)
    left_poverty_year = forms.IntegerField(label=_("脱贫年度"), required=False)
    housing_safe = forms.BooleanField(label=_("住房安全有保障"), required=False, initial=True)
    water_safe = forms.BooleanField(label=_("饮水安全有保障"), required=False, initial=True)
    contact_phone = forms.CharField(label=_("户联系电话"), required=False)
    effective = forms.DateField(label=_("登记日期"), widget=DATE)

    field_order = [
        "number",
        "village",
        "status",
        "left_poverty_year",
        "housing_safe",
        "water_safe",
        "contact_phone",
        "effective",
    ]

    def __init__(self, *args: Any, villages: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = villages  # type: ignore[attr-defined]


class MemberAddForm(DomainErrorFormMixin, PersonFields):
    relation = forms.ChoiceField(
        label=_("与户主关系"), choices=[c for c in Relation.choices if c[0] != Relation.HEAD]
    )
    joined = forms.DateField(label=_("加入日期"), widget=DATE)
    join_reason = forms.ChoiceField(label=_("加入原因"), choices=JoinReason.choices)
    field_order = ["relation", "joined", "join_reason"]


class MemberLeaveForm(DomainErrorFormMixin, forms.Form):
    left = forms.DateField(label=_("离开日期"), widget=DATE)
    leave_reason = forms.ChoiceField(label=_("离开原因"), choices=LeaveReason.choices)


class _MoneyForm(DomainErrorFormMixin, forms.Form):
    period_start = forms.DateField(label=_("起始日期"), widget=DATE)
    period_end = forms.DateField(label=_("截止日期"), widget=DATE)
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=14, decimal_places=2)
    person = forms.TypedChoiceField(label=_("成员"), coerce=int, empty_value=None, required=False)
    note = forms.CharField(label=_("备注"), required=False)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = blank(members)  # type: ignore[attr-defined]


class IncomeForm(_MoneyForm):
    source = forms.ChoiceField(label=_("收入来源"), choices=IncomeSource.choices)
    transfer_type = forms.ChoiceField(
        label=_("转移性收入类别"), choices=blank(TransferType.choices), required=False
    )
    field_order = ["source", "transfer_type"]


class ExpenditureForm(_MoneyForm):
    type = forms.ChoiceField(label=_("支出类型"), choices=ExpenditureType.choices)
    field_order = ["type"]


class ShockForm(DomainErrorFormMixin, forms.Form):
    date = forms.DateField(label=_("发生日期"), widget=DATE)
    risk_type = forms.ChoiceField(label=_("风险类型"))
    person = forms.TypedChoiceField(label=_("成员"), coerce=int, empty_value=None, required=False)
    note = forms.CharField(label=_("备注"), required=False)

    def __init__(
        self, *args: Any, members: list[tuple[int, str]], risk_types: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = blank(members)  # type: ignore[attr-defined]
        self.fields["risk_type"].choices = risk_types  # type: ignore[attr-defined]
