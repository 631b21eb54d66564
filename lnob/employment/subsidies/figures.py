"""This app's figures for the employment dashboards (lnob.measures.providers), per village, as of
a month's end. All additive counts or sums:

    subsidies.transport_paid_month      transport subsidies paid in the month (people)
    subsidies.transport_paid_sum_month  yuan paid in the month
    subsidies.transport_awaiting        approved at month end and not yet paid then
    subsidies.insured                   people with social-insurance contributions in the month's
                                        quarter (as imported so far)
    subsidies.insured_not_in_ledger     of whom the ledger shows no work in the quarter
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db.models import Count, Q, Sum

from lnob.areas.codes import Level, subtree_range
from lnob.measures.providers import SCHEMA, empty

from .models import ClaimStatus, TransportSubsidyClaim


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _rows(pairs: list[tuple[int, float]], metric: str) -> list[tuple[int, str, float]]:
    return [(village, metric, float(value)) for village, value in pairs if value]


def subsidy_figures(county_code: int, month_end: dt.date) -> pl.DataFrame:
    lo, hi = subtree_range(county_code, Level.COUNTY)
    claims = TransportSubsidyClaim.objects.filter(village_id__gte=lo, village_id__lt=hi)
    paid = (
        claims.filter(paid_on__gte=month_end.replace(day=1), paid_on__lte=month_end)
        .values("village_id")
        .annotate(n=Count("pk"), s=Sum("paid_amount"))
        .values_list("village_id", "n", "s")
    )
    awaiting = (
        claims.filter(decided_at__date__lte=month_end)
        .filter(Q(status=ClaimStatus.APPROVED) | Q(status=ClaimStatus.PAID, paid_on__gt=month_end))
        .values("village_id")
        .annotate(n=Count("pk"))
        .values_list("village_id", "n")
    )
    paid_rows = list(paid)
    rows = [
        *_rows([(v, n) for v, n, _s in paid_rows], "subsidies.transport_paid_month"),
        *_rows([(v, s or 0) for v, _n, s in paid_rows], "subsidies.transport_paid_sum_month"),
        *_rows(list(awaiting), "subsidies.transport_awaiting"),
        *_insured(lo, hi, month_end),
    ]
    if not rows:
        return empty()
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def _insured(lo: int, hi: int, month_end: dt.date) -> list[tuple[int, str, float]]:
    from .insurance import evidence_frame

    frame = evidence_frame(lo, hi, quarter_start(month_end), month_end)
    if frame.is_empty():
        return []
    per_village = frame.group_by("village").agg(
        pl.len().alias("insured"), (~pl.col("in_work")).sum().alias("not_in_ledger")
    )
    return [
        *_rows(list(zip(per_village["village"], per_village["insured"], strict=True)), "subsidies.insured"),
        *_rows(
            list(zip(per_village["village"], per_village["not_in_ledger"], strict=True)),
            "subsidies.insured_not_in_ledger",
        ),
    ]
