"""Townships (乡镇) and villages (村/社区) of the synthetic county, with codes and names."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import calibration as cal
from .names import PLACE_FIRST, PLACE_SECOND


@dataclass(frozen=True)
class Areas:
    township_code: np.ndarray
    township_name: list[str]
    village_code: np.ndarray
    village_name: list[str]
    village_township: np.ndarray  # index into the township arrays


def area_counts(persons: int) -> tuple[int, int]:
    """About 28 townships and 250 villages for 1.6 million persons; at least 2 × 2."""
    townships = max(2, round(persons / cal.PERSONS_PER_TOWNSHIP))
    villages = max(2 * townships, round(persons / cal.PERSONS_PER_VILLAGE))
    return townships, villages


def _place_roots(rng: np.random.Generator, count: int) -> list[str]:
    """Distinct two-character roots; repeats only once every combination is used."""
    space = len(PLACE_FIRST) * len(PLACE_SECOND)
    picks = rng.choice(space, size=count, replace=count > space)
    return [PLACE_FIRST[p // len(PLACE_SECOND)] + PLACE_SECOND[p % len(PLACE_SECOND)] for p in picks]


def make_areas(rng: np.random.Generator, county_code: int, persons: int) -> Areas:
    n_town, n_village = area_counts(persons)
    roots = _place_roots(rng, n_town + n_village)
    is_town = np.zeros(n_town, dtype=bool)
    is_town[: max(1, round(n_town * cal.TOWN_SHARE))] = True
    # towns are numbered 101, 102, ... and 乡 201, 202, ... (统计用区划代码 convention)
    serial = np.where(is_town, 101 + np.cumsum(is_town) - 1, 201 + np.cumsum(~is_town) - 1)
    township_code = county_code + serial.astype(np.int64) * 1000
    township_name = [
        root + ("镇" if town else "乡") for root, town in zip(roots[:n_town], is_town, strict=True)
    ]

    # every township gets two villages, the rest go where chance puts them
    owner = np.sort(
        np.concatenate(
            [np.arange(n_town), np.arange(n_town), rng.integers(0, n_town, n_village - 2 * n_town)]
        )
    )
    first = np.ones(n_village, dtype=bool)
    first[1:] = owner[1:] != owner[:-1]
    rank = np.arange(n_village) - np.maximum.accumulate(np.where(first, np.arange(n_village), 0))
    has_seat = rng.random(n_town) < cal.SEAT_COMMUNITY_SHARE
    community = first & has_seat[owner]
    # 社区 (residents' committees) are numbered 001.., 村 (villagers' committees) 201..
    village_serial = np.where(community, 1, 201 + rank - has_seat[owner].astype(np.int64))
    village_code = township_code[owner] + village_serial.astype(np.int64)
    village_name = [
        root + ("社区" if comm else "村") for root, comm in zip(roots[n_town:], community, strict=True)
    ]
    return Areas(township_code, township_name, village_code, village_name, owner)
