"""Pinned query counts: the fairs' lists and pages do not issue a query per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lnob.areas.models import Area
from lnob.employment.fairs import services
from tests.personas import ZX, ZX_V1, make_household, person

from .conftest import D, add_vacancy, head


def _queries(user, url: str) -> int:
    c = Client()
    c.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(world, fair, start: int, n: int) -> None:
    from stdnum.cn import uscc

    for i in range(start, start + n):
        body = f"91530627MA{i:07d}"
        code = body + uscc.calc_check_digit(body)
        recruiter = services.recruiter_add(
            actor=world.zx_admin, fair=fair, credit_code=code, employer_name=f"单位{i}"
        )
        vacancy = add_vacancy(world.zx_admin, recruiter, title=f"岗位{i}")
        hh = make_household(
            world.zx_cadre1, ZX_V1, f"53062710220100{i + 50:02d}", head=person(name=f"求职{i}")
        )
        services.attendee_register(actor=world.zx_cadre1, fair=fair, person=head(hh), vacancies=[vacancy])


@pytest.mark.parametrize(
    "url", ["/employment/fairs/", "/employment/fairs/{pk}/", "/employment/fairs/{pk}/attendees/"]
)
def test_the_fair_pages_take_as_many_queries_for_one_row_as_for_many(world, fair, url):
    url = url.format(pk=fair.pk)
    _grow(world, fair, 0, 1)
    few = _queries(world.zx_admin, url)
    _grow(world, fair, 1, 6)
    services.fair_create(
        actor=world.zx_admin,
        area=Area.objects.get(code=ZX),
        name="又一场",
        start=D(2026, 6, 1),
        venue="广场",
        village=Area.objects.get(code=ZX_V1),
    )
    assert _queries(world.zx_admin, url) == few
