"""Pinned query counts: the training screens do not issue a query per course or trainee."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lnob.employment.training import services
from tests.personas import ZX_V1, make_household, person

from .conftest import attend, head, login, make_course


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _people(world, n: int) -> list:
    return [
        head(
            make_household(
                world.zx_cadre1, ZX_V1, f"53062710220110{i:02d}", head=person(name=f"学员{i}"),
                status="out_of_poverty", left_poverty_year=2019,
            )
        )
        for i in range(n)
    ]  # fmt: skip


def test_the_course_list_does_not_grow_with_courses(world, course):
    c = login(world.zx_township)
    few = queries(c, "/employment/training/")
    for i in range(8):
        make_course(world.zx_township, title=f"培训班{i}")
    assert queries(c, "/employment/training/") == few


def test_a_course_page_and_its_sheet_do_not_grow_with_trainees(world, course, poor):
    first = services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    attend(world.zx_township, course, [first], 3)
    c = login(world.zx_township)
    pages = [
        f"/employment/training/courses/{course.pk}/",
        f"/employment/training/courses/{course.pk}/attendance/",
    ]
    few = [queries(c, url) for url in pages]
    services.course_update(actor=world.zx_township, course=course, places=10)
    more = [
        services.enrolment_create(actor=world.zx_township, course=course, person=p) for p in _people(world, 5)
    ]
    attend(world.zx_township, course, [first, *more], 3)
    assert [queries(c, url) for url in pages] == few
    admin = login(world.zx_admin)
    assert queries(admin, "/employment/training/payments/") <= few[0] + 2


def test_the_rain_dew_list_does_not_grow_with_students(world, households):
    c = login(world.zx_admin)
    few = queries(c, "/employment/training/rain-dew/")
    for i, p in enumerate(_people(world, 4)):
        services.rain_dew_register(
            actor=world.zx_cadre1,
            person=p,
            school="职校",
            programme="secondary_vocational",
            school_year=2026 - i % 2,
        )
    assert queries(c, "/employment/training/rain-dew/") == few + 1  # the page's count, once there are rows
