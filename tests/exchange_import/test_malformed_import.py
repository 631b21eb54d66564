"""Every file of the malformed corpus (tests/malformed/, MANIFEST.csv) through the whole import:
a file the parser refuses refuses its batch with a message naming the file; a file that parses is
validated; a batch with an invalid row cannot be committed all-or-nothing, and nothing is written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lnob.exchange import services
from lnob.exchange.models import ImportBatch
from lnob.registry.models import Household, Membership, Person
from tests.exchange_import.helpers import validated

CORPUS = Path(__file__).resolve().parent.parent / "malformed"
MANIFEST = list(csv.DictReader((CORPUS / "MANIFEST.csv").open(encoding="utf-8")))


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_malformed_file_through_the_import(world, households, entry):
    before = (Household.objects.count(), Person.objects.count(), Membership.objects.count())
    path = CORPUS / entry["file"]
    batch = validated(world.zx_admin, (f"{entry['table']}{path.suffix}", path.read_bytes()))
    if entry["expect"] == "refused":
        assert batch.status == ImportBatch.Status.REFUSED
        assert f"{entry['table']}{path.suffix}" in batch.error
        return
    assert batch.status == ImportBatch.Status.VALIDATED, batch.error
    if entry["expect"] == "row_error":
        assert batch.counts["invalid"] > 0
    if batch.counts["invalid"]:
        with pytest.raises(services.ImportRefused):
            services.import_commit(actor=world.zx_admin, batch=batch)
        assert (Household.objects.count(), Person.objects.count(), Membership.objects.count()) == before
