"""The employment ledger's writes: spells of work per person and the employers they work for,
with cadres of 镇雄's 泼机村 and of 万州."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from lnob.areas.models import Area
from lnob.core.errors import DomainError, NotFound
from lnob.employment import selectors, services
from lnob.employment.models import Spell
from lnob.registry.models import Membership
from tests.personas import WZ, ZX

CODE = "91441900MA4W123409"  # a Dongguan factory's unified social credit code
D = dt.date


def _head(household):
    return Membership.objects.get(household=household, relation="head").person


@pytest.fixture
def factory(world):
    return services.employer_create(
        actor=world.zx_admin,
        county=Area.objects.get(code=ZX),
        credit_code=CODE,
        name="东莞某电子厂",
        sector="电子",
    )


def test_a_cadre_records_a_workers_spells_and_closes_one(world, households, factory):
    worker = _head(households["v1"])
    spell = services.spell_record(
        actor=world.zx_cadre1,
        person=worker,
        status="employed",
        channel="organised_export",
        location="out_of_province",
        destination="广东省东莞市",
        employer=factory,
        monthly_wage=Decimal("4800"),
        start=D(2026, 3, 1),
    )
    services.spell_close(actor=world.zx_cadre1, spell=spell, end=D(2026, 8, 31))
    services.spell_record(actor=world.zx_cadre1, person=worker, status="not_employed", start=D(2026, 9, 1))
    rows = list(selectors.spells_for(user=world.zx_cadre1, person_id=worker.pk))
    assert [(s.status, s.start, s.end) for s in rows] == [
        ("not_employed", D(2026, 9, 1), None),
        ("employed", D(2026, 3, 1), D(2026, 8, 31)),
    ]
    assert rows[1].employer == factory and rows[1].created_by == world.zx_cadre1
    entry = LogEntry.objects.get_for_object(rows[1]).filter(action=LogEntry.Action.CREATE).get()
    assert entry.changes_dict["monthly_wage"][1] != "4800.00"  # wages are masked in the change log


def test_a_wanzhou_cadre_cannot_see_or_write_zhenxiongs_ledger(world, households):
    worker = _head(households["v1"])
    services.spell_record(actor=world.zx_cadre1, person=worker, status="unable", start=D(2026, 1, 1))
    with pytest.raises(NotFound):
        selectors.spells_for(user=world.wz_cadre, person_id=worker.pk)
    with pytest.raises(NotFound):
        services.spell_record(actor=world.wz_cadre, person=worker, status="not_employed", start=D(2026, 2, 1))
    own = _head(households["wz"])
    services.spell_record(
        actor=world.wz_cadre, person=own, status="public_welfare", channel="public_welfare",
        location="in_county", monthly_wage=Decimal("500"), start=D(2026, 4, 1),
    )  # fmt: skip
    assert [s.status for s in selectors.spells_for(user=world.wz_cadre, person_id=own.pk)] == [
        "public_welfare"
    ]
    assert not selectors.employers_visible(world.wz_cadre).exists()
    with pytest.raises(NotFound):
        services.employer_create(
            actor=world.wz_admin, county=Area.objects.get(code=ZX), credit_code=CODE, name="x"
        )
    services.employer_create(
        actor=world.wz_admin, county=Area.objects.get(code=WZ), credit_code=CODE, name="同一工厂"
    )


def test_overlapping_full_time_spells_are_refused_with_the_other_spell_named(world, households):
    worker = _head(households["v1"])
    services.spell_record(
        actor=world.zx_cadre1, person=worker, status="employed", location="in_county", start=D(2026, 1, 1)
    )
    with pytest.raises(DomainError) as refused:
        services.spell_record(
            actor=world.zx_cadre1,
            person=worker,
            status="self_employed",
            location="in_county",
            start=D(2026, 5, 1),
        )
    assert refused.value.field == "start" and "2026-01-01 至 至今" in str(refused.value.message)
    # a part-time job beside it is fine
    services.spell_record(
        actor=world.zx_cadre1, person=worker, status="employed", location="in_county", start=D(2026, 5, 1),
        full_time=False,
    )  # fmt: skip
    assert Spell.objects.filter(person=worker).count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "employed", "location": "in_county", "monthly_wage": Decimal("-1")}, "monthly_wage"),
        ({"status": "employed"}, "location"),
        ({"status": "not_employed", "monthly_wage": Decimal("100")}, "monthly_wage"),
        ({"status": "not_employed", "channel": "workshop"}, "channel"),
        ({"status": "unable", "full_time": False}, "full_time"),
        ({"status": "retired"}, "status"),
        ({"status": "employed", "location": "abroad"}, "location"),
        ({"status": "employed", "location": "in_county", "channel": "magic"}, "channel"),
        ({"status": "employed", "location": "in_county", "end": D(2025, 1, 1)}, "end"),
        ({"status": "employed", "location": "in_county", "start": D(2099, 1, 1)}, "start"),
    ],
)
def test_bad_spells_are_refused_with_the_field_and_nothing_is_saved(world, households, fields, field):
    worker = _head(households["v1"])
    data = {"start": D(2026, 1, 1), **fields}
    with pytest.raises(DomainError) as refused:
        services.spell_record(actor=world.zx_cadre1, person=worker, **data)
    assert refused.value.field == field
    assert not Spell.objects.exists()


def test_a_bad_credit_code_or_a_second_registration_is_refused(world, factory):
    county = Area.objects.get(code=ZX)
    with pytest.raises(DomainError) as refused:
        services.employer_create(actor=world.zx_admin, county=county, credit_code=CODE[:-1] + "0", name="x")
    assert refused.value.field == "credit_code" and "校验码" in str(refused.value.message)
    with pytest.raises(DomainError) as again:
        services.employer_create(actor=world.zx_admin, county=county, credit_code=CODE.lower(), name="y")
    assert again.value.field == "credit_code" and "已登记" in str(again.value.message)


def test_a_village_cadre_uses_the_countys_employers_but_not_another_countys(world, households, factory):
    assert list(selectors.employers_visible(world.zx_cadre1)) == [factory]
    wz_factory = services.employer_create(
        actor=world.wz_admin, county=Area.objects.get(code=WZ), credit_code=CODE, name="万州登记的同一工厂"
    )
    assert list(selectors.employers_visible(world.wz_cadre)) == [wz_factory]
    worker = _head(households["v1"])
    with pytest.raises(NotFound):
        services.spell_record(
            actor=world.zx_cadre1, person=worker, status="employed", location="out_of_province",
            employer=wz_factory, start=D(2026, 1, 1),
        )  # fmt: skip


def test_the_person_page_lists_the_ledger_and_a_cadre_records_a_spell(world, households, factory):
    from django.test import Client

    from tests.personas import PASSWORD

    worker = _head(households["v1"])
    cadre = Client()
    cadre.login(username="zx_cadre1", password=PASSWORD)
    page = cadre.get(f"/persons/{worker.pk}/").content.decode()
    assert 'data-testid="spell-add"' in page
    response = cadre.post(
        f"/employment/persons/{worker.pk}/spells/new/",
        {"status": "employed", "start": "2026-02-01", "location": "out_of_province", "destination": "东莞",
         "channel": "organised_export", "employer": factory.pk, "monthly_wage": "-5", "full_time": "on"},
    )  # fmt: skip
    assert response.status_code == 200 and "月工资不能为负数" in response.content.decode()
    assert not Spell.objects.exists()
    response = cadre.post(
        f"/employment/persons/{worker.pk}/spells/new/",
        {"status": "employed", "start": "2026-02-01", "location": "out_of_province", "destination": "东莞",
         "channel": "organised_export", "employer": factory.pk, "monthly_wage": "5200", "full_time": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    page = cadre.get(f"/persons/{worker.pk}/").content.decode()
    assert "东莞某电子厂" in page and "5200" in page
    other = Client()
    other.login(username="wz_cadre", password=PASSWORD)
    assert other.get(f"/employment/persons/{worker.pk}/spells/new/").status_code == 404
    auditor = Client()
    auditor.login(username="zx_auditor", password=PASSWORD)
    assert 'data-testid="spell-add"' not in auditor.get(f"/persons/{worker.pk}/").content.decode()


def test_a_spell_in_the_ledger_clears_a_zero_employment_household_in_the_next_sweep(world, households):
    from tests.monitoring.helpers import sweep

    household = households["v2"]  # 海子村: an able head, no wage records
    before = sweep(ZX, D(2026, 6, 30))
    assert before.hits.filter(household=household, rule_code="zero_employment").exists()
    services.spell_record(
        actor=world.zx_cadre2, person=_head(household), status="employed", channel="workshop",
        location="in_county", start=D(2026, 1, 1),
    )  # fmt: skip
    after = sweep(ZX, D(2026, 6, 30))
    assert not after.hits.filter(household=household, rule_code="zero_employment").exists()
    # as of March the spell is only 90 days old: not yet more than 3 months
    march = sweep(ZX, D(2026, 3, 31))
    assert march.hits.filter(household=household, rule_code="zero_employment").exists()


def test_the_monthly_round_lists_a_villages_workers_and_one_tap_confirms(world, households):
    from django.test import Client

    from lnob.employment.models import RoundCheck
    from tests.personas import PASSWORD, ZX_V1, ZX_V2

    worker = _head(households["v1"])
    services.spell_record(
        actor=world.zx_cadre1, person=worker, status="employed", location="out_of_province",
        destination="东莞", start=D(2026, 3, 1),
    )  # fmt: skip
    cadre = Client()
    cadre.login(username="zx_cadre1", password=PASSWORD)
    page = cadre.get(f"/employment/round/?village={ZX_V1}&month=2026-10").content.decode()
    assert "本月已核实 0 / 1 人" in page and "东莞" in page
    row = cadre.post(f"/employment/round/confirm/{worker.pk}/", {"month": "2026-10", "village": ZX_V1})
    assert row.status_code == 200 and 'data-testid="round-confirmed"' in row.content.decode()
    cadre.post(f"/employment/round/confirm/{worker.pk}/", {"month": "2026-10", "village": ZX_V1})
    check = RoundCheck.objects.get()  # twice in a month is once
    assert (check.status, check.month, check.checked_by) == ("employed", D(2026, 10, 1), world.zx_cadre1)
    assert (
        "本月已核实 1 / 1 人"
        in cadre.get(f"/employment/round/?village={ZX_V1}&month=2026-10").content.decode()
    )
    # before the spell began there is nothing to confirm
    row = cadre.post(f"/employment/round/confirm/{worker.pk}/", {"month": "2026-02", "village": ZX_V1})
    assert "请登记就业情况" in row.content.decode() and RoundCheck.objects.count() == 1
    # the neighbouring village's round, and 万州's cadre on this one: not found
    assert cadre.get(f"/employment/round/?village={ZX_V2}").status_code == 404
    other = Client()
    other.login(username="wz_cadre", password=PASSWORD)
    assert (
        other.post(
            f"/employment/round/confirm/{worker.pk}/", {"month": "2026-10", "village": ZX_V1}
        ).status_code
        == 404
    )
    assert other.get(f"/employment/round/?village={ZX_V1}").status_code == 404


def test_a_change_of_status_ends_the_open_spell_the_day_before(world, households):
    worker = _head(households["v1"])
    first = services.spell_record(
        actor=world.zx_cadre1, person=worker, status="not_employed", start=D(2026, 1, 1)
    )
    services.spell_record(
        actor=world.zx_cadre1, person=worker, status="employed", location="in_county", start=D(2026, 6, 1),
        close_open=True,
    )  # fmt: skip
    first.refresh_from_db()
    assert first.end == D(2026, 5, 31)
    # without it, the overlap is refused and nothing changes
    with pytest.raises(DomainError):
        services.spell_record(actor=world.zx_cadre1, person=worker, status="unable", start=D(2026, 9, 1))
    assert Spell.objects.filter(person=worker, end__isnull=True).get().status == "employed"


def test_the_round_is_paged_and_searchable(world, households, monkeypatch):
    from django.test import Client

    from lnob.employment import views
    from tests.personas import PASSWORD, ZX_V1, make_household, person

    make_household(world.zx_cadre1, ZX_V1, "5306271022010002", head=person("19900505", "F", name="李春梅"))
    monkeypatch.setattr(views, "ROUND_PAGE", 1)
    cadre = Client()
    cadre.login(username="zx_cadre1", password=PASSWORD)
    first = cadre.get(f"/employment/round/?village={ZX_V1}&month=2026-10").content.decode()
    assert first.count('data-testid="round-row"') == 1 and "1 / 2" in first
    found = cadre.get(f"/employment/round/?village={ZX_V1}&month=2026-10&q=李春梅").content.decode()
    assert found.count('data-testid="round-row"') == 1 and "李春梅" in found and "round-pager" not in found


def test_an_employer_of_the_county_posts_a_vacancy_with_its_requirements(world, factory):
    vacancy = services.vacancy_create(
        actor=world.zx_admin, employer=factory, title="电子装配工", headcount=30, location="out_of_province",
        destination="广东省东莞市", wage_min=Decimal("4200"), wage_max=Decimal("5800"), age_min=18,
        age_max=45, skills="电子装配", physical="light", housing=True, start=D(2026, 12, 1),
    )  # fmt: skip
    assert (vacancy.headcount, vacancy.status, vacancy.housing, vacancy.home_based) == (
        30,
        "open",
        True,
        False,
    )
    with pytest.raises(NotFound):  # 万州's administrator cannot post for 镇雄's list
        services.vacancy_create(
            actor=world.wz_admin, employer=factory, title="x", headcount=1, location="in_county",
            wage_min=Decimal("1"), wage_max=Decimal("2"), start=D(2026, 12, 1),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"headcount": 0}, "headcount"),
        ({"headcount": -3}, "headcount"),
        ({"age_min": 50, "age_max": 40}, "age_min"),
        ({"wage_min": Decimal("-1")}, "wage_min"),
        ({"wage_min": Decimal("5000"), "wage_max": Decimal("4000")}, "wage_max"),
        ({"location": "abroad"}, "location"),
        ({"title": " "}, "title"),
    ],
)
def test_bad_vacancies_are_refused_with_the_reason(world, factory, fields, field):
    from lnob.employment.models import Vacancy

    data = {
        "title": "电子装配工", "headcount": 5, "location": "in_county", "wage_min": Decimal("3000"),
        "wage_max": Decimal("4000"), "start": D(2026, 12, 1), **fields,
    }  # fmt: skip
    with pytest.raises(DomainError) as refused:
        services.vacancy_create(actor=world.zx_admin, employer=factory, **data)
    assert refused.value.field == field and str(refused.value.message)
    assert not Vacancy.objects.exists()
