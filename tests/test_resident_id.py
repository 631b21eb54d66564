import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from lnob.core.errors import DomainError
from lnob.registry.validation import normalise_id, parse_resident_id

# birthplace codes valid in the years drawn below (镇雄县 changed code in 2001)
births = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2025, 12, 31))


def build(birth: dt.date, seq: int, place: str = "530627") -> str:
    body = f"{place}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@given(birth=births, seq=st.integers(0, 999))
def test_valid_ids_parse_with_sex_and_birth_date(birth: dt.date, seq: int) -> None:
    number, sex, parsed = parse_resident_id(build(birth, seq))
    assert parsed == birth
    assert sex == ("M" if seq % 2 else "F")
    assert len(number) == 18


@given(birth=births, seq=st.integers(0, 999), pos=st.integers(0, 16), delta=st.integers(1, 9))
def test_changing_any_digit_is_refused(birth: dt.date, seq: int, pos: int, delta: int) -> None:
    good = build(birth, seq)
    bad = good[:pos] + str((int(good[pos]) + delta) % 10) + good[pos + 1 :]
    with pytest.raises(DomainError) as err:
        parse_resident_id(bad)
    assert err.value.field == "id_number" and err.value.value == bad


@given(birth=births, seq=st.integers(0, 999))
def test_full_width_digits_spaces_and_lower_x_are_normalised(birth: dt.date, seq: int) -> None:
    good = build(birth, seq)
    messy = " " + good.translate(str.maketrans("0123456789X", "０１２３４５６７８９x")) + " "
    assert normalise_id(messy) == good
    assert parse_resident_id(messy)[0] == good


def test_impossible_birth_date_is_refused() -> None:
    body = "53062720230230123"  # 30 February
    with pytest.raises(DomainError, match="出生日期"):
        parse_resident_id(body + ric.calc_check_digit(body + "0"))


def test_unknown_birthplace_is_refused() -> None:
    with pytest.raises(DomainError, match="出生地"):
        parse_resident_id(build(dt.date(1990, 5, 5), 11, place="999999"))


def test_birthplace_code_must_exist_in_the_birth_year() -> None:
    # 530627 was created in 2001; before that 镇雄县 was 532128
    with pytest.raises(DomainError):
        parse_resident_id(build(dt.date(1990, 5, 5), 11, place="530627"))
    assert parse_resident_id(build(dt.date(1990, 5, 5), 11, place="532128"))[2] == dt.date(1990, 5, 5)


def test_wrong_length_is_refused() -> None:
    with pytest.raises(DomainError, match="18"):
        parse_resident_id("53062720010101123")


def test_unknown_county_in_a_known_province_is_refused() -> None:
    # python-stdnum raises KeyError for these; it must still be a clear refusal
    with pytest.raises(DomainError, match="出生地"):
        parse_resident_id(build(dt.date(2005, 5, 5), 11, place="530699"))
