"""The screens: list, a workshop's page, set-up, recognition, closing, the quarterly check and the
claim flow; each shows only what the user's areas hold (another county gets 404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lnob.employment.workshops.models import SubsidyClaim, Workshop
from tests.personas import WZ, WZ_V1
from tests.workshops.helpers import credit_code, hire, make_employer, make_worker

D = dt.date


def login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_the_list_shows_the_areas_workshops_with_their_workers(world, staffed, zx_shop):
    page = login(world.wz_admin).get("/employment/workshops/")
    html = page.content.decode()
    assert page.status_code == 200 and staffed.name in html and zx_shop.name not in html
    assert 'data-testid="workshop-workers">7<' in html
    filtered = login(world.wz_admin).get("/employment/workshops/?state=normal").content.decode()
    assert staffed.name not in filtered  # still waiting for recognition


def test_another_county_sees_nothing_of_the_workshop_or_its_claims(world, recognised, manager):
    from lnob.employment.workshops import claims

    claim = claims.claim_create(
        actor=manager,
        workshop=recognised,
        kind="workshop_subsidy",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 3, 31),
    )
    other = login(world.zx_admin)
    assert recognised.name not in other.get("/employment/workshops/").content.decode()
    for url in (
        f"/employment/workshops/{recognised.pk}/",
        f"/employment/workshops/{recognised.pk}/edit/",
        f"/employment/workshops/{recognised.pk}/workers/join/",
        f"/employment/workshops/{recognised.pk}/claims/new/",
        f"/employment/workshops/claims/{claim.pk}/",
        f"/employment/workshops/claims/{claim.pk}/evidence/",
    ):
        assert other.get(url).status_code == 404, url
    assert f"#{claim.pk}" not in other.get("/employment/workshops/claims/").content.decode()
    assert login(world.nobody).get("/employment/workshops/").status_code == 404


def test_the_workshop_page_explains_the_recognition_with_the_rule_and_its_source(world, recognised):
    html = login(world.wz_admin).get(f"/employment/workshops/{recognised.pk}/").content.decode()
    assert "脱贫户或监测户工人 5 人 ≥ 5 人" in html
    assert "liujiang.gov.cn" in html  # the default's source
    assert "认定" in html and html.count('data-testid="roster-row"') == 7


def test_a_county_officer_sets_up_a_workshop_and_a_bad_one_is_refused_on_its_field(world, manager):
    employer = make_employer(world.wz_admin, WZ, 7, "万州电商公司")
    c = login(world.wz_admin)
    form = {
        "employer": employer.pk,
        "name": "石碾村电商车间",
        "type": "trade",
        "village": WZ_V1,
        "managers": "wz_ws_manager",
    }
    response = c.post("/employment/workshops/new/", form)
    shop = Workshop.objects.get(name="石碾村电商车间")
    assert response.status_code == 302 and list(shop.managers.all()) == [manager]
    again = c.post("/employment/workshops/new/", form)
    assert again.status_code == 200 and "该经营主体已有同名车间" in again.content.decode()
    wrong = c.post("/employment/workshops/new/", {**form, "name": "另一个", "managers": "wz_cadre"})
    assert "不是车间所在地的帮扶车间负责人" in wrong.content.decode()
    assert login(world.wz_cadre).get("/employment/workshops/new/").status_code == 404
    assert credit_code(7) == employer.credit_code


def test_recognising_closing_and_checking_from_the_screens(world, staffed):
    c = login(world.wz_admin)
    assert c.post(f"/employment/workshops/{staffed.pk}/recognise/", {"day": "2025-12-31"}).status_code == 302
    staffed.refresh_from_db()
    assert staffed.state == "normal"
    response = c.post("/employment/workshops/check/", {"area": WZ, "day": "2026-03-31"}, follow=True)
    assert "季度核查完成：核查 1 个，符合 1 个" in response.content.decode()
    refused = c.post(f"/employment/workshops/{staffed.pk}/close/", {"day": "2026-06-30", "reason": ""})
    assert refused.status_code == 422
    c.post(f"/employment/workshops/{staffed.pk}/close/", {"day": "2026-06-30", "reason": "停产"})
    staffed.refresh_from_db()
    assert (
        staffed.state == "closed" and "停产" in c.get(f"/employment/workshops/{staffed.pk}/").content.decode()
    )


def test_the_claim_flow_on_the_screens_with_evidence(world, recognised, manager, workers):
    m = login(manager)
    outsider = make_worker(world.wz_cadre, WZ_V1, poor=True, name="外人", birth="19930101")
    bad = m.post(
        f"/employment/workshops/{recognised.pk}/claims/new/",
        {
            "kind": "workshop_subsidy",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "lines": f"{outsider.id_number} 6",
        },
    )
    assert bad.status_code == 422 and "不在该车间的工人名册上" in bad.content.decode()
    evidence = SimpleUploadedFile("工资表.pdf", b"%PDF-1.4 wages", content_type="application/pdf")
    response = m.post(
        f"/employment/workshops/{recognised.pk}/claims/new/",
        {
            "kind": "workshop_subsidy",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "evidence": evidence,
        },
    )
    claim = SubsidyClaim.objects.get()
    assert response.status_code == 302 and claim.evidence.name.endswith(".pdf")
    page = m.get(f"/employment/workshops/claims/{claim.pk}/").content.decode()
    assert "14000.00" in page and "ahjinzhai" in page and 'data-testid="claim-approve"' not in page
    m.post(f"/employment/workshops/claims/{claim.pk}/", {"action": "submit"})
    admin = login(world.wz_admin)
    assert admin.get(f"/employment/workshops/claims/{claim.pk}/evidence/").getvalue() == b"%PDF-1.4 wages"
    admin.post(f"/employment/workshops/claims/{claim.pk}/", {"action": "approve"})
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    over = admin.post(
        f"/employment/workshops/claims/{claim.pk}/",
        {"action": "pay", "paid_on": today, "amount": "99999", "reference": "P-1"},
    )
    assert over.status_code == 422 and "发放金额不能超过核算金额" in over.content.decode()
    admin.post(
        f"/employment/workshops/claims/{claim.pk}/",
        {"action": "pay", "paid_on": today, "amount": "14000", "reference": "P-1"},
    )
    claim.refresh_from_db()
    assert claim.state == "paid" and claim.payment_reference == "P-1"


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_and_the_page_do_not_query_per_row(world, staffed):
    c = login(world.wz_admin)
    list_before = _queries(c, "/employment/workshops/")
    page_before = _queries(c, f"/employment/workshops/{staffed.pk}/")
    from lnob.areas.models import Area
    from lnob.employment.workshops import services

    for i in range(5):
        other = services.workshop_create(
            actor=world.wz_admin,
            employer=make_employer(world.wz_admin, WZ, 20 + i),
            name=f"车间{i}",
            type="farming",
            village=Area.objects.get(code=WZ_V1),
        )
        hire(
            world.wz_admin,
            other,
            make_worker(world.wz_cadre, WZ_V1, poor=True, name=f"乙{i}", birth=f"196{i}0101"),
            D(2026, 1, 1),
        )
    for i in range(4):
        hire(
            world.wz_admin,
            staffed,
            make_worker(world.wz_cadre, WZ_V1, poor=False, name=f"丙{i}", birth=f"195{i}0101"),
            D(2026, 1, 1),
        )
    assert _queries(c, "/employment/workshops/") == list_before
    assert _queries(c, f"/employment/workshops/{staffed.pk}/") == page_before
    # the page asks once more than the list: which of the workers the viewer may see by name
    assert list_before <= 14 and page_before <= 15, (list_before, page_before)


@pytest.mark.parametrize("user", ["wz_cadre", "zx_auditor"])
def test_readers_without_the_right_get_no_action_buttons(world, staffed, user):
    html = login(getattr(world, user)).get(f"/employment/workshops/{staffed.pk}/")
    if user == "zx_auditor":
        assert html.status_code == 404
    else:
        assert (
            'data-testid="join"' not in html.content.decode()
            and 'data-testid="recognise"' not in html.content.decode()
        )
