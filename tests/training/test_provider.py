"""The training figures for the dashboards (lnob.measures.providers): additive, per village of
the trainee or student, as of a month's end, in a few queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lnob.employment import services as ledger
from lnob.employment.training import services
from lnob.employment.training.providers import training_figures
from lnob.measures.providers import registered
from lnob.registry import services as registry
from tests.personas import WZ, ZX, ZX_V1, ZX_V2, person

from .conftest import attend, make_course

D = dt.date


def figures(month_end: dt.date) -> dict[tuple[int, str], float]:
    frame = training_figures(ZX, month_end)
    assert frame.columns == ["village", "metric", "value"]
    return {(v, m): x for v, m, x in frame.iter_rows()}


def test_the_months_figures_count_completions_certificates_placements_and_money(
    world, poor, ordinary, households
):
    assert registered()["training"] is training_figures
    spring = make_course(world.zx_township, title="春季电工班", start=D(2026, 3, 2), end=D(2026, 3, 6))
    a, b = (
        services.enrolment_create(actor=world.zx_township, course=spring, person=p, enrolled_on=D(2026, 3, 1))
        for p in (poor, ordinary)
    )
    attend(world.zx_township, spring, [a, b], 5)
    services.course_complete(actor=world.zx_township, course=spring, day=D(2026, 3, 6))
    services.certificate_record(
        actor=world.zx_township, enrolment=a, kind="special", number="Z1", date=D(2026, 3, 20)
    )
    services.allowance_pay(
        actor=world.zx_admin, enrolment=a, paid_on=D(2026, 3, 25), amount=Decimal("125"), reference="P1"
    )
    late = make_course(world.zx_township, title="跨月的班", start=D(2026, 3, 25), end=D(2026, 4, 5))
    services.enrolment_create(
        actor=world.zx_township, course=late, person=ordinary, enrolled_on=D(2026, 3, 20)
    )
    ledger.spell_record(
        actor=world.zx_cadre1, person=poor, status="employed", location="in_county", start=D(2026, 4, 1)
    )
    child = registry.member_add(
        actor=world.zx_cadre1, household=households["v1"], person=person("20090401", name="小刚"),
        relation="child", joined=D(2020, 1, 1),
    ).person  # fmt: skip
    s = services.rain_dew_register(
        actor=world.zx_cadre1, person=child, school="职高", programme="secondary_vocational", school_year=2026
    )
    services.rain_dew_pay(
        actor=world.zx_admin, student=s, paid_on=D(2026, 10, 9), amount=Decimal("1500"), reference="Y1"
    )

    with CaptureQueriesContext(connection) as ctx:
        march = figures(D(2026, 3, 31))
    assert len(ctx.captured_queries) <= 8
    assert march == {
        (ZX_V1, "training.trainees_month"): 1.0, (ZX_V2, "training.trainees_month"): 1.0,
        (ZX_V1, "training.certified_month"): 1.0, (ZX_V2, "training.enrolled"): 1.0,
        (ZX_V1, "training.allowance_paid_month"): 125.0,
    }  # fmt: skip
    assert figures(D(2026, 4, 30)) == {(ZX_V1, "training.placed_month"): 1.0}
    assert figures(D(2026, 10, 31)) == {
        (ZX_V1, "training.rain_dew_students"): 1.0, (ZX_V1, "training.rain_dew_paid_month"): 1500.0,
    }  # fmt: skip
    assert training_figures(WZ, D(2026, 3, 31)).is_empty()
