"""The channel's registers: businesses, loans and the banks' repayment feed. A good file is
applied once (again: nothing changes), a bad one refused whole with file, row, column and value,
an export goes back in unchanged; one through the command line and one through the API."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from lnob.core.models import ApiToken
from lnob.employment import registers
from lnob.employment.loans.models import Business, Entrepreneur, Loan, Repayment
from lnob.employment.models import Employer, Spell
from tests.loans.helpers import D, head, valid_code
from tests.personas import ZX, ZX_V1, ZX_V2


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _businesses(households) -> str:
    a, b = head(households["v1"]), head(households["v2"])
    return (
        "创业者身份证号,返乡创业,返乡前务工地,返乡日期,创业实体名称,行业,所在村区划代码,统一社会信用代码,开业日期,其他用工人数\n"
        f"{a.id_number},是,广东省东莞市,2024-03-01,春梅养殖场,畜牧养殖,{ZX_V1},{valid_code()},2024-05-01,2\n"
        f"{b.id_number},否,,,海子村小卖部,零售,{ZX_V2},,2023-01-10,\n"
    )


def test_businesses_are_imported_once_with_their_owners_spells_and_exported_back(world, households, tmp_path):
    path = _write(tmp_path, "businesses.csv", _businesses(households))
    first = registers.import_file(actor=world.zx_admin, name="businesses", path=path)
    assert (first.rows, first.created, first.updated) == (2, 2, 0)
    assert Entrepreneur.objects.filter(returning=True).count() == 1
    farm = Business.objects.get(name="春梅养殖场")
    assert (
        farm.employer == Employer.objects.get(county_id=ZX, credit_code=valid_code()) and farm.other_jobs == 2
    )
    assert farm.owner_spell.status == "self_employed" and farm.owner_spell.start == D(2024, 5, 1)
    again = registers.import_file(actor=world.zx_admin, name="businesses", path=path)
    assert (again.created, again.updated) == (0, 0) and Spell.objects.count() == 2
    data, _name = registers.export_file(actor=world.zx_admin, name="businesses", fmt="xlsx")
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(data)
    back = registers.import_file(actor=world.zx_admin, name="businesses", path=exported)
    assert (back.rows, back.created, back.updated) == (2, 0, 0)


def test_a_later_file_closes_a_business_and_its_owners_spell(world, households, tmp_path):
    registers.import_file(
        actor=world.zx_admin, name="businesses", path=_write(tmp_path, "b.csv", _businesses(households))
    )
    closed = _businesses(households).replace("其他用工人数\n", "其他用工人数,经营状态,关闭日期\n")
    closed = closed.replace("2024-05-01,2\n", "2024-05-01,2,closed,2026-06-30\n").replace(
        "2023-01-10,\n", "2023-01-10,,,\n"
    )
    result = registers.import_file(
        actor=world.zx_admin, name="businesses", path=_write(tmp_path, "c.csv", closed)
    )
    assert result.updated == 1
    farm = Business.objects.get(name="春梅养殖场")
    assert (farm.status, farm.closed_on, farm.owner_spell.end) == ("closed", D(2026, 6, 30), D(2026, 6, 30))


def test_bad_businesses_are_refused_whole_with_where_and_why(world, households, tmp_path):
    a = head(households["v1"])
    bad = _businesses(households) + (
        f"{a.id_number},是,,,坏代码厂,,{ZX_V1},123,2024-05-01,\n"
        f"{a.id_number},否,浙江省,,本地店,,{ZX_V1},,2024-05-01,\n"
        "110101199003077777,是,,,外人店,,530627102201,,2024-05-01,\n"
        f"{a.id_number},是,,,未来店,,{ZX_V1},,2030-01-01,\n"
    )
    with pytest.raises(registers.Refused) as refused:
        registers.import_file(actor=world.zx_admin, name="businesses", path=_write(tmp_path, "bad.csv", bad))
    problems = {(p.file, p.row, p.column, p.value) for p in refused.value.problems}
    assert problems >= {
        ("bad.csv", 4, "credit_code", "123"),
        ("bad.csv", 5, "returned_from", "浙江省"),
        ("bad.csv", 6, "id_number", "110101199003077777"),
        ("bad.csv", 7, "started", "2030-01-01"),
    }
    assert not Business.objects.exists() and not Entrepreneur.objects.exists() and not Spell.objects.exists()


def _loans(households) -> str:
    a, b = head(households["v1"]), head(households["v2"])
    return (
        "借款合同号,借款人身份证号,贷款类型,贷款银行,贷款金额,期限（月）,年利率（%）,贴息年利率（%）,放款日期,贷款用途\n"
        f"ZXNS-2025-0001,{a.id_number},micro_credit,镇雄农村商业银行,50000,36,3.45,3.45,2025-03-15,购买能繁母牛\n"
        f"ZXNS-2025-0002,{b.id_number},startup_guarantee,中国农业银行,150000,24,3.85,2.35,2025-04-01,购置设备\n"
    )


def test_loans_are_imported_once_and_exported_back(world, households, tmp_path):
    path = _write(tmp_path, "loans.csv", _loans(households))
    first = registers.import_file(actor=world.zx_admin, name="loans", path=path)
    assert (first.created, first.updated) == (2, 0)
    loan = Loan.objects.get(reference="ZXNS-2025-0001")
    assert (
        loan.maturity == D(2028, 3, 15)
        and loan.subsidised_amount == 50000
        and loan.rule.kind == "loan_micro_credit"
    )
    assert (registers.import_file(actor=world.zx_admin, name="loans", path=path).updated) == 0
    data, _name = registers.export_file(actor=world.zx_admin, name="loans", fmt="csv")
    back = registers.import_file(
        actor=world.zx_admin, name="loans", path=_write(tmp_path, "e.csv", data.decode("utf-8-sig"))
    )
    assert (back.rows, back.created, back.updated) == (2, 0, 0)
    changed = _loans(households).replace("镇雄农村商业银行", "邮储银行")
    assert (
        registers.import_file(
            actor=world.zx_admin, name="loans", path=_write(tmp_path, "c.csv", changed)
        ).updated
        == 1
    )


def test_a_loan_above_the_limit_refuses_the_file_naming_the_rule(world, households, tmp_path):
    bad = _loans(households).replace(",50000,36,", ",60000,48,") + (
        f"ZXNS-2025-0003,{head(households['v2']).id_number},micro_credit,镇雄农村商业银行,20000,12,3.45,,2025-03-15,养猪\n"
    )
    with pytest.raises(registers.Refused) as refused:
        registers.import_file(actor=world.zx_admin, name="loans", path=_write(tmp_path, "bad.csv", bad))
    found = {(p.row, p.column, p.value): p.message for p in refused.value.problems}
    assert set(found) == {
        (2, "amount", "60000.00"),
        (2, "term_months", "48"),
        (4, "id_number", head(households["v2"]).id_number),
    }
    assert "贷款金额超过上限 50,000 元（脱贫人口小额信贷" in found[(2, "amount", "60000.00")]
    assert "bypc.gov.cn" in found[(2, "amount", "60000.00")]
    assert not Loan.objects.exists()


@pytest.fixture
def loans(world, households, tmp_path):
    registers.import_file(
        actor=world.zx_admin, name="loans", path=_write(tmp_path, "l.csv", _loans(households))
    )


FEED = (
    "借款合同号,还款日期,归还本金,支付利息\n"
    "ZXNS-2025-0001,2025-06-15,0,431.25\n"
    "ZXNS-2025-0001,2026-03-15,50000,431.25\n"
    "ZXNS-2025-0002,2025-07-01,10000,1443.75\n"
)


def test_the_bank_feed_settles_a_loan_repaid_in_full_and_again_changes_nothing(world, loans, tmp_path):
    path = _write(tmp_path, "feed.csv", FEED)
    first = registers.import_file(actor=world.zx_admin, name="loan_repayments", path=path)
    assert first.created == 3
    settled = Loan.objects.get(reference="ZXNS-2025-0001")
    assert (settled.status, settled.closed_on) == ("repaid", D(2026, 3, 15))
    assert Loan.objects.get(reference="ZXNS-2025-0002").status == "current"
    again = registers.import_file(actor=world.zx_admin, name="loan_repayments", path=path)
    assert (again.created, again.updated) == (0, 0)
    data, _name = registers.export_file(actor=world.zx_admin, name="loan_repayments", fmt="xlsx")
    exported = tmp_path / "r.xlsx"
    exported.write_bytes(data)
    assert registers.import_file(actor=world.zx_admin, name="loan_repayments", path=exported).rows == 3


def test_a_bad_feed_is_refused_whole(world, loans, tmp_path):
    bad = FEED + (
        "ZXNS-2025-0002,2026-01-01,200000,0\n"
        "NO-SUCH-LOAN,2025-07-01,1,0\n"
        "ZXNS-2025-0002,2025-01-01,1,0\n"
        "ZXNS-2025-0002,2025-08-01,0,0\n"
    )
    with pytest.raises(registers.Refused) as refused:
        registers.import_file(
            actor=world.zx_admin, name="loan_repayments", path=_write(tmp_path, "bad.csv", bad)
        )
    assert {(p.row, p.column) for p in refused.value.problems} == {
        (5, "principal"),
        (6, "reference"),
        (7, "date"),
        (8, "principal"),
    }
    assert not Repayment.objects.exists()


def test_another_county_cannot_feed_or_export_zhenxiongs_loans(world, loans, tmp_path):
    with pytest.raises(registers.Refused) as refused:
        registers.import_file(
            actor=world.wz_admin, name="loan_repayments", path=_write(tmp_path, "f.csv", FEED)
        )
    assert {p.column for p in refused.value.problems} == {"reference"}
    data, _name = registers.export_file(actor=world.wz_admin, name="loans", fmt="csv")
    assert "ZXNS" not in data.decode("utf-8-sig")


def test_the_command_line_imports_the_bank_feed(world, loans, tmp_path):
    out = io.StringIO()
    call_command(
        "register",
        "import",
        "loan_repayments",
        str(_write(tmp_path, "feed.csv", FEED)),
        "--user",
        world.zx_admin.username,
        stdout=out,
    )
    assert "created 3" in out.getvalue()
    bad = _write(tmp_path, "bad.csv", "reference,date,principal\nNOPE,2025-07-01,1\n")
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "register", "import", "loan_repayments", str(bad), "--user", world.zx_admin.username, stderr=err
        )
    assert "bad.csv 第 2 行，列 reference，值 “NOPE”" in err.getvalue()


def test_the_api_imports_loans_and_refuses_a_bad_file_with_where_and_why(world, households):
    token = ApiToken.issue(user=world.zx_admin, name="t")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    upload = io.BytesIO(_loans(households).encode())
    upload.name = "loans.csv"
    applied = api.post("/api/v1/employment/registers/loans", {"file": upload})
    assert applied.status_code == 200 and applied.json()["created"] == 2
    bad = io.BytesIO(
        _loans(households)
        .replace("ZXNS-2025-0002", "ZXNS-2025-0009")
        .replace(",150000,", ",250000,")
        .encode()
    )
    bad.name = "bad.csv"
    refused = api.post("/api/v1/employment/registers/loans", {"file": bad})
    assert refused.status_code == 422
    problem = refused.json()["problems"][0]
    assert (problem["file"], problem["row"], problem["column"], problem["value"]) == (
        "bad.csv",
        3,
        "amount",
        "250000.00",
    )
    assert "200,000" in problem["message"]
    assert Loan.objects.count() == 2
