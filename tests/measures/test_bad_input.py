"""Bad input on each input path (the screen, the recompute button, the command line, the API): an
unknown area, a month ahead of the current one, a malformed month or area: a clear message naming
what is wrong, and nothing computed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from lnob.measures.models import AreaFigure, FigureRun
from lnob.measures.refresh import Msg
from tests.personas import ZX

URL = "/measures/employment/"
API = "/api/v1/measures/employment"


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def next_month() -> str:
    today = timezone.localdate()
    return f"{(today.replace(day=28) + dt.timedelta(days=5)):%Y-%m}"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"area": ZX, "month": "2026-13"}, Msg.MONTH_FORMAT),
        ({"area": ZX, "month": "October"}, Msg.MONTH_FORMAT),
        ({"area": ZX, "month": "NEXT"}, Msg.MONTH_FUTURE),
        ({"area": ZX, "month": "2010-01"}, Msg.MONTH_TOO_EARLY),
        ({"area": "53062x", "month": "2026-10"}, Msg.AREA_FORMAT),
    ],
)
def test_the_screen_says_what_is_wrong(world: Any, params: dict[str, Any], message: Any) -> None:
    params = {**params, "month": next_month() if params["month"] == "NEXT" else params["month"]}
    r = login(world.zx_admin).get(URL, params)
    assert r.status_code == 400
    assert str(message) in r.content.decode()
    # and so does the API, with the field
    r = login(world.zx_admin).get(API, params)
    assert r.status_code == 422
    assert r.json()["detail"][0]["message"] == str(message)
    assert r.json()["detail"][0]["field"] in ("month", "area")


def test_the_recompute_button_refuses_a_month_ahead(world: Any) -> None:
    r = login(world.zx_admin).post(f"{URL}refresh", {"area": ZX, "month": next_month()})
    assert r.status_code == 400
    assert str(Msg.MONTH_FUTURE) in r.content.decode()


def test_the_command_says_what_is_wrong(world: Any) -> None:
    with pytest.raises(CommandError, match=str(Msg.MONTH_FORMAT)):
        call_command("measures", "refresh", "--area", str(ZX), "--month", "2026/10")
    with pytest.raises(CommandError, match=str(Msg.MONTH_FUTURE)):
        call_command("measures", "refresh", "--area", str(ZX), "--month", next_month())
    with pytest.raises(CommandError, match=str(Msg.UNKNOWN_AREA)):
        call_command("measures", "refresh", "--area", "530627999999", "--month", "2026-10")
    with pytest.raises(CommandError, match=str(Msg.AREA_ABOVE)):
        call_command("measures", "refresh", "--area", "530000", "--month", "2026-10")
    with pytest.raises(CommandError, match=str(Msg.AREA_FORMAT)):
        call_command("measures", "refresh", "--area", "zhenxiong", "--month", "2026-10")
    assert not AreaFigure.objects.exists() and not FigureRun.objects.exists()
