"""The transport-subsidy examples of the policy reference (§4.2), with their sources. There is no
national default on purpose: a county without a rule is told so (docs/employment-subsidies.md)."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    from lnob.employment.subsidies.rules import DEFAULTS, KIND

    EmploymentPolicy = apps.get_model("employment", "EmploymentPolicy")
    for area_code, start, name, params, source in DEFAULTS:
        EmploymentPolicy.objects.get_or_create(
            kind=KIND,
            area_code=area_code,
            effective_from=dt.date.fromisoformat(start),
            defaults={"name": name, "params": params, "source": source},
        )


def unseed(apps, schema_editor):
    from lnob.employment.subsidies.rules import DEFAULTS, KIND

    EmploymentPolicy = apps.get_model("employment", "EmploymentPolicy")
    for area_code, start, _name, _params, _source in DEFAULTS:
        EmploymentPolicy.objects.filter(
            kind=KIND, area_code=area_code, effective_from=dt.date.fromisoformat(start)
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("employment", "0004_employment_policy"),
        ("subsidies", "0001_claims_and_evidence"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
