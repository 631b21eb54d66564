"""Setting up a fair: who may organise one where, what a fair must say, and its status moving
planned → held → closed."""

from __future__ import annotations

import datetime as dt

import pytest

from lnob.areas.models import Area
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment.fairs import selectors, services
from lnob.employment.fairs.models import JobFair
from lnob.employment.fairs.services import FairMsg
from lnob.registry.selectors import today
from tests.personas import WZ, WZ_V1, ZX, ZX_TOWN, ZX_V1, ZX_V2

from .conftest import D


def _create(actor, area=ZX, village=ZX_V1, **extra):
    fields = {
        "name": "招聘会",
        "start": D(2026, 5, 1),
        "venue": "广场",
        "village": Area.objects.get(code=village),
    } | extra
    return services.fair_create(actor=actor, area=Area.objects.get(code=area), **fields)


def test_a_county_and_a_township_organise_fairs_with_codes_made_for_them(world, fair, township_fair):
    assert (fair.county_id, fair.area_id, fair.status, fair.end) == (ZX, ZX, "planned", fair.start)
    assert township_fair.code == "ZP20260410-1" and township_fair.county_id == ZX
    again = _create(world.zx_township, area=ZX_TOWN, start=D(2026, 4, 10))
    assert again.code == "ZP20260410-2"


def test_a_township_officer_may_not_organise_a_county_fair_nor_another_county(world):
    with pytest.raises(NotFound):
        _create(world.zx_township, area=ZX)
    with pytest.raises(NotFound):
        _create(world.zx_admin, area=WZ, village=WZ_V1)
    with pytest.raises(NotFound):  # a village cadre does not organise fairs
        _create(world.zx_cadre1, area=ZX_TOWN)


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"name": " "}, "name", Msg.REQUIRED),
        ({"venue": ""}, "venue", Msg.REQUIRED),
        ({"end": D(2026, 4, 30)}, "end", FairMsg.END_BEFORE_START),
        ({"village": None}, "village", FairMsg.VILLAGE_OUTSIDE),
        ({"code": "ZX-2026-01"}, "code", FairMsg.CODE_TAKEN),
    ],
)
def test_a_fair_without_what_it_must_say_is_refused(world, fair, extra, field, message):
    if "village" in extra:
        extra = {"village": ZX_TOWN}  # a township is not a village
    with pytest.raises(DomainError) as err:
        _create(world.zx_admin, **extra)
    assert (err.value.field, err.value.message) == (field, message)
    assert JobFair.objects.count() == 1


def test_a_township_fair_is_held_in_its_own_villages(world):
    Area.objects.create(code=530627103000, name="另一镇", level=4, parent=Area.objects.get(code=ZX))
    elsewhere = Area.objects.create(code=530627103201, name="另一村", level=5, parent_id=530627103000)
    with pytest.raises(DomainError) as err:
        _create(world.zx_admin, area=ZX_TOWN, village=elsewhere.code)
    assert err.value.message == FairMsg.VILLAGE_OUTSIDE
    assert _create(world.zx_admin, area=ZX_TOWN, village=ZX_V2).village_id == ZX_V2


def test_a_fair_is_held_from_its_first_day_and_then_closed(world, fair):
    future = _create(world.zx_admin, start=today() + dt.timedelta(days=3))
    with pytest.raises(DomainError) as err:
        services.fair_hold(actor=world.zx_admin, fair=future)
    assert err.value.field == "status" and "尚未举办" in str(err.value.message)
    with pytest.raises(DomainError):
        services.fair_close(actor=world.zx_admin, fair=fair)  # planned: hold it first
    services.fair_hold(actor=world.zx_admin, fair=fair)
    closed = services.fair_close(actor=world.zx_admin, fair=fair)
    assert closed.status == "closed"
    with pytest.raises(DomainError) as err:
        services.fair_update(
            actor=world.zx_admin,
            fair=closed,
            name="改名",
            start=fair.start,
            end=fair.end,
            venue=fair.venue,
            village=fair.village,
        )
    assert err.value.message == FairMsg.CLOSED


def test_only_the_organiser_moves_a_fair_along(world, fair, township_fair):
    with pytest.raises(NotFound):
        services.fair_hold(actor=world.zx_township, fair=fair)  # the county's fair
    with pytest.raises(NotFound):
        services.fair_hold(actor=world.wz_admin, fair=township_fair)
    assert services.fair_hold(actor=world.zx_admin, fair=township_fair).status == "held"  # the county may


def test_a_fair_is_seen_in_its_area_above_and_below_and_nowhere_else(world, fair, township_fair):
    assert set(selectors.fairs_visible(world.zx_admin)) == {fair, township_fair}
    assert set(selectors.fairs_visible(world.zx_township)) == {fair, township_fair}
    assert set(selectors.fairs_visible(world.zx_cadre1)) == {fair, township_fair}
    assert not selectors.fairs_visible(world.wz_admin).exists()
    assert not selectors.fairs_visible(world.wz_cadre).exists()
    assert not selectors.fairs_visible(world.nobody).exists()
    assert not selectors.fairs_visible(world.zx_department).exists()
    with pytest.raises(NotFound):
        selectors.fair_get(user=world.wz_admin, pk=fair.pk)


def test_changes_to_a_fair_are_in_the_audit_trail(world, fair):
    from auditlog.models import LogEntry

    services.fair_hold(actor=world.zx_admin, fair=fair)
    entries = LogEntry.objects.get_for_object(fair).order_by("pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(e.actor == world.zx_admin for e in entries)
    assert entries[0].additional_data["area"] == ZX
