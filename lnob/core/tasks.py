"""Background tasks: enqueue, claim, run, report progress.

A task kind is a function registered with `@task("kind")`; it receives the Task and a `Progress`
to report with. `lnob worker` runs queued tasks; `lnob serve` runs one worker thread beside the
web server so a county on one machine needs no second process. Tests and the command line may run
a task inline with `task_run_now`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from .models import Task

logger = logging.getLogger(__name__)
Runner = Callable[[Task, "Progress"], dict[str, Any]]
_REGISTRY: dict[str, Runner] = {}


def task(kind: str) -> Callable[[Runner], Runner]:
    def register(fn: Runner) -> Runner:
        _REGISTRY[kind] = fn
        return fn

    return register


class Progress:
    """Writes stage, rows done and rows per second, at most every `interval` seconds."""

    def __init__(self, task: Task, interval: float = 0.5, echo: Callable[[Task], None] | None = None) -> None:
        self.task, self.interval, self.echo = task, interval, echo
        self._started = time.monotonic()
        self._last = 0.0

    def __call__(self, stage: str, done: int, total: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        elapsed = max(now - self._started, 1e-6)
        t = self.task
        t.stage, t.done, t.total, t.rows_per_second = stage, done, total, done / elapsed
        # update() outside any surrounding transaction would be ideal; inside one (a commit in
        # progress) the row is written with it, and the echo still shows progress on the console
        Task.objects.filter(pk=t.pk).update(
            stage=stage, done=done, total=total, rows_per_second=t.rows_per_second
        )
        if self.echo:
            self.echo(t)


def task_enqueue(*, actor: Any, kind: str, args: dict[str, Any]) -> Task:
    if kind not in _REGISTRY:
        raise ValueError(f"unknown task kind {kind!r}")
    return Task.objects.create(kind=kind, args=args, created_by=actor)


def task_claim(*, worker: str) -> Task | None:
    """Claim the oldest queued task. The conditional update touches one row or none."""
    for candidate in (
        Task.objects.filter(status=Task.Status.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:5]
    ):
        claimed = Task.objects.filter(pk=candidate, status=Task.Status.QUEUED).update(
            status=Task.Status.RUNNING, worker=worker, started_at=timezone.now()
        )
        if claimed == 1:
            return Task.objects.get(pk=candidate)
    return None


def task_run(t: Task, *, echo: Callable[[Task], None] | None = None) -> Task:
    """Run a claimed task to the end; a failure is recorded on the task, never lost."""
    runner = _REGISTRY[t.kind]
    try:
        result = runner(t, Progress(t, echo=echo))
    except Exception as exc:  # any failure is the task's outcome, recorded and shown to the user
        logger.exception("task %s failed", t.pk)
        Task.objects.filter(pk=t.pk).update(
            status=Task.Status.FAILED, error=str(exc)[:5000], finished_at=timezone.now()
        )
    else:
        Task.objects.filter(pk=t.pk).update(
            status=Task.Status.DONE, result=result or {}, finished_at=timezone.now()
        )
    t.refresh_from_db()
    return t


def task_run_now(
    *, actor: Any, kind: str, args: dict[str, Any], echo: Callable[[Task], None] | None = None
) -> Task:
    t = task_enqueue(actor=actor, kind=kind, args=args)
    claimed = Task.objects.filter(pk=t.pk, status=Task.Status.QUEUED).update(
        status=Task.Status.RUNNING, worker="inline", started_at=timezone.now()
    )
    assert claimed == 1
    t.refresh_from_db()
    return task_run(t, echo=echo)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def task_recover() -> list[int]:
    """Tasks left RUNNING by a worker of this machine that died (killed, crashed, power cut).

    Each is queued again once, so a batch whose commit was killed half way is committed on the
    next start (its transaction was rolled back, so the whole commit runs again); a task that was
    already retried is marked failed instead, so a task that kills its worker cannot loop."""
    host = socket.gethostname()
    recovered = []
    for t in Task.objects.filter(status=Task.Status.RUNNING, worker__startswith=f"{host}:"):
        try:
            pid = int(t.worker.split(":")[1])
        except (IndexError, ValueError):
            continue
        if pid == os.getpid() or _alive(pid):
            continue
        if t.args.get("_retried"):
            Task.objects.filter(pk=t.pk, status=Task.Status.RUNNING).update(
                status=Task.Status.FAILED,
                error=f"the worker {t.worker} stopped while running this task, twice",
                finished_at=timezone.now(),
            )
        else:
            Task.objects.filter(pk=t.pk, status=Task.Status.RUNNING).update(
                status=Task.Status.QUEUED, args={**t.args, "_retried": True}, worker=""
            )
            recovered.append(t.pk)
            logger.warning("task %s: its worker %s died; queued again", t.pk, t.worker)
    return recovered


# Jobs a worker runs every so often when it has nothing else to do (the monthly sweep schedule
# checks whether this month's sweeps exist). Each must be idempotent: several workers may run it.
_PERIODIC: dict[str, tuple[float, Callable[[], Any]]] = {}


def periodic(name: str, *, seconds: float) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _PERIODIC[name] = (seconds, fn)
        return fn

    return register


def run_periodic(last: dict[str, float]) -> None:
    now = time.monotonic()
    for name, (seconds, fn) in _PERIODIC.items():
        if now - last.get(name, -seconds) < seconds:
            continue
        last[name] = now
        try:
            fn()
        except Exception:  # a failing schedule must not stop the worker
            logger.exception("periodic job %s failed", name)


def work_forever(*, poll_seconds: float = 1.0, stop: threading.Event | None = None) -> None:
    name = worker_name()
    close_old_connections()
    task_recover()
    last: dict[str, float] = {}
    while stop is None or not stop.is_set():
        close_old_connections()
        run_periodic(last)
        with transaction.atomic():
            claimed = task_claim(worker=name)
        if claimed is None:
            time.sleep(poll_seconds)
            continue
        task_run(claimed)


def start_worker_thread() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=work_forever, kwargs={"stop": stop}, name="lnob-worker", daemon=True).start()
    return stop
