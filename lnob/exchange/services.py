"""The import pipeline as actions on a batch: create, validate (dry run), commit, discard.

    import_create   the uploaded files are saved in the batch's folder; nothing is read yet
    import_validate parse, type and check every row; reconcile with the registry; stage the typed
                    rows, the problems and the differences as Parquet; write the summary
    import_commit   in one transaction: reconcile again, then write, then mark the batch
                    committed and write its audit entry. All or nothing; `valid_only` commits
                    the rows without errors and leaves the others out, and only when asked.

Validate and commit run as background tasks ("import.validate", "import.commit"); the command
line runs the same tasks inline with a progress bar. A commit that is killed half way leaves the
registry as it was (one transaction); running it again does the whole commit, and running it
after it succeeded changes nothing (every row then reconciles as unchanged).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import _merge, can, scope_ranges
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.core.models import Task
from lnob.core.tasks import Progress as TaskProgress
from lnob.core.tasks import task

from .commit import PlanWriter
from .models import ImportBatch
from .parse import FileProblem
from .reconcile import INVALID, Plan, Reconciler
from .schema import TABLES
from .stage import ORDER, StagedTable, stage_file
from .validate import ISSUE_SCHEMA, Validated

ISSUES = "issues.parquet"
CHANGES = "changes.parquet"
MAX_FILES = 10


class ImportRefused(DomainError):
    """The batch cannot go on (a file that cannot be read, a commit that is not allowed)."""


# --- progress ---------------------------------------------------------------------------------------


class BatchProgress:
    """Progress of a running step, written to the batch folder (readable while a commit holds
    the database's write lock) and to the task row, plus an optional echo for the console."""

    def __init__(
        self,
        batch: ImportBatch,
        task_progress: TaskProgress | None = None,
        echo: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.batch, self.task_progress, self.echo = batch, task_progress, echo
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(
        self, stage: str, done: int, total: int, *, rows: int | None = None, force: bool = False
    ) -> None:
        """`done` of `total` (rows, or bytes while reading files); `rows`: rows handled so far
        when `done` does not count rows."""
        now = time.monotonic()
        if not force and now - self.last < 0.3 and done < total:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        state = {
            "stage": stage,
            "done": done,
            "total": total,
            "percent": int(100 * done / total) if total else 0,
            "rows": done if rows is None else rows,
            "rows_per_second": round((done if rows is None else rows) / elapsed),
            "elapsed": round(elapsed, 1),
        }
        folder = self.batch.folder
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / "progress.json.tmp"
        tmp.write_text(json.dumps(state, ensure_ascii=False))
        os.replace(tmp, folder / "progress.json")
        if self.task_progress is not None:
            self.task_progress(stage, done, total, force=True)
        if self.echo is not None:
            self.echo(state)


# --- create -----------------------------------------------------------------------------------------


def import_ranges(actor: Any, table: str | None = None) -> list[tuple[int, int]]:
    """The code ranges where `actor` may import `table` (any table when None): the registry's
    tables need EDIT_REGISTRY; department alerts also SUBMIT_ALERTS (department officers)."""
    capabilities = [Capability.EDIT_REGISTRY]
    if table in (None, "alerts"):
        capabilities.append(Capability.SUBMIT_ALERTS)
    return _merge(r for c in capabilities for r in scope_ranges(actor, c))


def _home_area(actor: Any) -> Area:
    """The narrowest area holding all of the actor's importing scope."""
    ranges = import_ranges(actor)
    if not ranges:
        raise NotFound()
    lo, hi = ranges[0][0], ranges[-1][1]
    for level in sorted(Level, reverse=True):
        a, b = subtree_range(lo, level)
        if a <= lo and hi <= b:
            area = Area.objects.filter(code=a).first()
            if area is not None:
                return area
    raise NotFound()


def _safe_name(name: str) -> str:
    base = Path(name).name
    return re.sub(r"[^\w.\-]+", "_", base)[:120] or "file"


def _copy(source: Any, out: Any, digest: Any) -> None:
    while chunk := source.read(1 << 20):
        out.write(chunk)
        digest.update(chunk)


def import_create(*, actor: Any, files: list[tuple[str, Any]], as_of: dt.date | None = None) -> ImportBatch:
    """A new batch holding `files` ((name, bytes | path | file object) pairs)."""
    area = _home_area(actor)
    if not files:
        raise ImportRefused("files", "", _("请选择要导入的文件"))
    if as_of is not None and as_of > timezone.localdate():
        raise ImportRefused("as_of", as_of, Msg.IN_FUTURE)
    if len(files) > MAX_FILES:
        raise ImportRefused("files", len(files), _("一次最多导入 {n} 个文件").format(n=MAX_FILES))
    batch = ImportBatch.objects.create(created_by=actor, area=area, as_of=as_of or timezone.localdate())
    # a folder left by a batch of a database since replaced must not lend this one its files
    shutil.rmtree(batch.folder, ignore_errors=True)
    folder = batch.folder / "files"
    folder.mkdir(parents=True, exist_ok=True)
    stored = []
    for i, (name, content) in enumerate(files):
        target = folder / f"{i + 1}_{_safe_name(name)}"
        digest = hashlib.sha256()
        with target.open("wb") as out:
            if isinstance(content, bytes):
                out.write(content)
                digest.update(content)
            elif isinstance(content, str | Path):
                with Path(content).open("rb") as source:
                    _copy(source, out, digest)
            else:
                _copy(content, out, digest)
        stored.append(
            {
                "name": Path(name).name,
                "stored": target.name,
                "size": target.stat().st_size,
                "sha256": digest.hexdigest(),
            }
        )
    batch.files = stored
    batch.save(update_fields=["files"])
    return batch


# --- staging on disk ----------------------------------------------------------------------------------


def _save_staged(batch: ImportBatch, staged: dict[str, StagedTable]) -> None:
    folder = batch.folder / "staged"
    folder.mkdir(parents=True, exist_ok=True)
    meta = {}
    for name, s in staged.items():
        s.v.typed.write_parquet(folder / f"{name}.parquet")
        s.raw.write_parquet(folder / f"{name}.raw.parquet")
        s.v.issues.write_parquet(folder / f"{name}.file_issues.parquet")
        meta[name] = {"file": s.file, "headers": s.headers, "meta": s.meta, "warnings": s.warnings}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, default=str))


def load_staged(batch: ImportBatch, *, raw: bool = True) -> dict[str, StagedTable]:
    """The staged tables; without `raw`, the rows as read are left on disk (the commit does
    not need them)."""
    folder = batch.folder / "staged"
    meta = json.loads((folder / "meta.json").read_text())
    staged = {}
    for name in ORDER:
        if name not in meta:
            continue
        m = meta[name]
        v = Validated(
            TABLES[name],
            pl.read_parquet(folder / f"{name}.parquet"),
            pl.read_parquet(folder / f"{name}.file_issues.parquet").cast(ISSUE_SCHEMA),  # type: ignore[arg-type]
        )
        rows = pl.read_parquet(folder / f"{name}.raw.parquet") if raw else pl.DataFrame()
        staged[name] = StagedTable(TABLES[name], m["file"], v, rows, m["headers"], m["meta"], m["warnings"])
    return staged


def _all_issues(staged: dict[str, StagedTable]) -> pl.DataFrame:
    parts = [
        s.v.issues.with_columns(pl.lit(name).alias("table"), pl.lit(s.file).alias("file"))
        for name, s in staged.items()
    ]
    schema = {"table": pl.String, "file": pl.String, **ISSUE_SCHEMA}
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts).select(list(schema)).unique(maintain_order=True).sort("table", "row")


def _summary(staged: dict[str, StagedTable], plan: Plan) -> dict[str, Any]:
    tables = {}
    for name in ORDER:  # the order rows are checked and written in, whatever the upload's order
        if name not in staged:
            continue
        s = staged[name]
        counts = plan.counts(name, s.v)
        tables[name] = {**counts, "zh": s.table.zh, "file": s.file, "warnings": s.warnings, **s.meta}
    return {"tables": tables}


# --- validate --------------------------------------------------------------------------------------


def import_validate(batch: ImportBatch, progress: BatchProgress | None = None) -> dict[str, Any]:
    """The dry run. Leaves the batch VALIDATED (or REFUSED when a file cannot be used)."""
    progress = progress or BatchProgress(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.VALIDATING, error="")
    today = timezone.localdate()
    staged: dict[str, StagedTable] = {}
    seconds: dict[str, float] = {}
    size = sum(f["size"] for f in batch.files) or 1
    read, rows_read = 0, 0
    try:
        for f in batch.files:
            stage = _("读取 {name}").format(name=f["name"])
            progress(stage, read, size, rows=rows_read, force=True)
            started = time.perf_counter()
            s = stage_file(batch.folder / "files" / f["stored"], f["name"], today=today)
            seconds[f"read {s.table.name}"] = round(time.perf_counter() - started, 2)
            read, rows_read = read + f["size"], rows_read + s.v.typed.height
            progress(stage, read, size, rows=rows_read, force=True)
            if s.table.name in staged:
                raise FileProblem(
                    f["name"],
                    _("{a} 和 {b} 都是{table}表：请把行放在一个文件里，或分两批导入").format(
                        a=staged[s.table.name].file, b=f["name"], table=s.table.zh
                    ),
                )
            if not import_ranges(batch.created_by, s.table.name):
                raise FileProblem(
                    f["name"],
                    _("{name} 是{table}表：您的角色只能导入部门预警表（alerts）").format(
                        name=f["name"], table=s.table.zh
                    ),
                )
            staged[s.table.name] = s
        rows = sum(s.v.typed.height for s in staged.values())
        progress(_("与登记数据比对"), read, size, rows=rows, force=True)
        started = time.perf_counter()
        plan = Reconciler(staged, user=batch.created_by, as_of=batch.as_of).run()
        seconds["reconcile"] = round(time.perf_counter() - started, 2)
    except FileProblem as problem:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.REFUSED, error=str(problem))
        batch.refresh_from_db()
        raise ImportRefused("file", problem.path.name, str(problem)) from problem
    except Exception as exc:  # a bug, not the file: the batch must not stay "validating" for ever
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.REFUSED,
            error=_("校验时出现内部错误，请联系管理员：{e}").format(e=str(exc)[:300]),
        )
        batch.refresh_from_db()
        raise
    started = time.perf_counter()
    _save_staged(batch, staged)
    _all_issues(staged).write_parquet(batch.folder / ISSUES)
    plan.changes.write_parquet(batch.folder / CHANGES)
    seconds["stage"] = round(time.perf_counter() - started, 2)
    summary = {**_summary(staged, plan), "seconds": seconds}
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.VALIDATED, summary=summary)
    batch.refresh_from_db()
    progress(_("校验完成"), rows, rows, force=True)
    return summary


# --- commit ----------------------------------------------------------------------------------------


def may_commit(actor: Any, batch: ImportBatch) -> bool:
    """The uploader's own batch, or one of an area the actor edits. (The rows themselves are
    checked against the committer's scope again when the commit reconciles them.)"""
    if can(actor, Capability.EDIT_REGISTRY, batch.area_id):
        return True
    return batch.created_by_id == actor.pk and can(actor, Capability.SUBMIT_ALERTS, batch.area_id)


def import_commit(
    *, actor: Any, batch: ImportBatch, valid_only: bool = False, progress: BatchProgress | None = None
) -> dict[str, int]:
    """Commit a validated batch in one transaction; refuse (nothing written) when a row is
    invalid, unless `valid_only`. Returns the registry rows written per table."""
    if not may_commit(actor, batch):
        raise NotFound()
    if batch.status not in {ImportBatch.Status.VALIDATED, ImportBatch.Status.COMMITTING}:
        raise ImportRefused("status", batch.status, _("只有已校验、尚未提交的批次才能提交"))
    progress = progress or BatchProgress(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.COMMITTING)
    started = time.perf_counter()
    staged = load_staged(batch, raw=False)
    refused_plan: Plan | None = None
    progress(_("提交：与登记数据再次比对"), 0, 1, force=True)
    try:
        # Every reference the plan writes was read from the registry in this transaction or is a
        # row of the same write, so SQLite may skip its row-by-row foreign-key checks (as the
        # synthetic-county loader does); they cost about 40% of the insert time.
        with connection.constraint_checks_disabled(), transaction.atomic():
            # one commit of a batch at a time: the row lock (SQLite: the write lock) makes a second
            # commit wait, and then it finds the batch committed and stops
            current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if current.status == ImportBatch.Status.COMMITTED:
                raise ImportRefused("status", current.status, _("此批次已经提交"))
            plan = Reconciler(staged, user=actor, as_of=batch.as_of, review=False).run()
            reconciled = time.perf_counter()
            invalid = sum(int((f["_action"] == INVALID).sum()) for f in plan.tables.values())
            if invalid and not valid_only:
                refused_plan = plan
                raise ImportRefused(
                    "mode",
                    "all",
                    _("有 {n} 行有错误，未提交任何数据：请改正后重新导入，或选择“只提交无误的行”").format(
                        n=invalid
                    ),
                )
            writer = PlanWriter(
                plan,
                present={name: s.present for name, s in staged.items()},
                as_of=batch.as_of,
                valid_only=valid_only,
                progress=lambda table, done, total: progress(
                    _("写入 {table}").format(table=table), done, total
                ),
            )
            written = writer.write()
            seconds = {
                **batch.summary.get("seconds", {}),
                "commit reconcile": round(reconciled - started, 2),
                "commit write": round(time.perf_counter() - reconciled, 2),
            }
            summary = {**_summary(staged, plan), "written": written, "seconds": seconds}
            for name, counts in summary["tables"].items():  # the commit does not look for duplicates again
                counts["review"] = batch.summary.get("tables", {}).get(name, {}).get("review", 0)
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.COMMITTED,
                committed_by=actor,
                committed_at=timezone.now(),
                mode=ImportBatch.Mode.VALID_ONLY if valid_only else ImportBatch.Mode.ALL,
                summary=summary,
            )
            batch.refresh_from_db()
            _audit(actor, batch, written)
    except BaseException:
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.COMMITTING).update(
            status=ImportBatch.Status.VALIDATED
        )
        if refused_plan is not None:  # the registry changed since validation: show what is wrong now
            _save_findings(batch, staged, refused_plan)
        batch.refresh_from_db()
        raise
    _save_issues(batch, staged, plan)
    total = sum(written.values())
    progress(_("提交完成"), total, total, force=True)
    return written


def _save_issues(batch: ImportBatch, staged: dict[str, StagedTable], plan: Plan) -> None:
    """The commit's own findings, with the validation's review flags (the commit does not look
    for duplicates again)."""
    reviews = pl.read_parquet(batch.folder / ISSUES).filter(pl.col("severity") == "review")
    pl.concat([_all_issues(staged), reviews]).unique(maintain_order=True).write_parquet(batch.folder / ISSUES)
    plan.changes.write_parquet(batch.folder / CHANGES)


def _save_findings(batch: ImportBatch, staged: dict[str, StagedTable], plan: Plan) -> None:
    _save_issues(batch, staged, plan)
    summary = {**batch.summary, **_summary(staged, plan)}
    for name, counts in summary["tables"].items():
        counts["review"] = batch.summary.get("tables", {}).get(name, {}).get("review", 0)
    ImportBatch.objects.filter(pk=batch.pk).update(summary=summary)


def _audit(actor: Any, batch: ImportBatch, written: dict[str, int]) -> None:
    """One audit entry for the whole batch: who committed which files, how, and what changed."""
    counts = batch.counts
    with set_actor(actor):
        LogEntry.objects.log_create(
            batch,
            force_log=True,
            action=LogEntry.Action.CREATE,
            actor=actor,
            changes={
                "import": [None, f"#{batch.pk}"],
                "files": [None, ", ".join(f"{f['name']} ({f['sha256'][:12]})" for f in batch.files)],
                "mode": [None, batch.mode],
                "rows": [None, json.dumps(counts)],
                "written": [None, json.dumps(written)],
            },
            additional_data={**batch.get_additional_data(), "written": written, "counts": counts},
        )


def import_discard(*, actor: Any, batch: ImportBatch) -> None:
    if batch.created_by_id != actor.pk and not may_commit(actor, batch):
        raise NotFound()
    if batch.status == ImportBatch.Status.COMMITTED or (
        batch.status == ImportBatch.Status.COMMITTING and not stuck(batch)
    ):
        raise ImportRefused("status", batch.status, _("已提交的批次不能放弃"))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.DISCARDED)
    shutil.rmtree(batch.folder / "staged", ignore_errors=True)
    batch.refresh_from_db()


# --- background tasks -------------------------------------------------------------------------------


def _batch_of(t: Task) -> ImportBatch:
    return ImportBatch.objects.select_related("created_by").get(pk=t.args["batch"])


@task("import.validate")
def _validate_task(t: Task, progress: TaskProgress) -> dict[str, Any]:
    batch = _batch_of(t)
    try:
        return import_validate(batch, BatchProgress(batch, progress))
    except ImportRefused as refused:
        return {"refused": refused.message}


@task("import.commit")
def _commit_task(t: Task, progress: TaskProgress) -> dict[str, Any]:
    batch = _batch_of(t)
    return {
        "written": import_commit(
            actor=t.created_by,
            batch=batch,
            valid_only=bool(t.args.get("valid_only")),
            progress=BatchProgress(batch, progress),
        )
    }


def enqueue_validate(*, actor: Any, batch: ImportBatch) -> Task:
    from lnob.core.tasks import task_enqueue

    t = task_enqueue(actor=actor, kind="import.validate", args={"batch": batch.pk})
    ImportBatch.objects.filter(pk=batch.pk).update(task=t)
    return t


def enqueue_commit(*, actor: Any, batch: ImportBatch, valid_only: bool) -> Task:
    from lnob.core.tasks import task_enqueue

    if not may_commit(actor, batch):
        raise NotFound()
    if batch.status != ImportBatch.Status.VALIDATED and not stuck(batch):
        raise ImportRefused("status", batch.status, _("只有已校验、尚未提交的批次才能提交"))
    invalid = batch.counts["invalid"]
    if invalid and not valid_only:
        raise ImportRefused(
            "mode", "all", _("有 {n} 行有错误：请改正后重新导入，或选择“只提交无误的行”").format(n=invalid)
        )
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=batch.status).update(
            status=ImportBatch.Status.COMMITTING
        )
        if claimed != 1:  # someone else pressed commit first
            raise ImportRefused("status", batch.status, _("此批次正在提交或已经提交"))
        t = task_enqueue(
            actor=actor, kind="import.commit", args={"batch": batch.pk, "valid_only": valid_only}
        )
        ImportBatch.objects.filter(pk=batch.pk).update(task=t)
    batch.refresh_from_db()
    return t


def stuck(batch: ImportBatch) -> bool:
    return batch.stuck
