from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.web.forms import DATE, DomainErrorFormMixin

from .models import CertificateKind, CourseStatus, Mode, Programme


class CourseForm(DomainErrorFormMixin, forms.Form):
    area = forms.TypedChoiceField(label=_("举办地区"), coerce=int)
    title = forms.CharField(label=_("培训班名称"), max_length=100)
    skill = forms.CharField(
        label=_("培训工种"),
        max_length=50,
        widget=forms.TextInput(attrs={"list": "skills", "placeholder": _("如：中式烹调师、电工、育婴员")}),
    )
    provider = forms.CharField(label=_("培训机构"), max_length=100)
    mode = forms.ChoiceField(label=_("培训方式"), choices=Mode.choices)
    start = forms.DateField(label=_("开班日期"), widget=DATE)
    end = forms.DateField(label=_("结业日期"), widget=DATE)
    hours = forms.IntegerField(label=_("课时"))
    cost_per_trainee = forms.DecimalField(label=_("人均培训费（元）"), max_digits=10, decimal_places=2)
    places = forms.IntegerField(label=_("招生人数"))
    status = forms.ChoiceField(label=_("状态"), choices=CourseStatus.choices, initial=CourseStatus.PLANNED)

    def __init__(self, *args: Any, areas: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]


class EnrolForm(DomainErrorFormMixin, forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    enrolled_on = forms.DateField(label=_("报名日期"), widget=DATE, required=False)


class PersonEnrolForm(DomainErrorFormMixin, forms.Form):
    course = forms.TypedChoiceField(label=_("培训班"), coerce=int)
    enrolled_on = forms.DateField(label=_("报名日期"), widget=DATE, required=False)

    def __init__(self, *args: Any, courses: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = courses  # type: ignore[attr-defined]


class CompleteForm(DomainErrorFormMixin, forms.Form):
    completed_on = forms.DateField(label=_("结业日期"), widget=DATE)


class CourseCompleteForm(DomainErrorFormMixin, forms.Form):
    day = forms.DateField(label=_("结业日期"), widget=DATE)


class CertificateForm(DomainErrorFormMixin, forms.Form):
    certificate_kind = forms.ChoiceField(label=_("证书类别"), choices=CertificateKind.choices)
    certificate_number = forms.CharField(label=_("证书编号"), max_length=50)
    certificate_date = forms.DateField(label=_("发证日期"), widget=DATE)


class PaymentForm(DomainErrorFormMixin, forms.Form):
    paid_on = forms.DateField(label=_("发放日期"), widget=DATE)
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=10, decimal_places=2)
    reference = forms.CharField(label=_("凭证号"), max_length=50)


class RainDewForm(DomainErrorFormMixin, forms.Form):
    id_number = forms.CharField(label=_("学生身份证号"), max_length=30)
    school = forms.CharField(label=_("就读学校"), max_length=100)
    programme = forms.ChoiceField(label=_("学历层次"), choices=Programme.choices)
    school_year = forms.IntegerField(label=_("学年（开始年份）"), help_text=_("如 2026 表示 2026—2027 学年"))
