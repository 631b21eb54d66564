"""Seed the national default rules into the national default policy version (data, with sources;
lnob/engine/monitor/defaults.py). Counties replace or switch off rules in their own versions."""

from django.db import migrations


def seed(apps, schema_editor):
    from lnob.engine.monitor.defaults import RULES

    Policy = apps.get_model("monitoring", "PolicyVersion")
    Rule = apps.get_model("monitoring", "Rule")
    national = Policy.objects.filter(area_code=0, status="active").order_by("effective_from").first()
    if national is None:
        return
    for rule in RULES:
        Rule.objects.update_or_create(
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
    apps.get_model("monitoring", "Rule").objects.filter(policy__area_code=0).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_rules_sweeps_leads"), ("registry", "0002_risk_types")]
    operations = [migrations.RunPython(seed, unseed)]
