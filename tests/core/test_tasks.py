"""Background tasks: claimed once, progress recorded, failures kept."""

import threading

import pytest

from lnob.core.models import Task
from lnob.core.tasks import task, task_claim, task_enqueue, task_run, task_run_now

SEEN: list[int] = []


@task("test_count")
def _count(t: Task, progress) -> dict:  # type: ignore[no-untyped-def]
    total = t.args["n"]
    for i in range(total):
        progress("counting", i + 1, total, force=True)
    SEEN.append(t.pk)
    return {"counted": total}


@task("test_fail")
def _fail(t: Task, progress) -> dict:  # type: ignore[no-untyped-def]
    raise ValueError("第 3 行：身份证号无效")


def test_a_task_runs_inline_and_records_progress_and_result(world):
    t = task_run_now(actor=world.zx_admin, kind="test_count", args={"n": 3})
    assert t.status == Task.Status.DONE and t.result == {"counted": 3}
    assert (t.stage, t.done, t.total, t.percent) == ("counting", 3, 3, 100)


def test_a_failure_is_kept_on_the_task(world):
    t = task_run_now(actor=world.zx_admin, kind="test_fail", args={})
    assert t.status == Task.Status.FAILED and "身份证号无效" in t.error


def test_unknown_kind_is_refused(world):
    with pytest.raises(ValueError, match="unknown task kind"):
        task_enqueue(actor=world.zx_admin, kind="nope", args={})


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_claim_each_task_exactly_once(world):
    tasks = [task_enqueue(actor=world.zx_admin, kind="test_count", args={"n": 1}) for _ in range(12)]
    claims: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        from django.db import connection

        try:
            while (claimed := task_claim(worker=name)) is not None:
                with lock:
                    claims.append(claimed.pk)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert failures == []
    assert sorted(claims) == sorted(t.pk for t in tasks)
    assert Task.objects.filter(status=Task.Status.RUNNING).count() == 12


def test_a_claimed_task_is_not_claimed_again(world):
    t = task_enqueue(actor=world.zx_admin, kind="test_count", args={"n": 1})
    first = task_claim(worker="a")
    assert first is not None and first.pk == t.pk
    assert task_claim(worker="b") is None
    assert task_run(first).status == Task.Status.DONE
