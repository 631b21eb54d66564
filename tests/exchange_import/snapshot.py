"""The registry of a county as plain sorted rows keyed by what people use (household numbers,
ID numbers), not database ids: two registries built differently compare equal when they hold the
same facts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection

from lnob.areas.codes import Level, subtree_range

HOUSEHOLDS = "SELECT h.id FROM registry_household h WHERE h.village_id >= %s AND h.village_id < %s"


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return sorted(tuple(_plain(v) for v in row) for row in rows)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | float):
        return f"{float(value):.2f}"
    if value is None:
        return ""
    return str(value)


def registry_snapshot(county: int) -> dict[str, list[tuple[Any, ...]]]:
    lo, hi = subtree_range(county, Level.COUNTY)
    span = [lo, hi]
    members = f"SELECT person_id FROM registry_membership WHERE household_id IN ({HOUSEHOLDS})"  # noqa: S608
    return {
        "areas": _rows(
            "SELECT code, name, parent_id, level FROM areas_area WHERE code > %s AND code < %s", span
        ),
        "households": _rows(
            "SELECT h.number, h.village_id, v.valid_from, v.status, v.left_poverty_year, "
            "v.housing_safe, v.water_safe, v.contact_phone FROM registry_household h "
            "JOIN registry_householdversion v ON v.household_id = h.id AND v.valid_to IS NULL "
            "WHERE h.village_id >= %s AND h.village_id < %s",
            span,
        ),
        "persons": _rows(
            "SELECT p.id_number, p.name, p.sex, p.birth_date, v.ethnicity, v.education, "  # noqa: S608
            "v.enrolment, v.health, v.disability_grade, v.labour_override, v.labour_override_reason, "
            "v.skills, v.certificates, "
            "v.phone, v.bank_account FROM registry_person p JOIN registry_personversion v "
            f"ON v.person_id = p.id AND v.valid_to IS NULL WHERE p.id IN ({members})",
            span,
        ),
        "memberships": _rows(
            "SELECT p.id_number, h.number, m.relation, m.joined, m.join_reason, m.left, m.leave_reason "
            "FROM registry_membership m JOIN registry_person p ON p.id = m.person_id "
            "JOIN registry_household h ON h.id = m.household_id "
            "WHERE h.village_id >= %s AND h.village_id < %s",
            span,
        ),
        **{
            name: _rows(
                f"SELECT h.number, p.id_number, {columns} FROM {table} r "  # noqa: S608
                "JOIN registry_household h ON h.id = r.household_id "
                "LEFT JOIN registry_person p ON p.id = r.person_id "
                "WHERE h.village_id >= %s AND h.village_id < %s",
                span,
            )
            for name, table, columns in (
                (
                    "incomes",
                    "registry_incomerecord",
                    "r.period_start, r.period_end, r.source, r.transfer_type, r.amount, r.note",
                ),
                (
                    "expenditures",
                    "registry_expenditure",
                    "r.period_start, r.period_end, r.type, r.amount, r.note",
                ),
                ("shocks", "registry_shock", "r.date, r.risk_type_id, r.note"),
                (
                    "alerts",
                    "registry_alert",
                    "r.department, r.kind, r.date, r.amount, r.grade, r.reference, r.note",
                ),
            )
        },
    }
