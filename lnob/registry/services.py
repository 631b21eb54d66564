"""Writes to the registry: one function per action, keyword-only, transactional, validating.

Each raises DomainError naming the field and value when the input is wrong, and then nothing is
saved. Each checks that the actor may edit the household's village; a household outside the
actor's areas is NotFound. Changes are recorded by django-auditlog with the actor set here, so
the command line and the API are attributed the same way as the web.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db import IntegrityError, transaction

from lnob.areas.codes import Level
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.auditctx import audit_area
from lnob.core.errors import DomainError, Msg, NotFound

from .models import (
    Expenditure,
    Household,
    HouseholdStatus,
    HouseholdVersion,
    IncomeRecord,
    IncomeSource,
    Membership,
    Person,
    PersonVersion,
    Relation,
    RiskType,
    Sex,
    Shock,
)
from .selectors import today
from .validation import check_amount, check_ethnicity, check_period, parse_resident_id

PERSON_VERSION_FIELDS = (
    "ethnicity",
    "education",
    "enrolment",
    "health",
    "disability_grade",
    "labour_override",
    "labour_override_reason",
    "skills",
    "certificates",
    "phone",
    "bank_account",
)
HOUSEHOLD_VERSION_FIELDS = ("status", "left_poverty_year", "housing_safe", "water_safe", "contact_phone")


@dataclass
class PersonData:
    """What a form, the API or an import row gives us about a person."""

    id_number: str
    name: str
    ethnicity: str = "汉族"
    education: str = "junior"
    enrolment: str = "not_in_school"
    health: str = "healthy"
    disability_grade: int | None = None
    labour_override: str = ""
    labour_override_reason: str = ""
    skills: str = ""
    certificates: str = ""
    phone: str = ""
    bank_account: str = ""
    sex: str | None = None  # optional cross-check against the ID
    birth_date: dt.date | None = None  # optional cross-check against the ID


def _editable(actor: Any, household: Household) -> None:
    if not can(actor, Capability.EDIT_REGISTRY, household.village_id):
        raise NotFound(household.number)


def _check_village(actor: Any, village: Area) -> None:
    if village.level != Level.VILLAGE:
        raise DomainError("village", village.code_text, Msg.NOT_A_VILLAGE)
    if not can(actor, Capability.EDIT_REGISTRY, village.code):
        raise DomainError("village", village.code_text, Msg.OUT_OF_SCOPE)


def _check_household_fields(data: dict[str, Any]) -> None:
    status, year = data.get("status"), data.get("left_poverty_year")
    if status not in HouseholdStatus.values:
        raise DomainError("status", status, Msg.UNKNOWN_CODE)
    if year is not None and status != HouseholdStatus.OUT_OF_POVERTY:
        raise DomainError("left_poverty_year", year, Msg.LEFT_YEAR_ONLY_OUT_OF_POVERTY)
    if year is not None and not 2013 <= int(year) <= today().year:
        raise DomainError("left_poverty_year", year, Msg.YEAR_RANGE)


def _check_person(data: PersonData) -> tuple[str, str, dt.date]:
    number, sex, birth = parse_resident_id(data.id_number)
    if data.sex and data.sex != sex:
        raise DomainError("sex", data.sex, Msg.ID_SEX_MISMATCH.format(expected=Sex(sex).label))
    if data.birth_date and data.birth_date != birth:
        raise DomainError(
            "birth_date", data.birth_date, Msg.ID_BIRTH_MISMATCH.format(expected=birth.isoformat())
        )
    if not data.name.strip():
        raise DomainError("name", data.name, Msg.REQUIRED)
    data.ethnicity = check_ethnicity(data.ethnicity)
    if data.disability_grade is not None and not 1 <= int(data.disability_grade) <= 4:
        raise DomainError("disability_grade", data.disability_grade, Msg.DISABILITY_GRADE)
    if data.labour_override and not data.labour_override_reason.strip():
        raise DomainError("labour_override_reason", data.labour_override_reason, Msg.OVERRIDE_NEEDS_REASON)
    return number, sex, birth


def _overlaps(qs: Any, start: dt.date, end: dt.date | None) -> Any:
    """Rows of qs whose [joined, left) interval meets [start, end)."""
    qs = qs.exclude(left__isnull=False, left__lte=start)
    return qs if end is None else qs.filter(joined__lt=end)


@transaction.atomic
def household_create(
    *,
    actor: Any,
    number: str,
    village: Area,
    head: PersonData,
    status: str = HouseholdStatus.ORDINARY,
    left_poverty_year: int | None = None,
    housing_safe: bool = True,
    water_safe: bool = True,
    contact_phone: str = "",
    effective: dt.date | None = None,
) -> Household:
    """Register a household with its head. A household never exists without a head."""
    _check_village(actor, village)
    number = number.strip()
    if not number:
        raise DomainError("number", number, Msg.REQUIRED)
    if Household.objects.filter(number=number).exists():
        raise DomainError("number", number, Msg.HOUSEHOLD_NUMBER_TAKEN)
    fields = {"status": status, "left_poverty_year": left_poverty_year}
    _check_household_fields(fields)
    day = effective or today()
    with set_actor(actor):
        try:
            with transaction.atomic():
                household = Household.objects.create(number=number, village=village)
        except IntegrityError:  # registered by someone else a moment ago
            raise DomainError("number", number, Msg.HOUSEHOLD_NUMBER_TAKEN) from None
        HouseholdVersion.objects.create(
            household=household,
            valid_from=day,
            status=status,
            left_poverty_year=left_poverty_year,
            housing_safe=housing_safe,
            water_safe=water_safe,
            contact_phone=contact_phone.strip(),
        )
        member_add(actor=actor, household=household, person=head, relation=Relation.HEAD, joined=day)
    return household


@transaction.atomic
def household_update(
    *, actor: Any, household: Household, effective: dt.date, **changes: Any
) -> HouseholdVersion:
    """Change status, safety or contact from `effective` on; the earlier version is kept."""
    _editable(actor, household)
    unknown = set(changes) - set(HOUSEHOLD_VERSION_FIELDS)
    if unknown:
        raise DomainError(sorted(unknown)[0], None, Msg.UNKNOWN_FIELD)
    current = HouseholdVersion.objects.select_for_update().get(household=household, valid_to__isnull=True)
    data = {f: getattr(current, f) for f in HOUSEHOLD_VERSION_FIELDS} | changes
    if data["status"] != HouseholdStatus.OUT_OF_POVERTY:
        data["left_poverty_year"] = changes.get("left_poverty_year")
    _check_household_fields(data)
    return _new_version(actor, HouseholdVersion, current, {"household": household}, data, effective)


def _new_version(
    actor: Any, model: Any, current: Any, owner: dict[str, Any], data: dict[str, Any], day: dt.date
) -> Any:
    """Close `current` on `day` and open a new version, or amend it if it starts that same day."""
    if day < current.valid_from:
        raise DomainError("effective", day, Msg.VERSION_BEFORE_CURRENT.format(date=current.valid_from))
    with set_actor(actor):
        if day == current.valid_from:
            for name, value in data.items():
                setattr(current, name, value)
            current.save(update_fields=list(data))
            return current
        current.valid_to = day
        current.save(update_fields=["valid_to"])
        return model.objects.create(**owner, valid_from=day, **data)


@transaction.atomic
def person_update(*, actor: Any, person: Person, effective: dt.date, **changes: Any) -> PersonVersion:
    """Change a person's attributes from `effective` on; the earlier version is kept."""
    household = Household.objects.filter(memberships__person=person).order_by("-memberships__joined").first()
    if household is None:
        raise NotFound(person.pk)
    _editable(actor, household)
    unknown = set(changes) - set(PERSON_VERSION_FIELDS) - {"name"}
    if unknown:
        raise DomainError(sorted(unknown)[0], None, Msg.UNKNOWN_FIELD)
    current = PersonVersion.objects.select_for_update().get(person=person, valid_to__isnull=True)
    merged = PersonData(
        id_number=person.id_number,
        name=changes.pop("name", person.name),
        **({f: getattr(current, f) for f in PERSON_VERSION_FIELDS} | changes),
    )
    _check_person(merged)
    if merged.name != person.name:
        with set_actor(actor):
            person.name = merged.name
            person.save(update_fields=["name"])
    data = {f: getattr(merged, f) for f in PERSON_VERSION_FIELDS}
    return _new_version(actor, PersonVersion, current, {"person": person}, data, effective)


@transaction.atomic
def member_add(
    *,
    actor: Any,
    household: Household,
    person: PersonData,
    relation: str,
    joined: dt.date,
    join_reason: str = "registered",
) -> Membership:
    """Add a person to a household from `joined` on, registering them first if they are new."""
    _editable(actor, household)
    number, sex, birth = _check_person(person)
    if relation not in Relation.values:
        raise DomainError("relation", relation, Msg.UNKNOWN_CODE)
    if joined < birth:
        raise DomainError("joined", joined, Msg.BEFORE_BIRTH)
    Household.objects.select_for_update().filter(
        pk=household.pk
    ).first()  # serialise writers of this household
    existing = Person.objects.filter(id_number=number).first()
    with set_actor(actor), audit_area(household.village_id):
        if existing is None:
            existing = Person.objects.create(
                id_number=number, name=person.name.strip(), sex=sex, birth_date=birth
            )
            PersonVersion.objects.create(
                person=existing,
                valid_from=max(joined, birth),
                **{f: getattr(person, f) for f in PERSON_VERSION_FIELDS},
            )
        return _membership_open(household, existing, relation, joined, join_reason)


def _membership_open(
    household: Household, person: Person, relation: str, joined: dt.date, join_reason: str
) -> Membership:
    clash = (
        _overlaps(Membership.objects.filter(person=person), joined, None).select_related("household").first()
    )
    if clash:
        raise DomainError(
            "id_number",
            person.id_number,
            Msg.OVERLAPPING_MEMBERSHIP.format(household=clash.household.number, joined=clash.joined),
        )
    if relation == Relation.HEAD:
        head = _overlaps(Membership.objects.filter(household=household, relation=Relation.HEAD), joined, None)
        other = head.select_related("person").first()
        if other:
            raise DomainError("relation", relation, Msg.SECOND_HEAD.format(name=other.person.name))
    return Membership.objects.create(
        person=person, household=household, relation=relation, joined=joined, join_reason=join_reason
    )


@transaction.atomic
def member_leave(*, actor: Any, membership: Membership, left: dt.date, leave_reason: str) -> Membership:
    """End a membership. The head may leave only when nobody else remains (set a new head first)."""
    _editable(actor, membership.household)
    Household.objects.select_for_update().filter(pk=membership.household_id).first()  # as member_add does
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left is not None:
        raise DomainError("membership", membership.pk, Msg.NOT_OPEN)
    if left <= membership.joined:
        raise DomainError("left", left, Msg.LEFT_BEFORE_JOINED)
    if not leave_reason:
        raise DomainError("leave_reason", leave_reason, Msg.LEAVE_REASON_REQUIRED)
    if membership.relation == Relation.HEAD:
        others = Membership.objects.filter(household=membership.household, left__isnull=True).exclude(
            pk=membership.pk
        )
        if others.exists():
            raise DomainError("left", left, Msg.NO_HEAD.format(date=left))
    with set_actor(actor):
        membership.left = left
        membership.leave_reason = leave_reason
        membership.save(update_fields=["left", "leave_reason"])
    return membership


@transaction.atomic
def head_change(
    *,
    actor: Any,
    household: Household,
    new_head: Person,
    effective: dt.date,
    former_head_relation: str,
    former_head_leaves: str = "",
) -> Membership:
    """Make `new_head` the head from `effective`. The former head stays with a new relation, or
    leaves for the given reason (death, marriage, moved). Both memberships keep their history."""
    _editable(actor, household)
    if former_head_relation not in Relation.values or former_head_relation == Relation.HEAD:
        raise DomainError("former_head_relation", former_head_relation, Msg.UNKNOWN_CODE)
    Household.objects.select_for_update().filter(pk=household.pk).first()
    open_members = Membership.objects.filter(household=household, left__isnull=True)
    old = open_members.filter(relation=Relation.HEAD).first()
    incoming = open_members.filter(person=new_head).first()
    if incoming is None:
        raise DomainError("new_head", new_head.pk, Msg.NOT_A_MEMBER)
    if old is not None and old.person_id == new_head.pk:
        raise DomainError("new_head", new_head.pk, Msg.ALREADY_HEAD)
    with set_actor(actor):
        if old is not None:
            _close(old, effective, former_head_leaves or "other")
            if not former_head_leaves:
                Membership.objects.create(
                    person=old.person,
                    household=household,
                    relation=former_head_relation,
                    joined=effective,
                    join_reason="other",
                )
        _close(incoming, effective, "other")
        return Membership.objects.create(
            person=new_head,
            household=household,
            relation=Relation.HEAD,
            joined=effective,
            join_reason="other",
        )


def _close(m: Membership, day: dt.date, reason: str) -> None:
    if day <= m.joined:
        raise DomainError("effective", day, Msg.LEFT_BEFORE_JOINED)
    m.left = day
    m.leave_reason = reason
    m.save(update_fields=["left", "leave_reason"])


def _member_of(household: Household, person: Person | None, start: dt.date, end: dt.date) -> None:
    """The person, if named, belonged to the household at some time in [start, end] (closed)."""
    if person is None:
        return
    during = _overlaps(
        Membership.objects.filter(household=household, person=person), start, end + dt.timedelta(days=1)
    )
    if not during.exists():
        raise DomainError("person", person.pk, Msg.NOT_A_MEMBER)


@transaction.atomic
def income_record(
    *,
    actor: Any,
    household: Household,
    period_start: dt.date,
    period_end: dt.date,
    source: str,
    amount: Decimal,
    transfer_type: str = "",
    person: Person | None = None,
    note: str = "",
) -> IncomeRecord:
    _editable(actor, household)
    if source not in IncomeSource.values:
        raise DomainError("source", source, Msg.UNKNOWN_CODE)
    if source == IncomeSource.TRANSFER and not transfer_type:
        raise DomainError("transfer_type", transfer_type, Msg.TRANSFER_TYPE_REQUIRED)
    if source != IncomeSource.TRANSFER and transfer_type:
        raise DomainError("transfer_type", transfer_type, Msg.TRANSFER_TYPE_FORBIDDEN)
    check_amount(amount)
    check_period(period_start, period_end)
    _member_of(household, person, period_start, period_end)
    with set_actor(actor):
        return IncomeRecord.objects.create(
            household=household,
            person=person,
            period_start=period_start,
            period_end=period_end,
            source=source,
            transfer_type=transfer_type,
            amount=amount,
            note=note,
        )


@transaction.atomic
def expenditure_record(
    *,
    actor: Any,
    household: Household,
    period_start: dt.date,
    period_end: dt.date,
    type: str,
    amount: Decimal,
    person: Person | None = None,
    note: str = "",
) -> Expenditure:
    from .choices import ExpenditureType

    _editable(actor, household)
    if type not in ExpenditureType.values:
        raise DomainError("type", type, Msg.UNKNOWN_CODE)
    check_amount(amount)
    check_period(period_start, period_end)
    _member_of(household, person, period_start, period_end)
    with set_actor(actor):
        return Expenditure.objects.create(
            household=household,
            person=person,
            period_start=period_start,
            period_end=period_end,
            type=type,
            amount=amount,
            note=note,
        )


@transaction.atomic
def shock_record(
    *,
    actor: Any,
    household: Household,
    date: dt.date,
    risk_type: str,
    person: Person | None = None,
    note: str = "",
) -> Shock:
    _editable(actor, household)
    kind = RiskType.objects.filter(code=risk_type, active=True).first()
    if kind is None:
        raise DomainError("risk_type", risk_type, Msg.UNKNOWN_RISK_TYPE)
    if date > today():
        raise DomainError("date", date, Msg.IN_FUTURE)
    _member_of(household, person, date, date)
    with set_actor(actor):
        return Shock.objects.create(household=household, person=person, date=date, risk_type=kind, note=note)
