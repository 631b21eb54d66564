"""The transport-subsidy computation on tables: months as calendar-month fractions, the farthest
tier reached for the minimum months (farther work counting for nearer tiers), a destination
province's own amount, an unclear in-province place taken as the city, and the income rule."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from lnob.employment.subsidies.engine import PEOPLE, SPELLS, TierRule, compute, months_worked

D = dt.date
PINGLIANG_COUNTY = 620823000000  # 崇信县, 平凉市 (6208), 甘肃 (62)
CHONGXIN = TierRule(3, {"out_of_province": 600, "in_province": 300, "in_city": 200}, {61: 400, 64: 400})


def _spells(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SPELLS, orient="row")


def _people(*ids: int, income: float | None = None) -> pl.DataFrame:
    return pl.DataFrame([(i, 100 + i, 620823102201, income) for i in ids], schema=PEOPLE, orient="row")


def _one(spells: pl.DataFrame, rule: TierRule = CHONGXIN, income: float | None = None) -> dict:
    out = compute(
        spells,
        _people(1, income=income),
        rule,
        county_code=PINGLIANG_COUNTY,
        first=D(2025, 1, 1),
        last=D(2025, 12, 31),
    )
    return out.row(0, named=True) if out.height else {}


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2025, 2, 1), D(2025, 4, 30), 3.0),  # 89 days, still three months
        (D(2025, 3, 15), D(2025, 6, 14), 3.01),
        (D(2025, 1, 1), D(2025, 12, 31), 12.0),
        (D(2025, 6, 1), D(2025, 6, 15), 0.5),
    ],
)
def test_months_are_calendar_month_fractions(start, end, months):
    frame = months_worked(_spells((1, start, end, "out_of_province", "")))
    assert frame["months"][0] == pytest.approx(months, abs=0.01)


def test_overlapping_spells_are_counted_once():
    frame = months_worked(
        _spells((1, D(2025, 1, 1), D(2025, 3, 31), "x", ""), (1, D(2025, 2, 1), D(2025, 4, 30), "x", ""))
    )
    assert frame["months"][0] == pytest.approx(4.0)


def test_three_months_out_of_province_pay_the_out_of_province_amount():
    row = _one(_spells((1, D(2025, 2, 1), D(2025, 4, 30), "out_of_province", "浙江省宁波市")))
    assert (row["tier"], row["amount"], row["province"], row["destination"]) == (
        "out_of_province",
        600,
        33,
        "浙江省宁波市",
    )


def test_a_destination_province_with_its_own_amount_is_paid_that():
    row = _one(_spells((1, D(2025, 2, 1), D(2025, 8, 31), "out_of_province", "陕西省西安市")))
    assert (row["tier"], row["amount"], row["province"]) == ("out_of_province", 400, 61)


def test_two_months_away_and_two_in_the_province_make_the_in_province_tier():
    row = _one(
        _spells(
            (1, D(2025, 1, 1), D(2025, 2, 28), "out_of_province", "浙江宁波"),
            (1, D(2025, 3, 1), D(2025, 4, 30), "in_province", "甘肃省兰州市"),
        )
    )
    assert (row["tier"], row["amount"], row["months"]) == ("in_province", 300, 4.0)


def test_work_in_the_countys_own_city_is_the_city_tier_and_an_unclear_place_too_with_a_note():
    in_city = _one(_spells((1, D(2025, 1, 1), D(2025, 6, 30), "in_province", "平凉市崆峒区")))
    unclear = _one(_spells((1, D(2025, 1, 1), D(2025, 6, 30), "in_province", "")))
    assert (in_city["tier"], in_city["amount"], in_city["notes"]) == ("in_city", 200, [])
    assert (unclear["tier"], unclear["amount"], unclear["notes"]) == ("in_city", 200, ["city_unclear"])


def test_a_rule_without_a_city_tier_pays_all_in_province_work_alike():
    rule = TierRule(3, {"out_of_province": 1500, "in_province": 600})
    row = _one(_spells((1, D(2025, 1, 1), D(2025, 6, 30), "in_province", "")), rule)
    assert (row["tier"], row["amount"], row["notes"]) == ("in_province", 600, [])


def test_too_few_months_give_no_tier_and_say_how_many():
    row = _one(_spells((1, D(2025, 1, 1), D(2025, 2, 15), "out_of_province", "上海")))
    assert (
        row["tier"] is None and row["amount"] is None and row["months"] == pytest.approx(1 + 15 / 28)
    )  # February has 28 days


def test_work_in_the_county_or_outside_the_year_counts_for_nothing():
    spells = _spells(
        (1, D(2025, 1, 1), D(2025, 12, 31), "in_county", ""),
        (1, D(2024, 6, 1), D(2024, 12, 31), "out_of_province", "上海"),
    )
    assert _one(spells) == {}


def test_an_open_spell_runs_to_the_end_of_the_window():
    row = _one(_spells((1, D(2025, 10, 1), None, "out_of_province", "上海")))
    assert row["months"] == pytest.approx(3.0) and row["tier"] == "out_of_province"


@pytest.mark.parametrize(
    ("income", "amount", "notes"), [(8000.0, 1000, []), (12000.0, 500, []), (None, 500, ["income_unknown"])]
)
def test_qingzhen_pays_the_better_off_less_and_an_unknown_income_the_lower_amount(income, amount, notes):
    qingzhen = TierRule(3, {"out_of_province": 1000}, income_threshold=10000, high_income_amount=500)
    row = _one(_spells((1, D(2025, 1, 1), D(2025, 6, 30), "out_of_province", "广东东莞")), qingzhen, income)
    assert (row["amount"], row["notes"]) == (amount, notes)


def test_people_not_given_are_not_computed():
    spells = _spells((2, D(2025, 1, 1), D(2025, 6, 30), "out_of_province", "上海"))
    assert _one(spells) == {}
