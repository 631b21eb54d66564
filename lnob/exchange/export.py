"""Exports of the registry to XLSX and CSV, scoped and audited.

`write_table` writes any rows to either format and neutralises formula injection: a text cell that
starts with = + - @ (or a tab or carriage return) would be run as a formula by a spreadsheet, so in
CSV it is prefixed with a single quote and in XLSX it is always written as a plain string.

`export_households` exports the household list exactly as the list page shows it (the same selector,
so the same scoping and filters), streaming rows from the database in chunks so a county of 600,000
households never becomes 600,000 model instances. The head's ID number and the household's phone
are included only when the user may see sensitive fields everywhere the export can reach; otherwise
those columns are left out, not masked. Every export writes one ACCESS entry to the audit trail.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Literal

import xlsxwriter
from auditlog.models import LogEntry
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.areas.codes import level_of, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges
from lnob.areas.selectors import assigned_areas
from lnob.core.errors import NotFound
from lnob.core.sensitive import log_access
from lnob.registry import selectors
from lnob.registry.choices import HouseholdStatus, Relation
from lnob.registry.models import HouseholdVersion, Membership

from .templates_xlsx import display_width

Format = Literal["xlsx", "csv"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 5000


def escape_formula(value: str) -> str:
    """A text cell a spreadsheet would read as a formula, made inert with a leading quote."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


NUMBERS = (int, float, Decimal)


def _yes_no() -> tuple[str, str]:
    return _("是"), _("否")


def write_csv(rows: Iterable[Sequence[Any]], headers: list[str]) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel opens Chinese text correctly."""
    yes, no = _yes_no()

    def cell(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, str):
            return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
        if isinstance(value, bool):
            return yes if value else no
        if isinstance(value, NUMBERS):
            return value
        if isinstance(value, dt.date):
            return value.isoformat()
        return escape_formula(str(value))

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_formula(h) for h in headers])
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8")


def write_xlsx(rows: Iterable[Sequence[Any]], headers: list[str], sheet: str = "data") -> bytes:
    """XLSX written row by row (constant memory); text is always a string, never a formula."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for col, header in enumerate(headers):
        ws.set_column(col, col, min(max(display_width(header) + 2, 12), 40), text)
    for col, header in enumerate(headers):
        ws.write_string(0, col, str(header), bold)
    ws.freeze_panes(1, 0)
    yes, no = _yes_no()
    write_string, write_number = ws.write_string, ws.write_number
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                write_string(r, col, value)
            elif isinstance(value, bool):
                write_string(r, col, yes if value else no)
            elif isinstance(value, NUMBERS):
                write_number(r, col, float(value))
            elif isinstance(value, dt.date):
                ws.write_datetime(r, col, value, date)
            else:
                write_string(r, col, str(value))
    book.close()
    return buffer.getvalue()


def write_table(rows: Iterable[Sequence[Any]], headers: list[str], fmt: str) -> bytes:
    if fmt == "csv":
        return write_csv(rows, headers)
    if fmt == "xlsx":
        return write_xlsx(rows, headers)
    raise ValueError(f"unknown format {fmt!r}")


# --- households ------------------------------------------------------------------------------------

FILTER_KEYS = ("q", "area", "status", "housing_safe", "water_safe", "as_of")


def _covered(inner: list[tuple[int, int]], outer: list[tuple[int, int]]) -> bool:
    """Each range of `inner` lies inside one range of `outer` (both merged, as scope_ranges gives)."""
    return all(any(olo <= lo and hi <= ohi for olo, ohi in outer) for lo, hi in inner)


def may_export_sensitive(user: Any, area: int | None = None) -> bool:
    """True when the user may see sensitive fields in every area the export can contain: the part
    of their scope under `area` (all of it without one). Decided before the first row is written,
    from the scope alone, so the answer never depends on which rows a filter happens to match."""
    reach = scope_ranges(user, Capability.VIEW_REGISTRY)
    if area:
        try:
            alo, ahi = subtree_range(area, level_of(area))
        except ValueError:
            return False
        reach = [(max(lo, alo), min(hi, ahi)) for lo, hi in reach if lo < ahi and alo < hi]
    return bool(reach) and _covered(reach, scope_ranges(user, Capability.VIEW_SENSITIVE))


def _json_filters(filters: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in filters.items():
        if value is None or value == "":
            continue
        out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def audit_export(
    *,
    user: Any,
    export: str,
    filters: dict[str, Any],
    rows: int,
    fmt: str,
    sensitive: bool,
    area: int | None = None,
    **extra: Any,
) -> LogEntry:
    """One ACCESS entry for an export, filed under the area it covers (the filter's area when it
    is in the user's scope, else the user's first top area) so the area's auditors see it."""
    target = (Area.objects.visible_to(user).filter(code=area).first() if area else None) or next(
        iter(assigned_areas(user=user)), None
    )
    if target is None:
        raise NotFound(area)
    fields = ["id_number", "phone"] if sensitive else []
    data = {
        "area": target.code,
        "export": export,
        "filters": _json_filters(filters),
        "rows": rows,
        "fmt": fmt,
        "sensitive": sensitive,
        "fields": fields,
        **extra,
    }
    return log_access(
        actor=user,
        instance=target,
        changes={"export": [export, f"{rows} rows, {fmt}"]},
        additional_data=data,
        object_repr=f"{_('导出')} · {export} · {target.name}",
    )


class _Counter:
    """Counts the rows an iterator yields, for the audit entry written after the file."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self.rows = rows
        self.n = 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.n += 1
            yield row


def household_headers(sensitive: bool) -> list[str]:
    headers = [
        _("户编号"),
        _("村代码"),
        _("村名称"),
        _("农户属性"),
        _("户主姓名"),
        _("家庭人数"),
        _("住房安全有保障"),
        _("饮水安全有保障"),
    ]
    if sensitive:
        headers += [_("户主身份证号"), _("联系电话")]
    return headers


def household_rows(*, user: Any, filters: dict[str, Any], sensitive: bool) -> Iterator[tuple[Any, ...]]:
    """Rows of the household export, straight from the database in chunks of CHUNK."""
    qs = selectors.household_list(user=user, **filters)
    fields = ["number", "village_id", "village__name", "status", "head_name", "member_count",
              "housing_safe", "water_safe"]  # fmt: skip
    if sensitive:
        day = filters.get("as_of") or selectors.today()
        head = Membership.objects.filter(
            selectors.member_on(day), household=OuterRef("pk"), relation=Relation.HEAD
        )
        version = HouseholdVersion.objects.filter(selectors.valid_on(day), household=OuterRef("pk"))
        qs = qs.annotate(
            head_id_number=Subquery(head.values("person__id_number")[:1]),
            contact_phone=Subquery(version.values("contact_phone")[:1]),
        )
        fields += ["head_id_number", "contact_phone"]
    labels = {str(value): str(label) for value, label in HouseholdStatus.choices}
    for row in qs.values_list(*fields).iterator(chunk_size=CHUNK):
        number, village, village_name, status, head_name, members, housing, water, *rest = row
        yield (
            number,
            f"{village:012d}",
            village_name,
            labels.get(status, status),
            head_name or "",
            members or 0,
            housing,
            water,
            *rest,
        )


def export_households(*, user: Any, filters: dict[str, Any], fmt: str) -> tuple[bytes, str]:
    """The household list as a file, and its file name. A user with no areas gets NotFound."""
    if fmt not in FORMATS:
        raise NotFound(fmt)
    if not scope_ranges(user, Capability.VIEW_REGISTRY):
        raise NotFound("households")
    filters = {k: v for k, v in filters.items() if k in FILTER_KEYS}
    sensitive = may_export_sensitive(user, filters.get("area"))
    rows = _Counter(household_rows(user=user, filters=filters, sensitive=sensitive))
    data = write_table(rows, household_headers(sensitive), fmt)
    audit_export(
        user=user,
        export="households",
        filters=filters,
        rows=rows.n,
        fmt=fmt,
        sensitive=sensitive,
        area=filters.get("area"),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return data, f"{_('农户名册')}-{stamp}.{fmt}"


def export_spells(*, user: Any, fmt: str) -> tuple[bytes, str]:
    """The employment ledger of the user's areas in the exchange format (table `spells`), so the
    file goes back in through the import unchanged. Its key is the resident ID: only for users who
    may see sensitive fields in all their areas; others get NotFound."""
    from lnob.employment.models import Spell
    from lnob.registry.models import Person

    from .schema import SPELLS

    if fmt not in FORMATS:
        raise NotFound(fmt)
    if not scope_ranges(user, Capability.VIEW_REGISTRY) or not may_export_sensitive(user):
        raise NotFound("spells")
    columns = [c.name for c in SPELLS.columns]
    qs = (
        Spell.objects.filter(person__in=Person.objects.visible_to(user))
        .order_by("person__id_number", "start", "pk")
        .values_list(
            "person__id_number", "person__name", "status", "start", "end", "location", "destination",
            "channel", "employer__credit_code", "monthly_wage", "full_time", "note",
        )
    )  # fmt: skip

    def rows() -> Iterator[tuple[Any, ...]]:
        for row in qs.iterator(chunk_size=CHUNK):
            yield tuple("" if value is None else value for value in row)

    counted = _Counter(rows())
    data = write_table(counted, columns, fmt)
    audit_export(user=user, export="spells", filters={}, rows=counted.n, fmt=fmt, sensitive=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return data, f"spells-{stamp}.{fmt}"


__all__ = [
    "FORMATS",
    "audit_export",
    "escape_formula",
    "export_households",
    "export_spells",
    "may_export_sensitive",
    "write_table",
]
