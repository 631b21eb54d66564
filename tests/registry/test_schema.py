"""The invariants the database itself keeps, present on whichever database runs the suite: a
migration that drops them (as Django's PostgreSQL schema editor does when a foreign key loses its
own index) must fail here, not in production."""

from __future__ import annotations

import pytest
from django.db import connection

EXPECTED = {
    "registry_householdversion": {"household_one_open_version"},
    "registry_personversion": {"person_one_open_version"},
    "registry_membership": {"membership_one_open_per_person", "membership_one_open_head"},
}


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_partial_unique_constraints_exist(db, table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    unique = {name for name, c in constraints.items() if c["unique"]}
    assert EXPECTED[table] <= unique


def test_foreign_keys_keep_only_their_composite_indexes(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "registry_membership")
    single = [
        c["columns"]
        for c in constraints.values()
        if c["index"] and not c["unique"] and len(c["columns"]) == 1
    ]
    assert ["person_id"] not in single and ["household_id"] not in single
    composite = [c["columns"] for c in constraints.values() if c["index"] and len(c["columns"]) == 2]
    assert ["household_id", "joined"] in composite and ["person_id", "joined"] in composite
