"""Channel figures for the employment dashboards: a registry of providers.

THE CONTRACT (for the channel apps: workshops, workstations, fairs, posts, training, loans)
-------------------------------------------------------------------------------------------
A provider is a function

    fn(county_code: int, month_end: datetime.date) -> polars.DataFrame

registered once, when its app loads (in its AppConfig.ready):

    from lnob.measures.providers import register
    register("workshops", workshop_figures)

It returns the channel's figures for ONE county (`county_code`, the 12-digit code of the
county) as they stand at the end of ONE month (`month_end`, the month's last day; figures for
"in the month" count events from the 1st to that day, both included), one row per village and
metric, with exactly these columns:

    village  Int64    the 12-digit code of the village the figure belongs to (a worker's or a
                      trainee's village of residence; a workshop's or a post's village). Must lie
                      inside the county; rows of other villages are dropped with a warning.
    metric   String   "<channel>.<name>", lower case, e.g. "workshops.poor_workers". The prefix
                      MUST be the name you registered; the refresh job refuses other prefixes.
    value    Float64  an ADDITIVE figure: a count or a sum (people, places, yuan, hours), never a
                      ratio, an average or a percentage. Figures are summed from villages up to
                      township and county, so a figure must mean the same when summed. For an
                      average, return its numerator and denominator as two metrics
                      (e.g. "loans.amount_sum" and "loans.amount_n") and the dashboard divides.

An empty DataFrame (with those columns) means "nothing this month". Rows with a null village,
metric or value, or a non-finite value, are dropped with a warning. Duplicate (village, metric)
rows are summed.

The provider reads the database in BULK (one or a few queries for the whole county, or polars /
DuckDB over bulk reads), never one ORM object at a time, and is read-only: it must not write.
It is called inside the refresh job for every county and month that is refreshed, including
past months, so it must answer "as of month_end" from dated data (spell start/end, event
dates), not from today's state where the data carries dates.

A provider that raises fails the refresh of that county-month as a whole (nothing is stored, the
previous figures stay), so the error is seen; do not swallow your own errors.

Metric names the dashboard knows and shows in the channel sections (a section appears only when
at least one of its metrics has rows; unknown metrics of a registered provider are still stored,
shown in the API and the export, and listed under their channel as raw figures):

    workshops.count              workshops recognised and operating at month end
    workshops.workers            people working in them at month end
    workshops.poor_workers       of whom from out-of-poverty or monitored households
    workstations.count           labour-export workstations operating at month end
    workstations.roster          people on their rosters at month end
    workstations.placed_month    people placed by them in the month
    fairs.count                  job fairs held in the month
    fairs.recruiters             recruiters (employers) attending them
    fairs.hires                  hires resulting from them in the month
    posts.count                  public-welfare posts existing at month end
    posts.filled                 posts filled at month end
    posts.filled_poor            of which by out-of-poverty or monitored persons
    training.trainees_month      people who finished training in the month
    training.placed_month        trainees placed in work in the month
    training.certified_month     trainees certified in the month
    loans.count                  loans outstanding at month end
    loans.amount_sum             their principal, yuan
    loans.jobs_created           jobs the borrowers declared created (outstanding loans)

Anything else under a registered prefix is fine. A "<channel>.<x>_n" / "<channel>.<x>_sum" pair is
shown as an average by the dashboard.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator

import polars as pl

log = logging.getLogger(__name__)

Provider = Callable[[int, dt.date], pl.DataFrame]

SCHEMA: dict[str, pl.DataType] = {"village": pl.Int64(), "metric": pl.String(), "value": pl.Float64()}

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

_PROVIDERS: dict[str, Provider] = {}


def register(name: str, fn: Provider) -> None:
    """Register the provider of the channel `name` (its metrics are all "<name>.<...>").

    Registering the same name again replaces the earlier function (so an app reloaded in tests
    does not register twice)."""
    if not _NAME.match(name):
        raise ValueError(f"provider name must be lower-case letters, digits and _: {name!r}")
    if not callable(fn):
        raise TypeError(f"provider {name!r} is not callable")
    _PROVIDERS[name] = fn


def unregister(name: str) -> None:
    """Remove a provider."""
    _PROVIDERS.pop(name, None)


@contextlib.contextmanager
def replaced(name: str, fn: Provider | None) -> Iterator[None]:
    """Within the block, `fn` is the provider `name` (None: no provider of that name); the one
    registered before comes back after it (for tests)."""
    before = _PROVIDERS.get(name)
    if fn is None:
        unregister(name)
    else:
        register(name, fn)
    try:
        yield
    finally:
        unregister(name)
        if before is not None:
            _PROVIDERS[name] = before


def registered() -> dict[str, Provider]:
    """The providers by name, in registration order."""
    return dict(_PROVIDERS)


def empty() -> pl.DataFrame:
    """An empty frame of the provider schema, for providers with nothing to report."""
    return pl.DataFrame(schema=SCHEMA)


def collect(county_code: int, month_end: dt.date, *, village_lo: int, village_hi: int) -> pl.DataFrame:
    """Call every provider and return their rows, checked and summed per (village, metric).

    Villages outside [village_lo, village_hi) (the county's code range) are dropped."""
    frames = [
        _checked(name, fn(county_code, month_end), village_lo=village_lo, village_hi=village_hi)
        for name, fn in _PROVIDERS.items()
    ]
    frames = [f for f in frames if f.height]
    if not frames:
        return empty()
    return (
        pl.concat(frames).group_by("village", "metric").agg(pl.col("value").sum()).sort("village", "metric")
    )


def _checked(name: str, frame: object, *, village_lo: int, village_hi: int) -> pl.DataFrame:
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(f"provider {name!r} returned {type(frame).__name__}, not a polars DataFrame")
    missing = [c for c in SCHEMA if c not in frame.columns]
    if missing:
        raise ValueError(f"provider {name!r} returned no column(s) {missing}")
    frame = frame.select(
        pl.col("village").cast(pl.Int64), pl.col("metric").cast(pl.String), pl.col("value").cast(pl.Float64)
    )
    wrong = frame.filter(~pl.col("metric").str.starts_with(f"{name}."))
    if wrong.height:
        raise ValueError(
            f"provider {name!r} returned metric {wrong['metric'][0]!r}: "
            f"its metrics must start with {name + '.'!r}"
        )
    kept = frame.drop_nulls().filter(pl.col("value").is_finite())
    kept = kept.filter((pl.col("village") >= village_lo) & (pl.col("village") < village_hi))
    dropped = frame.height - kept.height
    if dropped:
        log.warning("provider %s: %d row(s) dropped (null, not finite, or outside the county)", name, dropped)
    return kept
