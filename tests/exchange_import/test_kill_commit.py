"""A commit killed half way (SIGKILL, as a power cut or the OOM killer would) leaves the registry
exactly as it was; running the commit again commits everything. On SQLite and PostgreSQL alike:
the commit runs in a separate `lnob import` process against the test database."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from lnob.core.models import Task
from lnob.core.tasks import task_recover
from lnob.engine.synth import generate
from lnob.exchange.models import ImportBatch
from lnob.exchange.synth_out import write_exchange
from tests.exchange_import.helpers import validated
from tests.exchange_import.snapshot import registry_snapshot

COUNTY = 530628000000
LNOB = Path(sys.executable).parent / "lnob"


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _commit_in_another_process(
    batch: ImportBatch, user: str, *, fault: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": _database_url(), "LNOB_DATA_DIR": str(settings.DATA_DIR)}
    env.pop("LNOB_FAULT", None)
    if fault:
        env["LNOB_FAULT"] = fault
    command = [str(LNOB), "import", "--batch", str(batch.pk), "--user", user, "--commit", "--quiet"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.django_db(transaction=True)
def test_killed_commit_changes_nothing_and_the_rerun_commits_everything(world, tmp_path):
    from django.contrib.auth import get_user_model

    from lnob.areas.models import Area
    from lnob.areas.roles import Role
    from lnob.areas.services import role_assign

    admin = get_user_model().objects.create_user(username="yl_admin", password="x-91-password")
    role_assign(user=admin, area=Area.objects.get(code=COUNTY), role=Role.COUNTY_ADMIN)
    synth = generate(persons=3000, seed=11, county_code=COUNTY, county_name="彝良县")
    write_exchange(synth, tmp_path, "csv")
    files = [
        (p.name, p.read_bytes())
        for p in sorted(tmp_path.iterdir())
        if p.stem in {"areas", "households", "persons"}
    ]
    batch = validated(admin, *files, as_of=dt.date(2026, 6, 30))
    assert batch.status == ImportBatch.Status.VALIDATED and batch.counts["invalid"] == 0
    before = registry_snapshot(COUNTY)

    killed = _commit_in_another_process(batch, "yl_admin", fault="import.write")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert registry_snapshot(COUNTY) == before  # nothing of the half-done commit is visible
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTING

    rerun = _commit_in_another_process(batch, "yl_admin")
    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    after = registry_snapshot(COUNTY)
    assert len(after["households"]) == synth.households.height
    assert len(after["persons"]) == batch.summary["tables"]["persons"]["rows"]
    assert {row[0] for row in after["households"]} == set(synth.households["number"].to_list())

    # and a third time: everything is already there, nothing is written
    batch2 = validated(admin, *files, as_of=dt.date(2026, 6, 30))
    assert batch2.counts["unchanged"] == batch2.counts["rows"]


def test_a_task_whose_worker_died_is_queued_again_once(world):
    gone = subprocess.Popen(["/bin/true"])  # a process that has exited: its pid names no one
    gone.wait()
    worker = f"{socket.gethostname()}:{gone.pid}:1"
    t = Task.objects.create(
        kind="import.commit", args={"batch": 1}, created_by=world.zx_admin, status="running", worker=worker
    )
    elsewhere = Task.objects.create(
        kind="import.commit", args={}, created_by=world.zx_admin, status="running", worker="other-host:1:1"
    )
    assert task_recover() == [t.pk]
    t.refresh_from_db()
    assert (t.status, t.args["_retried"], t.worker) == ("queued", True, "")
    elsewhere.refresh_from_db()
    assert elsewhere.status == "running"  # another machine's worker is its own business
    Task.objects.filter(pk=t.pk).update(status="running", worker=worker)
    assert task_recover() == []
    t.refresh_from_db()
    assert t.status == "failed" and "twice" in t.error
