"""Seed the national risk-type list (返贫致贫风险类型). Counties add local types in the admin."""

from django.db import migrations

SOURCE = "http://readke.com/c/2459698.html"  # policy-reference.md §1.4 [S]; no official code table found
RISK_TYPES = [
    ("illness", "因病", "Illness", 10),
    ("schooling", "因学", "Schooling costs", 20),
    ("disability", "因残", "Disability", 30),
    ("disaster", "因自然灾害", "Natural disaster", 40),
    ("accident", "因意外事故", "Accident", 50),
    ("business_failure", "因产业项目失败", "Farm or business project failure", 60),
    ("unstable_employment", "因务工就业不稳", "Unstable employment", 70),
    ("lack_of_labour", "缺劳动力", "Lack of labour", 80),
    ("housing", "住房安全问题", "Unsafe housing", 90),
    ("drinking_water", "饮水安全问题", "Drinking-water problem", 95),
    ("other", "其他", "Other", 100),
]


def seed(apps, schema_editor):
    RiskType = apps.get_model("registry", "RiskType")
    for code, zh, en, sort in RISK_TYPES:
        source = "http://www.yncxym.gov.cn/info/3844/78406.htm" if code in {"housing", "drinking_water"} else SOURCE
        RiskType.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "sort": sort, "source": source}
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
