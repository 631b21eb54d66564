"""Each figure of the hand-built county (tests/measures/conftest.py) against a count by hand."""

from __future__ import annotations

from typing import Any

import pytest

from lnob.measures.models import AreaFigure
from lnob.measures.refresh import figures_refresh
from tests.measures.conftest import MONTH, W1_DAYS
from tests.personas import WZ, WZ_V1, ZX, ZX_TOWN, ZX_V1, ZX_V2


def figures(code: int) -> dict[str, float]:
    return dict(AreaFigure.objects.filter(area_code=code, month=MONTH).values_list("metric", "value"))


@pytest.fixture
def zx(small_county: Any) -> dict[str, float]:
    figures_refresh(actor=None, area_code=ZX, month=MONTH)
    return figures(ZX)


def months(days: int) -> float:
    return days / W1_DAYS * 12


def test_the_labour_force_is_the_members_available_for_work(zx: dict[str, float]) -> None:
    # 张一, 李二, 赵六 of the 脱贫户; with 王五 and 钱八 of the others. Not: 张小 (14), 孙七 (66),
    # 钱九 (a student)
    assert zx["emp.labour.poor"] == 3
    assert zx["emp.labour.all"] == 5
    assert zx["emp.members.poor"] == 5 and zx["emp.members.all"] == 8


def test_in_work_is_a_spell_in_work_on_the_day_and_wugong_guimo_counts_the_poor(zx: dict[str, float]) -> None:
    assert zx["emp.in_work.poor"] == 2  # 务工规模: 张一, 赵六
    assert zx["emp.in_work.all"] == 3  # and 钱八 (public-welfare post); not 王五 (no spell)


def test_transferred_employment_is_wage_work(zx: dict[str, float], small_county: Any) -> None:
    assert zx["emp.transferred.poor"] == 2
    assert zx["emp.transferred.all"] == 3
    figures_refresh(actor=None, area_code=WZ, month=MONTH)
    wz = figures(WZ)
    # 周十 is self-employed: in work, not in transferred employment
    assert wz["emp.in_work.poor"] == 1 and "emp.transferred.poor" not in wz


def test_the_ledger_status_of_the_rest(zx: dict[str, float]) -> None:
    assert zx["emp.not_employed.poor"] == 1  # 李二
    assert "emp.no_record.poor" not in zx
    assert zx["emp.no_record.all"] == 1  # 王五: wages, but nothing in the ledger


def test_months_worked_take_the_larger_of_wage_records_and_the_ledger(zx: dict[str, float]) -> None:
    zhang, zhao = 245, 61  # days of W1 in their spells: 2026-03-01.., 2026-09-01..
    wang = 242  # his wage record covers 2025-11-01..2026-06-30 of W1
    assert zx["emp.months.poor"] == pytest.approx(months(zhang + zhao))
    assert zx["emp.months.all"] == pytest.approx(months(zhang + zhao + wang) + 12)  # 钱八: all year
    assert zx["emp.over3.poor"] == 1  # 赵六 worked 2 months
    assert zx["emp.over3.all"] == 3


def test_zero_employment_households_follow_shaanxi(zx: dict[str, float]) -> None:
    # C: 赵六 is in work today but worked only 2 months of the year: zero-employment
    assert zx["emp.hh.poor"] == 2 and zx["emp.hh_labour.poor"] == 2
    assert zx["emp.hh_zero.poor"] == 1
    assert zx["emp.hh.all"] == 4 and zx["emp.hh_zero.all"] == 1


def test_the_average_wage_is_over_spells_with_a_wage(zx: dict[str, float]) -> None:
    assert zx["emp.wage_sum.poor"] == 6800 and zx["emp.wage_n.poor"] == 2
    assert zx["emp.wage_sum.all"] == 7300 and zx["emp.wage_n.all"] == 3


def test_places_and_channels_of_work(zx: dict[str, float]) -> None:
    assert zx["emp.tier_out_of_province.poor"] == 1
    assert zx["emp.tier_in_county.poor"] == 1
    assert zx["emp.tier_in_county.all"] == 2
    assert zx["emp.channel_organised_export.poor"] == 1
    assert zx["emp.channel_workshop.poor"] == 1
    assert zx["emp.channel_public_welfare.all"] == 1
    assert "emp.tier_in_province.all" not in zx  # zero figures are not stored


def test_each_village_has_its_own_households(zx: dict[str, float]) -> None:
    v1, v2 = figures(ZX_V1), figures(ZX_V2)
    assert v1["emp.labour.all"] == 3 and v2["emp.labour.all"] == 2
    assert "emp.hh_zero.all" not in v1  # A: 张一 worked 8 months; B: 王五 8 months
    assert v2["emp.hh_zero.poor"] == 1
    assert figures(ZX_TOWN)["emp.labour.all"] == 5


def test_the_other_county_is_computed_apart(small_county: Any) -> None:
    figures_refresh(actor=None, area_code=ZX, month=MONTH)
    assert figures(WZ) == {} and figures(WZ_V1) == {}
    figures_refresh(actor=None, area_code=WZ_V1, month=MONTH)  # a village: its county is refreshed
    wz = figures(WZ)
    assert wz["emp.labour.poor"] == 1
    assert wz["emp.months.poor"] == pytest.approx(months(184))
    assert wz["emp.channel_unknown.poor"] == 1  # self-employed, no channel recorded
