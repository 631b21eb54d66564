"""Spells of the employment ledger through the exchange pipeline, with personas of 镇雄 and 万州:
persons by resident ID, employers by credit code on the person's county's list, no overlapping
full-time spells in the file or against the ledger, re-imports idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lnob.areas.models import Area
from lnob.employment import selectors as employment_selectors
from lnob.employment import services as employment
from lnob.employment.models import Spell
from lnob.exchange import services
from lnob.registry.models import Membership
from tests.exchange_import.helpers import csv_bytes, messages_for, validated
from tests.personas import WZ, ZX, make_id

CODE = "91441900MA4W123409"
HEADER = [
    "id_number", "status", "start", "end", "location", "destination", "channel", "employer_code",
    "monthly_wage", "full_time",
]  # fmt: skip


def _spells(*rows: list[object]) -> tuple[str, bytes]:
    return "spells.csv", csv_bytes(HEADER, list(rows))


def _head(household):
    return Membership.objects.get(household=household, relation="head").person


def test_a_county_imports_its_ledger_and_bad_rows_come_back(world, county):
    employment.employer_create(
        actor=world.zx_admin, county=Area.objects.get(code=ZX), credit_code=CODE, name="东莞某电子厂"
    )
    a, b, c, d = (_head(county[k]) for k in "abcd")
    employment.spell_record(
        actor=world.zx_admin, person=c, status="employed", location="in_county", start=dt.date(2026, 1, 1)
    )
    batch = validated(
        world.zx_admin,
        _spells(
            [
                a.id_number,
                "employed",
                "2026-02-01",
                "",
                "out_of_province",
                "东莞",
                "organised_export",
                CODE,
                "4800",
                "",
            ],
            [b.id_number, "not_employed", "2026-01-01", "", "", "", "", "", "", ""],
            [
                b.id_number,
                "employed",
                "2026-03-01",
                "",
                "in_county",
                "",
                "",
                "",
                "3000",
                "",
            ],  # overlaps the row above
            [
                c.id_number,
                "self_employed",
                "2026-05-01",
                "",
                "in_county",
                "",
                "",
                "",
                "",
                "",
            ],  # overlaps the ledger
            [
                a.id_number,
                "employed",
                "2026-02-15",
                "",
                "in_county",
                "",
                "",
                "",
                "100",
                "否",
            ],  # part time: fine
            [d.id_number, "employed", "2026-02-01", "", "in_county", "", "", "", "", ""],  # 万州
            [make_id("19700101", "M"), "employed", "2026-02-01", "", "in_county", "", "", "", "", ""],
            [a.id_number, "not_employed", "2025-01-01", "2025-06-30", "", "", "", "", "200", ""],  # a wage
            [
                a.id_number,
                "employed",
                "2024-01-01",
                "2024-06-30",
                "in_county",
                "",
                "",
                "91441900MA4W123400",
                "",
                "",
            ],
            [a.id_number, "employed", "2023-01-01", "2023-06-30", "in_county", "", "", "", "-5", ""],
            [a.id_number, "employed", "2022-01-01", "2022-06-30", "", "", "", "", "", ""],  # no location
        ),
    )
    found = sorted((row, column) for row, column, _m in messages_for(batch))
    assert found == [
        (3, "start"),
        (4, "start"),
        (5, "start"),
        (7, "id_number"),
        (8, "id_number"),
        (9, "monthly_wage"),
        (10, "employer_code"),
        (11, "monthly_wage"),
        (12, "location"),
    ]
    assert batch.summary["tables"]["spells"]["new"] == 2
    services.import_commit(actor=world.zx_admin, batch=batch, valid_only=True)
    kept = Spell.objects.filter(person=a).order_by("full_time")
    assert [(s.full_time, s.employer is not None, s.monthly_wage) for s in kept] == [
        (False, False, Decimal("100.00")),
        (True, True, Decimal("4800.00")),
    ]

    # the same file again adds nothing; a closing date closes the spell
    again = validated(
        world.zx_admin,
        _spells(
            [
                a.id_number,
                "employed",
                "2026-02-01",
                "2026-06-30",
                "out_of_province",
                "东莞",
                "organised_export",
                CODE,
                "4800",
                "",
            ]
        ),
    )
    assert again.summary["tables"]["spells"]["changed"] == 1 and messages_for(again) == []
    services.import_commit(actor=world.zx_admin, batch=again)
    assert Spell.objects.get(person=a, full_time=True).end == dt.date(2026, 6, 30)
    assert Spell.objects.count() == 3


def test_an_employer_is_looked_up_on_the_persons_own_countys_list(world, county):
    employment.employer_create(
        actor=world.wz_admin, county=Area.objects.get(code=WZ), credit_code=CODE, name="万州的名单"
    )
    a, d = _head(county["a"]), _head(county["d"])
    zx = validated(
        world.zx_admin,
        _spells([a.id_number, "employed", "2026-02-01", "", "out_of_province", "", "", CODE, "", ""]),
    )
    assert [(r, c) for r, c, _m in messages_for(zx)] == [(2, "employer_code")]
    wz = validated(
        world.wz_admin,
        _spells([d.id_number, "employed", "2026-02-01", "", "out_of_province", "", "", CODE, "", ""]),
    )
    assert messages_for(wz) == []
    services.import_commit(actor=world.wz_admin, batch=wz)
    assert Spell.objects.get().employer.name == "万州的名单"


def test_the_ledger_exported_goes_back_in_unchanged(world, county):
    import io

    import polars as pl
    from django.test import Client

    from tests.personas import PASSWORD

    employment.employer_create(
        actor=world.zx_admin, county=Area.objects.get(code=ZX), credit_code=CODE, name="东莞某电子厂"
    )
    a, b, d = _head(county["a"]), _head(county["b"]), _head(county["d"])
    factory = employment_selectors.employers_visible(world.zx_admin).get()
    employment.spell_record(
        actor=world.zx_admin, person=a, status="employed", location="out_of_province", destination="东莞",
        channel="organised_export", employer=factory, monthly_wage=Decimal("4800"), start=dt.date(2026, 2, 1),
        end=dt.date(2026, 8, 31),
    )  # fmt: skip
    employment.spell_record(actor=world.zx_admin, person=b, status="not_employed", start=dt.date(2026, 1, 1))
    employment.spell_record(actor=world.wz_admin, person=d, status="unable", start=dt.date(2026, 1, 1))

    admin = Client()
    admin.login(username="zx_admin", password=PASSWORD)
    response = admin.get("/exchange/spells.csv")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    frame = pl.read_csv(io.BytesIO(content), infer_schema=False)
    assert sorted(frame["id_number"].to_list()) == sorted([a.id_number, b.id_number])  # not 万州's
    batch = validated(world.zx_admin, ("spells.csv", content))
    assert messages_for(batch) == []
    assert batch.summary["tables"]["spells"]["unchanged"] == 2 and batch.counts["new"] == 0

    auditor = Client()
    auditor.login(username="zx_auditor", password=PASSWORD)
    assert auditor.get("/exchange/spells.csv").status_code == 404  # the ID number is its key
