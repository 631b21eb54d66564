"""The fair's figures on its page, and the dashboards' provider: per village and month, additive,
in a few queries, and as of the month asked."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lnob.employment.fairs import selectors, services
from lnob.employment.fairs.figures import village_figures
from lnob.measures.providers import SCHEMA, collect, registered
from tests.personas import WZ, ZX, ZX_V1, ZX_V2

from .conftest import D, head


def _run_the_fair(world, households, fair, vacancy, application):
    """泼机村's out-of-poverty head hired in March; 海子村's ordinary head offered, then declines in April."""
    services.application_offer(
        actor=world.zx_cadre1, application=application, wage=Decimal("4800"), on=D(2026, 3, 5)
    )
    services.application_hire(actor=world.zx_cadre1, application=application, start=D(2026, 3, 20))
    other = services.attendee_register(
        actor=world.zx_cadre2, fair=fair, person=head(households["v2"]), vacancies=[vacancy]
    )
    app = other.applications.get()
    services.application_interview(actor=world.zx_cadre2, application=app, on=D(2026, 3, 6))
    services.application_offer(
        actor=world.zx_cadre2, application=app, wage=Decimal("4500"), on=D(2026, 3, 31)
    )
    services.application_decline(actor=world.zx_cadre2, application=app, reason="wage", on=D(2026, 4, 2))


def test_the_fairs_figures_count_its_people_and_hires_from_poor_households(
    world, households, fair, vacancy, application
):
    _run_the_fair(world, households, fair, vacancy, application)
    f = selectors.fair_figures(fair)
    assert (f.recruiters, f.vacancies, f.places, f.attendees) == (1, 1, 30, 2)
    assert (f.applications, f.interviews, f.offers, f.hires, f.poor_hires, f.declined) == (2, 2, 2, 1, 1, 1)


def test_the_provider_gives_each_villages_figures_for_the_month(
    world, households, fair, vacancy, application
):
    _run_the_fair(world, households, fair, vacancy, application)
    assert registered()["fairs"] is village_figures
    with CaptureQueriesContext(connection) as ctx:
        march = village_figures(ZX, D(2026, 3, 31))
    assert len(ctx.captured_queries) <= 10
    assert march.schema == pl.Schema(SCHEMA)
    got = {(v, m): x for v, m, x in march.iter_rows()}
    assert got == {
        (ZX_V1, "fairs.count"): 1.0,
        (ZX_V1, "fairs.recruiters"): 1.0,
        (ZX_V1, "fairs.vacancies"): 1.0,
        (ZX_V1, "fairs.places"): 30.0,
        (ZX_V1, "fairs.attendees"): 1.0,
        (ZX_V2, "fairs.attendees"): 1.0,
        (ZX_V1, "fairs.interviews"): 1.0,
        (ZX_V1, "fairs.offers"): 1.0,
        (ZX_V1, "fairs.hires"): 1.0,
        (ZX_V1, "fairs.poor_hires"): 1.0,
        (ZX_V2, "fairs.interviews"): 1.0,
        (ZX_V2, "fairs.offers"): 1.0,
    }
    april = village_figures(ZX, D(2026, 4, 30))
    assert april.is_empty()  # the decline is not a figure, and the fair began in March
    assert village_figures(WZ, D(2026, 3, 31)).is_empty()
    summed = collect(ZX, D(2026, 3, 31), village_lo=ZX, village_hi=ZX + 1_000_000)
    assert summed.filter(pl.col("metric") == "fairs.hires")["value"].sum() == 1.0


def test_a_fair_still_planned_counts_nothing_yet(world, fair, vacancy):
    assert village_figures(ZX, D(2026, 3, 31)).is_empty()
    services.fair_hold(actor=world.zx_admin, fair=fair)
    assert {m for _v, m, _x in village_figures(ZX, D(2026, 3, 31)).iter_rows()} == {
        "fairs.count",
        "fairs.recruiters",
        "fairs.vacancies",
        "fairs.places",
    }


def test_a_monitored_household_counts_as_poor_from_its_approval(world, households, fair, vacancy):
    import datetime as dt

    from django.utils import timezone

    from lnob.employment.selectors import poor_on
    from lnob.monitoring.models import Case

    ordinary = head(households["v2"])
    assert poor_on([(ordinary.pk, D(2026, 3, 20))]) == set()
    approved = timezone.make_aware(dt.datetime(2026, 3, 1, 10))
    Case.objects.create(
        household=households["v2"],
        village_id=ZX_V2,
        state="approved",
        opened_at=approved,
        due_on=D(2026, 3, 15),
        closed_at=approved,
    )
    assert poor_on([(ordinary.pk, D(2026, 2, 20)), (ordinary.pk, D(2026, 3, 20))]) == {
        (ordinary.pk, D(2026, 3, 20))
    }
    eliminated = timezone.make_aware(dt.datetime(2026, 6, 1, 10))
    Case.objects.create(
        household=households["v2"],
        village_id=ZX_V2,
        kind="elimination",
        state="approved",
        opened_at=eliminated,
        due_on=D(2026, 6, 15),
        closed_at=eliminated,
    )
    assert poor_on([(ordinary.pk, D(2026, 7, 1))]) == set()
