"""Sweeps, leads, rules and what-if through each door: the screens, the REST API and
`lnob monitor`; each with its bad input, and with users of two counties."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from lnob.core.models import ApiToken
from lnob.core.tasks import task_claim, task_run
from lnob.monitoring.models import Lead, PolicyVersion, Rule, Sweep
from tests.personas import WZ, ZX

A, B, C = "5306271022010101", "5306271022020102", "5306271022010103"


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _api(user) -> Client:
    token = ApiToken.issue(user=user, name="test")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


def _run_queued() -> None:
    while (t := task_claim(worker="test")) is not None:
        task_run(t)


def test_screens_start_a_sweep_show_progress_then_the_households_and_why(world, county):
    admin = _client(world.zx_admin)
    page = admin.get("/monitoring/sweeps/").content.decode()
    assert 'data-testid="sweep-form"' in page
    response = admin.post("/monitoring/sweeps/", {"county": ZX, "as_of": "2026-06-30"})
    sweep = Sweep.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/monitoring/sweeps/{sweep.pk}/"
    assert (sweep.trigger, sweep.status, sweep.task.kind) == ("button", "queued", "monitoring.sweep")
    page = admin.get(f"/monitoring/sweeps/{sweep.pk}/").content.decode()
    assert 'data-testid="progress"' in page and "hx-trigger" in page
    _run_queued()
    page = admin.get(f"/monitoring/sweeps/{sweep.pk}/").content.decode()
    assert A in page and B in page and C not in page
    assert "人均纯收入 30,000 元，扣除刚性支出后人均 2,000 元，低于监测范围 8,700 元" in page
    assert "medical_alert" in page  # the rule that could not run is named, with why
    # the progress poll tells a finished page to reload itself
    done = admin.get(f"/monitoring/sweeps/{sweep.pk}/?part=progress", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"

    cadre1 = _client(world.zx_cadre1)
    page = cadre1.get(f"/monitoring/sweeps/{sweep.pk}/").content.decode()
    assert A in page and B not in page
    assert 'data-testid="sweep-form"' not in cadre1.get("/monitoring/sweeps/").content.decode()
    assert cadre1.post("/monitoring/sweeps/", {"county": ZX, "as_of": "2026-06-30"}).status_code == 404
    leads = cadre1.get("/monitoring/leads/").content.decode()
    assert A in leads and B not in leads
    household = cadre1.get(f"/households/{A}/").content.decode()
    assert 'data-testid="household-risk"' in household
    assert "脱贫户近 12 个月人均纯收入 6,000 元，低于监测范围 8,700 元" in household

    for outsider in (world.wz_admin, world.wz_cadre, world.nobody):
        assert _client(outsider).get(f"/monitoring/sweeps/{sweep.pk}/").status_code == 404
        assert A not in _client(outsider).get("/monitoring/leads/").content.decode()


def test_screen_bad_input_a_future_date_is_refused_on_its_field(world, county):
    page = _client(world.zx_admin).post("/monitoring/sweeps/", {"county": ZX, "as_of": "2099-01-01"})
    assert page.status_code == 200 and "基准日不能晚于今天" in page.content.decode()
    assert not Sweep.objects.exists()
    page = _client(world.zx_admin).post("/monitoring/sweeps/", {"county": WZ, "as_of": "2026-06-30"})
    assert page.status_code == 200 and not Sweep.objects.exists()  # not one of the choices offered


def test_screens_rules_of_a_draft_and_what_if(world, county):
    admin = _client(world.zx_admin)
    assert (
        admin.post(
            "/monitoring/policy/new",
            {
                "area_code": ZX,
                "name": "镇雄 2027",
                "effective_from": "2027-01-01",
                "threshold_yuan": "40000",
                "threshold_source": "https://example.gov.cn/zx2027",
            },
        ).status_code
        == 302
    )
    draft = PolicyVersion.objects.get(name="镇雄 2027")
    assert admin.get(f"/monitoring/policy/{draft.pk}/rules/").status_code == 200
    form = {
        "code": "big_family",
        "name_zh": "多人口",
        "name_en": "Big family",
        "severity": "2",
        "expression": "members >= 5 and incme < threshold",
        "explanation": "{members} 人",
        "source": "方案",
        "enabled": "on",
    }
    page = admin.post(f"/monitoring/policy/{draft.pk}/rules/new", form).content.decode()
    assert "未知字段：incme" in page and not Rule.objects.filter(code="big_family").exists()
    form["expression"] = "members >= 5 and income_per_capita < threshold"
    assert admin.post(f"/monitoring/policy/{draft.pk}/rules/new", form).status_code == 302
    assert Rule.objects.get(code="big_family").policy == draft
    # other counties and village cadres cannot touch it
    assert _client(world.wz_admin).post(f"/monitoring/policy/{draft.pk}/rules/new", form).status_code == 404
    assert _client(world.zx_cadre1).get(f"/monitoring/policy/{draft.pk}/rules/new").status_code == 404

    response = admin.post(f"/monitoring/policy/{draft.pk}/what-if", {"county": ZX})
    what_if = Sweep.objects.get(kind="what_if")
    assert response["Location"] == f"/monitoring/sweeps/{what_if.pk}/"
    _run_queued()
    page = admin.get(f"/monitoring/sweeps/{what_if.pk}/").content.decode()
    added = page.split('data-testid="added"')[1].split("</span>")[0]
    assert C in added and A not in added
    assert not Lead.objects.exists()


def test_api_sweep_hits_leads(world, county):
    api = _api(world.zx_admin)
    response = api.post(
        "/api/v1/monitoring/sweeps", {"county": ZX, "as_of": "2026-06-30"}, content_type="application/json"
    )
    assert response.status_code == 202, response.content
    pk = response.json()["id"]
    _run_queued()
    body = api.get(f"/api/v1/monitoring/sweeps/{pk}").json()
    assert body["status"] == "done" and body["counts"]["flagged"] == 2
    assert sorted(s["code"] for s in body["skipped_rules"]) == ["dept_medical", "medical_alert"]
    hits = api.get(f"/api/v1/monitoring/sweeps/{pk}/hits").json()
    assert hits["count"] == 2
    b = next(h for h in hits["items"] if h["household"] == B)
    assert b["figures"] == {
        "income_per_capita": 30000.0,
        "income_after_rigid_per_capita": 2000.0,
        "threshold": 8700.0,
    }
    assert b["explanation"].startswith("人均纯收入 30,000 元")

    cadre = _api(world.zx_cadre1)
    assert [h["household"] for h in cadre.get(f"/api/v1/monitoring/sweeps/{pk}/hits").json()["items"]] == [A]
    leads = cadre.get("/api/v1/monitoring/leads").json()
    assert [row["household"] for row in leads["items"]] == [A]
    lead = cadre.get(f"/api/v1/monitoring/leads/{leads['items'][0]['id']}").json()
    assert lead["evidence"][0]["rule_code"] == "income_unstable"
    assert "6,000" in lead["evidence"][0]["explanation"]

    outsider = _api(world.wz_admin)
    assert outsider.get(f"/api/v1/monitoring/sweeps/{pk}").status_code == 404
    assert outsider.get(f"/api/v1/monitoring/leads/{leads['items'][0]['id']}").status_code == 404
    assert outsider.get("/api/v1/monitoring/leads").json()["count"] == 0
    assert (
        cadre.post(
            "/api/v1/monitoring/sweeps",
            {"county": ZX, "as_of": "2026-06-30"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_api_bad_input_rules_and_dates(world, county):
    api = _api(world.zx_admin)
    bad = api.post(
        "/api/v1/monitoring/sweeps", {"county": ZX, "as_of": "2099-01-01"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "as_of"
    assert (
        api.post(
            "/api/v1/monitoring/sweeps",
            {"county": ZX, "as_of": "30/06/2026"},
            content_type="application/json",
        ).status_code
        == 422
    )
    from lnob.monitoring import services

    draft = services.policy_create(
        actor=world.zx_admin,
        area_code=ZX,
        effective_from=__import__("datetime").date(2027, 1, 1),
        name="草稿",
    )
    rule = {"code": "x_rule", "expression": "open('/etc/passwd')", "explanation": "x", "source": "s"}
    response = api.post(
        f"/api/v1/monitoring/policies/{draft.pk}/rules", rule, content_type="application/json"
    )
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "expression" and "不允许的函数" in detail["message"]
    rule["expression"] = "shocks > 0"
    assert (
        api.post(
            f"/api/v1/monitoring/policies/{draft.pk}/rules", rule, content_type="application/json"
        ).status_code
        == 201
    )
    assert (
        _api(world.wz_admin)
        .post(f"/api/v1/monitoring/policies/{draft.pk}/rules", rule, content_type="application/json")
        .status_code
        == 404
    )


def test_command_line_sweep(world, county):
    out = io.StringIO()
    call_command("monitor", "sweep", "--as-of", "2026-06-30", "--county", str(ZX), stdout=out)
    text = out.getvalue()
    assert "3 households, 2 flagged; 2 new leads" in text and "not run: medical_alert" in text
    out = io.StringIO()
    call_command("monitor", "sweep", "--as-of", "2026-06-30", "--json", stdout=out)  # every county
    results = json.loads(out.getvalue())
    assert sorted((r["county"], r["flagged"]) for r in results) == [(WZ, 0), (ZX, 2)]
    assert [r["leads_opened"] for r in results if r["county"] == ZX] == [0]  # one open lead each
    with pytest.raises(CommandError, match="not in zx_cadre1's areas"):
        call_command("monitor", "sweep", "--as-of", "2026-06-30", "--county", str(ZX), "--user", "zx_cadre1")
    with pytest.raises(CommandError, match="as_of"):
        call_command("monitor", "sweep", "--as-of", "2099-06-30", "--county", str(ZX))
    with pytest.raises(CommandError, match="no such county"):
        call_command("monitor", "sweep", "--as-of", "2026-06-30", "--county", "530627102201")
    out = io.StringIO()
    call_command("monitor", "schedule", stdout=out)
    assert "queued sweep" in out.getvalue()


def test_the_leads_pager_keeps_the_filters(world, county):
    from django.utils import timezone

    from lnob.monitoring.models import Lead
    from tests.personas import ZX_V1, make_household

    village = county["a"].village_id
    for i in range(51):  # more than a page of leads in 泼机村
        household = make_household(world.zx_cadre1, ZX_V1, f"53062710220109{i:02d}")
        Lead.objects.create(
            household=household, village_id=village, opened_at=timezone.now(), first_channel="cadre"
        )
    page = _client(world.zx_cadre1).get(f"/monitoring/leads/?status=open&village={village}").content.decode()
    link = page.split('data-testid="next-page"')[0].rsplit('href="', 1)[1]
    assert "status=open" in link and f"village={village}" in link and "page=2" in link
