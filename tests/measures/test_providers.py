"""Channel figures from the providers the channel apps register (lnob/measures/providers.py):
stored and rolled up like the engine's, shown in their section only when they exist, and held
to the contract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest
from django.test import Client

from lnob.measures import providers
from lnob.measures.models import AreaFigure
from lnob.measures.refresh import figures_refresh
from tests.measures.conftest import MONTH
from tests.personas import WZ_V1, ZX, ZX_TOWN, ZX_V1, ZX_V2

seen: list[tuple[int, dt.date]] = []


def workshops(county: int, month_end: dt.date) -> pl.DataFrame:
    seen.append((county, month_end))
    if county != ZX:
        return providers.empty()
    return pl.DataFrame(
        {
            "village": [ZX_V1, ZX_V2, ZX_V2, WZ_V1],  # the last is another county's: dropped
            "metric": ["workshops.count", "workshops.count", "workshops.poor_workers", "workshops.count"],
            "value": [1.0, 2.0, 7.0, 5.0],
        }
    )


@pytest.fixture
def registered() -> Iterator[None]:
    """Ours as the workshops' provider, and no loans provider (the apps' own come back after)."""
    seen.clear()
    with providers.replaced("workshops", workshops), providers.replaced("loans", None):
        yield


def test_provider_rows_are_stored_and_rolled_up(small_county: Any, registered: None) -> None:
    figures_refresh(actor=None, area_code=ZX, month=MONTH)
    assert seen == [(ZX, dt.date(2026, 10, 31))]
    counts = AreaFigure.objects.filter(month=MONTH, metric="workshops.count")
    stored = dict(counts.values_list("area_code", "value"))
    assert stored[ZX_V1] == 1 and stored[ZX_V2] == 2 and stored[ZX_TOWN] == 3 and stored[ZX] == 3
    assert WZ_V1 not in stored


def test_the_section_shows_only_when_its_figures_exist(
    world: Any, small_county: Any, registered: None
) -> None:
    c = Client()
    c.force_login(world.zx_admin)
    figures_refresh(actor=None, area_code=ZX, month=MONTH)
    page = c.get("/measures/employment/", {"area": ZX, "month": "2026-10"}).content.decode()
    assert 'data-testid="section-workshops"' in page
    assert 'data-testid="section-loans"' not in page  # no loans provider
    # no workshop figures this month: no workshop section
    with providers.replaced("workshops", lambda county, day: providers.empty()):
        figures_refresh(actor=None, area_code=ZX, month=MONTH)
    page = c.get("/measures/employment/", {"area": ZX, "month": "2026-10"}).content.decode()
    assert 'data-testid="section-workshops"' not in page


def test_a_provider_must_keep_to_its_own_metrics(small_county: Any) -> None:
    def wrong(county: int, day: dt.date) -> pl.DataFrame:
        return pl.DataFrame({"village": [ZX_V1], "metric": ["workshops.count"], "value": [1.0]})

    with providers.replaced("posts", wrong), pytest.raises(ValueError, match=r"must start with 'posts\.'"):
        figures_refresh(actor=None, area_code=ZX, month=MONTH)
    with pytest.raises(ValueError, match="lower-case"):
        providers.register("Posts!", workshops)
