from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.employment.fairs.models import DECLINE_REASONS, REJECT_REASONS, Reason
from lnob.employment.models import Physical
from lnob.web.forms import DATE, DomainErrorFormMixin, blank

from .models import Reach, Via


class RunForm(DomainErrorFormMixin, forms.Form):
    area = forms.TypedChoiceField(label=_("匹配范围"), coerce=int, choices=())
    as_of = forms.DateField(label=_("基准日期"), widget=DATE, required=False, help_text=_("不填为今天"))

    def __init__(self, *args: object, areas: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["area"].choices = areas  # type: ignore[attr-defined]


class ReferForm(DomainErrorFormMixin, forms.Form):
    via = forms.ChoiceField(label=_("推荐渠道"), choices=Via.choices)
    fair = forms.TypedChoiceField(label=_("招聘会"), coerce=int, empty_value=None, required=False, choices=())
    station = forms.TypedChoiceField(
        label=_("劳务工作站"), coerce=int, empty_value=None, required=False, choices=()
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(
        self,
        *args: object,
        vias: list[tuple[str, str]],
        fairs: list[tuple[int, str]],
        stations: list[tuple[int, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["via"].choices = vias  # type: ignore[attr-defined]
        self.fields["fair"].choices = blank(fairs)  # type: ignore[attr-defined]
        self.fields["station"].choices = blank(stations)  # type: ignore[attr-defined]


class DayForm(DomainErrorFormMixin, forms.Form):
    on = forms.DateField(label=_("日期"), widget=DATE, required=False, help_text=_("不填为今天"))


class OfferForm(DomainErrorFormMixin, forms.Form):
    wage = forms.DecimalField(label=_("录用月工资（元）"), max_digits=10, decimal_places=2)
    start = forms.DateField(label=_("约定到岗日期"), widget=DATE, required=False)


class HireForm(DomainErrorFormMixin, forms.Form):
    start = forms.DateField(label=_("上岗日期"), widget=DATE)
    monthly_wage = forms.DecimalField(
        label=_("月工资（元）"), max_digits=10, decimal_places=2, required=False
    )


class EndForm(DomainErrorFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("原因"), choices=())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: object, reasons: tuple[Reason, ...], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        labels = dict(Reason.choices)
        self.fields["reason"].choices = blank([(r.value, labels[r.value]) for r in reasons])  # type: ignore[attr-defined]


def reject_form(data: object = None) -> EndForm:
    return EndForm(data, reasons=REJECT_REASONS, prefix="reject")  # type: ignore[arg-type]


def decline_form(data: object = None) -> EndForm:
    return EndForm(data, reasons=DECLINE_REASONS, prefix="decline")  # type: ignore[arg-type]


class SignForm(DomainErrorFormMixin, forms.Form):
    start = forms.DateField(label=_("协议开始日期"), widget=DATE)
    end = forms.DateField(label=_("协议截止日期"), widget=DATE)


class ProfileForm(DomainErrorFormMixin, forms.Form):
    willing = forms.BooleanField(label=_("有就业意愿"), required=False, initial=True)
    reach = forms.ChoiceField(label=_("可就业范围"), choices=blank(Reach.choices), required=False)
    physical_limit = forms.ChoiceField(
        label=_("可承受的体力强度"), choices=blank(Physical.choices), required=False
    )
    min_wage = forms.DecimalField(
        label=_("期望最低月工资（元）"), max_digits=10, decimal_places=2, required=False
    )
    sectors = forms.CharField(label=_("意向行业"), max_length=200, required=False, help_text=_("用顿号分隔"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
