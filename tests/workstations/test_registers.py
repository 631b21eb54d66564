"""The workstations' registers in and out: a good file is applied and a second time changes
nothing; a bad file is refused with file, row, column and value and nothing is applied; an export
goes back in unchanged. Through the command line and the API as well."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from lnob.employment import registers
from lnob.employment.workstations.models import Dispute, Visit, Workstation
from tests.workstations.conftest import FACTORY, login

D = dt.date


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        columns = list(dict.fromkeys(k for row in rows for k in row))
        writer = csv.DictWriter(f, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def refused(actor, name: str, path: Path) -> list[tuple[int | None, str, str]]:
    with pytest.raises(registers.Refused) as err:
        registers.import_file(actor=actor, name=name, path=path)
    assert all(p.file == path.name for p in err.value.problems)
    return [(p.row, p.column, p.value) for p in err.value.problems]


def roundtrip(actor, name: str, tmp_path: Path) -> registers.Result:
    data, _filename = registers.export_file(actor=actor, name=name, fmt="csv")
    path = tmp_path / f"{name}-export.csv"
    path.write_bytes(data)
    return registers.import_file(actor=actor, name=name, path=path)


STATIONS = [
    {
        "name": "镇雄县驻东莞劳务工作站",
        "destination_city": "东莞市",
        "destination_province": "广东省",
        "contact_phone": "0769-85330000",
        "officers": "zx_officer",
        "opened_on": "2021-03-01",
    },
    {
        "name": "镇雄县驻宁波劳务工作站",
        "destination_city": "宁波市",
        "destination_province": "浙江省",
        "officers": "zx_officer2；zx_officer",
        "opened_on": "2023-06-01",
    },
]


def test_a_stations_file_is_applied_once(world, officers, station, tmp_path):
    path = write(tmp_path / "stations.csv", STATIONS)
    first = registers.import_file(actor=world.zx_admin, name="workstations", path=path)
    assert (first.created, first.updated) == (1, 1)
    ningbo = Workstation.objects.get(name="镇雄县驻宁波劳务工作站")
    assert sorted(ningbo.officers.values_list("username", flat=True)) == ["zx_officer", "zx_officer2"]
    again = registers.import_file(actor=world.zx_admin, name="workstations", path=path)
    assert (again.created, again.updated) == (0, 0)
    assert roundtrip(world.zx_admin, "workstations", tmp_path).updated == 0


def test_a_bad_stations_file_is_refused_whole(world, officers, tmp_path):
    rows = [
        STATIONS[1],
        {**STATIONS[0], "officers": "zx_cadre1"},
        {**STATIONS[0], "name": "驻苏州站", "opened_on": "2024-01-01", "closed_on": "2023-01-01"},
        {**STATIONS[0], "name": "驻广州站", "county": "500101000000"},
    ]
    problems = refused(world.zx_admin, "workstations", write(tmp_path / "bad.csv", rows))
    assert (3, "officers", "zx_cadre1") in problems
    assert (4, "closed_on", "2023-01-01") in problems
    assert (5, "county", "500101000000") in problems
    assert not Workstation.objects.exists()  # the good first row was not applied either


def test_only_the_countys_staff_import_stations(world, officers, tmp_path):
    from lnob.core.errors import NotFound

    path = write(tmp_path / "stations.csv", STATIONS)
    for outsider in (officers["zx_officer"], world.zx_cadre1):
        with pytest.raises(NotFound):
            registers.import_file(actor=outsider, name="workstations", path=path)
    problems = refused(world.zx_township, "workstations", path)  # runs a township, not the county
    assert problems and all(column == "county" for _row, column, _value in problems)


def disputes_rows(migrants):
    return [
        {
            "station": "镇雄县驻东莞劳务工作站",
            "id_number": migrants["李强"].id_number,
            "name": "李强",
            "employer_code": FACTORY,
            "kind": "wage_arrears",
            "amount_claimed": "10400",
            "opened_on": "2026-09-01",
            "summary": "拖欠两个月工资",
            "state": "resolved",
            "mediation_on": "2026-09-03",
            "closed_on": "2026-09-20",
            "amount_recovered": "10400",
            "escalated_to": "",
        },
        {
            "station": "镇雄县驻东莞劳务工作站",
            "id_number": migrants["赵梅"].id_number,
            "name": "",
            "employer_code": FACTORY,
            "kind": "injury",
            "amount_claimed": "0",
            "opened_on": "2026-10-01",
            "summary": "工伤",
            "state": "",
            "mediation_on": "",
            "closed_on": "",
            "amount_recovered": "",
            "escalated_to": "",
        },
    ]


def test_a_disputes_file_is_applied_once_and_moves_a_case_forward(world, station, migrants, tmp_path):
    rows = disputes_rows(migrants)
    path = write(tmp_path / "disputes.csv", rows)
    first = registers.import_file(actor=world.zx_admin, name="workstation_disputes", path=path)
    assert (first.created, first.updated) == (2, 0)
    resolved = Dispute.objects.get(person=migrants["李强"])
    assert (resolved.state, resolved.amount_recovered) == ("resolved", Decimal("10400"))
    assert registers.import_file(actor=world.zx_admin, name="workstation_disputes", path=path).updated == 0
    rows[1] |= {"state": "mediation", "mediation_on": "2026-10-03"}
    later = registers.import_file(actor=world.zx_admin, name="workstation_disputes", path=write(path, rows))
    injury = Dispute.objects.get(person=migrants["赵梅"])
    assert later.updated == 1 and injury.state == "mediation"
    assert [(e.action, e.to_state) for e in injury.events.all()] == [
        ("import", "intake"),
        ("import", "mediation"),
    ]
    assert roundtrip(world.zx_admin, "workstation_disputes", tmp_path).updated == 0


def test_a_bad_disputes_file_is_refused_with_where_and_why(world, station, migrants, tmp_path):
    good = disputes_rows(migrants)
    rows = [
        good[0] | {"amount_recovered": "20000"},
        good[1] | {"employer_code": "91441900MA4W999999"},
        good[1] | {"id_number": migrants["周涛"].id_number},  # of 万州
        good[1] | {"state": "escalated", "mediation_on": "2026-10-02", "closed_on": "2026-10-05"},
        good[0] | {"name": "王五", "opened_on": "2026-08-01", "mediation_on": "", "closed_on": "2026-08-09"},
    ]
    problems = refused(world.zx_admin, "workstation_disputes", write(tmp_path / "bad.csv", rows))
    assert (2, "amount_recovered", "20000.00") in problems
    assert (3, "employer_code", "91441900MA4W999999") in problems
    assert (4, "id_number", migrants["周涛"].id_number) in problems
    assert any(r == 5 and c == "escalated_to" for r, c, _v in problems)
    assert (6, "name", "王五") in problems
    assert not Dispute.objects.exists()


def test_a_closed_case_is_not_moved_back_by_a_file(world, station, migrants, tmp_path):
    rows = disputes_rows(migrants)[:1]
    registers.import_file(
        actor=world.zx_admin, name="workstation_disputes", path=write(tmp_path / "d.csv", rows)
    )
    back = [rows[0] | {"state": "mediation", "closed_on": ""}]
    problems = refused(world.zx_admin, "workstation_disputes", write(tmp_path / "back.csv", back))
    assert problems == [(2, "state", "mediation")]


def test_the_disputes_register_names_people_so_only_those_who_may_see_ids_export_it(world, station):
    register = registers.get("workstation_disputes")
    assert register.sensitive
    assert registers.may_export(world.zx_admin, register)
    assert not registers.may_export(world.zx_auditor, register)  # auditors do not see ID numbers


VISITS = [
    {
        "station": "镇雄县驻东莞劳务工作站",
        "on": "2026-10-12",
        "visitors": "王海",
        "employer_code": FACTORY,
        "place": "",
        "persons_met": "12",
        "notes": "工资按月发放",
    },
    {
        "station": "镇雄县驻东莞劳务工作站",
        "on": "2026-10-13",
        "visitors": "王海、李梅",
        "employer_code": "",
        "place": "长安镇宿舍区",
        "persons_met": "",
        "notes": "",
    },
]


def test_a_visits_file_through_the_command_line(world, station, factory, tmp_path, capsys):
    path = write(tmp_path / "visits.csv", VISITS)
    call_command("register", "import", "workstation_visits", str(path), "--user", "zx_admin")
    assert "created 2, updated 0" in capsys.readouterr().out
    call_command("register", "import", "workstation_visits", str(path), "--user", "zx_admin")
    assert "created 0, updated 0" in capsys.readouterr().out
    out = tmp_path / "out.csv"
    call_command("register", "export", "workstation_visits", "--user", "zx_admin", "-o", str(out))
    call_command("register", "import", "workstation_visits", str(out), "--user", "zx_admin")
    assert "created 0, updated 0" in capsys.readouterr().out.splitlines()[-1]
    assert Visit.objects.count() == 2 and Visit.objects.get(place="长安镇宿舍区").persons_met == 0


def test_a_bad_visits_file_through_the_command_line_applies_nothing(
    world, station, factory, tmp_path, capsys
):
    rows = [
        VISITS[0],
        VISITS[1] | {"place": ""},
        VISITS[0] | {"on": "2020-01-01"},
        VISITS[0] | {"persons_met": "-3"},
    ]
    with pytest.raises(SystemExit):
        call_command(
            "register",
            "import",
            "workstation_visits",
            str(write(tmp_path / "bad.csv", rows)),
            "--user",
            "zx_admin",
        )
    err = capsys.readouterr().err
    assert (
        "bad.csv 第 3 行，列 place" in err
        and "bad.csv 第 4 行，列 on" in err
        and "第 5 行，列 persons_met" in err
    )
    assert not Visit.objects.exists()


def test_a_stations_file_through_the_api(world, officers, station, tmp_path):
    c = login(world.zx_admin)
    with write(tmp_path / "stations.csv", STATIONS).open("rb") as f:
        ok = c.post("/api/v1/employment/registers/workstations", {"file": f})
    assert ok.status_code == 200 and ok.json()["created"] == 1
    bad = [STATIONS[0] | {"name": "驻苏州站", "opened_on": "2099-01-01"}]
    with write(tmp_path / "bad.csv", bad).open("rb") as f:
        no = c.post("/api/v1/employment/registers/workstations", {"file": f})
    assert no.status_code == 422
    assert no.json()["problems"] == [
        {
            "file": "bad.csv",
            "row": 2,
            "column": "opened_on",
            "value": "2099-01-01",
            "message": "日期不能晚于今天",
        }
    ]
    assert not Workstation.objects.filter(name="驻苏州站").exists()


def test_the_registers_screen_offers_the_stations_registers(world, station):
    c = login(world.zx_admin)
    page = c.get("/employment/registers/").content.decode()
    assert all(
        f'data-register="{name}"' in page
        for name in ("workstations", "workstation_disputes", "workstation_visits")
    )
    template = c.get("/employment/registers/workstation_disputes/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
