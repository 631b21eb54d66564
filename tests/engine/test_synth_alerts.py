"""The synthetic county's department alerts (registry_alert; pure: no database)."""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl
import pytest

from lnob.engine.synth import TABLES, SynthCounty, generate
from lnob.engine.synth.alerts import DEPARTMENT
from lnob.exchange.synth_out import exchange_tables
from lnob.registry.choices import ALERT_AMOUNT_REQUIRED, ALERT_DEPARTMENT, ALERT_WITH_GRADE, AlertKind

AS_OF = dt.date(2026, 6, 30)
W1_START = dt.date(2025, 7, 1)


@pytest.fixture(scope="module")
def county() -> SynthCounty:
    return generate(20_000, seed=3)


def test_the_alerts_are_a_table_with_the_database_columns(county: SynthCounty) -> None:
    alerts = county.tables()["registry_alert"]
    assert alerts is county.alerts
    assert tuple(alerts.columns) == TABLES["registry_alert"] == (
        "id", "person_id", "note", "created_at", "household_id", "department", "kind", "date", "amount",
        "grade", "reference",
    )  # fmt: skip
    assert list(TABLES)[-1] == "registry_alert"  # loaded after the households and persons it names
    assert alerts["id"].to_list() == list(range(1, alerts.height + 1))
    assert county.counts()["registry_alert"] == alerts.height


def test_same_seed_gives_the_same_alerts_and_another_seed_does_not() -> None:
    first, again, other = generate(3_000, seed=13), generate(3_000, seed=13), generate(3_000, seed=14)
    assert first.alerts.height > 0
    assert first.alerts.equals(again.alerts)
    assert not first.alerts.equals(other.alerts)


# sha256 (first 16 hex digits) of each frame's CSV text for generate(2_000, seed=3), computed with
# the generator as it was before it drew alerts: the alerts come from a random stream of their
# own, drawn last, and must leave every other frame and the truth exactly as they were
BEFORE_ALERTS = {
    "areas": "f11aeaebebc27abe",
    "households": "82b1a1fb11d642d2",
    "household_versions": "3115764328d4d14c",
    "persons": "d4988eb74b59a00d",
    "person_versions": "25cf05fdedf5c7b8",
    "memberships": "e225e475953d9a78",
    "incomes": "235fb398d761ff70",
    "expenditures": "76db0340c7024438",
    "shocks": "6f12cf671edb01ac",
    "truth": "852291c1bf484110",
}


def test_adding_the_alerts_changed_no_other_frame() -> None:
    synth = generate(2_000, seed=3)
    assert synth.alerts.height > 0
    got = {
        name: hashlib.sha256(getattr(synth, name).write_csv().encode()).hexdigest()[:16]
        for name in BEFORE_ALERTS
    }
    assert got == BEFORE_ALERTS


def test_every_kind_comes_from_its_department(county: SynthCounty) -> None:
    alerts = county.alerts
    assert set(alerts["kind"]) == set(AlertKind.values)
    departments = {str(k): str(d) for k, d in ALERT_DEPARTMENT.items()}
    assert departments == DEPARTMENT  # the generator keeps its own copy: it does not import Django
    expected = alerts["kind"].replace_strict(departments)
    assert (alerts["department"] == expected).all()
    assert alerts.select("person_id", "department", "kind", "date").is_duplicated().sum() == 0
    assert alerts["person_id"].null_count() == 0 and alerts["household_id"].null_count() == 0


def test_one_to_three_percent_of_persons_are_reported(county: SynthCounty) -> None:
    share = county.alerts["person_id"].n_unique() / county.persons.height
    assert 0.01 <= share <= 0.03
    counts = dict(county.alerts.group_by("kind").len().iter_rows())
    assert all(counts[kind] >= 3 for kind in AlertKind.values), counts


def test_each_alert_names_a_member_of_its_household_on_its_date(county: SynthCounty) -> None:
    alerts = county.alerts
    on_date = (
        alerts.select("id", "person_id", "date", pl.col("household_id").alias("named"))
        .join(county.memberships.select("person_id", "household_id", "joined", "left"), on="person_id")
        .filter(
            (pl.col("joined") <= pl.col("date"))
            & (pl.col("left").is_null() | (pl.col("left") > pl.col("date")))
        )
    )
    # exactly one membership that day (the one the import finds), and it is the alert's household
    assert on_date.height == alerts.height
    assert on_date["id"].n_unique() == alerts.height
    assert (on_date["household_id"] == on_date["named"]).all()


def test_dates_fall_in_the_last_year_or_13_to_18_months_back(county: SynthCounty) -> None:
    alerts = county.alerts
    recent = alerts["date"] >= W1_START
    assert (alerts["date"] <= AS_OF).all()
    older = alerts.filter(~recent)["date"]
    assert older.len() > 0 and recent.sum() > 0.6 * alerts.height
    assert older.is_between(dt.date(2024, 12, 30), dt.date(2025, 5, 30)).all()
    created = alerts["created_at"].dt.date()
    assert (created >= alerts["date"]).all() and (created <= AS_OF).all()
    assert (alerts["created_at"].dt.hour() < 9).all()  # office hours in China, in UTC
    for kind in ("medical_self_paid", "disability_registered", "disaster_loss", "dibao_granted"):
        assert alerts.filter((pl.col("kind") == kind) & (pl.col("date") < W1_START)).height > 0, kind


def test_amounts_grades_references_and_notes(county: SynthCounty) -> None:
    alerts = county.alerts
    with_amount = pl.col("kind").is_in([str(k) for k in ALERT_AMOUNT_REQUIRED])
    assert alerts.filter(~with_amount)["amount"].null_count() == alerts.filter(~with_amount).height
    amounts = alerts.filter(with_amount)["amount"]
    assert amounts.null_count() == 0 and (amounts > 0).all()
    assert ((amounts * 100).round(6) % 1 == 0).all()
    graded = pl.col("kind") == str(ALERT_WITH_GRADE)
    assert alerts.filter(~graded)["grade"].null_count() == alerts.filter(~graded).height
    grades = alerts.filter(graded)["grade"]
    assert grades.null_count() == 0 and grades.is_between(1, 4).all()
    numbered = alerts.filter(pl.col("reference") != "")
    assert 0 < numbered.height < alerts.height
    assert numbered["reference"].str.contains(r"^(YB|MZ|JY|CL|YJ|RS)20\d{2}(0[1-9]|1[0-2])\d{4}$").all()
    assert (numbered["reference"].str.slice(2, 6) == numbered["date"].dt.strftime("%Y%m")).all()
    assert (alerts["note"] == "").all()


def test_alerts_agree_with_the_county_they_report_on(county: SynthCounty) -> None:
    alerts = county.alerts
    current = county.person_versions.filter(pl.col("valid_to").is_null())
    # medical: the person's self-paid medical spending of the 12 months the alert falls in
    medical = alerts.filter(pl.col("kind") == "medical_self_paid").with_columns(
        (pl.col("date") >= W1_START).alias("latest")
    )
    spent = (
        county.expenditures.filter(pl.col("type") == "medical_self_paid")
        .group_by("person_id", "household_id", (pl.col("period_start") >= W1_START).alias("latest"))
        .agg(pl.col("amount").sum().round(2).alias("spent"))
    )
    both = medical.join(spent, on=["person_id", "household_id", "latest"])
    assert both.height == medical.height and (both["amount"] == both["spent"]).all()
    # the recent ones are the largest bills of the year
    smallest = medical.filter(pl.col("latest")).select(pl.col("amount").min()).item()
    typical = spent.filter(pl.col("latest")).select(pl.col("spent").median()).item()
    assert smallest > typical
    # disability: the person's registered grade
    grades = alerts.filter(pl.col("kind") == "disability_registered").join(current, on="person_id")
    assert (grades["grade"] == grades["disability_grade"]).all()
    # dropouts: pupils recorded as dropped out, under 16 on the date
    dropouts = (
        alerts.filter(pl.col("kind") == "dropout")
        .join(current, on="person_id")
        .join(county.persons.select(pl.col("id").alias("person_id"), "birth_date"), on="person_id")
    )
    assert (dropouts["enrolment"] == "dropped_out").all()
    assert (dropouts["date"] < dropouts["birth_date"].dt.offset_by("16y")).all()
    # every disaster shock is reported on its day; job losses only where employment is unstable
    disasters = county.shocks.filter(pl.col("risk_type_id") == "disaster").select("household_id", "date")
    reported = alerts.filter(pl.col("kind") == "disaster_loss").select("household_id", "date")
    assert (
        disasters.height > 0 and disasters.join(reported, on=["household_id", "date"], how="anti").is_empty()
    )
    unstable = county.shocks.filter(pl.col("risk_type_id") == "unstable_employment")["household_id"]
    jobs = alerts.filter(pl.col("kind").is_in(["layoff", "unemployment_registered"]))
    assert jobs.height > 0 and jobs["household_id"].is_in(unstable.implode()).all()
    # civil affairs name the head; 低保 is granted to households that receive it
    heads = county.memberships.filter(pl.col("relation") == "head").select("person_id", "household_id")
    assistance = alerts.filter(pl.col("department") == "civil_affairs")
    assert assistance.join(heads, on=["person_id", "household_id"], how="anti").is_empty()
    dibao = county.incomes.filter((pl.col("transfer_type") == "dibao") & (pl.col("period_end") == AS_OF))
    granted = assistance.filter(pl.col("kind") == "dibao_granted")["household_id"]
    assert granted.is_in(dibao["household_id"].implode()).all()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"persons": 1, "seed": 1},
        {"persons": 100, "seed": 2},
        {"persons": 5_000, "seed": 11, "as_of": dt.date(2028, 2, 29)},
        {"persons": 2_000, "seed": 4, "county_code": 500101000000, "county_name": "万州区"},
    ],
)
def test_any_county_gives_sound_alerts(kwargs: dict) -> None:
    synth = generate(**kwargs)
    alerts = synth.alerts
    assert tuple(alerts.columns) == TABLES["registry_alert"]
    assert alerts.schema["amount"] == pl.Float64 and alerts.schema["date"] == pl.Date
    assert alerts.select("person_id", "kind", "date").is_duplicated().sum() == 0
    assert alerts["person_id"].is_in(synth.persons["id"].implode()).all()
    assert alerts["household_id"].is_in(synth.households["id"].implode()).all()
    assert (alerts["date"] <= synth.as_of).all()
    assert (alerts["date"] > synth.as_of - dt.timedelta(days=18 * 31)).all()


def test_the_exchange_format_names_persons_by_resident_id(county: SynthCounty) -> None:
    table = exchange_tables(county)["alerts"]
    assert table.columns == [
        "department", "kind", "id_number", "name", "date", "amount", "grade", "reference", "note"
    ]  # fmt: skip
    assert table.height == county.alerts.height
    expected = county.alerts.join(
        county.persons.select(pl.col("id").alias("person_id"), "id_number", "name"),
        on="person_id",
        maintain_order="left",
    ).select(table.columns)
    assert table.equals(expected)
