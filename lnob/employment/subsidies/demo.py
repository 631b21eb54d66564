"""Demo data for the demo county: people who went out to work last year (spells in the ledger,
when the county has none of its own yet), their transport subsidies computed from them (some
approved, some paid), and a year of social-insurance contributions, including a few people whose
work the ledger does not show yet. Deterministic (random.Random(seed)), written in bulk.

The demo county needs a transport-subsidy rule: when none applies, one is added for the county
with Chongxin's amounts (policy reference §4.2), named as a demo rule with Chongxin's source."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db.models import F, Q
from stdnum.cn import uscc

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.core.errors import DomainError
from lnob.employment.models import Employer, EmploymentPolicy, Spell
from lnob.employment.policy import rule_for
from lnob.registry.models import HouseholdVersion, Membership
from lnob.registry.selectors import member_on, valid_on

from .models import ClaimStatus, InsuranceKind, SocialInsuranceRecord, TransportSubsidyClaim
from .rules import DEFAULTS, KIND
from .services import transport_claims_approve, transport_compute

SEED = 5
AWAY = [
    ("广东省东莞市", 441900000000, "东莞市", "电子厂"),
    ("浙江省宁波市", 330200000000, "宁波市", "服装厂"),
    ("江苏省苏州市", 320500000000, "苏州市", "精密制造"),
    ("福建省泉州市", 350500000000, "泉州市", "鞋业"),
]


def _code(rng: random.Random, region: int) -> str:
    body = f"9{1}{str(region)[:6]}MA{rng.randrange(10**7):07d}"[:17]
    return body + uscc.calc_check_digit(body)


def _rule(county: Area, today: dt.date) -> int:
    try:
        rule_for(KIND, county.code, dt.date(today.year - 1, 12, 31))
        return 0
    except DomainError:
        _area, _start, name, params, source = DEFAULTS[0]  # Chongxin
        EmploymentPolicy.objects.get_or_create(
            kind=KIND,
            area_code=county.code,
            effective_from=dt.date(today.year - 1, 1, 1),
            defaults={"name": f"演示规则：参照{name}", "params": params, "source": source},
        )
        return 1


def _employers(county: Area, rng: random.Random) -> list[Employer]:
    new = [
        Employer(county=county, credit_code=_code(rng, region), name=f"{city}某{trade}有限公司", sector=trade)
        for _d, region, city, trade in AWAY
    ]
    known = set(Employer.objects.filter(county=county).values_list("credit_code", flat=True))
    Employer.objects.bulk_create([e for e in new if e.credit_code not in known])
    return list(Employer.objects.filter(county=county, credit_code__in=[e.credit_code for e in new]))


def _candidates(lo: int, hi: int, day: dt.date, statuses: list[str]) -> list[tuple[int, int]]:
    """(person, village) of working-age members of households in `statuses`, with nothing in the
    ledger yet, in a stable order."""
    households = HouseholdVersion.objects.filter(valid_on(day), status__in=statuses).values("household_id")
    born_after, born_before = day.replace(year=day.year - 50), day.replace(year=day.year - 18)
    rows = (
        Membership.objects.filter(member_on(day), household__village_id__gte=lo, household__village_id__lt=hi)
        .filter(
            household_id__in=households,
            person__birth_date__gt=born_after,
            person__birth_date__lte=born_before,
        )
        .exclude(person_id__in=Spell.objects.values("person_id"))
        .order_by("person_id")
        .values_list("person_id", "household__village_id")
    )
    return list(rows[:20000])


def _spells(
    rng: random.Random, people: list[tuple[int, int]], employers: list[Employer], year: int, actor: Any
) -> list[Spell]:
    spells = []
    for i, (person, _village) in enumerate(people):
        place = i % len(AWAY)
        start = dt.date(year, rng.randrange(1, 9), 1)
        # most stay four to ten months; one in six comes back after two (too few for the subsidy)
        months = 2 if i % 6 == 5 else rng.randrange(4, 11)
        end_month = start.month + months
        end = dt.date(year + (end_month > 12), (end_month - 1) % 12 + 1, 1) - dt.timedelta(days=1)
        spells.append(
            Spell(
                person_id=person,
                status="employed",
                channel="organised_export" if i % 2 else "self_found",
                location="out_of_province",
                destination=AWAY[place][0],
                employer=employers[place],
                start=start,
                end=end,
                monthly_wage=Decimal(rng.randrange(38, 62) * 100),
                created_by=actor,
                note="演示数据",
            )
        )
    return spells


def _quarters(spell: Spell) -> list[tuple[dt.date, int]]:
    """The quarters a spell touches, with the whole months it covers in each."""
    out: dict[dt.date, int] = {}
    month = spell.start.replace(day=1)
    end = spell.end or spell.start
    while month <= end:
        q = dt.date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)
        out[q] = out.get(q, 0) + 1
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return [(q, min(n, 3)) for q, n in out.items()]


def _records(
    rng: random.Random, spells: list[Spell], extra: list[tuple[int, int]], today: dt.date, actor: Any
) -> list[SocialInsuranceRecord]:
    records = []
    for s in spells:
        if rng.random() > 0.6 or s.employer is None:  # many migrant jobs carry no insurance
            continue
        region = next(r for d, r, _c, _t in AWAY if d == s.destination)
        for q, months in _quarters(s):
            if q > today:
                continue
            records.append(
                SocialInsuranceRecord(
                    person_id=s.person_id,
                    quarter=q,
                    credit_code=s.employer.credit_code,
                    employer_name=s.employer.name,
                    employer=s.employer,
                    kind=InsuranceKind.PENSION,
                    months=months,
                    base=s.monthly_wage,
                    region=region,
                    created_by=actor,
                )
            )
    last = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - dt.timedelta(days=1)
    quarter = dt.date(last.year, 3 * ((last.month - 1) // 3) + 1, 1)
    for i, (person, _village) in enumerate(extra):  # work the ledger does not know of yet
        _d, region, city, trade = AWAY[i % len(AWAY)]
        records.append(
            SocialInsuranceRecord(
                person_id=person,
                quarter=quarter,
                credit_code=_code(rng, region),
                employer_name=f"{city}{trade}集团",
                kind=InsuranceKind.PENSION,
                months=3,
                base=Decimal(rng.randrange(40, 60) * 100),
                region=region,
                created_by=actor,
            )
        )
    return records


def load_demo(*, county: Area, today: dt.date, actor: Any) -> dict[str, int]:
    """Create this app's demo data for the county (run once; a second run adds nothing the ledger
    already has and recomputes only unapproved claims). `actor`: a county administrator."""
    rng = random.Random(SEED)  # noqa: S311 demo data, not a secret
    lo, hi = subtree_range(county.code, Level.COUNTY)
    year = today.year - 1
    rules = _rule(county, today)
    employers = _employers(county, rng)
    candidates = _candidates(lo, hi, dt.date(year, 12, 31), ["out_of_poverty"])
    rng.shuffle(candidates)
    n = max(1, min(150, len(candidates) // 20)) if candidates else 0
    migrants, unrecorded = candidates[:n], candidates[n : n + max(1, n // 10)]
    spells = _spells(rng, migrants, employers, year, actor)
    Spell.objects.bulk_create(spells)
    SocialInsuranceRecord.objects.bulk_create(
        _records(rng, spells, unrecorded, today, actor), ignore_conflicts=True
    )
    run = transport_compute(actor=actor, area=county, year=year)
    approved = paid = 0
    villages = sorted(
        TransportSubsidyClaim.objects.filter(year=year, village_id__gte=lo, village_id__lt=hi)
        .values_list("village_id", flat=True)
        .distinct()
    )
    for village in villages[: max(1, len(villages) * 2 // 3)]:
        approved += transport_claims_approve(actor=actor, village=village, year=year)
    for village in villages[: max(1, len(villages) // 3)]:
        claims = TransportSubsidyClaim.objects.filter(
            year=year, village_id=village, status=ClaimStatus.APPROVED
        )
        paid_on = min(today, dt.date(year + 1, 1, 20))
        paid += claims.update(
            status=ClaimStatus.PAID,
            paid_on=paid_on,
            paid_amount=F("amount"),
            payment_reference=f"DEMO-BANK-{village}",
            paid_by=actor,
        )
    return {
        "rules": rules,
        "employers": len(employers),
        "spells": len(spells),
        "insurance_records": SocialInsuranceRecord.objects.filter(
            Q(person_id__in=[p for p, _v in migrants]) | Q(person_id__in=[p for p, _v in unrecorded])
        ).count(),
        "claims": run.counts.get("claims", 0),
        "approved": approved,
        "paid": paid,
    }
