"""The default loan rules, with their sources (lnob.employment.loans.rules.DEFAULTS)."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from lnob.employment.loans.rules import DEFAULTS

    EmploymentPolicy = apps.get_model("employment", "EmploymentPolicy")
    for kind, start, name, params, source in DEFAULTS:
        EmploymentPolicy.objects.get_or_create(
            kind=kind,
            area_code=0,
            effective_from=dt.date.fromisoformat(start),
            defaults={"name": name, "params": params, "source": source},
        )


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from lnob.employment.loans.rules import DEFAULTS

    EmploymentPolicy = apps.get_model("employment", "EmploymentPolicy")
    for kind, start, _name, _params, _source in DEFAULTS:
        EmploymentPolicy.objects.filter(kind=kind, area_code=0, effective_from=start).delete()


class Migration(migrations.Migration):
    dependencies = [("loans", "0001_loans"), ("employment", "0004_employment_policy")]

    operations = [migrations.RunPython(seed, unseed)]
