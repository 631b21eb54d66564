"""The one-time transport subsidy (一次性交通补助) as data (lnob.employment.policy): kind
`transport_subsidy`, one EmploymentPolicy row per region and start date with these parameters.
The examples of ../shared/domain/policy-reference.md §4.2 are seeded by migration 0002 with their
sources; there is no national default, so a county without a rule of its own (or of its
prefecture or province) is told so instead of being paid by a guess.

Tiers, nearest to farthest: 县内 (in the county), 市内县外 (in the county's prefecture, outside the
county), 省内县外 (in the province, outside the county, or outside the prefecture when the rule sets
an in-city amount), 省外 (out of the province). A tier without an amount is not paid.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

KIND = "transport_subsidy"

TierCode = Literal["in_county", "in_city", "in_province", "out_of_province"]
# nearest first: a tier's rank; work farther away also counts for a nearer tier
RANK: dict[str, int] = {"in_county": 0, "in_city": 1, "in_province": 2, "out_of_province": 3}
HouseholdGroup = Literal["out_of_poverty", "monitored", "ordinary", "other"]
WorkStatus = Literal["employed", "self_employed", "public_welfare"]


def _poor() -> list[HouseholdGroup]:
    return ["out_of_poverty", "monitored"]


def _away() -> list[WorkStatus]:
    return ["employed", "self_employed"]


class ProvinceAmount(BaseModel):
    """A destination province paid its own amount for out-of-province work (Chongxin: 400 yuan
    for the neighbouring Shaanxi and Ningxia, 600 for the others)."""

    model_config = ConfigDict(extra="forbid")

    province: int = Field(ge=11, le=82, description="the province's 2-digit code (61 Shaanxi)")
    name: str = ""
    amount: Decimal = Field(ge=0)


class TransportSubsidyParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # tier -> yuan once a year; a tier left out is not paid
    amounts: dict[TierCode, Annotated[Decimal, Field(ge=0)]]
    provinces: list[ProvinceAmount] = Field(default_factory=list)
    # months of work in the year at the tier or farther, calendar-month fractions
    min_months: Decimal = Field(default=Decimal(3), gt=0, le=12)
    # the person's household must be in one of these groups at the end of the year (or today)
    household_groups: list[HouseholdGroup] = Field(default_factory=_poor, min_length=1)
    # the ledger statuses that count as work away from home
    spell_statuses: list[WorkStatus] = Field(default_factory=_away)
    # Qingzhen: households whose per-capita net income is above this get `high_income_amount`
    income_threshold: Decimal | None = Field(default=None, ge=0)
    high_income_amount: Decimal | None = Field(default=None, ge=0)
    # Heilongjiang: the actual fare when it is lower (the payment records what was paid)
    actual_cost_if_lower: bool = False
    # Chongxin: checked against the national system's work records before paying
    cross_check_national: bool = False

    @field_validator("amounts")
    @classmethod
    def _some_tier(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        if not value:
            raise ValueError("at least one tier must be paid")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> TransportSubsidyParams:
        if (self.income_threshold is None) != (self.high_income_amount is None):
            raise ValueError("income_threshold and high_income_amount go together")
        codes = [p.province for p in self.provinces]
        if len(codes) != len(set(codes)):
            raise ValueError("provinces: a province is listed twice")
        if self.provinces and "out_of_province" not in self.amounts:
            raise ValueError("provinces: destination amounts need an out_of_province amount")
        return self


SOURCE_HEILONGJIANG = "https://hbs486.com/225hlj/133546.html"
SOURCE_CHONGXIN = "https://chacewang.com/newsdetail/news591681.html"
SOURCE_LINYI = "http://sxly.gov.cn/doc/2024/08/29/471426.shtml"
SOURCE_QINGZHEN = "https://www.chacewang.com/newsdetail/news524417.html"

# the seeded examples: (area code, effective from, name, params, source)
DEFAULTS: list[tuple[int, str, str, dict[str, object], str]] = [
    (
        620823000000,  # 崇信县, 平凉市, 甘肃 (62)
        "2024-01-01",
        "崇信县一次性交通补助（2024）",
        {
            "amounts": {"out_of_province": "600", "in_province": "300", "in_city": "200"},
            "provinces": [
                {"province": 61, "name": "陕西", "amount": "400"},
                {"province": 64, "name": "宁夏", "amount": "400"},
            ],
            "min_months": "3",
            "household_groups": ["out_of_poverty", "monitored"],
            "cross_check_national": True,
        },
        SOURCE_CHONGXIN,
    ),
    (
        140821000000,  # 临猗县, 运城市, 山西 (14)
        "2024-01-01",
        "临猗县一次性交通补助",
        {
            "amounts": {"out_of_province": "1500", "in_province": "600", "in_city": "300"},
            "min_months": "3",
            "household_groups": ["out_of_poverty", "monitored"],
        },
        SOURCE_LINYI,
    ),
    (
        230000000000,  # 黑龙江 (23)
        "2021-01-01",
        "黑龙江省跨省务工一次性交通补助",
        {
            "amounts": {"out_of_province": "500"},
            "min_months": "3",
            "household_groups": ["out_of_poverty", "monitored"],
            "actual_cost_if_lower": True,
        },
        SOURCE_HEILONGJIANG,
    ),
    (
        520181000000,  # 清镇市, 贵阳市, 贵州 (52)
        "2023-01-01",
        "清镇市外出务工一次性交通补助",
        {
            "amounts": {"out_of_province": "1000"},
            "min_months": "3",
            "household_groups": ["out_of_poverty", "monitored"],
            "income_threshold": "10000",
            "high_income_amount": "500",
        },
        SOURCE_QINGZHEN,
    ),
]
