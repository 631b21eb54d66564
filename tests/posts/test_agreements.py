"""Agreements: one eligible person on a post from start to end. Signing writes the person's
ledger spell (公益性岗位, in the county) through the ledger's service and ends their running one;
ending the agreement closes the spell. An ineligible person is refused naming the criterion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment import services as ledger
from lnob.employment.models import Spell
from lnob.employment.posts import services
from lnob.employment.posts.messages import M
from lnob.employment.posts.models import Agreement
from tests.personas import ZX_V2
from tests.posts.conftest import make_post

D = dt.date


START, END = D(2026, 3, 1), D(2027, 2, 28)


def sign(actor, post, person, start=START, end=END, **extra):
    return services.agreement_sign(actor=actor, post=post, person=person, start=start, end=end, **extra)


def test_signing_writes_the_ledger_spell_and_ends_the_running_one(world, people, post):
    wang = people["wang"]
    before = ledger.spell_record(
        actor=world.zx_cadre1, person=wang, status="not_employed", start=D(2025, 1, 1)
    )
    agreement = sign(world.zx_township, post, wang)
    spell = agreement.spell
    assert (spell.status, spell.channel, spell.location, spell.start, spell.end) == (
        "public_welfare", "public_welfare", "in_county", D(2026, 3, 1), None,
    )  # fmt: skip
    assert spell.monthly_wage == Decimal("500") and spell.destination == "泼机村"
    before.refresh_from_db()
    assert before.end == D(2026, 2, 28)
    assert agreement.monthly_pay == Decimal("500") and agreement.rule.area_code == 0
    assert [c["key"] for c in agreement.checks] == ["age", "labour", "household"]
    assert str(agreement) == "王秀英 · 泼机村保洁员 · 2026-03-01 至 2027-02-28"
    assert agreement.person == wang  # what a monitoring measure points at


def test_an_ineligible_person_is_refused_naming_the_criterion_and_nothing_is_written(world, people, post):
    with pytest.raises(DomainError) as caught:
        sign(world.zx_township, post, people["zhao"])
    assert caught.value.field == "person"
    assert caught.value.message.startswith("不符合公益性岗位条件“年龄 16–60 岁”：64 岁")
    with pytest.raises(DomainError) as caught:
        sign(world.zx_township, post, people["li"])
    assert caught.value.message == "不符合公益性岗位条件“劳动能力为弱劳动力或半劳动力”：有劳动能力"
    assert not Agreement.objects.exists() and not Spell.objects.exists()


def test_a_person_of_an_ordinary_household_is_refused(world, people):
    post = make_post(world.zx_township, village=ZX_V2)
    with pytest.raises(DomainError) as caught:
        sign(world.zx_township, post, people["chen"])
    assert "农户属性为脱贫户或监测对象" in caught.value.message and "一般农户" in caught.value.message


def test_one_running_agreement_per_person(world, people, post):
    sign(world.zx_township, post, people["wang"])
    other = make_post(world.zx_township, title="护林员")
    with pytest.raises(DomainError) as caught:
        sign(world.zx_township, other, people["wang"], start=D(2026, 5, 1), end=D(2026, 12, 31))
    assert caught.value.message == str(M.ALREADY_RUNNING).format(post="保洁员", start=D(2026, 3, 1))


def test_a_full_post_a_long_term_a_higher_pay_and_a_future_start_are_refused(world, people):
    post = make_post(world.zx_township, places=1)
    with pytest.raises(DomainError) as caught:
        sign(world.zx_township, post, people["wang"], end=D(2027, 3, 1))
    assert caught.value.message == str(M.TERM_TOO_LONG).format(months=12, last=D(2027, 2, 28))
    with pytest.raises(DomainError) as caught:
        sign(world.zx_township, post, people["wang"], monthly_pay=Decimal("520"))
    assert caught.value.field == "monthly_pay"
    with pytest.raises(DomainError) as caught:
        sign(world.zx_township, post, people["wang"], start=D(2099, 1, 1), end=D(2099, 6, 30))
    assert caught.value.message == Msg.IN_FUTURE
    sign(world.zx_township, post, people["wang"], monthly_pay=Decimal("450"))
    with pytest.raises(DomainError) as caught:
        sign(world.zx_admin, post, people["li"])
    assert caught.value.message == str(M.POST_FULL).format(places=1)


def test_ending_an_agreement_closes_its_spell_and_frees_the_place(world, people, post):
    agreement = sign(world.zx_township, post, people["wang"])
    with pytest.raises(DomainError) as caught:
        services.agreement_end(
            actor=world.zx_township, agreement=agreement, ended_on=D(2026, 2, 1), reason="resigned"
        )
    assert caught.value.field == "ended_on"
    services.agreement_end(
        actor=world.zx_township, agreement=agreement, ended_on=D(2026, 9, 30), reason="resigned"
    )
    agreement.refresh_from_db()
    assert (agreement.ended_on, agreement.end_reason) == (D(2026, 9, 30), "resigned")
    assert Spell.objects.get(pk=agreement.spell_id).end == D(2026, 9, 30)
    again = sign(world.zx_township, post, people["wang"], start=D(2026, 10, 1), end=D(2026, 12, 31))
    assert again.spell.start == D(2026, 10, 1)
    with pytest.raises(DomainError) as caught:
        services.agreement_end(
            actor=world.zx_township, agreement=agreement, ended_on=D(2026, 9, 30), reason="expired"
        )
    assert caught.value.message == str(M.ALREADY_ENDED).format(day=D(2026, 9, 30))


def test_village_cadres_and_another_county_cannot_sign_or_end(world, people, post):
    with pytest.raises(NotFound):
        sign(world.zx_cadre1, post, people["wang"])
    with pytest.raises(NotFound):
        sign(world.wz_admin, post, people["wang"])
    agreement = sign(world.zx_township, post, people["wang"])
    with pytest.raises(NotFound):
        services.agreement_end(
            actor=world.wz_admin, agreement=agreement, ended_on=D(2026, 9, 30), reason="resigned"
        )


def test_a_person_from_another_county_cannot_be_put_on_a_post(world, people, post):
    with pytest.raises(NotFound):
        sign(world.zx_admin, post, people["liu"])
