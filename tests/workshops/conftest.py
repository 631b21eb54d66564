"""Workshops in 万州 (分水镇 石碾村) and one in 镇雄, with a named workshop manager and workers from
out-of-poverty and ordinary households (tests/personas.py has the personas and places)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from lnob.areas.models import Area
from lnob.areas.roles import Role
from lnob.areas.services import role_assign
from lnob.employment.workshops import services
from lnob.employment.workshops.models import Workshop
from lnob.registry.models import Person
from tests.personas import PASSWORD, WZ, WZ_V1, ZX, ZX_V1
from tests.workshops.helpers import hire, make_employer, make_worker

D = dt.date


@pytest.fixture
def manager(world: Any) -> Any:
    """A workshop manager (帮扶车间负责人) of 石碾村."""
    user = get_user_model().objects.create_user(username="wz_ws_manager", password=PASSWORD)
    role_assign(user=user, area=Area.objects.get(code=WZ_V1), role=Role.WORKSHOP_MANAGER)
    return user


@pytest.fixture
def shop(world: Any, manager: Any) -> Workshop:
    """A bamboo-weaving home-based workshop of 石碾村, waiting for recognition."""
    employer = make_employer(world.wz_admin, WZ, 1, "万州竹编合作社")
    return services.workshop_create(
        actor=world.wz_admin,
        employer=employer,
        name="石碾村竹编帮扶车间",
        type="home_based",
        village=Area.objects.get(code=WZ_V1),
        opened=D(2025, 8, 1),
        managers=[manager],
    )


@pytest.fixture
def workers(world: Any) -> list[Person]:
    """Seven people of 石碾村: five of out-of-poverty households, two of ordinary ones."""
    return [
        make_worker(world.wz_cadre, WZ_V1, poor=i < 5, name=f"工人{i}", birth=f"198{i}0315") for i in range(7)
    ]


@pytest.fixture
def staffed(world: Any, shop: Workshop, workers: list[Person]) -> Workshop:
    """All seven hired on 1 September 2025."""
    for w in workers:
        hire(world.wz_admin, shop, w, D(2025, 9, 1))
    return shop


@pytest.fixture
def recognised(world: Any, staffed: Workshop) -> Workshop:
    services.workshop_recognise(actor=world.wz_admin, workshop=staffed, day=D(2025, 12, 31))
    staffed.refresh_from_db()
    assert staffed.state == "normal"
    return staffed


@pytest.fixture
def zx_shop(world: Any) -> Workshop:
    employer = make_employer(world.zx_admin, ZX, 2, "镇雄刺绣公司")
    return services.workshop_create(
        actor=world.zx_admin,
        employer=employer,
        name="泼机村刺绣车间",
        type="factory",
        village=Area.objects.get(code=ZX_V1),
    )
