"""The claim list as the register `transport_subsidies`: its export goes back in unchanged, the
bank's answer marks claims paid, and a file is refused whole with the row, column and value when
it pays above the computed amount, pays a second time, or claims for too few months."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lnob.areas.models import Area
from lnob.core.errors import NotFound
from lnob.employment import registers
from lnob.employment.subsidies import services
from lnob.employment.subsidies.exports import bank_list
from lnob.employment.subsidies.models import TransportSubsidyClaim
from lnob.registry.selectors import today
from tests.personas import ZX
from tests.subsidies.conftest import YEAR, work

D = dt.date
PAID = today().isoformat()


@pytest.fixture
def claims(world, people):
    work(world.zx_cadre1, people["li"], D(YEAR, 2, 1), D(YEAR, 7, 31))
    work(world.zx_cadre2, people["zhao"], D(YEAR, 2, 1), D(YEAR, 12, 31), destination="浙江省宁波市")
    services.transport_compute(actor=world.zx_admin, area=Area.objects.get(code=ZX), year=YEAR)
    return {c.person.name: c for c in TransportSubsidyClaim.objects.select_related("person")}


def _csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_the_export_goes_back_in_unchanged(world, claims, tmp_path):
    services.transport_claim_approve(actor=world.zx_admin, claim=claims["李明"])
    data, name = registers.export_file(actor=world.zx_admin, name="transport_subsidies", fmt="xlsx")
    (tmp_path / name).write_bytes(data)
    result = registers.import_file(actor=world.zx_admin, name="transport_subsidies", path=tmp_path / name)
    assert (result.rows, result.created, result.updated) == (2, 0, 0)


def test_the_banks_answer_marks_the_approved_claims_paid(world, people, claims, tmp_path):
    for c in claims.values():
        services.transport_claim_approve(actor=world.zx_admin, claim=c)
    data, _name = bank_list(user=world.zx_admin, year=YEAR, area=None, fmt="xlsx")
    sheet = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    head, rows = list(sheet[0]), [dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]]
    for i, r in enumerate(rows):
        r.update(status="paid", paid_on=PAID, paid_amount=r["amount"], payment_reference=f"ICBC-{i}")
    answer = _csv(tmp_path / "bank.csv", [{k: r[k] for k in head} for r in rows])
    result = registers.import_file(actor=world.zx_admin, name="transport_subsidies", path=answer)
    assert (result.created, result.updated) == (0, 2)
    paid = TransportSubsidyClaim.objects.get(person=people["li"])
    assert (paid.status, paid.paid_amount, paid.payment_reference, paid.paid_by) == (
        "paid",
        Decimal("500.00"),
        "ICBC-0",
        world.zx_admin,
    )
    again = registers.import_file(actor=world.zx_admin, name="transport_subsidies", path=answer)
    assert (again.created, again.updated) == (0, 0)


def _row(p, **values) -> dict:
    base = {
        "id_number": p.id_number,
        "year": YEAR,
        "tier": "out_of_province",
        "amount": "500",
        "status": "computed",
        "paid_on": "",
        "paid_amount": "",
        "payment_reference": "",
        "reason": "",
    }
    return base | values


def test_a_file_paying_above_the_amount_paying_twice_or_claiming_too_few_months_is_refused_whole(
    world, people, claims, tmp_path
):
    li, zhao = claims["李明"], claims["赵芳"]
    services.transport_claim_approve(actor=world.zx_admin, claim=li)
    services.transport_claim_approve(actor=world.zx_admin, claim=zhao)
    services.transport_claim_pay(
        actor=world.zx_admin, claim=zhao, paid_on=today(), amount=Decimal(600), reference="A"
    )
    work(world.zx_cadre1, people["qian"], D(YEAR, 1, 1), D(YEAR, 12, 31))  # ordinary household
    li_too_much = _row(people["li"], status="paid", paid_on=PAID, paid_amount="500.01", payment_reference="B")
    zhao_twice = _row(
        people["zhao"], amount="600", status="paid", paid_on=PAID, paid_amount="300", payment_reference="B"
    )
    new_short = _row(people["sun"])  # 万州: not in the county's areas
    qian = _row(people["qian"])
    bad = _csv(tmp_path / "bad.csv", [li_too_much, zhao_twice, new_short, qian])
    with pytest.raises(registers.Refused) as refused:
        registers.import_file(actor=world.zx_admin, name="transport_subsidies", path=bad)
    found = {(p.row, p.column, p.value): p.message for p in refused.value.problems}
    assert found[(2, "paid_amount", "500.01")] == "发放金额不能高于核定金额（500.00 元）"
    assert "不能再次发放" in found[(3, "paid_on", PAID)]
    assert found[(4, "id_number", people["sun"].id_number)] == "此人未登记或不在您的管辖范围内"
    assert "不属于该规则的补助对象" in found[(5, "id_number", people["qian"].id_number)]
    assert TransportSubsidyClaim.objects.get(pk=li.pk).status == "approved"


def test_a_new_claim_in_a_file_is_checked_against_the_ledger(world, people, tmp_path):
    work(world.zx_cadre1, people["li"], D(YEAR, 1, 1), D(YEAR, 2, 28))  # two months
    work(
        world.zx_cadre2,
        people["zhao"],
        D(YEAR, 1, 1),
        D(YEAR, 6, 30),
        location="in_province",
        destination="昆明",
    )
    bad = _csv(
        tmp_path / "new.csv",
        [
            _row(people["li"]),
            _row(people["zhao"], tier="out_of_province", amount="300"),
            _row(people["zhao"], year=YEAR - 1, tier="in_province", amount="301"),
        ],
    )
    with pytest.raises(registers.Refused) as refused:
        registers.import_file(actor=world.zx_admin, name="transport_subsidies", path=bad)
    found = {(p.row, p.column): p.message for p in refused.value.problems}
    assert "县外务工 2.0 个月，不足规则要求的 3 个月" in found[(2, "months")]
    assert found[(3, "tier")] == "台账显示此人只达到“省内县外”"
    assert "没有此人" in found[(4, "months")]
    good = _csv(
        tmp_path / "good.csv", [_row(people["zhao"], tier="in_province", amount="300", status="approved")]
    )
    result = registers.import_file(actor=world.zx_admin, name="transport_subsidies", path=good)
    claim = TransportSubsidyClaim.objects.get(person=people["zhao"])
    assert result.created == 1 and (claim.status, claim.amount, claim.months) == (
        "approved",
        300,
        Decimal("6.0"),
    )


def test_only_the_county_imports_it_and_only_roles_seeing_ids_export_it(world, claims, tmp_path):
    data, name = registers.export_file(actor=world.zx_township, name="transport_subsidies", fmt="csv")
    (tmp_path / name).write_bytes(data)
    with pytest.raises(NotFound):
        registers.import_file(actor=world.zx_township, name="transport_subsidies", path=tmp_path / name)
    for user in (world.zx_auditor, world.zx_cadre1):
        with pytest.raises(NotFound):
            registers.export_file(actor=user, name="transport_subsidies", fmt="csv")
    data, _name = registers.export_file(actor=world.wz_admin, name="transport_subsidies", fmt="csv")
    assert data.decode("utf-8-sig").count("\n") == 1  # the header only
