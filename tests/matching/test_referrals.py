"""The referral loop: a proposal sent on to the employer, through a job fair that offers it or a
workstation of the county opens a fairs application (source "referral") that runs to the hire and
its ledger spell, or to a rejection or a decline with its reason; a public-welfare post is taken up
by the post's agreement. And the dashboards provider's counts of referrals, hires and households."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from lnob.areas.models import Area
from lnob.core.errors import DomainError, NotFound
from lnob.employment.fairs import services as fairs
from lnob.employment.fairs.models import Application
from lnob.employment.models import Spell
from lnob.employment.posts import services as posts
from lnob.employment.posts.models import Agreement
from lnob.employment.workshops import services as workshops
from lnob.employment.workstations import services as workstations
from lnob.matching import selectors, services
from lnob.matching.figures import matching_figures
from lnob.matching.models import MatchLine, Referral
from lnob.registry.selectors import today
from tests.personas import WZ, ZX, ZX_V1, ZX_V2

from .helpers import D, api, client, household_of, lines, make_employer, make_vacancy, resident, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(world) -> dict[str, Any]:
    """镇雄 with an in-county factory job (18-42), a Dongguan shoe-factory job (18-55) and a cleaner's
    post of 泼机村 (for partial labour capacity of poor households). The run proposes:
    本地甲, 本地乙 (34, may only go within the county) -> the factory; 外出丙 (48, 泼机村) and
    外出丁 (48, 海子村) -> Dongguan; 王秀英 (56, chronic illness, out-of-poverty) -> the post."""
    a, c1, c2 = world.zx_admin, world.zx_cadre1, world.zx_cadre2
    factory = make_employer(a, 1, "镇雄电子厂", sector="电子")
    shoes = make_employer(a, 2, "东莞鞋厂", sector="制鞋")
    local = make_vacancy(a, factory, title="装配工", headcount=3, age_max=42, destination="镇雄县工业园区")
    far = make_vacancy(
        a, shoes, title="制鞋工", location="out_of_province", headcount=3, age_max=55,
        destination="广东省东莞市", wage_min=Decimal(4500), wage_max=Decimal(6000),
    )  # fmt: skip
    post = posts.post_create(
        actor=world.zx_township, village=Area.objects.get(code=ZX_V1), title="保洁员", post_type="ordinary",
        monthly_pay=Decimal("500"), hours_per_month=80, places=2, funding="linkage_funds",
        opened_on=D(2026, 1, 1),
    )  # fmt: skip
    for name in ("本地甲", "本地乙"):
        services.profile_save(
            actor=c1, person=resident(c1, ZX_V1, name, birth="19920606"), willing=True, reach="county"
        )
    resident(c1, ZX_V1, "外出丙", birth="19780808")
    resident(c2, ZX_V2, "外出丁", birth="19780909", sex="F")
    resident(c1, ZX_V1, "王秀英", birth="19700315", sex="F", health="chronic", status="out_of_poverty")
    done = run(a)
    got = lines(done)
    assert {n: (line.vacancy_id, line.post_id) for n, line in got.items()} == {
        "本地甲": (local.pk, None), "本地乙": (local.pk, None), "外出丙": (far.pk, None),
        "外出丁": (far.pk, None), "王秀英": (None, post.pk),
    }  # fmt: skip
    return {
        "run": done,
        "lines": got,
        "factory": factory,
        "shoes": shoes,
        "local": local,
        "far": far,
        "post": post,
    }


def _refresh(line: MatchLine) -> MatchLine:
    return MatchLine.objects.get(pk=line.pk)


def _hire(actor: Any, referral: Referral, wage: str = "4000") -> Application:
    """Interviewed, offered and hired today."""
    services.referral_interview(actor=actor, referral=referral)
    services.referral_offer(actor=actor, referral=referral, wage=Decimal(wage))
    return services.referral_hire(actor=actor, referral=referral, start=today())


def test_a_referral_to_the_employer_runs_from_interview_to_the_hire_and_its_spell(world, proposals) -> None:
    c1, line = world.zx_cadre1, proposals["lines"]["本地甲"]
    referral = services.referral_create(actor=c1, line=line, via="employer")
    application = referral.application
    assert (application.source, application.state, application.person_id, application.vacancy_id) == (
        "referral", "applied", line.person_id, proposals["local"].pk,
    )  # fmt: skip
    assert _refresh(line).state == "referred" and selectors.referral_state(referral) == "applied"

    day = today()
    services.referral_interview(actor=c1, referral=referral, on=day)
    services.referral_offer(actor=c1, referral=referral, wage=Decimal("3600"), on=day)
    services.referral_hire(actor=c1, referral=referral, start=day)
    application.refresh_from_db()
    assert application.state == "hired"
    spell = Spell.objects.get(person_id=line.person_id)
    assert spell == application.spell
    assert (spell.status, spell.employer_id, spell.location, spell.destination, spell.start, spell.end) == (
        "employed", proposals["factory"].pk, "in_county", "镇雄县工业园区", day, None,
    )  # fmt: skip
    assert spell.monthly_wage == Decimal("3600")
    # no workshop of the employer: the county's organised placement
    assert spell.channel == services.hire_channel(referral) == "organised_export"

    shown = api(c1).get(f"/api/v1/matching/referrals/{referral.pk}").json()
    assert (shown["state"], shown["spell"], shown["application"], shown["via"]) == (
        "hired", spell.pk, application.pk, "employer",
    )  # fmt: skip


def test_a_workshops_employer_hires_through_the_workshop_channel(world, proposals) -> None:
    workshops.workshop_create(
        actor=world.zx_admin, employer=proposals["factory"], name="泼机村电子车间", type="factory",
        village=Area.objects.get(code=ZX_V1),
    )  # fmt: skip
    referral = services.referral_create(
        actor=world.zx_cadre1, line=proposals["lines"]["本地乙"], via="employer"
    )
    assert services.hire_channel(referral) == "workshop"
    application = _hire(world.zx_cadre1, referral)
    assert application.spell.channel == "workshop"
    assert application.spell.employer_id == proposals["factory"].pk


def test_a_rejection_and_a_decline_carry_their_reasons(world, proposals) -> None:
    c1 = world.zx_cadre1
    rejected = services.referral_create(actor=c1, line=proposals["lines"]["本地甲"], via="employer")
    services.referral_interview(actor=c1, referral=rejected)
    with pytest.raises(DomainError) as wrong:  # "too far" is the person's reason, not the employer's
        services.referral_reject(actor=c1, referral=rejected, reason="distance")
    assert wrong.value.field == "reason"
    services.referral_reject(actor=c1, referral=rejected, reason="skills")
    rejected.application.refresh_from_db()
    assert (rejected.application.state, rejected.application.reason) == ("rejected", "skills")
    with pytest.raises(DomainError) as ended:
        services.referral_hire(actor=c1, referral=rejected, start=today())
    assert ended.value.field == "state"

    declined = services.referral_create(actor=c1, line=proposals["lines"]["外出丙"], via="employer")
    services.referral_decline(actor=c1, referral=declined, reason="distance")
    declined.application.refresh_from_db()
    assert (declined.application.state, declined.application.reason) == ("declined", "distance")
    assert selectors.referral_state(declined) == "declined"
    assert not Spell.objects.exists()


def test_a_job_fair_referral_of_someone_who_applied_there_already_is_refused(world, proposals) -> None:
    line, c1 = proposals["lines"]["外出丙"], world.zx_cadre1
    fair = fairs.fair_create(
        actor=world.zx_admin, area=Area.objects.get(code=ZX), name="冬季招聘会", start=today(),
        venue="县体育馆", village=Area.objects.get(code=ZX_V1),
    )  # fmt: skip
    recruiter = fairs.recruiter_add(actor=world.zx_admin, fair=fair, employer=proposals["shoes"], booth="A1")
    fairs.fair_vacancy_link(actor=world.zx_admin, recruiter=recruiter, vacancy=proposals["far"])
    fairs.attendee_register(actor=c1, fair=fair, person=line.person, vacancies=[proposals["far"]])
    with pytest.raises(DomainError) as twice:
        services.referral_create(actor=c1, line=line, via="job_fair", fair=fair)
    assert twice.value.field == "fair" and "已登记过" in str(twice.value.message)
    assert (Referral.objects.count(), Application.objects.count(), _refresh(line).state) == (0, 1, "proposed")
    assert services.referral_create(actor=c1, line=line, via="employer").application.attendee is None


def test_a_job_fair_referral_needs_a_fair_that_offers_the_vacancy(world, proposals) -> None:
    line, c1 = proposals["lines"]["外出丙"], world.zx_cadre1
    fair = fairs.fair_create(
        actor=world.zx_admin, area=Area.objects.get(code=ZX), name="冬季招聘会", start=today(),
        venue="县体育馆", village=Area.objects.get(code=ZX_V1),
    )  # fmt: skip
    with pytest.raises(DomainError) as unnamed:
        services.referral_create(actor=c1, line=line, via="job_fair")
    assert unnamed.value.field == "fair"
    with pytest.raises(DomainError) as absent:  # the shoe factory does not recruit at this fair
        services.referral_create(actor=c1, line=line, via="job_fair", fair=fair)
    assert absent.value.field == "fair"
    assert (Referral.objects.count(), Application.objects.count(), _refresh(line).state) == (0, 0, "proposed")

    recruiter = fairs.recruiter_add(actor=world.zx_admin, fair=fair, employer=proposals["shoes"], booth="A1")
    fairs.fair_vacancy_link(actor=world.zx_admin, recruiter=recruiter, vacancy=proposals["far"])
    past = fairs.fair_create(
        actor=world.zx_admin, area=Area.objects.get(code=ZX), name="秋季招聘会",
        start=today() - dt.timedelta(days=60), venue="县体育馆", village=Area.objects.get(code=ZX_V1),
    )  # fmt: skip
    held = fairs.recruiter_add(actor=world.zx_admin, fair=past, employer=proposals["shoes"], booth="B2")
    fairs.fair_vacancy_link(actor=world.zx_admin, recruiter=held, vacancy=proposals["far"])
    with pytest.raises(DomainError) as over:  # two months ago: nobody can be sent there now
        services.referral_create(actor=c1, line=line, via="job_fair", fair=past)
    assert over.value.field == "fair" and "已结束" in str(over.value.message)
    refused = api(c1).post(
        f"/api/v1/matching/lines/{line.pk}/refer", {"via": "job_fair", "fair": past.pk},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "fair"
    screen = client(c1).get(f"/matching/lines/{line.pk}/").content.decode()
    assert "冬季招聘会" in screen and "秋季招聘会" not in screen  # the form offers the fair to come
    referral = services.referral_create(actor=c1, line=line, via="job_fair", fair=fair)
    assert referral.fair_id == fair.pk and referral.application.source == "referral"
    # the person is on the fair's list of attendees, their application under it
    assert referral.application.attendee is not None and referral.application.attendee.fair_id == fair.pk
    assert list(fair.attendees.values_list("person_id", flat=True)) == [line.person_id]
    application = _hire(c1, referral)
    assert application.spell.channel == "job_fair"
    assert (application.spell.location, application.spell.employer_id) == (
        "out_of_province",
        proposals["shoes"].pk,
    )


def test_a_workstation_referral_needs_a_station_of_the_county(world, proposals) -> None:
    line, c2 = proposals["lines"]["外出丁"], world.zx_cadre2
    theirs = workstations.station_create(
        actor=world.wz_admin, county=Area.objects.get(code=WZ), name="万州区驻东莞劳务工作站",
        destination_city="东莞市", opened_on=D(2022, 1, 1),
    )  # fmt: skip
    ours = workstations.station_create(
        actor=world.zx_admin, county=Area.objects.get(code=ZX), name="镇雄县驻东莞劳务工作站",
        destination_city="东莞市", destination_province="广东省", opened_on=D(2021, 3, 1),
    )  # fmt: skip
    with pytest.raises(DomainError) as unnamed:
        services.referral_create(actor=c2, line=line, via="workstation")
    assert unnamed.value.field == "station"
    with pytest.raises(NotFound):
        services.referral_create(actor=c2, line=line, via="workstation", station=theirs)
    assert (Referral.objects.count(), Application.objects.count()) == (0, 0)

    referral = services.referral_create(actor=c2, line=line, via="workstation", station=ours)
    assert referral.station_id == ours.pk
    assert services.hire_channel(referral) == "organised_export"
    spell = _hire(c2, referral).spell
    assert (spell.channel, spell.location, spell.employer_id) == (
        "organised_export",
        "out_of_province",
        proposals["shoes"].pk,
    )


def test_a_post_is_referred_as_a_post_and_taken_up_by_its_agreement(world, proposals) -> None:
    post_line, vacancy_line = proposals["lines"]["王秀英"], proposals["lines"]["本地甲"]
    with pytest.raises(DomainError) as wrong:
        services.referral_create(actor=world.zx_cadre1, line=post_line, via="employer")
    assert wrong.value.field == "via"
    with pytest.raises(DomainError) as wrong:
        services.referral_create(actor=world.zx_cadre1, line=vacancy_line, via="post")
    assert wrong.value.field == "via"
    assert not Referral.objects.exists()

    referral = services.referral_create(actor=world.zx_cadre1, line=post_line, via="post")
    assert referral.application is None and _refresh(post_line).state == "referred"
    assert selectors.referral_state(referral) == "applied"
    start = today()
    agreement = services.referral_sign(
        actor=world.zx_township, referral=referral, start=start, end=start + dt.timedelta(days=300)
    )
    assert Agreement.objects.get().pk == agreement.pk
    assert (agreement.person_id, agreement.post_id) == (post_line.person_id, proposals["post"].pk)
    spell = agreement.spell
    assert (spell.person_id, spell.status, spell.channel, spell.location, spell.start) == (
        post_line.person_id, "public_welfare", "public_welfare", "in_county", start,
    )  # fmt: skip
    referral.refresh_from_db()
    assert referral.agreement_id == agreement.pk and selectors.referral_state(referral) == "hired"
    with pytest.raises(DomainError):  # signed already
        services.referral_decline(actor=world.zx_township, referral=referral, reason="family")


def test_a_post_referral_declined_keeps_the_reason(world, proposals) -> None:
    referral = services.referral_create(actor=world.zx_cadre1, line=proposals["lines"]["王秀英"], via="post")
    with pytest.raises(DomainError) as empty:
        services.referral_decline(actor=world.zx_cadre1, referral=referral, reason="")
    assert empty.value.field == "reason"
    services.referral_decline(actor=world.zx_cadre1, referral=referral, reason="family", note="要照顾老人")
    referral.refresh_from_db()
    assert referral.declined_on == today() and referral.declined_reason == "需照顾家庭 要照顾老人"
    assert selectors.referral_state(referral) == "declined"


def test_a_line_is_referred_once(world, proposals) -> None:
    line = proposals["lines"]["本地甲"]
    services.referral_create(actor=world.zx_cadre1, line=line, via="employer")
    with pytest.raises(DomainError) as again:
        services.referral_create(actor=world.zx_cadre1, line=line, via="employer")
    assert again.value.field == "line"
    refused = api(world.zx_cadre1).post(
        f"/api/v1/matching/lines/{line.pk}/refer", {"via": "employer"}, content_type="application/json"
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "line"
    assert (Referral.objects.count(), Application.objects.count()) == (1, 1)
    dismissed = proposals["lines"]["本地乙"]
    services.line_dismiss(actor=world.zx_cadre1, line=dismissed)
    with pytest.raises(DomainError):
        services.referral_create(actor=world.zx_cadre1, line=dismissed, via="employer")


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def test_the_dashboards_count_referrals_hires_and_households_with_a_worker(world, proposals) -> None:
    got, c1, c2, day = proposals["lines"], world.zx_cadre1, world.zx_cadre2, today()
    hired = services.referral_create(actor=c1, line=got["本地甲"], via="employer")
    _hire(c1, hired)
    declined = services.referral_create(actor=c1, line=got["外出丙"], via="employer")
    services.referral_decline(actor=c1, referral=declined, reason="distance")
    services.referral_create(actor=c1, line=got["本地乙"], via="employer")  # waiting for its interview
    post = services.referral_create(actor=c1, line=got["王秀英"], via="post")
    services.referral_sign(
        actor=world.zx_township, referral=post, start=day, end=day + dt.timedelta(days=300)
    )
    abroad = services.referral_create(actor=c2, line=got["外出丁"], via="employer")
    _hire(c2, abroad)

    # made at noon in 镇雄; the test below covers a referral made early on the 1st
    Referral.objects.update(created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))))
    frame = matching_figures(ZX, _month_end(day))
    figures = {(v, m): x for v, m, x in frame.iter_rows()}
    assert figures == {
        (ZX_V1, "matching.referrals_month"): 4.0,
        (ZX_V1, "matching.hires_month"): 2.0,
        (ZX_V1, "matching.households_with_worker"): 2.0,
        (ZX_V2, "matching.referrals_month"): 1.0,
        (ZX_V2, "matching.hires_month"): 1.0,
        (ZX_V2, "matching.households_with_worker"): 1.0,
    }
    assert household_of(got["本地甲"].person) != household_of(got["王秀英"].person)
    # the month before: nothing referred yet
    assert matching_figures(ZX, day.replace(day=1) - dt.timedelta(days=1)).height == 0
    # another county's figures hold none of these
    assert matching_figures(WZ, _month_end(day)).height == 0


def test_a_referral_made_early_on_the_first_of_a_month_counts_in_that_month(world, proposals) -> None:
    referral = services.referral_create(
        actor=world.zx_cadre1, line=proposals["lines"]["本地甲"], via="employer"
    )
    early = dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)  # 2026-12-01 04:00 in 镇雄
    Referral.objects.filter(pk=referral.pk).update(created_at=early)
    november = matching_figures(ZX, D(2026, 11, 30))
    december = {(v, m): x for v, m, x in matching_figures(ZX, D(2026, 12, 31)).iter_rows()}
    assert november.height == 0
    assert december.get((ZX_V1, "matching.referrals_month")) == 1.0


def test_the_screens_refer_a_proposal_and_record_its_hire(world, proposals) -> None:
    line, screen = proposals["lines"]["本地甲"], client(world.zx_cadre1)
    page = screen.get(f"/matching/lines/{line.pk}/")
    assert page.status_code == 200 and "本地甲" in page.content.decode()
    wrong = screen.post(f"/matching/lines/{line.pk}/", {"via": "post"})  # not offered for a vacancy
    assert wrong.status_code == 200 and list(wrong.context["form"].errors) == ["via"]
    assert not Referral.objects.exists()

    sent = screen.post(f"/matching/lines/{line.pk}/", {"via": "employer", "note": "本人同意"})
    referral = Referral.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/matching/referrals/{referral.pk}/"
    url = sent["Location"]
    assert screen.post(url, {"action": "interview", "interview-on": ""}).status_code == 302
    no_wage = screen.post(url, {"action": "offer", "offer-wage": ""})
    assert no_wage.status_code == 200 and list(no_wage.context["forms"]["offer"].errors) == ["wage"]
    assert screen.post(url, {"action": "offer", "offer-wage": "3500"}).status_code == 302
    assert screen.post(url, {"action": "hire", "hire-start": today().isoformat()}).status_code == 302
    shown = screen.get(url).content.decode()
    assert 'data-testid="hired-spell"' in shown and 'data-testid="action-hire"' not in shown
    spell = Spell.objects.get(person_id=line.person_id)
    assert (spell.employer_id, spell.monthly_wage, spell.channel) == (
        proposals["factory"].pk, Decimal("3500"), "organised_export",
    )  # fmt: skip
    assert screen.post(url, {"action": "decline", "decline-reason": "wage"}).status_code == 404  # ended


def test_a_village_cadre_refers_a_post_and_the_township_signs_it(world, proposals) -> None:
    """Signing a post's agreement is the township's (posts.agreement_sign wants the employment
    role): the cadre who referred it is answered 404 and nothing is signed."""
    referral = services.referral_create(actor=world.zx_cadre1, line=proposals["lines"]["王秀英"], via="post")
    start = today()
    end = start + dt.timedelta(days=90)
    with pytest.raises(NotFound):
        services.referral_sign(actor=world.zx_cadre1, referral=referral, start=start, end=end)
    assert not Agreement.objects.exists()
    signed = client(world.zx_township).post(
        f"/matching/referrals/{referral.pk}/",
        {"action": "sign", "sign-start": start.isoformat(), "sign-end": end.isoformat()},
    )
    assert signed.status_code == 302
    assert Agreement.objects.get().person_id == referral.person_id


def test_a_village_cadre_is_not_offered_a_sign_form_they_cannot_use(world, proposals) -> None:
    referral = services.referral_create(actor=world.zx_cadre1, line=proposals["lines"]["王秀英"], via="post")
    page = client(world.zx_cadre1).get(f"/matching/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert 'data-testid="action-sign"' not in page.content.decode()


def test_a_hire_fills_a_place_for_the_next_run(world, proposals) -> None:
    _hire(
        world.zx_cadre1,
        services.referral_create(actor=world.zx_cadre1, line=proposals["lines"]["本地甲"], via="employer"),
    )
    assert proposals["run"].figures["places"] == 3 + 3 + 2
    later = run(world.zx_admin, as_of=today())
    assert later.figures["places"] == 2 + 3 + 2  # the factory's places less its hire
    assert "本地甲" not in lines(later)  # in full-time work now: no longer a seeker
    assert later.figures["seekers"] == 4


def test_the_fairness_table_adds_the_runs_referrals_and_hires(world, proposals) -> None:
    c1, got = world.zx_cadre1, proposals["lines"]
    _hire(c1, services.referral_create(actor=c1, line=got["本地甲"], via="employer"))
    services.referral_create(actor=c1, line=got["外出丙"], via="employer")
    rows = api(c1).get(f"/api/v1/matching/runs/{proposals['run'].pk}/fairness").json()
    table = {
        (r["dimension"], r["group"]): (r["seekers"], r["matched"], r["referred"], r["hired"]) for r in rows
    }
    # five seekers: all 汉族 and none disabled; 3 men and 2 women, merged as "other" (under five)
    assert table[("ethnicity", "汉族")] == (5, 5, 2, 1)
    assert table[("disabled", "no")] == (5, 5, 2, 1)
    assert table[("sex", "other")] == (5, 5, 2, 1)
    for dimension in ("sex", "ethnicity", "age_band", "disabled"):
        assert sum(s for (d, _g), (s, *_rest) in table.items() if d == dimension) == 5
