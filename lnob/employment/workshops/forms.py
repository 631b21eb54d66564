from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.web.forms import DATE, DomainErrorFormMixin, blank

from .claims import LineIn
from .models import ClaimKind, Rating, WorkshopType


class WorkshopForm(DomainErrorFormMixin, forms.Form):
    employer = forms.TypedChoiceField(label=_("经营主体（本县用工单位）"), coerce=int)
    name = forms.CharField(label=_("车间名称"), max_length=100)
    type = forms.ChoiceField(label=_("车间类型"), choices=WorkshopType.choices)
    village = forms.TypedChoiceField(label=_("所在村"), coerce=int)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    opened = forms.DateField(label=_("开办日期"), widget=DATE, required=False)
    managers = forms.CharField(
        label=_("车间负责人账号"),
        required=False,
        help_text=_("多个账号用逗号分隔；须持有该村的帮扶车间负责人角色"),
    )
    rating = forms.ChoiceField(label=_("年度考评等次"), choices=blank(Rating.choices), required=False)
    rating_year = forms.IntegerField(label=_("考评年度"), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(
        self, *args: Any, employers: list[tuple[int, str]], villages: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = employers  # type: ignore[attr-defined]
        self.fields["village"].choices = villages  # type: ignore[attr-defined]


class JoinForm(DomainErrorFormMixin, forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    start = forms.DateField(label=_("入职日期"), widget=DATE)
    monthly_wage = forms.DecimalField(
        label=_("月工资（元）"), max_digits=10, decimal_places=2, required=False
    )
    full_time = forms.BooleanField(label=_("全职"), required=False, initial=True)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class DayForm(DomainErrorFormMixin, forms.Form):
    day = forms.DateField(label=_("日期"), widget=DATE)


class CloseForm(DayForm):
    reason = forms.CharField(label=_("清理原因"), max_length=500)


class CheckForm(DayForm):
    area = forms.TypedChoiceField(label=_("区域"), coerce=int)

    def __init__(self, *args: Any, areas: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]


class LeaveForm(DomainErrorFormMixin, forms.Form):
    end = forms.DateField(label=_("离职日期（最后工作日）"), widget=DATE)


class ClaimForm(DomainErrorFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("补贴类别"), choices=ClaimKind.choices)
    period_start = forms.DateField(label=_("期间起"), widget=DATE)
    period_end = forms.DateField(label=_("期间止"), widget=DATE)
    rating = forms.ChoiceField(label=_("考评等次（等次奖补）"), choices=blank(Rating.choices), required=False)
    lines = forms.CharField(
        label=_("只申报部分工人"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "530627198001011234 6"}),
        help_text=_("每行一人：身份证号、空格、月数（可不填月数）。不填则按台账申报全部符合条件的工人。"),
    )
    evidence = forms.FileField(label=_("证明材料（PDF、图片、Excel、Word）"), required=False)
    evidence_text = forms.CharField(label=_("证明材料说明或档案号"), max_length=500, required=False)

    def add_domain_error(self, err: Any) -> None:
        if err.field in ("id_number", "months"):  # a line of the claim
            err.field = "lines"
        super().add_domain_error(err)

    def clean_lines(self) -> list[LineIn] | None:
        text = self.cleaned_data.get("lines") or ""
        out = []
        for n, raw in enumerate(text.splitlines(), start=1):
            parts = raw.replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            if len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
                raise forms.ValidationError(_("第 {n} 行应为“身份证号 月数”").format(n=n))
            out.append(LineIn(parts[0], int(parts[1]) if len(parts) == 2 else None))
        return out or None


class EvidenceForm(DomainErrorFormMixin, forms.Form):
    evidence = forms.FileField(label=_("证明材料"), required=False)
    evidence_text = forms.CharField(label=_("证明材料说明或档案号"), max_length=500, required=False)


class RejectForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=500)


class PayForm(DomainErrorFormMixin, forms.Form):
    paid_on = forms.DateField(label=_("发放日期"), widget=DATE)
    amount = forms.DecimalField(label=_("发放金额（元）"), max_digits=12, decimal_places=2)
    reference = forms.CharField(label=_("支付凭证号"), max_length=100)
