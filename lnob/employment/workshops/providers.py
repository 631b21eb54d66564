"""The workshops' figures for the employment dashboards (lnob.measures.providers), per village of
the workshop, as they stand at the end of a month:

    workshops.count          workshops recognised and not closed at month end
    workshops.workers        people on their rosters at month end
    workshops.poor_workers   of whom from out-of-poverty or monitored households that day
    workshops.subsidy_paid   yuan of subsidy claims paid in the month
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import polars as pl
from django.db.models import Q, Sum

from lnob.areas.codes import Level, subtree_range
from lnob.measures.providers import SCHEMA, empty

from .models import ClaimState, SubsidyClaim, Workshop
from .roster import poor_on, roster_spells


def workshop_figures(county_code: int, month_end: dt.date) -> pl.DataFrame:
    lo, hi = subtree_range(county_code, Level.COUNTY)
    operating = list(
        Workshop.objects.filter(village_id__gte=lo, village_id__lt=hi, recognised_on__lte=month_end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=month_end))
        .only("pk", "employer_id", "village_id")
    )
    village = {w.pk: w.village_id for w in operating}
    people = {
        (r.workshop_id, r.person_id)
        for r in roster_spells(operating, month_end, month_end)
        if r.runs_on(month_end)
    }
    poor = poor_on({p for _w, p in people}, month_end)
    rows: list[tuple[int, str, float]] = []
    rows += [(v, "workshops.count", float(n)) for v, n in Counter(village.values()).items()]
    rows += [(v, "workshops.workers", float(n)) for v, n in Counter(village[w] for w, _p in people).items()]
    rows += [
        (v, "workshops.poor_workers", float(n))
        for v, n in Counter(village[w] for w, p in people if p in poor).items()
    ]
    paid = (
        SubsidyClaim.objects.filter(
            workshop__village_id__gte=lo,
            workshop__village_id__lt=hi,
            state=ClaimState.PAID,
            paid_on__gte=month_end.replace(day=1),
            paid_on__lte=month_end,
        )
        .values("workshop__village_id")
        .annotate(total=Sum("paid_amount"))
    )
    rows += [(r["workshop__village_id"], "workshops.subsidy_paid", float(r["total"])) for r in paid]
    if not rows:
        return empty()
    return pl.DataFrame(rows, schema=SCHEMA, orient="row").sort("village", "metric")
