"""Resident ID numbers (公民身份号码, GB 11643-1999), made in bulk.

Digits 1-6 are the birthplace code, which must have existed in the birth year: python-stdnum checks
it against its table `stdnum/cn/loc.dat` (镇雄县 was 532128 until 2001 and is 530627 since). We read
that same table, so every number we make passes `stdnum.cn.ric.validate`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import numpy as np
import polars as pl

# Counties renamed or merged since 1980: an ID issued before the change carries the old name's code.
PREDECESSORS: dict[str, tuple[str, ...]] = {
    "万州区": ("万县区", "万县市", "万县", "龙宝区"),
    "涪陵区": ("涪陵市", "涪陵县"),
    "黔江区": ("黔江县",),
    "昭阳区": ("昭通市", "昭通县"),
}

_LINE = re.compile(r'^(?P<indent> *)(?P<digits>\d+) (?P<prop>\w+)="(?P<value>[^"]*)"$')
_ENTRY = re.compile(r"^\[(?P<start>\d*)-(?P<end>\d*)\](?P<name>.+)$")


@dataclass(frozen=True)
class LocEntry:
    """One name a 6-digit code carried over a span of years (None = open-ended)."""

    code: int
    name: str
    start: int | None
    end: int | None

    def valid_in(self, year: int) -> bool:
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)


@functools.cache
def loc_entries() -> tuple[LocEntry, ...]:
    """Every (code, name, years) of python-stdnum's birthplace table, in file order."""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    province = ""
    entries: list[LocEntry] = []
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        if not match["indent"]:
            province = match["digits"]
            continue
        code = int(province + match["digits"])
        for part in match["value"].split(","):
            spanned = _ENTRY.match(part)
            if spanned is None:
                entries.append(LocEntry(code, part, None, None))
                continue
            start, end = spanned["start"], spanned["end"]
            entries.append(
                LocEntry(code, spanned["name"], int(start) if start else None, int(end) if end else None)
            )
    return tuple(entries)


def _is_county_level(entry: LocEntry) -> bool:
    # aggregate rows (province, prefecture, "市辖区", "县") never appear on a real person's ID
    return entry.code % 100 != 0 and entry.name not in {"市辖区", "县", "市区", "郊区"}


@dataclass(frozen=True)
class Birthplaces:
    """Birthplace codes per birth year: `home[y - first_year]` for people born in the county,
    `neighbours[y - first_year]` for people who married in from nearby counties."""

    first_year: int
    home: np.ndarray
    neighbours: tuple[np.ndarray, ...]


def birthplaces(county_name: str, county_code: int, first_year: int, last_year: int) -> Birthplaces:
    """For each year, a code valid that year for the county by its name (or a predecessor's);
    failing that, a code valid that year in the same prefecture, then in the same province."""
    own = county_code // 10**6
    names = {county_name, *PREDECESSORS.get(county_name, ())}
    entries = [e for e in loc_entries() if _is_county_level(e)]
    mine = [e for e in entries if e.name in names]
    home: list[int] = []
    neighbours: list[np.ndarray] = []
    for year in range(first_year, last_year + 1):
        valid = [e for e in mine if e.valid_in(year)]
        # prefer the county's own present code, then the most recently created code
        valid.sort(key=lambda e: (e.code != own, -(e.start or 0), e.code))
        code = valid[0].code if valid else _fallback(entries, own, year)
        home.append(code)
        near = sorted(
            {e.code for e in entries if e.code // 100 == code // 100 and e.code != code and e.valid_in(year)}
        )
        neighbours.append(np.array(near or [code], dtype=np.int64))
    return Birthplaces(first_year, np.array(home, dtype=np.int64), tuple(neighbours))


def _fallback(entries: list[LocEntry], own: int, year: int) -> int:
    """A code valid in `year` in the same prefecture, else the same province, else the valid
    code numerically nearest (before 1997 Chongqing's codes, 50xxxx, were Sichuan's, 51xxxx)."""
    valid = sorted({e.code for e in entries if e.valid_in(year)})
    if not valid:
        raise ValueError(f"no birthplace code in python-stdnum's table was valid in {year}")
    for width in (100, 10_000):
        same = [code for code in valid if code // width == own // width]
        if same:
            return same[0]
    return min(valid, key=lambda code: (abs(code - own), code))


# GB 11643-1999 weights: 2^(17-i) mod 11 for the 17 body digits
_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
# check character by (weighted digit sum mod 11)
_CHECK_CHARS = pl.Series(list("10X98765432"))


def sequence_numbers(
    rng: np.random.Generator, code: np.ndarray, birth_day: np.ndarray, male: np.ndarray
) -> np.ndarray:
    """Digits 15-17: unique per (birthplace, birth date, sex); odd for men, even for women."""
    n = len(code)
    key = ((code * 200_000 + (birth_day + 100_000)) * 2 + male).astype(np.int64)
    # random order within a group: the low bits of the sort key are random
    order = np.argsort(key * 1024 + rng.integers(0, 1024, n))
    ordered = key[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    start_pos = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    rank_sorted = np.arange(n) - start_pos
    if n and rank_sorted.max() >= 499:
        raise ValueError("more than 499 persons share a birthplace, birth date and sex")
    group = np.cumsum(starts) - 1
    offset_sorted = rng.integers(0, 499, int(group[-1]) + 1 if n else 0)[group]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = (rank_sorted + offset_sorted) % 499
    return np.where(male, 2 * rank + 1, 2 * rank + 2)


def _weighted_digit_sum(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Sum of digit × weight, the last digit taking the last weight (values of few kinds)."""
    distinct, inverse = np.unique(values, return_inverse=True)
    total = np.zeros(len(distinct), dtype=np.int64)
    rest = distinct.astype(np.int64)
    for weight in weights[::-1]:
        total += (rest % 10) * weight
        rest //= 10
    return total[inverse]


def id_numbers(code: np.ndarray, birth_ymd: np.ndarray, sequence: np.ndarray) -> pl.Series:
    """18-character ID numbers from 6-digit codes, yyyymmdd integers and 3-digit sequences."""
    body = code.astype(np.int64) * 10**11 + birth_ymd.astype(np.int64) * 1000 + sequence.astype(np.int64)
    # the weighted sum of the 17 digits, part by part: codes and dates repeat a lot
    total = (
        _weighted_digit_sum(code, _WEIGHTS[:6])
        + _weighted_digit_sum(birth_ymd, _WEIGHTS[6:14])
        + _weighted_digit_sum(sequence, _WEIGHTS[14:])
    )
    check = _CHECK_CHARS.gather(total % 11)
    return (pl.Series("id_number", body).cast(pl.String) + check).alias("id_number")
