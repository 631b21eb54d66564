"""The national default matching rule (lnob/matching/rules.py), as an EmploymentPolicy row of kind
`matching`. The policy reference (§4) says monitored and zero-employment households come first
but gives no figures; these are ours, and a county sets its own version in the admin."""

import datetime as dt

from django.db import migrations

KIND = "matching"
PARAMS = {
    "score": {"wage": 40, "distance": 25, "skill": 20, "preference": 15},
    "priority": {"base": 1, "monitored": 2, "zero_employment": 1, "out_of_poverty": 0},
    "unstable_spells": 3,
    "reach": {"full": "anywhere", "partial": "county"},
    "physical": {"full": "heavy", "partial": "light"},
    "per_seeker": 50,
    "per_place": 2,
    "per_seeker_open": 10,
    "note": "National default of LNOB: a monitored household weighs 3, a zero-employment household "
    "2, both 4, any other 1; the score is 40% wage, 25% distance, 20% skill fit, 15% preference.",
}


def seed(apps, schema_editor):
    EmploymentPolicy = apps.get_model("employment", "EmploymentPolicy")
    EmploymentPolicy.objects.update_or_create(
        kind=KIND,
        area_code=0,
        effective_from=dt.date(2021, 1, 1),
        defaults={
            "name": "岗位匹配默认规则（监测户、零就业家庭优先）",
            "params": PARAMS,
            "source": "../shared/domain/policy-reference.md §4",
            "active": True,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("employment", "EmploymentPolicy").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_matching"), ("employment", "0004_employment_policy")]

    operations = [migrations.RunPython(seed, unseed)]
