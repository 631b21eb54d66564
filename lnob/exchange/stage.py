"""Step 1 and 2 of an import, for what the files alone can tell: which table each file holds,
its rows as typed columns, and every problem a row has on its own or against the other rows of
the batch (duplicates, one head per household, dates in order). Nothing here reads the registry;
that is `reconcile`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, SheetTypeEnum

from lnob.core.errors import Msg
from lnob.registry.choices import ALERT_AMOUNT_REQUIRED, ALERT_DEPARTMENT, ALERT_WITH_GRADE, Department

from .parse import HEADER_SEARCH_ROWS, FileProblem, ParsedTable, _best_header, _header_candidates, read_table
from .schema import TABLES, Table, normalise_header
from .validate import Validated, check_persons, check_unique, type_columns

# the order rows are reconciled and written in: what a row refers to comes first
ORDER = (
    "areas", "households", "persons", "memberships", "incomes", "expenditures", "shocks", "alerts", "spells",
)  # fmt: skip


@dataclass
class StagedTable:
    table: Table
    file: str  # the name the user gave the file
    v: Validated  # typed rows and their problems
    raw: pl.DataFrame  # the rows as read (text), for the error file
    headers: dict[str, str]  # schema column -> header text in the file
    meta: dict[str, Any] = field(default_factory=dict)  # format, encoding, sheet, header row
    warnings: list[str] = field(default_factory=list)

    @property
    def present(self) -> set[str]:
        return set(self.headers)

    @classmethod
    def from_parsed(cls, table: Table, name: str, parsed: ParsedTable) -> StagedTable:
        meta = {
            "format": parsed.format,
            "encoding": parsed.encoding,
            "sheet": parsed.sheet,
            "header_row": parsed.header_row,
            "unknown_columns": parsed.unknown_columns,
            "duplicate_rows": len(parsed.duplicate_rows),
        }
        v = type_columns(table, parsed.frame)
        return cls(table, name, v, parsed.frame, dict(parsed.columns), meta, list(parsed.warnings))


def sniff_table(path: Path, name: str) -> Table:
    """The table a file holds: by its name (persons.xlsx, 人员.csv, persons_2026.csv), else by
    its header (the table whose required columns are all there and that names most columns)."""
    stem = normalise_header(Path(name).stem)
    for table in TABLES.values():
        for word in (table.name, normalise_header(table.zh)):
            if stem == word or stem.startswith(word + "_") or stem.startswith(word + "-"):
                return table
    rows = _top_rows(path)
    scored: list[tuple[int, str]] = []
    for table in TABLES.values():
        header = _best_header(_header_candidates(rows, table))
        if header is not None and all(c in header.mapping for c in table.required):
            scored.append((len(header.mapping), table.name))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        names = ", ".join(f"{t.name}（{t.zh}）" for t in TABLES.values())
        raise FileProblem(
            path,
            _("无法判断文件 {name} 是哪一张表：请用表名命名文件（{names}），或使用下载的模板").format(
                name=name, names=names
            ),
        )
    return TABLES[scored[0][1]]


def _top_rows(path: Path) -> list[list[str]]:
    """The first rows of a file as text, enough to find a header; [] when unreadable (the full
    read then says what is wrong with the file)."""
    head = path.read_bytes()[:65536]
    try:
        if head.startswith(b"PAR1"):
            import pyarrow.parquet as pq

            return [list(pq.read_schema(path).names)]
        if head.startswith(b"PK"):
            book = CalamineWorkbook.from_path(str(path))
            try:
                for meta in book.sheets_metadata:
                    if meta.typ == SheetTypeEnum.WorkSheet:
                        top = book.get_sheet_by_name(meta.name).to_python(nrows=HEADER_SEARCH_ROWS)
                        return [[str(c) for c in row] for row in top]
            finally:
                book.close()
            return []
    except Exception:
        return []
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError as e:
            if e.start > len(head) - 4:  # cut in the middle of a character
                text = head[: e.start].decode(encoding)
                break
    else:
        return []
    delimiter = max(",\t;", key=lambda d: text.split("\n", 1)[0].count(d))
    return [
        row
        for _i, row in zip(
            range(HEADER_SEARCH_ROWS), csv.reader(io.StringIO(text), delimiter=delimiter), strict=False
        )
    ]


def stage_file(path: Path, name: str, *, table: Table | None = None, today: dt.date) -> StagedTable:
    """Read and type one file, and apply the checks within its own rows. FileProblem when the
    file cannot be used at all."""
    table = table or sniff_table(path, name)
    staged = StagedTable.from_parsed(table, name, read_table(path, table))
    ROW_CHECKS[table.name](staged, today)
    return staged


# --- checks within one table's rows ---------------------------------------------------------------


def _not_future(v: Validated, column: str, today: dt.date) -> None:
    if column in v.typed.columns:
        late = v.typed.filter(pl.col(column) > today)
        v.add(late.select("_row", pl.col(column).alias("value")), column, str(Msg.IN_FUTURE))


def _areas(s: StagedTable, today: dt.date) -> None:
    check_unique(s.v, ["code"], str(_("同一区划代码在文件中出现多次")))


def _households(s: StagedTable, today: dt.date) -> None:
    v = s.v
    check_unique(v, ["number"], str(_("同一户编号在文件中出现多次")))
    t = v.typed
    if "left_poverty_year" in t.columns:
        year = pl.col("left_poverty_year")
        wrong = t.filter(year.is_not_null() & (pl.col("status") != "out_of_poverty"))
        v.add(
            wrong.select("_row", year.alias("value")),
            "left_poverty_year",
            str(Msg.LEFT_YEAR_ONLY_OUT_OF_POVERTY),
        )
        odd = t.filter(year.is_not_null() & ((year < 2013) | (year > today.year)))
        v.add(odd.select("_row", year.alias("value")), "left_poverty_year", str(Msg.YEAR_RANGE))
    _not_future(v, "valid_from", today)


def _persons(s: StagedTable, today: dt.date) -> None:
    v = s.v
    check_persons(v, today=today)
    t = v.typed
    if "disability_grade" in t.columns:
        grade = pl.col("disability_grade")
        bad = t.filter(grade.is_not_null() & ((grade < 1) | (grade > 4)))
        v.add(bad.select("_row", grade.alias("value")), "disability_grade", str(Msg.DISABILITY_GRADE))
    if "labour_override" in t.columns:
        reason = pl.col("labour_override_reason") if "labour_override_reason" in t.columns else pl.lit(None)
        bad = t.filter(pl.col("labour_override").is_not_null() & reason.is_null())
        v.add(
            bad.select("_row", pl.col("labour_override").alias("value")),
            "labour_override_reason",
            str(Msg.OVERRIDE_NEEDS_REASON),
        )
    _not_future(v, "joined", today)
    _joined_after_birth(v, "joined")


def _joined_after_birth(v: Validated, column: str) -> None:
    t = v.typed
    if column in t.columns and "id_number" in t.columns:
        birth = pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
        early = t.filter(pl.col(column) < birth)
        v.add(early.select("_row", pl.col(column).alias("value")), column, str(Msg.BEFORE_BIRTH))


def _memberships(s: StagedTable, today: dt.date) -> None:
    v = s.v
    check_unique(v, ["id_number", "household_number", "joined"], str(_("同一成员关系在文件中出现多次")))
    t = v.typed
    if "leave_reason" in t.columns or "left" in t.columns:
        left = pl.col("left") if "left" in t.columns else pl.lit(None, pl.Date)
        early = t.filter(left.is_not_null() & (left <= pl.col("joined")))
        v.add(early.select("_row", left.alias("value")), "left", str(Msg.LEFT_BEFORE_JOINED))
        reason = pl.col("leave_reason") if "leave_reason" in t.columns else pl.lit(None, pl.String)
        missing = t.filter(left.is_not_null() & reason.is_null())
        v.add(missing.select("_row", left.alias("value")), "leave_reason", str(Msg.LEAVE_REASON_REQUIRED))
        stray = t.filter(left.is_null() & reason.is_not_null())
        v.add(
            stray.select("_row", reason.alias("value")),
            "leave_reason",
            str(_("没有离开日期就不能填离开原因")),
        )
    _not_future(v, "left", today)
    _not_future(v, "joined", today)
    _joined_after_birth(v, "joined")


def _period(s: StagedTable, today: dt.date) -> None:
    v = s.v
    t = v.typed
    if {"period_start", "period_end"} <= set(t.columns):
        bad = t.filter(pl.col("period_end") < pl.col("period_start"))
        v.add(bad.select("_row", pl.col("period_end").alias("value")), "period_end", str(Msg.PERIOD_REVERSED))
    check_unique(v, [c for c in s.table.key if c in t.columns], str(_("同一记录在文件中出现多次")))


def _incomes(s: StagedTable, today: dt.date) -> None:
    _period(s, today)
    t = s.v.typed
    transfer = pl.col("source") == "transfer"
    kind = pl.col("transfer_type") if "transfer_type" in t.columns else pl.lit(None, pl.String)
    missing = t.filter(transfer & kind.is_null())
    s.v.add(
        missing.select("_row", pl.col("source").alias("value")),
        "transfer_type",
        str(Msg.TRANSFER_TYPE_REQUIRED),
    )
    stray = t.filter(~transfer & kind.is_not_null())
    s.v.add(stray.select("_row", kind.alias("value")), "transfer_type", str(Msg.TRANSFER_TYPE_FORBIDDEN))


def _shocks(s: StagedTable, today: dt.date) -> None:
    check_unique(s.v, [c for c in s.table.key if c in s.v.typed.columns], str(_("同一记录在文件中出现多次")))
    _not_future(s.v, "date", today)


def _alerts(s: StagedTable, today: dt.date) -> None:
    """A department's alert: its kind is one that department sends; medical bills and disaster
    losses carry an amount; only a disability registration carries a grade, from 1 to 4."""
    v = s.v
    t = v.typed
    check_unique(v, [c for c in s.table.key if c in t.columns], str(_("同一预警在文件中出现多次")))
    _not_future(v, "date", today)
    if {"department", "kind"} <= set(t.columns):
        sender = pl.col("kind").replace_strict(ALERT_DEPARTMENT, default=None, return_dtype=pl.String)
        wrong = t.filter(pl.col("kind").is_not_null() & pl.col("department").is_not_null())
        wrong = wrong.filter(sender != pl.col("department"))
        labels = dict(Department.choices)
        for department, rows in wrong.group_by("department"):
            v.add(
                rows.select("_row", pl.col("kind").alias("value")),
                "kind",
                str(_("这不是{department}报送的预警类型")).format(
                    department=labels.get(str(department[0]), "")
                ),
            )
    if "kind" in t.columns:
        amount = pl.col("amount") if "amount" in t.columns else pl.lit(None, pl.Float64)
        missing = t.filter(pl.col("kind").is_in(sorted(ALERT_AMOUNT_REQUIRED)) & amount.is_null())
        v.add(missing.select("_row", pl.col("kind").alias("value")), "amount", str(_("这类预警必须填写金额")))
        if "grade" in t.columns:
            grade = pl.col("grade")
            stray = t.filter(grade.is_not_null() & (pl.col("kind") != str(ALERT_WITH_GRADE)))
            v.add(stray.select("_row", grade.alias("value")), "grade", str(_("只有残疾登记填写残疾等级")))
            bad = t.filter(grade.is_not_null() & ((grade < 1) | (grade > 4)))
            v.add(bad.select("_row", grade.alias("value")), "grade", str(Msg.DISABILITY_GRADE))


def _spells(s: StagedTable, today: dt.date) -> None:
    """A spell's dates in order and not ahead; in work it says where, out of work it has no
    channel, place, employer or wage; two full-time spells of a person in the file never overlap."""
    v = s.v
    t = v.typed
    check_unique(v, [c for c in s.table.key if c in t.columns], str(_("同一就业记录在文件中出现多次")))
    _not_future(v, "start", today)
    _not_future(v, "end", today)
    end = pl.col("end") if "end" in t.columns else pl.lit(None, pl.Date)
    early = t.filter(end.is_not_null() & (end < pl.col("start")))
    v.add(early.select("_row", end.alias("value")), "end", str(_("结束日期不能早于开始日期")))
    working = pl.col("status").is_in(["employed", "self_employed", "public_welfare"])
    location = pl.col("location") if "location" in t.columns else pl.lit(None, pl.String)
    nowhere = t.filter(working & location.is_null())
    v.add(
        nowhere.select("_row", pl.col("status").alias("value")),
        "location",
        str(_("在岗的记录须填写就业地域（县内、省内县外或省外）")),
    )
    for column in ("channel", "location", "employer_code", "monthly_wage"):
        if column in t.columns:
            stray = t.filter(pl.col("status").is_not_null() & ~working & pl.col(column).is_not_null())
            v.add(
                stray.select("_row", pl.col(column).alias("value")),
                column,
                str(_("未就业或无法就业的记录不填写就业渠道、地域、单位和工资")),
            )
    full = pl.col("full_time").fill_null(True) if "full_time" in t.columns else pl.lit(True)
    if "full_time" in t.columns:
        part = t.filter(pl.col("status").is_not_null() & ~working & ~full)
        v.add(
            part.select("_row", pl.col("full_time").alias("value")),
            "full_time",
            str(_("只有在岗的记录可以是兼职")),
        )
    spans = t.filter(full & pl.col("id_number").is_not_null() & pl.col("start").is_not_null()).select(
        "_row", "id_number", "start", end.alias("end")
    )
    if "employer_code" in t.columns:
        from stdnum.cn import uscc

        codes = t.filter(pl.col("employer_code").is_not_null())
        bad = codes.filter(
            ~pl.col("employer_code").map_elements(lambda c: bool(uscc.is_valid(c)), return_dtype=pl.Boolean)
        )
        v.add(
            bad.select("_row", pl.col("employer_code").alias("value")),
            "employer_code",
            str(_("统一社会信用代码无效（18 位，末位为校验码）")),
        )
    clash = overlapping(spans)
    v.add(
        clash.select("_row", pl.col("start").alias("value")),
        "start",
        str(_("与文件中此人的另一条全职记录时间重叠")),
    )


def overlapping(spans: pl.DataFrame) -> pl.DataFrame:
    """The file's spans (`_row`, `start`) sharing a day with another span of the same person.
    `spans` has `_row` (null for spans kept in the registry), `id_number`, `start` and `end`
    (null: open). Sorted by start, a span overlaps another when it starts before the latest end
    of those that started before it, or when the next one starts before its own end."""
    ordered = spans.with_columns(pl.col("end").fill_null(dt.date.max)).sort("id_number", "start")
    reach = pl.col("end").cum_max().shift(1).over("id_number")
    following = pl.col("start").shift(-1).over("id_number")
    clash = (reach.is_not_null() & (pl.col("start") <= reach)) | (
        following.is_not_null() & (following <= pl.col("end"))
    )
    return ordered.filter(clash & pl.col("_row").is_not_null())


ROW_CHECKS = {
    "areas": _areas,
    "households": _households,
    "persons": _persons,
    "memberships": _memberships,
    "incomes": _incomes,
    "expenditures": _period,
    "shocks": _shocks,
    "alerts": _alerts,
    "spells": _spells,
}
