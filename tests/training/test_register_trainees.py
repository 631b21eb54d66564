"""The trainees (training_enrolments) and attendance (training_attendance) registers: in, again,
refused, out and back; both hold resident IDs."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from lnob.core.errors import NotFound
from lnob.employment import registers
from lnob.employment.training.models import Attendance, Enrolment

from .conftest import head
from .registers_helpers import load, messages, refused, round_trip, write

E_HEADER = ["course_area", "course_title", "course_start", "id_number", "name", "enrolled_on", "completed_on",
            "certificate_kind", "certificate_number", "certificate_date"]  # fmt: skip
A_HEADER = ["course_area", "course_title", "course_start", "id_number", "name", "day", "hours"]
KEY = ["530627102000", "中式烹调师培训班", "2026-09-01"]


def _enrol_rows(*people, **extra):
    return [[*KEY, p.id_number, p.name, "2026-08-20", "", "", "", ""] for p in people]


def _days(p, n):
    return [[*KEY, p.id_number, "", f"2026-09-{d:02d}", ""] for d in range(1, n + 1)]


def test_trainees_then_attendance_then_completions_go_in_and_again_change_nothing(
    world, course, poor, ordinary, tmp_path
):
    officer = world.zx_township
    path = write(tmp_path, "enrol", E_HEADER, _enrol_rows(poor, ordinary))
    assert load(officer, "training_enrolments", path).created == 2
    assert load(officer, "training_enrolments", path).created == 0
    days = write(tmp_path, "days", A_HEADER, _days(poor, 9) + _days(ordinary, 3))
    assert load(officer, "training_attendance", days).created == 12
    assert (load(officer, "training_attendance", days).created, Attendance.objects.count()) == (0, 12)
    done = [
        [*KEY, poor.id_number, poor.name, "2026-08-20", "2026-09-10", "skill_level", "S0001", "2026-09-30"]
    ]
    assert load(officer, "training_enrolments", write(tmp_path, "done", E_HEADER, done)).updated == 1
    e = Enrolment.objects.get(person=poor)
    assert (str(e.completed_on), e.certificate_number) == ("2026-09-10", "S0001")
    short = [[*KEY, ordinary.id_number, "", "", "2026-09-10", "", "", ""]]
    assert (
        "出勤比例 30% 低于结业要求 80%"
        in messages(officer, "training_enrolments", write(tmp_path, "short", E_HEADER, short))[0]
    )


def test_a_bad_trainee_file_is_refused_row_by_row_and_nothing_is_applied(
    world, course, poor, ordinary, households, tmp_path
):
    foreign = head(households["wz"])
    rows = [
        *_enrol_rows(poor),
        [*KEY, "530627199001011234", "", "", "", "", "", ""],
        [*KEY, foreign.id_number, "", "", "", "", "", ""],
        [*KEY, ordinary.id_number, "别人", "", "", "", "", ""],
        [
            *KEY,
            ordinary.id_number[:-1] + ("1" if ordinary.id_number.endswith("0") else "0"),
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        ["530627102000", "没有的班", "2026-09-01", poor.id_number, "", "", "", "", "", ""],
        [*KEY, ordinary.id_number, "", "", "", "skill_level", "S1", "2026-09-30"],
    ]
    problems = refused(world.zx_township, "training_enrolments", write(tmp_path, "bad", E_HEADER, rows))
    assert (3, "id_number", "530627199001011234") in problems  # not registered here
    assert (4, "id_number", foreign.id_number) in problems  # registered elsewhere: the same words
    assert (5, "name", "别人") in problems
    assert 6 in {row for row, column, _v in problems if column == "id_number"}  # a bad checksum
    assert (7, "course_title", "没有的班") in problems
    assert not Enrolment.objects.exists()
    cert = refused(
        world.zx_township, "training_enrolments", write(tmp_path, "cert", E_HEADER, rows[:1] + rows[-1:])
    )
    assert cert == [(3, "certificate_number", "skill_level")]


def test_a_bad_attendance_file_is_refused(world, course, poor, ordinary, tmp_path):
    load(world.zx_township, "training_enrolments", write(tmp_path, "enrol", E_HEADER, _enrol_rows(poor)))
    rows = [
        [*KEY, poor.id_number, "", "2026-08-31", ""],
        [*KEY, poor.id_number, "", "2026-09-02", "3"],
        [*KEY, ordinary.id_number, "", "2026-09-02", ""],
    ]
    problems = refused(world.zx_township, "training_attendance", write(tmp_path, "bad", A_HEADER, rows))
    assert [(r, c) for r, c, _v in problems] == [(2, "day"), (3, "hours"), (4, "id_number")]
    assert not Attendance.objects.exists()


def test_the_exports_go_back_in_unchanged_are_audited_and_need_sensitive_access(
    world, course, poor, ordinary, tmp_path
):
    officer = world.zx_township
    load(officer, "training_enrolments", write(tmp_path, "enrol", E_HEADER, _enrol_rows(poor, ordinary)))
    load(officer, "training_attendance", write(tmp_path, "days", A_HEADER, _days(poor, 9)))
    load(
        officer,
        "training_enrolments",
        write(tmp_path, "done", E_HEADER, [[*KEY, poor.id_number, "", "", "2026-09-10", "", "", ""]]),
    )
    for name in ("training_enrolments", "training_attendance"):
        data, result = round_trip(officer, name, tmp_path)
        assert poor.id_number in data.decode("utf-8-sig") and (result.created, result.updated) == (0, 0)
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=officer).count() >= 2
    with pytest.raises(NotFound):  # an auditor reads everything but personal fields
        registers.export_file(actor=world.zx_auditor, name="training_enrolments", fmt="csv")
