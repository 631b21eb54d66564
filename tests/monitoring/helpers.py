"""Carrying a household through identification in a few lines, for tests that need one monitored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from lnob.monitoring.cases import case_step, lead_accept
from lnob.monitoring.models import Case, Lead
from lnob.monitoring.sweeps import sweep_create, sweep_run

AS_OF = dt.date(2026, 6, 30)


def sweep(county: int, as_of: dt.date = AS_OF) -> Any:
    return sweep_run(
        sweep_create(actor=None, county_code=county, as_of=as_of, trigger="command", enqueue=False)
    )


def reviewed_a_week_ago(case: Case) -> None:
    """The village review took place a week ago, so a notice posted after it has run its 5 days."""
    from lnob.monitoring.models import CaseEvent

    CaseEvent.objects.filter(case=case, action="village_review").update(
        at=timezone.now() - dt.timedelta(days=7)
    )


def monitor(world: Any, number: str, *, cadre: Any, category: str = "unstable_out_of_poverty") -> Case:
    """Take the household's open lead through every step to county approval."""
    case = lead_accept(
        actor=cadre, lead=Lead.objects.get(household__number=number, status="open"), comment="核实"
    )
    today = timezone.localdate()
    case_step(actor=cadre, case=case, action="visit", comment="入户", authorisation_signed_on=today)
    case_step(actor=cadre, case=case, action="compare", comment="比对")
    case_step(actor=cadre, case=case, action="village_review", comment="评议")
    reviewed_a_week_ago(case)
    case_step(
        actor=cadre,
        case=case,
        action="post_notice",
        comment="公示",
        notice_start=today - dt.timedelta(days=6),
    )
    case_step(actor=world.zx_township, case=case, action="township_review", comment="同意")
    return case_step(
        actor=world.zx_admin,
        case=case,
        action="approve",
        comment="纳入",
        category=category,
        risk_types=["illness"],
    )
