"""The workshops' registers: workshops, rosters and claims in and out as CSV or XLSX. A good file
is applied whole and a second time changes nothing; a bad one is refused with file, row, column
and value, and nothing is applied; an export goes back in unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from lnob.employment import registers
from lnob.employment.models import Spell
from lnob.employment.workshops.models import ClaimLine, SubsidyClaim, Workshop, WorkshopJob
from tests.personas import WZ, WZ_V1, ZX_V1
from tests.workshops.helpers import make_employer, make_worker

D = dt.date


def _csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _import(actor: Any, name: str, path: Path) -> registers.Result:
    return registers.import_file(actor=actor, name=name, path=path)


def _roundtrip(actor: Any, name: str, tmp_path: Path) -> registers.Result:
    data, _filename = registers.export_file(actor=actor, name=name, fmt="csv")
    path = tmp_path / f"{name}-export.csv"
    path.write_bytes(data)
    return _import(actor, name, path)


WORKSHOP_HEADER = [
    "employer_code",
    "name",
    "type",
    "village",
    "address",
    "recognised_on",
    "rating",
    "rating_year",
    "managers",
]


def test_the_workshops_register_applies_a_good_file_once(world, manager, tmp_path):
    employer = make_employer(world.wz_admin, WZ, 11, "万州柑橘合作社")
    path = _csv(tmp_path / "workshops.csv", WORKSHOP_HEADER, [
        [employer.credit_code, "石碾村柑橘分拣车间", "farming", WZ_V1, "三组", "2025-06-30", "good", 2025,
         "wz_ws_manager"],
        [employer.credit_code.lower(), "石碾村电商车间", "trade", WZ_V1, "", "", "", "", ""],
    ])  # fmt: skip
    result = _import(world.wz_admin, "workshops", path)
    assert (result.created, result.updated) == (2, 0)
    sorting = Workshop.objects.get(name="石碾村柑橘分拣车间")
    assert (
        sorting.state == "normal"
        and sorting.recognised_on == D(2025, 6, 30)
        and list(sorting.managers.all()) == [manager]
    )
    assert Workshop.objects.get(name="石碾村电商车间").state == "applied"
    again = _import(world.wz_admin, "workshops", path)
    assert (again.created, again.updated) == (0, 0)
    back = _roundtrip(world.wz_admin, "workshops", tmp_path)
    assert (back.rows, back.created, back.updated) == (2, 0, 0)


def test_a_bad_workshops_file_is_refused_with_every_problem_and_nothing_applied(world, manager, tmp_path):
    employer = make_employer(world.wz_admin, WZ, 12)
    path = _csv(tmp_path / "bad.csv", WORKSHOP_HEADER, [
        [employer.credit_code, "好车间", "farming", WZ_V1, "", "", "", "", ""],
        ["91500101MA0000000X", "无主车间", "farming", WZ_V1, "", "", "", "", ""],
        [employer.credit_code, "镇雄的村", "farming", ZX_V1, "", "", "", "", ""],
        [employer.credit_code, "只有等次", "farming", WZ_V1, "", "", "good", "", ""],
        [employer.credit_code, "负责人不对", "farming", WZ_V1, "", "", "", "", "wz_cadre"],
        [employer.credit_code, "类型不对", "mine", WZ_V1, "", "", "", "", ""],
    ])  # fmt: skip
    with pytest.raises(registers.Refused) as refused:
        _import(world.wz_admin, "workshops", path)
    found = {(p.row, p.column) for p in refused.value.problems}
    assert found >= {(3, "employer_code"), (4, "village"), (5, "rating_year"), (6, "managers"), (7, "type")}
    assert all(p.file == "bad.csv" for p in refused.value.problems)
    assert not Workshop.objects.exists()


ROSTER_HEADER = ["employer_code", "workshop", "id_number", "start", "end", "monthly_wage", "full_time"]


def test_the_roster_register_writes_spells_of_the_workshop_channel(world, shop, workers, tmp_path):
    code = shop.employer.credit_code
    path = _csv(tmp_path / "roster.csv", ROSTER_HEADER, [
        [code, shop.name, workers[0].id_number, "2026-01-05", "", "2100", "是"],
        [code, shop.name, workers[1].id_number, "2026-01-05", "2026-04-30", "2100", "是"],
    ])  # fmt: skip
    result = _import(world.wz_admin, "workshop_roster", path)
    assert (result.created, result.updated) == (2, 0)
    spells = Spell.objects.filter(channel="workshop", employer=shop.employer)
    assert spells.count() == 2 and WorkshopJob.objects.filter(workshop=shop).count() == 2
    assert (
        _import(world.wz_admin, "workshop_roster", path).created,
        _import(world.wz_admin, "workshop_roster", path).updated,
    ) == (0, 0)
    # a later file closes the open spell
    closing = _csv(
        tmp_path / "roster2.csv",
        ROSTER_HEADER,
        [[code, shop.name, workers[0].id_number, "2026-01-05", "2026-10-31", "2100", "是"]],
    )
    assert _import(world.wz_admin, "workshop_roster", closing).updated == 1
    assert spells.get(person=workers[0]).end == D(2026, 10, 31)
    back = _roundtrip(world.wz_admin, "workshop_roster", tmp_path)
    assert (back.rows, back.created, back.updated) == (2, 0, 0)


def test_a_bad_roster_file_is_refused_and_nothing_applied(world, households, shop, workers, tmp_path):
    from tests.workshops.helpers import head

    code = shop.employer.credit_code
    zhenxiong = head(households["v1"])
    path = _csv(tmp_path / "bad-roster.csv", ROSTER_HEADER, [
        [code, shop.name, workers[0].id_number, "2026-01-05", "", "2100", "是"],
        [code, shop.name, zhenxiong.id_number, "2026-01-05", "", "2100", "是"],
        [code, shop.name, workers[1].id_number, "2026-05-01", "2026-04-01", "", ""],
        [code, shop.name, workers[0].id_number, "2026-03-01", "", "", ""],
        [code, "没有的车间", workers[2].id_number, "2026-01-05", "", "", ""],
    ])  # fmt: skip
    with pytest.raises(registers.Refused) as refused:
        _import(world.wz_admin, "workshop_roster", path)
    found = {(p.row, p.column) for p in refused.value.problems}
    assert found >= {(3, "id_number"), (4, "end"), (5, "start"), (6, "workshop")}
    assert not Spell.objects.exists()


def test_the_roster_register_through_the_command_line(world, shop, workers, tmp_path):
    path = _csv(
        tmp_path / "cli.csv",
        ROSTER_HEADER,
        [[shop.employer.credit_code, shop.name, workers[0].id_number, "2026-01-05", "", "", ""]],
    )
    out = io.StringIO()
    call_command("register", "import", "workshop_roster", str(path), "--user", "wz_admin", stdout=out)
    assert "created 1" in out.getvalue()
    target = tmp_path / "out.xlsx"
    call_command(
        "register", "export", "workshop_roster", "--user", "wz_admin", "-o", str(target), stdout=io.StringIO()
    )
    assert target.stat().st_size > 0
    assert _import(world.wz_admin, "workshop_roster", target).created == 0


def test_a_manager_cannot_export_the_sensitive_roster(world, shop, manager):
    from lnob.core.errors import NotFound

    with pytest.raises(NotFound):
        registers.export_file(actor=manager, name="workshop_roster", fmt="csv")


CLAIM_HEADER = ["employer_code", "workshop", "kind", "period_start", "period_end", "id_number", "months"]


def test_the_claims_register_drafts_claims_and_refuses_what_the_ledger_does_not_show(
    world, recognised, workers, tmp_path
):
    code, name = recognised.employer.credit_code, recognised.name
    outsider = make_worker(world.wz_cadre, WZ_V1, poor=True, name="未入职", birth="19900101")
    bad = _csv(tmp_path / "bad-claims.csv", CLAIM_HEADER, [
        [code, name, "workshop_subsidy", "2026-01-01", "2026-06-30", workers[0].id_number, 6],
        [code, name, "workshop_subsidy", "2026-01-01", "2026-06-30", outsider.id_number, 6],
    ])  # fmt: skip
    with pytest.raises(registers.Refused) as refused:
        _import(world.wz_admin, "workshop_claims", bad)
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "id_number")]
    too_many = _csv(tmp_path / "too-many.csv", CLAIM_HEADER, [
        [code, name, "workshop_subsidy", "2026-01-01", "2026-06-30", workers[0].id_number, 6],
        [code, name, "workshop_subsidy", "2026-01-01", "2026-06-30", workers[1].id_number, 9],
    ])  # fmt: skip
    with pytest.raises(registers.Refused) as refused:
        _import(world.wz_admin, "workshop_claims", too_many)
    assert [(p.row, p.column, p.value) for p in refused.value.problems] == [(3, "months", "9")]
    assert not SubsidyClaim.objects.exists()

    good = _csv(tmp_path / "claims.csv", CLAIM_HEADER, [
        [code, name, "workshop_subsidy", "2026-01-01", "2026-06-30", workers[0].id_number, 6],
        [code, name, "workshop_subsidy", "2026-01-01", "2026-06-30", workers[1].id_number, ""],
    ])  # fmt: skip
    assert _import(world.wz_admin, "workshop_claims", good).created == 1
    claim = SubsidyClaim.objects.get()
    assert claim.state == "draft" and str(claim.amount) == "5600.00" and ClaimLine.objects.count() == 2
    assert (
        _import(world.wz_admin, "workshop_claims", good).created,
        _import(world.wz_admin, "workshop_claims", good).updated,
    ) == (0, 0)
    from lnob.employment.workshops import claims

    claims.claim_submit(actor=world.wz_admin, claim=claim)
    back = _roundtrip(world.wz_admin, "workshop_claims", tmp_path)
    assert (back.rows, back.created, back.updated) == (2, 0, 0)


def test_the_claims_register_through_the_api(world, recognised, workers, tmp_path):
    code, name = recognised.employer.credit_code, recognised.name
    path = _csv(
        tmp_path / "api.csv",
        CLAIM_HEADER,
        [[code, name, "workshop_subsidy", "2026-01-01", "2026-03-31", workers[2].id_number, ""]],
    )
    c = Client()
    c.force_login(world.wz_admin)
    with path.open("rb") as f:
        response = c.post("/api/v1/employment/registers/workshop_claims", {"file": f})
    assert response.status_code == 200 and response.json()["created"] == 1
    bad = _csv(
        tmp_path / "api-bad.csv",
        CLAIM_HEADER,
        [[code, name, "workshop_subsidy", "2026-04-01", "2026-04-30", "11010519491231002X", ""]],
    )
    with bad.open("rb") as f:
        refused = c.post("/api/v1/employment/registers/workshop_claims", {"file": f})
    assert refused.status_code == 422
    problem = refused.json()["problems"][0]
    assert (problem["file"], problem["row"], problem["column"]) == ("api-bad.csv", 2, "id_number")
    assert SubsidyClaim.objects.count() == 1


def test_the_registers_screen_offers_the_workshops_registers(world, shop):
    c = Client()
    c.force_login(world.wz_admin)
    html = c.get("/employment/registers/").content.decode()
    assert all(name in html for name in ("workshops", "workshop_roster", "workshop_claims"))
    template = c.get("/employment/registers/workshop_roster/template.xlsx")
    assert template.status_code == 200
