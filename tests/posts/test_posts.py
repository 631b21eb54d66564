"""Setting up posts: a type, a village, monthly pay and hours, places and the funding source, by
the county or the township (MANAGE_EMPLOYMENT); the pay checked against the rule in force, and
heavy posts held under the county's share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from lnob.core.errors import DomainError, NotFound
from lnob.employment.models import EmploymentPolicy
from lnob.employment.posts import services
from lnob.employment.posts.messages import M
from tests.personas import ZX, ZX_V1, ZX_V2
from tests.posts.conftest import make_post

D = dt.date


def test_a_township_officer_sets_up_a_post_numbered_for_its_village(world):
    post = make_post(world.zx_township, title="护林员", places=3)
    assert post.code == f"GY{ZX_V1}001" and post.status == "open" and post.created_by == world.zx_township
    assert make_post(world.zx_township, title="水管员", post_type="technical").code == f"GY{ZX_V1}002"
    entry = LogEntry.objects.get_for_object(post).get()
    assert entry.changes_dict["monthly_pay"][1] != "500"  # pay masked in the change log


def test_pay_above_the_rule_for_its_type_is_refused_naming_the_rule(world):
    with pytest.raises(DomainError) as caught:
        make_post(world.zx_admin, monthly_pay=Decimal("600"))
    assert caught.value.field == "monthly_pay"
    assert caught.value.message == str(M.PAY_ABOVE_RULE).format(
        rule="公益性岗位默认规则（据贵州、馆陶、湖南规定综合）", cap=Decimal("500")
    )
    make_post(world.zx_admin, title="保洁员（轻）", places=5)
    heavy = make_post(world.zx_admin, title="垃圾清运员", heavy=True, monthly_pay=Decimal("550"), places=1)
    assert heavy.heavy and heavy.monthly_pay == Decimal("550")


def test_heavy_places_above_a_fifth_of_the_countys_places_are_refused(world):
    make_post(world.zx_admin, places=4)
    make_post(world.zx_admin, village=ZX_V2, title="垃圾清运员", heavy=True, places=1)  # 1 of 5: 20 %
    with pytest.raises(DomainError) as caught:
        make_post(world.zx_admin, title="搬运工", heavy=True, places=1)  # 2 of 6
    assert caught.value.field == "heavy"
    assert caught.value.message == str(M.HEAVY_SHARE).format(cap="20", share=Decimal("33.3"))


def test_a_funding_source_the_rule_does_not_allow_is_refused(world):
    """Hunan's rule (linkage or employment funds), set for 镇雄."""
    default = EmploymentPolicy.objects.get(kind="public_welfare_post", area_code=0)
    EmploymentPolicy.objects.create(
        kind="public_welfare_post", area_code=ZX, effective_from=D(2025, 1, 1), name="湖南式资金规定",
        params={**default.params, "funding": ["linkage_funds", "employment_funds"]}, source="x",
    )  # fmt: skip
    with pytest.raises(DomainError) as caught:
        make_post(world.zx_admin, funding="other")
    assert caught.value.field == "funding" and "湖南式资金规定" in caught.value.message


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("places", 0, M.PLACES_NOT_POSITIVE), ("hours_per_month", 0, M.HOURS_NOT_POSITIVE),
     ("monthly_pay", Decimal("-1"), M.PAY_NOT_POSITIVE), ("post_type", "manager", None)],
)  # fmt: skip
def test_bad_fields_are_refused_with_the_reason(world, field, value, message):
    with pytest.raises(DomainError) as caught:
        make_post(world.zx_admin, **{field: value})
    assert caught.value.field == field
    if message is not None:
        assert caught.value.message == message


def test_the_same_post_twice_on_one_day_is_refused(world):
    make_post(world.zx_admin)
    with pytest.raises(DomainError) as caught:
        make_post(world.zx_admin)
    assert caught.value.message == M.POST_TAKEN


def test_village_cadres_and_another_county_cannot_set_up_posts(world):
    for actor in (world.zx_cadre1, world.wz_admin, world.zx_auditor):
        with pytest.raises(NotFound):
            make_post(actor)


def test_a_post_is_withdrawn_only_when_no_agreement_runs_on_it(world, people, post):
    services.agreement_sign(
        actor=world.zx_township, post=post, person=people["wang"], start=D(2026, 3, 1), end=D(2027, 2, 28)
    )
    with pytest.raises(DomainError) as caught:
        services.post_close(actor=world.zx_township, post=post, closed_on=D(2026, 10, 1))
    assert caught.value.message == str(M.POST_HAS_AGREEMENTS).format(n=1)
    empty = make_post(world.zx_township, title="护路员")
    closed = services.post_close(actor=world.zx_township, post=empty, closed_on=D(2026, 10, 1))
    assert (closed.status, closed.closed_on) == ("closed", D(2026, 10, 1))
