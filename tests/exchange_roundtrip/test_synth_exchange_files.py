"""The synthetic county written in the exchange format reads back and validates without a
single issue: the format, the parser and the checks agree with the generator."""

import datetime as dt

import pytest

from lnob.engine.synth import generate
from lnob.exchange.parse import read_table
from lnob.exchange.schema import TABLES
from lnob.exchange.synth_out import write_exchange
from lnob.exchange.validate import check_persons, type_columns


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_every_table_parses_and_validates_cleanly(db, tmp_path, fmt):
    synth = generate(persons=600, seed=5)
    counts = write_exchange(synth, tmp_path, fmt)  # type: ignore[arg-type]
    assert counts["persons"] + counts["memberships"] == synth.memberships.height
    assert counts["alerts"] == synth.alerts.height > 0
    for name, rows in counts.items():
        if rows == 0:
            continue
        parsed = read_table(tmp_path / f"{name}.{fmt}", TABLES[name])
        assert parsed.frame.height == rows, name
        assert parsed.unknown_columns == []
        v = type_columns(TABLES[name], parsed.frame)
        if name == "persons":
            check_persons(v, today=dt.date(2026, 11, 22))
        assert v.issues.is_empty(), (name, v.issues.head(5))


def test_persons_file_carries_one_head_per_household(tmp_path):
    synth = generate(persons=300, seed=2)
    write_exchange(synth, tmp_path, "csv")
    parsed = read_table(tmp_path / "persons.csv", TABLES["persons"])
    heads = parsed.frame.filter(parsed.frame["relation"] == "head")
    assert heads["household_number"].n_unique() == synth.households.height == heads.height
