"""The channel's figures per village for the dashboards (lnob.measures.providers), as they stood
at the end of a month, read from dated data in a few bulk queries:

    loans.count               loans outstanding at month end (issued, not yet repaid or written off)
    loans.amount_sum          their principal as lent, yuan
    loans.outstanding_sum     the principal still owed on them, yuan
    loans.startup_count       of which start-up guarantee loans
    loans.micro_count         of which out-of-poverty micro-credit
    loans.overdue_count       of which overdue (reported overdue by then, or past maturity)
    loans.repaid_month        principal repaid in the month, yuan
    loans.subsidy_month       interest subsidy paid in the month, yuan
    loans.returnees           returning entrepreneurs back by month end
    loans.businesses          businesses operating at month end
    loans.jobs_created        jobs in them (people in the ledger working there, and others declared)
    loans.jobs_poor           of which held by people of out-of-poverty or monitored households

A loan counts in the borrower's village, a business and its jobs in the business's village.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from django.db.models import Q, Sum

from lnob.areas.codes import Level, subtree_range
from lnob.measures.providers import SCHEMA, empty

from .models import Business, BusinessStatus, Entrepreneur, Loan, LoanStatus, Repayment, SubsidyPayment
from .selectors import jobs_of


def _rows(counts: dict[tuple[int, str], float]) -> pl.DataFrame:
    if not counts:
        return empty()
    return pl.DataFrame(
        [(village, metric, float(value)) for (village, metric), value in counts.items()],
        schema=SCHEMA,
        orient="row",
    )


def village_figures(county_code: int, month_end: dt.date) -> pl.DataFrame:
    lo, hi = subtree_range(county_code, Level.COUNTY)
    in_county = Q(village_id__gte=lo, village_id__lt=hi)
    first = month_end.replace(day=1)
    counts: dict[tuple[int, str], float] = {}

    def add(village: int, metric: str, value: float | Decimal = 1) -> None:
        key = (village, f"loans.{metric}")
        counts[key] = counts.get(key, 0.0) + float(value)

    loans = list(
        Loan.objects.filter(in_county, issued__lte=month_end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=month_end))
        .values_list("pk", "village_id", "type", "amount", "maturity", "status", "overdue_since")
    )
    repaid = dict(
        Repayment.objects.filter(loan_id__in=[r[0] for r in loans], date__lte=month_end)
        .values("loan_id")
        .annotate(s=Sum("principal"))
        .values_list("loan_id", "s")
    )
    for pk, village, kind, amount, maturity, status, overdue_since in loans:
        add(village, "count")
        add(village, "amount_sum", amount)
        add(village, "outstanding_sum", amount - (repaid.get(pk) or 0))
        add(village, "startup_count" if kind == "startup_guarantee" else "micro_count")
        reported = status == LoanStatus.OVERDUE and overdue_since is not None and overdue_since <= month_end
        if reported or maturity < month_end:
            add(village, "overdue_count")
    in_month = {"date__gte": first, "date__lte": month_end}
    for village, total in (
        Repayment.objects.filter(loan__village_id__gte=lo, loan__village_id__lt=hi, **in_month)
        .values("loan__village_id")
        .annotate(s=Sum("principal"))
        .values_list("loan__village_id", "s")
    ):
        add(village, "repaid_month", total)
    for village, total in (
        SubsidyPayment.objects.filter(
            loan__village_id__gte=lo, loan__village_id__lt=hi, paid_on__gte=first, paid_on__lte=month_end
        )
        .values("loan__village_id")
        .annotate(s=Sum("amount"))
        .values_list("loan__village_id", "s")
    ):
        add(village, "subsidy_month", total)
    for village in Entrepreneur.objects.filter(
        in_county, returning=True, returned_on__lte=month_end
    ).values_list("village_id", flat=True):
        add(village, "returnees")
    businesses = list(
        Business.objects.filter(in_county, started__lte=month_end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=month_end))
        .exclude(status=BusinessStatus.SUSPENDED)
    )
    jobs = jobs_of(businesses, month_end, viewer=None)
    for business in businesses:
        add(business.village_id, "businesses")
        add(business.village_id, "jobs_created", jobs[business.pk].total)
        add(business.village_id, "jobs_poor", len(jobs[business.pk].poor))
    return _rows(counts)
