"""The posts' figures for the dashboards (lnob.measures.providers "posts"): per village of a
county at a month's end, from dated data only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lnob.employment.posts import services
from lnob.measures.providers import registered
from tests.personas import WZ, ZX, ZX_V1, ZX_V2
from tests.posts.conftest import make_post

D = dt.date


def _figures(county, month_end):
    frame = registered()["posts"](county, month_end)
    return {(v, m): x for v, m, x in frame.iter_rows()}


def test_posts_filled_places_and_pay_per_village_at_month_end(world, people, post):
    make_post(world.zx_admin, village=ZX_V2, title="护林员", places=3, opened_on=D(2026, 6, 1))
    wang = services.agreement_sign(
        actor=world.zx_township, post=post, person=people["wang"], start=D(2026, 3, 1), end=D(2027, 2, 28)
    )
    services.attendance_record(
        actor=world.zx_cadre1, agreement=wang, month=D(2026, 9, 1), days_worked=22, hours_worked=Decimal(60)
    )
    september = _figures(ZX, D(2026, 9, 30))
    assert september == {
        (ZX_V1, "posts.count"): 2.0,
        (ZX_V1, "posts.filled"): 1.0,
        (ZX_V1, "posts.filled_poor"): 1.0,
        (ZX_V1, "posts.pay_due_month"): 375.0,
        (ZX_V1, "posts.paid_month"): 0.0,
        (ZX_V1, "posts.hours_month"): 60.0,
        (ZX_V2, "posts.count"): 3.0,
    }
    february = _figures(ZX, D(2026, 2, 28))
    assert february == {(ZX_V1, "posts.count"): 2.0}  # 海子村's post came in June, 王秀英 in March
    services.agreement_end(
        actor=world.zx_township, agreement=wang, ended_on=D(2026, 10, 15), reason="resigned"
    )
    assert (ZX_V1, "posts.filled") not in _figures(ZX, D(2026, 10, 31))
    assert _figures(ZX, D(2026, 9, 30))[(ZX_V1, "posts.filled")] == 1.0  # the past stays as it was
    assert _figures(WZ, D(2026, 9, 30)) == {}
