"""The demo loader makes a small, deterministic set of the channel's data from the county's
registered persons: every loan within the rules, the owners self-employed in the ledger."""

from __future__ import annotations

import datetime as dt

from lnob.areas.models import Area
from lnob.employment.loans.demo import load_demo
from lnob.employment.loans.models import Business, Loan
from lnob.employment.models import Spell
from tests.personas import ZX, ZX_V1, make_household, person


def test_the_demo_builds_the_channel_from_the_county(world, households) -> None:
    for i in range(30):
        make_household(
            world.zx_cadre1,
            ZX_V1,
            f"5306271022013{i:03d}",
            head=person("19800101", name=f"民{i}"),
            status="out_of_poverty",
            left_poverty_year=2019,
        )
    counts = load_demo(county=Area.objects.get(code=ZX), today=dt.date(2026, 11, 1), actor=world.zx_admin)
    assert counts["entrepreneurs"] == counts["businesses"] >= 3
    assert counts["loans"] >= 5 and counts["repayments"] > 0
    assert Loan.objects.count() == counts["loans"]
    assert all(loan.amount <= 200000 for loan in Loan.objects.filter(type="startup_guarantee"))
    assert all(loan.amount <= 50000 for loan in Loan.objects.filter(type="micro_credit"))
    assert Spell.objects.filter(status="self_employed").count() == Business.objects.count()
    assert Spell.objects.filter(status="employed").count() == counts["hires"]


def test_the_demo_is_the_same_for_the_same_seed(world, households) -> None:
    for i in range(20):
        make_household(
            world.zx_cadre1,
            ZX_V1,
            f"5306271022014{i:03d}",
            head=person("19800101", name=f"民{i}"),
            status="out_of_poverty",
            left_poverty_year=2019,
        )
    county = Area.objects.get(code=ZX)
    from django.db import transaction

    results = []
    for _ in range(2):
        sid = transaction.savepoint()
        load_demo(county=county, today=dt.date(2026, 11, 1), actor=world.zx_admin)
        results.append(sorted(Loan.objects.values_list("amount", "term_months", "type", "issued")))
        transaction.savepoint_rollback(sid)
    assert results[0] == results[1] and results[0]
