"""Shared pieces of the loans tests: the borrowers of 泼机村 (a 脱贫户) and 海子村 (an ordinary
household) in 镇雄, and one of 万州."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from lnob.areas.models import Area
from lnob.employment.loans import services
from lnob.employment.loans.models import Business, Entrepreneur, Loan
from lnob.registry.models import Membership, Person

D = dt.date


def valid_code(body: str = "92530627MA6N0XY10") -> str:
    from stdnum.cn import uscc

    return body + uscc.calc_check_digit(body)


def head(household: Any) -> Person:
    return Membership.objects.get(household=household, relation="head").person


def returnee(actor: Any, person: Person, **extra: Any) -> Entrepreneur:
    return services.entrepreneur_register(
        actor=actor,
        person=person,
        returning=True,
        returned_from=extra.pop("returned_from", "广东省东莞市"),
        returned_on=extra.pop("returned_on", D(2024, 3, 1)),
        **extra,
    )


def business(actor: Any, entrepreneur: Entrepreneur, **extra: Any) -> Business:
    values: dict[str, Any] = {
        "name": "春梅养殖场",
        "village": Area.objects.get(code=entrepreneur.village_id),
        "started": D(2024, 5, 1),
        "sector": "畜牧养殖",
    }
    values.update(extra)
    return services.business_create(actor=actor, entrepreneur=entrepreneur, **values)


def micro(actor: Any, person: Person, **extra: Any) -> Loan:
    values: dict[str, Any] = {
        "type": "micro_credit",
        "reference": "ZXNS-2025-0001",
        "lender": "镇雄农村商业银行",
        "amount": Decimal("50000"),
        "term_months": 36,
        "interest_rate": Decimal("3.45"),
        "subsidy_rate": Decimal("3.45"),
        "issued": D(2025, 3, 15),
        "purpose": "购买能繁母牛",
    }
    values.update(extra)
    return services.loan_issue(actor=actor, person=person, **values)
