"""The workshops' API: reads and writes other systems call, 404 outside the caller's reach and 422
with {field, value, message} when a write is refused."""

from __future__ import annotations

import json

from django.test import Client

from lnob.employment.workshops.models import SubsidyClaim, Workshop
from tests.personas import WZ, WZ_V1
from tests.workshops.helpers import make_employer, make_worker

BASE = "/api/v1/employment/workshops"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _post(c: Client, url: str, body: dict) -> object:
    return c.post(url, json.dumps(body, default=str), content_type="application/json")


def test_a_county_creates_a_workshop_and_reads_it_back(world, manager):
    employer = make_employer(world.wz_admin, WZ, 31, "万州茶叶公司")
    c = _client(world.wz_admin)
    body = {
        "employer_code": employer.credit_code,
        "name": "石碾村茶叶车间",
        "type": "farming",
        "village": WZ_V1,
        "managers": ["wz_ws_manager"],
    }
    created = _post(c, f"{BASE}/", body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["state"] == "applied" and created.json()["managers"] == ["wz_ws_manager"]
    again = _post(c, f"{BASE}/", body)
    assert again.status_code == 422
    assert again.json()["detail"][0] == {
        "field": "name",
        "value": "石碾村茶叶车间",
        "message": "该经营主体已有同名车间",
    }
    listed = c.get(f"{BASE}/?state=applied").json()
    assert [w["id"] for w in listed["items"]] == [pk]
    assert _client(world.zx_admin).get(f"{BASE}/{pk}").status_code == 404
    assert _client(world.zx_admin).get(f"{BASE}/").json()["items"] == []


def test_a_manager_hires_through_the_api_and_a_stranger_is_refused(world, shop, manager, workers):
    c = _client(manager)
    hired = _post(
        c,
        f"{BASE}/{shop.pk}/workers",
        {"id_number": workers[0].id_number, "start": "2026-02-02", "monthly_wage": "2000"},
    )
    assert hired.status_code == 201 and hired.json()["name"] == workers[0].name
    refused = _post(
        c, f"{BASE}/{shop.pk}/workers", {"id_number": "11010519491231002X", "start": "2026-02-02"}
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "id_number"
    roster = c.get(f"{BASE}/{shop.pk}/roster?day=2026-06-01").json()
    assert [r["name"] for r in roster] == [workers[0].name] and "id_number" not in roster[0]
    left = _post(c, f"{BASE}/{shop.pk}/workers/{hired.json()['spell_id']}/leave", {"end": "2026-06-30"})
    assert left.status_code == 200 and left.json()["end"] == "2026-06-30"
    assert (
        _post(
            _client(world.zx_admin),
            f"{BASE}/{shop.pk}/workers",
            {"id_number": workers[1].id_number, "start": "2026-02-02"},
        ).status_code
        == 404
    )


def test_recognition_and_the_check_through_the_api(world, staffed):
    c = _client(world.wz_admin)
    result = _post(c, f"{BASE}/{staffed.pk}/recognise", {"day": "2025-12-31"}).json()
    assert (
        result["met"]
        and result["poor_workers"] == 5
        and "脱贫户或监测户工人 5 人 ≥ 5 人" in [x["text"] for x in result["criteria"]]
    )
    assert Workshop.objects.get(pk=staffed.pk).state == "normal"
    counts = _post(c, f"{BASE}/check", {"area": WZ, "day": "2026-03-31"}).json()
    assert counts == {"checked": 1, "met": 1, "flagged": 0, "cleared": 0, "closed": 0}
    assert (
        _post(_client(world.zx_admin), f"{BASE}/check", {"area": WZ, "day": "2026-03-31"}).status_code == 404
    )
    future = _post(c, f"{BASE}/check", {"area": WZ, "day": "2099-01-01"})
    assert future.status_code == 422 and future.json()["detail"][0]["field"] == "day"


def test_a_claim_through_its_steps_on_the_api(world, recognised, manager, workers):
    m = _client(manager)
    outsider = make_worker(world.wz_cadre, WZ_V1, poor=True, name="外来", birth="19910101")
    bad = _post(
        m,
        f"{BASE}/{recognised.pk}/claims",
        {
            "kind": "workshop_subsidy",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "lines": [{"id_number": outsider.id_number}],
        },
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "id_number"
    created = _post(
        m,
        f"{BASE}/{recognised.pk}/claims",
        {"kind": "workshop_subsidy", "period_start": "2026-01-01", "period_end": "2026-06-30"},
    )
    assert created.status_code == 201
    claim = created.json()
    assert (
        claim["amount"] == "14000.00"
        and claim["rule"].startswith("帮扶车间吸纳就业补贴")
        and len(claim["lines"]) == 5
    )
    assert _post(m, f"{BASE}/claims/{claim['id']}/submit", {}).json()["state"] == "submitted"
    assert _post(m, f"{BASE}/claims/{claim['id']}/approve", {}).status_code == 404
    admin = _client(world.wz_admin)
    assert _post(admin, f"{BASE}/claims/{claim['id']}/approve", {}).json()["state"] == "approved"
    from django.utils import timezone

    paid = _post(
        admin,
        f"{BASE}/claims/{claim['id']}/pay",
        {"paid_on": timezone.localdate().isoformat(), "amount": "14000", "reference": "T-9"},
    )
    assert paid.json()["state"] == "paid" and paid.json()["payment_reference"] == "T-9"
    assert _client(world.zx_admin).get(f"{BASE}/claims/{claim['id']}").status_code == 404
    assert [c["id"] for c in m.get(f"{BASE}/{recognised.pk}/claims").json()] == [claim["id"]]
    assert SubsidyClaim.objects.get().state == "paid"
