"""Workers join and leave a workshop as spells of the ledger (channel workshop); the roster is read
back from the ledger. A workshop manager does this for their own workshop only, finding people
by resident ID, and sees nothing else of the registry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lnob.areas.models import Area
from lnob.areas.roles import Role
from lnob.areas.services import role_assign
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment import services as ledger
from lnob.employment.models import Spell
from lnob.employment.workshops import services
from lnob.employment.workshops.models import WorkshopJob
from lnob.employment.workshops.selectors import roster
from tests.personas import PASSWORD, WZ_V1, ZX_V1
from tests.workshops.helpers import hire, make_worker

D = dt.date


def test_a_manager_records_a_worker_joining_as_a_spell_of_the_ledger(world, shop, manager, workers):
    job = hire(manager, shop, workers[0], D(2026, 3, 2), "2300")
    spell = Spell.objects.get(pk=job.spell_id)
    assert (spell.status, spell.channel, spell.location, spell.employer_id) == (
        "employed",
        "workshop",
        "in_county",
        shop.employer_id,
    )
    assert spell.monthly_wage == Decimal("2300") and spell.created_by == manager
    assert str(job) == f"{workers[0].name} · 石碾村竹编帮扶车间 · 2026-03-02"  # what a measure shows
    assert [(r.name, r.poor) for r in roster(shop, D(2026, 6, 1), viewer=None)] == [(workers[0].name, True)]


def test_a_manager_records_a_worker_leaving(world, shop, manager, workers):
    job = hire(manager, shop, workers[0], D(2026, 3, 2))
    services.worker_leave(actor=manager, workshop=shop, spell_id=job.spell_id, end=D(2026, 8, 31))
    assert Spell.objects.get(pk=job.spell_id).end == D(2026, 8, 31)
    assert roster(shop, D(2026, 9, 1), viewer=None) == []
    with pytest.raises(DomainError) as again:
        services.worker_leave(actor=manager, workshop=shop, spell_id=job.spell_id, end=D(2026, 9, 30))
    assert again.value.field == "end"


def test_a_person_not_registered_in_the_county_is_refused_with_the_reason(world, households, shop, manager):
    from lnob.employment.workshops.services import M
    from tests.workshops.helpers import head

    zhenxiong = head(households["v1"])
    for number in (zhenxiong.id_number, "11010519491231002X"):
        with pytest.raises(DomainError) as refused:
            services.worker_join(actor=manager, workshop=shop, id_number=number, start=D(2026, 3, 2))
        assert refused.value.field == "id_number" and refused.value.message == M.NOT_IN_COUNTY
        assert number not in str(refused.value.value)  # the ID is masked in the answer
    assert not Spell.objects.exists()


def test_an_open_spell_out_of_work_ends_and_a_job_elsewhere_is_an_overlap(world, shop, manager, workers):
    idle, busy = workers[0], workers[1]
    ledger.spell_record(actor=world.wz_cadre, person=idle, status="not_employed", start=D(2025, 1, 1))
    ledger.spell_record(
        actor=world.wz_cadre, person=busy, status="employed", location="out_of_province", start=D(2025, 1, 1)
    )
    hire(manager, shop, idle, D(2026, 3, 2))
    assert Spell.objects.get(person=idle, status="not_employed").end == D(2026, 3, 1)
    with pytest.raises(DomainError) as overlap:
        hire(manager, shop, busy, D(2026, 3, 2))
    # the manager sees no registry: the refusal does not tell what the other record is
    assert overlap.value.field == "start" and str(overlap.value.message) == str(Msg.OVERLAP_HIDDEN)
    assert "务工就业" in str(ledger.overlap_refusal(world.wz_admin, Spell.objects.get(person=busy)).message)


def test_the_roster_reads_a_spell_recorded_on_the_persons_page(world, shop, workers):
    """A cadre records a workshop job on the person's page: the employer runs one workshop, so it is
    on that workshop's roster; once the employer runs two, only spells tied to a workshop count."""
    ledger.spell_record(
        actor=world.wz_cadre,
        person=workers[0],
        status="employed",
        channel="workshop",
        location="in_county",
        employer=shop.employer,
        start=D(2026, 2, 1),
    )
    assert [r.name for r in roster(shop, D(2026, 6, 1), viewer=None)] == [workers[0].name]
    other = services.workshop_create(
        actor=world.wz_admin,
        employer=shop.employer,
        name="第二车间",
        type="factory",
        village=Area.objects.get(code=WZ_V1),
    )
    hire(world.wz_admin, other, workers[1], D(2026, 2, 1))
    assert roster(shop, D(2026, 6, 1), viewer=None) == []
    assert [r.name for r in roster(other, D(2026, 6, 1), viewer=None)] == [workers[1].name]


def test_another_manager_or_county_cannot_touch_the_workshop(world, shop, workers):
    stranger = get_user_model().objects.create_user(username="other_manager", password=PASSWORD)
    role_assign(user=stranger, area=Area.objects.get(code=WZ_V1), role=Role.WORKSHOP_MANAGER)
    for actor in (stranger, world.zx_admin, world.wz_cadre):
        with pytest.raises(NotFound):
            hire(actor, shop, workers[0], D(2026, 3, 2))
    assert not WorkshopJob.objects.exists()


def test_a_closed_workshop_takes_no_new_workers(world, recognised, workers):
    from tests.personas import WZ_V1 as village

    services.workshop_close(
        actor=world.wz_admin, workshop=recognised, day=D(2026, 6, 30), reason="经营主体停产"
    )
    newcomer = make_worker(world.wz_cadre, village, poor=True, name="晚来", birth="19950101")
    with pytest.raises(DomainError) as refused:
        hire(world.wz_admin, recognised, newcomer, D(2026, 7, 1))
    assert refused.value.field == "workshop"


def test_the_manager_sees_names_but_not_the_registry(world, staffed, manager, workers):
    c = Client()
    c.force_login(manager)
    page = c.get(f"/employment/workshops/{staffed.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert workers[0].name in html and workers[0].id_number not in html
    assert f"/persons/{workers[0].pk}/" not in html  # no link into the registry
    assert c.get(f"/persons/{workers[0].pk}/").status_code == 404
    assert c.get("/employment/round/").status_code == 404
    assert c.get("/").url == "/employment/workshops/"  # the manager's home is their workshops
    mine = c.get("/employment/workshops/")
    assert mine.status_code == 200 and staffed.name in mine.content.decode()


def test_a_form_refuses_a_bad_resident_id_on_its_field(world, shop, manager):
    c = Client()
    c.force_login(manager)
    response = c.post(
        f"/employment/workshops/{shop.pk}/workers/join/",
        {"id_number": "530627000000000000", "start": "2026-03-02"},
    )
    assert response.status_code == 422
    assert "此人未在本县登记" in response.content.decode()
    ok = make_worker(world.wz_cadre, WZ_V1, poor=True, name="表单工人", birth="19920101")
    response = c.post(
        f"/employment/workshops/{shop.pk}/workers/join/",
        {"id_number": ok.id_number, "start": "2026-03-02", "monthly_wage": "2100", "full_time": "on"},
    )
    assert response.status_code == 302 and WorkshopJob.objects.filter(person=ok).exists()
    assert ZX_V1  # the other county's village stays untouched
