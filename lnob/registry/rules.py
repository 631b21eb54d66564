"""Derived attributes of a person. Pure functions: no database, no Django models."""

from __future__ import annotations

import datetime as dt

# Working age (劳动年龄) bounds, inclusive. National statistics use 16-59; many county ledgers use
# 16-60. Kept as parameters (settings LNOB_WORKING_AGE) until policy versions carry them.
DEFAULT_WORKING_AGE = (16, 60)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def derive_labour_capacity(
    *, age: int, health: str, disability_grade: int | None, working_age: tuple[int, int] = DEFAULT_WORKING_AGE
) -> str:
    """Labour capacity as the national system classes it, from age, health and disability.

    Grades 1-2 are the severe disability grades; 3-4 leave some capacity.
    """
    low, high = working_age
    if age < low or age > high:
        return "not_working_age"
    if health == "serious" or (disability_grade is not None and disability_grade <= 2):
        return "none"
    if health == "chronic" or disability_grade in (3, 4):
        return "partial"
    return "full"
