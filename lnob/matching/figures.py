"""Matching's figures for the employment dashboards (lnob.measures.providers), per village of a
county as they stand at the end of a month, from dated data only:

- matching.referrals_month        referrals made in the month
- matching.hires_month            of referrals, hires that started work in the month (a vacancy's
                                  hire or a post's agreement)
- matching.households_with_worker households with a member at work at month end in a job they
                                  were referred to

One query for a county, whatever its size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import polars as pl
from django.db.models import Q
from django.utils import timezone

from lnob.areas.codes import Level, subtree_range
from lnob.measures.providers import SCHEMA, empty

from .models import Referral


def matching_figures(county_code: int, month_end: dt.date) -> pl.DataFrame:
    lo, hi = subtree_range(county_code, Level.COUNTY)
    first = month_end.replace(day=1)
    rows = (
        Referral.objects.filter(village_id__gte=lo, village_id__lt=hi, created_at__date__lte=month_end)
        .filter(Q(application__isnull=True) | Q(application__state="hired") | Q(created_at__date__gte=first))
        .values_list(
            "village_id", "created_at", "line__household_id",
            "application__spell__start", "application__spell__end",
            "agreement__start", "agreement__end", "agreement__ended_on",
        )
    )  # fmt: skip
    figures: dict[tuple[int, str], float] = defaultdict(float)
    households: dict[int, set[int]] = defaultdict(set)
    for village, created, household, s_start, s_end, a_start, a_end, a_ended in rows:
        if first <= timezone.localdate(created) <= month_end:
            figures[(village, "matching.referrals_month")] += 1
        start = s_start or a_start
        end = s_end if s_start else (min(d for d in (a_end, a_ended) if d) if a_start else None)
        if start is None or start > month_end:
            continue
        if start >= first:
            figures[(village, "matching.hires_month")] += 1
        if end is None or end >= month_end:
            households[village].add(household)
    for village, members in households.items():
        figures[(village, "matching.households_with_worker")] += len(members)
    if not figures:
        return empty()
    return pl.DataFrame([(v, m, x) for (v, m), x in sorted(figures.items())], schema=SCHEMA, orient="row")
