"""The vectorised import checks apply the same rules as the services, row for row."""

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from lnob.core.errors import DomainError
from lnob.engine.synth.ids import loc_entries
from lnob.exchange.checks import check_bool, check_date, check_decimal, check_id_number
from lnob.registry.validation import parse_resident_id

PLACES = [*sorted({e.code for e in loc_entries() if e.code >= 100_000})[::7], 530699, 999999, 110000]


def service_verdict(raw: str) -> str | None:
    try:
        return parse_resident_id(raw)[0]
    except DomainError as err:
        return "error:" + str(err.message)


@st.composite
def id_like(draw: st.DrawFn) -> str:
    place = draw(st.sampled_from(PLACES))
    birth = draw(st.dates(dt.date(1930, 1, 1), dt.date(2030, 12, 31)))
    body = f"{place:06d}{birth:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    good = body + ric.calc_check_digit(body + "0")
    mutation = draw(st.sampled_from(["none", "none", "digit", "lower_x", "full_width", "short", "space"]))
    if mutation == "digit":
        i = draw(st.integers(0, 17))
        good = good[:i] + draw(st.sampled_from("0123456789X")) + good[i + 1 :]
    elif mutation == "lower_x":
        good = good.replace("X", "x")
    elif mutation == "full_width":
        good = good.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    elif mutation == "short":
        good = good[: draw(st.integers(1, 17))]
    elif mutation == "space":
        good = f" {good} "
    return good


@settings(max_examples=300, deadline=None)
@given(st.lists(id_like(), min_size=1, max_size=40))
def test_bulk_id_check_agrees_with_the_service_rule(raws: list[str]) -> None:
    checked = check_id_number(pl.Series(raws))
    for raw, value, error in zip(raws, checked.value.to_list(), checked.error.to_list(), strict=True):
        verdict = service_verdict(raw)
        if verdict is not None and verdict.startswith("error:"):
            assert value is None and error == verdict[len("error:") :], raw
        else:
            assert error is None and value == verdict, raw


def test_dates_in_the_formats_counties_write() -> None:
    raw = ["2024-01-05", "2024/1/5", "2024.1.5", "2024年1月5日", "20240105", "45296", " 2024-01-05 "]
    checked = check_date(pl.Series(raw))
    assert checked.value.to_list() == [dt.date(2024, 1, 5)] * len(raw)
    assert checked.error.null_count() == len(raw)


def test_impossible_dates_are_refused_with_a_reason() -> None:
    checked = check_date(pl.Series(["2024-02-30", "明天", "2024-13-01"]))
    assert checked.value.null_count() == 3
    assert all("日期" in e for e in checked.error.to_list())


def test_amounts_with_separators_and_negative_ones() -> None:
    checked = check_decimal(pl.Series(["36,000.50", "１２００", "-5", "abc"]))
    assert checked.value.to_list()[:2] == [36000.5, 1200.0]
    assert checked.error.to_list()[2:] == ["金额不能为负数", "不是数字"]


def test_yes_no_in_chinese_and_english() -> None:
    assert check_bool(pl.Series(["是", "否", "Yes", "0", "也许"])).value.to_list() == [
        True,
        False,
        True,
        False,
        None,
    ]


def test_empty_cells_are_no_value_not_a_bad_code() -> None:
    from lnob.exchange.checks import check_column
    from lnob.exchange.schema import PERSONS

    checked = check_column(PERSONS.column("labour_override"), pl.Series(["", "  ", None, "partial"]))
    assert checked.error.to_list() == [None, None, None, None]
    assert checked.value.to_list() == [None, None, None, "partial"]
    required = check_column(PERSONS.column("name"), pl.Series(["", "张三"]))
    assert required.error.to_list()[0] == "必填"


def test_implausible_dates_and_amounts_are_refused() -> None:
    dates = check_date(pl.Series(["1020-01-01", "1900-01-01", "2024-01-05"]))
    assert dates.error.to_list()[0] is not None and "1900" in dates.error[0]
    assert dates.error.to_list()[1:] == [None, None]
    amounts = check_decimal(pl.Series(["10000000", "10000000.01", "360000000000"]))
    assert amounts.error[0] is None
    assert amounts.error[1] is not None and amounts.error[2] is not None
