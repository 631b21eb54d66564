"""A run end to end (services.run_start, inline) over small hand-built counties of 镇雄's two
villages: a line for every seeker, proposals within each vacancy's places and constraints, the
household-first priority, a reason code for everyone left unmatched, the figures and the fairness
table, and a vacancy's lawful requirement of sex as the only use of a seeker's sex."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Case, Value, When

from lnob.engine.match import reasons
from lnob.matching import services
from lnob.matching.models import MatchLine
from lnob.registry.models import Person
from tests.personas import ZX, ZX_V1, ZX_V2

from .helpers import (
    api,
    client,
    household_of,
    lines,
    make_employer,
    make_vacancy,
    member,
    outcome,
    resident,
    run,
    work,
)

pytestmark = pytest.mark.django_db


def test_every_seeker_gets_a_line_and_a_vacancy_takes_no_more_than_its_places(world) -> None:
    factory = make_employer(world.zx_admin, 1, "东莞华宏电子厂", sector="电子")
    make_vacancy(world.zx_admin, factory, title="装配工", location="out_of_province", headcount=2)
    for k, (cadre, village) in enumerate([(world.zx_cadre1, ZX_V1), (world.zx_cadre2, ZX_V2)] * 2):
        resident(cadre, village, f"青年{k}")  # 36, each a household of one: equal priority
    resident(world.zx_cadre2, ZX_V2, "年长者", birth="19740101")  # 52: above every vacancy's age
    work(world.zx_cadre1, resident(world.zx_cadre1, ZX_V1, "在岗者"))  # in work: not a seeker

    done = run(world.zx_admin)
    got = outcome(done)
    assert set(got) == {"青年0", "青年1", "青年2", "青年3", "年长者"}
    assert MatchLine.objects.filter(run=done).count() == done.figures["seekers"] == 5
    young = [got[f"青年{k}"] for k in range(4)]
    assert sorted(young) == [("matched", "装配工")] * 2 + [("taken_equal", "")] * 2
    assert got["年长者"] == ("no_age", "")
    assert (done.figures["matched"], done.figures["places"], done.figures["slots"]) == (2, 2, 1)
    assert done.figures["reasons"] == {"matched": 2, "no_age": 1, "taken_equal": 2}
    assert set(MatchLine.objects.filter(run=done).values_list("reason", flat=True)) <= {
        *reasons.CODES,
        "willing_but_unable",
        "capacity_conflict",
    }
    matched = MatchLine.objects.filter(run=done, reason="matched")
    assert all(line.state == "proposed" and line.score is not None for line in matched)
    assert set(matched.values_list("village_id", flat=True)) <= {ZX_V1, ZX_V2}


def _constraints_county(world) -> None:
    """Two vacancies: assembly work out of the province (anyone 18-45) and an electrician in the
    county (needs the skill 电工, medium physical work)."""
    a, c = world.zx_admin, world.zx_cadre1
    factory = make_employer(a, 1, "东莞华宏电子厂", sector="电子")
    local = make_employer(a, 2, "镇雄水电公司", sector="水电")
    make_vacancy(a, factory, title="装配工", location="out_of_province", headcount=5, wage_min=Decimal(4000),
                 wage_max=Decimal(6000))  # fmt: skip
    make_vacancy(a, local, title="电工", location="in_county", skills="电工", physical="medium", headcount=5)
    resident(c, ZX_V1, "远行")  # full capacity, no profile: may go anywhere
    electrician = resident(c, ZX_V1, "电工", skills="电工")
    services.profile_save(actor=c, person=electrician, willing=True, reach="county")
    services.profile_save(actor=c, person=resident(c, ZX_V1, "无技能"), willing=True, reach="county")
    services.profile_save(actor=c, person=resident(c, ZX_V1, "居家"), willing=True, reach="home")
    resident(c, ZX_V1, "体弱", health="chronic")  # partial: the county, light work only
    resident(c, ZX_V1, "年长", birth="19740101")  # 52
    services.profile_save(actor=c, person=resident(c, ZX_V1, "高薪"), willing=True, min_wage=Decimal("8000"))


def test_proposals_respect_reach_capacity_age_skills_and_wage_with_the_binding_reason(world) -> None:
    _constraints_county(world)
    assert outcome(run(world.zx_admin)) == {
        "远行": ("matched", "装配工"),
        "电工": ("matched", "电工"),
        "无技能": ("no_skill", ""),  # in reach, able, of age: only the electrician's place, without 电工
        "居家": ("no_travel", ""),  # home only, and no vacancy is home-based
        "体弱": ("no_capacity", ""),  # the county's only vacancy is medium work
        "年长": ("no_age", ""),
        "高薪": ("no_wage", ""),  # wants 8000, the best pays 6000
    }


def test_a_home_based_vacancy_suits_everyone_in_its_age_range(world) -> None:
    _constraints_county(world)
    workshop = make_employer(world.zx_admin, 3, "泼机竹编合作社", sector="手工")
    make_vacancy(world.zx_admin, workshop, title="竹编", home_based=True, age_max=55, headcount=4,
                 wage_min=Decimal(1500), wage_max=Decimal(2000))  # fmt: skip
    got = outcome(run(world.zx_admin))
    assert got == {
        "远行": ("matched", "装配工"),
        "电工": ("matched", "电工"),
        "无技能": ("matched", "竹编"),
        "居家": ("matched", "竹编"),
        "体弱": ("matched", "竹编"),
        "年长": ("matched", "竹编"),
        "高薪": ("no_wage", ""),
    }


def test_a_zero_employment_household_gets_the_place_before_one_that_has_a_worker(world) -> None:
    c = world.zx_cadre1
    factory = make_employer(world.zx_admin, 1, "镇雄电子厂", sector="电子")
    vacancy = make_vacancy(world.zx_admin, factory, title="装配工", headcount=1)
    worker = resident(c, ZX_V1, "王一")  # at work: 王's household is not zero-employment
    work(c, worker)
    wang = member(c, worker, "王二", sex="M", birth="19920202")
    services.profile_save(actor=c, person=wang, willing=True, sectors="电子")  # the better fit: prefers 电子
    zhao = resident(world.zx_cadre2, ZX_V2, "赵一")  # nobody of 赵's household in work
    member(world.zx_cadre2, zhao, "赵二")

    done = run(world.zx_admin)
    got = lines(done)
    assert set(got) == {"王二", "赵一", "赵二"}
    assert (got["王二"].priority, got["赵一"].priority, got["赵二"].priority) == (1, 2, 2)
    assert got["王二"].reason == "taken_priority"
    # what 王二 could have had, for the cadre to check: one job, its place taken
    assert (got["王二"].options, got["王二"].best_vacancy_id, got["王二"].best_post_id) == (
        1,
        vacancy.pk,
        None,
    )
    # the matched 赵 has no "best other"; the other 赵's best job is the one their household holds
    assert sorted((got[n].best_vacancy_id or 0) for n in ("赵一", "赵二")) == [0, vacancy.pk]
    assert {got[n].options for n in ("赵一", "赵二")} == {1}
    shown = client(c).get(f"/matching/lines/{got['王二'].pk}/").content.decode()
    assert "可做的岗位 1 个，名额都已用完" in shown and "装配工 · 镇雄电子厂" in shown
    [item] = api(c).get(f"/api/v1/matching/runs/{done.pk}/lines?reason=taken_priority").json()["items"]
    assert (item["name"], item["options"], item["best_vacancy"], item["best_post"]) == (
        "王二",
        1,
        vacancy.pk,
        None,
    )
    zhaos = sorted((got["赵一"].reason, got["赵二"].reason))
    assert zhaos == ["household_covered", "matched"]
    winner = got["赵一"] if got["赵一"].reason == "matched" else got["赵二"]
    assert winner.vacancy_id == vacancy.pk and winner.household_id == household_of(zhao).pk
    assert done.figures["priority_households"] == 1 and done.figures["priority_households_optimal"] == 1

    # a second place goes to 王's household, not to 赵's second member
    vacancy.headcount = 2
    vacancy.save(update_fields=["headcount"])
    second = lines(run(world.zx_admin))
    assert (second["王二"].reason, second["王二"].vacancy_id) == ("matched", vacancy.pk)
    assert sorted((second["赵一"].reason, second["赵二"].reason)) == ["household_covered", "matched"]
    zhao_score = max(second[n].score or 0 for n in ("赵一", "赵二"))
    # 王二 fits better (prefers the employer's sector): priority, not score, decided the first run
    assert second["王二"].score > zhao_score
    assert second["王二"].preference_part == 15


def test_the_optimum_covers_more_households_than_the_greedy_baseline(world) -> None:
    """甲 fits both places but scores best on the factory's; the greedy baseline gives it to 甲 and
    乙, who wants at least 3500, is left out; the optimum sends 甲 to the canteen."""
    c = world.zx_cadre1
    factory = make_employer(world.zx_admin, 1, "镇雄电子厂", sector="电子")
    canteen = make_employer(world.zx_admin, 2, "镇雄食堂", sector="餐饮")
    make_vacancy(world.zx_admin, factory, title="装配工", wage_min=Decimal(4000), wage_max=Decimal(5000))
    make_vacancy(world.zx_admin, canteen, title="帮厨", wage_min=Decimal(2000), wage_max=Decimal(2500))
    services.profile_save(actor=c, person=resident(c, ZX_V1, "甲"), willing=True, sectors="电子")
    services.profile_save(actor=c, person=resident(c, ZX_V1, "乙"), willing=True, min_wage=Decimal(3500))

    done = run(world.zx_admin)
    assert outcome(done) == {"甲": ("matched", "帮厨"), "乙": ("matched", "装配工")}
    f = done.figures
    assert (f["households_optimal"], f["households_greedy"]) == (2, 1)
    assert f["households_optimal"] >= f["households_greedy"]
    assert f["households_weighted_optimal"] == 4 and f["households_weighted_greedy"] == 2


def _mixed_county(world, *, with_lawful: bool = False) -> None:
    """Ten seekers, five women and five men, two of 彝族 and one disabled (grade 4: partial);
    three in-county places; with `with_lawful`, also a place for women only, with its legal basis."""
    factory = make_employer(world.zx_admin, 1, "镇雄电子厂", sector="电子")
    make_vacancy(world.zx_admin, factory, title="装配工", headcount=3, age_max=50)
    if with_lawful:
        make_vacancy(
            world.zx_admin, factory, title="女浴室服务员", headcount=2, age_max=50, sex_required="F",
            requirement_reason="女浴室服务：只招女性",
        )  # fmt: skip
    births = ["19900101", "19850601", "19800301", "19950801", "19760505"]
    for k in range(10):
        cadre, village = (world.zx_cadre1, ZX_V1) if k % 2 else (world.zx_cadre2, ZX_V2)
        extra = {"ethnicity": "彝族"} if k in (3, 4) else {}
        if k == 7:
            extra["disability_grade"] = 4
        resident(cadre, village, f"求职{k}", birth=births[k % 5], sex="F" if k < 5 else "M", **extra)


def test_the_fairness_table_counts_every_seeker_once_in_each_dimension(world) -> None:
    _mixed_county(world)
    done = run(world.zx_admin)
    n = done.figures["seekers"]
    assert n == 10
    assert set(done.fairness) == {"sex", "ethnicity", "age_band", "disabled"}
    for dimension, rows in done.fairness.items():
        assert sum(r["seekers"] for r in rows) == n, dimension
        assert sum(r["matched"] for r in rows) == done.figures["matched"] == 3, dimension
    assert {r["group"]: r["seekers"] for r in done.fairness["sex"]} == {"F": 5, "M": 5}
    # groups under five seekers are merged, so nobody is singled out
    assert {r["group"]: r["seekers"] for r in done.fairness["ethnicity"]} == {"汉族": 8, "other": 2}
    assert {r["group"]: r["seekers"] for r in done.fairness["disabled"]} == {"no": 9, "other": 1}


def test_a_vacancy_for_women_with_its_legal_basis_is_proposed_to_women_only(world) -> None:
    _mixed_county(world, with_lawful=True)
    done = run(world.zx_admin)
    women_only = MatchLine.objects.filter(run=done, vacancy__title="女浴室服务员").select_related("person")
    assert women_only.count() == 2
    assert {line.person.sex for line in women_only} == {"F"}
    assert done.figures["matched"] == 5


def test_a_man_whose_only_vacancy_requires_women_is_told_so(world) -> None:
    factory = make_employer(world.zx_admin, 1, "镇雄电子厂")
    make_vacancy(world.zx_admin, factory, title="女浴室服务员", headcount=2, sex_required="F",
                 requirement_reason="女浴室服务：只招女性")  # fmt: skip
    resident(world.zx_cadre1, ZX_V1, "男工", sex="M")
    resident(world.zx_cadre1, ZX_V1, "女工", sex="F")
    assert outcome(run(world.zx_admin)) == {"男工": ("no_lawful", ""), "女工": ("matched", "女浴室服务员")}


def test_sex_changes_nothing_in_a_run_without_a_lawful_requirement(world) -> None:
    _mixed_county(world)
    before = run(world.zx_admin)
    Person.objects.update(sex=Case(When(sex="F", then=Value("M")), default=Value("F")))
    assert Person.objects.get(name="求职0").sex == "M" and Person.objects.get(name="求职9").sex == "F"
    after = run(world.zx_admin)

    def result(r):
        return {
            (line.person_id, line.reason, line.vacancy_id, line.score, line.priority)
            for line in MatchLine.objects.filter(run=r)
        }

    assert result(before) == result(after)
    assert len(result(after)) == 10
    matched_women_before = {r["group"]: r["matched"] for r in before.fairness["sex"]}["F"]
    assert {r["group"]: r["matched"] for r in after.fairness["sex"]}["M"] == matched_women_before


def test_zero_employment_households_count_as_priority_households_even_when_all_are(world) -> None:
    """Priority is the rule's (monitored or zero-employment), not "above the lowest weight in the run"."""
    factory = make_employer(world.zx_admin, 1, "镇雄电子厂")
    make_vacancy(world.zx_admin, factory, title="装配工", headcount=1)
    resident(world.zx_cadre1, ZX_V1, "甲")
    resident(world.zx_cadre2, ZX_V2, "乙")
    done = run(world.zx_admin)
    assert done.figures["zero_employment_households"] == 2
    assert (done.figures["priority_households"], done.figures["priority_households_optimal"]) == (2, 1)


def test_a_village_run_reads_only_the_villages_people(world) -> None:
    factory = make_employer(world.zx_admin, 1, "镇雄电子厂")
    make_vacancy(world.zx_admin, factory, title="装配工", headcount=5)
    resident(world.zx_cadre1, ZX_V1, "泼机人")
    resident(world.zx_cadre2, ZX_V2, "海子人")
    assert outcome(run(world.zx_township, area=ZX_V2)) == {"海子人": ("matched", "装配工")}
    assert outcome(run(world.zx_admin, area=ZX)) == {
        "泼机人": ("matched", "装配工"),
        "海子人": ("matched", "装配工"),
    }
