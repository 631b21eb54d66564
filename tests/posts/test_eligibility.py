"""Who may be hired on a public-welfare post, criterion by criterion with the reasons: age on the
start date from the birth date, labour capacity from the person, the household's status on that
day; each criterion from the rule in force (national default: 16–60, partial capacity, 脱贫户 or
监测对象)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from lnob.employment.models import EmploymentPolicy
from lnob.employment.posts.eligibility import eligibility
from lnob.monitoring.models import Case, CaseEvent
from lnob.registry import services as registry
from tests.personas import ZX, ZX_V1, ZX_V2

D = dt.date
START = D(2026, 3, 1)


def _checks(person, day=START, village=ZX_V1):
    result = eligibility(person_id=person.pk, day=day, village=village)
    return result, {c.key: c for c in result.checks}


def test_a_partially_able_woman_of_an_out_of_poverty_household_is_eligible(people):
    result, checks = _checks(people["wang"])
    assert result.ok and result.failed is None
    assert checks["age"].detail.startswith("55 岁")
    assert checks["labour"].detail == "弱劳动力或半劳动力"
    assert checks["household"].detail == "脱贫户"
    assert result.rule.row.area_code == 0 and "贵州" in result.rule.row.name


def test_each_failed_criterion_is_named_with_what_was_found(people):
    old, checks = _checks(people["zhao"])
    assert not old.ok and old.failed.key == "age" and old.failed.label == "年龄 16–60 岁"
    assert checks["age"].detail.startswith("64 岁")
    able, checks = _checks(people["li"])
    assert able.failed.key == "labour" and checks["labour"].detail == "有劳动能力"
    ordinary, checks = _checks(people["chen"], village=ZX_V2)
    assert ordinary.failed.key == "household" and checks["household"].detail == "一般农户"


def test_age_counts_on_the_start_date(people):
    # 赵老汉 (born 1962-01-01) was 60 until the last day of 2022
    result = _checks(people["zhao"], day=D(2022, 12, 31))[0]
    assert result.facts.age == 60 and "age" not in {c.key for c in result.checks if not c.ok}


def test_a_cadres_judgement_of_labour_capacity_counts(world, people):
    registry.person_update(
        actor=world.zx_cadre1, person=people["li"], effective=D(2026, 2, 1),
        labour_override="partial", labour_override_reason="腰伤，只能做轻活",
    )  # fmt: skip
    assert _checks(people["li"])[0].ok
    assert not _checks(people["li"], day=D(2026, 1, 15))[0].ok  # before the judgement


def test_the_household_status_is_the_one_on_the_start_date(world, people):
    household = people["chen"].memberships.get().household
    registry.household_update(
        actor=world.zx_cadre2, household=household, effective=D(2026, 6, 1), status="out_of_poverty"
    )
    assert not _checks(people["chen"], day=D(2026, 5, 31), village=ZX_V2)[0].ok
    assert _checks(people["chen"], day=D(2026, 6, 1), village=ZX_V2)[0].ok


def _decide(household, kind, state, on, actor=None):
    """A monitoring decision on the household on `on`, as the case workflow records it."""
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    case = Case.objects.create(
        household=household, village_id=household.village_id, kind=kind, state=state, opened_at=at,
        due_on=on, closed_at=at,
    )  # fmt: skip
    CaseEvent.objects.create(
        case=case,
        action="approve",
        from_state="township_reviewed",
        to_state=state,
        actor=actor or get_user_model().objects.order_by("pk").first(),
        comment="x",
    )
    CaseEvent.objects.filter(case=case).update(at=at)


def test_a_monitored_ordinary_household_is_eligible_from_its_approval(world, people):
    household = people["chen"].memberships.get().household
    _decide(household, "identification", "approved", D(2026, 4, 10))
    assert not _checks(people["chen"], day=D(2026, 4, 9), village=ZX_V2)[0].ok
    result, checks = _checks(people["chen"], day=D(2026, 4, 10), village=ZX_V2)
    assert result.ok and checks["household"].detail == "监测对象、一般农户"


def test_a_county_rule_excluding_risk_eliminated_households_refuses_them(world, people):
    """Guantao's rule (risk-eliminated households are no longer eligible), set for 镇雄."""
    default = EmploymentPolicy.objects.get(kind="public_welfare_post", area_code=0)
    EmploymentPolicy.objects.create(
        kind="public_welfare_post", area_code=ZX, effective_from=D(2026, 1, 1), name="镇雄县公益性岗位",
        params={**default.params, "excluded_statuses": ["risk_eliminated"]}, source="https://example.org/zx",
    )  # fmt: skip
    household = people["wang"].memberships.get().household
    _decide(household, "identification", "approved", D(2025, 1, 10))
    _decide(household, "elimination", "approved", D(2026, 2, 1))
    result, checks = _checks(people["wang"])
    assert result.failed.key == "excluded"
    assert result.failed.label == "不属于已风险消除的监测户"
    assert checks["excluded"].detail == "已风险消除的监测户"
    assert result.rule.row.name == "镇雄县公益性岗位"
    assert _checks(people["wang"], day=D(2026, 1, 31))[0].ok  # before the elimination
