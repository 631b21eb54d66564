"""Bulk loading a synthetic county (lnob.registry.bulk), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Max
from stdnum.cn import ric

from lnob.areas.codes import Level
from lnob.areas.models import Area
from lnob.engine.synth import SynthCounty, generate
from lnob.registry.bulk import SynthLoadError, load_synth_county
from lnob.registry.models import (
    Alert,
    Expenditure,
    Household,
    HouseholdVersion,
    IncomeRecord,
    Membership,
    Person,
    PersonVersion,
    Shock,
)

ZX, WZ = 530627000000, 500101000000
MODELS = {
    "registry_household": Household,
    "registry_householdversion": HouseholdVersion,
    "registry_person": Person,
    "registry_personversion": PersonVersion,
    "registry_membership": Membership,
    "registry_incomerecord": IncomeRecord,
    "registry_expenditure": Expenditure,
    "registry_shock": Shock,
    "registry_alert": Alert,
}

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def zhenxiong() -> SynthCounty:
    return generate(2_000, seed=21, county_code=ZX, county_name="镇雄县")


@pytest.fixture(scope="module")
def wanzhou() -> SynthCounty:
    return generate(600, seed=22, county_code=WZ, county_name="万州区")


def county_rows(code: int) -> dict[str, int]:
    """Rows of each registry table that belong to the county's households."""
    lo, hi = code, code + 10**6
    households = Household.objects.filter(village_id__gte=lo, village_id__lt=hi)
    person_ids = Membership.objects.filter(household__in=households).values("person_id")
    return {
        "areas_area": Area.objects.filter(code__gt=lo, code__lt=hi).count(),
        "registry_household": households.count(),
        "registry_householdversion": HouseholdVersion.objects.filter(household__in=households).count(),
        "registry_person": Person.objects.filter(pk__in=person_ids).count(),
        "registry_personversion": PersonVersion.objects.filter(person_id__in=person_ids).count(),
        "registry_membership": Membership.objects.filter(household__in=households).count(),
        "registry_incomerecord": IncomeRecord.objects.filter(household__in=households).count(),
        "registry_expenditure": Expenditure.objects.filter(household__in=households).count(),
        "registry_shock": Shock.objects.filter(household__in=households).count(),
        "registry_alert": Alert.objects.filter(household__in=households).count(),
    }


def test_a_county_loads_with_every_row_of_every_frame(zhenxiong: SynthCounty) -> None:
    # the shared test world already holds a township of 镇雄, so replace it
    counts = load_synth_county(zhenxiong, replace=True)
    assert counts == zhenxiong.counts()
    assert county_rows(ZX) == zhenxiong.counts()


def test_the_orm_sees_households_in_villages_under_the_county(zhenxiong: SynthCounty) -> None:
    load_synth_county(zhenxiong, replace=True)
    county = Area.objects.get(code=ZX)
    townships = Area.objects.filter(parent=county, level=Level.TOWNSHIP)
    assert townships.count() == zhenxiong.areas.filter(pl.col("level") == 4).height
    household = Household.objects.select_related("village__parent").order_by("number").first()
    assert household is not None
    assert household.village.level == Level.VILLAGE
    assert household.village.parent.parent_id == ZX
    head = Membership.objects.get(household=household, relation="head", left__isnull=True)
    assert head.person.versions.get(valid_to__isnull=True).ethnicity.endswith("族")
    income = IncomeRecord.objects.filter(household=household).first()
    assert income is not None and income.amount >= 0 and income.amount.as_tuple().exponent == -2
    assert HouseholdVersion.objects.get(household=household, valid_to__isnull=True).status in {
        "out_of_poverty", "ordinary", "other"
    }  # fmt: skip
    stored = Person.objects.get(id_number=zhenxiong.persons["id_number"][0])
    assert stored.birth_date == zhenxiong.persons["birth_date"][0]


def test_loading_again_without_replace_is_refused_and_changes_nothing(zhenxiong: SynthCounty) -> None:
    load_synth_county(zhenxiong, replace=True)
    before = county_rows(ZX)
    with pytest.raises(SynthLoadError, match=r"already has .* replace"):
        load_synth_county(zhenxiong)
    assert county_rows(ZX) == before


def test_an_existing_id_number_is_refused_with_a_clear_error(zhenxiong: SynthCounty) -> None:
    load_synth_county(zhenxiong, replace=True)
    clash = generate(300, seed=21, county_code=WZ, county_name="万州区")
    persons = clash.persons.with_columns(
        pl.Series("id_number", zhenxiong.persons["id_number"].head(clash.persons.height))
    )
    clash = SynthCounty(**{**clash.__dict__, "persons": persons})
    before = Person.objects.count()
    with pytest.raises(SynthLoadError, match="ID number"):
        load_synth_county(clash, replace=True)
    assert Person.objects.count() == before


def test_replace_reloads_the_county_cleanly(zhenxiong: SynthCounty) -> None:
    load_synth_county(zhenxiong, replace=True)
    smaller = generate(700, seed=99, county_code=ZX, county_name="镇雄县")
    counts = load_synth_county(smaller, replace=True)
    assert counts == smaller.counts()
    assert county_rows(ZX) == smaller.counts()
    numbers = set(
        Household.objects.filter(village_id__gte=ZX, village_id__lt=ZX + 10**6).values_list(
            "number", flat=True
        )
    )
    assert numbers == set(smaller.households["number"])


def test_a_second_county_loads_beside_the_first(zhenxiong: SynthCounty, wanzhou: SynthCounty) -> None:
    load_synth_county(zhenxiong, replace=True)
    last_person = Person.objects.order_by("-id").values_list("id", flat=True).first()
    load_synth_county(wanzhou, replace=True)
    assert county_rows(ZX) == zhenxiong.counts()
    assert county_rows(WZ) == wanzhou.counts()
    new_ids = Person.objects.filter(id_number__in=list(wanzhou.persons["id_number"])).values_list(
        "id", flat=True
    )
    assert min(new_ids) > last_person
    # memberships point at the right people: heads of 万州 households were born with 万州 codes
    heads = Membership.objects.filter(
        household__village_id__gte=WZ, household__village_id__lt=WZ + 10**6, relation="head"
    )
    assert heads.count() == wanzhou.households.height
    assert all(h.person.id_number[:2] in {"50", "51"} for h in heads.select_related("person")[:50])


def test_a_one_person_county_loads(zhenxiong: SynthCounty) -> None:
    tiny = generate(1, seed=1, county_code=ZX, county_name="镇雄县")
    assert load_synth_county(tiny, replace=True) == tiny.counts()
    assert county_rows(ZX) == tiny.counts()


def test_a_reference_to_nothing_is_refused_before_writing(zhenxiong: SynthCounty) -> None:
    broken = SynthCounty(
        **{**zhenxiong.__dict__, "incomes": zhenxiong.incomes.with_columns(pl.col("household_id") + 10**6)}
    )
    with pytest.raises(SynthLoadError, match=r"registry_incomerecord\.household_id"):
        load_synth_county(broken, replace=True)


def test_a_county_missing_from_the_area_table_is_refused() -> None:
    synth = generate(100, seed=1, county_code=530699000000, county_name="某县")
    with pytest.raises(SynthLoadError, match="not in the area table"):
        load_synth_county(synth)


def test_the_command_loads_and_reports() -> None:
    out = StringIO()
    call_command("synth", persons=300, seed=5, county="530627", replace=True, stdout=out)
    text = out.getvalue()
    assert "镇雄县" in text and "registry_person" in text and "300" in text
    assert Household.objects.filter(village_id__gte=ZX, village_id__lt=ZX + 10**6).exists()
    with pytest.raises(CommandError, match="replace"):
        call_command("synth", persons=300, seed=5, county="530627", stdout=StringIO())
    with pytest.raises(CommandError, match="not a county"):
        call_command("synth", persons=300, county="530627101", stdout=StringIO())


def test_the_command_writes_the_exchange_format_without_touching_the_database(tmp_path: Path) -> None:
    before = Person.objects.count()
    call_command(
        "synth", persons=250, seed=2, county="500101", out=tmp_path, format="parquet", stdout=StringIO()
    )
    persons = pl.read_parquet(tmp_path / "persons.parquet")
    assert persons.height + pl.read_parquet(tmp_path / "memberships.parquet")["id_number"].n_unique() >= 250
    assert {"id_number", "household_number", "relation"} <= set(persons.columns)
    assert (tmp_path / "incomes.parquet").exists()
    assert Person.objects.count() == before


def test_rows_created_after_a_load_get_new_ids(zhenxiong: SynthCounty) -> None:
    # on PostgreSQL this needs the id sequences moved past the copied rows
    load_synth_county(zhenxiong, replace=True)
    body = "53062720100101001"
    person = Person.objects.create(
        id_number=body + ric.calc_check_digit(body + "0"), name="新生", sex="M", birth_date="2010-01-01"
    )
    assert person.pk > Person.objects.exclude(pk=person.pk).aggregate(top=Max("id"))["top"]
