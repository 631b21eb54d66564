"""Round trip: the synthetic county written in the exchange format (`lnob synth --out`) and
imported into an empty registry gives the same registry as loading it directly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Role
from lnob.areas.services import role_assign
from lnob.engine.synth import generate
from lnob.exchange import services
from lnob.exchange.synth_out import write_exchange
from lnob.registry.bulk import _delete_county, load_synth_county
from tests.exchange_import.snapshot import registry_snapshot

COUNTY = 530628000000  # 彝良县: a county the shared personas do not use


@pytest.fixture
def county_admin(world):
    user = get_user_model().objects.create_user(username="yl_admin", password="x-91-password")
    role_assign(user=user, area=Area.objects.get(code=COUNTY), role=Role.COUNTY_ADMIN)
    return user


def _import_folder(actor, folder: Path):
    files = [(p.name, p) for p in sorted(folder.iterdir())]
    batch = services.import_create(actor=actor, files=files, as_of=dt.date(2026, 6, 30))
    services.import_validate(batch)
    return batch


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_import_of_synth_folder_equals_direct_load(county_admin, tmp_path, fmt):
    synth = generate(persons=400, seed=7, county_code=COUNTY, county_name="彝良县")
    load_synth_county(synth)
    direct = registry_snapshot(COUNTY)
    assert len(direct["persons"]) > 300
    tables = ("areas", "households", "memberships", "incomes", "expenditures", "shocks", "alerts")
    assert all(direct[t] for t in tables)
    assert any(m[5] for m in direct["memberships"])  # history: someone left a household
    _delete_county(*subtree_range(COUNTY, Level.COUNTY))
    assert registry_snapshot(COUNTY)["households"] == []

    write_exchange(synth, tmp_path, fmt)  # type: ignore[arg-type]
    batch = _import_folder(county_admin, tmp_path)
    assert batch.status == batch.Status.VALIDATED, batch.error
    counts = batch.counts
    assert counts["invalid"] == 0, batch.summary
    assert counts["new"] == counts["rows"] > 0
    services.import_commit(actor=county_admin, batch=batch)
    imported = registry_snapshot(COUNTY)
    for table in direct:
        assert imported[table] == direct[table], table

    # the same files again change nothing
    again = _import_folder(county_admin, tmp_path)
    assert again.counts["unchanged"] == again.counts["rows"], again.summary
    services.import_commit(actor=county_admin, batch=again)
    assert registry_snapshot(COUNTY) == imported
