"""Selectors answer "as of" a date; nothing is overwritten in a way that loses the past."""

import datetime as dt

from lnob.registry import selectors, services
from lnob.registry.models import Membership
from tests.personas import person


def names(view) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.person.name for r in view.members}


def test_members_as_of_dates_follow_births_deaths_and_moves(world, households):
    hh, cadre = households["v1"], world.zx_cadre1
    wife = services.member_add(
        actor=cadre,
        household=hh,
        person=person("19850303", "F", "刘芳"),
        relation="spouse",
        joined=dt.date(2020, 1, 1),
    )
    services.member_add(
        actor=cadre,
        household=hh,
        person=person("20220505", "M", "小宝"),
        relation="child",
        joined=dt.date(2022, 5, 5),
        join_reason="birth",
    )
    services.member_leave(actor=cadre, membership=wife, left=dt.date(2024, 8, 1), leave_reason="moved")

    def on(day: dt.date) -> set[str]:
        return names(selectors.household_detail(user=cadre, number=hh.number, as_of=day))

    head = Membership.objects.get(household=hh, relation="head").person.name
    assert on(dt.date(2021, 1, 1)) == {head, "刘芳"}
    assert on(dt.date(2023, 1, 1)) == {head, "刘芳", "小宝"}
    assert on(dt.date(2024, 7, 31)) == {head, "刘芳", "小宝"}
    assert on(dt.date(2024, 8, 1)) == {head, "小宝"}
    assert on(dt.date(2019, 12, 31)) == set()


def test_status_change_keeps_the_earlier_version(world, households):
    hh = households["v2"]
    services.household_update(
        actor=world.zx_cadre2, household=hh, effective=dt.date(2024, 3, 1), housing_safe=False
    )

    before = selectors.household_detail(user=world.zx_cadre2, number=hh.number, as_of=dt.date(2024, 2, 29))
    after = selectors.household_detail(user=world.zx_cadre2, number=hh.number, as_of=dt.date(2024, 3, 1))
    assert before.version is not None and before.version.housing_safe is True
    assert after.version is not None and after.version.housing_safe is False
    assert len(after.versions) == 2


def test_list_filters_use_the_as_of_version(world, households):
    hh = households["v2"]
    services.household_update(
        actor=world.zx_admin, household=hh, effective=dt.date(2024, 3, 1), water_safe=False
    )
    unsafe_now = selectors.household_list(user=world.zx_admin, water_safe=False)
    unsafe_then = selectors.household_list(user=world.zx_admin, water_safe=False, as_of=dt.date(2023, 1, 1))
    assert [h.number for h in unsafe_now] == [hh.number]
    assert list(unsafe_then) == []
    # before the household was registered it does not appear at all
    assert not selectors.household_list(user=world.zx_admin, as_of=dt.date(2019, 1, 1)).exists()


def test_head_change_keeps_both_histories(world, households):
    hh, cadre = households["v1"], world.zx_cadre1
    son = services.member_add(
        actor=cadre,
        household=hh,
        person=person("19950101", "M", "张强"),
        relation="child",
        joined=dt.date(2020, 1, 1),
    )
    services.head_change(
        actor=cadre,
        household=hh,
        new_head=son.person,
        effective=dt.date(2025, 1, 1),
        former_head_relation="parent",
    )
    old = selectors.household_detail(user=cadre, number=hh.number, as_of=dt.date(2024, 12, 31))
    new = selectors.household_detail(user=cadre, number=hh.number, as_of=dt.date(2025, 1, 1))
    assert {r.person.name for r in old.members if r.membership.relation == "head"} != {"张强"}
    assert [r.person.name for r in new.members if r.membership.relation == "head"] == ["张强"]
    assert len(new.members) == 2


def test_person_update_is_versioned_and_labour_capacity_derived(world, households):
    head = Membership.objects.get(household=households["v1"], relation="head").person
    services.person_update(
        actor=world.zx_cadre1, person=head, effective=dt.date(2025, 6, 1), health="serious"
    )
    before = selectors.person_detail(user=world.zx_cadre1, pk=head.pk, as_of=dt.date(2025, 5, 31))
    after = selectors.person_detail(user=world.zx_cadre1, pk=head.pk, as_of=dt.date(2025, 6, 1))
    assert before.labour_capacity == "full"
    assert after.labour_capacity == "none"
    services.person_update(
        actor=world.zx_cadre1,
        person=head,
        effective=dt.date(2025, 9, 1),
        labour_override="partial",
        labour_override_reason="透析后可从事轻体力居家工作",
    )
    assert selectors.person_detail(user=world.zx_cadre1, pk=head.pk).labour_capacity == "partial"
