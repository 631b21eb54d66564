"""Seed the national defaults and Yunnan's 2025 monitoring threshold, each with its source
(../shared/domain/policy-reference.md). Counties and provinces add their own versions."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

QINAN = "http://www.qinan.gov.cn/info/11792/1360362.htm"  # [N] categories, procedure, 15 days, 5 days
ANHUI = "https://www.yjq.gov.cn/openness/grassroots/6603431/39287644.html"  # [P] ≥ 6 months, ≥ 1 measure
YUNNAN_2025 = "https://www.qrrfcrh.cn/zfxxgk_zkx_fwz/artview/1185/326180.html"  # [S] 云农办通〔2025〕1号

CATEGORIES = [
    (
        "unstable_out_of_poverty",
        "脱贫不稳定户",
        "Unstable out-of-poverty household",
        "脱贫户，人均纯收入在当地监测范围内，有返贫风险",
        10,
    ),
    (
        "marginal",
        "边缘易致贫户",
        "Marginal household at risk of poverty",
        "一般农户（从未建档立卡），收入在监测范围内，有致贫风险",
        20,
    ),
    (
        "sudden_difficulty",
        "突发严重困难户",
        "Household in sudden severe difficulty",
        "收入高于监测范围，但因病、灾、意外等刚性支出大增或收入大幅下降，基本生活出现严重困难；脱贫户或一般农户均可",
        30,
    ),
]


def seed(apps, schema_editor):
    Category = apps.get_model("monitoring", "MonitoringCategory")
    for code, zh, en, definition, sort in CATEGORIES:
        Category.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "definition": definition, "source": QINAN, "sort": sort}
        )
    Policy = apps.get_model("monitoring", "PolicyVersion")
    Policy.objects.get_or_create(
        area_code=0,
        effective_from=dt.date(2021, 1, 1),
        status="active",
        defaults={
            "name": "全国默认",
            "decision_days": 15,
            "decision_working_days": False,
            "decision_source": QINAN,
            "notice_min_days": 5,
            "notice_source": QINAN,
            "elimination_stable_months": 6,
            "elimination_min_measures": 1,
            "elimination_source": ANHUI,
            "note": "监测范围由各省每年确定，全国没有统一数值：请为本省或本县添加版本。",
        },
    )
    Policy.objects.get_or_create(
        area_code=530000000000,
        effective_from=dt.date(2025, 1, 1),
        status="active",
        defaults={
            "name": "云南省 2025 年监测范围",
            "threshold_yuan": Decimal("8700.00"),
            "threshold_source": YUNNAN_2025,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_policy")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
