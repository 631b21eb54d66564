"""The training channel's rules as data (lnob.employment.policy): their parameter schemas, and
who is eligible for what they pay.

`training_allowance` (培训生活费补贴): per day attended offline, per class hour online, or a flat
amount per completed course (once a year where the rule says so), plus a one-time award for a
certificate; the share of attendance that completes a course; the households whose members are
paid. `rain_dew` (雨露计划): the yearly grant per programme, and the households eligible.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field

from lnob.employment.policy import Rule, rule_for

TRAINING_ALLOWANCE = "training_allowance"
RAIN_DEW = "rain_dew"

HouseholdKind = Literal["out_of_poverty", "monitored"]
ALL_KINDS: list[HouseholdKind] = ["out_of_poverty", "monitored"]


class TrainingAllowance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    per_day_offline: Decimal = Field(default=Decimal("25"), ge=0)
    per_hour_online: Decimal = Field(default=Decimal("1"), ge=0)
    # a flat amount per completed course instead of the daily rate (Shaoguan: 500 yuan)
    per_course: Decimal | None = Field(default=None, ge=0)
    # at most one course's allowance a person a calendar year
    once_a_year: bool = False
    # a one-time award to the trainee for a certificate (a Guangxi county: 800 yuan)
    certificate_award: Decimal = Field(default=Decimal("0"), ge=0)
    # paid to the training institution per trainee; shown, not paid through this ledger
    institution_per_trainee: Decimal = Field(default=Decimal("0"), ge=0)
    # the share of the scheduled days (offline) or class hours (online) a trainee must attend
    completion_share: float = Field(default=0.8, gt=0, le=1)
    households: list[HouseholdKind] = Field(default_factory=lambda: list(ALL_KINDS))


class RainDew(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secondary_vocational: Decimal = Field(default=Decimal("3000"), gt=0)
    higher_vocational: Decimal = Field(default=Decimal("3000"), gt=0)
    households: list[HouseholdKind] = Field(default_factory=lambda: list(ALL_KINDS))


LABELS = {TRAINING_ALLOWANCE: _("培训生活费补贴"), RAIN_DEW: _("雨露计划补助")}


def register_kinds() -> None:
    from lnob.employment.policy import register

    register(TRAINING_ALLOWANCE, TrainingAllowance, LABELS[TRAINING_ALLOWANCE])
    register(RAIN_DEW, RainDew, LABELS[RAIN_DEW])


def allowance_rule(area_code: int, day: dt.date) -> Rule:
    return rule_for(TRAINING_ALLOWANCE, area_code, day)


def rain_dew_rule(area_code: int, day: dt.date) -> Rule:
    return rule_for(RAIN_DEW, area_code, day)


def school_year_start(year: int) -> dt.date:
    """The day a school year begins, the day its rule is read for."""
    return dt.date(year, 9, 1)


def eligible_households(days: dict[int, dt.date]) -> dict[int, set[str]]:
    """For each household (id -> the day that counts), which of "out_of_poverty" (its attributes
    on that day say 脱贫户) and "monitored" (its latest approved decision keeps it under
    monitoring today) it is. Three queries whatever their number."""
    from lnob.monitoring.models import Case
    from lnob.monitoring.selectors import monitored_case_ids
    from lnob.registry.models import HouseholdStatus, HouseholdVersion

    kinds: dict[int, set[str]] = {h: set() for h in days}
    poor = HouseholdVersion.objects.filter(
        household_id__in=list(days), status=HouseholdStatus.OUT_OF_POVERTY
    ).values_list("household_id", "valid_from", "valid_to")
    for h, start, end in poor:
        if start <= days[h] and (end is None or end > days[h]):
            kinds[h].add("out_of_poverty")
    cases = Case.objects.filter(household_id__in=list(days))
    monitored = Case.objects.filter(pk__in=monitored_case_ids(cases)).values_list("household_id", flat=True)
    for h in monitored:
        kinds[h].add("monitored")
    return kinds
