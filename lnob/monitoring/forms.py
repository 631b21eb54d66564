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


class SweepForm(DomainErrorFormMixin, forms.Form):
    county = forms.TypedChoiceField(label=_("县"), coerce=int)
    as_of = forms.DateField(label=_("排查基准日"), widget=DATE)

    def __init__(self, *args: Any, counties: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = counties  # type: ignore[attr-defined]


class RuleForm(DomainErrorFormMixin, forms.Form):
    code = forms.CharField(
        label=_("规则代码"), max_length=40, help_text=_("小写字母、数字和下划线，例如 income_low")
    )
    name_zh = forms.CharField(label=_("中文名称"), max_length=100)
    name_en = forms.CharField(label=_("英文名称"), max_length=150)
    category = forms.ChoiceField(label=_("对应监测对象类型"), required=False)
    risk_types = forms.MultipleChoiceField(
        label=_("风险类型"), required=False, widget=forms.CheckboxSelectMultiple
    )
    expression = forms.CharField(
        label=_("条件表达式"),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("例如：out_of_poverty and income_per_capita < threshold。可用字段见监测文档。"),
    )
    severity = forms.TypedChoiceField(
        label=_("风险等级"), coerce=int, choices=[(3, _("高")), (2, _("中")), (1, _("低"))]
    )
    explanation = forms.CharField(
        label=_("说明模板"),
        max_length=300,
        help_text=_("用花括号引用数值，例如 人均纯收入 {income_per_capita} 元"),
    )
    source = forms.CharField(label=_("依据"), max_length=300)
    exact = forms.BooleanField(label=_("严格对应政策条文"), required=False)
    enabled = forms.BooleanField(
        label=_("启用（不勾选则在本地区停用同代码规则）"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from lnob.monitoring.models import MonitoringCategory
        from lnob.registry.models import RiskType

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (c.code, c.name_zh) for c in MonitoringCategory.objects.all()
        ]
        self.fields["risk_types"].choices = [(r.code, str(r)) for r in RiskType.objects.filter(active=True)]  # type: ignore[attr-defined]


class LeadAcceptForm(DomainErrorFormMixin, forms.Form):
    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}))
    fast_track = forms.BooleanField(label=_("先帮扶后认定（灾情、意外等）"), required=False)
    fast_track_reason = forms.CharField(label=_("先帮扶理由"), required=False, max_length=300)


class LeadDismissForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(label=_("排除理由"), widget=forms.Textarea(attrs={"rows": 2}))


class StepForm(DomainErrorFormMixin, forms.Form):
    """One form for every step; the template shows the fields the step asks for."""

    action = forms.CharField(widget=forms.HiddenInput)
    expected_state = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("办理意见"), widget=forms.Textarea(attrs={"rows": 2}))
    authorisation_signed_on = forms.DateField(label=_("农户签字授权日期"), required=False, widget=DATE)
    notice_start = forms.DateField(label=_("公示开始日期"), required=False, widget=DATE)
    notice_days = forms.IntegerField(label=_("公示天数"), required=False, min_value=1, max_value=60)
    category = forms.ChoiceField(label=_("监测对象类型"), required=False)
    risk_types = forms.MultipleChoiceField(
        label=_("风险类型"), required=False, widget=forms.CheckboxSelectMultiple
    )

    FIELDS_BY_ACTION = {
        "visit": ("authorisation_signed_on",),
        "post_notice": ("notice_start", "notice_days"),
        "approve": ("category", "risk_types"),
        "re_mark": ("risk_types",),
    }

    def __init__(self, *args: Any, actions: list[str], case: Any, **kwargs: Any) -> None:
        from lnob.monitoring.models import MonitoringCategory
        from lnob.registry.models import RiskType

        super().__init__(*args, **kwargs)
        self.fields["expected_state"].initial = case.state
        self.fields["category"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (c.code, c.name_zh) for c in MonitoringCategory.objects.all()
        ]
        self.fields["risk_types"].choices = [(r.code, str(r)) for r in RiskType.objects.filter(active=True)]  # type: ignore[attr-defined]
        if case.lead_id:
            wanted = {r for s in case.lead.signals.all() for r in s.risk_types}
            self.fields["risk_types"].initial = sorted(wanted)
        self.actions = actions
        self.case = case
        self.notice_min_days = case.policy.get("notice_min_days", 5)
        self.fields["notice_days"].initial = self.notice_min_days

    def _fields_for(self, action: str) -> tuple[str, ...]:
        if action == "approve" and self.case.kind == "elimination":
            return ()  # an elimination keeps the category and risk types it had
        return self.FIELDS_BY_ACTION.get(action, ())

    def step_fields(self) -> list[Any]:
        action = self.data.get("action") if self.is_bound else self.initial.get("action")
        return [self[name] for name in self._fields_for(str(action))]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("expected_state") and data["expected_state"] != self.case.state:
            raise forms.ValidationError(
                _("该案件已办理到“{state}”，请刷新后再操作").format(state=self.case.get_state_display())
            )
        if data.get("action") not in self.actions:
            raise forms.ValidationError(_("您不能办理此环节"))
        keep = self._fields_for(str(data.get("action")))
        for name in ("authorisation_signed_on", "notice_start", "notice_days", "category", "risk_types"):
            if name not in keep:
                data.pop(name, None)
        return data


class AssignForm(DomainErrorFormMixin, forms.Form):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("责任人"), queryset=None)  # type: ignore[arg-type]
    comment = forms.CharField(label=_("说明"), max_length=300)

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        from django.contrib.auth import get_user_model

        from lnob.areas.roles import Capability, roles_with

        super().__init__(*args, **kwargs)
        village = case.village_id
        # the village and the areas above it: a role held there covers the village
        above = sorted(
            {village, village - village % 10**3, village - village % 10**6, village - village % 10**8}
        )
        self.fields["assignee"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(
                assignments__role__in=roles_with(Capability.CASE_VILLAGE),
                assignments__area__code__in=above,
                is_active=True,
            )
            .distinct()
        )


class ReportForm(DomainErrorFormMixin, forms.Form):
    channel = forms.ChoiceField(
        label=_("来源"),
        choices=[("self_report", _("农户自主申报（代为登记）")), ("cadre", _("干部排查发现"))],
    )
    risk_types = forms.MultipleChoiceField(label=_("风险类型"), widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(
        label=_("情况说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("发生了什么、何时、对收入或支出有何影响"),
    )  # fmt: skip
    observed_on = forms.DateField(label=_("发生日期"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from lnob.registry.models import RiskType

        super().__init__(*args, **kwargs)
        self.fields["risk_types"].choices = [(r.code, str(r)) for r in RiskType.objects.filter(active=True)]  # type: ignore[attr-defined]


class MeasureForm(DomainErrorFormMixin, forms.Form):
    type = forms.ChoiceField(label=_("措施"))
    start = forms.DateField(label=_("开始日期"), widget=DATE)
    end = forms.DateField(label=_("结束日期"), required=False, widget=DATE)
    responsible = forms.CharField(label=_("责任人"), max_length=100)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
    no_labour_override = forms.BooleanField(label=_("无劳动能力户仍安排开发式措施"), required=False)
    override_reason = forms.CharField(label=_("理由"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from lnob.monitoring.models import PROTECTIVE, MeasureType

        super().__init__(*args, **kwargs)
        developmental = [(v, lbl) for v, lbl in MeasureType.choices if v not in PROTECTIVE]
        protective = [(v, lbl) for v, lbl in MeasureType.choices if v in PROTECTIVE]
        self.fields["type"].choices = [(_("开发式"), developmental), (_("保障性"), protective)]  # type: ignore[attr-defined]
