"""The quarter's comparison of social-insurance contributions with the ledger, and what a cadre
does with it: record a spell prefilled from the evidence; a person's evidence for roles that see
sensitive fields, audited; other areas see nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from lnob.areas.models import Area
from lnob.core.errors import NotFound
from lnob.employment import services as ledger
from lnob.employment.models import Spell
from lnob.employment.subsidies import insurance
from lnob.employment.subsidies.models import SocialInsuranceRecord
from tests.personas import ZX, ZX_TOWN, ZX_V1, ZX_V2
from tests.subsidies.conftest import YEAR, work

D = dt.date
Q2 = D(YEAR, 4, 1)
CODE = "91441900MA4W123409"


@pytest.fixture
def evidence(world, people):
    factory = ledger.employer_create(
        actor=world.zx_admin, county=Area.objects.get(code=ZX), credit_code=CODE, name="华宏电子"
    )
    work(world.zx_cadre1, people["li"], D(YEAR, 1, 1), None, employer=factory)  # in the ledger and insured
    ledger.spell_record(
        actor=world.zx_cadre2, person=people["zhao"], status="not_employed", start=D(YEAR, 1, 1)
    )
    work(world.zx_cadre1, people["qian"], D(YEAR, 3, 1), D(YEAR, 9, 30), employer=factory)  # no insurance
    rows = [
        SocialInsuranceRecord(
            person=people["li"],
            quarter=Q2,
            credit_code=CODE,
            employer_name="华宏电子",
            employer=factory,
            kind="pension",
            months=3,
            base=Decimal(4200),
            region=441900000000,
        ),
        SocialInsuranceRecord(
            person=people["zhao"],
            quarter=Q2,
            credit_code=CODE,
            employer_name="华宏电子",
            employer=factory,
            kind="pension",
            months=2,
            month_list="5,6",
            base=Decimal(3900),
            region=441900000000,
        ),
        SocialInsuranceRecord(
            person=people["sun"], quarter=Q2, credit_code=CODE, kind="pension", months=3, region=441900000000
        ),
    ]
    SocialInsuranceRecord.objects.bulk_create(rows)
    return {"factory": factory, "zhao": SocialInsuranceRecord.objects.get(person=people["zhao"])}


def test_the_township_sees_contributions_missing_from_the_ledger_and_jobs_without_contributions(
    world, evidence
):
    d = insurance.differences(user=world.zx_township, area=ZX_TOWN, quarter=Q2)
    assert [(r.name, r.ledger, r.village) for r in d.not_in_ledger] == [("赵芳", "未就业", ZX_V2)]
    assert [r.records[0].month_list for r in d.not_in_ledger] == ["5,6"]
    assert [(r.name, r.spell.employer.name) for r in d.no_contributions] == [("钱多", "华宏电子")]
    assert d.insured == 2  # 孙九 lives in 万州
    from auditlog.models import LogEntry

    seen = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=world.zx_township).get()
    assert seen.additional_data["fields"] == ["social_insurance"]
    assert len(seen.additional_data["persons"]) == 2  # the listing is audited with whom it showed


def test_a_village_cadre_sees_their_village_only(world, evidence):
    assert insurance.differences(user=world.zx_cadre1, area=ZX_V1, quarter=Q2).not_in_ledger == []
    for user, area in ((world.zx_cadre1, ZX_V2), (world.wz_cadre, ZX_V2), (world.zx_auditor, ZX)):
        with pytest.raises(NotFound):
            insurance.differences(user=user, area=area, quarter=Q2)


def test_the_screen_lists_the_differences_and_other_areas_get_404(world, evidence, client):
    client.force_login(world.zx_cadre2)
    page = client.get(f"/employment/subsidies/insurance/?area={ZX_V2}&quarter={YEAR}Q2")
    assert page.status_code == 200
    text = page.content.decode()
    assert "赵芳" in text and f"/employment/subsidies/insurance/{evidence['zhao'].pk}/spell/" in text
    assert client.get(f"/employment/subsidies/insurance/?area={ZX_V1}&quarter={YEAR}Q2").status_code == 404
    client.force_login(world.wz_cadre)
    assert client.get(f"/employment/subsidies/insurance/?area={ZX_V2}&quarter={YEAR}Q2").status_code == 404
    assert client.get(f"/employment/subsidies/insurance/{evidence['zhao'].pk}/spell/").status_code == 404


def test_one_click_records_the_spell_the_evidence_suggests(world, people, evidence, client):
    client.force_login(world.zx_cadre2)
    back = f"/employment/subsidies/insurance/%3Farea%3D{ZX_V2}"
    url = f"/employment/subsidies/insurance/{evidence['zhao'].pk}/spell/?next={back}"
    form = client.get(url).context["form"]
    assert {
        k: form.initial[k] for k in ("status", "start", "location", "destination", "monthly_wage", "employer")
    } == {
        "status": "employed",
        "start": D(YEAR, 5, 1),
        "location": "out_of_province",
        "destination": "广东省东莞市",
        "monthly_wage": Decimal(3900),
        "employer": evidence["factory"].pk,
    }
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["close_open"] = "on"
    data["full_time"] = "on"
    saved = client.post(url, data)
    assert saved.status_code == 302 and saved["Location"] == f"/employment/subsidies/insurance/?area={ZX_V2}"
    spells = list(
        Spell.objects.filter(person=people["zhao"]).order_by("start").values_list("status", "start", "end")
    )
    assert spells == [("not_employed", D(YEAR, 1, 1), D(YEAR, 4, 30)), ("employed", D(YEAR, 5, 1), None)]
    assert insurance.differences(user=world.zx_cadre2, area=ZX_V2, quarter=Q2).not_in_ledger == []


def test_a_spell_the_ledger_refuses_is_shown_on_its_field(world, people, evidence, client):
    client.force_login(world.zx_cadre2)
    url = f"/employment/subsidies/insurance/{evidence['zhao'].pk}/spell/"
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None} | {
        "full_time": "on",
        "monthly_wage": "-1",
    }
    refused = client.post(url, data)
    assert refused.status_code == 422 and "月工资不能为负数" in refused.content.decode()
    assert Spell.objects.filter(person=people["zhao"]).count() == 1


def test_a_persons_evidence_is_shown_to_roles_seeing_sensitive_fields_and_audited(
    world, people, evidence, client
):
    li = people["li"]
    client.force_login(world.zx_cadre1)
    page = client.get(f"/employment/subsidies/persons/{li.pk}/")
    assert (
        page.status_code == 200
        and "华宏电子" in page.content.decode()
        and "广东省东莞市" in page.content.decode()
    )
    fragment = client.get(f"/employment/subsidies/persons/{li.pk}/", HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and "华宏电子" in fragment.content.decode()
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=world.zx_cadre1)
    assert entries.count() == 2 and entries.first().additional_data["fields"] == ["social_insurance"]
    for user in (world.zx_auditor, world.zx_cadre2, world.wz_admin):
        client.force_login(user)
        assert client.get(f"/employment/subsidies/persons/{li.pk}/").status_code == 404


def test_the_comparison_screen_does_not_query_per_person(world, people, evidence, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.personas import make_household, person

    client.force_login(world.zx_township)
    url = f"/employment/subsidies/insurance/?area={ZX_TOWN}&quarter={YEAR}Q2"

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(6):
        hh = make_household(world.zx_cadre2, ZX_V2, f"5306271022028{i:03d}", head=person(name=f"缴费{i}"))
        SocialInsuranceRecord.objects.create(
            person=hh.memberships.get().person,
            quarter=Q2,
            credit_code=CODE,
            kind="pension",
            months=3,
            region=441900000000,
        )
    assert count() == before
