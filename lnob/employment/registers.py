"""Registers: the employment channels' own tables, in and out as CSV or XLSX.

The registry's exchange (lnob.exchange) stages large batches of households and persons for review.
The channels' tables are smaller and each belongs to one office: a county's workshops, a course's
enrolments, a township's public-welfare agreements, a bank's loan list. A register file is checked
and applied in one go:

1. read (CSV in UTF-8 or GB18030, XLSX, Parquet) with the exchange's reader, headers in Chinese or
   English, so the same `lnob.exchange.schema.Table` declaration gives the columns, the template
   and the documentation (docs/registers-format.md, `lnob register docs --write`);
2. every cell typed, and each problem reported with file, row, column and value;
3. the register's own `load(ctx, rows)` checks the rows against the database (it calls
   `ctx.refuse(...)` for each problem) and writes them in bulk;
4. all of it in one transaction: if any row was refused, nothing is applied. Loads key rows on
   natural keys, so the same file again changes nothing (`ctx.created` / `ctx.updated` count).

A register declares who may import it (`capability`, in the area of the rows: the load checks
each row's area with `ctx.may(area_code)`) and who may export it; a register holding resident IDs
is `sensitive`: its export needs VIEW_SENSITIVE over the whole export and is audited.

    register_table(Register(table=WORKSHOPS, load=load_workshops, dump=dump_workshops,
                            capability=Capability.MANAGE_EMPLOYMENT))

`dump(user)` returns the rows for export, as tuples in the table's column order, only what the
user may see; the export goes back in unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges
from lnob.core.errors import NotFound
from lnob.exchange.parse import FileProblem, read_table
from lnob.exchange.schema import Table
from lnob.exchange.validate import Validated, check_unique, type_columns


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # the row in the file (the header is row 1 in a template); None: the file
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file} 第 {self.row} 行"
        column = f"，列 {self.column}" if self.column else ""
        value = f"，值 “{self.value}”" if self.value else ""
        return f"{where}{column}{value}：{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


class Refused(Exception):
    """The file was refused: nothing was applied. `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems[:20]))


@dataclass
class Context:
    """What a load gets besides its rows: who, when, and where to put problems and counts."""

    actor: Any
    register: Register
    file: str
    today: dt.date
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    def may(self, area_code: int | None) -> bool:
        """The actor holds the register's capability in that area."""
        return area_code is not None and any(
            lo <= area_code < hi for lo, hi in scope_ranges(self.actor, self.register.capability)
        )

    def refuse(self, rows: pl.DataFrame, column: str, message: str) -> None:
        """One problem per row of `rows` (a frame with `_row` and `value`)."""
        for row, value in rows.select("_row", pl.col("value").cast(pl.String)).iter_rows():
            self.problems.append(Problem(self.file, row, column, value or "", str(message)))

    def refuse_row(self, row: int, column: str, value: Any, message: str) -> None:
        self.problems.append(
            Problem(self.file, row, column, "" if value is None else str(value), str(message))
        )

    def persons(self, rows: pl.DataFrame, column: str = "id_number") -> pl.DataFrame:
        """`rows` with `person_id`, `household_id` and `village` of the person each resident ID
        names, today, among the persons the actor may see; rows naming anyone else are refused
        as not registered (the same words for unknown and foreign, so a file cannot probe who is
        registered elsewhere) and dropped."""
        from lnob.registry.models import Membership, Person

        ids = rows[column].drop_nulls().unique().to_list()
        people = Person.objects.visible_to(self.actor).filter(id_number__in=ids)
        found = pl.DataFrame(
            list(people.values_list("id_number", "pk")),
            schema={column: pl.String, "person_id": pl.Int64},
            orient="row",
        )
        members = Membership.objects.filter(
            person_id__in=found["person_id"].to_list(), left__isnull=True
        ).values_list("person_id", "household_id", "household__village_id")
        homes = pl.DataFrame(
            list(members),
            schema={"person_id": pl.Int64, "household_id": pl.Int64, "village": pl.Int64},
            orient="row",
        )
        joined = rows.join(found, on=column, how="left").join(homes, on="person_id", how="left")
        unknown = joined.filter(pl.col("person_id").is_null())
        self.refuse(
            unknown.select("_row", pl.col(column).alias("value")), column, _("此人未登记或不在您的管辖范围内")
        )
        return joined.filter(pl.col("person_id").is_not_null())


@dataclass(frozen=True)
class Register:
    table: Table
    load: Callable[[Context, pl.DataFrame], None]
    dump: Callable[[Any], Iterable[Sequence[Any]]]
    capability: Capability  # to import, in the rows' areas
    view_capability: Capability = Capability.VIEW_REGISTRY  # to export what the user sees
    sensitive: bool = False  # holds resident IDs: export needs VIEW_SENSITIVE and is audited
    label: Any = ""  # the menu's words (may be lazy); the table's Chinese name by default

    @property
    def name(self) -> str:
        return self.table.name


REGISTERS: dict[str, Register] = {}


def register_table(register: Register) -> Register:
    REGISTERS[register.name] = register
    return register


def get(name: str) -> Register:
    try:
        return REGISTERS[name]
    except KeyError:
        raise NotFound(name) from None


def may_import(user: Any, register: Register) -> bool:
    return bool(scope_ranges(user, register.capability))


def may_export(user: Any, register: Register) -> bool:
    from lnob.exchange.export import may_export_sensitive

    if not scope_ranges(user, register.view_capability):
        return False
    return not register.sensitive or may_export_sensitive(user)


def available(user: Any) -> list[tuple[Register, bool, bool]]:
    """The registers the user may import or export: (register, may import, may export)."""
    out = []
    for register in REGISTERS.values():
        imp, exp = may_import(user, register), may_export(user, register)
        if imp or exp:
            out.append((register, imp, exp))
    return out


@dataclass(frozen=True)
class Result:
    name: str
    file: str
    rows: int
    created: int
    updated: int
    committed: bool

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


class _DryRun(Exception):
    pass


def import_file(
    *,
    actor: Any,
    name: str,
    path: Path | str,
    file: str = "",
    commit: bool = True,
    today: dt.date | None = None,
) -> Result:
    """Check a register file and, when every row is good and `commit`, apply it in one
    transaction. Refused (with every problem found) otherwise; nothing is applied then."""
    register = get(name)
    file = file or Path(path).name
    if not may_import(actor, register):
        raise NotFound(name)
    try:
        parsed = read_table(path, register.table)
    except FileProblem as e:
        raise Refused(
            [Problem(file, e.row, e.column or "", "" if e.value is None else str(e.value), e.message)]
        ) from e
    v = type_columns(register.table, parsed.frame)
    if all(k in v.typed.columns for k in register.table.key):  # else the load checks its own key
        check_unique(v, list(register.table.key), _("同一记录在文件中出现多次"))
    ctx = Context(actor, register, file, today or timezone.localdate())
    _typing_problems(ctx, v)
    # the load checks the rows that typed cleanly too, so one upload reports every problem
    rows = v.valid
    try:
        with transaction.atomic():
            register.load(ctx, rows)
            if ctx.problems:
                raise Refused(_sorted(ctx.problems))
            if not commit:
                raise _DryRun
    except _DryRun:
        pass
    return Result(name, file, v.typed.height, ctx.created, ctx.updated, commit)


def _typing_problems(ctx: Context, v: Validated) -> None:
    for row, column, value, message, severity in v.issues.iter_rows():
        if severity == "error":
            ctx.refuse_row(row, column, value, message)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.row or 0, p.column))


def export_file(*, actor: Any, name: str, fmt: str) -> tuple[bytes, str]:
    """The register's rows the user may see, in its import format; audited when it holds IDs."""
    from lnob.exchange.export import FORMATS, _Counter, audit_export, write_table

    register = get(name)
    if fmt not in FORMATS or not may_export(actor, register):
        raise NotFound(name)
    counted = _Counter(tuple("" if value is None else value for value in row) for row in register.dump(actor))
    data = write_table(counted, [c.name for c in register.table.columns], fmt)
    audit_export(user=actor, export=name, filters={}, rows=counted.n, fmt=fmt, sensitive=register.sensitive)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return data, f"{name}-{stamp}.{fmt}"


def render_docs() -> str:
    """docs/registers-format.md: every register's columns, from the same declarations."""
    from lnob.exchange.docs import _table_section

    head = (
        "# Register formats\n\n"
        "Generated by `lnob register docs --write` from the declarations in the code; "
        "do not edit by hand.\n\n"
        "The employment channels' registers are imported and exported one file at a time "
        '(docs/employment.md, "Registers"). Each file is checked whole and applied in one '
        "transaction, or refused with every problem listed by file, row, column and value; "
        "nothing is applied then. Headers may be in Chinese or English; CSV files in UTF-8 or "
        "GB18030, or XLSX.\n"
    )
    sections = [
        _table_section(r.table).replace(
            f"/exchange/templates/{r.name}.xlsx", f"/employment/registers/{r.name}/template.xlsx"
        )
        for r in sorted(REGISTERS.values(), key=lambda r: r.name)
    ]
    return head + "".join("\n" + section for section in sections)


DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "registers-format.md"
