"""The workshop rules as data (lnob.employment.policy): one pydantic schema per kind of
EmploymentPolicy row. Defaults and sources are seeded by migration 0002 and listed in
docs/employment-workshops.md."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, model_validator

from lnob.employment import policy

from .models import ClaimKind, Rating, WorkshopType

RECOGNITION = "workshop_recognition"
MONITORING = "workshop_monitoring"

_TYPES = [t.value for t in WorkshopType]


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Alternative(_Params):
    """One way to qualify; every figure it sets must be reached."""

    min_poor_workers: int | None = Field(None, ge=1)
    min_workers: int | None = Field(None, ge=1)
    min_poor_share: Decimal | None = Field(None, gt=0, le=1)

    @model_validator(mode="after")
    def _something(self) -> Alternative:
        if self.min_poor_workers is None and self.min_workers is None and self.min_poor_share is None:
            raise ValueError(
                "an alternative sets at least one of min_poor_workers, min_workers, min_poor_share"
            )
        return self


class RecognitionParams(_Params):
    """认定标准. A worker counts when on the roster on the day and, within the 12 months up to it,
    at the workshop at least `min_months` (a month counts with 15 days or more), paid at least
    `min_wage` a month when set. The workshop qualifies when its type is allowed, any one
    alternative holds, and the average monthly wage of the counted workers reaches the floor set
    for its type. `also_required` names what is checked by hand (insurance, contracts)."""

    types: list[WorkshopType] = Field(default_factory=lambda: list(WorkshopType))
    any_of: list[Alternative] = Field(min_length=1)
    min_months: int = Field(3, ge=0, le=12)
    min_wage: Decimal | None = Field(None, ge=0)
    min_average_wage: dict[WorkshopType, Decimal] = Field(default_factory=dict)
    also_required: str = ""


class MonitoringParams(_Params):
    """动态监测. Checked every `check_every_months`; a workshop found short of the criteria is
    pending action, and closed when still short `buffer_months` later. At a check a worker counts
    with `min_months` of work in the last 12 months or, when set, `min_earnings` yuan earned there."""

    check_every_months: int = Field(3, ge=1, le=12)
    buffer_months: int = Field(6, ge=0, le=24)
    min_months: int = Field(3, ge=0, le=12)
    min_earnings: Decimal | None = Field(None, ge=0)


class SubsidyParams(_Params):
    """吸纳就业补贴, per worker: `per_worker_year` (pro rata by months, to the employer),
    `per_worker_month` (per month worked), `per_worker_once` (once per worker under this rule);
    only for workers with `min_months` in the period, of out-of-poverty or monitored households
    when `poor_only`; the claim capped at `cap`; only for the workshop types listed."""

    per_worker_year: Decimal = Field(Decimal(0), ge=0)
    per_worker_month: Decimal = Field(Decimal(0), ge=0)
    per_worker_once: Decimal = Field(Decimal(0), ge=0)
    min_months: int = Field(1, ge=0, le=12)
    poor_only: bool = True
    cap: Decimal | None = Field(None, ge=0)
    types: list[WorkshopType] = Field(default_factory=lambda: list(WorkshopType))

    @model_validator(mode="after")
    def _pays_something(self) -> SubsidyParams:
        if not (self.per_worker_year or self.per_worker_month or self.per_worker_once):
            raise ValueError("set per_worker_year, per_worker_month or per_worker_once")
        return self


class Tier(_Params):
    rating: Rating
    min_workers: int = Field(ge=1)
    max_workers: int | None = Field(None, ge=1)
    amount: Decimal = Field(ge=0)


class AwardParams(_Params):
    """等次奖补: one award a year by the workshop's rating and its headcount of workers employed
    at least `min_months` in the year (of poor households only when `poor_only`)."""

    tiers: list[Tier] = Field(min_length=1)
    min_months: int = Field(3, ge=0, le=12)
    poor_only: bool = False


class EmergencyParams(_Params):
    """应急补贴 (as in COVID): a one-off amount per worker on the roster during the declared
    period, once per worker under this rule."""

    per_worker: Decimal = Field(gt=0)
    period_start: dt.date
    period_end: dt.date
    poor_only: bool = True

    @model_validator(mode="after")
    def _period(self) -> EmergencyParams:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


def register_kinds() -> None:
    policy.register(RECOGNITION, RecognitionParams, _("帮扶车间认定标准"))
    policy.register(MONITORING, MonitoringParams, _("帮扶车间动态监测"))
    policy.register(ClaimKind.SUBSIDY.value, SubsidyParams, _("帮扶车间吸纳就业补贴"))
    policy.register(ClaimKind.AWARD.value, AwardParams, _("帮扶车间等次奖补"))
    policy.register(ClaimKind.EMERGENCY.value, EmergencyParams, _("帮扶车间应急补贴"))
