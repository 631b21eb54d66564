"""The synthetic county's employment ledger (lnob.engine.synth.spells; pure: no database)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from stdnum.cn import uscc

from lnob.engine.monitor import features as F
from lnob.engine.synth import SynthCounty, generate
from lnob.exchange.schema import TABLES
from lnob.exchange.synth_out import exchange_tables
from tests.synth_inputs import monitor_inputs

AS_OF = dt.date(2026, 6, 30)
LATEST = dt.date(2025, 7, 1)
IN_WORK = ("employed", "self_employed", "public_welfare")


@pytest.fixture(scope="module")
def county() -> SynthCounty:
    return generate(20_000, seed=5)


def in_work(synth: SynthCounty) -> pl.DataFrame:
    return synth.ledger.filter(pl.col("status").is_in(IN_WORK))


def test_the_ledger_has_the_exchange_tables_columns(county: SynthCounty) -> None:
    spells = exchange_tables(county)["spells"]
    assert spells.height == county.ledger.height
    columns = {c.name for c in TABLES["spells"].columns}
    assert set(spells.columns) <= columns and {"id_number", "status", "start", "location"} <= set(
        spells.columns
    )
    assert spells["id_number"].null_count() == 0


def test_spells_in_work_lie_within_the_persons_named_wage_records(county: SynthCounty) -> None:
    wages = county.incomes.filter((pl.col("source") == "wages") & pl.col("person_id").is_not_null())
    cover = wages.group_by("person_id").agg(
        pl.col("period_start").min().alias("first"),
        (pl.col("period_end") == AS_OF).any().alias("latest"),
    )
    work = in_work(county).join(cover, on="person_id", how="left")
    assert work["latest"].fill_null(False).all()  # only earners of the latest year are in work
    assert (work["start"] >= work["first"]).all()  # never before their first named wage record
    assert (work["end"].is_null() | (work["end"] <= AS_OF)).all()
    assert (county.ledger["start"] <= AS_OF).all()


def test_a_persons_spells_never_overlap(county: SynthCounty) -> None:
    ordered = county.ledger.sort("person_id", "start").with_columns(
        pl.col("end").shift(1).over("person_id").alias("previous_end"),
        pl.col("start").shift(1).over("person_id").alias("previous_start"),
    )
    clash = ordered.filter(
        pl.col("previous_start").is_not_null()
        & (pl.col("previous_end").is_null() | (pl.col("previous_end") >= pl.col("start")))
    )
    assert clash.height == 0, clash.head()


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2026, 3, 31), dt.date(2025, 10, 31), dt.date(2025, 1, 31)])
def test_the_spells_change_no_monitoring_feature(county: SynthCounty, as_of: dt.date) -> None:
    inputs = monitor_inputs(county, as_of)
    assert inputs.spells is not None and inputs.spells.height > 0
    with_ledger = F.compute(inputs, F.Settings(as_of=as_of))
    without = F.compute(
        F.Inputs(
            inputs.households,
            inputs.persons,
            inputs.incomes,
            inputs.expenditures,
            inputs.shocks,
            inputs.alerts,
        ),
        F.Settings(as_of=as_of),
    )
    # floats compared to a relative 1e-9: polars may sum a household's records in another order
    assert_frame_equal(
        with_ledger.sort("household_id"), without.sort("household_id"), check_exact=False, rel_tol=1e-9
    )


def test_monthly_wages_add_up_to_the_wage_records(county: SynthCounty) -> None:
    """Over the latest year, each earner's monthly wage times the months in work is their wage record
    (within rounding to 10 yuan a month and a changed job's two wages)."""
    latest = county.incomes.filter((pl.col("source") == "wages") & (pl.col("period_start") == LATEST))
    record = latest.group_by("person_id").agg(pl.col("amount").sum().alias("record"))
    work = in_work(county).with_columns(
        pl.max_horizontal("start", pl.lit(LATEST)).alias("s"),
        pl.min_horizontal(pl.col("end").fill_null(AS_OF), pl.lit(AS_OF)).alias("e"),
    )
    work = work.filter(pl.col("e") >= pl.col("s")).with_columns(
        (((pl.col("e") - pl.col("s")).dt.total_days() + 1) / 365 * 12 * pl.col("monthly_wage")).alias("paid")
    )
    earned = work.group_by("person_id").agg(pl.col("paid").sum()).join(record, on="person_id")
    ratio = (earned["paid"] / earned["record"]).to_numpy()
    assert abs(float(pl.Series(ratio).median()) - 1.0) < 0.01  # type: ignore[arg-type]
    assert (abs(ratio - 1.0) < 0.05).mean() > 0.85


def test_places_channels_and_employers_are_calibrated(county: SynthCounty) -> None:
    today = in_work(county).filter(pl.col("end").is_null())
    share = dict(today.group_by("location").len().iter_rows())
    outside = share["in_province"] + share["out_of_province"]
    assert 0.45 <= share["out_of_province"] / outside <= 0.65  # about half of migrants out of province
    assert 0.65 <= outside / today.height <= 0.9
    assert set(today["channel"]) <= {
        "organised_export", "workshop", "job_fair", "self_found", "public_welfare", "work_relief",
    }  # fmt: skip
    assert (today.filter(pl.col("channel") == "public_welfare")["status"] == "public_welfare").all()
    assert today.filter(pl.col("channel") == "public_welfare")["location"].unique().to_list() == ["in_county"]
    named = county.ledger["employer_code"].drop_nulls()
    assert 0.3 < named.len() / in_work(county).height < 0.9  # some work for no named employer
    codes = set(county.employers["credit_code"])
    assert set(named) <= codes
    assert all(uscc.is_valid(c) for c in codes)
    assert county.employers["credit_code"].is_unique().all()


def test_not_employed_spells_are_for_members_without_wages_or_between_jobs(county: SynthCounty) -> None:
    idle = county.ledger.filter(pl.col("status") == "not_employed")
    assert idle.height > 0
    assert (idle["location"] == "").all() and idle["employer_code"].null_count() == idle.height
    assert idle["monthly_wage"].null_count() == idle.height
    earners = in_work(county)["person_id"].unique()
    between = idle.filter(pl.col("person_id").is_in(earners.implode()))
    assert between.height > 0  # Spring Festival breaks and lost jobs
    assert between.height < idle.height  # and members who earn nothing


def test_same_seed_same_ledger_and_another_seed_another() -> None:
    first, again, other = generate(3_000, seed=13), generate(3_000, seed=13), generate(3_000, seed=14)
    assert first.ledger.height > 0
    assert first.ledger.equals(again.ledger) and first.employers.equals(again.employers)
    assert not first.ledger.equals(other.ledger)


# every frame of the county but the ledger's own (and the employers it names)
OTHER_FRAMES = (
    "areas", "households", "household_versions", "persons", "person_versions", "memberships",
    "incomes", "expenditures", "shocks", "alerts", "truth",
)  # fmt: skip


def test_adding_the_ledger_changed_no_other_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ledger comes from a random stream of its own, drawn last: a county generated without
    drawing the ledger at all has every other frame identical. (This compared fixed
    hashes once; those depend on the CPU's floating-point code paths, so they broke on a machine
    without AVX-512.)"""
    from lnob.engine.synth import county as county_module

    synth = generate(2_000, seed=3)
    assert synth.ledger.height > 0

    def empty(*args: object, **kwargs: object) -> tuple[pl.DataFrame, pl.DataFrame]:
        return synth.ledger.clear(), synth.employers.clear()  # nothing drawn at all

    monkeypatch.setattr(county_module, "make_spells", empty)
    without = generate(2_000, seed=3)
    assert without.ledger.height == 0
    for name in OTHER_FRAMES:
        assert_frame_equal(getattr(synth, name), getattr(without, name)), name


def test_a_county_of_one_person_has_a_ledger_too() -> None:
    tiny = generate(1, seed=1)
    assert tiny.ledger.columns[:4] == ["person_id", "status", "start", "end"]
