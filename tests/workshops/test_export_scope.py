"""A workshop's export names only the workers the user may see: a village cadre of the
workshop's village gets its own villagers' resident IDs, not those of a neighbouring village's
workers; the county gets all of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lnob.employment import registers
from tests.personas import ZX_V1, ZX_V2
from tests.workshops.helpers import hire, make_worker

D = dt.date


def test_the_roster_export_names_only_the_people_the_user_may_see(world: Any, zx_shop: Any) -> None:
    mine = make_worker(world.zx_cadre1, ZX_V1, poor=True, name="本村工人")
    neighbour = make_worker(world.zx_cadre2, ZX_V2, poor=True, name="邻村工人")
    for worker in (mine, neighbour):
        hire(world.zx_admin, zx_shop, worker, D(2025, 9, 1))
    cadre, _name = registers.export_file(actor=world.zx_cadre1, name="workshop_roster", fmt="csv")
    text = cadre.decode("utf-8-sig")
    assert mine.id_number in text and neighbour.id_number not in text and "邻村工人" not in text
    county, _name = registers.export_file(actor=world.zx_admin, name="workshop_roster", fmt="csv")
    assert neighbour.id_number in county.decode("utf-8-sig")
