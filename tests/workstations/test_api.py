"""The workstations over the API (/api/v1/employment/workstations/): the main reads and writes,
404 outside the caller's reach, 422 with field, value and message when a write is refused."""

from __future__ import annotations

import json

from lnob.employment.models import Spell
from lnob.employment.workstations.models import Dispute, Visit
from tests.workstations.conftest import FACTORY, login

API = "/api/v1/employment/workstations"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_an_officer_reads_their_station_and_roster(officers, station, migrants):
    c = login(officers["zx_officer"])
    assert [s["name"] for s in c.get(f"{API}/stations").json()] == ["镇雄县驻东莞劳务工作站"]
    detail = c.get(f"{API}/stations/{station.pk}").json()
    assert detail["access"] == "officer" and detail["officers"] == ["zx_officer"]
    roster = c.get(f"{API}/stations/{station.pk}/roster?day=2026-06-01").json()
    assert sorted(r["name"] for r in roster) == ["李强", "赵梅"]
    assert all(r["monthly_wage"] is None for r in roster)  # not personal data they may see


def test_the_county_admin_sees_wages_on_the_roster(world, station, migrants):
    roster = login(world.zx_admin).get(f"{API}/stations/{station.pk}/roster?day=2026-06-01").json()
    assert {r["name"]: r["monthly_wage"] for r in roster} == {"李强": "5200.00", "赵梅": "4300.00"}


def test_outside_the_callers_reach_is_404(world, officers, station, migrants):
    for outsider in (world.wz_admin, officers["zx_officer2"]):
        c = login(outsider)
        for path in ("", "/roster", "/disputes", "/visits", "/vacancies"):
            assert c.get(f"{API}/stations/{station.pk}{path}").status_code == 404
    assert (
        login(world.zx_cadre1)
        .post(
            f"{API}/stations/{station.pk}/visits",
            json.dumps({"on": "2026-10-12", "visitors": "x", "place": "y"}),
            content_type="application/json",
        )
        .status_code
        == 404
    )  # a reader may not write


def test_a_dispute_through_the_api(officers, station, migrants, factory):
    c = login(officers["zx_officer"])
    body = {
        "employer_code": FACTORY,
        "kind": "wage_arrears",
        "amount_claimed": "9000",
        "opened_on": "2026-10-08",
        "summary": "欠薪",
        "id_number": migrants["李强"].id_number,
    }
    created = post(c, f"{API}/stations/{station.pk}/disputes", body)
    assert created.status_code == 201 and created.json()["state"] == "intake"
    pk = created.json()["id"]
    assert (
        post(
            c, f"{API}/disputes/{pk}/steps", {"action": "mediate", "on": "2026-10-09", "note": "约谈"}
        ).json()["state"]
        == "mediation"
    )
    refused = post(
        c,
        f"{API}/disputes/{pk}/steps",
        {"action": "resolve", "on": "2026-10-20", "note": "结清", "amount_recovered": "9500"},
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {"field": "amount_recovered", "value": "9500", "message": "追回金额不能超过诉求金额（9000.00 元）"}
    ]
    done = post(
        c,
        f"{API}/disputes/{pk}/steps",
        {"action": "resolve", "on": "2026-10-20", "note": "结清", "amount_recovered": "9000"},
    ).json()
    assert done["state"] == "resolved" and [e["action"] for e in done["events"]] == [
        "open",
        "mediate",
        "resolve",
    ]
    assert login(officers["zx_officer2"]).get(f"{API}/disputes/{pk}").status_code == 404


def test_refused_writes_answer_422_with_the_field(officers, station, migrants):
    c = login(officers["zx_officer"])
    stranger = post(
        c,
        f"{API}/stations/{station.pk}/disputes",
        {
            "employer_code": FACTORY,
            "kind": "other",
            "amount_claimed": "0",
            "opened_on": "2026-10-08",
            "summary": "x",
            "id_number": migrants["周涛"].id_number,
        },
    )
    assert stranger.status_code == 422 and stranger.json()["detail"][0]["field"] == "id_number"
    unknown = post(
        c,
        f"{API}/stations/{station.pk}/vacancies",
        {
            "employer_code": "91441900MA4W999999",
            "title": "x",
            "headcount": 1,
            "wage_min": "1",
            "wage_max": "2",
            "start": "2026-12-01",
        },
    )
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "employer_code"
    assert not Dispute.objects.exists()


def test_a_placement_and_a_visit_through_the_api(officers, station, migrants, factory):
    c = login(officers["zx_officer"])
    placed = post(
        c,
        f"{API}/stations/{station.pk}/placements",
        {
            "employer_code": FACTORY,
            "start": "2026-10-01",
            "id_number": migrants["钱芳"].id_number,
            "monthly_wage": "4600",
        },
    )
    assert placed.status_code == 201
    assert Spell.objects.get(pk=placed.json()["spell_id"]).channel == "organised_export"
    visit = post(
        c,
        f"{API}/stations/{station.pk}/visits",
        {
            "on": "2026-10-12",
            "visitors": "王海",
            "employer_code": FACTORY,
            "person_ids": [migrants["李强"].pk, migrants["钱芳"].pk],
            "notes": "回访",
        },
    )
    assert visit.status_code == 201 and visit.json()["persons"] == sorted(["李强", "钱芳"])
    not_there = post(
        c,
        f"{API}/stations/{station.pk}/visits",
        {"on": "2026-10-12", "visitors": "王海", "place": "宿舍", "person_ids": [migrants["孙伟"].pk]},
    )
    assert not_there.status_code == 422 and not_there.json()["detail"][0]["field"] == "persons"
    assert not_there.json()["detail"][0]["value"] == str(migrants["孙伟"].pk)  # never a stranger's name
    assert Visit.objects.count() == 1


def test_a_station_is_set_up_through_the_api(world, officers):
    c = login(world.zx_admin)
    body = {
        "county": 530627000000,
        "name": "镇雄县驻宁波劳务工作站",
        "destination_city": "宁波市",
        "opened_on": "2024-01-01",
        "officers": ["zx_officer"],
    }
    assert post(c, f"{API}/stations", body).status_code == 201
    again = post(c, f"{API}/stations", body)
    assert again.status_code == 422 and again.json()["detail"][0]["field"] == "name"
    assert post(login(world.wz_admin), f"{API}/stations", body | {"name": "x"}).status_code == 404


def test_a_refused_placement_answers_422_and_writes_no_spell(officers, station, migrants):
    c = login(officers["zx_officer"])
    body = {
        "employer_code": FACTORY,
        "start": "2026-10-01",
        "id_number": migrants["钱芳"].id_number,
        "monthly_wage": "-1",
    }
    refused = post(c, f"{API}/stations/{station.pk}/placements", body)
    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {"field": "monthly_wage", "value": "-1", "message": "月工资不能为负数"}
    ]
    assert not Spell.objects.filter(person=migrants["钱芳"], status="employed").exists()
