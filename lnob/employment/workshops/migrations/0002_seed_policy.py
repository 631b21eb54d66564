"""The workshop rules cited in the policy reference (§4.2), each at its own region, and national
defaults so a county without its own rule can start; a county administrator adds the county's or
province's own version (docs/employment-workshops.md, "Rules"). Where a source gives no start date
the start of the document's year is used."""

from django.db import migrations

LIUJIANG = "http://liujiang.gov.cn/wsbs/ggfw/rlzy/zsk/t19700101_3570844.shtml"
JILIN = "http://jljycy.hrss.jl.gov.cn/szrk/bss/zcfg/zcwj/202002/t20200219_8165072.html"
HELAN = (
    "http://nxhl.gov.cn/xxgk_7799/zfbmzsjgxxgkml/hlxnfbymbfpb/xxgkml_20869/fpgz_20880/201909/"
    "t20190916_1740731.html"
)
JINZHAI = "https://www.ahjinzhai.gov.cn/public/6617541/37722585.html"
KAIZHOU = "https://www.cqkz.gov.cn/zwgk_238/zfxxgkml/cjzcwd/qrlsbj/202208/t20220823_11029435_wap.html"
HUITONG = "https://0477ly.com/newsdetail/news554613.html"
LIAONING = "https://dqhltc.com/lnxxxgk/c102615/202105/460c6f3a1e5447f494ffd65997f42fe3"

TYPES = ["factory", "home_based", "farming", "trade", "tourism"]
# Kaizhou's source gives the range (20,000-100,000 yuan), the ratings and the headcount bands, not
# the grid: these amounts are an example inside that range, for the county to replace.
KAIZHOU_TIERS = [
    {"rating": rating, "min_workers": lo, "max_workers": hi, "amount": amount}
    for rating, amounts in (
        ("pass", (20000, 30000, 40000)),
        ("good", (30000, 50000, 70000)),
        ("excellent", (50000, 80000, 100000)),
    )
    for (lo, hi), amount in zip(((10, 19), (20, 39), (40, None)), amounts, strict=True)
]

RULES = [
    # kind, region (12 digits; 0 national), effective from, name, params, source
    (
        "workshop_recognition", 0, "2021-01-01", "帮扶车间认定标准（默认，参照柳江区、贺兰县）",
        {"types": TYPES, "any_of": [{"min_poor_workers": 5}, {"min_workers": 10, "min_poor_share": "0.3"}],
         "min_months": 3},
        f"{LIUJIANG} ; {HELAN}",
    ),
    (
        "workshop_recognition", 450206000000, "2021-01-01", "柳江区就业帮扶车间认定标准",
        {"types": TYPES, "any_of": [{"min_poor_workers": 5}], "min_months": 0,
         "also_required": "为工人购买每人每月不低于 15 元的意外伤害保险"},
        LIUJIANG,
    ),
    (
        "workshop_recognition", 220000000000, "2018-01-01", "吉林省扶贫车间认定标准（2018–2020）",
        {"types": TYPES, "any_of": [{"min_poor_workers": 5}], "min_months": 0,
         "also_required": "与贫困劳动力签订 6 个月以上劳动合同；工资不低于当地最低工资标准"},
        JILIN,
    ),
    (
        "workshop_recognition", 640122000000, "2019-09-16", "贺兰县扶贫车间认定标准",
        {"types": TYPES, "any_of": [{"min_workers": 10, "min_poor_share": "0.3"}], "min_months": 3,
         "min_average_wage": {"factory": "1500", "home_based": "1000"},
         "also_required": "生产线岗位月均工资不低于 1500 元，手工岗位不低于 1000 元"},
        HELAN,
    ),
    (
        "workshop_monitoring", 0, "2021-01-01", "帮扶车间动态监测（默认，参照辽宁省）",
        {"check_every_months": 3, "buffer_months": 6, "min_months": 3, "min_earnings": "5000"},
        LIAONING,
    ),
    (
        "workshop_monitoring", 210000000000, "2021-05-01", "辽宁省帮扶车间动态监测",
        {"check_every_months": 3, "buffer_months": 6, "min_months": 3, "min_earnings": "5000"},
        LIAONING,
    ),
    (
        "workshop_subsidy", 0, "2021-01-01", "帮扶车间吸纳就业补贴（默认，参照金寨县）",
        {"per_worker_year": "2000", "per_worker_month": "300", "min_months": 1, "poor_only": True},
        JINZHAI,
    ),
    (
        "workshop_subsidy", 341524000000, "2021-01-01", "金寨县就业帮扶车间补贴",
        {"per_worker_year": "2000", "per_worker_month": "300", "min_months": 1, "poor_only": True},
        JINZHAI,
    ),
    (
        "workshop_subsidy", 220000000000, "2018-01-01", "吉林省扶贫车间一次性奖补（2018–2020）",
        {"per_worker_once": "1000", "min_months": 0, "poor_only": True, "cap": "50000"},
        JILIN,
    ),
    (
        "workshop_subsidy", 431225000000, "2024-01-01", "会同县居家就业帮扶车间稳岗补贴",
        {"per_worker_once": "2000", "min_months": 1, "poor_only": True, "types": ["home_based"]},
        HUITONG,
    ),
    (
        "workshop_award", 0, "2022-08-23", "帮扶车间等次奖补（默认，参照开州区；档次金额为示例）",
        {"tiers": KAIZHOU_TIERS, "min_months": 3, "poor_only": False},
        KAIZHOU,
    ),
    (
        "workshop_award", 500154000000, "2022-08-23", "开州区就业帮扶车间等次奖补（档次金额为示例）",
        {"tiers": KAIZHOU_TIERS, "min_months": 3, "poor_only": False},
        KAIZHOU,
    ),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    import datetime as dt

    EmploymentPolicy = apps.get_model("employment", "EmploymentPolicy")
    for kind, region, start, name, params, source in RULES:
        EmploymentPolicy.objects.update_or_create(
            kind=kind,
            area_code=region,
            effective_from=dt.date.fromisoformat(start),
            defaults={"name": name, "params": params, "source": source, "active": True},
        )


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    EmploymentPolicy = apps.get_model("employment", "EmploymentPolicy")
    for kind, region, start, _name, _params, _source in RULES:
        EmploymentPolicy.objects.filter(kind=kind, area_code=region, effective_from=start).delete()


class Migration(migrations.Migration):
    dependencies = [("workshops", "0001_workshops"), ("employment", "0004_employment_policy")]

    operations = [migrations.RunPython(seed, unseed)]
