"""The public-welfare post rule as data (EmploymentPolicy kind `public_welfare_post`): who may be
hired, what a post may pay, how many posts may be heavy, how long an agreement may run.

The defaults and the local versions seeded (migration 0002) come from the policy reference §4.2:
Guizhou (age ≤ 60, post types), Guantao, Hebei 2023 (500 / 550 yuan, ≤ 20 % heavy posts, 5-day
publicity, risk-eliminated households no longer eligible, accident insurance), Hunan 2024
(linkage or employment funds; out-of-poverty people and monitored households).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, model_validator

from lnob.employment.policy import Rule, register, rule_for

from .models import KIND

TypeCode = Literal["ordinary", "technical", "special"]
CapacityCode = Literal["full", "partial", "none"]
TagCode = Literal["out_of_poverty", "monitored", "risk_eliminated", "ordinary", "other"]
FundingCode = Literal["linkage_funds", "employment_funds", "other"]


_PARTIAL: list[CapacityCode] = ["partial"]
_POOR: list[TagCode] = ["out_of_poverty", "monitored"]


class PostRule(BaseModel):
    """Parameters of the rule. Pay figures are monthly, in yuan; a post type the rule gives no
    figure for is not capped."""

    model_config = ConfigDict(extra="forbid")

    min_age: int = Field(16, ge=0, le=100)
    max_age: int = Field(60, ge=0, le=100)
    # labour capacity (from health and disability, or the cadre's judgement on the person)
    labour_capacities: list[CapacityCode] = Field(default_factory=lambda: _PARTIAL.copy(), min_length=1)
    # the household must be at least one of these on the start date ...
    household_statuses: list[TagCode] = Field(default_factory=lambda: _POOR.copy(), min_length=1)
    # ... and none of these (Guantao: risk-eliminated households are no longer eligible)
    excluded_statuses: list[TagCode] = Field(default_factory=list)
    # the highest monthly pay of a post, per type, for light and for heavy work
    pay: dict[TypeCode, Decimal] = Field(default_factory=dict)
    heavy_pay: dict[TypeCode, Decimal] = Field(default_factory=dict)
    # at most this share of a county's open places may be heavy (None: no cap)
    heavy_share_max: Decimal | None = Field(None, ge=0, le=1)
    # the funding sources the rule allows (empty: any)
    funding: list[FundingCode] = Field(default_factory=list)
    agreement_max_months: int = Field(12, ge=1, le=60)
    publicity_days: int = Field(0, ge=0, le=30)  # village publicity before hiring (shown, not checked)
    accident_insurance: bool = False  # the county insures post holders (shown)
    note: str = ""  # which values the source gives and which repeat the national default

    @model_validator(mode="after")
    def _ages(self) -> PostRule:
        if self.min_age > self.max_age:
            raise ValueError("min_age is above max_age")
        for figures in (self.pay, self.heavy_pay):
            if any(v <= 0 for v in figures.values()):
                raise ValueError("pay must be above 0")
        return self

    @property
    def heavy_share_percent(self) -> str:
        """The cap as a percentage, for people: "20"."""
        if self.heavy_share_max is None:
            return ""
        return format((self.heavy_share_max * 100).normalize(), "f")

    def pay_cap(self, post_type: str, heavy: bool) -> Decimal | None:
        return (self.heavy_pay if heavy else self.pay).get(post_type)  # type: ignore[call-overload]


def register_rule() -> None:
    register(KIND, PostRule, _("公益性岗位"))


def post_rule(area_code: int, day: dt.date) -> Rule:
    """The rule for a village on a day; DomainError when no region sets one."""
    return rule_for(KIND, area_code, day)


def params(rule: Rule) -> PostRule:
    assert isinstance(rule.params, PostRule)
    return rule.params
