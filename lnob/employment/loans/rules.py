"""The loan rules as data (lnob.employment.policy): one kind per loan type, `loan_<type>`, each
an EmploymentPolicy row with these parameters. Defaults are seeded by migration 0002 with their
sources (../shared/domain/policy-reference.md §4.2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, model_validator

HouseholdGroup = Literal["out_of_poverty", "monitored", "ordinary", "other"]


class LoanLimits(BaseModel):
    """What one loan of the type may be, and who may borrow it."""

    amount_max: Decimal = Field(gt=0, description="the usual limit of one loan, yuan")
    # a larger need may be approved up to this; the part above `subsidised_max` earns no subsidy
    raised_max: Decimal | None = Field(default=None, gt=0)
    term_months_max: int = Field(gt=0)
    age_min: int = Field(ge=0, le=120)
    age_max: int = Field(ge=0, le=120)
    subsidised_max: Decimal = Field(ge=0, description="the part of the principal that earns the subsidy")
    # the borrower's household must be in one of these groups on the issue day; empty: anyone
    eligible_statuses: list[HouseholdGroup] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ranges(self) -> LoanLimits:
        if self.age_min > self.age_max:
            raise ValueError("age_min is above age_max")
        if self.raised_max is not None and self.raised_max < self.amount_max:
            raise ValueError("raised_max is below amount_max")
        return self

    def limit(self, raised: bool) -> Decimal:
        return self.raised_max if raised and self.raised_max is not None else self.amount_max


SOURCE_STARTUP = "https://www.weilaishidai.com/article/4187abeda1ee4ad7.html"
SOURCE_MICRO = (
    "https://www.bypc.gov.cn/zfxxgk/bmdwxzjd/xzjd/sqz/fdzdgknr/cwgk/ymc/cwgk/art/2024/"
    "art_571d0b3bcc964e0bbae9d692cb777b39.html ; https://wxredian.com/art?id=4bf203f26963a3f627514d46dc9438c7"
)

# the seeded defaults: (kind, effective from, name, params, source)
DEFAULTS: list[tuple[str, str, str, dict[str, object], str]] = [
    (
        "loan_startup_guarantee",
        "2020-01-01",
        "创业担保贷款个人额度（2020 年三部门通知）",
        {
            "amount_max": "200000",
            "raised_max": None,
            "term_months_max": 36,
            "age_min": 18,
            "age_max": 60,
            "subsidised_max": "200000",
            "eligible_statuses": [],
        },
        SOURCE_STARTUP,
    ),
    (
        "loan_micro_credit",
        "2021-01-01",
        "脱贫人口小额信贷（5 万元以下、3 年以内、免担保免抵押、财政贴息）",
        {
            "amount_max": "50000",
            "raised_max": "100000",
            "term_months_max": 36,
            "age_min": 18,
            "age_max": 65,
            "subsidised_max": "50000",
            "eligible_statuses": ["out_of_poverty", "monitored"],
        },
        SOURCE_MICRO,
    ),
]
