"""Writes to monitoring policy: create a version, activate it. Only for the whole of a region the
actor manages (a county administrator for their county); anything else is NotFound. Each value
must name its source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.utils.translation import gettext as _

from lnob.areas.codes import Level, level_of
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import covers
from lnob.core.errors import DomainError, NotFound

from .models import PolicyVersion
from .policy import FIELDS

LIMITS: dict[str, tuple[Any, Any]] = {
    "threshold_yuan": (Decimal(0), Decimal(100_000)),
    "decision_days": (1, 90),
    "notice_min_days": (1, 30),
    "elimination_stable_months": (1, 36),
    "elimination_min_measures": (0, 10),
    "medical_alert_yuan": (Decimal(0), Decimal(1_000_000)),
}


def _managed_region(actor: Any, area_code: int) -> Area:
    area = Area.objects.filter(code=area_code).first()
    if area is None or level_of(area.code) > Level.COUNTY:
        raise NotFound()
    if not covers(actor, Capability.MANAGE_AREAS, area.code, Level(area.level)):
        raise NotFound()
    return area


def _check(values: dict[str, Any]) -> None:
    for name, source in FIELDS.items():
        value = values.get(name)
        if value is None:
            continue
        if name in LIMITS:
            lo, hi = LIMITS[name]
            if not lo <= value <= hi:
                raise DomainError(name, value, _("应在 {lo} 到 {hi} 之间").format(lo=lo, hi=hi))
        if not str(values.get(source) or "").strip():
            raise DomainError(source, "", _("请注明依据（文件名称或网址）"))


@transaction.atomic
def policy_create(
    *, actor: Any, area_code: int, effective_from: dt.date, name: str, activate: bool = False, **values: Any
) -> PolicyVersion:
    _managed_region(actor, area_code)
    unknown = set(values) - set(FIELDS) - set(FIELDS.values()) - {"note"}
    if unknown:
        raise DomainError(sorted(unknown)[0], "", _("不能设置此字段"))
    _check(values)
    with set_actor(actor):
        version = PolicyVersion.objects.create(
            area_code=area_code,
            effective_from=effective_from,
            name=name.strip(),
            created_by=actor,
            **{k: v for k, v in values.items() if v is not None},
        )
        if activate:
            _activate(version)
    return version


@transaction.atomic
def policy_activate(*, actor: Any, version: PolicyVersion) -> PolicyVersion:
    _managed_region(actor, version.area_code)
    locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != PolicyVersion.Status.DRAFT:
        raise DomainError("status", locked.status, _("只有草稿可以生效"))
    with set_actor(actor):
        _activate(locked)
    return locked


def _activate(version: PolicyVersion) -> None:
    """The version replaces the active one of the same region and start date, which is retired."""
    for other in PolicyVersion.objects.filter(
        area_code=version.area_code, effective_from=version.effective_from, status=PolicyVersion.Status.ACTIVE
    ).exclude(pk=version.pk):
        other.status = PolicyVersion.Status.RETIRED
        other.save(update_fields=["status"])
    version.status = PolicyVersion.Status.ACTIVE
    version.save(update_fields=["status"])


def policies_visible(user: Any) -> list[PolicyVersion]:
    """Versions that apply somewhere in the user's areas: the national ones, those of the regions
    holding the user's areas, and those of regions inside them. Nobody else's."""
    from lnob.areas.codes import subtree_range
    from lnob.areas.scoping import scope_ranges

    ranges = scope_ranges(user)
    if not ranges:
        return []
    found = []
    for v in PolicyVersion.objects.order_by("area_code", "-effective_from", "-pk"):
        if v.area_code == 0:
            found.append(v)
            continue
        lo, hi = subtree_range(v.area_code, level_of(v.area_code))
        if any(lo <= r_lo and r_hi <= hi for r_lo, r_hi in ranges) or any(
            r_lo <= lo < r_hi for r_lo, r_hi in ranges
        ):
            found.append(v)
    return found


# -- rules ------------------------------------------------------------------------------------


def check_rule(expression: str, explanation: str) -> None:
    """Refuse an expression the engine cannot run safely, or a template naming unknown figures.
    Checked against every feature column and policy parameter, with the reason on its field."""
    from lnob.engine.monitor.expr import ExpressionError, compile_expression, template_names
    from lnob.engine.monitor.features import feature_columns
    from lnob.registry.models import RiskType

    from .policy import PARAMETERS

    columns = feature_columns(tuple(RiskType.objects.values_list("code", flat=True)))
    params = dict.fromkeys(PARAMETERS, 1.0)  # names and types only: values differ by region
    try:
        compile_expression(expression, columns, params)
    except ExpressionError as exc:
        raise DomainError("expression", expression, str(exc)) from None
    try:
        names = template_names(explanation)
    except ExpressionError as exc:
        raise DomainError("explanation", explanation, str(exc)) from None
    unknown = [n for n in names if n not in columns and n not in params]
    if unknown:
        raise DomainError(
            "explanation", explanation, _("说明模板中有未知字段：{name}").format(name=unknown[0])
        )


@transaction.atomic
def rule_save(*, actor: Any, policy: PolicyVersion, code: str, **values: Any) -> Any:
    """Add or change a rule of a draft version of a region the actor manages. Active versions are
    never edited in place: a change is a new draft, tried (what-if) and then put in force."""
    from lnob.registry.models import RiskType

    from .models import MonitoringCategory, Rule

    _managed_region(actor, policy.area_code)
    if policy.status != PolicyVersion.Status.DRAFT:
        raise DomainError("policy", policy.pk, _("只能修改草稿版本的规则；请新建草稿版本"))
    allowed = {
        "name_zh", "name_en", "category", "risk_types", "expression", "severity", "explanation", "source",
        "exact", "enabled",
    }  # fmt: skip
    unknown = set(values) - allowed
    if unknown:
        raise DomainError(sorted(unknown)[0], "", _("不能设置此字段"))
    code = (code or "").strip()
    import re

    if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", code):
        raise DomainError("code", code, _("规则代码只能用小写字母、数字和下划线，以字母开头，2-40 个字符"))
    enabled = values.get("enabled", True)
    if enabled:
        check_rule(values.get("expression", ""), values.get("explanation", ""))
        if not str(values.get("source") or "").strip():
            raise DomainError("source", "", _("请注明依据（文件名称或网址）"))
    risk_types = list(values.get("risk_types") or [])
    known = set(RiskType.objects.values_list("code", flat=True))
    for risk in risk_types:
        if risk not in known:
            raise DomainError("risk_types", risk, _("未知的风险类型"))
    category = values.get("category") or None
    if category and not MonitoringCategory.objects.filter(code=category).exists():
        raise DomainError("category", category, _("未知的监测对象类型"))
    severity = int(values.get("severity") or Rule.Severity.MEDIUM)
    if severity not in Rule.Severity.values:
        raise DomainError("severity", severity, _("风险等级应为 1、2 或 3"))
    with set_actor(actor):
        rule, _created = Rule.objects.update_or_create(
            policy=policy,
            code=code,
            defaults={
                "name_zh": str(values.get("name_zh") or code).strip(),
                "name_en": str(values.get("name_en") or code).strip(),
                "category_id": category,
                "risk_types": risk_types,
                "expression": str(values.get("expression") or "").strip(),
                "severity": severity,
                "explanation": str(values.get("explanation") or "").strip(),
                "source": str(values.get("source") or "").strip(),
                "exact": bool(values.get("exact", False)),
                "enabled": bool(enabled),
            },
        )
    return rule
