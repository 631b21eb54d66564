"""Courses: who may run them, and what is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lnob.areas.models import Area
from lnob.core.errors import DomainError, NotFound
from lnob.employment.training import selectors, services
from lnob.employment.training.messages import TMsg
from tests.personas import WZ, ZX, ZX_V1

from .conftest import END, START, make_course


def test_a_township_officer_runs_a_course_and_the_county_and_villages_below_see_it(world, course):
    assert course.area_id == 530627102000 and course.created_by == world.zx_township
    for user in (world.zx_admin, world.zx_township, world.zx_cadre1, world.zx_auditor):
        assert list(selectors.course_list(user=user)) == [course], user
    assert not selectors.course_list(user=world.wz_admin).exists()
    assert not selectors.course_list(user=world.zx_department).exists()
    with pytest.raises(NotFound):
        selectors.course_get(user=world.wz_cadre, pk=course.pk)


def test_a_village_cadre_cannot_run_a_course_and_another_county_cannot_run_ours(world):
    with pytest.raises(NotFound):
        make_course(world.zx_cadre1)
    with pytest.raises(NotFound):
        make_course(world.wz_admin, ZX)


def test_a_course_must_belong_to_a_county_or_township(world):
    with pytest.raises(DomainError) as refused:
        make_course(world.zx_admin, ZX_V1)
    assert refused.value.field == "area" and refused.value.message == TMsg.AREA_LEVEL


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"end": START.replace(day=1).replace(month=8)}, "end"),
        ({"hours": 0}, "hours"),
        ({"places": 0}, "places"),
        ({"cost_per_trainee": Decimal("-1")}, "cost_per_trainee"),
        ({"mode": "by_post"}, "mode"),
        ({"status": "paused"}, "status"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_course_details_are_refused_with_the_field(world, extra, field):
    with pytest.raises(DomainError) as refused:
        make_course(world.zx_admin, ZX, **extra)
    assert refused.value.field == field


def test_the_same_title_starting_the_same_day_in_one_area_is_refused(world, course):
    with pytest.raises(DomainError) as refused:
        make_course(world.zx_admin)
    assert refused.value.message == TMsg.COURSE_TAKEN
    make_course(world.zx_admin, ZX)  # the county may run its own


def test_a_course_change_keeps_its_places_above_the_trainees_and_its_days_around_the_attendance(
    world, course, poor, ordinary
):
    a = services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    services.enrolment_create(actor=world.zx_township, course=course, person=ordinary)
    services.attendance_mark(actor=world.zx_township, course=course, day=END, present={a.pk: None})
    with pytest.raises(DomainError) as refused:
        services.course_update(actor=world.zx_township, course=course, places=1)
    assert refused.value.field == "places"
    with pytest.raises(DomainError) as refused:
        services.course_update(actor=world.zx_township, course=course, end=END.replace(day=9))
    assert refused.value.field == "start" and refused.value.value == END
    with pytest.raises(DomainError):
        services.course_update(actor=world.zx_township, course=course, mode="online")
    changed = services.course_update(actor=world.zx_township, course=course, places=30, status="finished")
    assert (changed.places, changed.status) == (30, "finished")
    with pytest.raises(NotFound):
        services.course_update(actor=world.zx_cadre1, course=course, places=40)


def test_the_course_areas_offered_are_the_ones_the_user_manages(world):
    assert [a.code for a in selectors.course_areas(world.zx_township)] == [530627102000]
    assert ZX in [a.code for a in selectors.course_areas(world.zx_admin)]
    assert selectors.course_areas(world.zx_cadre1) == []
    assert Area.objects.get(code=WZ) in selectors.course_areas(world.wz_admin)
