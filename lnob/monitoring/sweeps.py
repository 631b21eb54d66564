"""Monitoring sweeps: every rule over every household of a county as of a date (docs/monitoring.md).

A sweep is created (command line, the monthly schedule, a button, the API), queued as a task and
run by a worker:

1. the policy and rules that hold for the county on the as-of date are resolved and frozen into
   the sweep row (so its results can always be explained, even after the policy changes);
2. the registry is loaded in bulk (lnob.monitoring.load), the features computed and all rules
   evaluated in one vectorised pass (lnob.engine.monitor);
3. the hits are written in bulk and kept for good; a household newly found at risk gets a lead,
   one already holding a current lead (open, or taken into a case not yet closed) gets the new
   evidence added to it (at most one current lead per household, enforced by the database).

Steps 2 and 3 run in one transaction: a sweep either leaves all its results or none. The same
as-of date over the same registry gives the same hits, whatever the order of rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from auditlog.context import set_actor
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.areas.codes import Level, level_of, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import covers
from lnob.core.errors import DomainError, NotFound
from lnob.core.models import Task
from lnob.core.tasks import Progress as TaskProgress
from lnob.core.tasks import periodic, task, task_enqueue
from lnob.engine.monitor import features as F
from lnob.engine.monitor.evaluate import RuleSpec, evaluate
from lnob.engine.monitor.expr import ExpressionError, compile_expression
from lnob.exchange.dbframes import drop_temp, next_ids, temp_table

from .models import Lead, PolicyVersion, Signal, Sweep, SweepHit
from .policy import parameters, policy_for, rules_for

STAGES = ("load", "features", "rules", "write", "leads")


def _county(code: int) -> Area:
    area = Area.objects.filter(code=code).first()
    if area is None or level_of(area.code) != Level.COUNTY:
        raise NotFound()
    return area


def sweep_create(
    *,
    actor: Any,
    county_code: int,
    as_of: dt.date,
    trigger: str,
    draft: PolicyVersion | None = None,
    enqueue: bool = True,
) -> Sweep:
    """A new sweep (or, with `draft`, a what-if run) for a county, queued unless told otherwise.

    `actor` None is the system (the monthly schedule). Anyone else needs the sweep capability
    over the whole county; a county they do not manage is NotFound.
    """
    county = _county(county_code)
    if actor is not None and not covers(actor, Capability.RUN_SWEEP, county.code, Level.COUNTY):
        raise NotFound()
    if as_of > timezone.localdate():
        raise DomainError("as_of", as_of.isoformat(), _("基准日不能晚于今天"))
    if draft is not None:
        if draft.status != PolicyVersion.Status.DRAFT:
            raise DomainError("draft", draft.pk, _("只能试算草稿版本"))
        lo, hi = subtree_range(draft.area_code, level_of(draft.area_code)) if draft.area_code else (0, 10**12)
        if not lo <= county.code < hi:
            raise NotFound()
    kind = Sweep.Kind.WHAT_IF if draft is not None else Sweep.Kind.SWEEP
    if (
        kind == Sweep.Kind.SWEEP
        and Sweep.objects.filter(
            county=county, as_of=as_of, kind=kind, status__in=[Sweep.Status.QUEUED, Sweep.Status.RUNNING]
        ).exists()
    ):
        raise DomainError("as_of", as_of.isoformat(), _("该县这一基准日的排查正在进行"))
    try:
        return _create(actor, county, as_of, trigger, draft, kind, enqueue)
    except IntegrityError:  # another one was created in between
        raise DomainError("as_of", as_of.isoformat(), _("该县这一基准日的排查正在进行")) from None


def _create(
    actor: Any,
    county: Area,
    as_of: dt.date,
    trigger: str,
    draft: PolicyVersion | None,
    kind: str,
    enqueue: bool,
) -> Sweep:
    with transaction.atomic(), set_actor(actor):
        sweep = Sweep.objects.create(
            county=county,
            as_of=as_of,
            kind=kind,
            draft=draft,
            trigger=trigger,
            created_by=actor,
        )
        if enqueue:
            sweep.task = task_enqueue(actor=actor, kind="monitoring.sweep", args={"sweep": sweep.pk})
            sweep.save(update_fields=["task"])
    return sweep


@task("monitoring.sweep")
def _run_task(t: Task, progress: TaskProgress) -> dict[str, Any]:
    sweep = Sweep.objects.get(pk=t.args["sweep"])
    done = sweep_run(sweep, task_progress=progress)
    return {"sweep": done.pk, "status": done.status, **done.counts}


def folder(sweep: Sweep) -> Path:
    return Path(settings.DATA_DIR) / "sweeps" / str(sweep.pk)


def progress_of(sweep: Sweep) -> dict[str, Any]:
    """The stage a running sweep last reported (readable while it holds the write lock)."""
    try:
        return dict(json.loads((folder(sweep) / "progress.json").read_text()))
    except (OSError, ValueError):
        return {}


class _Progress:
    def __init__(self, sweep: Sweep, task_progress: TaskProgress | None, echo: Callable[[str], None] | None):
        self.sweep, self.task_progress, self.echo = sweep, task_progress, echo

    def __call__(self, stage: str) -> None:
        done = STAGES.index(stage)
        state = {"stage": stage, "done": done, "total": len(STAGES), "percent": int(100 * done / len(STAGES))}
        path = folder(self.sweep)
        path.mkdir(parents=True, exist_ok=True)
        (path / "progress.json.tmp").write_text(json.dumps(state))
        os.replace(path / "progress.json.tmp", path / "progress.json")
        if self.task_progress is not None:
            self.task_progress(stage, done, len(STAGES), force=True)
        if self.echo is not None:
            self.echo(stage)


def sweep_run(
    sweep: Sweep, *, task_progress: TaskProgress | None = None, echo: Callable[[str], None] | None = None
) -> Sweep:
    """Run a queued sweep to the end. Safe to call again on a failed or interrupted one: its
    results are written in one transaction, so a sweep has all of them or none."""
    claimed = Sweep.objects.filter(pk=sweep.pk, status__in=[Sweep.Status.QUEUED, Sweep.Status.FAILED]).update(
        status=Sweep.Status.RUNNING, started_at=timezone.now(), error=""
    )
    if not claimed and not _interrupted(sweep):
        sweep.refresh_from_db()
        return sweep
    sweep.refresh_from_db()
    report = _Progress(sweep, task_progress, echo)
    try:
        # nothing written yet in a transaction of our own: the loader may read through its own
        # connections, whose snapshot is ours while we hold the write lock (see load.py)
        fast = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "sqlite":
                _hold_write_lock()
            elif fast:  # PostgreSQL, in a transaction of our own: every COPY of the load sees one snapshot
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            _run(sweep, report, fast=fast)
    except Exception as exc:
        Sweep.objects.filter(pk=sweep.pk).update(
            status=Sweep.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    sweep.refresh_from_db()
    return sweep


def _interrupted(sweep: Sweep) -> bool:
    """Running, but its worker is gone (the task was requeued after a crash)."""
    fresh = Sweep.objects.select_related("task").get(pk=sweep.pk)
    return fresh.status == Sweep.Status.RUNNING and (
        fresh.task is None or fresh.task.status == Task.Status.RUNNING
    )


def _hold_write_lock() -> None:
    """Take SQLite's write lock now (a no-op write), so no other writer commits while we read."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE monitoring_sweep SET status = status WHERE 0 = 1")


def _run(sweep: Sweep, report: _Progress, *, fast: bool) -> None:
    from lnob.registry.models import RiskType

    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    policy = policy_for(sweep.county_id, sweep.as_of, sweep.draft)
    params = parameters(policy)
    risk_types = tuple(RiskType.objects.filter(active=True).order_by("code").values_list("code", flat=True))
    columns = F.feature_columns(risk_types)
    compiled, snapshot, skipped = _compile(
        rules_for(sweep.county_id, sweep.as_of, sweep.draft), columns, params
    )
    baseline = None
    if sweep.draft is not None:
        active = policy_for(sweep.county_id, sweep.as_of)
        active_params = parameters(active)
        baseline = (
            _compile(rules_for(sweep.county_id, sweep.as_of), columns, active_params)[0],
            active_params,
        )

    report("load")
    inputs = load_module().load(sweep.county_id, sweep.as_of, fast=fast)
    lap("load")
    report("features")
    working_age = tuple(settings.LNOB_WORKING_AGE)
    feats = F.compute(inputs, F.Settings(as_of=sweep.as_of, risk_types=risk_types, working_age=working_age))  # type: ignore[arg-type]
    del inputs
    lap("features")
    report("rules")
    hits = evaluate(feats, compiled, params)
    base_hits = evaluate(feats, baseline[0], baseline[1]) if baseline is not None else None
    lap("rules")
    report("write")
    villages = feats.select("household_id", "village_id")
    written = _write_hits(sweep, hits.join(villages, on="household_id"), baseline=False)
    if base_hits is not None:
        _write_hits(sweep, base_hits.join(villages, on="household_id"), baseline=True)
    lap("write")
    report("leads")
    leads = _leads(sweep, snapshot) if sweep.kind == Sweep.Kind.SWEEP else {}
    lap("leads")

    flagged = hits["household_id"].n_unique()
    counts: dict[str, Any] = {
        "households": feats.height,
        "flagged": flagged,
        "hits": written,
        "by_rule": dict(sorted(hits.group_by("rule_code").len().iter_rows())),
        **leads,
    }
    if base_hits is not None:
        now_set = set(hits["household_id"].unique().to_list())
        before = set(base_hits["household_id"].unique().to_list())
        counts.update(
            baseline_flagged=len(before), added=len(now_set - before), dropped=len(before - now_set)
        )
    Sweep.objects.filter(pk=sweep.pk).update(
        status=Sweep.Status.DONE,
        policy={"parameters": params, "sources": _sources(policy), "rules": snapshot, "skipped": skipped},
        counts=counts,
        timings=timings,
        finished_at=timezone.now(),
    )


def load_module() -> Any:
    from . import load

    return load


def _sources(policy: Any) -> dict[str, Any]:
    return {
        name: {
            "value": str(s.value),
            "version": s.version.pk,
            "version_name": s.version.name,
            "source": s.source,
        }
        for name, s in policy.settings.items()
    }


def _compile(
    rules: list[Any], columns: dict[str, pl.DataType], params: dict[str, Any]
) -> tuple[list[Any], list[dict[str, Any]], list[dict[str, str]]]:
    """Compile the rules; one that cannot run here (a policy value it needs is not set for this
    region) is left out and said so, never silently."""
    compiled, snapshot, skipped = [], [], []
    for rule in rules:
        spec = RuleSpec(
            code=rule.code,
            expression=rule.expression,
            severity=rule.severity,
            category=rule.category_id or "",
            risk_types=tuple(rule.risk_types),
            explanation=rule.explanation,
        )
        try:
            compiled.append((spec, compile_expression(rule.expression, columns, params)))
        except ExpressionError as exc:
            skipped.append({"code": rule.code, "reason": str(exc)})
            continue
        snapshot.append(
            {
                "code": rule.code,
                "name_zh": rule.name_zh,
                "name_en": rule.name_en,
                "category": rule.category_id or "",
                "risk_types": list(rule.risk_types),
                "expression": rule.expression,
                "severity": rule.severity,
                "explanation": rule.explanation,
                "source": rule.source,
                "exact": rule.exact,
                "policy": rule.policy_id,
            }
        )
    return compiled, snapshot, skipped


def _writer(frames: dict[str, pl.DataFrame]) -> Any:
    from lnob.registry.bulk import _PostgresWriter, _SqliteWriter

    return _PostgresWriter(None) if connection.vendor == "postgresql" else _SqliteWriter(None, frames)


def _write_hits(sweep: Sweep, hits: pl.DataFrame, *, baseline: bool) -> int:
    if hits.is_empty():
        return 0
    frame = hits.select(
        pl.lit(sweep.pk, dtype=pl.Int64).alias("sweep_id"),
        "household_id",
        "village_id",
        "rule_code",
        "severity",
        "evidence",
        pl.lit(baseline).alias("baseline"),
    )
    frame = frame.with_columns(next_ids(SweepHit._meta.db_table, frame.height)).select("id", *frame.columns)
    table = SweepHit._meta.db_table
    with _writer({table: frame}) as writer:
        writer.write(table, frame)
    return frame.height


def _leads(sweep: Sweep, snapshot: list[dict[str, Any]]) -> dict[str, int]:
    """Open a lead for each household flagged and without one; add every hit as a signal to the
    household's open lead. Set-based SQL over the hits just written: no row-by-row loop."""
    now = timezone.now()
    lead, signal, hit = Lead._meta.db_table, Signal._meta.db_table, SweepHit._meta.db_table
    risks = pl.DataFrame(
        {
            "rule_code": [r["code"] for r in snapshot],
            "risk_types": [json.dumps(r["risk_types"]) for r in snapshot],
        },
        schema={"rule_code": pl.String, "risk_types": pl.String},
    )
    temp_table("lnob_rule_risks", risks)
    p = "%s"
    risk_json = (
        "CAST(COALESCE(r.risk_types, '[]') AS jsonb)"
        if connection.vendor == "postgresql"
        else ("COALESCE(r.risk_types, '[]')")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {lead} (household_id, village_id, status, opened_at, first_channel, severity,
                                closed_reason)
            SELECT h.household_id, MIN(h.village_id), 'open', {p}, 'sweep', MAX(h.severity), ''
            FROM {hit} h
            WHERE h.sweep_id = {p} AND h.baseline = {p}
              AND NOT EXISTS (SELECT 1 FROM {lead} l
                              WHERE l.household_id = h.household_id AND l.closed_at IS NULL)
            GROUP BY h.household_id
            ORDER BY h.household_id
            ON CONFLICT (household_id) WHERE closed_at IS NULL DO NOTHING
            """,  # noqa: S608 - our table names
            [now, sweep.pk, False],
        )
        opened = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {signal} (lead_id, channel, sweep_id, rule_code, risk_types, evidence, note,
                                  observed_on, created_at)
            SELECT l.id, 'sweep', h.sweep_id, h.rule_code, {risk_json}, h.evidence, '',
                   {p}, {p}
            FROM {hit} h
            JOIN {lead} l ON l.household_id = h.household_id AND l.closed_at IS NULL
            LEFT JOIN lnob_rule_risks r ON r.rule_code = h.rule_code
            WHERE h.sweep_id = {p} AND h.baseline = {p}
            ORDER BY h.household_id, h.rule_code
            """,  # noqa: S608
            [sweep.as_of, now, sweep.pk, False],
        )
        signals = cursor.rowcount
        cursor.execute(
            f"""
            UPDATE {lead} SET severity = m.severity
            FROM (SELECT household_id, MAX(severity) AS severity FROM {hit}
                  WHERE sweep_id = {p} AND baseline = {p} GROUP BY household_id) m
            WHERE {lead}.household_id = m.household_id AND {lead}.closed_at IS NULL
              AND {lead}.severity < m.severity AND {lead}.opened_at < {p}
            """,  # noqa: S608 - leads opened just now have their severity already
            [sweep.pk, False, now],
        )
        cursor.execute(f"SELECT COUNT(DISTINCT lead_id) FROM {signal} WHERE sweep_id = {p}", [sweep.pk])  # noqa: S608
        touched = int(cursor.fetchone()[0])
    drop_temp("lnob_rule_risks")
    return {"leads_opened": opened, "signals": signals, "leads_with_new_evidence": touched - opened}


@periodic("monitoring.schedule", seconds=3600)
def _scheduled() -> None:
    if settings.LNOB_SWEEP_SCHEDULE:
        schedule_due()


def schedule_due(today: dt.date | None = None) -> list[Sweep]:
    """The monthly sweep: for each county holding households, one sweep as of the last day of
    the previous month, unless one of that date is done or under way (calling this again the same
    month creates nothing)."""
    today = today or timezone.localdate()
    as_of = today.replace(day=1) - dt.timedelta(days=1)
    from lnob.registry.models import Household

    villages = Household.objects.values_list("village_id", flat=True).distinct()
    counties = sorted({v - v % 10**6 for v in villages})
    created = []
    for code in counties:
        if not Area.objects.filter(code=code).exists():
            continue
        # any sweep of that date already done or under way (the schedule's, or one started by hand)
        exists = (
            Sweep.objects.filter(county_id=code, as_of=as_of, kind=Sweep.Kind.SWEEP)
            .exclude(status=Sweep.Status.FAILED)
            .exists()
        )
        if not exists:
            try:
                created.append(
                    sweep_create(actor=None, county_code=code, as_of=as_of, trigger=Sweep.Trigger.SCHEDULE)
                )
            except DomainError:  # another worker's schedule created it just now
                continue
    return created
