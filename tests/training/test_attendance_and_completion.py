"""Attendance day by day, completion on enough of it, and the certificate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lnob.areas.models import Area
from lnob.areas.services import area_create_unchecked
from lnob.core.errors import DomainError, NotFound
from lnob.employment.training import services
from lnob.employment.training.messages import TMsg
from lnob.employment.training.models import Attendance, Enrolment
from tests.personas import make_household

from .conftest import END, START, attend, head, login, make_course


@pytest.fixture
def two(world, course, poor, ordinary):
    return [
        services.enrolment_create(actor=world.zx_township, course=course, person=p) for p in (poor, ordinary)
    ]


def test_the_days_sheet_records_who_was_present_and_again_changes_nothing(world, course, two):
    a, b = two
    n = services.attendance_mark(
        actor=world.zx_township, course=course, day=START, present={a.pk: None, b.pk: None}
    )
    assert n == 2
    services.attendance_mark(actor=world.zx_township, course=course, day=START, present={a.pk: None})
    row = Attendance.objects.get()
    services.attendance_mark(actor=world.zx_township, course=course, day=START, present={a.pk: None})
    assert list(Attendance.objects.values_list("pk", "enrolment_id", "day", "hours")) == [
        (row.pk, a.pk, START, None)
    ]


@pytest.mark.parametrize(
    ("day", "field"), [(START - dt.timedelta(days=1), "day"), (END + dt.timedelta(days=1), "day")]
)
def test_a_day_outside_the_course_is_refused(world, course, two, day, field):
    with pytest.raises(DomainError) as refused:
        services.attendance_mark(actor=world.zx_township, course=course, day=day, present={two[0].pk: None})
    assert refused.value.field == field and "培训期" in str(refused.value.message)


def test_a_future_day_and_a_stranger_on_the_sheet_are_refused(world, two):
    future = make_course(
        world.zx_township, title="明年的班", start=dt.date(2099, 1, 1), end=dt.date(2099, 1, 5)
    )
    with pytest.raises(DomainError):
        services.attendance_mark(actor=world.zx_township, course=future, day=dt.date(2099, 1, 2), present={})
    with pytest.raises(DomainError) as refused:
        services.attendance_mark(
            actor=world.zx_township, course=two[0].course, day=START, present={999999: None}
        )
    assert refused.value.message == TMsg.NOT_OF_COURSE


def test_an_online_course_takes_class_hours_and_refuses_a_day_without_them(world, poor):
    online = make_course(world.zx_township, title="线上育婴员", mode="online", hours=10)
    e = services.enrolment_create(actor=world.zx_township, course=online, person=poor)
    with pytest.raises(DomainError) as refused:
        services.attendance_mark(actor=world.zx_township, course=online, day=START, present={e.pk: None})
    assert refused.value.message == TMsg.ONLINE_NEEDS_HOURS
    services.attendance_mark(
        actor=world.zx_township, course=online, day=START, present={e.pk: Decimal("2.5")}
    )
    assert Attendance.objects.get(enrolment=e).hours == Decimal("2.5")


def test_only_the_courses_managers_take_attendance(world, course, two):
    for user in (world.zx_cadre1, world.wz_admin, world.zx_auditor):
        with pytest.raises(NotFound):
            services.attendance_mark(actor=user, course=course, day=START, present={})


def test_completion_needs_the_rules_share_of_attendance_and_names_the_rule(world, course, two):
    a, _b = two
    attend(world.zx_township, course, [a], 7)  # 7 of 10 days
    with pytest.raises(DomainError) as refused:
        services.enrolment_complete(actor=world.zx_township, enrolment=a, day=END)
    message = str(refused.value.message)
    assert (
        refused.value.field == "attendance" and "70%" in message and "80%" in message and "25 元" in message
    )
    attend(world.zx_township, course, [a], 8)
    done = services.enrolment_complete(actor=world.zx_township, enrolment=a, day=END)
    assert done.completed_on == END
    with pytest.raises(DomainError) as refused:
        services.enrolment_complete(actor=world.zx_township, enrolment=a, day=END)
    assert refused.value.message == TMsg.ALREADY_COMPLETED


def test_completion_cannot_come_before_the_last_day_attended(world, course, two):
    a, _b = two
    attend(world.zx_township, course, [a], 10)
    with pytest.raises(DomainError) as refused:
        services.enrolment_complete(actor=world.zx_township, enrolment=a, day=END - dt.timedelta(days=1))
    assert "最后一次出勤" in str(refused.value.message)


def test_ending_a_course_completes_everyone_who_attended_enough_and_names_the_others(world, course, two):
    a, b = two
    attend(world.zx_township, course, [a], 9)
    services.attendance_mark(
        actor=world.zx_township, course=course, day=START, present={a.pk: None, b.pk: None}
    )
    n, short = services.course_complete(actor=world.zx_township, course=course, day=END)
    assert (n, short) == (1, [b.person.name])
    assert (
        Enrolment.objects.get(pk=a.pk).completed_on == END
        and Enrolment.objects.get(pk=b.pk).completed_on is None
    )
    course.refresh_from_db()
    assert course.status == "finished"


def test_a_completed_trainees_attendance_stays_as_it_was(world, course, two):
    a, b = two
    attend(world.zx_township, course, [a, b], 10)
    services.enrolment_complete(actor=world.zx_township, enrolment=a, day=END)
    services.attendance_mark(actor=world.zx_township, course=course, day=START, present={})
    assert Attendance.objects.filter(enrolment=a).count() == 10
    assert Attendance.objects.filter(enrolment=b).count() == 9


def test_a_certificate_is_recorded_once_and_only_after_completion(world, course, two):
    a, _b = two
    record = lambda **kw: services.certificate_record(  # noqa: E731
        actor=world.zx_township, enrolment=a, **({"kind": "skill_level", "number": "S001", "date": END} | kw)
    )
    with pytest.raises(DomainError) as refused:
        record()
    assert refused.value.message == TMsg.NOT_COMPLETED
    attend(world.zx_township, course, [a], 10)
    services.enrolment_complete(actor=world.zx_township, enrolment=a, day=END)
    for bad, field in (({"kind": "diploma"}, "certificate_kind"), ({"number": " "}, "certificate_number"),
                       ({"date": dt.date(2099, 1, 1)}, "certificate_date")):  # fmt: skip
        with pytest.raises(DomainError) as refused:
            record(**bad)
        assert refused.value.field == field
    e = record()
    assert (e.certificate_kind, e.certificate_number, e.certificate_date) == ("skill_level", "S001", END)
    with pytest.raises(DomainError) as refused:
        record(number="S002")
    assert refused.value.message == TMsg.CERTIFICATE_TAKEN


def test_a_sheet_leaves_alone_the_trainees_its_taker_cannot_see(world, course, two):
    town = area_create_unchecked(code=530627103000, name="另一镇", parent=Area.objects.get(code=530627000000))
    area_create_unchecked(code=530627103201, name="另一村", parent=town)
    stranger = head(make_household(world.zx_admin, 530627103201, "5306271032010001"))
    theirs = services.enrolment_create(actor=world.zx_admin, course=course, person=stranger)
    services.attendance_mark(actor=world.zx_admin, course=course, day=START, present={theirs.pk: None})
    sheet = login(world.zx_township).post(
        f"/employment/training/courses/{course.pk}/attendance/",
        {"day": START.isoformat(), f"present_{two[0].pk}": "1"},
    )
    assert sheet.status_code == 302
    assert set(Attendance.objects.values_list("enrolment_id", flat=True)) == {two[0].pk, theirs.pk}
