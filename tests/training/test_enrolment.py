"""Enrolment: registered persons of the county, once per course, within the places."""

from __future__ import annotations

import datetime as dt

import pytest

from lnob.core.errors import DomainError, NotFound
from lnob.employment.training import selectors, services
from lnob.employment.training.messages import TMsg
from tests.personas import ZX_V1, make_household, person

from .conftest import END, START, head


def test_an_officer_enrols_a_registered_person_by_resident_id_once(world, course, poor):
    found = services.person_by_id_number(actor=world.zx_township, id_number=poor.id_number.lower())
    e = services.enrolment_create(actor=world.zx_township, course=course, person=found)
    assert (e.person, e.enrolled_on, e.created_by) == (poor, END, world.zx_township)
    assert str(e) == f"{poor.name} · 中式烹调师培训班（2026-09）"
    with pytest.raises(DomainError) as refused:
        services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    assert refused.value.message == TMsg.ALREADY_ENROLLED


def test_an_unknown_or_foreign_resident_id_gets_the_same_answer(world, course, households):
    foreign = head(households["wz"])
    for id_number in (foreign.id_number, "530627199001011234"):
        with pytest.raises(DomainError) as refused:
            services.person_by_id_number(actor=world.zx_township, id_number=id_number)
        assert refused.value.message == TMsg.NOT_REGISTERED


def test_a_village_cadre_enrols_their_own_villager_on_the_township_course_and_no_one_else(
    world, course, poor, ordinary
):
    services.enrolment_create(actor=world.zx_cadre1, course=course, person=poor)
    with pytest.raises(NotFound):  # 海子村 is not theirs
        services.enrolment_create(actor=world.zx_cadre1, course=course, person=ordinary)
    with pytest.raises(NotFound):
        services.enrolment_create(actor=world.wz_cadre, course=course, person=poor)


def test_a_person_of_another_county_cannot_join_even_when_the_actor_sees_both(world, wz_course, poor):
    with pytest.raises(NotFound):  # 万州's admin does not see 泼机村's people
        services.enrolment_create(actor=world.wz_admin, course=wz_course, person=poor)


def test_a_full_or_closed_course_takes_no_one_more(world, course, poor, ordinary):
    services.course_update(actor=world.zx_township, course=course, places=1)
    services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    with pytest.raises(DomainError) as refused:
        services.enrolment_create(actor=world.zx_township, course=course, person=ordinary)
    assert "已满" in str(refused.value.message)
    services.course_update(actor=world.zx_township, course=course, places=5, status="finished")
    with pytest.raises(DomainError) as refused:
        services.enrolment_create(actor=world.zx_township, course=course, person=ordinary)
    assert refused.value.message == TMsg.COURSE_CLOSED


def test_an_enrolment_day_after_the_course_or_in_the_future_is_refused(world, course, poor):
    for day, message in ((END + dt.timedelta(days=1), TMsg.ENROLLED_AFTER_END), (dt.date(2099, 1, 1), None)):
        with pytest.raises(DomainError) as refused:
            services.enrolment_create(actor=world.zx_township, course=course, person=poor, enrolled_on=day)
        assert refused.value.field == "enrolled_on"
        if message:
            assert refused.value.message == message


def test_an_enrolment_made_by_mistake_is_taken_back_only_before_any_attendance(world, course, poor, ordinary):
    e = services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    services.enrolment_remove(actor=world.zx_township, enrolment=e)
    assert not course.enrolments.exists()
    e = services.enrolment_create(actor=world.zx_township, course=course, person=ordinary)
    services.attendance_mark(actor=world.zx_township, course=course, day=START, present={e.pk: None})
    with pytest.raises(DomainError) as refused:
        services.enrolment_remove(actor=world.zx_township, enrolment=e)
    assert refused.value.message == TMsg.HAS_RECORDS


def test_a_cadre_sees_only_their_own_villagers_on_a_course(world, course, poor, ordinary):
    for p in (poor, ordinary):
        services.enrolment_create(actor=world.zx_township, course=course, person=p)
    names = lambda user: [e.person.name for e in selectors.enrolments_of(user=user, course=course)]  # noqa: E731
    assert names(world.zx_township) == [poor.name, ordinary.name]
    assert names(world.zx_cadre1) == [poor.name]
    assert names(world.zx_cadre2) == [ordinary.name]
    assert names(world.wz_admin) == []


def test_courses_open_to_a_person_are_those_of_their_township_and_county(world, course, wz_course, poor):
    from .conftest import make_course

    county_course = make_course(world.zx_admin, 530627000000, title="育婴员培训班", skill="育婴员")
    make_course(world.zx_admin, 530627000000, title="已结业的班", status="finished")
    assert selectors.courses_open_to(user=world.zx_cadre1, person=poor) == [course, county_course]
    other = make_household(world.zx_cadre1, ZX_V1, "5306271022010099", head=person(name="新来的"))
    assert len(selectors.courses_open_to(user=world.zx_admin, person=head(other))) == 2
