"""The demo data of the posts on the persona world: posts in its villages, filled by eligible
people through the same checks as an import, with months of attendance; run twice, it adds
nothing."""

from __future__ import annotations

import datetime as dt

from lnob.areas.models import Area
from lnob.employment.models import Spell
from lnob.employment.posts.demo import load_demo
from lnob.employment.posts.eligibility import eligibility
from lnob.employment.posts.models import Agreement, Attendance, Post
from tests.personas import ZX

D = dt.date


def test_the_demo_fills_posts_with_eligible_people_and_their_months(world, people):
    county = Area.objects.get(code=ZX)
    counts = load_demo(county=county, today=D(2026, 11, 20), actor=world.zx_admin)
    assert counts["posts"] >= 4 and counts == {
        "posts": Post.objects.count(),
        "agreements": Agreement.objects.count(),
        "attendance": Attendance.objects.count(),
    }
    agreement = Agreement.objects.get()  # 王秀英 is the one eligible person of 泼机村 and 海子村
    assert agreement.person == people["wang"]
    assert eligibility(
        person_id=agreement.person_id, day=agreement.start, village=agreement.post.village_id
    ).ok
    assert Spell.objects.get(person=people["wang"]).status == "public_welfare"
    months = list(Attendance.objects.order_by("month"))
    assert months[0].month == agreement.start.replace(day=1) and months[-1].month == D(2026, 10, 1)
    assert all(m.paid_on for m in months[:-1]) and months[-1].paid_on is None
    assert all(m.pay_due <= agreement.monthly_pay for m in months)
    assert sum(p.places for p in Post.objects.filter(heavy=True)) <= 0.2 * sum(
        p.places for p in Post.objects.all()
    )
    again = load_demo(county=county, today=D(2026, 11, 20), actor=world.zx_admin)
    assert again == {"posts": 0, "agreements": 0, "attendance": 0}
