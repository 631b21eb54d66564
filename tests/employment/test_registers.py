"""The employment registers (lnob.employment.registers), through the employers and vacancies
registers: a file is applied whole or refused whole with file, row, column and value; the same
file again changes nothing; an export goes back in unchanged; each county sees its own."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from lnob.core.models import ApiToken
from lnob.employment import registers
from lnob.employment.models import Employer, Vacancy
from tests.personas import WZ, ZX

FACTORY = "91441900MA4W123409"
HOTEL = "91500101MA5U12345B"
EMPLOYERS_CSV = (
    "统一社会信用代码,单位名称,行业,地址\n"
    f"{FACTORY},东莞市华宏电子有限公司,电子制造,广东省东莞市长安镇\n"
    f"{HOTEL},万州大酒店,餐饮,重庆市万州区\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_hotel_code_is_valid() -> None:
    from stdnum.cn import uscc

    assert uscc.is_valid(FACTORY) and uscc.is_valid(HOTEL)


def test_a_county_imports_its_employers_once_and_again_changes_nothing(world, tmp_path) -> None:
    path = _write(tmp_path, "employers.csv", EMPLOYERS_CSV)
    first = registers.import_file(actor=world.zx_admin, name="employers", path=path)
    assert (first.rows, first.created, first.updated) == (2, 2, 0)
    again = registers.import_file(actor=world.zx_admin, name="employers", path=path)
    assert (again.created, again.updated) == (0, 0)
    assert set(Employer.objects.values_list("county_id", "credit_code")) == {(ZX, FACTORY), (ZX, HOTEL)}
    # another county's list is its own: the same factory lands on 万州's list too
    registers.import_file(actor=world.wz_admin, name="employers", path=path)
    assert Employer.objects.filter(credit_code=FACTORY).count() == 2


def test_a_changed_name_updates_the_employer(world, tmp_path) -> None:
    registers.import_file(
        actor=world.zx_admin, name="employers", path=_write(tmp_path, "e.csv", EMPLOYERS_CSV)
    )
    renamed = EMPLOYERS_CSV.replace("万州大酒店", "万州国际大酒店")
    result = registers.import_file(
        actor=world.zx_admin, name="employers", path=_write(tmp_path, "e2.csv", renamed)
    )
    assert (result.created, result.updated) == (0, 1)
    assert Employer.objects.get(county_id=ZX, credit_code=HOTEL).name == "万州国际大酒店"


def test_a_bad_row_refuses_the_whole_file_with_where_and_why(world, tmp_path) -> None:
    bad = EMPLOYERS_CSV + "91441900MA4W123400,坏代码厂,,\n,没有代码的厂,,\n"
    with pytest.raises(registers.Refused) as refused:
        registers.import_file(actor=world.zx_admin, name="employers", path=_write(tmp_path, "bad.csv", bad))
    problems = [(p.file, p.row, p.column, p.value) for p in refused.value.problems]
    assert problems == [
        ("bad.csv", 4, "credit_code", "91441900MA4W123400"),
        ("bad.csv", 5, "credit_code", ""),
    ]
    assert "校验码" in refused.value.problems[0].message
    assert not Employer.objects.exists()  # nothing half-applied


def test_a_county_outside_the_users_scope_is_refused(world, tmp_path) -> None:
    text = f"credit_code,name,county\n{FACTORY},东莞厂,{WZ}\n"
    with pytest.raises(registers.Refused) as refused:
        registers.import_file(actor=world.zx_admin, name="employers", path=_write(tmp_path, "e.csv", text))
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "county")]


def test_a_township_officer_may_not_change_the_countys_list(world, tmp_path) -> None:
    registers.import_file(
        actor=world.zx_admin, name="employers", path=_write(tmp_path, "e.csv", EMPLOYERS_CSV)
    )
    renamed = _write(tmp_path, "r.csv", EMPLOYERS_CSV.replace("万州大酒店", "改名"))
    with pytest.raises(registers.Refused) as refused:
        registers.import_file(actor=world.zx_township, name="employers", path=renamed)
    assert {p.column for p in refused.value.problems} == {"county"}
    with pytest.raises(registers.Refused):
        registers.import_file(
            actor=world.zx_township, name="vacancies", path=_write(tmp_path, "v.csv", VACANCIES_CSV)
        )
    assert not Employer.objects.filter(name="改名").exists()


def test_a_village_cadre_may_not_import_employers(world, tmp_path) -> None:
    from lnob.core.errors import NotFound

    with pytest.raises(NotFound):
        registers.import_file(
            actor=world.zx_cadre1, name="employers", path=_write(tmp_path, "e.csv", EMPLOYERS_CSV)
        )


VACANCIES_CSV = (
    "employer_code,title,headcount,location,destination,wage_min,wage_max,age_min,age_max,housing,start\n"
    f"{FACTORY},电子装配工,30,out_of_province,广东省东莞市,4000,6000,18,45,是,2026-12-01\n"
    f"{HOTEL},厨师,2,in_county,万州区,3500,5000,,,否,2026-12-15\n"
)


@pytest.fixture
def employers(world, tmp_path):
    registers.import_file(
        actor=world.zx_admin, name="employers", path=_write(tmp_path, "e.csv", EMPLOYERS_CSV)
    )


def test_vacancies_are_imported_closed_by_a_later_file_and_exported_back(world, employers, tmp_path) -> None:
    result = registers.import_file(
        actor=world.zx_admin, name="vacancies", path=_write(tmp_path, "v.csv", VACANCIES_CSV)
    )
    assert result.created == 2
    cook = Vacancy.objects.get(title="厨师")
    assert (cook.age_min, cook.age_max, cook.housing, cook.status) == (16, 60, False, "open")
    closed = VACANCIES_CSV.replace("start\n", "start,status\n").replace("2026-12-15\n", "2026-12-15,closed\n")
    closed = closed.replace("2026-12-01\n", "2026-12-01,open\n")
    result = registers.import_file(
        actor=world.zx_admin, name="vacancies", path=_write(tmp_path, "v2.csv", closed)
    )
    assert (result.created, result.updated) == (0, 1)
    assert Vacancy.objects.get(title="厨师").status == "closed"
    data, filename = registers.export_file(actor=world.zx_admin, name="vacancies", fmt="xlsx")
    assert filename.endswith(".xlsx")
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(data)
    back = registers.import_file(actor=world.zx_admin, name="vacancies", path=exported)
    assert (back.rows, back.created, back.updated) == (2, 0, 0)


def test_bad_vacancies_are_refused_with_their_reasons(world, employers, tmp_path) -> None:
    bad = (
        "employer_code,title,headcount,location,wage_min,wage_max,age_min,age_max,start\n"
        f"{FACTORY},装配工,0,out_of_province,4000,6000,18,45,2026-12-01\n"
        f"{FACTORY},质检员,5,out_of_province,6000,4000,18,45,2026-12-01\n"
        f"{FACTORY},搬运工,5,out_of_province,4000,6000,50,40,2026-12-01\n"
        f"{FACTORY},仓管,5,out_of_province,-1,6000,18,45,2026-12-01\n"
        "91110000600037341L,司机,5,in_county,4000,6000,18,45,2026-12-01\n"
    )
    with pytest.raises(registers.Refused) as refused:
        registers.import_file(actor=world.zx_admin, name="vacancies", path=_write(tmp_path, "v.csv", bad))
    found = {(p.row, p.column) for p in refused.value.problems}
    assert found == {(2, "headcount"), (3, "wage_max"), (4, "age_min"), (5, "wage_min"), (6, "employer_code")}
    assert not Vacancy.objects.exists()


def test_the_export_holds_only_the_users_county(world, tmp_path) -> None:
    path = _write(tmp_path, "e.csv", EMPLOYERS_CSV)
    registers.import_file(actor=world.zx_admin, name="employers", path=path)
    registers.import_file(actor=world.wz_admin, name="employers", path=path.with_name("e.csv"))
    Employer.objects.filter(county_id=WZ, credit_code=HOTEL).update(name="万州的酒店")
    data, _name = registers.export_file(actor=world.zx_admin, name="employers", fmt="csv")
    text = data.decode("utf-8-sig")
    assert "万州的酒店" not in text and str(ZX) in text and str(WZ) not in text


def test_the_command_line_applies_a_file_or_lists_its_problems(world, tmp_path) -> None:
    out = io.StringIO()
    call_command(
        "register", "import", "employers", str(_write(tmp_path, "e.csv", EMPLOYERS_CSV)),
        "--user", world.zx_admin.username, stdout=out,
    )  # fmt: skip
    assert "created 2" in out.getvalue()
    bad = _write(tmp_path, "bad.csv", "credit_code,name\n123,坏\n")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "register", "import", "employers", str(bad), "--user", world.zx_admin.username, stderr=err
        )
    assert exit_.value.code == 1
    assert "bad.csv 第 2 行，列 credit_code，值 “123”" in err.getvalue()


def test_the_api_imports_checks_and_exports_a_register(world, tmp_path) -> None:
    token = ApiToken.issue(user=world.zx_admin, name="t")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    listed = api.get("/api/v1/employment/registers").json()
    assert {r["name"] for r in listed} >= {"employers", "vacancies"}
    upload = io.BytesIO(EMPLOYERS_CSV.encode())
    upload.name = "employers.csv"
    checked = api.post("/api/v1/employment/registers/employers", {"file": upload, "check_only": "true"})
    assert checked.status_code == 200 and checked.json()["committed"] is False
    assert not Employer.objects.exists()
    upload.seek(0)
    applied = api.post("/api/v1/employment/registers/employers", {"file": upload})
    assert applied.json()["created"] == 2
    bad = io.BytesIO(b"credit_code,name\n123,x\n")
    bad.name = "bad.csv"
    refused = api.post("/api/v1/employment/registers/employers", {"file": bad})
    assert refused.status_code == 422
    assert refused.json()["problems"][0] == {
        "file": "bad.csv",
        "row": 2,
        "column": "credit_code",
        "value": "123",
        "message": "统一社会信用代码无效（18 位，末位为校验码）",
    }
    exported = api.get("/api/v1/employment/registers/employers/export?format=csv")
    assert exported.status_code == 200 and FACTORY in exported.content.decode("utf-8-sig")
    cadre = Client(headers={"Authorization": f"Bearer {ApiToken.issue(user=world.zx_cadre1, name='t')[1]}"})
    bad.seek(0)
    assert cadre.post("/api/v1/employment/registers/employers", {"file": bad}).status_code == 404


def test_the_upload_screen_shows_each_problem_and_applies_a_good_file(world, client) -> None:
    client.force_login(world.zx_admin)
    page = client.get("/employment/registers/")
    assert page.status_code == 200 and "employers" in page.content.decode()
    bad = io.BytesIO(b"credit_code,name\n123,x\n")
    bad.name = "bad.csv"
    refused = client.post("/employment/registers/employers/", {"file": bad, "commit": "1"})
    body = refused.content.decode()
    assert refused.status_code == 422 and "bad.csv" in body and "123" in body and "校验码" in body
    good = io.BytesIO(EMPLOYERS_CSV.encode())
    good.name = "employers.csv"
    applied = client.post("/employment/registers/employers/", {"file": good, "commit": "1"})
    assert applied.status_code == 200 and Employer.objects.count() == 2
    template = client.get("/employment/registers/employers/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    client.force_login(world.zx_cadre1)
    assert client.get("/employment/registers/employers/").status_code == 404


def test_the_register_docs_are_current() -> None:
    assert registers.DOC_PATH.read_text(encoding="utf-8") == registers.render_docs(), (
        "run `lnob register docs --write`"
    )


def test_the_command_line_entry_point_lists_the_registers() -> None:
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-m", "lnob.cli", "register", "list"], cwd=root, capture_output=True, text=True
    )
    assert "employers" in out.stdout, out.stderr
