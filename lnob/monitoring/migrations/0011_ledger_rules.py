"""Seed the employment-ledger rules (lnob/engine/monitor/defaults.py LEDGER_RULES) into the
national default policy version of databases made before they existed. Rules already there (a
fresh database gets them from 0004) are left as they are."""

from django.db import migrations


def seed(apps, schema_editor):
    from lnob.engine.monitor.defaults import LEDGER_RULES

    Policy = apps.get_model("monitoring", "PolicyVersion")
    Rule = apps.get_model("monitoring", "Rule")
    national = Policy.objects.filter(area_code=0, status="active").order_by("effective_from").first()
    if national is None:
        return
    for rule in LEDGER_RULES:
        Rule.objects.get_or_create(
            policy=national,
            code=rule["code"],
            defaults={
                "name_zh": rule["name_zh"],
                "name_en": rule["name_en"],
                "category_id": rule["category"] or None,
                "risk_types": rule["risk_types"],
                "expression": rule["expression"],
                "severity": rule["severity"],
                "explanation": rule["explanation"],
                "source": rule["source"],
                "exact": rule["exact"],
            },
        )


def unseed(apps, schema_editor):
    from lnob.engine.monitor.defaults import LEDGER_RULES

    apps.get_model("monitoring", "Rule").objects.filter(
        policy__area_code=0, code__in=[r["code"] for r in LEDGER_RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0010_measure_links")]
    operations = [migrations.RunPython(seed, unseed)]
