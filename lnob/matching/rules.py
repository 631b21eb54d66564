"""The matching rule as data (EmploymentPolicy kind `matching`): the weights of a pair's score,
the household priorities, who counts as unstably employed, the default reach and physical
limit of a seeker who told us nothing, and the pruning of the candidate pairs.

The policy reference names the priorities ("monitored households and zero-employment households
first", §4) but no figures; the seeded national default (migration 0002) is our reading, and a
county changes it like any other rule, from the admin.
"""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field

from lnob.employment.policy import register

KIND = "matching"
ReachCode = Literal["home", "county", "province", "anywhere"]
PhysicalCode = Literal["light", "medium", "heavy"]
CapacityCode = Literal["full", "partial"]
_REACH: dict[CapacityCode, ReachCode] = {"full": "anywhere", "partial": "county"}
_PHYSICAL: dict[CapacityCode, PhysicalCode] = {"full": "heavy", "partial": "light"}


class ScoreWeights(BaseModel):
    model_config = ConfigDict(extra="forbid")
    wage: int = Field(40, ge=0, le=100)
    distance: int = Field(25, ge=0, le=100)
    skill: int = Field(20, ge=0, le=100)
    preference: int = Field(15, ge=0, le=100)


class Priority(BaseModel):
    """A household's weight is `base` plus each term that applies to it."""

    model_config = ConfigDict(extra="forbid")
    base: int = Field(1, ge=1, le=100)
    monitored: int = Field(2, ge=0, le=100)
    zero_employment: int = Field(1, ge=0, le=100)
    out_of_poverty: int = Field(0, ge=0, le=100)


class MatchingParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    score: ScoreWeights = Field(default_factory=lambda: ScoreWeights.model_validate({}))
    priority: Priority = Field(default_factory=lambda: Priority.model_validate({}))
    # in work, but only part time, or in this many separate spells in the last 12 months
    unstable_spells: int = Field(3, ge=2, le=12)
    # a seeker without a profile: how far and how heavy, by labour capacity
    reach: dict[CapacityCode, ReachCode] = Field(default_factory=lambda: dict(_REACH))
    physical: dict[CapacityCode, PhysicalCode] = Field(default_factory=lambda: dict(_PHYSICAL))
    # pruning: a pair stays when among the seeker's best `per_seeker` slots or the slot's best
    # `per_place` x places seekers; 0 turns pruning off
    per_seeker: int = Field(50, ge=0, le=10_000)
    per_place: int = Field(2, ge=0, le=100)
    # ... or among the seeker's `per_seeker_open` least contested slots (fewest candidates a place)
    per_seeker_open: int = Field(10, ge=0, le=1000)
    note: str = ""


def register_rule() -> None:
    register(KIND, MatchingParams, _("岗位匹配规则"))
