"""The fairs' refusals, as constants tests assert on, and the names of the steps."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lnob.employment.models import Channel

from ..models import Source


class FairMsg:
    NOT_COUNTY_OR_TOWNSHIP = _("招聘会由县或乡镇主办")
    VILLAGE_OUTSIDE = _("举办地须是主办区域内的村（社区）")
    END_BEFORE_START = _("结束日期不能早于开始日期")
    CODE_TAKEN = _("本县已有这个编号的招聘会")
    CLOSED = _("招聘会已结束，不能再登记")
    NOT_YET = _("招聘会 {start} 开始，尚未举办")
    STATUS = _("招聘会当前为“{status}”，不能“{action}”")
    EMPLOYER_NOT_LISTED = _("不在本县用工单位名单中")
    NAME_FOR_NEW_EMPLOYER = _("本县名单中没有这个统一社会信用代码的单位：请填写单位名称，登记到本县名单")
    EMPLOYER_REQUIRED = _("请选择本县名单中的单位，或填写统一社会信用代码")
    RECRUITER_TAKEN = _("该单位已在本场招聘会")
    VACANCY_OTHER_EMPLOYER = _("岗位不属于该单位")
    VACANCY_LINKED = _("该岗位已在本场招聘会")
    VACANCY_CLOSED = _("该岗位已停止招聘")
    PERSON_OUTSIDE = _("此人不在招聘会主办区域内")
    PERSON_NO_HOUSEHOLD = _("此人目前不在任何农户中")
    ATTENDEE_TAKEN = _("此人已登记参加本场招聘会")
    NOT_AT_FAIR = _("该岗位不在本场招聘会")
    APPLIED_ALREADY = _("此人已登记过这个岗位")
    AGE = _("{age} 岁，不符合岗位的年龄要求（{low}–{high} 岁）")
    STEP = _("当前进展为“{state}”，不能“{action}”")
    REASON_REQUIRED = _("请选择原因")
    REASON_NOT_FOR = _("这个原因不适用于“{action}”")
    NOTE_FOR_OTHER = _("原因为“其他”时请填写说明")
    BEFORE_FAIR = _("日期不能早于招聘会开始日期（{start}）")
    BEFORE_OFFER = _("上岗日期不能早于录用日期（{date}）")
    FULL = _("该岗位 {n} 个名额已招满")
    WAGE_REQUIRED = _("请填写录用月工资")
    CHANNEL_REQUIRED = _("请填写就业渠道")


ACTIONS = {
    "hold": _("标记为已举办"),
    "close": _("结束"),
    "interview": _("登记面试"),
    "offer": _("录用"),
    "hire": _("登记上岗"),
    "decline": _("登记本人放弃"),
    "reject": _("登记未录用"),
}

# the ledger's channel of a hire, by where the application came from; a referral says its own
SOURCE_CHANNEL = {Source.JOB_FAIR: Channel.JOB_FAIR}
