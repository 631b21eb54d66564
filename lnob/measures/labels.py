"""What the dashboards call each figure, and how it is defined (shown on hover and in the legend).
The full definitions are in docs/measures.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .engine import UNKNOWN

POPULATION_LABELS = {"poor": _("脱贫户和监测户"), "all": _("全体农户")}


@dataclass(frozen=True)
class Figure:
    key: str  # the engine figure, or a derived one
    label: Any
    definition: Any
    kind: str = "count"  # count, share (0..1), months, yuan


# headline figures, in the order shown
HEADLINE = (
    Figure(
        "in_work",
        _("务工规模"),
        _("劳动力中统计日有在岗就业记录（务工、自主创业或公益性岗位，全职或兼职）的人数"),
    ),
    Figure(
        "labour",
        _("劳动力"),
        _(
            "统计日为家庭成员、16–60 岁、有劳动能力或弱劳动能力、不在校的人数"
            "（与监测排查“可务工人员”同一口径）"
        ),
    ),
    Figure(
        "transferred",
        _("转移就业人数"),
        _("劳动力中统计日在务工或在公益性岗位上的人数（不含自主创业）"),
    ),
    Figure("transferred_share", _("转移就业率"), _("转移就业人数 ÷ 劳动力"), "share"),
    Figure(
        "hh_zero",
        _("零就业家庭"),
        _("有劳动力、但过去 12 个月没有一名劳动力务工超过规定月数的户（陕西口径：不超过 3 个月）"),
    ),
    Figure("zero_share", _("零就业家庭占比"), _("零就业家庭 ÷ 有劳动力的户"), "share"),
    Figure(
        "months_per_labour",
        _("人均务工月数"),
        _("过去 12 个月劳动力务工月数之和 ÷ 劳动力；务工月数取工资记录与就业台账中较多者"),
        "months",
    ),
    Figure(
        "average_wage",
        _("平均月工资"),
        _("统计日在岗且登记了月工资的劳动力，其主要就业记录月工资的平均数"),
        "yuan",
    ),
    Figure("not_employed", _("登记未就业"), _("劳动力中统计日台账状态为“未就业”的人数")),
    Figure("ledger_coverage", _("台账覆盖率"), _("劳动力中统计日在就业台账中有记录的比例"), "share"),
)

TIER_LABELS = {
    "in_county": _("县内"),
    "in_province": _("省内县外"),
    "out_of_province": _("省外"),
    UNKNOWN: _("未填"),
}
CHANNEL_LABELS = {
    "organised_export": _("有组织劳务输出"),
    "workshop": _("就业帮扶车间"),
    "job_fair": _("招聘会"),
    "self_found": _("自主务工"),
    "public_welfare": _("公益性岗位"),
    "work_relief": _("以工代赈"),
    UNKNOWN: _("未填"),
}


@dataclass(frozen=True)
class Section:
    name: str  # the provider's name: its metrics are "<name>.<...>"
    title: Any
    figures: tuple[tuple[str, Any], ...]  # (metric, label)


# channel sections, shown when one of their metrics has rows (the providers' contract); a metric of
# a section not listed here is shown too, under its code
SECTIONS = (
    Section("workshops", _("就业帮扶车间"), (
        ("workshops.count", _("车间数")),
        ("workshops.workers", _("吸纳就业人数")),
        ("workshops.poor_workers", _("其中脱贫人口和监测对象")),
        ("workshops.subsidy_paid", _("已发放补贴（元）")),
    )),
    Section("workstations", _("劳务工作站"), (
        ("workstations.count", _("工作站数")),
        ("workstations.roster", _("花名册人数")),
        ("workstations.placed_month", _("本月输出人数")),
        ("workstations.disputes_month", _("本月受理劳动纠纷")),
        ("workstations.disputes_open", _("未结劳动纠纷")),
        ("workstations.recovered_month", _("本月追回欠薪（元）")),
    )),
    Section("fairs", _("招聘会"), (
        ("fairs.count", _("本月场次")),
        ("fairs.recruiters", _("参会用工单位")),
        ("fairs.vacancies", _("提供岗位")),
        ("fairs.places", _("招聘人数")),
        ("fairs.attendees", _("求职人数")),
        ("fairs.interviews", _("面试人次")),
        ("fairs.offers", _("录用意向")),
        ("fairs.hires", _("达成就业人数")),
        ("fairs.poor_hires", _("其中脱贫人口和监测对象")),
    )),
    Section("posts", _("公益性岗位"), (
        ("posts.count", _("岗位数")),
        ("posts.filled", _("在岗人数")),
        ("posts.filled_poor", _("其中脱贫人口和监测对象")),
        ("posts.hours_month", _("本月工时")),
        ("posts.pay_due_month", _("本月应发补贴（元）")),
        ("posts.paid_month", _("本月已发补贴（元）")),
    )),
    Section("training", _("技能培训"), (
        ("training.enrolled", _("在训人数")),
        ("training.trainees_month", _("本月结业人数")),
        ("training.placed_month", _("本月培训后就业")),
        ("training.certified_month", _("本月取得证书")),
        ("training.allowance_paid_month", _("本月发放生活补贴（元）")),
        ("training.rain_dew_students", _("雨露计划在读学生")),
        ("training.rain_dew_paid_month", _("本月发放雨露计划补助（元）")),
    )),
    Section("loans", _("创业贷款"), (
        ("loans.count", _("在贷笔数")),
        ("loans.micro_count", _("其中脱贫人口小额信贷")),
        ("loans.startup_count", _("其中创业担保贷款")),
        ("loans.amount_sum", _("贷款金额（元）")),
        ("loans.outstanding_sum", _("贷款余额（元）")),
        ("loans.overdue_count", _("逾期笔数")),
        ("loans.repaid_month", _("本月还款（元）")),
        ("loans.subsidy_month", _("本月贴息（元）")),
        ("loans.businesses", _("扶持经营主体")),
        ("loans.returnees", _("其中返乡创业")),
        ("loans.jobs_created", _("带动就业人数")),
        ("loans.jobs_poor", _("其中脱贫人口和监测对象")),
    )),
    Section("subsidies", _("就业补贴"), (
        ("subsidies.transport_paid_month", _("本月发放交通补助人次")),
        ("subsidies.transport_paid_sum_month", _("本月发放交通补助（元）")),
        ("subsidies.transport_awaiting", _("待审核交通补助")),
        ("subsidies.insured", _("参加社会保险人数")),
        ("subsidies.insured_not_in_ledger", _("参保但未登记就业")),
    )),
    Section("matching", _("岗位匹配与推荐"), (
        ("matching.referrals_month", _("本月推荐人次")),
        ("matching.hires_month", _("本月推荐上岗")),
        ("matching.households_with_worker", _("经推荐有人就业的家庭")),
    )),
)  # fmt: skip
