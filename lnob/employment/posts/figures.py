"""The posts' figures for the employment dashboards (lnob.measures.providers), per village of a
county as they stand at the end of a month, from dated data only:

- posts.count          places of the posts set up by month end and not withdrawn by then
- posts.filled         agreements running on the month's last day
- posts.filled_poor    of which held by people of out-of-poverty or monitored households that day
- posts.pay_due_month  pay due for the month's attendance, yuan
- posts.paid_month     paid for the month, yuan
- posts.hours_month    hours worked in the month

Five queries for a county, whatever its size.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import polars as pl
from django.db.models import Q, Sum

from lnob.areas.codes import Level, subtree_range
from lnob.measures.providers import SCHEMA, empty

from .eligibility import household_tags_on
from .models import Agreement, Attendance, Post

POOR = frozenset({"out_of_poverty", "monitored"})


def post_figures(county_code: int, month_end: dt.date) -> pl.DataFrame:
    from lnob.registry.models import Membership

    lo, hi = subtree_range(county_code, Level.COUNTY)
    in_county = {"village_id__gte": lo, "village_id__lt": hi}
    figures: dict[tuple[int, str], float] = defaultdict(float)
    posts = Post.objects.filter(opened_on__lte=month_end, **in_county).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=month_end)
    )
    for village, places in posts.values_list("village_id").annotate(n=Sum("places")).order_by():
        figures[(village, "posts.count")] += places
    running = list(
        Agreement.objects.filter(
            post__village_id__gte=lo, post__village_id__lt=hi, start__lte=month_end, end__gte=month_end
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=month_end))
        .values_list("post__village_id", "person_id")
    )
    homes = dict(
        Membership.objects.filter(person_id__in=[p for _v, p in running], joined__lte=month_end)
        .filter(Q(left__isnull=True) | Q(left__gt=month_end))
        .values_list("person_id", "household_id")
    )
    tags = household_tags_on(sorted(set(homes.values())), month_end)
    filled, poor = Counter[int](), Counter[int]()
    for village, person in running:
        filled[village] += 1
        if tags.get(homes.get(person, -1), frozenset()) & POOR:
            poor[village] += 1
    for village, n in filled.items():
        figures[(village, "posts.filled")] += n
        figures[(village, "posts.filled_poor")] += poor[village]
    month = month_end.replace(day=1)
    sums = (
        Attendance.objects.filter(
            agreement__post__village_id__gte=lo, agreement__post__village_id__lt=hi, month=month
        )
        .values_list("agreement__post__village_id")
        .annotate(due=Sum("pay_due"), paid=Sum("paid_amount"), hours=Sum("hours_worked"))
        .order_by()
    )
    for village, due, paid, hours in sums:
        figures[(village, "posts.pay_due_month")] += float(due or 0)
        figures[(village, "posts.paid_month")] += float(paid or 0)
        figures[(village, "posts.hours_month")] += float(hours or 0)
    if not figures:
        return empty()
    return pl.DataFrame([(v, m, x) for (v, m), x in sorted(figures.items())], schema=SCHEMA, orient="row")
