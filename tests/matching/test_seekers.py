"""Who is a seeker, read from the registry and the employment ledger (lnob.matching.load), and the
weight of each household under the seeded rule (base 1, monitored +2, zero-employment +1)."""

from __future__ import annotations

import pytest

from lnob.areas.models import Area
from lnob.employment.policy import rule_for
from lnob.matching import services
from lnob.matching.load import load, people, seekers_of
from tests.personas import WZ_V1, ZX, ZX_V1, ZX_V2

from .helpers import AS_OF, D, household_of, member, monitor, resident, work

pytestmark = pytest.mark.django_db


def _params():
    return rule_for("matching", ZX, AS_OF).params


def _seekers(area: int = ZX) -> dict[str, str | None]:
    """name -> problem code (None: a plain seeker)."""
    from lnob.registry.models import Person

    persons, _households = people(Area.objects.get(code=area), AS_OF, _params())
    found = seekers_of(persons, _params())
    names = dict(Person.objects.filter(pk__in=found["person_id"].to_list()).values_list("pk", "name"))
    return {
        names[p]: code
        for p, code in zip(found["person_id"].to_list(), found["problem"].to_list(), strict=True)
    }


def test_seekers_are_the_able_willing_people_out_of_work_or_unstably_in_work(world) -> None:
    c = world.zx_cadre1
    resident(c, ZX_V1, "求职甲")  # 36, healthy, nothing in the ledger
    work(c, resident(c, ZX_V1, "全职乙"))  # in full-time work since March
    work(c, resident(c, ZX_V1, "兼职丙"), full_time=False)  # part time only: unstable
    resident(c, ZX_V1, "学生丁", birth="20040505", enrolment="higher")  # 22, at university
    services.profile_save(actor=c, person=resident(c, ZX_V1, "无意愿戊"), willing=False)
    services.profile_save(actor=c, person=resident(c, ZX_V1, "重病己", health="serious"), willing=True)
    services.profile_save(
        actor=c, person=resident(c, ZX_V1, "慢病庚", health="chronic"), willing=True, physical_limit="heavy"
    )
    churn = resident(c, ZX_V1, "多变辛")  # three separate spells in the last twelve months
    work(c, churn, start=D(2026, 1, 1), end=D(2026, 1, 31))
    work(c, churn, start=D(2026, 3, 1), end=D(2026, 4, 30))
    work(c, churn, start=D(2026, 6, 1))
    steady = resident(c, ZX_V1, "两段壬")  # two spells: below the rule's unstable_spells (3)
    work(c, steady, start=D(2026, 1, 1), end=D(2026, 2, 28))
    work(c, steady, start=D(2026, 5, 1))
    resident(c, ZX_V1, "重病癸", health="serious")  # no labour capacity, no profile: nothing to report
    resident(c, ZX_V1, "老人子", birth="19600101")  # 66: past working age
    resident(world.zx_cadre2, ZX_V2, "海子丑")  # another village of the county
    resident(world.wz_cadre, WZ_V1, "万州寅")  # another county

    assert _seekers() == {
        "求职甲": None,
        "兼职丙": None,
        "重病己": "willing_but_unable",
        "慢病庚": "capacity_conflict",
        "多变辛": None,
        "海子丑": None,
    }
    assert set(_seekers(ZX_V2)) == {"海子丑"}  # a village's run reads its own people only


def test_a_contradicting_profile_is_reported_by_the_loader_and_kept_out_of_the_match(world) -> None:
    c = world.zx_cadre1
    unable = resident(c, ZX_V1, "重病己", health="serious")
    services.profile_save(actor=c, person=unable, willing=True)
    conflict = resident(c, ZX_V1, "慢病庚", health="chronic")
    services.profile_save(actor=c, person=conflict, willing=True, physical_limit="heavy")
    plain = resident(c, ZX_V1, "求职甲")

    loaded = load(Area.objects.get(code=ZX), AS_OF, _params())
    assert sorted(loaded.person.tolist()) == sorted([unable.pk, conflict.pk, plain.pk])
    assert sorted(loaded.problems, key=lambda p: p["person"]) == sorted(
        [
            {"person": unable.pk, "code": "willing_but_unable"},
            {"person": conflict.pk, "code": "capacity_conflict"},
        ],
        key=lambda p: p["person"],
    )
    assert len(loaded.inst.problems) == 2


def test_household_weights_follow_the_seeded_rule(world) -> None:
    c = world.zx_cadre1
    monitored = resident(c, ZX_V1, "监测无业")  # monitored, nobody in work: 1 + 2 + 1
    monitor(household_of(monitored), D(2025, 1, 10))
    monitored_working = resident(c, ZX_V1, "监测有业")  # monitored, the head at work: 1 + 2
    monitor(household_of(monitored_working), D(2025, 1, 10))
    work(c, monitored_working)
    zero = resident(c, ZX_V1, "零就业")  # ordinary, able, nobody in work: 1 + 1
    working = resident(c, ZX_V1, "有人务工")  # ordinary, the head at work, the spouse looking: 1
    work(c, working)
    member(c, working, "务工家属")
    unable = resident(c, ZX_V1, "无劳力", health="serious")  # nobody able: not zero-employment, 1
    poor = resident(c, ZX_V1, "脱贫户", status="out_of_poverty")  # out of poverty weighs 0 more: 1 + 1

    _persons, households = people(Area.objects.get(code=ZX), AS_OF, _params())
    got = {
        h: (w, m, z)
        for h, w, m, z in households.select(
            "household_id", "weight", "monitored", "zero_employment"
        ).iter_rows()
    }
    expected = {
        monitored: (4, True, True),
        monitored_working: (3, True, False),
        zero: (2, False, True),
        working: (1, False, False),
        unable: (1, False, False),
        poor: (2, False, True),
    }
    assert {household_of(p).pk: v for p, v in expected.items()} == got


def test_a_household_monitored_after_the_run_date_is_not_monitored_on_it(world) -> None:
    c = world.zx_cadre1
    later = resident(c, ZX_V1, "后纳入")
    monitor(household_of(later), D(2026, 10, 15))  # after AS_OF (2026-10-01)
    _persons, households = people(Area.objects.get(code=ZX), AS_OF, _params())
    row = households.filter(households["household_id"] == household_of(later).pk).row(0, named=True)
    assert (row["monitored"], row["weight"]) == (False, 2)
