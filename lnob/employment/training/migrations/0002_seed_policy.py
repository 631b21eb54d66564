"""Seed the training channel's rules (docs/employment-training.md, "Rules as data") with the
sources of the policy reference §4.2. A county administrator adds or changes rows later."""

import datetime as dt

from django.db import migrations

NATIONAL = 0
SHAOGUAN = 440200000000  # 韶关市, Guangdong
GUANGXI = 450000000000  # the Guangxi example names no county: seeded switched off, at the province

ROWS = [
    {
        "kind": "training_allowance",
        "area_code": NATIONAL,
        "effective_from": dt.date(2020, 1, 1),
        "name": "培训期间生活费补贴（线下每天 25 元，线上每课时 1 元）",
        "params": {
            "per_day_offline": 25,
            "per_hour_online": 1,
            "completion_share": 0.8,
            "households": ["out_of_poverty", "monitored"],
        },
        "source": "http://www.heetzguy.com/2020/1230/c322a38483/page.html",
        "active": True,
    },
    {
        "kind": "training_allowance",
        "area_code": SHAOGUAN,
        "effective_from": dt.date(2021, 1, 1),
        "name": "韶关市培训生活费补贴（每期 500 元，每年一次）",
        "params": {
            "per_course": 500,
            "once_a_year": True,
            "completion_share": 0.8,
            "households": ["out_of_poverty", "monitored"],
        },
        "source": "http://m.ddtbk.com/techan/168c4bb9492f93af610cf8eeb7c525ac.html",
        "active": True,
    },
    {
        "kind": "training_allowance",
        "area_code": GUANGXI,
        "effective_from": dt.date(2021, 1, 1),
        "name": "广西某县培训补贴（机构每人 3000 元，取证奖励 800 元）：请改为本县区划代码后启用",
        "params": {
            "per_day_offline": 25,
            "per_hour_online": 1,
            "certificate_award": 800,
            "institution_per_trainee": 3000,
            "completion_share": 0.8,
            "households": ["out_of_poverty", "monitored"],
        },
        "source": "http://bcrsw.com/peixunzhaosheng/1gibecfnfy.html",
        "active": False,
    },
    {
        "kind": "rain_dew",
        "area_code": NATIONAL,
        "effective_from": dt.date(2015, 1, 1),
        "name": "雨露计划职业教育补助（每生每年 3000 元）",
        "params": {
            "secondary_vocational": 3000,
            "higher_vocational": 3000,
            "households": ["out_of_poverty", "monitored"],
        },
        "source": "国开办发〔2015〕19号；国乡振发〔2022〕6号 http://tleg.cn/index.php?act=view&app=article&article_id=8008",
        "active": True,
    },
]


def seed(apps, schema_editor):
    EmploymentPolicy = apps.get_model("employment", "EmploymentPolicy")
    for row in ROWS:
        keys = {k: row[k] for k in ("kind", "area_code", "effective_from")}
        EmploymentPolicy.objects.get_or_create(**keys, defaults={k: v for k, v in row.items() if k not in keys})


def unseed(apps, schema_editor):
    EmploymentPolicy = apps.get_model("employment", "EmploymentPolicy")
    for row in ROWS:
        EmploymentPolicy.objects.filter(
            kind=row["kind"], area_code=row["area_code"], effective_from=row["effective_from"]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_courses_enrolments"),
        ("employment", "0004_employment_policy"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
