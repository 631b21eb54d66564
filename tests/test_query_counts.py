"""Pinned query counts: a list or detail page must not issue a query per row (N+1)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lnob.registry import services
from tests.personas import ZX_V1, make_household, person


def login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("extra", [0, 12])
def test_household_list_queries_do_not_grow_with_rows(world, households, extra):
    for i in range(extra):
        make_household(world.zx_cadre1, ZX_V1, f"Q-{i:03d}", head=person(name=f"户{i}"))
    c = login(world.zx_cadre1)
    assert queries(c, "/households/") <= 8


def test_household_page_queries_do_not_grow_with_members(world, households):
    hh = households["v1"]
    c = login(world.zx_cadre1)
    small = queries(c, f"/households/{hh.number}/")
    for i in range(6):
        services.member_add(
            actor=world.zx_cadre1,
            household=hh,
            person=person("20100101", name=f"子{i}"),
            relation="child",
            joined=dt.date(2020, 1, 1),
        )
    assert queries(c, f"/households/{hh.number}/") == small
