"""Column checks of the exchange format, vectorised with polars.

Each check turns a column of raw text into a typed column and, for every row it cannot accept, a
message saying what is wrong. They apply the same rules as the services (`lnob.registry.validation`)
— the same resident-ID rules (python-stdnum's), the same messages — but on a million rows at once;
`tests/exchange_checks/` proves the ID check agrees with python-stdnum on random input.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext as _

from lnob.core.errors import Msg
from lnob.engine.synth.ids import loc_entries

from .schema import Column, Kind

FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {
    "ｘ": "X",
    "Ｘ": "X",
    "x": "X",
    "－": "-",
    "．": ".",
}
SPACES = "\u3000\u00a0\t "
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
EARLIEST_DATE = dt.date(1900, 1, 1)  # an earlier date in the registry is a typing error
LARGEST_AMOUNT = 10_000_000  # yuan; more, for one rural household's item, is a wrong unit or a typo
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug


@dataclass
class Checked:
    """A typed column and the message for each row it refuses (null where the row is fine)."""

    value: pl.Series
    error: pl.Series


def fold(s: pl.Series) -> pl.Series:
    """Full-width digits and letters to ASCII, spaces removed at both ends (as normalise_id does)."""
    out = (
        s.cast(pl.String)
        .str.replace_many(list(FULL_WIDTH), list(FULL_WIDTH.values()))
        .str.strip_chars(SPACES)
    )
    return pl.select(pl.when(out != "").then(out)).to_series().alias(s.name)  # an empty cell is no value


def _error(mask: pl.Series, message: str, current: pl.Series) -> pl.Series:
    """Put `message` where `mask` holds and there is no earlier error."""
    return pl.select(
        pl.when(current.is_null() & mask.fill_null(False)).then(pl.lit(message)).otherwise(current)
    ).to_series()


def _none(n: int) -> pl.Series:
    return pl.Series("error", [None] * n, dtype=pl.String)


# --- resident ID ------------------------------------------------------------------------------


@functools.cache
def _birthplaces() -> pl.DataFrame:
    """Birthplace codes with the years they were valid: every row python-stdnum accepts (its table
    also accepts province and prefecture rows such as 110000 and 110100)."""
    rows = [(e.code, e.start, e.end) for e in loc_entries() if e.code >= 100_000]
    return pl.DataFrame(rows, schema={"place": pl.Int64, "start": pl.Int64, "end": pl.Int64}, orient="row")


def check_id_number(raw: pl.Series) -> Checked:
    """Resident ID numbers: length, digits, checksum, birth date, birthplace in the birth year,
    birth date not in the future — in python-stdnum's order, with the services' messages."""
    number = fold(raw).str.replace_all(" ", "", literal=True).str.to_uppercase()
    error = _none(len(raw))
    present = number.is_not_null() & (number != "")
    invalid = functools.partial(Msg.ID_INVALID.format)
    error = _error(present & (number.str.len_chars() != 18), invalid(reason=_("应为18位")), error)
    error = _error(present & ~number.str.contains(r"^\d{17}"), invalid(reason=_("格式错误")), error)
    digits = pl.DataFrame({"n": number}).select(
        [pl.col("n").str.slice(i, 1).cast(pl.Int64, strict=False).alias(f"d{i}") for i in range(17)]
    )
    total = digits.select(
        pl.sum_horizontal([pl.col(f"d{i}") * w for i, w in enumerate(ID_WEIGHTS)]).alias("t")
    )["t"]
    expected = (total % 11).replace_strict(
        dict(enumerate(ID_CHECK_CHARS)), default=None, return_dtype=pl.String
    )
    error = _error(present & (number.str.slice(17, 1) != expected), invalid(reason=_("校验码错误")), error)
    birth = number.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    bad_place = invalid(reason=_("出生日期或出生地代码不存在"))
    error = _error(present & birth.is_null(), bad_place, error)
    error = _error(present & ~_place_valid(number, birth), bad_place, error)
    today = dt.date.today()
    error = _error(present & (birth > today), Msg.ID_INVALID.format(reason=_("出生日期在未来")), error)
    return Checked(pl.select(pl.when(error.is_null()).then(number)).to_series().alias("id_number"), error)


def _place_valid(number: pl.Series, birth: pl.Series) -> pl.Series:
    frame = pl.DataFrame(
        {
            "i": pl.int_range(0, len(number), eager=True),
            "place": number.str.slice(0, 6).cast(pl.Int64, strict=False),
            "year": birth.dt.year().cast(pl.Int64),
        }
    )
    ok = (
        frame.join(_birthplaces(), on="place", how="inner")
        .filter(
            (pl.col("start").is_null() | (pl.col("year") >= pl.col("start")))
            & (pl.col("end").is_null() | (pl.col("year") <= pl.col("end")))
        )
        .select("i")
        .unique()
    )
    return frame.select(pl.col("i").is_in(ok["i"].implode()))["i"]


# --- other kinds ------------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def check_date(raw: pl.Series) -> Checked:
    """ISO dates, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105, and Excel day numbers."""
    text = fold(raw)
    # pad one-digit months and days so one strict format per layout suffices
    padded = text.str.replace_all(r"(?P<a>[-/.年月])(?P<d>\d)(?P<b>[-/.月日]|$)", "${a}0${d}${b}")
    padded = padded.str.replace_all(r"(?P<a>[-/.年月])(?P<d>\d)(?P<b>[-/.月日]|$)", "${a}0${d}${b}")
    parsed = pl.select(pl.coalesce([padded.str.to_date(f, strict=False) for f in DATE_FORMATS])).to_series()
    serial = text.str.extract(r"^(\d{4,5})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    from_serial = pl.select(
        pl.when(serial.is_between(1, 80_000)).then(pl.lit(EXCEL_EPOCH) + pl.duration(days=pl.lit(serial)))
    ).to_series()
    value = pl.select(pl.coalesce([parsed, from_serial.cast(pl.Date)])).to_series()
    error = _error(
        text.is_not_null() & value.is_null(), str(_("不是有效日期（例：2024-01-05）")), _none(len(raw))
    )
    error = _error(value < EARLIEST_DATE, str(_("日期早于 1900 年，请核对")), error)
    return Checked(value, error)


def check_decimal(raw: pl.Series) -> Checked:
    text = fold(raw).str.replace_all(",", "", literal=True).str.replace_all("，", "", literal=True)
    value = text.str.replace(r"^¥|元$", "").cast(pl.Float64, strict=False)
    error = _error(text.is_not_null() & value.is_null(), str(_("不是数字")), _none(len(raw)))
    error = _error(value < 0, str(Msg.NEGATIVE_AMOUNT), error)
    error = _error(value > LARGEST_AMOUNT, str(_("金额超过 1000 万元，请核对单位（元）")), error)
    return Checked(value.round(2), error)


def check_int(raw: pl.Series) -> Checked:
    text = fold(raw)
    value = text.str.extract(r"^(-?\d+)(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    error = _error(text.is_not_null() & value.is_null(), str(_("不是整数")), _none(len(raw)))
    return Checked(value, error)


TRUE = {"是", "有", "yes", "y", "true", "1", "✓", "√", "安全"}
FALSE = {"否", "无", "no", "n", "false", "0", "×", "✗", "不安全"}


def check_bool(raw: pl.Series) -> Checked:
    text = fold(raw).str.to_lowercase()
    value = pl.select(
        pl.when(text.is_in(list(TRUE))).then(True).when(text.is_in(list(FALSE))).then(False)
    ).to_series()
    error = _error(text.is_not_null() & value.is_null(), str(_("应为“是”或“否”")), _none(len(raw)))
    return Checked(value, error)


def check_code(raw: pl.Series, codes: list[tuple[str, str]]) -> Checked:
    """A code, or its label in Chinese: either is accepted and stored as the code."""
    accepted = {c.lower(): c for c, _label in codes} | {str(label).lower(): c for c, label in codes}
    text = fold(raw).str.to_lowercase()
    value = text.replace_strict(accepted, default=None, return_dtype=pl.String)
    allowed = "、".join(c for c, _ in codes[:12]) + ("…" if len(codes) > 12 else "")
    message = str(_("不是可选的代码值（可选：{allowed}）")).format(allowed=allowed)
    error = _error(text.is_not_null() & value.is_null(), message, _none(len(raw)))
    return Checked(value, error)


def check_area_code(raw: pl.Series) -> Checked:
    text = fold(raw).str.replace(r"\.0+$", "")
    ok = text.str.contains(r"^(\d{6}|\d{9}|\d{12})$")
    value = pl.select(pl.when(ok).then(text.str.pad_end(12, "0"))).to_series().cast(pl.Int64, strict=False)
    error = _error(text.is_not_null() & ~ok, str(_("应为 6、9 或 12 位行政区划代码")), _none(len(raw)))
    return Checked(value, error)


def check_text(raw: pl.Series, max_length: int) -> Checked:
    text = raw.cast(pl.String).str.strip_chars(SPACES)
    text = pl.select(pl.when(text != "").then(text)).to_series()
    error = _error(
        text.str.len_chars() > max_length, str(_("超过 {n} 个字符")).format(n=max_length), _none(len(raw))
    )
    return Checked(text, error)


def check_column(column: Column, raw: pl.Series) -> Checked:
    """Type one raw column; a required column's empty cells are refused too."""
    checkers: dict[Kind, Callable[[pl.Series], Checked]] = {
        Kind.ID_NUMBER: check_id_number,
        Kind.DATE: check_date,
        Kind.DECIMAL: check_decimal,
        Kind.INT: check_int,
        Kind.BOOL: check_bool,
        Kind.AREA_CODE: check_area_code,
        Kind.CODE: lambda s: check_code(s, column.codes() if column.codes else []),
        Kind.TEXT: lambda s: check_text(s, column.max_length),
    }
    checked = checkers[column.kind](raw)
    if column.required:
        empty = raw.is_null() | (raw.cast(pl.String).str.strip_chars(SPACES) == "")
        checked.error = _error(empty, str(Msg.REQUIRED), checked.error)
    return checked


__all__ = ["Checked", "check_column", "check_date", "check_id_number", "fold", "re"]
