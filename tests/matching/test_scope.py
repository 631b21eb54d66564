"""Job matching stays inside the user's areas: a run over an area outside them is not found (the
service, the screen and the API alike); a run, a line or a referral of another county answers 404;
a village cadre sees the county's run, but only the lines of their own village."""

from __future__ import annotations

from typing import Any

import pytest

from lnob.core.errors import NotFound
from lnob.matching import services
from lnob.matching.models import MatchLine, MatchRun, Referral
from tests.personas import WZ, WZ_V1, ZX, ZX_V1, ZX_V2

from .helpers import api, client, lines, make_employer, make_vacancy, resident, run

pytestmark = pytest.mark.django_db
BASE = "/api/v1/matching"


@pytest.fixture
def county_runs(world) -> dict[str, Any]:
    """A run over 镇雄 (泼机甲 of 泼机村, 海子乙 of 海子村, both proposed) and one over 万州 (万州丙,
    proposed and referred to the employer by 万州's cadre)."""
    make_vacancy(world.zx_admin, make_employer(world.zx_admin, 1, "镇雄电子厂"), title="装配工", headcount=5)
    make_vacancy(
        world.wz_admin, make_employer(world.wz_admin, 2, "万州食品厂", county=WZ), title="包装工", headcount=5
    )
    resident(world.zx_cadre1, ZX_V1, "泼机甲")
    resident(world.zx_cadre2, ZX_V2, "海子乙")
    resident(world.wz_cadre, WZ_V1, "万州丙")
    zx, wz = run(world.zx_admin, ZX), run(world.wz_admin, WZ)
    wz_line = lines(wz)["万州丙"]
    referral = services.referral_create(actor=world.wz_cadre, line=wz_line, via="employer")
    return {"zx": zx, "wz": wz, "zx_lines": lines(zx), "wz_line": wz_line, "wz_referral": referral}


def test_a_run_over_an_area_outside_ones_own_is_not_found(world) -> None:
    for actor, area in [
        (world.zx_township, WZ),  # another county
        (world.zx_township, ZX),  # the county above the township
        (world.zx_cadre1, ZX_V1),  # a village cadre does not manage employment, even at home
        (world.zx_cadre1, ZX_V2),
        (world.wz_admin, ZX_V1),
    ]:
        with pytest.raises(NotFound):
            services.run_start(actor=actor, area_code=area, inline=True)
    assert not MatchRun.objects.exists()


def test_the_screen_refuses_a_run_outside_ones_areas(world) -> None:
    refused = client(world.zx_cadre1).post("/matching/", {"area": ZX_V1})
    assert refused.status_code == 404
    # the township officer's form offers only the township: another county's code is not a choice
    page = client(world.zx_township).post("/matching/", {"area": WZ})
    assert page.status_code == 200
    assert 'data-testid="field-error"' in page.content.decode()
    assert not MatchRun.objects.exists()


def _post(user: Any, url: str, body: dict[str, Any]) -> Any:
    return api(user).post(url, body, content_type="application/json")


def test_the_api_refuses_a_run_outside_ones_areas(world) -> None:
    assert _post(world.zx_township, f"{BASE}/runs", {"area": WZ, "wait": True}).status_code == 404
    assert _post(world.zx_township, f"{BASE}/runs", {"area": ZX, "wait": True}).status_code == 404
    assert _post(world.zx_cadre1, f"{BASE}/runs", {"area": ZX_V1, "wait": True}).status_code == 404
    assert not MatchRun.objects.exists()
    made = _post(world.zx_township, f"{BASE}/runs", {"area": ZX_V1, "wait": True})
    assert made.status_code == 201 and made.json()["area"] == ZX_V1 and made.json()["status"] == "done"


def test_another_countys_run_line_and_referral_are_not_found(world, county_runs) -> None:
    wz, line, referral = county_runs["wz"], county_runs["wz_line"], county_runs["wz_referral"]
    for user in (world.zx_township, world.zx_cadre1, world.zx_admin):
        screen = client(user)
        for url in (
            f"/matching/runs/{wz.pk}/",
            f"/matching/runs/{wz.pk}/status/",
            f"/matching/lines/{line.pk}/",
            f"/matching/referrals/{referral.pk}/",
        ):
            assert screen.get(url).status_code == 404, (user.username, url)
        rest = api(user)
        for url in (
            f"{BASE}/runs/{wz.pk}",
            f"{BASE}/runs/{wz.pk}/lines",
            f"{BASE}/runs/{wz.pk}/fairness",
            f"{BASE}/referrals/{referral.pk}",
        ):
            assert rest.get(url).status_code == 404, (user.username, url)
        assert _post(user, f"{BASE}/lines/{line.pk}/refer", {"via": "employer"}).status_code == 404
        assert wz.pk not in [r["id"] for r in rest.get(f"{BASE}/runs").json()["items"]]
        assert "万州丙" not in screen.get("/matching/referrals/?state=all").content.decode()
    assert Referral.objects.count() == 1


def test_a_village_cadre_sees_the_county_run_with_only_their_villages_lines(world, county_runs) -> None:
    zx = county_runs["zx"]
    rest = api(world.zx_cadre2)
    assert rest.get(f"{BASE}/runs/{zx.pk}").json()["figures"]["seekers"] == 2  # counts of the whole run
    listed = rest.get(f"{BASE}/runs/{zx.pk}/lines?reason=matched")
    assert listed.status_code == 200
    assert [(r["name"], r["village"]) for r in listed.json()["items"]] == [("海子乙", ZX_V2)]
    assert "泼机甲" not in listed.content.decode()
    assert rest.get(f"{BASE}/runs/{zx.pk}/lines?village={ZX_V1}").json()["items"] == []

    page = client(world.zx_cadre2).get(f"/matching/runs/{zx.pk}/?show=matched")
    assert page.status_code == 200
    text = page.content.decode()
    assert "海子乙" in text and "泼机甲" not in text
    unmatched = client(world.zx_cadre2).get(f"/matching/runs/{zx.pk}/?show=unmatched")
    assert unmatched.status_code == 200 and "泼机甲" not in unmatched.content.decode()

    other = county_runs["zx_lines"]["泼机甲"]
    assert client(world.zx_cadre2).get(f"/matching/lines/{other.pk}/").status_code == 404
    assert _post(world.zx_cadre2, f"{BASE}/lines/{other.pk}/refer", {"via": "employer"}).status_code == 404
    with pytest.raises(NotFound):
        services.referral_create(actor=world.zx_cadre2, line=other, via="employer")
    assert MatchLine.objects.get(pk=other.pk).state == "proposed"

    # the township officer above both villages sees both
    both = api(world.zx_township).get(f"{BASE}/runs/{zx.pk}/lines").json()["items"]
    assert {r["name"] for r in both} == {"泼机甲", "海子乙"}


def test_a_cadres_referral_of_their_own_village_is_theirs_alone(world, county_runs) -> None:
    line = county_runs["zx_lines"]["泼机甲"]
    referral = services.referral_create(actor=world.zx_cadre1, line=line, via="employer")
    assert api(world.zx_cadre1).get(f"{BASE}/referrals/{referral.pk}").status_code == 200
    assert api(world.zx_cadre2).get(f"{BASE}/referrals/{referral.pk}").status_code == 404
    assert client(world.zx_cadre2).get(f"/matching/referrals/{referral.pk}/").status_code == 404
    assert client(world.zx_cadre1).get(f"/matching/referrals/{referral.pk}/").status_code == 200
    with pytest.raises(NotFound):
        services.referral_interview(actor=world.zx_cadre2, referral=referral)


def test_a_seekers_profile_is_kept_by_their_own_villages_cadre(world, county_runs) -> None:
    seeker = county_runs["zx_lines"]["泼机甲"].person
    url = f"{BASE}/seekers/{seeker.pk}/profile"
    assert client(world.zx_cadre2).get(f"/matching/seekers/{seeker.pk}/").status_code == 404
    assert api(world.zx_cadre2).get(url).status_code == 404
    assert (
        api(world.zx_cadre2).put(url, {"willing": False}, content_type="application/json").status_code == 404
    )
    with pytest.raises(NotFound):
        services.profile_save(actor=world.zx_cadre2, person=seeker, willing=False)
    assert api(world.zx_cadre1).get(url).status_code == 404  # no profile yet
    saved = client(world.zx_cadre1).post(
        f"/matching/seekers/{seeker.pk}/", {"reach": "county", "sectors": "电子"}
    )
    assert saved.status_code == 302
    assert api(world.zx_cadre1).get(url).json() == {
        "person": seeker.pk, "willing": False, "reach": "county", "physical_limit": "", "min_wage": None,
        "sectors": "电子", "note": "",
    }  # fmt: skip
