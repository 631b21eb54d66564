"""The refresh job: one county's employment figures for one month, computed in bulk and stored.

1. Read (no write lock held): the registry as of the day with the monitoring loader
   (lnob.monitoring.load: households, members, persons' versions, named wage records and spells
   in work; the same reader processes on SQLite, COPY on PostgreSQL), plus the ledger's spells
   running on the day and the households monitored that day;
2. compute the engine's figures per village (lnob.measures.engine.figures) and every registered
   channel provider's (lnob.measures.providers);
3. write, in ONE transaction: the county's rows for the month are deleted and replaced (villages,
   townships, the county), the prefecture's and province's rows for the month are summed again
   from their counties' rows, and a FigureRun records it. A rerun replaces the same rows, so the
   job is idempotent; several months are separate transactions, so an interrupted run keeps the
   months it finished (`--resume` skips them).

The day (`as_of`) is the month's last day, or today while the month lasts.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.areas.codes import Level, level_of, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges
from lnob.core.errors import DomainError, NotFound
from lnob.core.models import Task
from lnob.core.tasks import Progress, task, task_enqueue
from lnob.engine.monitor import features as F

from . import engine, providers
from .models import AreaFigure, FigureRun


class Msg:
    MONTH_FORMAT = _("月份格式应为 YYYY-MM，例如 2026-06")
    MONTH_FUTURE = _("月份不能晚于本月")
    MONTH_TOO_EARLY = _("月份不能早于 2014 年（建档立卡开始）")
    UNKNOWN_AREA = _("没有这个区划代码")
    AREA_ABOVE = _("请指定县或县以下的地区")
    AREA_FORMAT = _("区划代码应为 6、9 或 12 位数字")
    NO_HOUSEHOLDS = _("该县还没有农户数据")


EARLIEST = dt.date(2014, 1, 1)


# --- input --------------------------------------------------------------------------------------


def parse_month(text: str | None, *, today: dt.date | None = None) -> dt.date:
    """'YYYY-MM' -> the month's first day; DomainError when malformed, before 2014 or ahead of
    the current month."""
    today = today or timezone.localdate()
    raw = (text or "").strip()
    try:
        month = dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        raise DomainError("month", raw, Msg.MONTH_FORMAT) from None
    if len(raw) != 7:
        raise DomainError("month", raw, Msg.MONTH_FORMAT)
    return check_month(month, today=today, shown=raw)


def check_month(month: dt.date, *, today: dt.date | None = None, shown: str | None = None) -> dt.date:
    today = today or timezone.localdate()
    month = month.replace(day=1)
    if month > today.replace(day=1):
        raise DomainError("month", shown or f"{month:%Y-%m}", Msg.MONTH_FUTURE)
    if month < EARLIEST:
        raise DomainError("month", shown or f"{month:%Y-%m}", Msg.MONTH_TOO_EARLY)
    return month


def parse_area(text: str | int | None) -> int:
    """A 6-, 9- or 12-digit code -> the 12-digit code; DomainError when malformed."""
    raw = str(text if text is not None else "").strip()
    if not raw.isdigit() or len(raw) not in (6, 9, 12):
        raise DomainError("area", raw, Msg.AREA_FORMAT)
    return int(raw.ljust(12, "0"))


def as_of_for(month: dt.date, today: dt.date | None = None) -> dt.date:
    """The day a month's figures describe: its last day, or today while it lasts."""
    return min(engine.month_end(month), today or timezone.localdate())


def county_of(code: int) -> Area:
    """The county holding an area (the county itself, a township or a village); DomainError for
    an unknown code or one above a county."""
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise DomainError("area", code, Msg.UNKNOWN_AREA)
    if area.level < Level.COUNTY:
        raise DomainError("area", code, Msg.AREA_ABOVE)
    county = Area.objects.filter(code=subtree_range(code, Level.COUNTY)[0], level=Level.COUNTY).first()
    if county is None:
        raise DomainError("area", code, Msg.UNKNOWN_AREA)
    return county


def may_refresh(user: Any, county_code: int) -> bool:
    """Users who run employment work anywhere in the county may recompute its figures (a township
    officer too: the figures are the county's, recomputed from the same data for everyone)."""
    lo, hi = subtree_range(county_code, Level.COUNTY)
    return any(a < hi and lo < b for a, b in scope_ranges(user, Capability.MANAGE_EMPLOYMENT))


# --- the job ------------------------------------------------------------------------------------


def figures_refresh(
    *, actor: Any, area_code: int, month: dt.date, trigger: str = FigureRun.Trigger.COMMAND
) -> FigureRun:
    """Compute and store the figures of the county holding `area_code` for `month`, replacing
    the ones stored. `actor` None is the system (command line, demo); a user needs
    MANAGE_EMPLOYMENT in the county (NotFound otherwise). A failure is recorded as a failed
    FigureRun and raised; the figures stored before stay."""
    county = county_of(area_code)
    if actor is not None and not may_refresh(actor, county.code):
        raise NotFound(county.code)
    month = check_month(month)
    as_of = as_of_for(month)
    started_at = timezone.now()
    clock = time.perf_counter()
    try:
        frame, timings, counts = compute(county.code, as_of)
        lap = time.perf_counter()
        with transaction.atomic():
            rows = store(county, month, frame)
            timings["write"] = round(time.perf_counter() - lap, 3)
            return FigureRun.objects.create(
                county_code=county.code,
                month=month,
                as_of=as_of,
                status=FigureRun.Status.DONE,
                trigger=trigger,
                started_at=started_at,
                finished_at=timezone.now(),
                rows=rows,
                seconds=round(time.perf_counter() - clock, 3),
                timings=timings,
                counts=counts,
                created_by=actor,
            )
    except Exception as exc:
        FigureRun.objects.create(
            county_code=county.code,
            month=month,
            as_of=as_of,
            status=FigureRun.Status.FAILED,
            trigger=trigger,
            started_at=started_at,
            finished_at=timezone.now(),
            seconds=round(time.perf_counter() - clock, 3),
            error=f"{type(exc).__name__}: {exc}"[:2000],
            created_by=actor,
        )
        raise


def compute(county_code: int, as_of: dt.date) -> tuple[pl.DataFrame, dict[str, float], dict[str, Any]]:
    """The county's figures per village as of the day (engine and providers), with timings."""
    from lnob.monitoring import load as L

    from .policy import ZERO_EMPLOYMENT

    timings: dict[str, float] = {}
    clock = time.perf_counter()
    whole = L.only_county(county_code)
    plan = L.queries(county_code, as_of, whole_database=whole)
    wanted = {name: plan[name] for name in ("households", "members", "people", "versions", "spells")}
    incomes = plan["incomes"]  # wage records only: the months worked are all the engine needs
    wanted["incomes"] = L.Query(incomes.sql + " AND source = 'wages'", incomes.schema, incomes.table)
    wanted["ledger"] = _ledger_query(county_code, as_of, whole)
    # the reader processes when nothing is written yet in a transaction of ours (see load.py)
    frames = L.read(wanted, fast=not connection.in_atomic_block)
    ledger = _ledger_frame(frames.pop("ledger"))
    inputs = L.inputs_from(frames, plan)
    monitored = _monitored(county_code, as_of)
    timings["load"] = _lap(clock)
    clock = time.perf_counter()

    rule = _zero_rule(county_code, as_of)
    feature_settings = F.Settings(
        as_of=as_of,
        working_age=tuple(settings.LNOB_WORKING_AGE),  # type: ignore[arg-type]
        worked_months_min=rule,
    )
    figures = engine.figures(inputs, ledger, monitored, feature_settings)
    timings["figures"] = _lap(clock)
    clock = time.perf_counter()
    lo, hi = subtree_range(county_code, Level.COUNTY)
    channel = providers.collect(county_code, as_of, village_lo=lo, village_hi=hi)
    timings["providers"] = _lap(clock)
    counts = {
        "households": int(frames["households"].height),
        "members": int(frames["members"].height),
        "ledger_spells": int(ledger.height),
        "monitored": int(monitored.height),
        "villages": int(figures["village"].n_unique()) if figures.height else 0,
        "providers": sorted(providers.registered()),
        "zero_employment_max_months": rule,
        "zero_employment_rule": ZERO_EMPLOYMENT,
    }
    return pl.concat([figures, channel]), timings, counts


def _lap(clock: float) -> float:
    return round(time.perf_counter() - clock, 3)


def _zero_rule(county_code: int, as_of: dt.date) -> float:
    """The zero-employment months of the rule in force (the schema's default, Shaanxi's 3
    months, when no region sets one: the figures must not fail for want of a rule)."""
    from lnob.employment.policy import rule_for

    from .policy import ZERO_EMPLOYMENT, ZeroEmployment

    try:
        return float(rule_for(ZERO_EMPLOYMENT, county_code, as_of).params.max_months)
    except DomainError:
        return ZeroEmployment().max_months


def _ledger_query(county_code: int, as_of: dt.date, whole: bool) -> Any:
    """Spells of any status running on the day, of the county's people."""
    from lnob.monitoring.load import Query

    lo, hi = subtree_range(county_code, Level.COUNTY)
    day = f"'{as_of.isoformat()}'"
    real = "DOUBLE PRECISION" if connection.vendor == "postgresql" else "REAL"
    mine = (
        ""
        if whole
        else " AND person_id IN (SELECT person_id FROM registry_membership WHERE household_id IN "  # noqa: S608
        f"(SELECT id FROM registry_household WHERE village_id >= {lo} AND village_id < {hi}))"
    )
    # literals are our own integers and dates only
    return Query(
        "SELECT person_id, status, channel, location, "  # noqa: S608
        f"CAST(COALESCE(monthly_wage, -1) AS {real}), CAST(full_time AS INTEGER), start "
        f'FROM employment_spell WHERE start <= {day} AND ("end" IS NULL OR "end" >= {day}){mine}',
        {
            "person_id": pl.Int64,
            "status": pl.String,
            "channel": pl.String,
            "location": pl.String,
            "monthly_wage": pl.Float64,
            "full_time": pl.Int64,
            "start": pl.Date,
        },
    )


def _ledger_frame(raw: pl.DataFrame) -> pl.DataFrame:
    frame = raw.with_columns(
        pl.when(pl.col("monthly_wage") >= 0).then(pl.col("monthly_wage")).alias("monthly_wage"),
        (pl.col("full_time") != 0).alias("full_time"),
    )
    if frame.schema["start"] == pl.String:
        frame = frame.with_columns(pl.col("start").str.slice(0, 10).str.to_date("%Y-%m-%d"))
    return frame.select([pl.col(c).cast(t) for c, t in engine.LEDGER.items()])


def _monitored(county_code: int, as_of: dt.date) -> pl.DataFrame:
    """Households monitored on the day: the monitoring dashboard's rule (the latest decision by
    that day keeps them monitored), over the county's cases closed by then."""
    from lnob.monitoring.models import Case
    from lnob.monitoring.selectors import monitored_case_ids

    lo, hi = subtree_range(county_code, Level.COUNTY)
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=timezone.get_current_timezone())
    cases = Case.objects.filter(village_id__gte=lo, village_id__lt=hi, closed_at__lt=end)
    ids = set(monitored_case_ids(cases))
    households = [h for pk, h in cases.values_list("pk", "household_id") if pk in ids]
    return pl.DataFrame({"household_id": households}, schema={"household_id": pl.Int64})


# --- writing ------------------------------------------------------------------------------------


def store(county: Area, month: dt.date, frame: pl.DataFrame) -> int:
    """Replace the county's rows for the month by `frame` (per village) rolled up to townships
    and the county, then sum the county's ancestors again. Call inside a transaction."""
    lo, hi = subtree_range(county.code, Level.COUNTY)
    tree = pl.DataFrame(
        list(Area.objects.filter(code__gte=lo, code__lt=hi).values_list("code", "parent_id", "level")),
        schema={"area": pl.Int64, "parent": pl.Int64, "level": pl.Int64},
        orient="row",
    )
    rows = _rolled_up(frame, tree, county)
    AreaFigure.objects.filter(area_code__gte=lo, area_code__lt=hi, month=month).delete()
    AreaFigure.objects.bulk_create(
        (
            AreaFigure(area_code=a, parent_code=p, level=lv, month=month, metric=m, value=v)
            for a, p, lv, m, v in rows.iter_rows()
        ),
        batch_size=2000,
    )
    return rows.height + _ancestors(county, month)


def _rolled_up(frame: pl.DataFrame, tree: pl.DataFrame, county: Area) -> pl.DataFrame:
    """Village rows, their sums per township and the county's sum: columns area, parent, level,
    metric, value. Rows naming an area that is not a village of the county are left out."""
    columns = ["area", "parent", "level", "metric", "value"]
    villages = (
        frame.rename({"village": "area"})
        .join(tree, on="area", how="inner")
        .filter(pl.col("level") == Level.VILLAGE)
        .group_by("area", "parent", "level", "metric")
        .agg(pl.col("value").sum())
    )
    townships = (
        villages.group_by("parent", "metric")
        .agg(pl.col("value").sum())
        .rename({"parent": "area"})
        .join(tree, on="area", how="inner")
        .filter(pl.col("level") == Level.TOWNSHIP)
    )
    whole = (
        villages.group_by("metric")
        .agg(pl.col("value").sum())
        .with_columns(
            pl.lit(county.code, pl.Int64).alias("area"),
            pl.lit(county.parent_id or 0, pl.Int64).alias("parent"),
            pl.lit(int(Level.COUNTY), pl.Int64).alias("level"),
        )
    )
    return pl.concat([f.select(columns) for f in (villages, townships, whole)]).sort(
        "level", "area", "metric"
    )


def _ancestors(county: Area, month: dt.date) -> int:
    """Sum the prefecture's and the province's rows for the month again from their counties."""
    from django.db.models import Sum

    written = 0
    codes = {subtree_range(county.code, level)[0] for level in (Level.PREFECTURE, Level.PROVINCE)}
    for area in Area.objects.filter(code__in=codes - {county.code}).order_by("-level"):
        lo, hi = subtree_range(area.code, level_of(area.code))
        AreaFigure.objects.filter(area_code=area.code, month=month).delete()
        sums = (
            AreaFigure.objects.filter(level=Level.COUNTY, month=month, area_code__gte=lo, area_code__lt=hi)
            .values("metric")
            .annotate(total=Sum("value"))
            .order_by("metric")
        )
        made = AreaFigure.objects.bulk_create(
            AreaFigure(
                area_code=area.code,
                parent_code=area.parent_id or 0,
                level=area.level,
                month=month,
                metric=row["metric"],
                value=row["total"],
            )
            for row in sums
        )
        written += len(made)
    return written


# --- the task behind the screen's button --------------------------------------------------------

TASK = "measures.refresh"


@task(TASK)
def _run_task(t: Task, progress: Progress) -> dict[str, Any]:
    month = dt.date.fromisoformat(t.args["month"])
    progress("refresh", 0, 1, force=True)
    run = figures_refresh(
        actor=t.created_by, area_code=int(t.args["county"]), month=month, trigger=FigureRun.Trigger.SCREEN
    )
    return {"run": run.pk, "rows": run.rows, "seconds": run.seconds}


def pending(county_code: int, month: dt.date) -> Task | None:
    """A refresh of the county-month queued or running, if any."""
    return (
        Task.objects.filter(
            kind=TASK,
            status__in=[Task.Status.QUEUED, Task.Status.RUNNING],
            args__county=county_code,
            args__month=month.isoformat(),
        )
        .order_by("-pk")
        .first()
    )


def figures_enqueue(*, actor: Any, area_code: int, month: dt.date) -> Task:
    """Queue a refresh of the county holding `area_code` for `month` (the screen's button); the
    one already queued or running when there is one. NotFound without MANAGE_EMPLOYMENT there."""
    county = county_of(area_code)
    if not may_refresh(actor, county.code):
        raise NotFound(county.code)
    month = check_month(month)
    with transaction.atomic():
        existing = pending(county.code, month)
        if existing is not None:
            return existing
        return task_enqueue(actor=actor, kind=TASK, args={"county": county.code, "month": month.isoformat()})


def default_months(today: dt.date | None = None) -> list[dt.date]:
    """The last complete month and the current one."""
    today = today or timezone.localdate()
    current = today.replace(day=1)
    return [(current - dt.timedelta(days=1)).replace(day=1), current]


def months_back(n: int, today: dt.date | None = None) -> list[dt.date]:
    """The last `n` months, the current one included, oldest first."""
    month = (today or timezone.localdate()).replace(day=1)
    out = []
    for _i in range(max(n, 1)):
        out.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return out[::-1]


def done_for(county_code: int, month: dt.date) -> FigureRun | None:
    """The latest finished refresh of a county-month describing the month as it stands now (a
    past month's last day, or today)."""
    return (
        FigureRun.objects.filter(
            county_code=county_code, month=month, status=FigureRun.Status.DONE, as_of=as_of_for(month)
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def counties_with_households() -> list[int]:
    from lnob.registry.models import Household

    codes = {v - v % 10**6 for v in Household.objects.values_list("village_id", flat=True).distinct()}
    return sorted(c for c in codes if Area.objects.filter(code=c, level=Level.COUNTY).exists())
