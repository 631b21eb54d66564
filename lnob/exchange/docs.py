"""docs/exchange-format.md, generated from the schema so the documentation cannot drift from it.

`lnob exchange docs --write` rewrites the file; tests/exchange_out/test_exchange_docs.py fails when
the committed file differs from `render_exchange_docs()`. The output does not depend on the
database or the active language: code labels are the Chinese source strings, and the risk types
(which counties edit in the admin) are documented as the defaults the migration seeds.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from django.utils import translation

from . import schema
from .schema import TABLES, Column, Kind, Table

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "exchange-format.md"
IMPORT_ORDER = (
    "areas",
    "households",
    "persons",
    "memberships",
    "incomes",
    "expenditures",
    "shocks",
    "alerts",
    "spells",
)

KIND_DOC = {
    Kind.TEXT: "text",
    Kind.INT: "whole number",
    Kind.DECIMAL: "amount in yuan, ≥ 0, 2 decimals",
    Kind.DATE: "date",
    Kind.BOOL: "yes/no",
    Kind.CODE: "code",
    Kind.ID_NUMBER: "resident ID, 18 characters",
    Kind.AREA_CODE: "area code, 12 digits (6 and 9 are padded)",
}

INTRO = """\
# Exchange format

<!-- Generated from lnob/exchange/schema.py by `lnob exchange docs --write`; do not edit by hand. -->

Counties move registry data in and out of LNOB as tables: one file per table, one row per record,
the first row naming the columns. The same definitions (`lnob/exchange/schema.py`) drive the
checks applied to imported rows, the XLSX templates and this page.

**Templates.** Every table has an XLSX template with the headers, dropdowns for coded columns and a
hint on each column (type and example): download them from the 数据交换 page (`/exchange/`) or with
`lnob exchange template TABLE -o FILE.xlsx`. The template's first sheet takes the data; its sheet
“说明 Notes” lists the columns as below.

## Files

- **CSV** in UTF-8, UTF-8 with a byte-order mark (what Excel writes as “CSV UTF-8”), or GB18030/GBK
  (what older Excel and WPS write on Chinese Windows); the encoding is detected.
- **XLSX**, read with calamine (fastexcel for the rows, python-calamine where a sheet mixes cell
  types; fast, and the values as Excel shows them).
- **Parquet**, for feeds from other systems.

## Headers

A column is recognised by its English name, its Chinese header, or any of the other accepted names
listed below. Headers are compared after trimming, removing spaces and folding full-width characters
to half-width, and ignoring case and the “*” that marks required columns. The templates' headers
give both names (`*身份证号 id_number`); either one identifies the column. Columns not listed are
ignored; required columns must be present and filled in on every row.

## Values

- **Dates** may be written `2024-01-05`, `2024/1/5`, `2024.1.5`, `2024年1月5日` or `20240105`, or be
  real Excel dates (day numbers).
- **Yes/no** columns take 是/否, 有/无, yes/no, y/n, true/false, 1/0, ✓/×.
- **Amounts** are in yuan, with at most two decimals, never negative; thousands separators, a
  leading ¥ and a trailing 元 are allowed.
- **Codes** take the code (as listed) or its Chinese label: `out_of_poverty` and 脱贫户 are the same.
- **ID numbers** (公民身份号码) have 18 characters; a final lowercase x is read as X, full-width
  digits are folded to ASCII, and the check digit, birth date and birthplace code are verified.
  Sex and birth date follow from the ID number.
- **Area codes** are the 12-digit statistical codes (统计用区划代码); 6- and 9-digit codes are padded
  with zeros.

## Matching and order

Rows are matched to existing records by their key: persons by resident ID number, households by
household number (户编号), areas by code; the other tables by the columns named as their key. Import
the tables in this order, so that everything a row refers to already exists:

{order}

{index}
"""


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _seeded_risk_types() -> list[tuple[str, str]]:
    migration = importlib.import_module("lnob.registry.migrations.0002_risk_types")
    return [(code, zh) for code, zh, _en, _sort in migration.RISK_TYPES]


def _codes_cell(column: Column) -> str:
    if column.kind == Kind.BOOL:
        return "是 / 否"
    if column.codes is None:
        return ""
    if column.codes is schema._risk_types:
        seeded = ", ".join(f"`{code}` {zh}" for code, zh in _seeded_risk_types())
        return (
            "see the risk-type list in the admin (`RiskType`, counties add their own); "
            f"seeded defaults: {seeded}"
        )
    if column.codes is schema._ethnicities:
        return "one of the 56 [ethnic groups](#ethnic-groups) (族 may be left off: 彝 = 彝族)"
    return ", ".join(f"`{code}` {label}" for code, label in column.codes())


def _type_cell(column: Column) -> str:
    kind = KIND_DOC[column.kind]
    if column.kind == Kind.TEXT:
        return f"{kind}, ≤ {column.max_length} characters"
    return kind


def _table_section(table: Table) -> str:
    lines = [f"## {table.name} — {table.zh}", ""]
    if table.description:
        lines += [table.description, ""]
    lines += [
        "Key: " + ", ".join(f"`{k}`" for k in table.key) + ". "
        f"Template: `/exchange/templates/{table.name}.xlsx`.",
        "",
        "| English name | Chinese header | also accepted | type | required | codes | example | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in table.columns:
        cells = [
            f"`{c.name}`",
            c.zh,
            "、".join(c.aliases),
            _type_cell(c),
            "**yes**" if c.required else "",
            _codes_cell(c),
            f"`{c.example}`" if c.example else "",
            c.hint,
        ]
        lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return "\n".join(lines) + "\n"


def _ethnic_groups() -> str:
    names = [code for code, _label in schema._ethnicities()]
    return "## Ethnic groups\n\n" + "、".join(names) + "\n"


def render_exchange_docs() -> str:
    """The Markdown of docs/exchange-format.md."""
    with translation.override(None):  # code labels as their Chinese source strings
        order = "\n".join(f"{i}. `{name}` ({TABLES[name].zh})" for i, name in enumerate(IMPORT_ORDER, 1))
        index = "## Tables\n\n" + "\n".join(
            f"- [`{t.name}`](#{t.name}--{t.zh}) {t.zh}: {len(t.columns)} columns" for t in TABLES.values()
        )
        parts = [INTRO.format(order=order, index=index)]
        parts += [_table_section(TABLES[name]) for name in IMPORT_ORDER]
        parts += [_table_section(t) for name, t in TABLES.items() if name not in IMPORT_ORDER]
        parts.append(_ethnic_groups())
    return "\n".join(parts)


def write_exchange_docs(path: Path = DOC_PATH) -> Path:
    path.write_text(render_exchange_docs(), encoding="utf-8")
    return path


__all__ = ["DOC_PATH", "render_exchange_docs", "write_exchange_docs"]
