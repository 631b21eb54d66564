"""Job matching in the browser, the whole loop: the county administrator starts a run and watches
it finish in the background; the village cadre reads the proposal for a villager with its reasons
and the parts of its score, refers it to the employer, records the interview, the offer and the
hire; the hire is a ledger spell, and the employment dashboard counts the referral, the hire and
the household with a worker. The cadre of the other village never sees the villager."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from stdnum.cn import uscc

from tests.personas import PASSWORD, ZX, ZX_V1, ZX_V2, make_household, person, seed_again

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CREDIT_BODY = "91530627MA6K7B8C3"


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(lambda url: not url.endswith("/login/"))


@pytest.fixture
def county(transactional_db: None, world: Any) -> dict[str, Any]:
    from lnob.areas.models import Area
    from lnob.employment import services as ledger

    seed_again()
    # a household with nobody in work in each village; one seeker each, skilled as the vacancy asks
    make_household(
        world.zx_cadre1, ZX_V1, "5306271022010401",
        head=person("19880412", "M", "杨国平", skills="电工"),
        status="out_of_poverty", left_poverty_year=2019,
    )  # fmt: skip
    make_household(
        world.zx_cadre2, ZX_V2, "5306271022020401",
        head=person("19900605", "F", "陈小芳", skills="缝纫"),
        status="out_of_poverty", left_poverty_year=2019,
    )  # fmt: skip
    employer = ledger.employer_create(
        actor=world.zx_admin,
        county=Area.objects.get(code=ZX),
        credit_code=CREDIT_BODY + uscc.calc_check_digit(CREDIT_BODY),
        name="镇雄县电子厂",
        sector="制造业",
    )
    vacancy = ledger.vacancy_create(
        actor=world.zx_admin, employer=employer, title="电子装配工", headcount=2, location="in_county",
        wage_min=Decimal("2800"), wage_max=Decimal("3600"), start=dt.date(2026, 1, 1), skills="电工、缝纫",
        physical="light",
    )  # fmt: skip
    return {"vacancy": vacancy}


def test_run_propose_refer_hire_and_dashboard(
    county: dict[str, Any], browser: Any, live_server: Any, world: Any, worker: Any, shot: Any
) -> None:
    from lnob.employment.models import Spell
    from lnob.measures.refresh import figures_refresh
    from lnob.registry.models import Person
    from lnob.registry.selectors import today

    base = live_server.url
    worker()
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    page.set_default_timeout(20_000)
    try:
        # 1. the county administrator starts a run; the page follows the background task
        _login(page, base, "zx_admin")
        page.goto(f"{base}/matching/")
        page.select_option("select[name=area]", str(ZX))
        page.get_by_test_id("run-start").click()
        expect(page.get_by_test_id("run-figures")).to_be_visible()
        expect(page.get_by_test_id("matched")).to_have_text("2")
        expect(page.get_by_test_id("fairness")).to_contain_text("性别")
        shot(page, "matching-run")
        run_url = page.url
        page.get_by_role("button", name="退出 zx_admin").click()

        # 2. the cadre of 泼机村 sees their villager's proposal, and only theirs
        _login(page, base, "zx_cadre1")
        page.goto(run_url)
        lines = page.get_by_test_id("lines")
        expect(lines).to_contain_text("杨国平")
        expect(lines).not_to_contain_text("陈小芳")
        lines.get_by_role("link", name="杨国平").click()
        expect(page.get_by_test_id("proposal")).to_contain_text("电子装配工")
        expect(page.get_by_test_id("score-parts")).to_contain_text("技能匹配")
        expect(page.get_by_test_id("constraints")).to_contain_text("年龄符合")
        shot(page, "matching-proposal")
        page.select_option("select[name=via]", "employer")
        page.get_by_test_id("refer").click()

        # 3. the referral's outcome, step by step; a hire is a spell in the ledger
        expect(page.get_by_test_id("referral-state")).to_have_text("待面试")
        page.get_by_test_id("action-interview").get_by_role("button", name="保存").click()
        expect(page.get_by_test_id("referral-state")).to_have_text("已面试")
        page.fill("input[name=offer-wage]", "3200")
        page.get_by_test_id("action-offer").get_by_role("button", name="保存").click()
        expect(page.get_by_test_id("referral-state")).to_have_text("拟录用")
        page.fill("input[name=hire-start]", today().isoformat())
        page.get_by_test_id("action-hire").get_by_role("button", name="保存").click()
        expect(page.get_by_test_id("referral-state")).to_have_text("已上岗")
        expect(page.get_by_test_id("hired-spell")).to_contain_text("已记入就业台账")
        shot(page, "matching-hired")
        worker_person = Person.objects.get(name="杨国平")
        spell = Spell.objects.get(person=worker_person, end__isnull=True, status="employed")
        assert spell.employer_id == county["vacancy"].employer_id
        assert spell.monthly_wage == Decimal("3200")

        # 4. the cadre of 海子村 cannot open 杨国平's proposal or referral
        page.get_by_role("button", name="退出 zx_cadre1").click()
        _login(page, base, "zx_cadre2")
        page.goto(run_url)
        expect(page.get_by_test_id("lines")).not_to_contain_text("杨国平")
        response = page.goto(f"{base}/matching/referrals/")
        expect(page.get_by_test_id("referrals")).not_to_contain_text("杨国平")
        assert response is not None and response.status == 200

        # 5. the dashboard counts the referral, the hire and the household with a worker
        figures_refresh(actor=None, area_code=ZX, month=today().replace(day=1))
        page.get_by_role("button", name="退出 zx_cadre2").click()
        _login(page, base, "zx_admin")
        page.goto(f"{base}/measures/employment/?area={ZX_V1}")
        section = page.get_by_text("岗位匹配与推荐")
        expect(section).to_be_visible()
        expect(page.locator("body")).to_contain_text("经推荐有人就业的家庭")
        shot(page, "matching-dashboard")
    finally:
        desk.close()


def test_a_cadre_records_a_seekers_own_constraints(
    county: dict[str, Any], browser: Any, live_server: Any
) -> None:
    """The seeker's profile from the person's page: a wrong wage is refused on its field, then
    "home only" is saved and the next run offers him only home-based work (there is none here)."""
    from lnob.matching import services
    from lnob.matching.models import MatchLine, SeekerProfile
    from lnob.registry.models import Person

    base = live_server.url
    seeker = Person.objects.get(name="杨国平")
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    try:
        _login(page, base, "zx_cadre1")
        page.goto(f"{base}/persons/{seeker.pk}/")
        page.get_by_test_id("seeker-profile").click()
        page.select_option("select[name=reach]", "home")
        page.fill("input[name=min_wage]", "-100")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_test_id("field-error")).to_be_visible()
        assert not SeekerProfile.objects.filter(person=seeker).exists()
        page.fill("input[name=min_wage]", "2500")
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(f"{base}/persons/{seeker.pk}/")
    finally:
        desk.close()
    profile = SeekerProfile.objects.get(person=seeker)
    assert (profile.reach, int(profile.min_wage or 0)) == ("home", 2500)
    admin = get_user_model().objects.get(username="zx_admin")
    run = services.run_start(actor=admin, area_code=ZX, inline=True)
    line = MatchLine.objects.get(run=run, person=seeker)
    assert (line.reason, line.vacancy_id) == ("no_travel", None)
