"""The synthetic county's department alerts (registry_alert; pure: no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from lnob.engine.synth import TABLES, SynthCounty, generate

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


FRAMES = (
    "areas", "households", "household_versions", "persons", "person_versions", "memberships", "incomes",
    "expenditures", "shocks", "truth",
)  # fmt: skip


def test_drawing_the_alerts_and_the_ledger_changes_no_other_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """The alerts and the ledger come from random streams of their own, drawn last: a county
    generated without drawing them has every other frame and the truth exactly as with them."""
    import lnob.engine.synth.county as county_module

    full = generate(2_000, seed=3)
    assert full.alerts.height > 0 and full.ledger.height > 0
    monkeypatch.setattr(county_module, "make_alerts", lambda rng, **kw: full.alerts.clear())
    monkeypatch.setattr(
        county_module, "make_spells", lambda rng, **kw: (full.ledger.clear(), full.employers.clear())
    )
    bare = generate(2_000, seed=3)
    assert bare.alerts.height == 0
    for name in FRAMES:
        assert getattr(bare, name).equals(getattr(full, name)), name
