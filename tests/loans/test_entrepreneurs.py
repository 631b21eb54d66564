"""Returning entrepreneurs and their businesses: running a business makes the owner
self-employed in the ledger, the locals it hires are in the ledger with it as employer, and the
jobs it creates are counted, those of out-of-poverty or monitored households apart."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lnob.areas.models import Area
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment import services as ledger
from lnob.employment.loans import selectors, services
from lnob.employment.loans.services import LoanMsg
from lnob.employment.models import Employer, Spell
from tests.loans.helpers import D, business, head, returnee, valid_code
from tests.personas import WZ_V1, ZX, ZX_V1, ZX_V2


def test_a_returnee_opens_a_business_and_the_ledger_shows_them_self_employed(world, households) -> None:
    owner = head(households["v1"])
    ledger.spell_record(
        actor=world.zx_cadre1,
        person=owner,
        status="employed",
        location="out_of_province",
        destination="广东省东莞市",
        start=D(2020, 3, 1),
    )
    e = returnee(world.zx_township, owner)
    b = business(world.zx_township, e, credit_code=valid_code())
    spells = list(Spell.objects.filter(person=owner).order_by("start"))
    assert [(s.status, s.start, s.end) for s in spells] == [
        ("employed", D(2020, 3, 1), D(2024, 4, 30)),  # the job away ends the day before
        ("self_employed", D(2024, 5, 1), None),
    ]
    assert b.owner_spell == spells[1] and spells[1].location == "in_county"
    assert b.employer == Employer.objects.get(county_id=ZX, credit_code=valid_code())
    assert str(e) == f"{owner.name}（返乡创业）"


def test_hires_are_spells_with_the_business_as_employer_and_poor_ones_are_counted(world, households) -> None:
    e = returnee(world.zx_admin, head(households["v2"]))
    b = business(world.zx_admin, e, credit_code=valid_code(), other_jobs=2)
    poor, ordinary = head(households["v1"]), _second_head(world)
    services.business_hire(
        actor=world.zx_admin, business=b, person=poor, start=D(2024, 6, 1), monthly_wage=Decimal("3000")
    )
    services.business_hire(actor=world.zx_admin, business=b, person=ordinary, start=D(2024, 7, 1))
    jobs = selectors.jobs_of([b], D(2026, 1, 1), viewer=None)[b.pk]
    assert jobs.total == 4  # two in the ledger, two declared by the owner
    assert jobs.poor == {poor.pk}
    assert Spell.objects.get(person=poor).employer == b.employer
    # before the second hire only one was working there
    assert selectors.jobs_of([b], D(2024, 6, 15), viewer=None)[b.pk].total == 3


def _second_head(world):
    from tests.personas import make_household, person

    h = make_household(world.zx_cadre1, ZX_V1, "5306271022010009", head=person("19900303", name="王五"))
    return head(h)


def test_a_business_without_a_credit_code_cannot_hire_through_the_ledger(world, households) -> None:
    b = business(world.zx_admin, returnee(world.zx_admin, head(households["v1"])))
    with pytest.raises(DomainError) as refused:
        services.business_hire(
            actor=world.zx_admin, business=b, person=head(households["v2"]), start=D(2025, 1, 1)
        )
    assert refused.value.message == LoanMsg.NEEDS_CREDIT_CODE


def test_closing_a_business_ends_the_owners_spell(world, households) -> None:
    b = business(world.zx_admin, returnee(world.zx_admin, head(households["v1"])))
    services.business_set_status(actor=world.zx_admin, business=b, status="closed", on=D(2026, 6, 30))
    b.refresh_from_db()
    assert b.status == "closed" and b.closed_on == D(2026, 6, 30)
    assert Spell.objects.get(pk=b.owner_spell_id).end == D(2026, 6, 30)
    with pytest.raises(DomainError):
        services.business_set_status(actor=world.zx_admin, business=b, status="closed", on=D(2020, 1, 1))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"credit_code": "91530627MA6N0XYZ00"}, "credit_code", Msg.CREDIT_CODE_INVALID),
        ({"name": " "}, "name", Msg.REQUIRED),
        ({"started": D(2030, 1, 1)}, "started", Msg.IN_FUTURE),
        ({"other_jobs": -1}, "other_jobs", Msg.NEGATIVE_AMOUNT),
    ],
)
def test_a_bad_business_is_refused_with_the_reason(world, households, fields, field, message) -> None:
    e = returnee(world.zx_admin, head(households["v1"]))
    with pytest.raises(DomainError) as refused:
        business(world.zx_admin, e, **fields)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert not Spell.objects.exists()


def test_a_business_in_another_county_or_not_a_village_is_refused(world, households) -> None:
    e = returnee(world.zx_admin, head(households["v1"]))
    with pytest.raises(DomainError) as refused:
        business(world.zx_admin, e, village=Area.objects.get(code=ZX))
    assert refused.value.message == LoanMsg.NOT_A_VILLAGE
    with pytest.raises(NotFound):  # 万州 is not 镇雄's to manage
        business(world.zx_admin, e, village=Area.objects.get(code=WZ_V1))


def test_a_local_entrepreneur_has_no_return_and_a_person_registers_once(world, households) -> None:
    person = head(households["v2"])
    with pytest.raises(DomainError) as refused:
        services.entrepreneur_register(
            actor=world.zx_admin, person=person, returning=False, returned_from="广东省东莞市"
        )
    assert refused.value.message == LoanMsg.LOCAL_NO_RETURN
    services.entrepreneur_register(actor=world.zx_admin, person=person, returning=False)
    with pytest.raises(DomainError) as again:
        services.entrepreneur_register(actor=world.zx_admin, person=person, returning=False)
    assert again.value.message == LoanMsg.ALREADY_ENTREPRENEUR


def test_a_village_cadre_reads_but_may_not_register(world, households) -> None:
    person = head(households["v1"])
    with pytest.raises(NotFound):
        returnee(world.zx_cadre1, person)
    e = returnee(world.zx_admin, person)
    assert list(selectors.entrepreneurs_visible(world.zx_cadre1)) == [e]
    assert not selectors.entrepreneurs_visible(world.zx_cadre2).exists()  # 海子村's cadre


def test_wanzhou_sees_none_of_zhenxiongs_entrepreneurs_or_businesses(world, households) -> None:
    e = returnee(world.zx_admin, head(households["v1"]))
    b = business(world.zx_admin, e)
    assert not selectors.entrepreneurs_visible(world.wz_admin).exists()
    assert not selectors.businesses_visible(world.wz_admin).exists()
    with pytest.raises(NotFound):
        selectors.business_get(user=world.wz_admin, pk=b.pk)
    with pytest.raises(NotFound):
        selectors.entrepreneur_get(user=world.wz_admin, pk=e.pk)
    with pytest.raises(NotFound):
        returnee(world.wz_admin, head(households["v2"]))


def test_a_township_officer_manages_businesses_of_the_township(world, households) -> None:
    e = returnee(world.zx_township, head(households["v2"]))
    b = business(world.zx_township, e, village=Area.objects.get(code=ZX_V2), credit_code=valid_code())
    assert b.employer is not None and b.village_id == ZX_V2
