"""The import pipeline's rules, with personas of two villages of 镇雄 and one of 万州."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from auditlog.models import LogEntry

from lnob.core.errors import Msg, NotFound
from lnob.exchange import services
from lnob.exchange.errorfile import error_file, error_tables
from lnob.exchange.models import ImportBatch
from lnob.registry.models import Household, HouseholdVersion, Membership, Person
from tests.exchange_import.helpers import AS_OF, households_csv, messages_for, persons_csv, validated
from tests.personas import WZ_V1, ZX_V1, ZX_V2, make_id

V1_NUMBER = "5306271022010901"
V2_NUMBER = "5306271022020901"


def _family(number: str, *, head_id: str | None = None, child_id: str | None = None) -> list[list[object]]:
    return [
        [head_id or make_id("19750304", "M"), "王大山", number, "head", "2015-01-01", "13800000001"],
        [child_id or make_id("20050101", "F"), "王小花", number, "child", "2015-01-01", ""],
    ]


def test_village_cadre_imports_new_households_of_own_village(world):
    batch = validated(
        world.zx_cadre1,
        households_csv([V1_NUMBER, ZX_V1, "out_of_poverty", 2019, "是"]),
        persons_csv(*_family(V1_NUMBER)),
    )
    assert batch.status == ImportBatch.Status.VALIDATED
    assert batch.summary["tables"]["households"]["new"] == 1
    assert batch.summary["tables"]["persons"]["new"] == 2
    assert batch.counts["invalid"] == 0
    assert not Household.objects.filter(number=V1_NUMBER).exists()  # a dry run writes nothing

    written = services.import_commit(actor=world.zx_cadre1, batch=batch)
    assert written["registry_person"] == 2 and written["registry_membership"] == 2
    household = Household.objects.get(number=V1_NUMBER)
    version = HouseholdVersion.objects.get(household=household)
    assert (version.status, version.left_poverty_year, version.valid_from) == ("out_of_poverty", 2019, AS_OF)
    members = Membership.objects.filter(household=household, left__isnull=True)
    assert sorted(m.relation for m in members) == ["child", "head"]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.committed_by == world.zx_cadre1
    entry = LogEntry.objects.get(object_pk=str(batch.pk), content_type__model="importbatch")
    assert entry.actor == world.zx_cadre1
    assert entry.additional_data["area"] == ZX_V1
    assert entry.additional_data["written"]["registry_person"] == 2


def test_rows_outside_the_uploaders_village_are_refused_and_nothing_is_half_applied(world):
    batch = validated(
        world.zx_cadre1,
        households_csv(
            [V1_NUMBER, ZX_V1, "ordinary", None, "是"], [V2_NUMBER, ZX_V2, "ordinary", None, "是"]
        ),
        persons_csv(*_family(V1_NUMBER), *_family(V2_NUMBER)),
    )
    errors = messages_for(batch)
    assert (3, "village", str(Msg.OUT_OF_SCOPE)) in errors
    # the other village's members fail with their household
    assert {row for row, column, _m in errors if column == "household_number"} == {4, 5}
    with pytest.raises(services.ImportRefused):
        services.import_commit(actor=world.zx_cadre1, batch=batch)
    assert not Household.objects.filter(number__in=[V1_NUMBER, V2_NUMBER]).exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED

    services.import_commit(actor=world.zx_cadre1, batch=batch, valid_only=True)
    assert Household.objects.filter(number=V1_NUMBER).exists()
    assert not Household.objects.filter(number=V2_NUMBER).exists()
    assert Person.objects.filter(memberships__household__number=V1_NUMBER).count() == 2


def test_batches_of_another_county_are_not_found(world):
    batch = validated(world.zx_cadre1, households_csv([V1_NUMBER, ZX_V1, "ordinary", None, "是"]))
    with pytest.raises(NotFound):
        services.import_commit(actor=world.wz_admin, batch=batch)
    with pytest.raises(NotFound):
        services.import_commit(actor=world.zx_cadre2, batch=batch)  # the neighbouring village
    assert services.may_commit(world.zx_admin, batch)  # the county above may
    assert not ImportBatch.objects.visible_to(world.wz_admin).filter(pk=batch.pk).exists()
    with pytest.raises(NotFound):
        validated(world.zx_auditor, households_csv([V1_NUMBER, ZX_V1, "ordinary", None, "是"]))


def test_changed_household_gets_a_new_version_and_differences_are_listed(world, households):
    number = households["v1"].number
    batch = validated(world.zx_cadre1, households_csv([number, ZX_V1, "out_of_poverty", 2019, "否"]))
    t = batch.summary["tables"]["households"]
    assert (t["changed"], t["new"], t["unchanged"]) == (1, 0, 0)
    changes = pl.read_parquet(batch.folder / services.CHANGES).to_dicts()
    assert changes == [
        {
            "table": "households",
            "row": 2,
            "key": number,
            "column": "water_safe",
            "old": "true",
            "new": "false",
        }
    ]
    services.import_commit(actor=world.zx_cadre1, batch=batch)
    versions = list(HouseholdVersion.objects.filter(household__number=number).order_by("valid_from"))
    assert [(v.valid_from, v.valid_to, v.water_safe) for v in versions] == [
        (dt.date(2020, 1, 1), AS_OF, True),
        (AS_OF, None, False),
    ]
    assert versions[1].status == "out_of_poverty" and versions[1].left_poverty_year == 2019


def test_importing_the_same_file_twice_changes_nothing_the_second_time(world):
    files = (households_csv([V1_NUMBER, ZX_V1, "ordinary", None, "是"]), persons_csv(*_family(V1_NUMBER)))
    services.import_commit(actor=world.zx_cadre1, batch=validated(world.zx_cadre1, *files))
    counts = {m: m.objects.count() for m in (Household, HouseholdVersion, Person, Membership)}
    again = validated(world.zx_cadre1, *files)
    assert again.counts["unchanged"] == again.counts["rows"] == 3
    written = services.import_commit(actor=world.zx_cadre1, batch=again)
    assert sum(written.values()) == 0
    assert {m: m.objects.count() for m in counts} == counts


def test_same_id_twice_in_a_file_and_in_another_household(world, households):
    head = make_id("19750304", "M")
    rows = _family(V1_NUMBER, head_id=head)
    rows.append([head, "王大山", V1_NUMBER, "child", "2015-01-01", ""])
    batch = validated(
        world.zx_cadre1, households_csv([V1_NUMBER, ZX_V1, "ordinary", None, "是"]), persons_csv(*rows)
    )
    assert (4, "id_number", "同一身份证号在文件中出现多次") in messages_for(batch)

    # a person registered in a household of the 万州 cadre's village: outside 镇雄, refused
    wz_head = Membership.objects.get(household=households["wz"], relation="head").person
    batch = validated(
        world.zx_cadre1,
        households_csv([V1_NUMBER, ZX_V1, "ordinary", None, "是"]),
        persons_csv(*_family(V1_NUMBER, child_id=wz_head.id_number)),
    )
    assert any(row == 3 and column == "id_number" for row, column, _m in messages_for(batch))


def test_person_registered_in_another_household_of_the_area_moves_after_review(world, households):
    mover = Membership.objects.get(household=households["v2"], relation="head").person
    batch = validated(
        world.zx_township,
        households_csv([V1_NUMBER, ZX_V1, "ordinary", None, "是"]),
        persons_csv(
            [make_id("19750304", "M"), "王大山", V1_NUMBER, "head", "2015-01-01", ""],
            [mover.id_number, mover.name, V1_NUMBER, "spouse", "2026-07-01", ""],
        ),
        as_of=dt.date(2026, 7, 1),
    )
    review = messages_for(batch, "review")
    assert review and review[0][:2] == (3, "household_number")
    assert batch.counts["invalid"] == 0 and batch.summary["tables"]["persons"]["review"] == 1
    services.import_commit(actor=world.zx_township, batch=batch)
    memberships = list(Membership.objects.filter(person=mover).order_by("joined"))
    assert [(m.household.number, m.joined, m.left, m.leave_reason) for m in memberships] == [
        (households["v2"].number, dt.date(2020, 1, 1), dt.date(2026, 7, 1), "moved"),
        (V1_NUMBER, dt.date(2026, 7, 1), None, ""),
    ]
    assert memberships[-1].relation == "spouse" and memberships[-1].join_reason == "moved"


def test_moving_in_before_joining_the_old_household_is_refused(world, households):
    mover = Membership.objects.get(household=households["v2"], relation="head").person
    batch = validated(
        world.zx_township,
        households_csv([V1_NUMBER, ZX_V1, "ordinary", None, "是"]),
        persons_csv(
            [make_id("19750304", "M"), "王大山", V1_NUMBER, "head", "2015-01-01", ""],
            [mover.id_number, mover.name, V1_NUMBER, "spouse", "2019-07-01", ""],
        ),
    )
    assert [(row, column) for row, column, _m in messages_for(batch)] == [(3, "joined")]


def test_same_name_birth_and_village_under_different_ids_is_flagged(world, households):
    head = Membership.objects.get(household=households["v1"], relation="head").person
    twin = make_id(head.birth_date.strftime("%Y%m%d"), head.sex)
    batch = validated(
        world.zx_cadre1,
        households_csv([V1_NUMBER, ZX_V1, "ordinary", None, "是"]),
        persons_csv([twin, head.name, V1_NUMBER, "head", "2015-01-01", ""]),
    )
    review = messages_for(batch, "review")
    assert [(row, column) for row, column, _m in review] == [(2, "name")]
    assert batch.counts["invalid"] == 0


def test_a_second_head_for_a_registered_household_is_refused(world, households):
    number = households["v1"].number
    batch = validated(
        world.zx_cadre1, persons_csv([make_id("19900101", "M"), "李四", number, "head", "2026-01-01", ""])
    )
    errors = messages_for(batch)
    assert len(errors) == 1 and errors[0][:2] == (2, "relation")
    assert "一户只能有一名户主" in errors[0][2]


def test_error_file_holds_only_the_bad_rows_with_a_column_per_problem(world):
    good, child = make_id("19750304", "M"), make_id("20050101", "F")
    bad = child[:-1] + ("0" if child[-1] != "0" else "1")  # a wrong check digit
    batch = validated(
        world.zx_cadre1,
        households_csv([V1_NUMBER, ZX_V1, "ordinary", None, "是"]),
        persons_csv(
            [good, "王大山", V1_NUMBER, "head", "2015-01-01", "13800000001"],
            [bad, "王小花", V1_NUMBER, "daughter", "2015-01-01", ""],
        ),
    )
    assert error_tables(batch) == ["persons"]
    content, name, fmt = error_file(batch, "persons")
    assert (name, fmt) == (f"import-{batch.pk}-persons-errors.csv", "csv")
    frame = pl.read_csv(content, infer_schema=False)
    assert frame["原行号"].to_list() == ["3"]
    assert frame["id_number"].to_list() == [bad]
    assert frame.columns[-2:] == ["错误：id_number", "错误：relation"]
    assert "身份证号" in frame["错误：id_number"][0]
    assert frame["错误：relation"][0].startswith(str(Msg.UNKNOWN_CODE))


def test_incomes_need_a_known_household_and_ordered_periods(world, households):
    from tests.exchange_import.helpers import csv_bytes

    number = households["v1"].number
    header = ["household_number", "period_start", "period_end", "source", "amount"]
    batch = validated(
        world.zx_cadre1,
        (
            "incomes.csv",
            csv_bytes(
                header,
                [
                    [number, "2025-07-01", "2026-06-30", "wages", "36,000"],
                    [number, "2026-06-30", "2025-07-01", "wages", "100"],
                    ["5306271022019999", "2025-07-01", "2026-06-30", "wages", "100"],
                    [households["wz"].number, "2025-07-01", "2026-06-30", "wages", "100"],
                ],
            ),
        ),
    )
    errors = messages_for(batch)
    assert (3, "period_end", str(Msg.PERIOD_REVERSED)) in errors
    assert {row for row, column, _m in errors if column == "household_number"} == {4, 5}
    services.import_commit(actor=world.zx_cadre1, batch=batch, valid_only=True)
    from lnob.registry.models import IncomeRecord

    assert [float(r.amount) for r in IncomeRecord.objects.filter(household=households["v1"])] == [36000.0]


def test_an_unreadable_file_refuses_the_batch_with_the_reason(world):
    batch = validated(world.zx_cadre1, ("persons.xlsx", b"%PDF-1.4 not a workbook"))
    assert batch.status == ImportBatch.Status.REFUSED
    assert "persons.xlsx" in batch.error and "PDF" in batch.error
    with pytest.raises(services.ImportRefused):
        services.import_commit(actor=world.zx_cadre1, batch=batch)


def test_two_files_of_one_table_are_refused(world):
    batch = validated(
        world.zx_cadre1,
        persons_csv(*_family(V1_NUMBER)),
        ("persons_2.csv", persons_csv(*_family(V1_NUMBER))[1]),
    )
    assert batch.status == ImportBatch.Status.REFUSED
    assert "persons.csv" in batch.error and "persons_2.csv" in batch.error


def test_a_file_whose_table_cannot_be_told_is_refused(world):
    batch = validated(world.zx_cadre1, ("data.csv", b"a,b,c\n1,2,3\n"))
    assert batch.status == ImportBatch.Status.REFUSED
    assert "data.csv" in batch.error


def test_cadre_of_wanzhou_imports_into_own_village(world):
    number = "5001011032010901"
    batch = validated(
        world.wz_cadre, households_csv([number, WZ_V1, "ordinary", None, "是"]), persons_csv(*_family(number))
    )
    assert batch.counts["invalid"] == 0, messages_for(batch)
    services.import_commit(actor=world.wz_cadre, batch=batch)
    assert Household.objects.get(number=number).village_id == WZ_V1


def test_a_record_may_name_only_a_member_of_that_time(world, households):
    from tests.exchange_import.helpers import csv_bytes

    number = households["v1"].number  # the head joined on 2020-01-01
    head = Membership.objects.get(household=households["v1"], relation="head").person
    header = ["household_number", "period_start", "period_end", "source", "amount", "id_number"]
    batch = validated(
        world.zx_cadre1,
        (
            "incomes.csv",
            csv_bytes(
                header,
                [
                    [number, "2025-07-01", "2026-06-30", "wages", "100", head.id_number],
                    [number, "2018-07-01", "2019-06-30", "wages", "100", head.id_number],
                ],
            ),
        ),
    )
    assert [(row, column) for row, column, _m in messages_for(batch)] == [(3, "id_number")]


def test_a_person_of_another_county_cannot_be_named_in_a_memberships_file(world, households):
    from tests.exchange_import.helpers import csv_bytes

    wz_head = Membership.objects.get(household=households["wz"], relation="head").person
    header = ["id_number", "household_number", "relation", "joined", "left", "leave_reason"]
    row = [wz_head.id_number, households["v1"].number, "child", "2001-01-01", "2001-02-01", "moved"]
    batch = validated(world.zx_cadre1, ("memberships.csv", csv_bytes(header, [row])))
    assert [(r, c) for r, c, _m in messages_for(batch)] == [(2, "id_number")]
    with pytest.raises(services.ImportRefused):
        services.import_commit(actor=world.zx_cadre1, batch=batch)
    assert not Person.objects.visible_to(world.zx_cadre1).filter(pk=wz_head.pk).exists()


def test_a_household_leaving_out_of_poverty_loses_its_exit_year(world, households):
    number = households["v1"].number  # out_of_poverty, 2019
    batch = validated(world.zx_cadre1, households_csv([number, ZX_V1, "ordinary", None, None]))
    assert batch.counts["changed"] == 1 and batch.counts["invalid"] == 0
    services.import_commit(actor=world.zx_cadre1, batch=batch)
    current = HouseholdVersion.objects.get(household__number=number, valid_to__isnull=True)
    assert (current.status, current.left_poverty_year) == ("ordinary", None)


def test_a_batch_is_committed_once(world):
    batch = validated(
        world.zx_cadre1,
        households_csv([V1_NUMBER, ZX_V1, "ordinary", None, "是"]),
        persons_csv(*_family(V1_NUMBER)),
    )
    services.enqueue_commit(actor=world.zx_cadre1, batch=batch, valid_only=False)
    with pytest.raises(services.ImportRefused):  # pressed twice
        services.enqueue_commit(
            actor=world.zx_cadre1, batch=ImportBatch.objects.get(pk=batch.pk), valid_only=False
        )
    batch.refresh_from_db()
    services.import_commit(actor=world.zx_cadre1, batch=batch)
    with pytest.raises(services.ImportRefused):
        services.import_commit(actor=world.zx_cadre1, batch=ImportBatch.objects.get(pk=batch.pk))
    assert LogEntry.objects.filter(object_pk=str(batch.pk), content_type__model="importbatch").count() == 1


def test_a_commit_whose_task_died_can_be_started_again(world):
    from lnob.core.models import Task

    batch = validated(
        world.zx_cadre1,
        households_csv([V1_NUMBER, ZX_V1, "ordinary", None, "是"]),
        persons_csv(*_family(V1_NUMBER)),
    )
    t = services.enqueue_commit(actor=world.zx_cadre1, batch=batch, valid_only=False)
    Task.objects.filter(pk=t.pk).update(status=Task.Status.FAILED, error="the worker stopped, twice")
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert batch.stuck and not batch.running
    services.enqueue_commit(actor=world.zx_cadre1, batch=batch, valid_only=False)
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.COMMITTING


def test_a_change_dated_before_the_persons_current_version_is_refused(world, households):
    head = Membership.objects.get(household=households["v1"], relation="head").person
    number = households["v1"].number
    batch = validated(
        world.zx_cadre1,
        persons_csv([head.id_number, head.name, number, "head", "2020-01-01", "13900000000"]),
        as_of=dt.date(2019, 6, 30),
    )
    assert [(r, c) for r, c, _m in messages_for(batch)] == [(2, "id_number")]


def test_an_effective_date_in_the_future_is_refused(world):
    with pytest.raises(services.ImportRefused):
        services.import_create(
            actor=world.zx_cadre1,
            files=[households_csv([V1_NUMBER, ZX_V1, "ordinary", None, "是"])],
            as_of=dt.date(2999, 1, 1),
        )
