"""What the screens, the API and the exports call each reason and group."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REASONS = {
    "matched": _("已匹配到岗位"),
    "no_travel": _("可就业范围内没有岗位"),
    "no_capacity": _("没有符合其劳动能力和体力的岗位"),
    "no_eligibility": _("不符合公益性岗位的家庭条件"),
    "no_age": _("年龄不在岗位要求范围内"),
    "no_skill": _("没有技能对口的岗位"),
    "no_certificate": _("缺少岗位要求的证书"),
    "no_wage": _("岗位工资低于本人期望"),
    "no_lawful": _("岗位有法定的性别要求"),
    "household_covered": _("家中已有成员匹配到岗位，名额优先给无人就业的家庭"),
    "taken_priority": _("名额已被优先级更高的家庭占用"),
    "taken_equal": _("名额已被同等优先级、更匹配的求职者占用"),
    "willing_but_unable": _("意愿与登记不一致：登记为无劳动能力，本人表示愿意就业（请入户核实）"),
    "capacity_conflict": _("意愿与登记不一致：弱劳动力，却填报可从事重体力劳动（请核实）"),
}

DIMENSIONS = {
    "sex": _("性别"),
    "ethnicity": _("民族"),
    "age_band": _("年龄段"),
    "disabled": _("残疾"),
}

GROUPS = {
    "M": _("男"),
    "F": _("女"),
    "yes": _("有残疾"),
    "no": _("无残疾"),
    "other": _("其他（人数较少合并）"),
}

PARTS = (
    ("wage_part", _("工资"), "wage"),
    ("distance_part", _("距离"), "distance"),
    ("skill_part", _("技能匹配"), "skill"),
    ("preference_part", _("行业意向"), "preference"),
)

CONSTRAINTS = (
    _("在可就业范围内"),
    _("符合劳动能力和体力要求"),
    _("年龄符合"),
    _("技能和证书符合"),
    _("工资不低于本人期望"),
)


def reason(code: str) -> str:
    return str(REASONS.get(code, code))


def group(code: str) -> str:
    return str(GROUPS.get(code, code))
