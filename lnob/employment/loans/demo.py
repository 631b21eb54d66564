"""Demo data for the channel: returning entrepreneurs of the demo county with their businesses
and the locals they hire, start-up guarantee loans to them (as Kaizhou, Chongqing, lends to
returnees) and out-of-poverty micro-credit, with quarterly interest, repayments at maturity, a
few loans overdue, and the interest subsidy paid. Built in bulk from the county's registered
persons, deterministic for a seed; every loan passes the rules in force (lnob.employment.loans.rules)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.db.models import Q
from stdnum.cn import uscc

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.employment.models import Channel, Employer, Location, Spell, SpellStatus
from lnob.registry.models import HouseholdVersion, Membership

from .households import groups_on
from .models import Business, Entrepreneur, Loan, LoanStatus, LoanType, Repayment, SubsidyPayment
from .services import add_months, check_loan, limits_for, subsidy_due

ORIGINS = [
    "广东省东莞市",
    "广东省深圳市",
    "浙江省宁波市",
    "江苏省苏州市",
    "福建省晋江市",
    "云南省昆明市",
    "上海市",
]
PREVIOUS = ["电子厂装配", "建筑工地", "餐饮服务", "物流快递", "服装加工", "汽修"]
SECTORS = [
    ("畜牧养殖", "养殖场"),
    ("特色种植", "种植合作社"),
    ("农产品加工", "农产品加工坊"),
    ("电子商务", "电商服务部"),
    ("餐饮", "农家乐"),
    ("乡村旅游", "民宿"),
    ("建材", "建材店"),
    ("交通运输", "运输队"),
]
BANKS = ["镇雄农村商业银行", "中国邮政储蓄银行县支行", "中国农业银行县支行"]
PURPOSES_MICRO = ["购买能繁母牛", "扩大生猪养殖", "种植魔芋", "购置农机", "发展中药材种植"]
PURPOSES_STARTUP = ["购置设备", "扩大经营场地", "流动资金", "购买原材料"]
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _credit_code(rng: random.Random, county: int) -> str:
    body = "92" + str(county)[:6] + "".join(rng.choice(CODE_CHARS) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _candidates(county: Area, today: dt.date) -> list[dict[str, Any]]:
    """The county's current members aged 20–58 with no full-time spell running today, with their
    village and household status: one query each."""
    lo, hi = subtree_range(county.code, Level.COUNTY)
    members = list(
        Membership.objects.filter(
            left__isnull=True, household__village_id__gte=lo, household__village_id__lt=hi
        )
        .values("person_id", "household_id", "household__village_id", "person__birth_date", "person__name")
        .order_by("person_id")
    )
    busy = set(
        Spell.objects.filter(person_id__in=[m["person_id"] for m in members], full_time=True)
        .filter(Q(end__isnull=True) | Q(end__gte=today - dt.timedelta(days=3 * 365)))
        .values_list("person_id", flat=True)
    )
    status = dict(
        HouseholdVersion.objects.filter(
            household_id__in={m["household_id"] for m in members}, valid_to__isnull=True
        ).values_list("household_id", "status")
    )
    out = []
    for m in members:
        age = (today - m["person__birth_date"]).days // 365
        if 20 <= age <= 58 and m["person_id"] not in busy:
            out.append({**m, "age": age, "status": status.get(m["household_id"], "other")})
    return out


@transaction.atomic
def load_demo(*, county: Area, today: dt.date, actor: Any, seed: int = 8) -> dict[str, int]:
    """Entrepreneurs, businesses, hires, loans, repayments and subsidy payments for the county."""
    rng = random.Random(seed)  # noqa: S311 demo data, not a secret
    people = _candidates(county, today)
    if not people:
        return {"entrepreneurs": 0, "businesses": 0, "hires": 0, "loans": 0, "repayments": 0, "subsidies": 0}
    rng.shuffle(people)
    n_owners = max(3, len(people) // 250)
    owners, rest = people[:n_owners], people[n_owners:]
    with set_actor(actor):
        entrepreneurs, businesses = _businesses(rng, county, today, actor, owners)
        hires = _hires(rng, today, actor, businesses, rest)
        loans = _loans(rng, county, today, actor, businesses, rest[len(hires) :])
        repayments, subsidies = _repayments(rng, today, actor, loans)
    return {
        "entrepreneurs": len(entrepreneurs),
        "businesses": len(businesses),
        "hires": len(hires),
        "loans": len(loans),
        "repayments": repayments,
        "subsidies": subsidies,
    }


def _businesses(
    rng: random.Random, county: Area, today: dt.date, actor: Any, owners: list[dict[str, Any]]
) -> tuple[list[Entrepreneur], list[Business]]:
    entrepreneurs, businesses, spells, employers = [], [], [], []
    for m in owners:
        returning = rng.random() < 0.75
        returned_on = today - dt.timedelta(days=rng.randint(200, 1500)) if returning else None
        entrepreneurs.append(
            Entrepreneur(
                person_id=m["person_id"],
                village_id=m["household__village_id"],
                returning=returning,
                returned_from=rng.choice(ORIGINS) if returning else "",
                returned_on=returned_on,
                previous_work=rng.choice(PREVIOUS) if returning else "",
                created_by=actor,
            )
        )
    Entrepreneur.objects.bulk_create(entrepreneurs)
    for e, m in zip(entrepreneurs, owners, strict=True):
        sector, kind = rng.choice(SECTORS)
        started = (e.returned_on or today - dt.timedelta(days=1200)) + dt.timedelta(days=rng.randint(30, 150))
        started = min(started, today - dt.timedelta(days=30))
        name = f"{m['person__name']}{kind}"
        code = _credit_code(rng, county.code) if rng.random() < 0.7 else ""
        employer = (
            Employer(county_id=county.code, credit_code=code, name=name, sector=sector) if code else None
        )
        if employer is not None:
            employers.append(employer)
        spell = Spell(
            person_id=m["person_id"],
            status=SpellStatus.SELF_EMPLOYED,
            start=started,
            location=Location.IN_COUNTY,
            destination=name[:100],
            note=f"创业：{name}"[:200],
            created_by=actor,
        )
        spells.append(spell)
        businesses.append(
            Business(
                entrepreneur=e,
                name=name,
                sector=sector,
                village_id=m["household__village_id"],
                credit_code=code,
                employer=employer,
                started=started,
                other_jobs=rng.choice([0, 0, 1, 2]),
                owner_spell=spell,
                created_by=actor,
            )
        )
    Employer.objects.bulk_create(employers)
    Spell.objects.bulk_create(spells)
    Business.objects.bulk_create(businesses)
    return entrepreneurs, businesses


def _hires(
    rng: random.Random, today: dt.date, actor: Any, businesses: list[Business], rest: list[dict[str, Any]]
) -> list[Spell]:
    """Locals hired by the businesses on the employer list, poorer households first."""
    pool = sorted(rest[: len(businesses) * 6], key=lambda m: (m["status"] != "out_of_poverty", rng.random()))
    spells: list[Spell] = []
    for b in businesses:
        if b.employer is None:
            continue
        for _ in range(rng.randint(1, 5)):
            if not pool:
                break
            m = pool.pop(0)
            start = b.started + dt.timedelta(days=rng.randint(10, 120))
            if start > today:
                continue
            spells.append(
                Spell(
                    person_id=m["person_id"],
                    status=SpellStatus.EMPLOYED,
                    channel=Channel.SELF_FOUND,
                    location=Location.IN_COUNTY,
                    destination=b.name[:100],
                    employer=b.employer,
                    start=start,
                    monthly_wage=Decimal(rng.randrange(2200, 4200, 100)),
                    created_by=actor,
                )
            )
    Spell.objects.bulk_create(spells)
    return spells


def _loans(
    rng: random.Random,
    county: Area,
    today: dt.date,
    actor: Any,
    businesses: list[Business],
    rest: list[dict[str, Any]],
) -> list[Loan]:
    from lnob.core.errors import DomainError
    from lnob.registry.models import Person

    plans: list[dict[str, Any]] = []
    for b in businesses:
        if rng.random() < 0.6:
            person = b.entrepreneur.person_id
            issued = min(b.started + dt.timedelta(days=rng.randint(0, 90)), today - dt.timedelta(days=10))
            rate = Decimal(rng.choice(["3.45", "3.65", "3.85"]))
            plans.append(
                {
                    "person": person,
                    "village": b.village_id,
                    "business": b,
                    "type": LoanType.STARTUP_GUARANTEE,
                    "amount": Decimal(rng.randrange(50_000, 200_001, 10_000)),
                    "term": rng.choice([24, 36]),
                    "rate": rate,
                    "subsidy": rate - Decimal("1.50"),
                    "issued": issued,
                    "purpose": rng.choice(PURPOSES_STARTUP),
                }
            )
    poor = [m for m in rest if m["status"] == "out_of_poverty"]
    for m in poor[: max(5, len(poor) // 60)]:
        issued = today - dt.timedelta(days=rng.randint(30, 1300))
        plans.append(
            {
                "person": m["person_id"],
                "village": m["household__village_id"],
                "business": None,
                "type": LoanType.MICRO_CREDIT,
                "amount": Decimal(rng.randrange(10_000, 50_001, 5_000)),
                "term": rng.choice([12, 24, 36]),
                "rate": Decimal("3.45"),
                "subsidy": Decimal("3.45"),
                "issued": issued,
                "purpose": rng.choice(PURPOSES_MICRO),
            }
        )
    births = dict(Person.objects.filter(pk__in=[p["person"] for p in plans]).values_list("pk", "birth_date"))
    groups = groups_on((p["person"], p["issued"]) for p in plans)
    loans = []
    for i, p in enumerate(plans):
        try:
            rule = limits_for(p["type"], p["village"], p["issued"])
        except DomainError:  # no rule for that day: no such loan then
            continue
        refused = check_loan(
            rule=rule,
            amount=p["amount"],
            term_months=p["term"],
            raised_limit=False,
            birth_date=births[p["person"]],
            issued=p["issued"],
            groups=groups[(p["person"], p["issued"])],
        )
        if refused:
            continue
        loans.append(
            Loan(
                person_id=p["person"],
                village_id=p["village"],
                business=p["business"],
                type=p["type"],
                reference=f"DEMO-{county.code // 10**6}-{p['issued']:%Y}-{i + 1:05d}",
                lender=rng.choice(BANKS),
                amount=p["amount"],
                term_months=p["term"],
                interest_rate=p["rate"],
                subsidy_rate=max(p["subsidy"], Decimal(0)),
                issued=p["issued"],
                maturity=add_months(p["issued"], p["term"]),
                purpose=p["purpose"],
                subsidised_amount=min(p["amount"], rule.params.subsidised_max),
                rule=rule.row,
                created_by=actor,
            )
        )
    Loan.objects.bulk_create(loans)
    return loans


def _repayments(rng: random.Random, today: dt.date, actor: Any, loans: list[Loan]) -> tuple[int, int]:
    """Interest each quarter; the principal at maturity for most matured loans, a few unpaid
    (past maturity) or reported overdue; a year's subsidy paid for loans older than a year."""
    repayments: list[Repayment] = []
    subsidies: list[SubsidyPayment] = []
    settled: dict[dt.date, list[int]] = defaultdict(list)
    overdue: list[int] = []
    for loan in loans:
        quarter = (loan.amount * loan.interest_rate / Decimal(100) / 4).quantize(Decimal("0.01"))
        day = add_months(loan.issued, 3)
        while day < min(loan.maturity, today):
            repayments.append(Repayment(loan=loan, date=day, interest=quarter, created_by=actor))
            day = add_months(day, 3)
        matured = loan.maturity <= today
        if matured and rng.random() < 0.85:
            repayments.append(
                Repayment(
                    loan=loan, date=loan.maturity, principal=loan.amount, interest=quarter, created_by=actor
                )
            )
            settled[loan.maturity].append(loan.pk)
        elif not matured and rng.random() < 0.05:
            overdue.append(loan.pk)
        year_end = add_months(loan.issued, 12) - dt.timedelta(days=1)
        if loan.subsidy_rate > 0 and year_end < today:
            due = subsidy_due(loan, loan.issued, year_end, [])
            if due > 0:
                subsidies.append(
                    SubsidyPayment(
                        loan=loan,
                        period_start=loan.issued,
                        period_end=year_end,
                        amount=due,
                        due=due,
                        paid_on=min(year_end + dt.timedelta(days=20), today),
                        approved_by=actor,
                    )
                )
    Repayment.objects.bulk_create(repayments)
    SubsidyPayment.objects.bulk_create(subsidies)
    for day, ids in settled.items():
        Loan.objects.filter(pk__in=ids).update(status=LoanStatus.REPAID, closed_on=day)
    Loan.objects.filter(pk__in=overdue).update(
        status=LoanStatus.OVERDUE, overdue_since=today - dt.timedelta(days=20)
    )
    return len(repayments), len(subsidies)
