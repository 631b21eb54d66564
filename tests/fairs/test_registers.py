"""The fairs' registers: each file applied whole and again changing nothing, a bad file refused
with file, row, column and value and nothing applied, and an export that goes back in unchanged;
one through the command line, one through the API."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from lnob.core.models import ApiToken
from lnob.employment import registers
from lnob.employment import services as ledger
from lnob.employment.fairs.models import Application, Attendee, FairVacancy, JobFair, Recruiter
from lnob.employment.models import Employer, Spell, Vacancy
from tests.personas import ZX, ZX_TOWN, ZX_V1, ZX_V2

from .conftest import FACTORY, HOTEL, D, head


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(actor, name, tmp_path, text, file="f.csv"):
    return registers.import_file(actor=actor, name=name, path=_write(tmp_path, file, text))


def _roundtrip(actor, name, tmp_path, fmt="xlsx"):
    data, _filename = registers.export_file(actor=actor, name=name, fmt=fmt)
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(data)
    return registers.import_file(actor=actor, name=name, path=path)


FAIRS_CSV = (
    "招聘会编号,名称,主办区域代码,开始日期,结束日期,举办地点,举办地所在村（社区）代码,状态\n"
    f"ZX-2026-01,2026年春风行动招聘会,{ZX},2026-03-05,2026-03-06,镇雄县体育馆,{ZX_V1},held\n"
    f"PJ-2026-01,泼机镇招聘会,{ZX_TOWN},2026-04-10,,泼机镇政府,{ZX_V2},\n"
)


def test_fairs_are_imported_once_and_their_export_goes_back_unchanged(world, tmp_path):
    first = _import(world.zx_admin, "fairs", tmp_path, FAIRS_CSV)
    assert (first.rows, first.created, first.updated) == (2, 2, 0)
    county, town = JobFair.objects.order_by("start")
    assert (county.status, county.end, town.status, town.end, town.area_id) == (
        "held",
        D(2026, 3, 6),
        "planned",
        D(2026, 4, 10),
        ZX_TOWN,
    )
    again = _import(world.zx_admin, "fairs", tmp_path, FAIRS_CSV)
    assert (again.created, again.updated) == (0, 0)
    back = _roundtrip(world.zx_admin, "fairs", tmp_path)
    assert (back.rows, back.created, back.updated) == (2, 0, 0)
    closed = FAIRS_CSV.replace("镇雄县体育馆,530627102201,held", "镇雄县体育馆,530627102201,closed")
    assert _import(world.zx_admin, "fairs", tmp_path, closed).updated == 1


def test_a_bad_fairs_file_is_refused_whole_with_where_and_why(world, tmp_path):
    bad = FAIRS_CSV + (
        f"ZX-2026-02,乡村招聘会,{ZX_V1},2026-05-01,,村委会,{ZX_V1},\n"
        f"ZX-2026-03,倒序招聘会,{ZX},2026-05-02,2026-05-01,广场,{ZX_V1},\n"
        f"ZX-2026-04,未来招聘会,{ZX},2099-05-02,,广场,{ZX_V1},held\n"
        f"ZX-2026-05,外县招聘会,500101000000,2026-05-02,,广场,500101103201,\n"
    )
    with pytest.raises(registers.Refused) as refused:
        _import(world.zx_admin, "fairs", tmp_path, bad, file="bad.csv")
    problems = [(p.file, p.row, p.column, p.value) for p in refused.value.problems]
    assert problems == [
        ("bad.csv", 4, "area", str(ZX_V1)),
        ("bad.csv", 5, "end", "2026-05-01"),
        ("bad.csv", 6, "status", "held"),
        ("bad.csv", 7, "area", "500101000000"),
    ]
    assert "县或乡镇" in refused.value.problems[0].message
    assert not JobFair.objects.exists()


def test_a_fairs_status_does_not_go_back(world, tmp_path):
    _import(world.zx_admin, "fairs", tmp_path, FAIRS_CSV)
    back = FAIRS_CSV.replace(",held\n", ",planned\n")
    with pytest.raises(registers.Refused) as refused:
        _import(world.zx_admin, "fairs", tmp_path, back)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "status")]


def test_a_township_imports_its_own_fairs_only(world, tmp_path):
    with pytest.raises(registers.Refused) as refused:
        _import(world.zx_township, "fairs", tmp_path, FAIRS_CSV)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "area")]
    from lnob.core.errors import NotFound

    with pytest.raises(NotFound):
        _import(world.zx_cadre1, "fairs", tmp_path, FAIRS_CSV)


VACANCIES_CSV = (
    "fair_code,employer_code,employer_name,booth,title,headcount,location,destination,wage_min,wage_max,"
    "age_min,age_max,housing,start\n"
    f"ZX-2026-01,{FACTORY},,A01,电子装配工,30,out_of_province,广东省东莞市,4000,6000,18,50,是,2026-03-20\n"
    f"ZX-2026-01,{FACTORY},,A01,质检员,5,out_of_province,广东省东莞市,4500,5500,18,50,是,2026-03-20\n"
    f"ZX-2026-01,{HOTEL},万州大酒店,B02,厨师,2,in_province,重庆市万州区,3500,5000,,,否,2026-04-01\n"
)


@pytest.fixture
def imported_fairs(world, tmp_path, factory):
    _import(world.zx_admin, "fairs", tmp_path, FAIRS_CSV, file="fairs.csv")


def test_a_fairs_vacancies_bring_their_recruiters_and_new_employers(world, tmp_path, imported_fairs):
    first = _import(world.zx_admin, "fair_vacancies", tmp_path, VACANCIES_CSV)
    assert (first.rows, first.created, first.updated) == (3, 3, 0)
    assert Employer.objects.get(credit_code=HOTEL).county_id == ZX  # added to the county's list
    assert sorted(Recruiter.objects.values_list("booth", flat=True)) == ["A01", "B02"]
    assert Vacancy.objects.count() == 3 and FairVacancy.objects.count() == 3
    assert Vacancy.objects.get(title="厨师").age_max == 60
    again = _import(world.zx_admin, "fair_vacancies", tmp_path, VACANCIES_CSV)
    assert (again.created, again.updated) == (0, 0)
    back = _roundtrip(world.zx_admin, "fair_vacancies", tmp_path, fmt="csv")
    assert (back.rows, back.created, back.updated) == (3, 0, 0)


def test_bad_fair_vacancies_are_refused_with_the_ledgers_reasons(world, tmp_path, imported_fairs):
    bad = VACANCIES_CSV.replace("万州大酒店", "") + (
        f"ZX-2026-01,{FACTORY},,A01,搬运工,0,in_county,,4000,6000,18,45,否,2026-03-20\n"
        f"ZX-2099-01,{FACTORY},,A01,司机,1,in_county,,4000,6000,18,45,否,2026-03-20\n"
        "ZX-2026-01,91441900MA4W123400,坏代码厂,,司机,1,in_county,,4000,6000,18,45,否,2026-03-20\n"
    )
    with pytest.raises(registers.Refused) as refused:
        _import(world.zx_admin, "fair_vacancies", tmp_path, bad)
    assert {(p.row, p.column) for p in refused.value.problems} == {
        (6, "fair_code"),
        (7, "employer_code"),
    }
    fixed = VACANCIES_CSV.replace("万州大酒店", "") + (
        f"ZX-2026-01,{FACTORY},,A01,搬运工,0,in_county,,4000,6000,18,45,否,2026-03-20\n"
    )
    with pytest.raises(registers.Refused) as refused:
        _import(world.zx_admin, "fair_vacancies", tmp_path, fixed)
    assert {(p.row, p.column) for p in refused.value.problems} == {(4, "employer_name")}
    named = VACANCIES_CSV + f"ZX-2026-01,{FACTORY},,A01,搬运工,0,in_county,,4000,6000,18,45,否,2026-03-20\n"
    with pytest.raises(registers.Refused) as refused:
        _import(world.zx_admin, "fair_vacancies", tmp_path, named)
    assert [(p.row, p.column, p.message) for p in refused.value.problems] == [
        (5, "headcount", "招聘人数必须大于 0")
    ]
    assert not Vacancy.objects.exists() and not Recruiter.objects.exists()
    assert list(Employer.objects.values_list("credit_code", flat=True)) == [FACTORY]


@pytest.fixture
def at_the_fair(world, tmp_path, imported_fairs):
    _import(world.zx_admin, "fair_vacancies", tmp_path, VACANCIES_CSV, file="v.csv")


def test_a_cadre_imports_the_attendees_of_the_village(world, tmp_path, households, at_the_fair):
    me, them = head(households["v1"]), head(households["v2"])
    text = f"fair_code,id_number,name,registered_on\nZX-2026-01,{me.id_number},{me.name},2026-03-01\n"
    first = _import(world.zx_cadre1, "fair_attendees", tmp_path, text)
    assert (first.created, first.updated) == (1, 0)
    assert Attendee.objects.get().village_id == ZX_V1
    assert _import(world.zx_cadre1, "fair_attendees", tmp_path, text).created == 0
    back = _roundtrip(world.zx_cadre1, "fair_attendees", tmp_path)
    assert (back.rows, back.created, back.updated) == (1, 0, 0)
    bad = (
        text
        + (
            f"ZX-2026-01,{them.id_number},,2026-03-01\n"  # 海子村: not cadre 1's
            f"ZX-2099-01,{me.id_number},,2026-03-01\n"
            f"ZX-2026-01,{me.id_number[:-1]}{'0' if me.id_number.endswith('X') else 'X'},,2026-03-01\n"
        )
    )
    with pytest.raises(registers.Refused) as refused:
        _import(world.zx_cadre1, "fair_attendees", tmp_path, bad)
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (3, "id_number"),
        (4, "fair_code"),
        (5, "id_number"),
    ]
    wrong_name = f"fair_code,id_number,name\nZX-2026-01,{them.id_number},张冠李戴\n"
    with pytest.raises(registers.Refused) as refused:
        _import(world.zx_cadre2, "fair_attendees", tmp_path, wrong_name)
    assert [(p.row, p.column, p.value) for p in refused.value.problems] == [(2, "name", "张冠李戴")]
    assert Attendee.objects.count() == 1


def test_the_attendees_export_holds_resident_ids_only_for_those_who_may_see_them(
    world, tmp_path, households, at_the_fair
):
    from auditlog.models import LogEntry

    me = head(households["v1"])
    _import(world.zx_cadre1, "fair_attendees", tmp_path, f"fair_code,id_number\nZX-2026-01,{me.id_number}\n")
    data, _name = registers.export_file(actor=world.zx_admin, name="fair_attendees", fmt="csv")
    assert me.id_number in data.decode("utf-8-sig")
    from lnob.core.errors import NotFound

    with pytest.raises(NotFound):
        registers.export_file(actor=world.zx_auditor, name="fair_attendees", fmt="csv")
    data, _name = registers.export_file(actor=world.zx_cadre2, name="fair_attendees", fmt="csv")
    assert me.id_number not in data.decode("utf-8-sig")  # another village's attendee
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=world.zx_admin).exists()


OUTCOMES_HEAD = (
    "fair_code,id_number,employer_code,title,vacancy_start,state,interviewed_on,offered_on,offered_wage,"
    "decided_on,reason,note\n"
)


def test_outcomes_write_the_hires_spells_in_bulk_and_again_change_nothing(
    world, tmp_path, households, at_the_fair
):
    me, them = head(households["v1"]), head(households["v2"])
    ledger.spell_record(actor=world.zx_cadre1, person=me, status="not_employed", start=D(2025, 6, 1))
    text = OUTCOMES_HEAD + (
        f"ZX-2026-01,{me.id_number},{FACTORY},电子装配工,2026-03-20,hired,2026-03-05,2026-03-05,4800,2026-03-20,,\n"
        f"ZX-2026-01,{me.id_number},{FACTORY},质检员,2026-03-20,declined,2026-03-05,,,2026-03-06,wage,\n"
        f"ZX-2026-01,{them.id_number},{HOTEL},厨师,2026-04-01,offered,2026-03-05,2026-03-06,4200,,,\n"
    )
    first = _import(world.zx_township, "fair_outcomes", tmp_path, text)
    assert (first.rows, first.created, first.updated) == (3, 3, 0)
    assert Attendee.objects.count() == 2  # registered on the way
    hired = Application.objects.get(state="hired")
    spell = hired.spell
    assert (spell.channel, spell.start, spell.monthly_wage, spell.employer.credit_code) == (
        "job_fair",
        D(2026, 3, 20),
        Decimal("4800.00"),
        FACTORY,
    )
    assert Spell.objects.get(person=me, status="not_employed").end == D(2026, 3, 19)
    again = _import(world.zx_township, "fair_outcomes", tmp_path, text)
    assert (again.created, again.updated) == (0, 0)
    back = _roundtrip(world.zx_township, "fair_outcomes", tmp_path)
    assert (back.rows, back.created, back.updated) == (3, 0, 0)
    # later: the cook starts work
    started = text.replace(
        ",offered,2026-03-05,2026-03-06,4200,,,", ",hired,2026-03-05,2026-03-06,4200,2026-04-01,,"
    )
    assert _import(world.zx_township, "fair_outcomes", tmp_path, started).updated == 1
    assert Spell.objects.get(person=them).start == D(2026, 4, 1)


def test_bad_outcomes_are_refused_whole_and_nothing_is_hired(world, tmp_path, households, at_the_fair):
    me, them = head(households["v1"]), head(households["v2"])
    ledger.spell_record(
        actor=world.zx_cadre1,
        person=me,
        status="employed",
        location="in_county",
        start=D(2026, 3, 1),
        end=D(2026, 5, 31),
    )
    text = OUTCOMES_HEAD + (
        f"ZX-2026-01,{me.id_number},{FACTORY},电子装配工,2026-03-20,hired,2026-03-05,2026-03-05,4800,2026-03-20,,\n"
        f"ZX-2026-01,{them.id_number},{HOTEL},厨师,2026-04-01,rejected,2026-03-05,,,2026-03-06,wage,\n"
        f"ZX-2026-01,{them.id_number},{FACTORY},质检员,2026-03-20,offered,2026-03-05,,,,,\n"
        f"ZX-2026-01,{them.id_number},{FACTORY},不存在的岗位,2026-03-20,applied,,,,,,\n"
    )
    with pytest.raises(registers.Refused) as refused:
        _import(world.zx_township, "fair_outcomes", tmp_path, text, file="bad.csv")
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (2, "decided_on"),
        (3, "reason"),
        (4, "offered_on"),
        (4, "offered_wage"),
        (5, "title"),
    ]
    assert "重叠" in refused.value.problems[0].message
    assert not Application.objects.exists() and not Attendee.objects.exists()
    assert Spell.objects.count() == 1


def test_an_outcome_does_not_go_back(world, tmp_path, households, at_the_fair):
    me = head(households["v1"])
    row = f"ZX-2026-01,{me.id_number},{FACTORY},电子装配工,2026-03-20,"
    _import(
        world.zx_cadre1,
        "fair_outcomes",
        tmp_path,
        OUTCOMES_HEAD + row + "rejected,2026-03-05,,,2026-03-05,skills,\n",
    )
    with pytest.raises(registers.Refused) as refused:
        _import(
            world.zx_cadre1, "fair_outcomes", tmp_path, OUTCOMES_HEAD + row + "interviewed,2026-03-05,,,,,\n"
        )
    assert [(p.row, p.column, p.value) for p in refused.value.problems] == [(2, "state", "interviewed")]


def test_the_command_line_imports_fairs_or_lists_the_problems(world, tmp_path):
    out = io.StringIO()
    call_command(
        "register",
        "import",
        "fairs",
        str(_write(tmp_path, "fairs.csv", FAIRS_CSV)),
        "--user",
        "zx_admin",
        stdout=out,
    )
    assert "created 2" in out.getvalue()
    bad = _write(tmp_path, "bad.csv", FAIRS_CSV.replace(f",{ZX_V2},", f",{ZX_V1}9,"))
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("register", "import", "fairs", str(bad), "--user", "zx_admin", stderr=err)
    assert "bad.csv 第 3 行，列 village" in err.getvalue()


def test_the_api_imports_outcomes_and_refuses_a_bad_file_with_its_problems(world, households, at_the_fair):
    me = head(households["v1"])
    api = Client(headers={"Authorization": f"Bearer {ApiToken.issue(user=world.zx_cadre1, name='t')[1]}"})
    good = io.BytesIO(
        (
            OUTCOMES_HEAD
            + f"ZX-2026-01,{me.id_number},{FACTORY},电子装配工,2026-03-20,interviewed,2026-03-05,,,,,\n"
        ).encode()
    )
    good.name = "outcomes.csv"
    applied = api.post("/api/v1/employment/registers/fair_outcomes", {"file": good})
    assert applied.status_code == 200 and applied.json()["created"] == 1
    bad = io.BytesIO(
        (
            OUTCOMES_HEAD
            + f"ZX-2026-01,{me.id_number},{FACTORY},电子装配工,2026-03-20,declined,,,,2026-03-06,skills,\n"
        ).encode()
    )
    bad.name = "bad.csv"
    refused = api.post("/api/v1/employment/registers/fair_outcomes", {"file": bad})
    assert refused.status_code == 422
    assert refused.json()["problems"][0] | {"message": ""} == {
        "file": "bad.csv",
        "row": 2,
        "column": "reason",
        "value": "skills",
        "message": "",
    }
    assert Application.objects.get().state == "interviewed"
