"""The refresh job: village figures roll up by summing, a rerun replaces the county-month in one
transaction and changes nothing else, a failure keeps what was stored, --resume skips what is done."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command

from lnob.employment import services as ledger
from lnob.measures import providers
from lnob.measures.models import AreaFigure, FigureRun
from lnob.measures.refresh import figures_refresh
from tests.measures.conftest import MONTH, head
from tests.personas import WZ, ZX, ZX_TOWN, ZX_V1, ZX_V2

YUNNAN, ZHAOTONG = 530000000000, 530600000000


def rows(**filters: Any) -> dict[tuple[int, str], float]:
    return {
        (a, m): v
        for a, m, v in AreaFigure.objects.filter(month=MONTH, **filters).values_list(
            "area_code", "metric", "value"
        )
    }


def by_metric(code: int) -> dict[str, float]:
    return {m: v for (a, m), v in rows(area_code=code).items()}


def test_every_level_is_the_sum_of_the_level_below(small_county: Any) -> None:
    figures_refresh(actor=None, area_code=ZX, month=MONTH)
    v1, v2, town, county = by_metric(ZX_V1), by_metric(ZX_V2), by_metric(ZX_TOWN), by_metric(ZX)
    for metric in set(v1) | set(v2):
        assert town[metric] == v1.get(metric, 0) + v2.get(metric, 0), metric
    assert county == town
    # the prefecture and the province above: the sum of their counties
    assert by_metric(ZHAOTONG) == county and by_metric(YUNNAN) == county
    parents = dict(AreaFigure.objects.filter(month=MONTH).values_list("area_code", "parent_code").distinct())
    assert parents[ZX_V1] == ZX_TOWN and parents[ZX_TOWN] == ZX and parents[ZX] == ZHAOTONG


def test_a_rerun_replaces_the_county_month_and_nothing_else(small_county: Any, world: Any) -> None:
    figures_refresh(actor=None, area_code=ZX, month=MONTH)
    figures_refresh(actor=None, area_code=ZX, month=dt.date(2026, 9, 1))
    figures_refresh(actor=None, area_code=WZ, month=MONTH)
    before = rows()
    september = AreaFigure.objects.filter(month=dt.date(2026, 9, 1)).count()
    wz = rows(area_code=WZ)
    run = figures_refresh(actor=None, area_code=ZX, month=MONTH)
    assert rows() == before  # the same figures, no duplicates
    zx_rows = AreaFigure.objects.filter(month=MONTH, area_code__gte=ZX, area_code__lt=ZX + 10**6).count()
    above = AreaFigure.objects.filter(month=MONTH, area_code__in=[ZHAOTONG, YUNNAN]).count()
    assert run.rows == zx_rows + above
    # a change in the ledger shows after the next refresh, in its county only
    zhang = head(small_county["a"])
    spell = zhang.spells.get()
    ledger.spell_close(actor=world.zx_cadre1, spell=spell, end=dt.date(2026, 10, 15))
    figures_refresh(actor=None, area_code=ZX, month=MONTH)
    assert by_metric(ZX)["emp.in_work.poor"] == 1
    assert rows(area_code=WZ) == wz
    assert AreaFigure.objects.filter(month=dt.date(2026, 9, 1)).count() == september
    assert FigureRun.objects.filter(county_code=ZX, month=MONTH, status="done").count() == 3


def test_a_failing_refresh_keeps_the_figures_stored_before(small_county: Any) -> None:
    figures_refresh(actor=None, area_code=ZX, month=MONTH)
    before = rows()

    def broken(county: int, month_end: dt.date) -> pl.DataFrame:
        raise RuntimeError("the workshop register is unreadable")

    with providers.replaced("workshops", broken), pytest.raises(RuntimeError, match="unreadable"):
        figures_refresh(actor=None, area_code=ZX, month=MONTH)
    assert rows() == before
    failed = FigureRun.objects.get(status="failed")
    assert "unreadable" in failed.error


def test_the_command_refreshes_months_and_resumes(small_county: Any, capsys: Any) -> None:
    call_command("measures", "refresh", "--area", "530627", "--month", "2026-09", "--month", "2026-10")
    assert FigureRun.objects.filter(county_code=ZX, status="done").count() == 2
    call_command(
        "measures", "refresh", "--area", "530627", "--month", "2026-09", "--month", "2026-10", "--resume"
    )
    out = capsys.readouterr().out
    assert out.count("already done, skipped") == 2
    assert FigureRun.objects.filter(county_code=ZX, status="done").count() == 2
    # without an area: every county with households; without a month: last month and this one
    call_command("measures", "refresh", "--json")
    counties = set(FigureRun.objects.filter(status="done").values_list("county_code", flat=True))
    assert counties == {ZX, WZ}
