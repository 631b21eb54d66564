"""The allowance payments (training_allowance_payments), 雨露计划 students (rain_dew_students) and
their payments (rain_dew_payments) registers: in, again, refused, out and back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lnob.employment.training import services
from lnob.employment.training.models import AllowancePayment, RainDewPayment, RainDewStudent
from lnob.registry import services as registry
from tests.personas import person

from .conftest import attend
from .registers_helpers import load, messages, refused, round_trip, write

P_HEADER = [
    "course_area",
    "course_title",
    "course_start",
    "id_number",
    "name",
    "paid_on",
    "amount",
    "reference",
]
KEY = ["530627102000", "中式烹调师培训班", "2026-09-01"]
S_HEADER = ["id_number", "name", "school_year", "school", "programme", "grant"]
R_HEADER = ["id_number", "name", "school_year", "paid_on", "amount", "reference"]


@pytest.fixture
def owed(world, course, poor):
    """泼机村's trainee attended 8 days: 200 yuan owed."""
    e = services.enrolment_create(actor=world.zx_township, course=course, person=poor)
    attend(world.zx_township, course, [e], 8)
    return e


def test_allowance_payments_go_in_once_and_never_above_what_is_owed(world, owed, poor, tmp_path):
    rows = [
        [*KEY, poor.id_number, poor.name, "2026-10-01", "120", "PZ-1"],
        [*KEY, poor.id_number, "", "2026-10-15", "80.00", "PZ-2"],
    ]
    path = write(tmp_path, "paid", P_HEADER, rows)
    assert load(world.zx_admin, "training_allowance_payments", path).created == 2
    assert load(world.zx_admin, "training_allowance_payments", path).created == 0
    more = write(tmp_path, "more", P_HEADER, [[*KEY, poor.id_number, "", "2026-10-20", "0.01", "PZ-3"]])
    assert refused(world.zx_admin, "training_allowance_payments", more) == [(2, "amount", "0.01")]
    changed = write(tmp_path, "changed", P_HEADER, [[*KEY, poor.id_number, "", "2026-10-01", "100", "PZ-1"]])
    assert "另一笔发放" in messages(world.zx_admin, "training_allowance_payments", changed)[0]
    data, result = round_trip(world.zx_admin, "training_allowance_payments", tmp_path)
    assert "PZ-2" in data.decode("utf-8-sig") and (result.created, result.updated) == (0, 0)
    assert AllowancePayment.objects.count() == 2


def test_a_bad_allowance_file_is_refused_and_a_township_cannot_pay(world, owed, poor, ordinary, tmp_path):
    rows = [
        [*KEY, poor.id_number, "", "2026-10-01", "250", "PZ-1"],  # 50 above what is owed
        [*KEY, ordinary.id_number, "", "2026-10-01", "10", "PZ-2"],  # not a trainee
        [*KEY, poor.id_number, "", "2099-01-01", "10", "PZ-3"],
        [*KEY, poor.id_number, "", "2026-10-01", "-3", "PZ-4"],
    ]
    problems = refused(world.zx_admin, "training_allowance_payments", write(tmp_path, "bad", P_HEADER, rows))
    assert {(2, "amount", "250.00"), (3, "id_number", ordinary.id_number), (5, "amount", "-3")} <= set(
        problems
    )
    ok_rows = write(tmp_path, "one", P_HEADER, rows[:1] + rows[2:3])
    assert refused(world.zx_admin, "training_allowance_payments", ok_rows) == [
        (2, "amount", "250.00"),
        (3, "paid_on", "2099-01-01"),
    ]
    assert not AllowancePayment.objects.exists()
    from lnob.core.errors import NotFound

    with pytest.raises(NotFound):  # a township officer does not sign payments off
        load(world.zx_township, "training_allowance_payments", write(tmp_path, "t", P_HEADER, rows[:1]))


def _children(world, households):
    def add(actor, hh, name, birth):
        return registry.member_add(
            actor=actor,
            household=hh,
            person=person(birth, name=name),
            relation="child",
            joined=dt.date(2020, 1, 1),
        ).person

    return add(world.zx_cadre1, households["v1"], "小刚", "20090401"), add(
        world.zx_cadre2, households["v2"], "小红", "20080301"
    )


def test_rain_dew_students_and_payments_go_in_again_change_nothing_and_come_back_out(
    world, households, tmp_path
):
    poor_child, _ordinary_child = _children(world, households)
    students = write(
        tmp_path,
        "s",
        S_HEADER,
        [[poor_child.id_number, "小刚", "2026", "县职业高级中学", "secondary_vocational", ""]],
    )
    assert load(world.zx_admin, "rain_dew_students", students).created == 1
    assert load(world.zx_admin, "rain_dew_students", students).created == 0
    s = RainDewStudent.objects.get()
    assert (s.grant, s.rule.kind) == (Decimal("3000.00"), "rain_dew")
    pay = write(tmp_path, "p", R_HEADER, [[poor_child.id_number, "", "2026", "2026-10-10", "1500", "YL-1"]])
    assert load(world.zx_admin, "rain_dew_payments", pay).created == 1
    assert load(world.zx_admin, "rain_dew_payments", pay).created == 0
    for name in ("rain_dew_students", "rain_dew_payments"):
        data, result = round_trip(world.zx_admin, name, tmp_path)
        assert poor_child.id_number in data.decode("utf-8-sig") and (result.created, result.updated) == (0, 0)


def test_a_bad_rain_dew_file_is_refused_and_nothing_is_applied(world, households, tmp_path):
    poor_child, ordinary_child = _children(world, households)
    rows = [
        [
            poor_child.id_number,
            "",
            "2026",
            "县职业高级中学",
            "secondary_vocational",
            "4000",
        ],  # not the rule's grant
        [
            ordinary_child.id_number,
            "",
            "2026",
            "县职业高级中学",
            "higher_vocational",
            "",
        ],  # an ordinary household
        [poor_child.id_number, "", "2010", "县职业高级中学", "secondary_vocational", ""],
        [poor_child.id_number, "", "2025", "县职业高级中学", "university", ""],
    ]
    problems = refused(world.zx_admin, "rain_dew_students", write(tmp_path, "bad", S_HEADER, rows))
    assert (5, "programme", "university") in problems
    logic = refused(world.zx_admin, "rain_dew_students", write(tmp_path, "logic", S_HEADER, rows[:3]))
    assert logic == [
        (2, "grant", "4000.0"),
        (3, "id_number", ordinary_child.id_number),
        (4, "school_year", "2010"),
    ]
    assert not RainDewStudent.objects.exists()
    load(world.zx_admin, "rain_dew_students", write(tmp_path, "ok", S_HEADER, [[*rows[0][:5], "3000"]]))
    over = write(
        tmp_path,
        "over",
        R_HEADER,
        [
            [poor_child.id_number, "", "2026", "2026-10-10", "3000.01", "YL-1"],
            [poor_child.id_number, "", "2025", "2026-10-10", "1", "YL-2"],
        ],
    )
    assert refused(world.zx_admin, "rain_dew_payments", over) == [
        (2, "amount", "3000.01"),
        (3, "school_year", "2025"),
    ]
    assert not RainDewPayment.objects.exists()
