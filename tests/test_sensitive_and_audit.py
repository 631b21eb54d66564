"""Sensitive fields are masked except for roles that need them; every view of them is audited;
every registry change is recorded with its actor."""

import datetime as dt

from auditlog.models import LogEntry
from django.test import Client

from lnob.registry import services
from lnob.registry.models import Membership, Person
from tests.personas import person


def login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def head_of(hh) -> Person:  # type: ignore[no-untyped-def]
    return Membership.objects.get(household=hh, relation="head").person


def test_person_page_masks_the_id_until_revealed_and_the_reveal_is_audited(world, households):
    head = head_of(households["v1"])
    c = login(world.zx_cadre1)
    page = c.get(f"/persons/{head.pk}/").content.decode()
    assert head.id_number not in page
    assert head.id_number[:6] in page  # masked form keeps the birthplace
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()

    revealed = c.post(f"/persons/{head.pk}/reveal/").content.decode()
    assert head.id_number in revealed
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == world.zx_cadre1
    assert entry.additional_data["person"] == head.pk
    assert set(entry.additional_data["fields"]) == {"id_number", "phone", "bank_account", "health"}


def test_auditor_sees_masked_fields_and_cannot_reveal(world, households):
    head = head_of(households["v1"])
    c = login(world.zx_auditor)
    assert head.id_number not in c.get(f"/persons/{head.pk}/").content.decode()
    assert c.post(f"/persons/{head.pk}/reveal/").status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_household_pages_never_show_id_numbers(world, households):
    head = head_of(households["v1"])
    page = login(world.zx_admin).get(f"/households/{households['v1'].number}/").content.decode()
    assert head.id_number not in page


def test_api_reveal_is_audited_and_denied_to_auditors(world, households):
    head = head_of(households["v1"])
    masked = login(world.zx_auditor).get(f"/api/v1/persons/{head.pk}?reveal=true").json()
    assert masked["revealed"] is False and masked["id_number"] != head.id_number
    shown = login(world.zx_township).get(f"/api/v1/persons/{head.pk}?reveal=true").json()
    assert shown["revealed"] is True and shown["id_number"] == head.id_number
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=world.zx_township).count() == 1


def test_changes_are_logged_with_actor_and_sensitive_values_masked(world, households):
    head = head_of(households["v1"])
    services.person_update(
        actor=world.zx_cadre1, person=head, effective=dt.date(2025, 1, 1), phone="13912345678"
    )
    entries = LogEntry.objects.filter(additional_data__person=head.pk, action=LogEntry.Action.CREATE)
    assert entries.exists() and all(e.actor == world.zx_cadre1 for e in entries)
    new_version = entries.filter(content_type__model="personversion").latest("timestamp")
    assert "13912345678" not in str(new_version.changes)


def test_audit_trail_browsing_is_for_auditors_and_admins_in_their_area(world, households):
    services.member_add(
        actor=world.zx_cadre1,
        household=households["v1"],
        person=person("20100101", name="小红"),
        relation="child",
        joined=dt.date(2020, 2, 1),
    )
    services.member_add(
        actor=world.wz_cadre,
        household=households["wz"],
        person=person("20100101", name="小绿"),
        relation="child",
        joined=dt.date(2020, 2, 1),
    )
    zx = login(world.zx_auditor).get("/audit/").content.decode()
    assert "小红" in zx and "小绿" not in zx
    assert "小绿" in login(world.wz_admin).get("/audit/").content.decode()
    cadre_view = login(world.zx_cadre1).get("/audit/").content.decode()
    assert "小红" not in cadre_view


def test_audit_trail_filters_by_person_user_and_date(world, households):
    kid = services.member_add(
        actor=world.zx_cadre1,
        household=households["v1"],
        person=person("20100101", name="小红"),
        relation="child",
        joined=dt.date(2020, 2, 1),
    )
    c = login(world.zx_admin)
    by_person = c.get("/audit/", {"person": kid.person_id}).content.decode()
    assert "小红" in by_person and "户主" not in by_person.split("<tbody>")[1]
    assert "小红" in c.get("/audit/", {"actor": "zx_cadre1"}).content.decode()
    assert "小红" not in c.get("/audit/", {"actor": "zx_cadre2"}).content.decode()
    assert "小红" not in c.get("/audit/", {"date_to": "2000-01-01"}).content.decode()


def test_household_page_shows_its_own_audit_trail(world, households):
    page = login(world.zx_cadre1).get(f"/households/{households['v1'].number}/").content.decode()
    assert "zx_cadre1" in page  # the creating actor is named in the household's trail


def test_a_new_persons_creation_is_in_the_auditors_trail(world, households):
    kid = services.member_add(
        actor=world.zx_cadre1,
        household=households["v1"],
        person=person("20100101", name="小蓝"),
        relation="child",
        joined=dt.date(2020, 2, 1),
    )
    created = LogEntry.objects.get(content_type__model="person", object_pk=str(kid.person_id))
    assert created.additional_data["area"] == households["v1"].village_id
    assert "小蓝" in login(world.zx_auditor).get("/audit/", {"person": kid.person_id}).content.decode()


def test_change_log_lists_only_the_records_own_fields(world, households):
    entry = LogEntry.objects.get(content_type__model="household", object_pk=str(households["v1"].pk))
    assert set(entry.changes_dict) <= {"id", "number", "village", "created_at"}
    assert "shocks" not in entry.changes_dict and "versions" not in entry.changes_dict
