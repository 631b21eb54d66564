"""The national default rules, as data: seeded into the database by monitoring/0003 and used by
the synthetic county to record which households each rule must find.

`exact` marks a rule that states a policy criterion exactly (the accuracy harness demands 100%
precision and recall for those); the others are screening heuristics a county may tune.
Sources: ../shared/domain/policy-reference.md sections 1.2, 1.4, 1.6, 2 and the zero-employment
definition.
"""

from __future__ import annotations

QINAN = "http://www.qinan.gov.cn/info/11792/1360362.htm"  # [N] categories, composite judgement
RIGID = "http://117.156.67.38/mobile/zwgk-view/27986.html"  # [P] income after rigid spending
WANGCANG = "https://www.scgw.gov.cn/Detail.aspx?id=20211027172648236"  # [P] department lead types
SHAANXI_ZERO = "http://foping.gov.cn/fpxzf/liuwen/202401/99c5b5c1ea2741d68996b9d1806b4a9b.shtml"
YUANMOU = "http://www.yncxym.gov.cn/info/3844/78406.htm"  # [P: Yunnan] housing and water
XIAN_MEDICAL = "https://www.xawanlong.com/detail/16835302894086/415"  # [P] medical alert
ESHAN = "https://www.yxes.gov.cn/esxzfxxgk/fpgz/20220321/1406406.html"  # [P] civil affairs, dropouts

RULES: list[dict[str, object]] = [
    {
        "code": "income_unstable",
        "name_zh": "脱贫户收入低于监测范围",
        "name_en": "Out-of-poverty household below the monitoring range",
        "category": "unstable_out_of_poverty",
        "risk_types": [],
        "expression": "out_of_poverty and income_per_capita < threshold",
        "severity": 3,
        "explanation": "脱贫户近 12 个月人均纯收入 {income_per_capita} 元，低于监测范围 {threshold} 元",
        "source": QINAN,
        "exact": True,
    },
    {
        "code": "income_marginal",
        "name_zh": "一般农户收入低于监测范围",
        "name_en": "Ordinary household below the monitoring range",
        "category": "marginal",
        "risk_types": [],
        "expression": "ordinary and income_per_capita < threshold",
        "severity": 3,
        "explanation": "一般农户近 12 个月人均纯收入 {income_per_capita} 元，低于监测范围 {threshold} 元",
        "source": QINAN,
        "exact": True,
    },
    {
        "code": "rigid_spending",
        "name_zh": "刚性支出过大",
        "name_en": "Rigid spending pushes income below the range",
        "category": "sudden_difficulty",
        "risk_types": ["illness", "schooling", "disaster"],
        "expression": "income_per_capita >= threshold and income_after_rigid_per_capita < threshold",
        "severity": 3,
        "explanation": (
            "人均纯收入 {income_per_capita} 元，扣除刚性支出后人均 {income_after_rigid_per_capita} 元，"
            "低于监测范围 {threshold} 元"
        ),
        "source": RIGID,
        "exact": True,
    },
    {
        "code": "income_drop",
        "name_zh": "收入大幅下降并遭遇风险事件",
        "name_en": "Sharp income fall after a shock",
        "category": "sudden_difficulty",
        "risk_types": ["unstable_employment", "business_failure"],
        "expression": "income_change <= -0.3 and shocks > 0",
        "severity": 2,
        "explanation": "近 12 个月收入比上年变化 {income_change}，期间发生风险事件 {shocks} 起",
        "source": QINAN,
        "exact": False,
    },
    {
        "code": "medical_alert",
        "name_zh": "医疗自付费用超过预警线",
        "name_en": "Self-paid medical costs above the alert amount",
        "category": "",
        "risk_types": ["illness"],
        "expression": "medical_self_paid_max_person > medical_alert",
        "severity": 2,
        "explanation": (
            "一名成员近 12 个月医疗自付 {medical_self_paid_max_person} 元，超过预警线 {medical_alert} 元"
        ),
        "source": XIAN_MEDICAL,
        "exact": True,
    },
    {
        "code": "zero_employment",
        "name_zh": "零就业家庭",
        "name_en": "Zero-employment household",
        "category": "",
        "risk_types": ["unstable_employment"],
        "expression": "zero_employment",
        "severity": 2,
        "explanation": "有劳动能力且不在校的成员 {available_workers} 人，近 12 个月无人务工超过 3 个月",
        "source": SHAANXI_ZERO,
        "exact": True,
    },
    {
        "code": "dropout",
        "name_zh": "义务教育阶段辍学",
        "name_en": "Compulsory-school dropout",
        "category": "",
        "risk_types": ["schooling"],
        "expression": "dropouts > 0",
        "severity": 2,
        "explanation": "义务教育年龄辍学 {dropouts} 人",
        "source": WANGCANG,
        "exact": True,
    },
    {
        "code": "housing_unsafe",
        "name_zh": "住房安全无保障",
        "name_en": "Housing not safe",
        "category": "",
        "risk_types": ["housing"],
        "expression": "housing_unsafe",
        "severity": 3,
        "explanation": "住房安全未保障",
        "source": YUANMOU,
        "exact": True,
    },
    {
        "code": "water_unsafe",
        "name_zh": "饮水安全无保障",
        "name_en": "Drinking water not safe",
        "category": "",
        "risk_types": ["drinking_water"],
        "expression": "water_unsafe",
        "severity": 3,
        "explanation": "饮水安全未保障",
        "source": YUANMOU,
        "exact": True,
    },
]

# Department alerts (部门筛查预警, policy reference §2): every department lead is checked by a home
# visit, so each kind of alert opens a lead; a medical bill only above the alert amount.
DEPARTMENT_RULES: list[dict[str, object]] = [
    {
        "code": "dept_medical",
        "name_zh": "医保部门：大额医疗自付费用",
        "name_en": "Medical insurance: large self-paid medical costs",
        "category": "",
        "risk_types": ["illness"],
        "expression": "alert_medical_max_person > medical_alert",
        "severity": 2,
        "explanation": (
            "医保部门报告一名成员近 12 个月自付医疗费用 {alert_medical_max_person} 元，"
            "超过预警线 {medical_alert} 元"
        ),
        "source": XIAN_MEDICAL,
        "exact": False,
    },
    {
        "code": "dept_assistance",
        "name_zh": "民政部门：低保或特困供养变动",
        "name_en": "Civil affairs: minimum living allowance or extreme-hardship support changed",
        "category": "",
        "risk_types": ["other"],
        "expression": (
            "alert_dibao_granted + alert_dibao_stopped + alert_tekun_granted + alert_tekun_stopped > 0"
        ),
        "severity": 1,
        "explanation": (
            "民政部门报告：纳入低保 {alert_dibao_granted} 人次，退出低保 {alert_dibao_stopped} 人次，"
            "纳入特困 {alert_tekun_granted} 人次，退出特困 {alert_tekun_stopped} 人次"
        ),
        "source": ESHAN,
        "exact": False,
    },
    {
        "code": "dept_dropout",
        "name_zh": "教育部门：疑似辍学",
        "name_en": "Education: suspected dropout",
        "category": "",
        "risk_types": ["schooling"],
        "expression": "alert_dropout > 0",
        "severity": 2,
        "explanation": "教育部门报告疑似辍学 {alert_dropout} 人次",
        "source": ESHAN,
        "exact": False,
    },
    {
        "code": "dept_disability",
        "name_zh": "残联：新增残疾登记",
        "name_en": "Disabled persons' federation: new disability registration",
        "category": "",
        "risk_types": ["disability"],
        "expression": "alert_disability > 0",
        "severity": 1,
        "explanation": (
            "残联报告残疾登记 {alert_disability} 人次，其中一、二级 {alert_disability_severe} 人次"
        ),
        "source": WANGCANG,
        "exact": False,
    },
    {
        "code": "dept_disaster",
        "name_zh": "应急管理部门：灾害损失",
        "name_en": "Emergency management: disaster losses",
        "category": "",
        "risk_types": ["disaster"],
        "expression": "alert_disaster > 0",
        "severity": 2,
        "explanation": "应急管理部门报告灾害损失 {alert_disaster} 起，共 {alert_disaster_loss} 元",
        "source": WANGCANG,
        "exact": False,
    },
    {
        "code": "dept_job_loss",
        "name_zh": "人社部门：裁员或失业登记",
        "name_en": "HR and social security: layoff or registered unemployment",
        "category": "",
        "risk_types": ["unstable_employment"],
        "expression": "alert_layoff + alert_unemployed > 0",
        "severity": 2,
        "explanation": "人社部门报告裁员 {alert_layoff} 人次，失业登记 {alert_unemployed} 人次",
        "source": WANGCANG,
        "exact": False,
    },
]
RULES += DEPARTMENT_RULES

# what the employment ledger shows (issue 5): a member's job ended and nothing took its place
LEDGER_RULES: list[dict[str, object]] = [
    {
        "code": "job_lost_income",
        "name_zh": "成员失去工作后收入低于监测范围",
        "name_en": "Income below the range once a lost job's wages are gone",
        "category": "",
        "risk_types": ["unstable_employment"],
        "expression": "workers_lost > 0 and income_after_job_loss_per_capita < threshold",
        "severity": 2,
        "explanation": (
            "近 12 个月有 {workers_lost} 名成员失去工作且未再就业；扣除其工资 {wages_lost} 元后，"
            "人均纯收入 {income_after_job_loss_per_capita} 元，低于监测范围 {threshold} 元"
        ),
        "source": QINAN,
        # an estimate: the wages of the last 12 months stand for what the job would have paid
        "exact": False,
    },
]
RULES += LEDGER_RULES

EXACT = tuple(str(r["code"]) for r in RULES if r["exact"])
