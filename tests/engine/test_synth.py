"""The synthetic county generator (pure: no database)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from stdnum.cn import ric

from lnob.engine.synth import TABLES, SynthCounty, generate
from lnob.engine.synth.ids import birthplaces, loc_entries

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def county() -> SynthCounty:
    return generate(5_000, seed=11)


@pytest.fixture(scope="module")
def big_county() -> SynthCounty:
    return generate(40_000, seed=5)


def open_memberships(synth: SynthCounty) -> pl.DataFrame:
    return synth.memberships.filter(pl.col("left").is_null())


def test_same_seed_gives_identical_frames_and_another_seed_does_not() -> None:
    first, again, other = generate(800, seed=3), generate(800, seed=3), generate(800, seed=4)
    for table in TABLES:
        assert first.tables()[table].equals(again.tables()[table]), table
    assert not first.persons.equals(other.persons)
    assert not first.incomes.equals(other.incomes)


@pytest.mark.parametrize("persons", [1, 100, 5_000])
def test_any_size_gives_exactly_that_many_persons(persons: int) -> None:
    synth = generate(persons, seed=2)
    assert synth.persons.height == persons
    assert synth.person_versions.height == persons
    assert open_memberships(synth).height == persons


def test_columns_are_the_database_columns(county: SynthCounty) -> None:
    for table, frame in county.tables().items():
        assert tuple(frame.columns) == TABLES[table], table
    assert list(county.tables()) == list(TABLES)


def test_small_counties_have_two_townships_with_two_villages_each() -> None:
    areas = generate(100, seed=1).areas
    townships = areas.filter(pl.col("level") == 4)
    villages = areas.filter(pl.col("level") == 5)
    assert townships.height == 2
    assert villages.height == 4
    assert villages.group_by("parent_id").len()["len"].min() == 2


def test_area_codes_nest_and_names_look_like_places(big_county: SynthCounty) -> None:
    areas = big_county.areas
    townships = areas.filter(pl.col("level") == 4)
    villages = areas.filter(pl.col("level") == 5)
    assert (townships["parent_id"] == 530627000000).all()
    assert ((townships["code"] - 530627000000) % 1000 == 0).all()
    assert townships["code"].is_in(list(range(530627101000, 530627300000, 1000))).all()
    assert (villages["code"] // 1000 * 1000 == villages["parent_id"]).all()
    assert villages["parent_id"].is_in(townships["code"].implode()).all()
    assert townships["name"].str.contains("[镇乡]$").all()
    assert villages["name"].str.contains("(村|社区)$").all()
    assert areas["code"].n_unique() == areas.height


def test_township_and_village_counts_scale_like_zhenxiong() -> None:
    from lnob.engine.synth.areas import area_counts

    assert area_counts(1_600_000) == (28, 250)
    townships, villages = area_counts(2_000_000)
    assert 30 <= townships <= 40 and 280 <= villages <= 340


def test_every_id_number_is_valid_for_its_birth_year_and_agrees_with_sex_and_birth(
    county: SynthCounty,
) -> None:
    persons = county.persons
    for number, sex, birth in persons.select("id_number", "sex", "birth_date").iter_rows():
        assert ric.validate(number) == number
        ric.get_birth_place(number)  # raises if the code did not exist in the birth year
        assert ric.get_birth_date(number) == birth
        assert (int(number[16]) % 2 == 1) == (sex == "M")
    assert persons["id_number"].n_unique() == persons.height


def test_zhenxiong_births_before_2001_carry_the_old_code() -> None:
    persons = generate(3_000, seed=9).persons
    old = persons.filter(pl.col("birth_date").dt.year() < 2001)
    new = persons.filter(pl.col("birth_date").dt.year() > 2001)
    # people born in the county carry 532128 before 2001 and 530627 after; married-in spouses
    # may come from a neighbouring county of the same prefecture
    assert (old["id_number"].str.slice(0, 6) == "532128").mean() > 0.9
    assert (new["id_number"].str.slice(0, 6) == "530627").mean() > 0.9
    assert old["id_number"].str.slice(0, 4).is_in(["5321"]).all()


def test_wanzhou_ids_use_the_predecessor_counties_before_1997() -> None:
    synth = generate(2_000, seed=4, county_code=500101000000, county_name="万州区")
    for number in synth.persons["id_number"]:
        ric.validate(number)
    births = synth.persons.with_columns(pl.col("id_number").str.slice(0, 6).alias("code"))
    before = births.filter(pl.col("birth_date").dt.year() < 1992)
    assert (before["code"].is_in(["512221", "512201"])).mean() > 0.9


def test_a_county_unknown_to_stdnum_falls_back_to_codes_of_its_prefecture_or_province() -> None:
    places = birthplaces("不存在县", 530627000000, 1950, 2026)
    assert all(code // 10_000 == 53 for code in places.home.tolist())
    assert all(code // 100 == 5306 for code in places.home[2001 - 1950 :].tolist())
    synth = generate(500, seed=1, county_name="不存在县")
    for number in synth.persons["id_number"]:
        ric.validate(number)


def test_loc_table_is_parsed_with_year_spans() -> None:
    zhenxiong = {(e.code, e.start, e.end) for e in loc_entries() if e.name == "镇雄县"}
    assert zhenxiong == {(530627, 2001, None), (532128, None, 2001)}


def test_exactly_one_open_head_per_household(county: SynthCounty) -> None:
    heads = open_memberships(county).filter(pl.col("relation") == "head")
    assert heads.height == county.households.height
    assert heads["household_id"].n_unique() == county.households.height


def test_every_person_has_exactly_one_open_membership_and_one_open_version(county: SynthCounty) -> None:
    members = open_memberships(county)
    assert members["person_id"].n_unique() == members.height == county.persons.height
    assert set(members["person_id"]) == set(county.persons["id"])
    versions = county.person_versions.filter(pl.col("valid_to").is_null())
    assert versions["person_id"].n_unique() == versions.height == county.persons.height
    household_versions = county.household_versions.filter(pl.col("valid_to").is_null())
    assert set(household_versions["household_id"]) == set(county.households["id"])


def test_membership_dates_follow_birth_and_registration(county: SynthCounty) -> None:
    members = county.memberships.join(
        county.persons.select(pl.col("id").alias("person_id"), "birth_date"), on="person_id"
    )
    assert (members["joined"] >= members["birth_date"]).all()
    assert (members["joined"] <= AS_OF).all()
    births = members.filter(pl.col("join_reason") == "birth")
    assert births.height > 0
    assert (births["joined"] == births["birth_date"]).all()
    assert (births["birth_date"] >= dt.date(2014, 1, 1)).all()
    registered = members.filter(pl.col("join_reason") == "registered")
    assert (registered["birth_date"] < dt.date(2014, 1, 1)).all()
    assert set(members["relation"]) <= {
        "head", "spouse", "child", "child_in_law", "grandchild", "parent", "grandparent", "sibling", "other"
    }  # fmt: skip


def test_closed_memberships_end_before_the_open_one_begins(big_county: SynthCounty) -> None:
    closed = big_county.memberships.filter(pl.col("left").is_not_null())
    assert closed.height > 0
    assert (closed["left"] > closed["joined"]).all()
    assert (closed["leave_reason"] != "").all()
    now = open_memberships(big_county).select(
        "person_id", pl.col("joined").alias("now"), pl.col("household_id").alias("now_hh")
    )
    both = closed.join(now, on="person_id")
    assert both.height == closed.height
    assert (both["left"] <= both["now"]).all()
    assert (both["household_id"] != both["now_hh"]).all()
    assert (open_memberships(big_county)["leave_reason"] == "").all()


def test_household_numbers_are_unique_and_start_with_the_village_code(county: SynthCounty) -> None:
    households = county.households
    assert households["number"].n_unique() == households.height
    assert (households["number"].str.slice(0, 12) == households["village_id"].cast(pl.String)).all()
    assert households["village_id"].is_in(county.areas["code"].implode()).all()


def test_household_status_and_years(county: SynthCounty) -> None:
    versions = county.household_versions
    assert set(versions["status"]) == {"out_of_poverty", "ordinary", "other"}
    out = versions.filter(pl.col("status") == "out_of_poverty")
    assert out["left_poverty_year"].is_between(2014, 2020).all()
    assert versions.filter(pl.col("status") != "out_of_poverty")["left_poverty_year"].is_null().all()
    phones = versions.filter(pl.col("contact_phone") != "")["contact_phone"]
    assert phones.str.contains(r"^1[3-9]\d{9}$").all()


def test_person_attributes_use_the_coded_values(county: SynthCounty) -> None:
    versions = county.person_versions
    assert set(versions["education"]) <= {
        "none",
        "primary",
        "junior",
        "senior",
        "vocational",
        "college",
        "bachelor",
    }
    assert set(versions["enrolment"]) <= {
        "not_in_school", "preschool", "primary", "junior", "senior", "vocational", "higher", "dropped_out"
    }  # fmt: skip
    assert set(versions["health"]) == {"healthy", "chronic", "serious"}
    assert versions["disability_grade"].drop_nulls().is_between(1, 4).all()
    assert set(versions["ethnicity"]) <= {"汉族", "苗族", "彝族", "回族", "白族", "布依族"}
    assert (versions["labour_override"] == "").all() and (versions["labour_override_reason"] == "").all()
    assert versions.filter(pl.col("phone") != "")["phone"].str.contains(r"^1[3-9]\d{9}$").all()
    assert versions.filter(pl.col("bank_account") != "")["bank_account"].str.contains(r"^\d{16,19}$").all()


def test_children_have_no_phone_and_pupils_are_of_school_age(county: SynthCounty) -> None:
    versions = county.person_versions.join(
        county.persons.select(pl.col("id").alias("person_id"), "birth_date"), on="person_id"
    ).with_columns(((pl.lit(AS_OF) - pl.col("birth_date")).dt.total_days() / 365.25).alias("age"))
    assert (versions.filter(pl.col("age") < 15)["phone"] == "").all()
    primary = versions.filter(pl.col("enrolment") == "primary")
    assert primary["age"].is_between(5.9, 12.1).all()


def test_money_rows_are_sound(county: SynthCounty) -> None:
    incomes, spending = county.incomes, county.expenditures
    assert (incomes["amount"] >= 0).all() and (spending["amount"] >= 0).all()
    assert ((incomes["amount"] * 100).round(6) % 1 == 0).all()
    transfer = incomes["source"] == "transfer"
    assert (incomes.filter(transfer)["transfer_type"] != "").all()
    assert (incomes.filter(~transfer)["transfer_type"] == "").all()
    periods = set(incomes.select("period_start", "period_end").unique().iter_rows())
    assert periods == {
        (dt.date(2024, 7, 1), dt.date(2025, 6, 30)),
        (dt.date(2025, 7, 1), dt.date(2026, 6, 30)),
    }
    assert set(spending["type"]) <= {"medical_self_paid", "education", "disaster_loss", "other_rigid"}
    wages = incomes.filter(pl.col("source") == "wages")
    # wages name their earner, unless the earner joined the household after the period (or left
    # before it): then the record names no one, as the registry's rule requires
    assert wages["person_id"].null_count() <= 0.005 * wages.height


@pytest.mark.parametrize(
    ("table", "start", "end"),
    [
        ("incomes", "period_start", "period_end"),
        ("expenditures", "period_start", "period_end"),
        ("shocks", "date", "date"),
    ],
)
def test_named_persons_were_members_during_the_period(
    county: SynthCounty, table: str, start: str, end: str
) -> None:
    frame = getattr(county, table).filter(pl.col("person_id").is_not_null())
    spans = county.memberships.select("person_id", "household_id", "joined", "left")
    covered = (
        frame.select("id", "person_id", "household_id", pl.col(start).alias("_s"), pl.col(end).alias("_e"))
        .join(spans, on=["person_id", "household_id"])
        .filter(
            (pl.col("joined") <= pl.col("_e")) & (pl.col("left").is_null() | (pl.col("left") > pl.col("_s")))
        )
        .select("id")
        .unique()
    )
    assert frame.height > 0 and covered.height == frame.height


def test_references_point_at_rows_of_the_same_county(county: SynthCounty) -> None:
    persons, households = county.persons["id"].implode(), county.households["id"].implode()
    for table in (
        "registry_incomerecord",
        "registry_expenditure",
        "registry_shock",
        "registry_alert",
        "registry_membership",
    ):
        frame = county.tables()[table]
        assert frame["household_id"].is_in(households).all(), table
        assert frame["person_id"].drop_nulls().is_in(persons).all(), table
    shocks = county.shocks
    assert set(shocks["risk_type_id"]) <= {
        "illness", "schooling", "disability", "disaster", "accident", "business_failure",
        "unstable_employment", "lack_of_labour", "housing", "drinking_water", "other",
    }  # fmt: skip
    assert (shocks["date"] > AS_OF - dt.timedelta(days=366)).all() and (shocks["date"] <= AS_OF).all()


def test_four_to_six_income_rows_per_household_and_year(county: SynthCounty) -> None:
    per_year = county.incomes.height / county.households.height / 2
    assert 4 <= per_year <= 6


# --- calibration (docs/synthetic-county.md) ------------------------------------------------------


def test_household_size_and_status_shares(big_county: SynthCounty) -> None:
    mean_size = big_county.persons.height / big_county.households.height
    assert 3.5 <= mean_size <= 3.95
    status = big_county.household_versions["status"]
    assert (status == "out_of_poverty").mean() == pytest.approx(0.33, abs=0.005)
    assert (status == "other").mean() < 0.03


def test_age_structure_of_a_rural_county(big_county: SynthCounty) -> None:
    age = (pl.lit(AS_OF) - big_county.persons["birth_date"]).dt.total_days() / 365.25
    ages = pl.select(age).to_series()
    assert (ages < 15).mean() == pytest.approx(0.23, abs=0.03)
    assert (ages >= 60).mean() == pytest.approx(0.135, abs=0.03)
    assert ((ages >= 16) & (ages < 65)).mean() == pytest.approx(0.66, abs=0.04)
    assert (big_county.persons["sex"] == "M").mean() == pytest.approx(0.517, abs=0.015)


def test_disability_and_illness_rates(big_county: SynthCounty) -> None:
    versions = big_county.person_versions
    assert versions["disability_grade"].is_not_null().mean() == pytest.approx(0.0634, abs=0.006)
    severe = (
        versions["disability_grade"].is_in([1, 2]).sum() / versions["disability_grade"].is_not_null().sum()
    )
    assert severe == pytest.approx(0.30, abs=0.04)
    assert (versions["health"] == "chronic").mean() == pytest.approx(0.115, abs=0.015)
    assert (versions["health"] == "serious").mean() == pytest.approx(0.02, abs=0.005)


def test_income_level_and_wage_shares(big_county: SynthCounty) -> None:
    latest = big_county.incomes.filter(pl.col("period_end") == AS_OF).with_columns(
        pl.when(pl.col("source") == "production_cost")
        .then(-pl.col("amount"))
        .otherwise("amount")
        .alias("net")
    )
    per_capita = latest["net"].sum() / big_county.persons.height
    assert 13_500 <= per_capita <= 17_500
    status = big_county.household_versions.select("household_id", "status")
    poor = latest.join(status, on="household_id").filter(pl.col("status") == "out_of_poverty")
    wage_share = poor.filter(pl.col("source") == "wages")["net"].sum() / poor["net"].sum()
    assert wage_share == pytest.approx(0.687, abs=0.04)
    overall = latest.filter(pl.col("source") == "wages")["net"].sum() / latest["net"].sum()
    assert 0.55 <= overall <= 0.72


def test_most_working_age_members_earn_wages(big_county: SynthCounty) -> None:
    wages = big_county.incomes.filter((pl.col("source") == "wages") & (pl.col("period_end") == AS_OF))
    adults = big_county.persons.filter(
        pl.col("birth_date").is_between(dt.date(1962, 7, 1), dt.date(2010, 6, 30))
    ).height
    assert 0.6 <= wages.height / adults <= 0.9
