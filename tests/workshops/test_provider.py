"""The workshops' figures for the dashboards: per village, additive, as of a month's end, in a
few bulk queries."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lnob.areas.codes import Level, subtree_range
from lnob.employment.workshops.providers import workshop_figures
from lnob.measures.providers import collect, registered
from tests.personas import WZ, WZ_V1, ZX
from tests.workshops.helpers import hire, make_worker

D = dt.date


def _figures(frame) -> dict[tuple[int, str], float]:  # type: ignore[no-untyped-def]
    return {(v, m): x for v, m, x in frame.iter_rows()}


def test_the_provider_is_registered_and_counts_workshops_and_workers_at_month_end(world, recognised, zx_shop):
    assert "workshops" in registered()
    lo, hi = subtree_range(WZ, Level.COUNTY)
    march = _figures(collect(WZ, D(2026, 3, 31), village_lo=lo, village_hi=hi))
    assert march == {
        (WZ_V1, "workshops.count"): 1.0,
        (WZ_V1, "workshops.poor_workers"): 5.0,
        (WZ_V1, "workshops.workers"): 7.0,
    }
    assert workshop_figures(WZ, D(2025, 11, 30)).is_empty()  # not yet recognised
    assert workshop_figures(ZX, D(2026, 3, 31)).is_empty()  # 镇雄's workshop waits for recognition


def test_paid_subsidies_count_in_the_month_they_were_paid(world, recognised, manager):
    from decimal import Decimal

    from django.utils import timezone

    from lnob.employment.workshops import claims

    claim = claims.claim_create(actor=manager, workshop=recognised, kind="workshop_subsidy",
                                period_start=D(2026, 1, 1), period_end=D(2026, 6, 30))  # fmt: skip
    claims.claim_submit(actor=manager, claim=claim)
    claims.claim_approve(actor=world.wz_admin, claim=claim)
    today = timezone.localdate()
    claims.claim_pay(actor=world.wz_admin, claim=claim, paid_on=today, amount=Decimal("14000"), reference="R")
    month_end = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    assert _figures(workshop_figures(WZ, month_end))[(WZ_V1, "workshops.subsidy_paid")] == 14000.0


def test_the_provider_reads_in_a_few_queries_whatever_the_size(world, recognised):
    with CaptureQueriesContext(connection) as small:
        workshop_figures(WZ, D(2026, 3, 31))
    for i in range(6):
        hire(
            world.wz_admin,
            recognised,
            make_worker(world.wz_cadre, WZ_V1, poor=i % 2 == 0, name=f"丁{i}", birth=f"197{i}0505"),
            D(2026, 1, 1),
        )
    with CaptureQueriesContext(connection) as large:
        frame = workshop_figures(WZ, D(2026, 3, 31))
    assert len(large.captured_queries) == len(small.captured_queries) <= 10
    assert _figures(frame)[(WZ_V1, "workshops.workers")] == 13.0
