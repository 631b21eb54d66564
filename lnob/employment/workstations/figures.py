"""The workstations' figures for the dashboards (lnob.measures.providers), per village of the
migrants' homes, as they stand at a month's end:

    workstations.roster             people on the county's stations' rosters at month end
    workstations.placed_month       people the stations placed in a job starting in the month
    workstations.disputes_month     disputes and wage-arrears cases taken in during the month
    workstations.disputes_open      cases still open at month end (intake or mediation)
    workstations.recovered_month    yuan recovered in the cases closed in the month

A person counts in the village of their household at month end. The number of stations is not
a village's figure (a station belongs to its county), so it is not given here.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db.models import Q

from lnob.areas.codes import Level, subtree_range
from lnob.measures.providers import SCHEMA, empty
from lnob.registry.models import Membership
from lnob.registry.selectors import member_on

from .models import Dispute, Placement, Workstation
from .selectors import rosters


def _villages(person_ids: list[int], county: int, day: dt.date) -> dict[int, int]:
    lo, hi = subtree_range(county, Level.COUNTY)
    return dict(
        Membership.objects.filter(
            member_on(day),
            person_id__in=person_ids,
            household__village_id__gte=lo,
            household__village_id__lt=hi,
        ).values_list("person_id", "household__village_id")
    )


def _rows(metric: str, pairs: list[tuple[int, float]]) -> list[tuple[int, str, float]]:
    return [(village, metric, value) for village, value in pairs]


def workstation_figures(county_code: int, month_end: dt.date) -> pl.DataFrame:
    first = month_end.replace(day=1)
    stations = list(Workstation.objects.filter(county_id=county_code))
    if not stations:
        return empty()
    on_roster = {r.person_id: r.village for rows in rosters(stations, month_end).values() for r in rows}
    placed = list(
        Placement.objects.filter(
            station__county_id=county_code, spell__start__gte=first, spell__start__lte=month_end
        ).values_list("person_id", flat=True)
    )
    disputes = list(
        Dispute.objects.filter(station__county_id=county_code, opened_on__lte=month_end)
        .filter(Q(opened_on__gte=first) | Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        .values_list("person_id", "opened_on", "closed_on", "amount_recovered")
    )
    villages = _villages(sorted({*placed, *(d[0] for d in disputes)}), county_code, month_end)
    rows: list[tuple[int, str, float]] = []
    rows += _rows("workstations.roster", [(v, 1.0) for v in on_roster.values() if v])
    rows += _rows("workstations.placed_month", [(villages[p], 1.0) for p in set(placed) if p in villages])
    for person, opened, closed, recovered in disputes:
        village = villages.get(person)
        if village is None:
            continue
        if opened >= first:
            rows.append((village, "workstations.disputes_month", 1.0))
        if closed is None or closed > month_end:
            rows.append((village, "workstations.disputes_open", 1.0))
        elif closed >= first:
            rows.append((village, "workstations.recovered_month", float(recovered)))
    if not rows:
        return empty()
    frame = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    return frame.group_by("village", "metric").agg(pl.col("value").sum()).sort("village", "metric")
