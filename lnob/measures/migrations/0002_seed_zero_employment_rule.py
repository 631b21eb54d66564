"""The zero-employment household rule (零就业家庭), nationally, as Shaanxi defines it: nobody
available for work worked more than 3 months in the last 12 (policy reference §6)."""

import datetime as dt

from django.db import migrations

KIND = "measures.zero_employment"
SOURCE = "http://foping.gov.cn/fpxzf/liuwen/202401/99c5b5c1ea2741d68996b9d1806b4a9b.shtml"


def seed(apps, schema_editor):
    policy = apps.get_model("employment", "EmploymentPolicy")
    policy.objects.get_or_create(
        kind=KIND,
        area_code=0,
        effective_from=dt.date(2014, 1, 1),
        defaults={
            "name": "零就业家庭：劳动力全年务工不超过 3 个月（陕西）",
            "params": {"max_months": 3.0},
            "source": SOURCE,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("employment", "EmploymentPolicy").objects.filter(kind=KIND, area_code=0).delete()


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_figures"), ("employment", "0004_employment_policy")]

    operations = [migrations.RunPython(seed, unseed)]
