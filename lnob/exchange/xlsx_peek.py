"""The first rows of every worksheet of an XLSX workbook, read without parsing whole sheets.

python-calamine and fastexcel build a whole sheet in memory before they give its first row: on a
1,000,000-row sheet that alone takes seconds. Finding the header needs the first ten rows, so
`read_tops` opens the workbook as the zip it is, streams only the start of each worksheet's XML
(and of the shared strings, as far as those rows need them) and gives every cell the value
python-calamine's `to_python(skip_empty_area=False)` gives it. It follows the reading rules of the
calamine crate (0.37, the one python-calamine 0.9 is built on), checked cell type by cell type:

- a cell has a value when calamine keeps it: a `<v>` or `<is>` with content, an empty text
  (`t="str"` with an empty `<v>`, an empty shared or inline string) and an error value included,
  a bare `<f>` or a style-only `<c/>` not;
- cell and row positions come from the `r` attributes, or count on from the previous cell / row;
- text: the `<t>` elements outside phonetic runs (`<rPh>`), each trimmed of XML white space unless
  it has `xml:space="preserve"`, joined, then `_xHHHH_` escapes decoded;
- `t="b"` 0/1/false/true gives a bool; the seven classic error values give "" (python-calamine
  turns them into empty cells); numbers give floats.

A number with a cell style may be shown as a date, which python-calamine then gives as a date: such
a cell is marked GUESS (its value is only the number). Anything this module does not mirror
exactly (an unknown cell type or error value, a string cell without `t`, rows out of order, a
missing part, XML it cannot read...) raises `Unsure`: the caller then reads the workbook the slow
way, with python-calamine.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast
from xml.etree.ElementTree import Element, XMLPullParser, fromstring

__all__ = ["GUESS", "OTHER", "TEXT", "SheetTop", "Unsure", "WorkbookTops", "read_tops"]

TEXT = "text"  # a string cell: shared, inline or a formula's text result
OTHER = "other"  # a number without a style, a bool or an error value: its value is certain
GUESS = "guess"  # a number with a style or a t="d" cell: python-calamine may give a date instead

_REL_IDS = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)
_PRESERVE = "{http://www.w3.org/XML/1998/namespace}space"
_XML_BLANKS = " \t\r\n"
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INDEX = re.compile(r"[0-9]{1,9}")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_ROW_REF = re.compile(r"[0-9]{1,7}")
_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})
_STATES = frozenset({None, "visible", "hidden", "veryHidden"})
_TYPES = frozenset({None, "n", "s", "b", "e", "str", "inlineStr", "d"})
_DOCTYPE = b"<!DOCTYPE"
_SMALL_PART = 1 << 24  # workbook.xml and its relationships are read whole: a few KB in practice
_SHEET_KINDS = {"worksheets": True, "chartsheets": False, "dialogsheets": False}


class Unsure(Exception):
    """The workbook holds something this reader does not mirror exactly; read it another way."""


@dataclass
class SheetTop:
    name: str
    rows: list[list[object]]  # the sheet's first rows from A1; each as long as its last cell
    kinds: dict[tuple[int, int], str]  # (row, column), 0-based, of each cell read -> TEXT|OTHER|GUESS
    end_row: int  # 0-based row of the last cell; exact up to the rows asked for + 1, else larger

    @property
    def empty(self) -> bool:
        """No cell at all (python-calamine: `sheet.start is None`)."""
        return self.end_row < 0


@dataclass
class WorkbookTops:
    sheets: list[SheetTop]  # the worksheets, in workbook order (chart and dialog sheets left out)
    date1904: bool


@dataclass(frozen=True)
class _Shared:
    index: int


_EMPTY = object()  # a cell calamine does not keep


def read_tops(path: Path | str, nrows: int) -> WorkbookTops:
    """The first `nrows` rows of every worksheet, or `Unsure` (zip and XML errors pass through)."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        workbook = _xml(_read_small(z, _member(names, "xl/workbook.xml")))
        relations = _xml(_read_small(z, _member(names, "xl/_rels/workbook.xml.rels")))
        targets = {
            r.get("Id"): r.get("Target") or "" for r in relations.iter() if _local(r.tag) == "Relationship"
        }
        date1904 = any(
            _local(e.tag) == "workbookPr" and e.get("date1904") in ("1", "true") for e in workbook.iter()
        )
        found: list[tuple[str, dict[tuple[int, int], tuple[object, str]], int]] = []
        for sheet in workbook.iter():
            if _local(sheet.tag) != "sheet":
                continue
            name, state = sheet.get("name"), sheet.get("state")
            rid = next((sheet.get(k) for k in _REL_IDS if sheet.get(k) is not None), None)
            if name is None or state not in _STATES or rid not in targets:
                raise Unsure(f"sheet entry {name!r}")
            part = _part(targets[rid])
            is_worksheet = _SHEET_KINDS.get(part.split("/")[1] if part.count("/") > 1 else "")
            if is_worksheet is None:
                raise Unsure(f"sheet part {part!r}")
            if is_worksheet:
                with z.open(_member(names, part)) as stream:
                    cells, end_row = _scan(stream, nrows)
                found.append((name, cells, end_row))
        needed = [v.index for _, cells, _ in found for v, _ in cells.values() if isinstance(v, _Shared)]
        strings = _shared_strings(z, names, max(needed)) if needed else []
    tops = []
    for name, cells, end_row in found:
        height = min(nrows, end_row + 1)
        rows: list[list[object]] = [[] for _ in range(height)]
        kinds: dict[tuple[int, int], str] = {}
        for (r, c), (value, kind) in sorted(cells.items()):
            if isinstance(value, _Shared):
                value = strings[value.index]
                if value is None:
                    raise Unsure("shared string")
            row = rows[r]
            row.extend([""] * (c + 1 - len(row)))
            row[c] = value
            kinds[(r, c)] = kind
        tops.append(SheetTop(name, rows, kinds, end_row))
    return WorkbookTops(tops, date1904)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _member(names: list[str], path: str) -> str:
    """The zip member calamine opens for `path`: the first whose name matches ignoring ASCII case."""
    wanted = path.encode().lower()  # bytes.lower() folds ASCII letters only, as calamine does
    for n in names:
        if n.encode().lower() == wanted:
            return n
    raise Unsure(f"no {path}")


def _part(target: str) -> str:
    if target.startswith("/xl/"):
        return target[1:]
    if target.startswith("xl/"):
        return target
    return f"xl/{target}"


def _row_number(text: str) -> int:
    if not _ROW_REF.fullmatch(text) or int(text) == 0:
        raise Unsure(f"row reference {text!r}")
    return int(text) - 1


def _cell_position(text: str) -> tuple[int, int]:
    match = _CELL_REF.fullmatch(text)
    if not match or int(match[2]) == 0:
        raise Unsure(f"cell reference {text!r}")
    column = 0
    for letter in match[1].upper():
        column = column * 26 + ord(letter) - 64
    return int(match[2]) - 1, column - 1


def _scan(stream: IO[bytes], nrows: int) -> tuple[dict[tuple[int, int], tuple[object, str]], int]:
    """The cells of rows 0..nrows-1, and the row of the last cell (reading stops past row nrows)."""
    cells: dict[tuple[int, int], tuple[object, str]] = {}
    end_row = -1
    row_index = column_index = 0
    in_data = in_cell = False
    for event, element in _events(stream):
        tag = _local(element.tag)
        if not in_data:
            if event == "start" and tag == "sheetData":
                in_data = True
            elif event == "start" and tag == "dimension":
                ref = element.get("ref")
                if ref is None or not all(_CELL_REF.fullmatch(p) for p in ref.split(":")):
                    raise Unsure(f"dimension {ref!r}")
            continue
        if event == "start":
            if tag == "c":
                if in_cell:
                    raise Unsure("cell inside a cell")
                in_cell = True
            elif tag == "row" and not in_cell:
                ref = element.get("r")
                if ref is not None:
                    row_index = _row_number(ref)
            continue
        if tag == "c":
            in_cell = False
            ref = element.get("r")
            row = row_index
            if ref is not None:
                row, column_index = _cell_position(ref)
                if row != row_index:  # a cell without `r` further on could land above: read it all
                    raise Unsure("cell reference outside its row")
            position = (row, column_index)
            column_index += 1
            value = _cell_value(element)
            element.clear()
            if value is _EMPTY:
                continue
            if row < end_row:
                raise Unsure("rows out of order")
            end_row = row
            if row < nrows:
                cells[position] = value  # type: ignore[assignment]
            elif row > nrows:
                return cells, end_row
        elif tag == "row" and not in_cell:
            row_index += 1
            column_index = 0
            element.clear()
        elif tag == "sheetData":
            return cells, end_row
    raise Unsure("no sheetData")


def _read_small(z: zipfile.ZipFile, name: str) -> bytes:
    if z.getinfo(name).file_size > _SMALL_PART:
        raise Unsure(f"{name} is unusually large")
    return z.read(name)


def _xml(data: bytes) -> Element:
    if _DOCTYPE in data:
        raise Unsure("a DTD")
    return fromstring(data)  # noqa: S314 - no DTD, so no entity tricks; expat >= 2.4 caps expansion


def _events(stream: IO[bytes]) -> Iterator[tuple[str, Element]]:
    """Start and end events of a streamed part; rows and shared strings read are dropped from the
    tree as it goes. A part with a DTD (never in a real workbook) is refused before any expansion."""
    parser = XMLPullParser(events=("start", "end"))
    open_elements: list[Element] = []
    started = False
    tail = b""
    while chunk := stream.read(1 << 16):
        if not started:
            if _DOCTYPE in tail + chunk:
                raise Unsure("a DTD")
            tail = chunk[-len(_DOCTYPE) :]
        parser.feed(chunk)
        for pair in parser.read_events():
            event, element = cast(tuple[str, Element], pair)  # start and end events carry an element
            started = True
            if event == "start":
                open_elements.append(element)
                yield event, element
                continue
            open_elements.pop()
            yield event, element
            if open_elements and _local(element.tag) in ("row", "si"):
                open_elements[-1].clear()  # keep memory flat however far the reading goes
    parser.close()


def _cell_value(cell: Element) -> object:
    """(value, kind) as python-calamine would give it, or _EMPTY."""
    typ, style = cell.get("t"), cell.get("s")
    value: object = _EMPTY
    for child in cell:  # calamine keeps the last value child: <f> after <v> empties the cell
        tag = _local(child.tag)
        if tag == "f":
            value = _EMPTY
        elif tag == "is":
            value = (_rich_text(child), TEXT)
        elif tag == "v":
            value = _v_value(child, typ, style)
        else:
            raise Unsure(f"cell child {tag}")
    return value


def _v_value(v: Element, typ: str | None, style: str | None) -> object:
    if len(v):
        raise Unsure("elements inside <v>")
    text = v.text or ""
    if typ not in _TYPES:
        raise Unsure(f"cell type {typ!r}")
    if typ == "str":
        return (_unescape(text), TEXT)  # kept even when empty
    if typ == "inlineStr":
        return _EMPTY  # calamine reads inline strings from <is> only
    if typ == "d":
        if not text:
            raise Unsure("empty t=d")
        return (text, GUESS)  # an ISO date: python-calamine gives a date or date-time
    if not text:
        return _EMPTY
    if typ == "s":
        if not _INDEX.fullmatch(text):
            raise Unsure(f"shared string index {text!r}")
        return (_Shared(int(text)), TEXT)
    if typ == "b":
        flag = {"0": False, "false": False, "1": True, "true": True}.get(text.lower())
        if flag is None:
            raise Unsure(f"bool {text!r}")
        return (flag, OTHER)
    if typ == "e":
        if text not in _ERRORS:
            raise Unsure(f"error value {text!r}")
        return ("", OTHER)
    if typ in (None, "n"):
        if not _NUMBER.fullmatch(text) or not math.isfinite(number := float(text)):
            raise Unsure(f"number {text!r}")  # a string without t="str", inf, nan, ...
        return (number, OTHER if style is None else GUESS)
    raise AssertionError(typ)  # every type of _TYPES is handled above


def _rich_text(element: Element) -> str:
    """The text of an <si> or <is>: its <t> parts outside phonetic runs, joined."""
    parts: list[str] = []

    def walk(node: Element, phonetic: bool) -> None:
        for child in node:
            tag = _local(child.tag)
            if tag == "t":
                if len(child):
                    raise Unsure("elements inside <t>")
                if not phonetic:
                    text = child.text or ""
                    parts.append(text if child.get(_PRESERVE) == "preserve" else text.strip(_XML_BLANKS))
            elif tag == "r":
                walk(child, phonetic)
            elif tag == "rPh":
                walk(child, True)
            elif tag not in ("rPr", "phoneticPr"):
                raise Unsure(f"string part {tag}")

    walk(element, False)
    return _unescape("".join(parts))


def _unescape(text: str) -> str:
    """Decode Excel's _xHHHH_ escapes as calamine does (not surrogates)."""
    if "_x" not in text:
        return text

    def char(match: re.Match[str]) -> str:
        code = int(match[1], 16)
        if 0xD800 <= code <= 0xDFFF:
            return match[0]
        return chr(code)

    return _ESCAPE.sub(char, text)


def _shared_strings(z: zipfile.ZipFile, names: list[str], last: int) -> list[str | None]:
    """The shared strings up to index `last` (None where this reader is not sure of one)."""
    strings: list[str | None] = []
    with z.open(_member(names, "xl/sharedStrings.xml")) as stream:
        for event, element in _events(stream):
            if event != "end" or _local(element.tag) != "si":
                continue
            try:
                strings.append(_rich_text(element))
            except Unsure:
                strings.append(None)
            if len(strings) > last:
                return strings
    raise Unsure("shared string index beyond the table")
