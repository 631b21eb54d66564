"""The training registers through `lnob register` and `POST /api/v1/employment/registers/{name}`,
and on the registers screen."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from lnob.employment.training.models import Course, Enrolment

from .conftest import login
from .registers_helpers import write

HEADER = [
    "area",
    "title",
    "skill",
    "provider",
    "start",
    "end",
    "hours",
    "mode",
    "cost_per_trainee",
    "places",
    "status",
]
ROW = [
    "530627102000",
    "电工培训班",
    "电工",
    "县职校",
    "2026-03-02",
    "2026-03-16",
    "120",
    "",
    "2400",
    "30",
    "",
]


def test_the_command_line_imports_refuses_and_exports_courses(world, tmp_path):
    good = write(tmp_path, "good", HEADER, [ROW])
    out = io.StringIO()
    call_command("register", "import", "training_courses", str(good), "--user", "zx_township", stdout=out)
    assert "created 1" in out.getvalue() and Course.objects.count() == 1
    bad = write(tmp_path, "bad", HEADER, [[*ROW[:6], "0", "", "2400", "30", ""]])
    err = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("register", "import", "training_courses", str(bad), "--user", "zx_township", stderr=err)
    assert stopped.value.code == 1 and "bad.csv 第 2 行，列 hours，值 “0”：课时必须大于 0" in err.getvalue()
    target = tmp_path / "out.csv"
    call_command(
        "register",
        "export",
        "training_courses",
        "--user",
        "zx_admin",
        "-o",
        str(target),
        stdout=io.StringIO(),
    )
    assert "电工培训班" in target.read_text(encoding="utf-8-sig")


def test_the_api_imports_trainees_and_refuses_a_bad_file_with_every_problem(world, course, poor, tmp_path):
    header = ["course_area", "course_title", "course_start", "id_number"]
    c = login(world.zx_township)
    good = write(tmp_path, "t", header, [["530627102000", "中式烹调师培训班", "2026-09-01", poor.id_number]])
    with good.open("rb") as f:
        answer = c.post("/api/v1/employment/registers/training_enrolments", {"file": f})
    assert answer.status_code == 200 and answer.json()["created"] == 1
    bad = write(
        tmp_path, "b", header, [["530627102000", "中式烹调师培训班", "2026-09-01", "530627199001011234"]]
    )
    with bad.open("rb") as f:
        refused = c.post("/api/v1/employment/registers/training_enrolments", {"file": f})
    assert refused.status_code == 422
    [problem] = refused.json()["problems"]
    assert (problem["file"], problem["row"], problem["column"], problem["value"]) == (
        "b.csv",
        2,
        "id_number",
        "530627199001011234",
    )
    assert Enrolment.objects.count() == 1
    listed = {r["name"]: r for r in c.get("/api/v1/employment/registers").json()}
    assert (
        listed["training_enrolments"]["may_import"]
        and not listed["training_allowance_payments"]["may_import"]
    )


def test_the_registers_screen_offers_the_training_registers_to_whom_they_belong(world):
    page = login(world.zx_admin).get("/employment/registers/")
    names = ("training_courses", "training_enrolments", "training_attendance", "training_allowance_payments")
    for name in (*names, "rain_dew_students", "rain_dew_payments"):
        assert name in page.text
