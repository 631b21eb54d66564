"""Downloadable XLSX templates, one per table of the exchange format, drawn from `schema.TABLES`.

The data sheet has one bilingual header per column ("身份证号 id_number", required ones marked "*"
and bold) and no rows: the example goes in the cell's input hint, so a template filled in and
uploaded never carries a sample row by mistake. Columns that hold identifiers are formatted as
text so Excel keeps leading zeros and all 18 digits; code columns get a dropdown; every column has
an input hint (what it is, its type, an example). A second sheet, "说明 Notes", lists every
column with its accepted headers and code list. Some code lists (risk types) are read from the
database, so building a template needs it.
"""

from __future__ import annotations

import io
import unicodedata

import xlsxwriter
from django.utils.translation import gettext as _
from xlsxwriter.worksheet import Worksheet

from .schema import Column, Kind, Table

NOTES_SHEET = "说明 Notes"
CODES_SHEET = "codes"
LAST_ROW = 1_048_575  # Excel's last row (0-based): validations and formats cover whole columns
INLINE_LIST_LIMIT = 255  # Excel's limit on the characters of an inline dropdown list
TEXT_KINDS = (Kind.TEXT, Kind.CODE, Kind.ID_NUMBER, Kind.AREA_CODE)
YES_NO_CHOICES = ("是", "否")


def kind_label(kind: Kind) -> str:
    """The type of a column as people filling in a template read it."""
    labels = {
        Kind.TEXT: _("文本"),
        Kind.INT: _("整数"),
        Kind.DECIMAL: _("金额（元，最多两位小数，不能为负）"),
        Kind.DATE: _("日期（如 2024-01-05）"),
        Kind.BOOL: _("是/否"),
        Kind.CODE: _("代码（下拉选择）"),
        Kind.ID_NUMBER: _("18 位身份证号"),
        Kind.AREA_CODE: _("12 位区划代码"),
    }
    return str(labels[kind])


def header_text(column: Column) -> str:
    """The template's header for a column: Chinese header, then the English name; "*" if required."""
    return f"{'*' if column.required else ''}{column.zh} {column.name}"


def sheet_name(table: Table) -> str:
    return f"{table.zh} {table.name}"[:31]


def display_width(text: str) -> int:
    """Columns Excel needs to show `text`: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _codes(column: Column) -> list[tuple[str, str]]:
    return [(str(code), str(label)) for code, label in column.codes()] if column.codes else []


def _input_message(column: Column, codes: list[tuple[str, str]]) -> str:
    lines = []
    if column.required:
        lines.append(_("必填。"))
    if column.hint:
        lines.append(column.hint)
    lines.append(_("类型：{kind}").format(kind=kind_label(column.kind)))
    if codes:
        shown = "；".join(f"{code}={label}" for code, label in codes[:8])
        more = _("……（完整列表见“说明 Notes”表）") if len(codes) > 8 else ""
        lines.append(_("可选：{codes}{more}").format(codes=shown, more=more))
    if column.example:
        lines.append(_("示例：{example}").format(example=column.example))
    message = "\n".join(lines)
    return message if len(message) <= 255 else message[:254] + "…"


class _Builder:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self.buffer,
            {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False},
        )
        self.codes_sheet: Worksheet | None = None
        self.codes_col = 0
        self.fmt = {
            "header": self.book.add_format(
                {"bg_color": "#E8EEF4", "border": 1, "text_wrap": True, "valign": "vcenter"}
            ),
            "required": self.book.add_format(
                {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "vcenter"}
            ),
            "text": self.book.add_format({"num_format": "@"}),
            "date": self.book.add_format({"num_format": "yyyy-mm-dd"}),
            "decimal": self.book.add_format({"num_format": "0.00"}),
            "int": self.book.add_format({"num_format": "0"}),
            "wrap": self.book.add_format({"text_wrap": True, "valign": "top"}),
            "bold": self.book.add_format({"bold": True}),
        }

    def build(self) -> bytes:
        data = self.book.add_worksheet(sheet_name(self.table))
        notes = self.book.add_worksheet(NOTES_SHEET)
        all_codes = {c.name: _codes(c) for c in self.table.columns}
        for col, column in enumerate(self.table.columns):
            self._data_column(data, col, column, all_codes[column.name])
        data.freeze_panes(1, 0)
        data.set_row(0, 30)
        data.activate()
        self._notes(notes, all_codes)
        self.book.close()
        return self.buffer.getvalue()

    def _data_column(self, sheet: Worksheet, col: int, column: Column, codes: list[tuple[str, str]]) -> None:
        header = header_text(column)
        sheet.write_string(0, col, header, self.fmt["required" if column.required else "header"])
        width = max(display_width(header), display_width(column.example), 10) + 2
        cell_format = {
            Kind.DATE: self.fmt["date"],
            Kind.DECIMAL: self.fmt["decimal"],
            Kind.INT: self.fmt["int"],
        }.get(column.kind, self.fmt["text"] if column.kind in TEXT_KINDS else None)
        sheet.set_column(col, col, min(width, 40), cell_format)
        validation: dict[str, object] = {
            "input_title": column.zh[:32],
            "input_message": _input_message(column, codes),
            "ignore_blank": True,
        }
        if column.kind == Kind.CODE and codes:
            validation.update(self._list_source(column, [code for code, _label in codes]))
            validation["error_title"] = _("不是可选的代码")[:32]
            validation["error_message"] = _("请从下拉列表中选择，或见“说明 Notes”表。")
        elif column.kind == Kind.BOOL:
            validation.update({"validate": "list", "source": list(YES_NO_CHOICES)})
        elif column.kind == Kind.DECIMAL:
            validation.update(
                {
                    "validate": "decimal",
                    "criteria": ">=",
                    "value": 0,
                    "error_title": _("金额不能为负数")[:32],
                    "error_message": _("金额以元为单位，不能为负数。"),
                }
            )
        else:
            validation["validate"] = "any"
        sheet.data_validation(1, col, LAST_ROW, col, validation)

    def _list_source(self, column: Column, values: list[str]) -> dict[str, object]:
        """An inline list when it is short and has no commas; otherwise a range on the hidden
        "codes" sheet (Excel limits inline lists to 255 characters and splits them at commas)."""
        inline = len(",".join(values)) <= INLINE_LIST_LIMIT and not any("," in v for v in values)
        if inline:
            return {"validate": "list", "source": values}
        if self.codes_sheet is None:
            self.codes_sheet = self.book.add_worksheet(CODES_SHEET)
            self.codes_sheet.hide()
        col = self.codes_col
        self.codes_col += 1
        self.codes_sheet.write_string(0, col, column.name)
        for row, value in enumerate(values, start=1):
            self.codes_sheet.write_string(row, col, value)
        letter = xlsxwriter.utility.xl_col_to_name(col)
        return {"validate": "list", "source": f"={CODES_SHEET}!${letter}$2:${letter}${len(values) + 1}"}

    def _notes(self, sheet: Worksheet, all_codes: dict[str, list[tuple[str, str]]]) -> None:
        table = self.table
        sheet.write_string(0, 0, f"{table.zh} {table.name}", self.fmt["bold"])
        intro = _(
            "第一个工作表为数据表：每行一条记录，不要改动表头。带 * 的列为必填。"
            "表头可用英文名、中文表头或下列别名。匹配键：{key}。"
        ).format(key=", ".join(table.key))
        sheet.write_string(1, 0, intro)
        headers = [
            _("英文名 name"),
            _("中文表头"),
            _("也可用"),
            _("类型"),
            _("必填"),
            _("代码（代码 = 含义）"),
            _("示例"),
            _("说明"),
        ]
        widths = [20, 20, 24, 22, 6, 40, 22, 36]
        for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.write_string(3, col, text, self.fmt["header"])
            sheet.set_column(col, col, width, self.fmt["wrap"])
        for row, column in enumerate(table.columns, start=4):
            codes = all_codes[column.name]
            if column.kind == Kind.BOOL:
                codes = [(v, v) for v in YES_NO_CHOICES]
            values = [
                column.name,
                column.zh,
                "、".join(column.aliases),
                kind_label(column.kind),
                _("是") if column.required else "",
                "\n".join(f"{code} = {label}" if code != label else code for code, label in codes),
                column.example,
                column.hint,
            ]
            for col, value in enumerate(values):
                if value:
                    sheet.write_string(row, col, str(value))
        sheet.freeze_panes(4, 0)


def template_xlsx(table: Table) -> bytes:
    """The XLSX template for one table of the exchange format."""
    return _Builder(table).build()


__all__ = ["header_text", "kind_label", "template_xlsx"]
