"""The social-insurance agency's quarterly file, imported as the register `insurance`: a good
file applied and idempotent, a bad one refused with file, row, column and value and nothing
applied, an export that goes back in unchanged; by the command line and the API too."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command

from lnob.areas.models import Area
from lnob.core.errors import NotFound
from lnob.employment import registers
from lnob.employment import services as ledger
from lnob.employment.subsidies.models import SocialInsuranceRecord
from lnob.registry.selectors import today
from tests.personas import ZX, make_id
from tests.subsidies.conftest import YEAR

CODE = "91441900MA4W123409"
HEAD = [
    "身份证号",
    "姓名",
    "统一社会信用代码",
    "缴费单位",
    "险种",
    "缴费季度",
    "缴费月数",
    "缴费基数",
    "参保地区划代码",
]


def write(path: Path, rows: list[list[str]], head: list[str] = HEAD) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows(rows)
    return path


@pytest.fixture
def good(tmp_path, people):
    return write(
        tmp_path / "社保.csv",
        [
            [
                people["li"].id_number,
                "李明",
                CODE,
                "东莞华宏电子",
                "pension",
                f"{YEAR}Q2",
                "4,5,6",
                "4200",
                "441900",
            ],
            [
                people["li"].id_number,
                "李明",
                CODE,
                "东莞华宏电子",
                "injury",
                f"{YEAR}Q2",
                "3",
                "4200",
                "441900",
            ],
            [
                people["zhao"].id_number,
                "赵芳",
                CODE.lower(),
                "",
                "unemployment",
                f"{YEAR}-Q3",
                "2",
                "",
                "530600",
            ],
        ],
    )


def test_a_good_file_is_applied_once_and_again_changes_nothing(world, people, good):
    factory = ledger.employer_create(
        actor=world.zx_admin, county=Area.objects.get(code=ZX), credit_code=CODE, name="华宏"
    )
    result = registers.import_file(actor=world.zx_admin, name="insurance", path=good)
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    li = SocialInsuranceRecord.objects.get(person=people["li"], kind="pension")
    assert (li.quarter.month, li.months, li.month_list, li.employer, li.region) == (
        4,
        3,
        "4,5,6",
        factory,
        441900000000,
    )
    zhao = SocialInsuranceRecord.objects.get(person=people["zhao"])
    assert (zhao.credit_code, zhao.quarter.month, zhao.months, zhao.base) == (CODE, 7, 2, None)
    again = registers.import_file(actor=world.zx_admin, name="insurance", path=good)
    assert (again.created, again.updated) == (0, 0)
    assert SocialInsuranceRecord.objects.count() == 3


def test_a_bad_file_is_refused_row_by_row_and_nothing_is_applied(world, people, tmp_path):
    li = people["li"].id_number
    stranger = make_id("19700101", "M")
    future = f"{today().year + 1}Q1"
    bad = write(
        tmp_path / "bad.csv",
        [
            [li, "", CODE, "", "pension", f"{YEAR}Q1", "3", "4000", "441900"],  # good, but not applied
            [stranger, "", CODE, "", "pension", f"{YEAR}Q1", "3", "4000", "441900"],
            [people["sun"].id_number, "", CODE, "", "pension", f"{YEAR}Q1", "3", "4000", "441900"],
            [li, "", "91441900MA4W123400", "", "pension", f"{YEAR}Q2", "3", "4000", "441900"],
            [li, "", CODE, "", "pension", f"{YEAR}Q5", "3", "4000", "441900"],
            [li, "", CODE, "", "pension", future, "3", "4000", "441900"],
            [li, "", CODE, "", "injury", f"{YEAR}Q1", "7,8", "4000", "441900"],
            [li, "", CODE, "", "pension", f"{YEAR}Q3", "3", "4000", "999999"],
            [li, "", CODE, "", "dental", f"{YEAR}Q4", "3", "-5", "441900"],
        ],
    )
    with pytest.raises(registers.Refused) as refused:
        registers.import_file(actor=world.zx_admin, name="insurance", path=bad)
    found = {(p.row, p.column, p.value) for p in refused.value.problems}
    assert {
        (3, "id_number", stranger),
        (4, "id_number", people["sun"].id_number),  # registered, but in 万州: the same words
        (5, "credit_code", "91441900MA4W123400"),
        (6, "quarter", f"{YEAR}Q5"),
        (7, "quarter", future),
        (8, "months", "7,8"),
        (9, "region", "999999000000"),
        (10, "kind", "dental"),
        (10, "base", "-5"),
    } <= found
    messages = {(p.row, p.column): p.message for p in refused.value.problems}
    assert messages[(3, "id_number")] == messages[(4, "id_number")] == "此人未登记或不在您的管辖范围内"
    assert "统一社会信用代码无效" in messages[(5, "credit_code")]
    assert "YYYYQn" in messages[(6, "quarter")] and messages[(7, "quarter")] == "日期不能晚于今天"
    assert "1–3" in messages[(8, "months")] and "区划代码" in messages[(9, "region")]
    assert all(p.file == "bad.csv" for p in refused.value.problems)
    assert not SocialInsuranceRecord.objects.exists()


def test_the_export_goes_back_in_unchanged(world, people, good, tmp_path):
    registers.import_file(actor=world.zx_admin, name="insurance", path=good)
    data, name = registers.export_file(actor=world.zx_admin, name="insurance", fmt="csv")
    out = tmp_path / name
    out.write_bytes(data)
    assert people["li"].id_number in out.read_text(encoding="utf-8-sig")
    back = registers.import_file(actor=world.zx_admin, name="insurance", path=out)
    assert (back.rows, back.created, back.updated) == (3, 0, 0)


def test_only_roles_that_run_employment_import_it_and_only_roles_seeing_ids_export_it(world, people, good):
    with pytest.raises(NotFound):
        registers.import_file(actor=world.zx_cadre1, name="insurance", path=good)
    with pytest.raises(NotFound):
        registers.export_file(actor=world.zx_auditor, name="insurance", fmt="csv")
    with pytest.raises(registers.Refused) as refused:  # every row names someone of 镇雄
        registers.import_file(actor=world.wz_admin, name="insurance", path=good)
    assert {p.row for p in refused.value.problems} == {2, 3, 4}


def test_the_command_line_imports_it(world, people, good, capsys):
    call_command("register", "import", "insurance", str(good), "--user", "zx_township")
    assert "created 3" in capsys.readouterr().out
    assert SocialInsuranceRecord.objects.count() == 3


def test_the_api_imports_it_or_answers_422_with_the_problems(world, people, good, tmp_path, client):
    client.force_login(world.zx_admin)
    bad = write(
        tmp_path / "bad.csv",
        [[people["li"].id_number, "", "123", "", "pension", f"{YEAR}Q1", "3", "", "441900"]],
    )
    with bad.open("rb") as f:
        refused = client.post("/api/v1/employment/registers/insurance", {"file": f})
    assert refused.status_code == 422
    assert refused.json()["problems"][0] | {"message": ""} == {
        "file": "bad.csv",
        "row": 2,
        "column": "credit_code",
        "value": "123",
        "message": "",
    }
    with good.open("rb") as f:
        applied = client.post("/api/v1/employment/registers/insurance", {"file": f})
    assert applied.status_code == 200 and applied.json()["created"] == 3
