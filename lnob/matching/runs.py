"""A matching run as a background task (lnob.core.tasks): load the area in bulk, match
(lnob.engine.match.pipeline), then write every seeker's line, the figures and the fairness table in
one transaction. A run that failed or was cut off is run again from the start
(`lnob match resume RUN` or the task again): it deletes nothing but its own unfinished lines, so
the same run ends with the same lines however often it was started."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from lnob.core.models import Task
from lnob.core.tasks import Progress, task
from lnob.employment.policy import rule_for
from lnob.engine.match import pipeline, reasons
from lnob.engine.match.candidates import Weights

from .load import Loaded, load
from .models import LineState, MatchLine, MatchRun, RunStatus
from .rules import KIND, MatchingParams

LINE_COLUMNS = (
    "run_id", "person_id", "household_id", "village_id", "vacancy_id", "post_id", "priority", "score",
    "wage_part", "distance_part", "skill_part", "preference_part", "reason", "state", "options",
    "best_vacancy_id", "best_post_id",
)  # fmt: skip
SMALL_GROUP = 5  # groups with fewer seekers are shown together, so no one is singled out


@task("match_run")
def match_run_task(t: Task, progress: Progress) -> dict[str, Any]:
    run = MatchRun.objects.select_related("area").get(pk=t.args["run"])
    return execute(run, progress=progress)


def execute(run: MatchRun, *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    if run.status == RunStatus.DONE:
        return dict(run.figures)
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, error="")
    try:
        figures = _execute(run, progress)
    except Exception as exc:
        MatchRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return figures


def _execute(run: MatchRun, progress: Callable[[str, int, int], None] | None) -> dict[str, Any]:
    started = time.perf_counter()
    rule = rule_for(KIND, run.area_id, run.as_of)
    params: MatchingParams = rule.params
    if progress:
        progress("load", 0, 5)
    loaded = load(run.area, run.as_of, params)
    seconds = {"load": time.perf_counter() - started}
    weights = Weights(**params.score.model_dump())
    result = pipeline.match(
        loaded.inst,
        weights,
        per_seeker=params.per_seeker,
        per_place=params.per_place,
        per_seeker_open=params.per_seeker_open,
        progress=(lambda stage, done, total: progress(stage, done + 1, 5)) if progress else None,
    )
    seconds.update(result.seconds)
    t = time.perf_counter()
    with transaction.atomic():
        MatchLine.objects.filter(run=run).delete()  # an unfinished earlier attempt of this run
        insert(MatchLine._meta.db_table, LINE_COLUMNS, line_rows(run.pk, loaded, result))
        seconds["write"] = time.perf_counter() - t
        figures = run_figures(loaded, result, seconds)
        MatchRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            rule=rule.row,
            figures=figures,
            fairness=fairness(loaded, result.codes),
            problems=loaded.problems,
            finished_at=timezone.now(),
        )
    return figures


def line_rows(run_id: int, loaded: Loaded, result: pipeline.Result) -> Iterable[Sequence[Any]]:
    """One row per seeker in LINE_COLUMNS order, built column by column (no work per row)."""
    inst, pairs, opt = loaded.inst, result.pairs, result.optimum
    n = len(inst.seekers)
    k = opt.pair_of
    matched = k >= 0
    safe = np.where(matched, k, 0)
    vacancy = _slot_ids(loaded.slot_vacancy, opt.slot_of)
    post = _slot_ids(loaded.slot_post, opt.slot_of)
    score = pairs.score[safe] if len(pairs) else np.zeros(n, dtype=np.int32)
    parts = [
        getattr(pairs, f)[safe] if len(pairs) else score for f in ("wage", "distance", "skill", "preference")
    ]
    best_vacancy = _slot_ids(loaded.slot_vacancy, result.best)
    best_post = _slot_ids(loaded.slot_post, result.best)
    state = np.where(matched, LineState.PROPOSED.value, "").astype(object)
    columns = [
        [run_id] * n,
        loaded.person.tolist(),
        loaded.household[inst.seekers.household].tolist(),
        loaded.village.tolist(),
        _or_null(vacancy, vacancy >= 0),
        _or_null(post, post >= 0),
        inst.weights[inst.seekers.household].tolist(),
        _or_null(score, matched),
        *(_or_null(p, matched) for p in parts),
        result.codes.tolist(),
        state.tolist(),
        result.options.tolist(),
        _or_null(best_vacancy, best_vacancy >= 0),
        _or_null(best_post, best_post >= 0),
    ]
    return zip(*columns, strict=True)


def _or_null(values: np.ndarray, present: np.ndarray) -> list[Any]:
    """The values as Python ints, None where not `present`."""
    out = values.astype(np.int64).astype(object)
    out[~present] = None
    return list(out.tolist())


def _slot_ids(ids: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """The vacancy (or post) id of each seeker's slot, -1 where none."""
    if not len(ids):
        return np.full(len(slot), -1, dtype=np.int64)
    return np.where(slot >= 0, ids[np.where(slot >= 0, slot, 0)], -1)


def insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Rows into a table in bulk: COPY on PostgreSQL, executemany on SQLite; in the caller's
    transaction."""
    names = ", ".join(columns)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            return n
        marks = ", ".join(["%s"] * len(columns))
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 10_000:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)  # noqa: S608
                n += len(batch)
                batch = []
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)  # noqa: S608
            n += len(batch)
    return n


def run_figures(loaded: Loaded, result: pipeline.Result, seconds: dict[str, float]) -> dict[str, Any]:
    inst, opt, base = loaded.inst, result.optimum, result.baseline
    weights = inst.weights
    priority = loaded.monitored | loaded.zero_employment
    codes = Counter(result.codes.tolist())
    figures: dict[str, Any] = {
        "seekers": len(inst.seekers),
        "households": len(weights),
        "priority_households": int(priority.sum()),
        "monitored_households": int(loaded.monitored.sum()),
        "zero_employment_households": int(loaded.zero_employment.sum()),
        "slots": len(inst.slots),
        "places": int(inst.slots.headcount.sum()),
        "pairs": len(result.pairs),
        "matched": int((opt.slot_of >= 0).sum()),
        "households_optimal": opt.households,
        "households_weighted_optimal": opt.households_weighted,
        "priority_households_optimal": int((opt.covered & priority).sum()),
        "monitored_households_optimal": int((opt.covered & loaded.monitored).sum()),
        "score_optimal": opt.score,
        "problems": len(loaded.problems),
        "reasons": dict(sorted(codes.items())),
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
    }
    if base is not None:
        figures.update(
            {
                "households_greedy": base.households,
                "households_weighted_greedy": base.households_weighted,
                "priority_households_greedy": int((base.covered & priority).sum()),
                "score_greedy": base.score,
            }
        )
    return figures


def age_band(age: int) -> str:
    return "16-29" if age < 30 else "30-39" if age < 40 else "40-49" if age < 50 else "50+"


def fairness(loaded: Loaded, codes: np.ndarray) -> dict[str, list[dict[str, Any]]]:
    """Seekers and matches by sex, ethnicity, age band and disability. The attributes are read
    for this table only: the engine never sees them (but a vacancy's recorded lawful requirement
    of sex). Groups of fewer than SMALL_GROUP seekers are merged into "other"."""
    frame = loaded.seekers.with_columns(
        pl.Series("matched", codes == reasons.MATCHED),
        pl.col("age").map_elements(age_band, return_dtype=pl.String).alias("age_band"),
        pl.when(pl.col("disability_grade").is_not_null())
        .then(pl.lit("yes"))
        .otherwise(pl.lit("no"))
        .alias("disabled"),
    )
    return {dimension: table(frame, dimension) for dimension in ("sex", "ethnicity", "age_band", "disabled")}


def table(frame: pl.DataFrame, dimension: str) -> list[dict[str, Any]]:
    grouped = frame.group_by(dimension).agg(
        pl.len().alias("seekers"), pl.col("matched").sum().alias("matched")
    )
    rows: dict[str, list[int]] = {}
    for group, seekers, matched in grouped.sort(dimension).iter_rows():
        key = str(group) if seekers >= SMALL_GROUP else "other"
        acc = rows.setdefault(key, [0, 0])
        acc[0] += seekers
        acc[1] += matched
    return [{"group": g, "seekers": s, "matched": m} for g, (s, m) in rows.items()]
