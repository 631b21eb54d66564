"""Each bad input is refused with the field and the value named, and nothing is saved."""

import datetime as dt
from decimal import Decimal

import pytest

from lnob.areas.models import Area
from lnob.core.errors import DomainError
from lnob.registry import services
from lnob.registry.models import Household, IncomeRecord, Membership, Person
from tests.personas import WZ_V1, ZX_V1, make_household, make_id, person


def counts() -> tuple[int, int, int, int]:
    return (
        Household.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        IncomeRecord.objects.count(),
    )


def refused(field: str, call, *args, **kwargs) -> DomainError:  # type: ignore[no-untyped-def]
    before = counts()
    with pytest.raises(DomainError) as err:
        call(*args, **kwargs)
    assert err.value.field == field
    assert counts() == before, "a refused write must leave nothing behind"
    return err.value


def test_invalid_id_checksum_is_refused(world, households):
    good = make_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # one ID, its check digit changed
    err = refused(
        "id_number",
        make_household,
        world.zx_cadre1,
        ZX_V1,
        "X-1",
        head=services.PersonData(id_number=bad, name="李四"),
    )
    assert err.value == bad and "校验码" in str(err.message)


def test_impossible_birth_date_is_refused(world):
    from stdnum.cn import ric

    body = "53062720230230123"
    err = refused(
        "id_number",
        make_household,
        world.zx_cadre1,
        ZX_V1,
        "X-2",
        head=services.PersonData(id_number=body + ric.calc_check_digit(body + "0"), name="李四"),
    )
    assert "出生日期" in str(err.message)


def test_unknown_birthplace_is_refused(world):
    refused(
        "id_number",
        make_household,
        world.zx_cadre1,
        ZX_V1,
        "X-3",
        head=services.PersonData(id_number=make_id(place="999999", birth="20050101"), name="李四"),
    )


def test_sex_that_contradicts_the_id_is_refused(world):
    err = refused(
        "sex",
        make_household,
        world.zx_cadre1,
        ZX_V1,
        "X-4",
        head=services.PersonData(id_number=make_id(sex="M"), name="李四", sex="F"),
    )
    assert err.value == "F"


def test_second_head_is_refused(world, households):
    err = refused(
        "relation",
        services.member_add,
        actor=world.zx_cadre1,
        household=households["v1"],
        person=person(name="王五"),
        relation="head",
        joined=dt.date(2021, 1, 1),
    )
    assert "户主" in str(err.message)


def test_overlapping_membership_is_refused(world, households):
    head = Membership.objects.get(household=households["v1"], relation="head").person
    again = services.PersonData(id_number=head.id_number, name=head.name)
    err = refused(
        "id_number",
        services.member_add,
        actor=world.zx_admin,
        household=households["v2"],
        person=again,
        relation="child",
        joined=dt.date(2022, 1, 1),
    )
    assert err.value == head.id_number and households["v1"].number in str(err.message)


def test_rejoining_after_leaving_is_accepted_and_earlier_overlap_is_not(world, households):
    hh = households["v1"]
    child = services.member_add(
        actor=world.zx_cadre1,
        household=hh,
        person=person("20050101", name="小明"),
        relation="child",
        joined=dt.date(2020, 1, 1),
    )
    services.member_leave(
        actor=world.zx_cadre1, membership=child, left=dt.date(2023, 3, 1), leave_reason="moved"
    )
    data = services.PersonData(id_number=child.person.id_number, name="小明")
    refused(
        "id_number",
        services.member_add,
        actor=world.zx_admin,
        household=households["v2"],
        person=data,
        relation="child",
        joined=dt.date(2023, 2, 1),
    )
    moved = services.member_add(
        actor=world.zx_admin,
        household=households["v2"],
        person=data,
        relation="child",
        joined=dt.date(2023, 3, 1),
    )
    assert moved.person_id == child.person_id


def test_negative_amount_is_refused(world, households):
    err = refused(
        "amount",
        services.income_record,
        actor=world.zx_cadre1,
        household=households["v1"],
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        source="wages",
        amount=Decimal("-5"),
    )
    assert err.value == Decimal("-5")


def test_period_ending_before_it_starts_is_refused(world, households):
    err = refused(
        "period_end",
        services.expenditure_record,
        actor=world.zx_cadre1,
        household=households["v1"],
        period_start=dt.date(2025, 6, 1),
        period_end=dt.date(2025, 5, 1),
        type="medical_self_paid",
        amount=Decimal("100"),
    )
    assert err.value == dt.date(2025, 5, 1)


def test_area_outside_scope_is_refused(world):
    err = refused("village", make_household, world.zx_cadre1, WZ_V1, "X-5")
    assert err.value == f"{WZ_V1:012d}"


def test_other_village_of_same_township_is_outside_a_cadres_scope(world):
    from tests.personas import ZX_V2

    refused("village", make_household, world.zx_cadre1, ZX_V2, "X-6")


def test_household_must_be_in_a_village(world):
    err = refused(
        "village",
        services.household_create,
        actor=world.zx_admin,
        number="X-7",
        village=Area.objects.get(code=530627000000),
        head=person(),
    )
    assert "村" in str(err.message)


def test_transfer_income_needs_its_type(world, households):
    refused(
        "transfer_type",
        services.income_record,
        actor=world.zx_cadre1,
        household=households["v1"],
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        source="transfer",
        amount=Decimal("1200"),
    )


def test_head_cannot_leave_while_others_remain(world, households):
    hh = households["v1"]
    services.member_add(
        actor=world.zx_cadre1,
        household=hh,
        person=person("19820202", "F", "赵六"),
        relation="spouse",
        joined=dt.date(2020, 1, 1),
    )
    head = Membership.objects.get(household=hh, relation="head")
    with pytest.raises(DomainError) as err:
        services.member_leave(
            actor=world.zx_cadre1, membership=head, left=dt.date(2024, 1, 1), leave_reason="death"
        )
    assert err.value.field == "left"
    head.refresh_from_db()
    assert head.left is None


def test_database_refuses_a_second_open_head_even_without_the_service(world, households):
    from django.db import IntegrityError, transaction

    p = Person.objects.create(id_number=make_id(), name="直写", sex="M", birth_date=dt.date(1980, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            person=p,
            household=households["v1"],
            relation="head",
            joined=dt.date(2021, 1, 1),
            join_reason="other",
        )


def test_head_change_refuses_head_as_the_former_heads_relation_and_the_same_person(world, households):
    hh = households["v1"]
    son = services.member_add(
        actor=world.zx_cadre1,
        household=hh,
        person=person("19950101", "M", "张强"),
        relation="child",
        joined=dt.date(2020, 1, 1),
    )
    with pytest.raises(DomainError) as err:
        services.head_change(
            actor=world.zx_cadre1,
            household=hh,
            new_head=son.person,
            effective=dt.date(2025, 1, 1),
            former_head_relation="head",
        )
    assert err.value.field == "former_head_relation"
    head = Membership.objects.get(household=hh, relation="head", left__isnull=True).person
    with pytest.raises(DomainError) as err:
        services.head_change(
            actor=world.zx_cadre1,
            household=hh,
            new_head=head,
            effective=dt.date(2025, 1, 1),
            former_head_relation="parent",
        )
    assert err.value.field == "new_head"
    assert Membership.objects.filter(household=hh, left__isnull=True).count() == 2


def test_income_and_shocks_name_only_people_who_were_members_then(world, households):
    hh = households["v1"]
    son = services.member_add(
        actor=world.zx_cadre1,
        household=hh,
        person=person("19950101", "M", "张强"),
        relation="child",
        joined=dt.date(2020, 1, 1),
    )
    services.member_leave(
        actor=world.zx_cadre1, membership=son, left=dt.date(2023, 1, 1), leave_reason="moved"
    )
    wages = dict(
        actor=world.zx_cadre1, household=hh, source="wages", amount=Decimal("30000"), person=son.person
    )
    refused(
        "person",
        services.income_record,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        **wages,
    )
    services.income_record(period_start=dt.date(2022, 1, 1), period_end=dt.date(2022, 12, 31), **wages)
    services.income_record(
        period_start=dt.date(2022, 7, 1), period_end=dt.date(2023, 6, 30), **wages
    )  # overlaps
    shock = dict(actor=world.zx_cadre1, household=hh, risk_type="illness", person=son.person)
    services.shock_record(date=dt.date(2022, 12, 31), **shock)
    with pytest.raises(DomainError) as err:
        services.shock_record(date=dt.date(2023, 1, 1), **shock)  # the day he left is no longer his
    assert err.value.field == "person"
