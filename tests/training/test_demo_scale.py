"""On a synthetic county with its ledger imported: the demo's training data is written in
seconds, and the outcomes and dashboard figures over it are read in a few queries."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lnob.areas.models import Area
from lnob.areas.roles import Role
from lnob.areas.services import role_assign
from lnob.employment.training import selectors
from lnob.employment.training.demo import load_demo
from lnob.employment.training.providers import training_figures
from lnob.engine.synth import generate
from lnob.exchange.synth_out import import_ledger
from lnob.registry.bulk import load_synth_county
from tests.personas import seed_again

pytestmark = pytest.mark.slow
QIAOJIA = 530622000000  # 巧家县
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def admin(db: Any) -> Any:
    from lnob.registry.models import RiskType

    if not RiskType.objects.exists():
        seed_again()
    synth = generate(6_000, seed=5, county_code=QIAOJIA, county_name="巧家县", as_of=dt.date(2026, 10, 31))
    load_synth_county(synth)
    user = get_user_model().objects.create_user(username="qiaojia_admin", password="x-password-91")
    role_assign(user=user, area=Area.objects.get(code=QIAOJIA), role=Role.COUNTY_ADMIN)
    import_ledger(synth, actor=user)
    return user


def test_the_demo_on_a_synthetic_county_is_quick_and_reads_back_in_a_few_queries(admin: Any) -> None:
    started = time.perf_counter()
    counts = load_demo(county=Area.objects.get(code=QIAOJIA), today=TODAY, actor=admin)
    assert time.perf_counter() - started < 30
    assert counts["courses"] == 5 and counts["enrolments"] > 80 and counts["completed"] > 40
    assert counts["certificates"] > 0 and counts["allowance_payments"] > 0 and counts["rain_dew_students"] > 0
    with CaptureQueriesContext(connection) as ctx:
        result = selectors.outcomes(user=admin)
    assert len(ctx.captured_queries) <= 6
    assert sum(r.due_3 for r in result["courses"]) > 0
    with CaptureQueriesContext(connection) as ctx:
        figures = training_figures(QIAOJIA, dt.date(2026, 10, 31))
    assert len(ctx.captured_queries) <= 8 and figures.height > 0
