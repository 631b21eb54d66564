"""Social-insurance evidence against the ledger (§6 of the policy reference: records are compared
quarterly with social-insurance data).

For a quarter and an area, two lists, read in bulk (a handful of queries whatever the size):
- **evidence of work not in the ledger**: contributions paid for a person in the quarter while the
  ledger shows no spell in work on any day of it (not employed, unable, or nothing recorded). The
  cadre records a spell, prefilled from the evidence, with one click;
- **employed without contributions**: the ledger shows the person employed by an employer on the
  county's list in the quarter, and no contribution came. Informational only: many migrant jobs
  carry no insurance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet

from lnob.areas.codes import Level, level_of, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, covers
from lnob.core.errors import NotFound
from lnob.employment.models import IN_WORK, Spell, SpellStatus
from lnob.employment.services import county_of
from lnob.registry.models import Membership, Person
from lnob.registry.selectors import member_on, person_area, today

from .models import SocialInsuranceRecord


def quarter_end(quarter: dt.date) -> dt.date:
    nxt = dt.date(quarter.year + (quarter.month + 3 > 12), (quarter.month + 2) % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _members(lo: int, hi: int, day: dt.date) -> QuerySet[Membership]:
    return Membership.objects.filter(
        member_on(day), household__village_id__gte=lo, household__village_id__lt=hi
    )


def _window(quarter: dt.date, day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    return quarter, min(quarter_end(quarter), day or quarter_end(quarter), today())


def _working(persons: Any, first: dt.date, last: dt.date) -> QuerySet[Spell]:
    """Spells in work (full- or part-time) of `persons` sharing a day with [first, last]."""
    return Spell.objects.filter(person_id__in=persons, status__in=list(IN_WORK), start__lte=last).filter(
        Q(end__isnull=True) | Q(end__gte=first)
    )


def evidence_frame(lo: int, hi: int, quarter: dt.date, day: dt.date | None = None) -> pl.DataFrame:
    """The people of the villages in [lo, hi) with contributions in the quarter: person_id,
    village, and whether the ledger shows them in work on a day of it (up to `day`)."""
    first, last = _window(quarter, day)
    members = _members(lo, hi, last)
    insured = (
        SocialInsuranceRecord.objects.filter(quarter=quarter, person_id__in=members.values("person_id"))
        .values_list("person_id", flat=True)
        .distinct()
    )
    homes = members.filter(person_id__in=insured).values_list("person_id", "household__village_id")
    working = set(_working(insured, first, last).values_list("person_id", flat=True))
    return pl.DataFrame(
        [(p, v, p in working) for p, v in homes],
        schema={"person_id": pl.Int64, "village": pl.Int64, "in_work": pl.Boolean},
        orient="row",
    )


@dataclass
class EvidenceRow:
    person_id: int
    name: str
    household_number: str
    village: int
    ledger: str  # what the ledger shows at the quarter's end (or "" for nothing)
    records: list[SocialInsuranceRecord] = field(default_factory=list)


@dataclass
class NoInsuranceRow:
    person_id: int
    name: str
    household_number: str
    village: int
    spell: Spell


@dataclass
class Differences:
    quarter: dt.date
    area: int
    not_in_ledger: list[EvidenceRow]
    no_contributions: list[NoInsuranceRow]
    insured: int  # people with contributions in the quarter


def differences(*, user: Any, area: int, quarter: dt.date) -> Differences:
    """The quarter's differences between the evidence and the ledger in an area (a village, a
    township or the county) the user edits; NotFound outside it. Six queries whatever the size."""
    # the evidence is personal (employers, contribution bases): only for those who may see
    # personal fields in the whole area, and every listing is audited (below)
    if not can(user, Capability.EDIT_REGISTRY, area) or not covers(
        user, Capability.VIEW_SENSITIVE, area, level_of(area)
    ):
        raise NotFound(area)
    lo, hi = subtree_range(area, level_of(area))
    first, last = _window(quarter)
    members = _members(lo, hi, last)
    records = list(
        SocialInsuranceRecord.objects.filter(
            quarter=quarter, person_id__in=members.values("person_id")
        ).order_by("person_id", "credit_code", "kind")
    )
    insured = {r.person_id for r in records}
    spells = list(
        _working(members.values("person_id"), first, last)
        .select_related("employer")
        .order_by("person_id", "start")
    )
    working = {s.person_id for s in spells}
    missing = insured - working
    employed = {
        s.person_id: s
        for s in spells
        if s.status == SpellStatus.EMPLOYED and s.employer_id is not None and s.person_id not in insured
    }
    homes = {
        m.person_id: m
        for m in members.filter(person_id__in=sorted(missing | set(employed))).select_related(
            "person", "household"
        )
    }
    ledger = dict(
        Spell.objects.filter(person_id__in=sorted(missing), full_time=True, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=last))
        .values_list("person_id", "status")
    )
    labels = dict(SpellStatus.choices)
    by_person: dict[int, list[SocialInsuranceRecord]] = {}
    for r in records:
        by_person.setdefault(r.person_id, []).append(r)
    not_in_ledger = [
        EvidenceRow(
            p,
            homes[p].person.name,
            homes[p].household.number,
            homes[p].household.village_id,
            str(labels.get(ledger.get(p, ""), "")),
            by_person[p],
        )
        for p in sorted(missing, key=lambda p: (homes[p].household.number, p))
        if p in homes
    ]
    no_contributions = [
        NoInsuranceRow(p, homes[p].person.name, homes[p].household.number, homes[p].household.village_id, s)
        for p, s in sorted(employed.items(), key=lambda kv: (homes[kv[0]].household.number, kv[0]))
        if p in homes
    ]
    shown = sorted({r.person_id for r in not_in_ledger} | {r.person_id for r in no_contributions})
    if shown:
        from lnob.core.sensitive import log_access

        log_access(
            actor=user,
            instance=Area.objects.get(code=area),
            changes={"social_insurance": [quarter.isoformat(), f"{len(shown)} persons"]},
            additional_data={"area": area, "fields": ["social_insurance"], "persons": shown},
        )
    return Differences(quarter, area, not_in_ledger, no_contributions, len(insured))


def person_evidence(*, user: Any, person_id: int) -> list[SocialInsuranceRecord]:
    """A person's contributions, newest first, for roles that may see sensitive fields where the
    person lives; NotFound otherwise."""
    village = person_area(person_id)
    if village is None or not can(user, Capability.VIEW_SENSITIVE, village):
        raise NotFound(person_id)
    if not Person.objects.visible_to(user).filter(pk=person_id).exists():
        raise NotFound(person_id)
    return list(
        SocialInsuranceRecord.objects.filter(person_id=person_id)
        .select_related("employer")
        .order_by("-quarter", "credit_code", "kind")
    )


def record_get(*, user: Any, pk: int) -> SocialInsuranceRecord:
    """A record whose person the user may edit (to record a spell from it); NotFound otherwise."""
    record = SocialInsuranceRecord.objects.select_related("person", "employer").filter(pk=pk).first()
    village = None if record is None else person_area(record.person_id)
    if record is None or village is None or not can(user, Capability.EDIT_REGISTRY, village):
        raise NotFound(pk)
    return record


def region_name(code: int) -> str:
    """ "广东省东莞市" for 441900000000: the names of the code's province, prefecture and county."""
    level = level_of(code)
    chain = [
        subtree_range(code, lv)[0] for lv in (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY) if lv <= level
    ]
    names = dict(Area.objects.filter(code__in=chain).values_list("code", "name"))
    return "".join(names[c] for c in dict.fromkeys(chain) if c in names)


def region_names(codes: set[int]) -> dict[int, str]:
    """region_name for many codes at once (one query)."""
    chains = {
        code: [
            subtree_range(code, lv)[0]
            for lv in (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY)
            if lv <= level_of(code)
        ]
        for code in codes
    }
    names = dict(
        Area.objects.filter(code__in={c for chain in chains.values() for c in chain}).values_list(
            "code", "name"
        )
    )
    return {
        code: "".join(names[c] for c in dict.fromkeys(chain) if c in names) for code, chain in chains.items()
    }


def location_of(region: int, home_county: int) -> str:
    """The ledger's tier of work at `region` for a person of `home_county`."""
    if region // 10**10 != home_county // 10**10:
        return "out_of_province"
    if level_of(region) >= Level.COUNTY and county_of(region) == home_county:
        return "in_county"
    return "in_province"


def spell_prefill(record: SocialInsuranceRecord) -> dict[str, Any]:
    """A spell as the evidence suggests it: employed from the first month contributed (the last
    months of the quarter when only a count is known), where the contributing employer is, for
    the employer on the county's list with that code, at the contribution base as wage."""
    village = person_area(record.person_id) or 0
    months = [int(m) for m in record.month_list.split(",") if m] or list(
        range(record.quarter.month + 3 - record.months, record.quarter.month + 3)
    )
    return {
        "status": SpellStatus.EMPLOYED,
        "start": record.quarter.replace(month=min(months)),
        "location": location_of(record.region, county_of(village)),
        "destination": region_name(record.region)[:100],
        "employer": record.employer_id,
        "monthly_wage": record.base if record.base is None else Decimal(record.base),
        "full_time": True,
        "close_open": True,
        "note": f"{record.quarter_label} 社保缴费：{record.employer_name or record.credit_code}"[:200],
    }
