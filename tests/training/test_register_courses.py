"""The courses register (training_courses): in, again, refused, out and back."""

from __future__ import annotations

from lnob.employment import registers
from lnob.employment.training.models import Course
from tests.personas import ZX_TOWN, ZX_V1

from .registers_helpers import load, messages, refused, round_trip, write

HEADER = [
    "area",
    "title",
    "skill",
    "provider",
    "start",
    "end",
    "hours",
    "mode",
    "cost_per_trainee",
    "places",
    "status",
]
GOOD = [
    [
        ZX_TOWN,
        "中式烹调师培训班",
        "中式烹调师",
        "县职校",
        "2026-03-02",
        "2026-03-16",
        "120",
        "",
        "1800",
        "30",
        "",
    ],
    [
        "530627",
        "育婴员线上培训",
        "育婴员",
        "县妇联",
        "2026-10-01",
        "2026-10-30",
        "60",
        "online",
        "600.00",
        "40",
        "running",
    ],
]


def test_a_good_file_is_applied_and_the_same_file_again_changes_nothing(world, tmp_path):
    path = write(tmp_path, "courses", HEADER, GOOD)
    result = load(world.zx_admin, "training_courses", path)
    assert (result.created, result.updated) == (2, 0)
    chef = Course.objects.get(title="中式烹调师培训班")
    assert (chef.area_id, chef.mode, chef.status, chef.places) == (ZX_TOWN, "offline", "planned", 30)
    again = load(world.zx_admin, "training_courses", path)
    assert (again.created, again.updated) == (0, 0)
    changed = write(tmp_path, "courses2", HEADER, [[*GOOD[0][:9], "35", "finished"]])
    assert load(world.zx_admin, "training_courses", changed).updated == 1


def test_a_bad_file_is_refused_with_row_column_and_value_and_nothing_is_applied(world, tmp_path):
    rows = [
        GOOD[0],
        [ZX_V1, "村里的班", "电工", "县职校", "2026-03-02", "2026-03-16", "120", "", "1800", "30", ""],
        [ZX_TOWN, "倒序", "电工", "县职校", "2026-03-16", "2026-03-02", "0", "", "-5", "0", "paused"],
        ["500101", "万州的班", "电工", "县职校", "2026-03-02", "2026-03-16", "120", "", "1800", "30", ""],
    ]
    path = write(tmp_path, "bad", HEADER, rows)
    problems = refused(world.zx_township, "training_courses", path)
    assert (3, "area", str(ZX_V1)) in problems  # a village cannot run a course
    assert {(4, "cost_per_trainee", "-5"), (4, "status", "paused")} <= set(problems)  # typing
    assert (5, "area", "500101000000") in problems or (5, "area", "500101") in problems
    assert not Course.objects.exists()
    logic = write(tmp_path, "logic", HEADER, [[*rows[2][:8], "5", "0", ""]])
    found = refused(world.zx_township, "training_courses", logic)
    assert {(2, "end", "2026-03-02"), (2, "hours", "0"), (2, "places", "0")} <= set(found)
    assert "结业日期不能早于开班日期" in messages(world.zx_township, "training_courses", logic)


def test_the_export_goes_back_in_unchanged_and_another_county_sees_none_of_it(world, tmp_path):
    load(world.zx_admin, "training_courses", write(tmp_path, "courses", HEADER, GOOD))
    data, result = round_trip(world.zx_admin, "training_courses", tmp_path)
    assert "中式烹调师培训班" in data.decode("utf-8-sig") and (result.created, result.updated) == (0, 0)
    theirs, _name = registers.export_file(actor=world.wz_admin, name="training_courses", fmt="csv")
    assert "中式烹调师" not in theirs.decode("utf-8-sig")
