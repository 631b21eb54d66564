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

EXACT = tuple(str(r["code"]) for r in RULES if r["exact"])
