"""The 12-digit administrative code (统计用区划代码) and what follows from its structure.

A code is hierarchical: digits 1-2 name the province, 3-4 the prefecture, 5-6 the county,
7-9 the township and 10-12 the village. So every area's whole subtree is one contiguous
integer range, and scoping a query to a user's areas is a range scan, not a tree walk.
"""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    PROVINCE = 1
    PREFECTURE = 2
    COUNTY = 3
    TOWNSHIP = 4
    VILLAGE = 5


# how many leading digits are significant at each level
PREFIX_DIGITS = {
    Level.PROVINCE: 2,
    Level.PREFECTURE: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
CODE_DIGITS = 12


def subtree_range(code: int, level: Level) -> tuple[int, int]:
    """Half-open integer range [lo, hi) holding `code` and every area below it."""
    width = 10 ** (CODE_DIGITS - PREFIX_DIGITS[level])
    lo = code - code % width
    return lo, lo + width


def level_of(code: int) -> Level:
    """The finest level whose digits are not all zero (e.g. 530627000000 is a county)."""
    text = format_code(code)
    for level in reversed(Level):
        start = PREFIX_DIGITS[Level(level - 1)] if level > Level.PROVINCE else 0
        if int(text[start : PREFIX_DIGITS[level]] or "0"):
            return level
    raise ValueError(f"{text} is not an administrative code")


def format_code(code: int) -> str:
    return f"{code:012d}"


def parse_code(text: str | int) -> int:
    """Accept 6-, 9- or 12-digit codes (the 6-digit form is the one on ID cards)."""
    raw = str(text).strip()
    if not raw.isdigit() or len(raw) not in (6, 9, 12):
        raise ValueError(f"“{raw}” is not a 6-, 9- or 12-digit administrative code")
    return int(raw.ljust(CODE_DIGITS, "0"))


def is_within(child: int, parent: int, parent_level: Level) -> bool:
    lo, hi = subtree_range(parent, parent_level)
    return lo <= child < hi
