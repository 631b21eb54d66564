"""Input and output schemas of the API, one per endpoint. Field rules (a valid ID, a
non-negative amount, a period in order) are checked once, by the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from lnob.registry.selectors import HouseholdView, PersonView


class HouseholdFilters(Schema):
    q: str = ""
    area: int | None = None
    status: str = ""
    housing_safe: bool | None = None
    water_safe: bool | None = None
    as_of: dt.date | None = None


class HouseholdRow(Schema):
    number: str
    village_id: int
    status: str | None
    head_name: str | None
    member_count: int | None
    housing_safe: bool | None
    water_safe: bool | None


class MemberOut(Schema):
    person_id: int
    name: str
    relation: str
    joined: dt.date
    left: dt.date | None
    age: int | None = None
    labour_capacity: str | None = None


class AlertOut(Schema):
    """A department alert kept on the household (部门预警)."""

    date: dt.date
    department: str
    kind: str
    person_id: int
    person_name: str
    amount: float | None
    grade: int | None
    reference: str


class HouseholdOut(Schema):
    number: str
    village: int
    as_of: dt.date
    status: str | None
    left_poverty_year: int | None
    housing_safe: bool | None
    water_safe: bool | None
    members: list[MemberOut]
    history: list[MemberOut]
    # alerts about health only for roles that may see health data (each showing audited);
    # `alerts_hidden` counts the others
    alerts: list[AlertOut] = []
    alerts_hidden: int = 0

    @classmethod
    def from_view(cls, v: HouseholdView) -> HouseholdOut:
        ver = v.version
        return cls(
            number=v.household.number,
            village=v.household.village_id,
            as_of=v.as_of,
            status=ver.status if ver else None,
            left_poverty_year=ver.left_poverty_year if ver else None,
            housing_safe=ver.housing_safe if ver else None,
            water_safe=ver.water_safe if ver else None,
            members=[
                MemberOut(
                    person_id=r.person.pk,
                    name=r.person.name,
                    relation=r.membership.relation,
                    joined=r.membership.joined,
                    left=r.membership.left,
                    age=r.age,
                    labour_capacity=r.labour_capacity,
                )
                for r in v.members
            ],
            history=[
                MemberOut(
                    person_id=m.person_id,
                    name=m.person.name,
                    relation=m.relation,
                    joined=m.joined,
                    left=m.left,
                )
                for m in v.history
            ],
            alerts=[
                AlertOut(
                    date=a.date,
                    department=a.department,
                    kind=a.kind,
                    person_id=a.person_id,
                    person_name=a.person.name,
                    amount=float(a.amount) if a.amount is not None else None,
                    grade=a.grade,
                    reference=a.reference,
                )
                for a in v.alerts
            ],
            alerts_hidden=v.alerts_hidden,
        )


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date
    age: int
    labour_capacity: str
    household: str | None
    id_number: str
    phone: str
    bank_account: str
    health: str
    revealed: bool

    @classmethod
    def from_view(cls, v: PersonView, *, revealed: bool) -> PersonOut:
        ver = v.version
        clear: dict[str, Any] = {
            "id_number": v.person.id_number,
            "phone": ver.phone if ver else "",
            "bank_account": ver.bank_account if ver else "",
            "health": ver.health if ver else "",
        }
        return cls(
            id=v.person.pk,
            name=v.person.name,
            sex=v.person.sex,
            birth_date=v.person.birth_date,
            age=v.age,
            labour_capacity=v.labour_capacity,
            household=v.household.number if v.household else None,
            revealed=revealed,
            **(clear if revealed else v.masked),
        )


class PersonIn(Schema):
    id_number: str = Field(examples=["53062720050101001X"])
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
    sex: str | None = None
    birth_date: dt.date | None = None


class HouseholdIn(Schema):
    number: str
    village: int = Field(description="12-digit village code")
    status: str = "ordinary"
    left_poverty_year: int | None = None
    housing_safe: bool = True
    water_safe: bool = True
    contact_phone: str = ""
    effective: dt.date | None = None
    head: PersonIn


class MemberIn(Schema):
    person: PersonIn
    relation: str
    joined: dt.date
    join_reason: str = "registered"


class MembershipOut(Schema):
    id: int
    person_id: int
    household_id: int
    relation: str
    joined: dt.date


class _Money(Schema):
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    person: int | None = None
    note: str = ""


class IncomeIn(_Money):
    source: str
    transfer_type: str = ""


class ExpenditureIn(_Money):
    type: str


class ShockIn(Schema):
    date: dt.date
    risk_type: str
    person: int | None = None
    note: str = ""


class CreatedOut(Schema):
    id: int


class ImportOut(Schema):
    id: int
    status: str
    as_of: dt.date
    files: list[dict[str, Any]]
    created_by: str
    created_at: dt.datetime
    counts: dict[str, int]
    tables: dict[str, dict[str, Any]]
    progress: dict[str, Any]
    error: str
    committed_at: dt.datetime | None
    mode: str
    error_files: list[str]

    @classmethod
    def from_batch(cls, b: Any, user: Any) -> ImportOut:
        from lnob.exchange.errorfile import error_tables
        from lnob.exchange.views_import import may_download_errors

        return cls(
            id=b.pk,
            status=b.status,
            as_of=b.as_of,
            files=[{"name": f["name"], "size": f["size"], "sha256": f["sha256"]} for f in b.files],
            created_by=str(b.created_by),
            created_at=b.created_at,
            counts=b.counts,
            tables=b.summary.get("tables", {}),
            progress=b.progress() if b.running else {},
            error=b.error,
            committed_at=b.committed_at,
            mode=b.mode,
            error_files=[
                f"/exchange/imports/{b.pk}/errors/{t}"
                for t in error_tables(b)
                if may_download_errors(user, b, t)
            ],
        )


class ImportIssue(Schema):
    table: str
    file: str
    row: int
    column: str
    value: str | None
    message: str
    severity: str


class ImportCommitIn(Schema):
    valid_only: bool = False
