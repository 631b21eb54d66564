"""The demo county's job matching: one run over the county, then the referral loop carried through
for some of its proposals (interviews, hires that write ledger spells, rejections and declines with
their reasons, public-welfare posts signed), so every screen and the dashboards have something to
show. Deterministic: the same county gives the same referrals."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction

from lnob.areas.models import Area
from lnob.core.errors import DomainError
from lnob.employment.fairs.models import Reason
from lnob.employment.models import Location
from lnob.employment.workstations.models import Workstation

from . import selectors, services
from .models import LineState, MatchLine, Via

REFERRALS = 60
PER_VILLAGE = 12  # the first village's proposals (the demo village cadre's) all go on


def load_demo(*, county: Area, today: dt.date, actor: Any) -> dict[str, int]:
    run = services.run_start(actor=actor, area_code=county.code, as_of=today, inline=True)
    counts: Counter[str] = Counter(
        seekers=run.figures.get("seekers", 0), matched=run.figures.get("matched", 0)
    )
    proposals = list(
        MatchLine.objects.filter(run=run, state=LineState.PROPOSED)
        .select_related("vacancy", "person")
        .order_by("-priority", "village_id", "pk")
    )
    first_village = min((line.village_id for line in proposals), default=None)
    chosen = [line for line in proposals if line.village_id == first_village][:PER_VILLAGE]
    chosen += [line for line in proposals if line.post_id is not None and line not in chosen][:3]
    chosen += [line for line in proposals if line not in chosen][: REFERRALS - len(chosen)]
    station = Workstation.objects.filter(county=county, closed_on__isnull=True).order_by("pk").first()
    for k, line in enumerate(chosen):
        try:
            with transaction.atomic():
                _carry(line, k, today, actor, station, counts)
        except DomainError:
            counts["refused"] += 1  # the ledger or a post rule said no: left as a proposal
    return dict(counts)


def _carry(
    line: MatchLine,
    k: int,
    today: dt.date,
    actor: Any,
    station: Any,
    counts: Counter[str],
) -> None:

    if line.post_id is not None:
        referral = services.referral_create(actor=actor, line=line, via=Via.POST)
        counts["referred"] += 1
        if k % 3 != 2:
            services.referral_sign(
                actor=actor, referral=referral, start=today, end=today + dt.timedelta(days=330)
            )
            counts["hired"] += 1
        return
    vacancy = line.vacancy
    assert vacancy is not None
    fair = selectors.referral_fairs(user=actor, line=line).first()  # the soonest that offers it
    if fair is not None and k % 2 == 0:
        referral = services.referral_create(actor=actor, line=line, via=Via.JOB_FAIR, fair=fair)
    elif station is not None and vacancy.location == Location.OUT_OF_PROVINCE:
        referral = services.referral_create(actor=actor, line=line, via=Via.WORKSTATION, station=station)
    else:
        referral = services.referral_create(actor=actor, line=line, via=Via.EMPLOYER)
    counts["referred"] += 1
    outcome = k % 6
    if outcome == 5 or (referral.fair is not None and referral.fair.start > today):
        return  # still waiting for the interview (a fair's: for the fair)
    services.referral_interview(actor=actor, referral=referral, on=today)
    if outcome in (0, 1, 2):
        services.referral_offer(actor=actor, referral=referral, wage=vacancy.wage_min, on=today)
        services.referral_hire(actor=actor, referral=referral, start=today, monthly_wage=vacancy.wage_min)
        counts["hired"] += 1
    elif outcome == 3:
        services.referral_reject(actor=actor, referral=referral, reason=Reason.SKILLS, on=today)
        counts["rejected"] += 1
    else:
        services.referral_decline(actor=actor, referral=referral, reason=Reason.DISTANCE, on=today)
        counts["declined"] += 1
