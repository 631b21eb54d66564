"""The workstations' figures for the dashboards: per village of the migrants' homes, as at a
month's end, read in bulk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lnob.employment.workstations import services
from lnob.employment.workstations.figures import workstation_figures
from lnob.measures.providers import SCHEMA, registered
from tests.personas import WZ, ZX, ZX_V1, ZX_V2

D = dt.date


def figures(county, month_end):
    frame = workstation_figures(county, month_end)
    assert dict(frame.schema) == SCHEMA
    return {(v, m): value for v, m, value in frame.iter_rows()}


def test_the_provider_is_registered():
    assert registered()["workstations"] is workstation_figures


def test_roster_placements_and_disputes_per_village(officers, station, wz_station, migrants, shoes):
    officer = officers["zx_officer"]
    services.placement_record(
        actor=officer, station=station, person=migrants["钱芳"], employer=shoes, start=D(2026, 10, 5)
    )
    case = services.dispute_open(
        actor=officer,
        station=station,
        person=migrants["李强"],
        employer=shoes,
        kind="wage_arrears",
        amount_claimed=Decimal("6000"),
        opened_on=D(2026, 10, 8),
        summary="欠薪",
    )
    services.dispute_step(actor=officer, dispute=case, action="mediate", on=D(2026, 10, 9), note="约谈")
    services.dispute_step(
        actor=officer,
        dispute=case,
        action="resolve",
        on=D(2026, 10, 20),
        note="结清",
        amount_recovered=Decimal("5000"),
    )
    october = figures(ZX, D(2026, 10, 31))
    assert october == {
        (ZX_V1, "workstations.roster"): 2.0,  # 李强 and 钱芳
        (ZX_V2, "workstations.roster"): 1.0,  # 赵梅
        (ZX_V1, "workstations.placed_month"): 1.0,
        (ZX_V1, "workstations.disputes_month"): 1.0,
        (ZX_V1, "workstations.recovered_month"): 5000.0,
    }
    september = figures(ZX, D(2026, 9, 30))
    assert september == {(ZX_V1, "workstations.roster"): 1.0, (ZX_V2, "workstations.roster"): 1.0}
    assert set(figures(WZ, D(2026, 10, 31))) == {(500101103201, "workstations.roster")}


def test_an_open_case_is_counted_at_month_end(officers, station, migrants, factory):
    services.dispute_open(
        actor=officers["zx_officer"],
        station=station,
        person=migrants["赵梅"],
        employer=factory,
        kind="contract",
        amount_claimed=Decimal("0"),
        opened_on=D(2026, 9, 20),
        summary="合同",
    )
    assert figures(ZX, D(2026, 10, 31))[(ZX_V2, "workstations.disputes_open")] == 1.0


def test_a_county_without_stations_has_no_figures(world):
    assert workstation_figures(ZX, D(2026, 10, 31)).is_empty()


def test_the_figures_take_a_few_queries_whatever_the_size(station, migrants, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        workstation_figures(ZX, D(2026, 10, 31))
