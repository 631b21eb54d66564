"""Department feeds (部门预警) through the exchange pipeline: rows keyed by resident ID, the
household found from the membership on the alert's date, unknown persons reported back row by
row, department officers who upload feeds without seeing the registry. Personas of 镇雄 and 万州."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import polars as pl
import pytest
from auditlog.models import LogEntry
from django.test import Client

from lnob.core.errors import NotFound
from lnob.exchange import services
from lnob.exchange.errorfile import error_file
from lnob.monitoring.models import Lead, Signal
from lnob.registry.models import Alert, Membership, Person
from lnob.registry.selectors import household_detail
from tests.exchange_import.helpers import csv_bytes, messages_for, validated
from tests.monitoring.helpers import sweep
from tests.personas import PASSWORD, ZX, make_id

HEADER = ["department", "kind", "id_number", "name", "date", "amount", "grade", "reference"]


def _alerts(*rows: list[object], header: list[str] = HEADER) -> tuple[str, bytes]:
    return "alerts.csv", csv_bytes(header, list(rows))


def _head(household) -> Person:
    return Membership.objects.get(household=household, relation="head").person


def test_department_officer_uploads_a_feed_and_unknown_persons_come_back_row_by_row(world, county):
    a, d = _head(county["a"]), _head(county["d"])
    unknown = make_id("19700101", "F")
    feed = _alerts(
        ["medical_insurance", "medical_self_paid", a.id_number, a.name, "2026-03-01", "30000", "", "YB1"],
        ["medical_insurance", "medical_self_paid", d.id_number, d.name, "2026-03-02", "12000", "", "YB2"],
        ["medical_insurance", "medical_self_paid", unknown, "李四", "2026-03-03", "9000", "", "YB3"],
        ["医疗保障部门", "大额医疗自付费用", a.id_number, "别的名字", "2026-04-01", "5000", "", "YB4"],
    )
    batch = validated(world.zx_department, feed)
    assert batch.status == "validated"
    assert sorted((row, column) for row, column, _m in messages_for(batch)) == [
        (3, "id_number"),  # 万州's resident: outside the officer's county
        (4, "id_number"),  # not registered anywhere
    ]
    assert [(row, column) for row, column, _m in messages_for(batch, "review")] == [(5, "name")]
    counts = batch.summary["tables"]["alerts"]
    assert (counts["new"], counts["invalid"], counts["review"]) == (2, 2, 1)

    # all or nothing: the invalid rows stop a full commit and nothing is written
    with pytest.raises(services.ImportRefused):
        services.import_commit(actor=world.zx_department, batch=batch)
    assert not Alert.objects.exists()

    services.import_commit(actor=world.zx_department, batch=batch, valid_only=True)
    stored = list(Alert.objects.order_by("date").values_list("household_id", "person_id", "kind", "amount"))
    assert stored == [
        (county["a"].pk, a.pk, "medical_self_paid", Decimal("30000.00")),
        (county["a"].pk, a.pk, "medical_self_paid", Decimal("5000.00")),
    ]
    assert Alert.objects.get(reference="YB1").department == "medical_insurance"

    # the rows left out go back to the department with file, row, column and value
    content, _name, fmt = error_file(batch, "alerts")
    errors = pl.read_csv(content, infer_schema=False)
    assert fmt == "csv" and errors.height == 2
    assert sorted(errors["id_number"].to_list()) == sorted([d.id_number, unknown])
    assert [c for c in errors.columns if c.startswith("错误")] == ["错误：id_number"]

    # the same feed again: the known rows are unchanged, nothing is added twice
    again = validated(world.zx_department, feed)
    assert again.summary["tables"]["alerts"]["unchanged"] == 2
    services.import_commit(actor=world.zx_department, batch=again, valid_only=True)
    assert Alert.objects.count() == 2


def test_the_household_is_the_one_the_person_belonged_to_on_the_alerts_date(world, county):
    mover = _head(county["c"])
    old = Membership.objects.get(person=mover)
    old.joined = dt.date(2024, 1, 1)
    old.save()
    Membership.objects.create(
        person=mover,
        household=county["a"],
        relation="other",
        joined=dt.date(2020, 1, 1),
        left=dt.date(2024, 1, 1),
        leave_reason="moved",
    )
    batch = validated(
        world.zx_admin,
        _alerts(
            ["hr_social_security", "layoff", mover.id_number, "", "2023-05-01", "", "", ""],
            ["hr_social_security", "layoff", mover.id_number, "", "2025-05-01", "", "", ""],
            ["hr_social_security", "layoff", mover.id_number, "", "2019-05-01", "", "", ""],
        ),
    )
    assert [(row, column) for row, column, _m in messages_for(batch)] == [(4, "id_number")]
    assert "不是任何登记农户的成员" in messages_for(batch)[0][2]
    services.import_commit(actor=world.zx_admin, batch=batch, valid_only=True)
    by_date = dict(Alert.objects.values_list("date", "household_id"))
    assert by_date == {dt.date(2023, 5, 1): county["a"].pk, dt.date(2025, 5, 1): county["c"].pk}


def test_bad_feed_rows_say_what_is_wrong_and_where(world, county):
    a = _head(county["a"]).id_number
    batch = validated(
        world.zx_admin,
        _alerts(
            ["education", "layoff", a, "", "2026-01-01", "", "", ""],  # not an education alert
            ["medical_insurance", "medical_self_paid", a, "", "2026-01-02", "", "", ""],  # no amount
            ["civil_affairs", "dibao_stopped", a, "", "2026-01-03", "", "2", ""],  # a grade
            ["disabled_federation", "disability_registered", a, "", "2026-01-04", "", "7", ""],
            ["emergency_management", "disaster_loss", a, "", "2099-01-01", "100", "", ""],  # future
            ["hr_social_security", "layoff", a, "", "2026-01-06", "", "", ""],
            ["hr_social_security", "layoff", a, "", "2026-01-06", "", "", ""],  # the same alert twice
            ["民政部门", "纳入特困", a, "", "2026-01-08", "", "", ""],  # no such kind
        ),
    )
    found = {(row, column) for row, column, _m in messages_for(batch)}
    assert found == {
        (2, "kind"),
        (3, "amount"),
        (4, "grade"),
        (5, "grade"),
        (6, "date"),
        (8, "department"),
        (9, "kind"),
    }
    by_row = {row: message for row, _c, message in messages_for(batch)}
    assert "教育部门" in by_row[2] and "金额" in by_row[3]
    with pytest.raises(services.ImportRefused):
        services.import_commit(actor=world.zx_admin, batch=batch)
    assert not Alert.objects.exists()


def test_a_department_officer_imports_alerts_only_and_sees_only_own_batches(world, county):
    person_row = [make_id("19900101", "M"), "王五", county["a"].number, "child", "2020-01-01", ""]
    persons = (
        "persons.csv",
        csv_bytes(["id_number", "name", "household_number", "relation", "joined", "phone"], [person_row]),
    )
    refused = validated(world.zx_department, persons)
    assert refused.status == "refused" and "部门预警" in refused.error

    a = _head(county["a"]).id_number
    mine = validated(world.zx_department, _alerts(["education", "dropout", a, "", "2026-01-01", "", "", ""]))
    theirs = validated(world.zx_admin, _alerts(["education", "dropout", a, "", "2026-02-01", "", "", ""]))
    client = Client()
    client.login(username="zx_department", password=PASSWORD)
    assert client.get(f"/exchange/imports/{mine.pk}/").status_code == 200
    assert client.get(f"/exchange/imports/{theirs.pk}/").status_code == 404
    assert client.get(f"/households/{county['a'].number}/").status_code == 404  # no registry access
    page = client.get("/exchange/")
    assert page.status_code == 200 and b'data-testid="alerts-only"' in page.content

    wanzhou = Client()
    wanzhou.login(username="wz_admin", password=PASSWORD)
    assert wanzhou.get(f"/exchange/imports/{mine.pk}/").status_code == 404
    with pytest.raises(NotFound):  # another county's batch
        services.import_commit(actor=world.wz_admin, batch=mine)
    services.import_commit(actor=world.zx_department, batch=mine)
    assert Alert.objects.filter(kind="dropout").count() == 1


def test_a_feed_from_wanzhou_lands_on_wanzhous_household(world, county):
    d = _head(county["d"])
    batch = validated(
        world.wz_admin,
        _alerts(
            ["emergency_management", "disaster_loss", d.id_number, d.name, "2026-05-01", "8000", "", "YJ9"]
        ),
    )
    assert messages_for(batch) == []
    services.import_commit(actor=world.wz_admin, batch=batch)
    assert Alert.objects.get().household_id == county["d"].pk
    # 镇雄's admin cannot name 万州's resident
    again = validated(
        world.zx_admin,
        _alerts(["emergency_management", "disaster_loss", d.id_number, "", "2026-05-02", "1", "", ""]),
    )
    assert [(row, column) for row, column, _m in messages_for(again)] == [(2, "id_number")]


def test_alerts_become_evidence_and_trigger_the_department_rules(world, county):
    a, b = _head(county["a"]), _head(county["b"])
    batch = validated(
        world.zx_department,
        _alerts(
            ["hr_social_security", "layoff", b.id_number, "", "2026-05-01", "", "", "RS1"],
            ["emergency_management", "disaster_loss", b.id_number, "", "2026-06-01", "6500", "", "YJ1"],
            ["medical_insurance", "medical_self_paid", a.id_number, "", "2026-02-01", "40000", "", "YB1"],
            ["hr_social_security", "layoff", a.id_number, "", "2024-05-01", "", "", "RS0"],  # too old
        ),
    )
    services.import_commit(actor=world.zx_department, batch=batch)
    done = sweep(ZX)
    hits = dict(done.hits.filter(rule_code__startswith="dept_").values_list("rule_code", "household_id"))
    assert hits == {"dept_job_loss": county["b"].pk, "dept_disaster": county["b"].pk}
    # Yunnan sets no medical alert amount: the medical rule is skipped, and says so
    assert "dept_medical" in {s["code"] for s in done.policy["skipped"]}
    lead = Lead.objects.get(household=county["b"], closed_at__isnull=True)
    evidence = Signal.objects.get(lead=lead, rule_code="dept_disaster").evidence
    assert json.loads(evidence) == {"alert_disaster": 1, "alert_disaster_loss": 6500.0}

    # on the household page: the health alert for roles that may see health data, audited
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    seen = household_detail(user=world.zx_cadre1, number=county["a"].number)
    assert [x.kind for x in seen.alerts] == ["medical_self_paid", "layoff"] and seen.alerts_hidden == 0
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1
    hidden = household_detail(user=world.zx_auditor, number=county["a"].number)
    assert [x.kind for x in hidden.alerts] == ["layoff"] and hidden.alerts_hidden == 1
    client = Client()
    client.login(username="zx_auditor", password=PASSWORD)
    page = client.get(f"/households/{county['a'].number}/").content.decode()
    assert "RS0" in page and "YB1" not in page and "40000" not in page


def test_api_upload_of_a_feed_by_a_department_officer(world, county):
    from tests.monitoring.test_sweep_interfaces import _run_queued

    a = _head(county["a"])
    client = Client()
    client.login(username="zx_department", password=PASSWORD)
    name, content = _alerts(
        ["education", "dropout", a.id_number, "", "2026-03-01", "", "", "JY1"],
        ["education", "dropout", make_id("20150101", "F"), "", "2026-03-01", "", "", "JY2"],
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/api/v1/imports", {"files": [SimpleUploadedFile(name, content)], "as_of": "2026-06-30"}
    )
    assert response.status_code == 202, response.content
    pk = response.json()["id"]
    _run_queued()
    body = client.get(f"/api/v1/imports/{pk}").json()
    assert body["status"] == "validated"
    issues = client.get(f"/api/v1/imports/{pk}/issues").json()["items"]
    assert [(i["row"], i["column"]) for i in issues] == [(3, "id_number")]
    response = client.post(
        f"/api/v1/imports/{pk}/commit", {"valid_only": True}, content_type="application/json"
    )
    assert response.status_code == 202
    _run_queued()
    assert client.get(f"/api/v1/imports/{pk}").json()["status"] == "committed"
    assert list(Alert.objects.values_list("reference", flat=True)) == ["JY1"]


def test_command_line_import_of_a_feed_writes_the_rows_to_send_back(world, county, tmp_path):
    import io

    from django.core.management import call_command

    from lnob.exchange.models import ImportBatch

    a = _head(county["a"])
    stranger = make_id("19551111", "M")
    name, content = _alerts(
        ["civil_affairs", "dibao_stopped", a.id_number, a.name, "2026-04-01", "", "", "MZ1"],
        ["civil_affairs", "dibao_stopped", stranger, "钱七", "2026-04-01", "", "", "MZ2"],
    )
    (tmp_path / name).write_bytes(content)
    errors, out = tmp_path / "errors", io.StringIO()
    call_command(
        "import",
        str(tmp_path / name),
        user="zx_department",
        commit_valid_only=True,
        errors=errors,
        quiet=True,
        stdout=out,
        stderr=io.StringIO(),
    )
    batch = ImportBatch.objects.get()
    sent_back = pl.read_csv(errors / f"import-{batch.pk}-alerts-errors.csv", infer_schema=False)
    assert sent_back["id_number"].to_list() == [stranger]
    assert list(Alert.objects.values_list("reference", flat=True)) == ["MZ1"]
    assert batch.status == "committed"


def test_the_household_api_lists_alerts_health_ones_only_for_roles_that_may_see_them(world, county):
    a = _head(county["a"])
    Alert.objects.create(
        household=county["a"], person=a, department="medical_insurance", kind="medical_self_paid",
        date=dt.date(2026, 3, 1), amount=Decimal("30000"), reference="YB7",
    )  # fmt: skip
    Alert.objects.create(
        household=county["a"], person=a, department="hr_social_security", kind="layoff",
        date=dt.date(2026, 4, 1), reference="RS7",
    )  # fmt: skip
    cadre, auditor, wanzhou = Client(), Client(), Client()
    cadre.login(username="zx_cadre1", password=PASSWORD)
    auditor.login(username="zx_auditor", password=PASSWORD)
    wanzhou.login(username="wz_admin", password=PASSWORD)
    url = f"/api/v1/households/{county['a'].number}"
    body = cadre.get(url).json()
    assert [(x["kind"], x["amount"]) for x in body["alerts"]] == [
        ("layoff", None),
        ("medical_self_paid", 30000.0),
    ]
    body = auditor.get(url).json()
    assert [x["reference"] for x in body["alerts"]] == ["RS7"] and body["alerts_hidden"] == 1
    assert wanzhou.get(url).status_code == 404


def test_a_batch_is_not_kept_by_its_uploader_after_the_role_is_gone(world, county):
    from lnob.areas.models import RoleAssignment

    a = _head(county["a"]).id_number
    batch = validated(world.zx_department, _alerts(["education", "dropout", a, "", "2026-01-01", "", "", ""]))
    client = Client()
    client.login(username="zx_department", password=PASSWORD)
    assert client.get(f"/exchange/imports/{batch.pk}/").status_code == 200
    RoleAssignment.objects.filter(user=world.zx_department).delete()
    assert client.get(f"/exchange/imports/{batch.pk}/").status_code == 404
    assert client.get(f"/api/v1/imports/{batch.pk}/issues").status_code == 404


def test_a_feeds_changes_and_rows_sent_back_stay_private(world, county):
    """Correcting a kept medical alert lists the change without its amounts or the full ID; the
    rows sent back (people the county does not know) are for the department, not the county's
    editors; a person registered in another county reads the same as one registered nowhere."""
    a, d = _head(county["a"]), _head(county["d"])
    Alert.objects.create(
        household=county["a"], person=a, department="medical_insurance", kind="medical_self_paid",
        date=dt.date(2026, 3, 1), amount=Decimal("31234"),
    )  # fmt: skip
    batch = validated(
        world.zx_department,
        _alerts(
            ["medical_insurance", "medical_self_paid", a.id_number, "", "2026-03-01", "1", "", ""],
            ["medical_insurance", "medical_self_paid", d.id_number, "", "2026-03-01", "1", "", ""],
            [
                "medical_insurance",
                "medical_self_paid",
                make_id("19600101", "F"),
                "",
                "2026-03-01",
                "1",
                "",
                "",
            ],
        ),
    )
    assert batch.summary["tables"]["alerts"]["changed"] == 1
    messages = {row: message for row, _c, message in messages_for(batch)}
    assert messages[3] == messages[4]  # 万州's resident and a stranger alike
    officer, admin = Client(), Client()
    officer.login(username="zx_department", password=PASSWORD)
    admin.login(username="zx_admin", password=PASSWORD)
    page = officer.get(f"/exchange/imports/{batch.pk}/").content.decode()
    assert "31234" not in page and a.id_number not in page
    assert officer.get(f"/exchange/imports/{batch.pk}/errors/alerts").status_code == 200
    assert admin.get(f"/exchange/imports/{batch.pk}/").status_code == 200
    assert admin.get(f"/exchange/imports/{batch.pk}/errors/alerts").status_code == 404
    assert admin.get(f"/api/v1/imports/{batch.pk}").json()["error_files"] == []


def test_an_alert_after_the_person_left_in_the_same_batch_is_refused(world, county):
    """The batch closes the membership on 2026-01-01: a dropout reported in March cannot land on
    the household the child has left."""
    a = _head(county["a"])
    m = Membership.objects.get(person=a)
    memberships = (
        "memberships.csv",
        csv_bytes(
            ["id_number", "household_number", "relation", "joined", "left", "leave_reason"],
            [[a.id_number, county["a"].number, m.relation, m.joined.isoformat(), "2026-01-01", "moved"]],
        ),
    )
    batch = validated(
        world.zx_admin,
        memberships,
        _alerts(
            ["education", "dropout", a.id_number, "", "2026-03-01", "", "", ""],
            ["education", "dropout", a.id_number, "", "2025-12-01", "", "", ""],
        ),
    )
    errors = [(table_row, column) for table_row, column, _m in messages_for(batch)]
    assert errors == [(2, "id_number")]
    services.import_commit(actor=world.zx_admin, batch=batch, valid_only=True)
    assert list(Alert.objects.values_list("date", flat=True)) == [dt.date(2025, 12, 1)]


def test_the_command_line_resumes_a_department_officers_batch(world, county, tmp_path):
    import io

    from django.core.management import call_command

    a = _head(county["a"]).id_number
    batch = validated(
        world.zx_department, _alerts(["education", "dropout", a, "", "2026-01-01", "", "", "JY5"])
    )
    out = io.StringIO()
    call_command(
        "import", batch=batch.pk, user="zx_department", commit=True, errors=tmp_path, quiet=True,
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert "Committed batch" in out.getvalue()
    assert Alert.objects.get().reference == "JY5"


def test_medical_alert_figures_are_masked_for_roles_without_health_data(world, county):
    from lnob.monitoring import selectors
    from lnob.monitoring.models import PolicyVersion

    PolicyVersion.objects.create(
        area_code=ZX, effective_from=dt.date(2026, 1, 1), status="active", name="镇雄医保预警",
        medical_alert_yuan=Decimal("20000"), medical_alert_source="https://example.gov.cn/medical",
    )  # fmt: skip
    c = _head(county["c"])
    Alert.objects.create(
        household=county["c"], person=c, department="medical_insurance", kind="medical_self_paid",
        date=dt.date(2026, 3, 1), amount=Decimal("45000"),
    )  # fmt: skip
    done = sweep(ZX)
    hits = selectors.sweep_hits(user=world.zx_auditor, sweep=done, rule="dept_medical")
    [row] = selectors.hit_rows(done, hits, user=world.zx_auditor)
    text = next(r for r in row.rules if r["code"] == "dept_medical")["text"]
    assert "***" in text and "45,000" not in text
    [row] = selectors.hit_rows(
        done,
        selectors.sweep_hits(user=world.zx_cadre1, sweep=done, rule="dept_medical"),
        user=world.zx_cadre1,
    )
    assert "45,000" in next(r for r in row.rules if r["code"] == "dept_medical")["text"]
