"""The visit log: when, who went, where, how many migrants they met and whom of the roster."""

from __future__ import annotations

import datetime as dt

import pytest

from lnob.core.errors import DomainError
from lnob.employment.workstations import selectors, services
from lnob.employment.workstations.models import Visit
from lnob.employment.workstations.selectors import Access
from lnob.employment.workstations.services import WMsg
from tests.workstations.conftest import login

D = dt.date


def test_an_officer_logs_a_visit_with_the_roster_people_met(world, officers, station, migrants, factory):
    visit = services.visit_record(
        actor=officers["zx_officer"],
        station=station,
        on=D(2026, 10, 12),
        visitors="王海",
        employer=factory,
        persons_met=12,
        persons=[migrants["李强"], migrants["赵梅"]],
        notes="工资按月发放",
    )
    assert visit.persons_met == 12 and visit.persons.count() == 2
    [(logged, names)] = selectors.station_visits(
        user=officers["zx_officer"], station=station, level=Access.OFFICER
    )
    assert logged == visit and names == sorted(["李强", "赵梅"])
    # a cadre of 泼机村 sees the visit, and of the names only their own villager's
    [(_v, theirs)] = selectors.station_visits(
        user=world_cadre(officers, station), station=station, level=Access.VIEW
    )
    assert theirs == ["李强"]


def world_cadre(officers, station):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="zx_cadre1")


def test_the_count_defaults_to_the_names_and_is_never_below_them(officers, station, migrants, factory):
    officer = officers["zx_officer"]
    visit = services.visit_record(
        actor=officer,
        station=station,
        on=D(2026, 10, 12),
        visitors="王海",
        place="长安镇宿舍区",
        persons=[migrants["李强"]],
    )
    assert visit.persons_met == 1
    with pytest.raises(DomainError) as err:
        services.visit_record(
            actor=officer,
            station=station,
            on=D(2026, 10, 12),
            visitors="王海",
            employer=factory,
            persons_met=1,
            persons=[migrants["李强"], migrants["赵梅"]],
        )
    assert str(err.value.message) == "见到的人数不能少于点名的人数（2）"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"place": ""}, "place", WMsg.WHERE_REQUIRED),
        ({"visitors": " "}, "visitors", "必填"),
        ({"on": D(2099, 1, 1)}, "on", "日期不能晚于今天"),
        ({"persons_met": -1}, "persons_met", "金额不能为负数"),
    ],
)
def test_bad_visits_are_refused(officers, station, migrants, changes, field, message):
    values = {"on": D(2026, 10, 12), "visitors": "王海", "place": "宿舍"} | changes
    with pytest.raises(DomainError) as err:
        services.visit_record(actor=officers["zx_officer"], station=station, **values)
    assert err.value.field == field and str(err.value.message) == str(message)
    assert not Visit.objects.exists()


def test_a_name_not_on_the_roster_that_day_is_refused(officers, station, migrants):
    for stranger, day in ((migrants["孙伟"], D(2026, 10, 12)), (migrants["赵梅"], D(2026, 4, 1))):
        with pytest.raises(DomainError) as err:
            services.visit_record(
                actor=officers["zx_officer"],
                station=station,
                on=day,
                visitors="王海",
                place="宿舍",
                persons=[stranger],
            )
        assert err.value.message == WMsg.NOT_ON_ROSTER


def test_the_visit_form_logs_a_visit_and_shows_it(officers, station, migrants, factory):
    c = login(officers["zx_officer"])
    url = f"/employment/workstations/{station.pk}/visits/new/"
    assert "李强" in c.get(url).content.decode()  # the roster to pick from
    bad = c.post(
        url,
        {
            "on": "2026-10-12",
            "visitors": "王海",
            "place": "宿舍",
            "persons_met": "1",
            "persons": [migrants["李强"].pk, migrants["赵梅"].pk],
        },
    )
    assert "见到的人数不能少于点名的人数（2）" in bad.content.decode()
    ok = c.post(
        url,
        {
            "on": "2026-10-12",
            "visitors": "王海",
            "employer": factory.pk,
            "persons": [migrants["李强"].pk],
            "notes": "了解社保缴纳",
        },
    )
    assert ok.status_code == 302
    page = c.get(f"/employment/workstations/{station.pk}/?tab=visits").content.decode()
    assert "了解社保缴纳" in page and "东莞华宏电子厂" in page
