"""The village public notice (公示): the households of a village put up for public review.

A notice is posted on the village board, so it carries only what the policy requires to be public:
the household number, the head's name, the number of members and the household's category, with
the notice period and where to raise objections. It never carries ID numbers, phone numbers, bank
accounts or health: the rows are read through `NoticeRow`, which has no field for any of them.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from lnob.areas.codes import Level
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.selectors import area_get
from lnob.core.errors import DomainError, NotFound
from lnob.registry import selectors
from lnob.registry.choices import HouseholdStatus

MIN_DAYS = 5
NOTICE_FORMATS = ("html", "xlsx")


@dataclass(frozen=True)
class NoticeRow:
    number: str
    head_name: str
    members: int
    category: str


@dataclass(frozen=True)
class Notice:
    village: Area
    title: str
    start: dt.date
    end: dt.date
    days: int
    rows: list[NoticeRow]

    @property
    def period(self) -> str:
        return _("公示期：自 {start} 至 {end}（共 {days} 天，不少于 {min} 天）").format(
            start=_cn_date(self.start), end=_cn_date(self.end), days=self.days, min=MIN_DAYS
        )

    @property
    def objection(self) -> str:
        return _(
            "公示期内，如对公示内容有异议，请以书面或口头形式向村（居）民委员会反映。"
            "村（居）委会联系电话：______________；监督电话：______________。"
        )

    @property
    def dated(self) -> str:
        return _cn_date(self.start)

    @property
    def signature(self) -> str:
        if self.village.name.endswith("社区"):
            return _("{village}居民委员会").format(village=self.village.name)
        return _("{village}村民委员会").format(village=self.village.name)


def _cn_date(day: dt.date) -> str:
    return _("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def notice_rows(
    *, user: Any, village: int, households: list[str] | None = None
) -> tuple[Area, list[NoticeRow]]:
    """The village (which the user must be allowed to edit) and the rows of its notice."""
    area = area_get(user=user, code=village, capability=Capability.EDIT_REGISTRY)
    if area.level != Level.VILLAGE:
        raise NotFound(village)
    qs = selectors.household_list(user=user, area=area.code)
    wanted = list(dict.fromkeys(h.strip() for h in households or [] if h.strip()))
    if households is not None:
        if not wanted:
            raise NotFound(village)
        qs = qs.filter(number__in=wanted)
    labels = {str(value): str(label) for value, label in HouseholdStatus.choices}
    fields = ("number", "head_name", "member_count", "status")  # the only fields a notice shows
    rows = [
        NoticeRow(number, head_name or "", members or 0, labels.get(status, status))
        for number, head_name, members, status in qs.values_list(*fields)
    ]
    if households is not None and len(rows) != len(wanted):
        missing = sorted(set(wanted) - {r.number for r in rows})
        raise NotFound(missing)
    return area, rows


def build_notice(
    *,
    user: Any,
    village: int,
    households: list[str] | None = None,
    title: str = "",
    start: dt.date | None = None,
    days: int = MIN_DAYS,
) -> Notice:
    if days < MIN_DAYS:
        raise DomainError("days", days, _("公示期不少于 {n} 天").format(n=MIN_DAYS))
    area, rows = notice_rows(user=user, village=village, households=households)
    begin = start or selectors.today()
    return Notice(
        village=area,
        title=title.strip() or _("{village}农户信息公示").format(village=area.name),
        start=begin,
        end=begin + dt.timedelta(days=days - 1),
        days=days,
        rows=rows,
    )


def headers() -> list[str]:
    return [_("序号"), _("户编号"), _("户主姓名"), _("家庭人数"), _("农户属性")]


def notice_html(notice: Notice) -> bytes:
    return render_to_string("exchange/notice.html", {"n": notice, "headers": headers()}).encode("utf-8")


def notice_xlsx(notice: Notice) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    ws = book.add_worksheet(_("公示"))
    font = {"font_name": "Noto Sans CJK SC"}
    title = book.add_format({**font, "bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    plain = book.add_format({**font, "text_wrap": True, "valign": "top"})
    head = book.add_format({**font, "bold": True, "border": 1, "align": "center", "bg_color": "#EEEEEE"})
    cell = book.add_format({**font, "border": 1})
    number = book.add_format({**font, "border": 1, "num_format": "@"})
    count = book.add_format({**font, "border": 1, "align": "center"})
    right = book.add_format({**font, "align": "right"})
    width = len(headers())
    for col, w in enumerate((6, 22, 14, 10, 14)):
        ws.set_column(col, col, w)
    ws.merge_range(0, 0, 0, width - 1, notice.title, title)
    ws.set_row(0, 32)
    ws.merge_range(1, 0, 1, width - 1, notice.period, plain)
    for col, text in enumerate(headers()):
        ws.write_string(3, col, text, head)
    row = 4
    for i, r in enumerate(notice.rows, start=1):
        ws.write_number(row, 0, i, count)
        ws.write_string(row, 1, r.number, number)
        ws.write_string(row, 2, r.head_name, cell)
        ws.write_number(row, 3, r.members, count)
        ws.write_string(row, 4, r.category, cell)
        row += 1
    if not notice.rows:
        ws.merge_range(row, 0, row, width - 1, _("没有需要公示的农户。"), cell)
        row += 1
    row += 1
    ws.merge_range(row, 0, row + 1, width - 1, notice.objection, plain)
    ws.set_row(row, 30)
    ws.merge_range(row + 3, 0, row + 3, width - 1, notice.signature, right)
    ws.merge_range(row + 4, 0, row + 4, width - 1, notice.dated, right)
    ws.set_paper(9)  # A4
    ws.set_portrait()
    ws.center_horizontally()
    ws.set_margins(left=0.6, right=0.6, top=0.7, bottom=0.7)
    ws.repeat_rows(3)
    ws.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()


def village_notice(
    *,
    user: Any,
    village: int,
    households: list[str] | None = None,
    title: str = "",
    fmt: str = "html",
    start: dt.date | None = None,
    days: int = MIN_DAYS,
) -> bytes:
    """The notice for a village, or for the given households of it, as HTML (A4, printable) or
    XLSX. A village the user may not edit, or a household outside it, is NotFound."""
    if fmt not in NOTICE_FORMATS:
        raise NotFound(fmt)
    notice = build_notice(
        user=user, village=village, households=households, title=title, start=start, days=days
    )
    return notice_html(notice) if fmt == "html" else notice_xlsx(notice)


__all__ = ["MIN_DAYS", "NOTICE_FORMATS", "Notice", "NoticeRow", "build_notice", "village_notice"]
