"""Errors that services raise. Each names the field and the offending value, so forms, the API
and imports can show the person exactly what is wrong and where."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A write was refused; nothing was saved."""

    def __init__(self, field: str, value: Any, message: Any) -> None:
        self.field = field
        self.value = value
        self.message = message
        super().__init__(f"{field}={value!r}: {message}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "value": None if self.value is None else str(self.value),
            "message": str(self.message),
        }


class NotFound(Exception):
    """The object does not exist, or the user may not see it: callers answer both with 404."""


class Forbidden(Exception):
    """The user may see the object but not do this to it."""


# Messages are constants so tests can assert on them (HackSoft style).
class Msg:
    ID_INVALID = _("身份证号无效：{reason}")
    ID_SEX_MISMATCH = _("性别与身份证号不符（身份证号表示{expected}）")
    ID_BIRTH_MISMATCH = _("出生日期与身份证号不符（身份证号表示{expected}）")
    ID_TAKEN = _("该身份证号已登记")
    NEGATIVE_AMOUNT = _("金额不能为负数")
    PERIOD_REVERSED = _("截止日期早于起始日期")
    SECOND_HEAD = _("该户在此期间已有户主（{name}），一户只能有一名户主")
    NO_HEAD = _("该户在 {date} 没有户主：请先指定新户主")
    OVERLAPPING_MEMBERSHIP = _("此人在此期间已是户 {household} 的成员（{joined} 起）")
    OUT_OF_SCOPE = _("该区域不在您的管辖范围内")
    NOT_A_VILLAGE = _("农户必须归属到村级区划")
    HOUSEHOLD_NUMBER_TAKEN = _("户编号已存在")
    UNKNOWN_ETHNICITY = _("未知的民族名称")
    DISABILITY_GRADE = _("残疾等级应为 1-4")
    OVERRIDE_NEEDS_REASON = _("人工认定劳动能力时必须填写理由")
    TRANSFER_TYPE_REQUIRED = _("转移性收入必须注明类别")
    TRANSFER_TYPE_FORBIDDEN = _("只有转移性收入才有类别")
    LEFT_BEFORE_JOINED = _("离开日期必须晚于加入日期")
    LEAVE_REASON_REQUIRED = _("请填写离开原因")
    BEFORE_BIRTH = _("日期早于出生日期")
    LEFT_YEAR_ONLY_OUT_OF_POVERTY = _("只有脱贫户才有脱贫年度")
    YEAR_RANGE = _("年度应在 2013 至今之间")
    NOT_OPEN = _("该成员关系已结束")
    AREA_CODE_PARENT = _("下级区划代码必须以上级代码开头")
    AREA_CODE_TAKEN = _("区划代码已存在")
    AREA_LEVEL = _("只能在县下建乡镇、在乡镇下建村")
    UNKNOWN_RISK_TYPE = _("未知的风险类型")
    UNKNOWN_CODE = _("不是可选的代码值")
    ALREADY_HEAD = _("此人已是户主")
    UNKNOWN_FIELD = _("不能修改此字段")
    REQUIRED = _("必填")
    NOT_A_MEMBER = _("此人不是该户成员")
    IN_FUTURE = _("日期不能晚于今天")
    CREDIT_CODE_INVALID = _("统一社会信用代码无效（18 位，末位为校验码）")
    CREDIT_CODE_TAKEN = _("本县已登记这个统一社会信用代码的单位")
    OVERLAP_HIDDEN = _("此人在这段时间已有全职就业记录，请村干部核实后再登记")
    HEADCOUNT = _("招聘人数必须大于 0")
    NEGATIVE_WAGE = _("月工资不能为负数")
    WAGE_RANGE = _("工资上限不能低于下限（{low}）")
    AGE_RANGE = _("最低年龄不能高于最高年龄（{high}）")
    VERSION_BEFORE_CURRENT = _("生效日期不能早于当前版本的生效日期（{date}）")
