"""The public-welfare post rules cited in the policy reference §4.2, as EmploymentPolicy rows of
kind `public_welfare_post` (lnob/employment/posts/rules.py). A region's row is taken whole, so a
local row repeats the national default where its source is silent; its `note` says which values
the source gives. A county administrator adds its own version in the admin."""

import datetime as dt

from django.db import migrations

KIND = "public_welfare_post"
GUIZHOU = "https://newton.com.tw/wiki/貴州省鄉村公益性崗位開發管理辦法/59522260"
GUANTAO = "http://www.guantao.gov.cn/zwgk/zfxxgk/fdgknr/zdlygk/xczx/202311/t20231128_1998652.html"
HUNAN = "https://hunan.ifeng.com/c/8e73GQpT9e3"

DEFAULT = {
    "min_age": 16,
    "max_age": 60,
    "labour_capacities": ["partial"],
    "household_statuses": ["out_of_poverty", "monitored"],
    "excluded_statuses": [],
    "pay": {"ordinary": "500", "technical": "500", "special": "500"},
    "heavy_pay": {"ordinary": "550", "technical": "550", "special": "550"},
    "heavy_share_max": "0.2",
    "funding": [],
    "agreement_max_months": 12,
    "publicity_days": 5,
    "accident_insurance": True,
}

ROWS = [
    (
        0,
        dt.date(2021, 1, 1),
        "公益性岗位默认规则（据贵州、馆陶、湖南规定综合）",
        {
            **DEFAULT,
            "note": "Assembled from the local rules of the policy reference §4.2: age ≤ 60 and partial "
            "labour capacity (Guizhou); 500 yuan a month, 550 for heavy posts, ≤ 20% heavy, 5-day "
            "publicity, accident insurance (Guantao, Hebei 2023); out-of-poverty people and "
            "monitored households (Hunan 2024). A province or county sets its own version.",
        },
        f"{GUIZHOU} ; {GUANTAO} ; {HUNAN}",
    ),
    (
        520000000000,
        dt.date(2021, 1, 1),
        "贵州省乡村公益性岗位开发管理办法",
        {
            **DEFAULT,
            "note": "Guizhou: for people with some working capacity who cannot find market jobs; "
            "hiring age ≤ 60 (up to 65 where a county allows it: a county version with max_age 65); "
            "post types ordinary, technical, special. Pay, heavy share, publicity and term repeat "
            "the national default (the source gives no figure). Effective date: the source gives "
            "none; the start of the transition period is used.",
        },
        GUIZHOU,
    ),
    (
        130433000000,
        dt.date(2023, 11, 28),
        "馆陶县乡村公益性岗位管理（2023）",
        {
            **DEFAULT,
            "excluded_statuses": ["risk_eliminated"],
            "note": "Guantao, Hebei (2023): 500 yuan a month, 550 yuan for heavy posts, at most 20% of "
            "posts heavy; 5-day village publicity; households marked risk-eliminated are no longer "
            "eligible; the county pays accident insurance. Age and capacity repeat the default.",
        },
        GUANTAO,
    ),
    (
        430000000000,
        dt.date(2024, 1, 1),
        "湖南省乡村公益性岗位（湘农联〔2024〕92号）",
        {
            **DEFAULT,
            "funding": ["linkage_funds", "employment_funds"],
            "note": "Hunan 2024: paid from linkage funds (衔接资金) or employment funds; open to "
            "out-of-poverty people and monitored households. Other values repeat the default.",
        },
        HUNAN,
    ),
]


def seed(apps, schema_editor):
    EmploymentPolicy = apps.get_model("employment", "EmploymentPolicy")
    for area_code, start, name, params, source in ROWS:
        EmploymentPolicy.objects.update_or_create(
            kind=KIND,
            area_code=area_code,
            effective_from=start,
            defaults={"name": name, "params": params, "source": source, "active": True},
        )


def unseed(apps, schema_editor):
    apps.get_model("employment", "EmploymentPolicy").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [("posts", "0001_posts"), ("employment", "0004_employment_policy")]

    operations = [migrations.RunPython(seed, unseed)]
