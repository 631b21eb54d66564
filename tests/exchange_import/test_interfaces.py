"""The import from each door: the web screens (background tasks and progress), the REST API and
`lnob import`. Each door also gets its bad input."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from lnob.core.models import ApiToken, Task
from lnob.core.tasks import task_claim, task_run
from lnob.exchange.models import ImportBatch
from lnob.registry.models import Household
from tests.exchange_import.helpers import households_csv, persons_csv
from tests.personas import ZX_V1, make_id

NUMBER = "5306271022010902"


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _files(bad_child: bool = False) -> list[tuple[str, bytes]]:
    child = make_id("20050101", "F")
    if bad_child:
        child = child[:-1] + ("0" if child[-1] != "0" else "1")
    return [
        households_csv([NUMBER, ZX_V1, "ordinary", None, "是"]),
        persons_csv(
            [make_id("19750304", "M"), "王大山", NUMBER, "head", "2015-01-01", "13800000001"],
            [child, "王小花", NUMBER, "child", "2015-01-01", ""],
        ),
    ]


def _run_queued_tasks() -> list[Task]:
    done = []
    while (t := task_claim(worker="test")) is not None:
        done.append(task_run(t))
    return done


def test_web_upload_validate_commit_with_progress(world):
    c = _client(world.zx_cadre1)
    assert c.get("/exchange/imports/").status_code == 200
    uploads = [SimpleUploadedFile(name, data) for name, data in _files()]
    response = c.post("/exchange/imports/", {"files": uploads, "as_of": "2026-06-30"})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exchange/imports/{batch.pk}/"
    assert batch.status == ImportBatch.Status.QUEUED and batch.task.kind == "import.validate"
    page = c.get(f"/exchange/imports/{batch.pk}/").content.decode()
    assert 'data-testid="progress"' in page and "hx-trigger" in page  # polls while it runs

    [task] = _run_queued_tasks()
    assert task.status == "done", task.error
    progress = c.get(f"/exchange/imports/{batch.pk}/progress")
    assert progress["HX-Refresh"] == "true"  # the step is over: the page reloads
    page = c.get(f"/exchange/imports/{batch.pk}/").content.decode()
    assert 'data-testid="new-persons">2<' in page and 'data-testid="commit"' in page

    response = c.post(f"/exchange/imports/{batch.pk}/commit", {"mode": "all"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTING
    [task] = _run_queued_tasks()
    assert task.status == "done", task.error
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Household.objects.filter(number=NUMBER).exists()
    assert batch.progress()["percent"] == 100


def test_web_batch_of_another_area_answers_404(world):
    c = _client(world.zx_cadre1)
    c.post("/exchange/imports/", {"files": [SimpleUploadedFile(n, d) for n, d in _files(bad_child=True)]})
    batch = ImportBatch.objects.get()
    _run_queued_tasks()
    for other in (world.wz_cadre, world.zx_cadre2, world.nobody, world.zx_auditor):
        o = _client(other)
        assert o.get(f"/exchange/imports/{batch.pk}/").status_code == 404
        assert o.get(f"/exchange/imports/{batch.pk}/progress").status_code == 404
        assert o.get(f"/exchange/imports/{batch.pk}/errors/persons").status_code == 404
        assert o.post(f"/exchange/imports/{batch.pk}/commit", {"mode": "valid_only"}).status_code == 404
    assert _client(world.nobody).get("/exchange/imports/").status_code == 404
    assert ImportBatch.objects.get().status == ImportBatch.Status.VALIDATED


def test_web_error_file_download_is_audited(world):
    c = _client(world.zx_cadre1)
    c.post("/exchange/imports/", {"files": [SimpleUploadedFile(n, d) for n, d in _files(bad_child=True)]})
    batch = ImportBatch.objects.get()
    _run_queued_tasks()
    page = c.get(f"/exchange/imports/{batch.pk}/").content.decode()
    assert 'data-testid="errors-persons"' in page and 'value="valid_only"' in page
    # all-or-nothing is refused while a row has an error
    c.post(f"/exchange/imports/{batch.pk}/commit", {"mode": "all"})
    assert ImportBatch.objects.get().status == ImportBatch.Status.VALIDATED
    response = c.get(f"/exchange/imports/{batch.pk}/errors/persons")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "错误：id_number" in response.content.decode("utf-8-sig")
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(batch.pk)).get()
    assert entry.actor == world.zx_cadre1 and entry.additional_data["export"] == "import_errors"


def test_web_upload_bad_input_is_explained(world):
    c = _client(world.zx_cadre1)
    response = c.post("/exchange/imports/", {"files": []}, follow=True)
    assert "请选择要导入的文件" in response.content.decode()
    response = c.post(
        "/exchange/imports/",
        {"files": [SimpleUploadedFile("persons.csv", b"x")], "as_of": "30/06/2026"},
        follow=True,
    )
    assert "生效日期格式不对" in response.content.decode()
    assert not ImportBatch.objects.exists()
    # a file that is not a table: the batch is refused with the reason, shown on its page
    c.post("/exchange/imports/", {"files": [SimpleUploadedFile("persons.xlsx", b"%PDF-1.4 ...")]})
    _run_queued_tasks()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REFUSED
    page = c.get(f"/exchange/imports/{batch.pk}/").content.decode()
    assert 'data-testid="refused"' in page and "persons.xlsx" in page


def _api(user) -> tuple[Client, dict[str, str]]:
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_upload_poll_issues_and_commit(world):
    c, auth = _api(world.zx_cadre1)
    uploads = [SimpleUploadedFile(n, d) for n, d in _files(bad_child=True)]
    response = c.post("/api/v1/imports", {"files": uploads, "as_of": "2026-06-30"}, **auth)
    assert response.status_code == 202, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "queued"
    _run_queued_tasks()
    body = c.get(f"/api/v1/imports/{pk}", **auth).json()
    assert body["status"] == "validated" and body["counts"]["invalid"] == 1
    assert body["error_files"] == [f"/exchange/imports/{pk}/errors/persons"]
    issues = c.get(f"/api/v1/imports/{pk}/issues?severity=error", **auth).json()["items"]
    assert [(i["row"], i["column"]) for i in issues] == [(3, "id_number")]
    assert "*" in issues[0]["value"]  # ID numbers are masked in the API's issue list
    refused = c.post(
        f"/api/v1/imports/{pk}/commit", {"valid_only": False}, content_type="application/json", **auth
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "mode"
    accepted = c.post(
        f"/api/v1/imports/{pk}/commit", {"valid_only": True}, content_type="application/json", **auth
    )
    assert accepted.status_code == 202
    _run_queued_tasks()
    assert c.get(f"/api/v1/imports/{pk}", **auth).json()["status"] == "committed"
    assert Household.objects.filter(number=NUMBER).exists()

    other, other_auth = _api(world.wz_admin)
    assert other.get(f"/api/v1/imports/{pk}", **other_auth).status_code == 404
    assert other.get(f"/api/v1/imports/{pk}/issues", **other_auth).status_code == 404


def test_api_bad_input(world):
    c, auth = _api(world.zx_cadre1)
    assert c.post("/api/v1/imports", {}, **auth).status_code == 422  # no files
    response = c.post(
        "/api/v1/imports", {"files": [SimpleUploadedFile("a.csv", b"x")], "as_of": "soon"}, **auth
    )
    assert response.status_code == 422
    nobody, nobody_auth = _api(world.nobody)
    assert (
        nobody.post(
            "/api/v1/imports", {"files": [SimpleUploadedFile("a.csv", b"x")]}, **nobody_auth
        ).status_code
        == 404
    )


def test_command_line_validates_commits_and_writes_error_files(world, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in _files(bad_child=True):
        (folder / name).write_bytes(data)
    out, errors = io.StringIO(), tmp_path / "errors"
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import",
            str(folder),
            user="zx_cadre1",
            commit=True,
            errors=errors,
            quiet=True,
            stdout=out,
            stderr=io.StringIO(),
        )
    assert exited.value.code == 1
    batch = ImportBatch.objects.get()
    assert (errors / f"import-{batch.pk}-persons-errors.csv").exists()
    assert "row 3, column id_number" in out.getvalue()
    assert not Household.objects.filter(number=NUMBER).exists()

    out = io.StringIO()
    call_command(
        "import",
        batch=batch.pk,
        user="zx_cadre1",
        commit_valid_only=True,
        errors=errors,
        quiet=True,
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Committed batch" in out.getvalue()
    assert Household.objects.filter(number=NUMBER).exists()


def test_command_line_progress_bar_and_dry_run(world, tmp_path):
    for name, data in _files():
        (tmp_path / name).write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import",
        str(tmp_path / "households.csv"),
        str(tmp_path / "persons.csv"),
        user="zx_cadre1",
        stdout=out,
        stderr=err,
    )
    assert "Dry run only" in out.getvalue()
    assert "100%" in err.getvalue() and "rows/s" in err.getvalue()
    assert not Household.objects.filter(number=NUMBER).exists()


def test_command_line_bad_input(world, tmp_path):
    with pytest.raises(CommandError, match="no user named"):
        call_command("import", str(tmp_path), user="ghost")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import", str(tmp_path / "missing.csv"), user="zx_cadre1")
    with pytest.raises(CommandError, match="no CSV, XLSX or Parquet"):
        call_command("import", str(tmp_path), user="zx_cadre1")
    (tmp_path / "persons.xlsx").write_bytes(b"%PDF-1.4")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import",
            str(tmp_path / "persons.xlsx"),
            user="zx_cadre1",
            quiet=True,
            stdout=io.StringIO(),
            stderr=err,
        )
    assert exited.value.code == 2 and "persons.xlsx" in err.getvalue()
    with pytest.raises(CommandError, match="no import batch #999"):
        call_command("import", batch=999, user="zx_cadre1", commit=True)
