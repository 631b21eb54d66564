"""Read any file a county gives us into one raw table of text, or refuse it clearly.

`read_table(path, table)` looks at the content, not the name: an XLSX workbook (a zip holding
`xl/workbook.xml`), a Parquet file (`PAR1` at both ends) or else CSV text (UTF-8, UTF-8 with BOM,
GB18030/GBK, or UTF-16 with a BOM as Excel's "Unicode text" writes it; comma, tab or semicolon).
It finds the header row among the first 10 rows, maps the headers to the table's columns, and
gives every cell back as text: trimmed, empty -> null, otherwise untouched. Checking the values
(ID checksums, dates, codes, amounts) is validation's job, not this module's.

Anything that makes the file unusable as a whole raises `FileProblem`, whose message names the
file and, where it helps, the row, column and value, in words a county clerk can act on.

Row numbers are those a person sees when the file is opened in Excel or WPS: for XLSX the sheet
row, for CSV the record (a quoted value spanning lines is still one row). A Parquet file has no
rows on screen; it is numbered as its CSV export would be: the header is row 1, data from row 2.

Decisions worth knowing:
- A CSV row with more values than the header has columns is refused when an extra value is not
  blank (the row's values are probably shifted by an unquoted comma); blank extras are ignored.
  A row with fewer values is padded with empty cells.
- Numbers in XLSX become text the way Excel shows them: integers without ".0", others with at
  most 15 significant digits (so a cached formula result 0.30000000000000004 reads "0.3").
  Whole numbers of more than 15 digits (ID numbers typed as numbers) are kept as their exact
  integer text, which then fails the checksum, and a warning names the column and rows.
- Date cells become YYYY-MM-DD (a time of day is dropped); Excel serial numbers typed into a
  column formatted as number come through as the number's text ("45296") for validation.
- A row is skipped as empty when all its schema columns are blank, whatever other columns hold
  (templates often come with 序号 1..100 pre-filled). Duplicate rows are rows whose schema
  columns all equal an earlier row's (a running number does not make them different).
- Columns whose header is not in the schema are dropped with a warning; values in a column
  with no header at all are dropped with a warning naming the column letter.
- Workbooks: the first sheet whose header holds the required columns is read; any later sheet
  with such a header is *not* read and a warning says so.

XLSX is read one of two ways, with the same result (docs/decisions/0001-fastexcel-for-large-xlsx.md):
- Fast: `xlsx_peek` streams only the first rows of each worksheet's XML to find the header (no
  whole sheet is parsed for that), then fastexcel (the calamine crate, into Arrow) loads the
  chosen sheet below the header with one type per column, and each column becomes text by the
  same rules as below. About half the time and memory of the python-calamine way on a
  1,000,000-row sheet.
- python-calamine, cell by cell: used whenever the fast way cannot be sure to give the same,
  and it then decides alone, refusals included. That is when the peek meets anything it does
  not mirror exactly, no sheet has the header (python-calamine words the refusal), another
  worksheet cannot be read, fastexcel fails (a column mixing text, numbers or dates is the
  usual reason; a damaged file another), fastexcel's header row is not the peek's, a column
  holds times of day, durations or dates outside 1900-9999, or text still looks like an
  `_xHHHH_` escape (the two libraries' calamine versions decode those differently).
  `XLSX_FAST = False` forces this way (the tests compare the two).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import fastexcel
import polars as pl
from python_calamine import CalamineSheet, CalamineWorkbook, SheetTypeEnum

from lnob.exchange.schema import Kind, Table, normalise_header
from lnob.exchange.xlsx_peek import GUESS, TEXT, SheetTop, read_tops

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["FileProblem", "ParsedTable", "read_table"]

HEADER_SEARCH_ROWS = 10
# XLSX data through fastexcel where it gives exactly what python-calamine gives (see the module
# docstring); tests switch it off to compare the two paths.
XLSX_FAST = True
# Stripped from both ends of every cell: ASCII whitespace, no-break and full-width spaces, the
# other Unicode spaces, zero-width space and a stray BOM.
BLANKS = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
)
EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number
_TOO_LONG_NUMBER = 10.0**EXCEL_DIGITS
_SAVE_AS_XLSX = "open it in Excel or WPS and save it as an .xlsx workbook (or as CSV UTF-8)"
NOT_A_TABLE = "this is not a CSV, XLSX or Parquet file"
DAMAGED = "the file is damaged or incomplete"
# A number Excel shortened when it wrote a CSV: 5.30627E+17.
_SCIENTIFIC = r"^[+-]?[0-9](\.[0-9]+)?[eE][+-]?[0-9]+$"
# Bracketed notes a header may carry that do not change its meaning: 身份证号（必填）.
_HEADER_NOTE = re.compile(
    r"[(\[【〔]\s*(必填|选填|必选|可选|必填项|选填项|非必填|可不填|required|optional)\s*[)\]】〕]$"
)

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a media file"),
    (b"\x7fELF", "a program"),
)
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PARQUET = b"PAR1"
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
_EXTENSIONS |= {".parquet": "parquet", ".pq": "parquet"}
_FORMAT_WORDS = {"csv": "CSV text", "xlsx": "an XLSX workbook", "parquet": "a Parquet file"}


_Sheet = TypeVar("_Sheet")

# fastexcel logs "Could not determine dtype for column N, falling back to string" for every empty
# column; that is expected here.
logging.getLogger("fastexcel").setLevel(logging.ERROR)


class FileProblem(Exception):
    """The file is refused as a whole; nothing further happens with it."""

    def __init__(
        self,
        path: Path | str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.path = Path(path)
        self.message = message
        self.row = row
        self.column = column
        self.value = value
        super().__init__(self.path, message)  # row, column and value travel in __dict__ when pickled

    def __str__(self) -> str:
        where = [self.path.name]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        text = f"{', '.join(where)}: {self.message}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        return text


@dataclass
class ParsedTable:
    path: Path
    format: str  # "csv" | "xlsx" | "parquet"
    encoding: str | None  # CSV only
    sheet: str | None  # XLSX only
    header_row: int  # 1-based row of the header as a person sees it in Excel
    columns: dict[str, str]  # schema column name -> header text found in the file
    unknown_columns: list[str]  # headers not in the schema (dropped; see warnings)
    duplicate_rows: list[int]  # file rows identical to an earlier row
    frame: pl.DataFrame  # one pl.String column per schema column present, plus "_row" (pl.Int64)
    warnings: list[str] = field(default_factory=list)


def read_table(
    path: Path | str, table: Table, *, max_columns: int = 300, max_cell_chars: int = 2000
) -> ParsedTable:
    """Read one CSV, XLSX or Parquet file into raw text columns for `table`, or raise FileProblem."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8192)
            f.seek(max(size - 4, 0))
            tail = f.read(4)
    except OSError as e:
        raise FileProblem(path, f"the file cannot be opened ({e.strerror or e})") from e
    if size == 0:
        raise FileProblem(path, "the file is empty")

    fmt = _detect_format(path, head, tail, size)
    warnings: list[str] = []
    named = _EXTENSIONS.get(path.suffix.lower())
    if named and named != fmt:
        warnings.append(
            f"the file is named {path.suffix} but holds {_FORMAT_WORDS[fmt]}; it was read as such"
        )
    options = _Options(path, table, max_columns, max_cell_chars, warnings)
    if fmt == "xlsx":
        grid = _read_xlsx(options)
    elif fmt == "parquet":
        grid = _read_parquet(options)
    else:
        grid = _read_csv(options)
    return _finish(options, grid, fmt)


# --- format detection -----------------------------------------------------------------------------


def _detect_format(path: Path, head: bytes, tail: bytes, size: int) -> str:
    if head.startswith(_ZIP):
        return _detect_zip(path)
    if head.startswith(_OLE):
        raise FileProblem(
            path,
            "this is an old-style Excel .xls workbook (or a password-protected one), which is not "
            f"accepted: {_SAVE_AS_XLSX}, without a password",
        )
    if head.startswith(_PARQUET):
        if size < 12 or tail != _PARQUET:
            raise FileProblem(path, f"{DAMAGED} (a Parquet file that does not end properly)")
        return "parquet"
    for magic, what in _BINARY_SIGNATURES:
        if head.startswith(magic):
            raise FileProblem(path, f"{NOT_A_TABLE}: it looks like {what}")
    return "csv"


def _detect_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype")[:100] if "mimetype" in names else b""
    except Exception as e:  # BadZipFile, NotImplementedError (unknown compression), OSError, …
        raise FileProblem(path, f"{DAMAGED} (a zip/XLSX file that cannot be opened)") from e
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise FileProblem(
            path, f"this is an Excel binary workbook (.xlsb), which is not accepted: {_SAVE_AS_XLSX}"
        )
    if b"opendocument" in mimetype or "content.xml" in names:
        raise FileProblem(
            path, f"this is an OpenDocument file (.ods/.odt), which is not accepted: {_SAVE_AS_XLSX}"
        )
    if any(n.startswith("word/") for n in names):
        raise FileProblem(path, f"{NOT_A_TABLE}: it is a Word document")
    if any(n.startswith("ppt/") for n in names):
        raise FileProblem(path, f"{NOT_A_TABLE}: it is a PowerPoint presentation")
    raise FileProblem(path, f"{NOT_A_TABLE}: it is a zip archive; unzip it and upload the file inside")


# --- shared intermediate form ---------------------------------------------------------------------


@dataclass
class _Options:
    path: Path
    table: Table
    max_columns: int
    max_cell_chars: int
    warnings: list[str]


@dataclass
class _Grid:
    """The header found, and the data below it as raw text columns (one per position read)."""

    header_row: int  # 1-based
    first_data_row: int  # file row of the first element of each column
    mapping: dict[str, int]  # schema column -> position
    headers: list[str]  # header text per position ('' when empty)
    data: dict[int, pl.Series]  # position -> String series: schema columns and unnamed ones
    encoding: str | None = None
    sheet: str | None = None


@dataclass
class _Header:
    index: int  # 0-based row in the searched rows
    cells: list[str]  # header text per position, filled from above where merged
    mapping: dict[str, int]  # schema column -> position


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _lookup(text: str, header_map: dict[str, str]) -> str | None:
    key = normalise_header(text)
    if not key:
        return None
    if key in header_map:
        return header_map[key]
    bare = _HEADER_NOTE.sub("", key)
    return header_map.get(bare) if bare != key else None


def _header_candidates(rows: Sequence[Sequence[str]], table: Table) -> list[_Header]:
    """Every row among `rows` (the first rows of the file, as text) that names a schema column.

    An empty cell takes the nearest non-empty text above it when that text names a schema column
    the row does not already name: a header cell merged down over two rows (or written on the
    upper row only) of a two-row header.
    """
    header_map = table.header_map()
    found: list[_Header] = []
    for i, row in enumerate(rows):
        names = [_lookup(c, header_map) for c in row]
        own = {n for n in names if n}
        if not own:
            continue
        # As wide as the widest row so far: a CSV row may stop short where a spreadsheet has cells.
        width = max(len(r) for r in rows[: i + 1])
        cells = list(row) + [""] * (width - len(row))
        mapping: dict[str, int] = {}
        for j, name in enumerate(names):
            if name and name not in mapping:
                mapping[name] = j
        for j, cell in enumerate(cells):
            if cell.strip(BLANKS):
                continue
            for above in reversed(rows[:i]):
                text = above[j] if j < len(above) else ""
                if text.strip(BLANKS):
                    name = _lookup(text, header_map)
                    if name and name not in own and name not in mapping:
                        mapping[name] = j
                        cells[j] = text
                    break
        found.append(_Header(i, cells, mapping))
    return found


def _best_header(candidates: list[_Header]) -> _Header | None:
    best: _Header | None = None
    for c in candidates:
        if best is None or len(c.mapping) > len(best.mapping):
            best = c
    return best


def _describe(table: Table, names: Sequence[str]) -> str:
    return ", ".join(f"{table.column(n).zh} ({n})" for n in names)


def _shorten_list(items: Sequence[str], limit: int = 30) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f", … ({len(items) - limit} more)" if len(items) > limit else "")


def _missing_required(
    options: _Options, header: _Header | None, rows: Sequence[Sequence[str]], where: str = ""
) -> FileProblem:
    table = options.table
    present = header.mapping if header else {}
    missing = [n for n in table.required if n not in present]
    if header is not None:
        row_index = header.index
        found = [c.strip() for c in header.cells if c.strip()]
    else:
        row_index = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), 0)
        found = [c.strip() for c in rows[row_index] if c.strip()] if rows else []
    seen = f"headers found in row {row_index + 1}{where}: {_shorten_list(found) or '(none)'}"
    if header is None:
        seen = f"no header row found in the first {HEADER_SEARCH_ROWS} rows{where}; {seen}"
    return FileProblem(
        options.path,
        f"required column(s) missing: {_describe(table, missing)}; {seen}. "
        f"Headers may be in Chinese or English, e.g. {table.column(missing[0]).zh} or {missing[0]}",
    )


def _check_header(options: _Options, header: _Header, width: int) -> None:
    """Refuse a header with too many columns or two columns meaning the same schema column."""
    if width > options.max_columns:
        raise FileProblem(
            options.path,
            f"the table has {width} columns (up to column {_column_letter(width - 1)}); at most "
            f"{options.max_columns} are accepted: delete the columns that are not needed",
        )
    header_map = options.table.header_map()
    for name, first in header.mapping.items():
        for j, cell in enumerate(header.cells):
            if j != first and _lookup(cell, header_map) == name:
                raise FileProblem(
                    options.path,
                    f"two columns mean the same thing, {_describe(options.table, [name])}: "
                    f"column {_column_letter(first)} '{header.cells[first].strip()}' and column "
                    f"{_column_letter(j)} '{cell.strip()}'; keep only one",
                    row=header.index + 1,
                )


def _positions_to_read(header: _Header, width: int) -> list[int]:
    """Schema columns, and columns without a header (read only to warn if they hold values)."""
    cells = header.cells + [""] * (width - len(header.cells))
    return [*header.mapping.values(), *(j for j, c in enumerate(cells) if not c.strip(BLANKS))]


# --- CSV ------------------------------------------------------------------------------------------


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise FileProblem(
                path, f"the file starts like UTF-16 text but byte {e.start} cannot be read"
            ) from e
    bom = raw.startswith(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8-sig"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as e8:
        utf8_at = e8.start + (3 if bom else 0)
        try:
            return raw.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as eg:
            at = max(utf8_at, eg.start)
            line = raw.count(b"\n", 0, at) + 1
            raise FileProblem(
                path,
                f"the text cannot be read: byte {at} (0x{raw[at]:02X}, on line {line}) is neither "
                "UTF-8 nor GB18030/GBK; save the file again as CSV UTF-8 or as .xlsx",
            ) from eg


def _refuse_non_text(path: Path, text: str) -> None:
    nul = text.find("\x00", 0, None)
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise FileProblem(
            path,
            f"{NOT_A_TABLE}: it holds a NUL character on line {line}, so it is not plain text; "
            f"{_SAVE_AS_XLSX}",
        )
    start = text[:2000].lstrip(BLANKS).lower()
    if start.startswith("<") and any(t in start for t in ("<html", "<table", "<?xml", "<!doctype")):
        raise FileProblem(
            path,
            f"{NOT_A_TABLE}: it is a web page or XML saved under a spreadsheet name; {_SAVE_AS_XLSX}",
        )
    if start.startswith("mime-version:"):
        raise FileProblem(path, f"{NOT_A_TABLE}: it is a saved web page (MHTML); {_SAVE_AS_XLSX}")


_DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon"}


def _sniff_delimiter(text: str, table: Table) -> str:
    """The delimiter whose reading of the first rows gives the best header (comma on a tie)."""
    sample = text[:65536]
    best, best_score = ",", (-1, -1)
    for delimiter in _DELIMITERS:
        rows: list[list[str]] = []
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=True)
            for row in reader:
                rows.append(row)
                if len(rows) >= HEADER_SEARCH_ROWS:
                    break
        except csv.Error:
            pass  # the sample may end inside a quoted value; judge on what was read
        header = _best_header(_header_candidates(rows, table))
        widest = max((sum(1 for c in r if c.strip()) for r in rows), default=0)
        score = (len(header.mapping) if header else 0, widest)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(options: _Options) -> _Grid:
    path = options.path
    text, encoding = _decode(path, path.read_bytes())
    _refuse_non_text(path, text)
    if not text.strip(BLANKS + ",;\t"):
        raise FileProblem(path, "the file has no data (only blank rows)")
    delimiter = _sniff_delimiter(text, options.table)
    fast = _csv_frame_fast(text, delimiter)
    if fast is not None:
        return _csv_grid_fast(options, fast, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
    except csv.Error as e:
        row = len(rows) + 1
        reason = str(e)
        if "field larger" in reason:
            message = (
                f'a value is longer than {csv.field_size_limit():,} characters, or a quote (") '
                "opened here is never closed"
            )
        elif "unexpected end of data" in reason:
            message = 'a quote (") opened in this row is never closed, so the rest of the file is one value'
        else:
            message = f'the CSV is malformed near line {reader.line_num} ({reason}); a quote (") is misplaced'
        raise FileProblem(path, message, row=row) from e
    head = rows[:HEADER_SEARCH_ROWS]
    header = _best_header(_header_candidates(head, options.table))
    if header is None or any(n not in header.mapping for n in options.table.required):
        raise _missing_required(options, header, head)
    width = max(len(r) for r in rows[: header.index + 1])
    _check_header(options, header, width)
    data = rows[header.index + 1 :]
    first_data_row = header.index + 2
    if any(len(r) != width for r in data):
        data = _even_out(options, data, width, first_data_row, _DELIMITERS[delimiter])
    columns: dict[int, pl.Series] = {}
    for j in _positions_to_read(header, width):
        columns[j] = pl.Series(str(j), [r[j] for r in data], dtype=pl.String)
    cells = header.cells + [""] * (width - len(header.cells))
    return _Grid(header.index + 1, first_data_row, header.mapping, cells, columns, encoding=encoding)


def _csv_frame_fast(text: str, delimiter: str) -> pl.DataFrame | None:
    """All records as a frame of text, read by polars, when that gives what csv.reader would.

    Only for text without quotes and with LF or CRLF line ends; polars must keep blank lines as
    records (so row numbers hold) and must not meet a row longer than the first. Anything else
    goes to the csv module, which is slower but says exactly where a file is malformed.
    """
    if '"' in text or text.count("\r") != text.count("\r\n"):
        return None
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            infer_schema=False,
            separator=delimiter,
            quote_char=None,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:
        return None
    if frame.height != text.count("\n") + (0 if text.endswith("\n") else 1):
        return None
    return frame


def _csv_grid_fast(options: _Options, frame: pl.DataFrame, encoding: str) -> _Grid:
    head = [[c or "" for c in row] for row in frame.head(HEADER_SEARCH_ROWS).iter_rows()]
    header = _best_header(_header_candidates(head, options.table))
    if header is None or any(n not in header.mapping for n in options.table.required):
        raise _missing_required(options, header, head)
    width = frame.width
    _check_header(options, header, width)
    data = frame.slice(header.index + 1)
    columns = {j: data.to_series(j).alias(str(j)) for j in _positions_to_read(header, width)}
    return _Grid(header.index + 1, header.index + 2, header.mapping, header.cells, columns, encoding=encoding)


def _even_out(options: _Options, data: list[list[str]], width: int, first: int, name: str) -> list[list[str]]:
    fixed: list[list[str]] = []
    for i, row in enumerate(data):
        n = len(row)
        if n < width:
            row = row + [""] * (width - n)
        elif n > width:
            extra = [c for c in row[width:] if c.strip(BLANKS)]
            if extra:
                raise FileProblem(
                    options.path,
                    f"this row has {n} values but the header has {width} columns, so its values would "
                    f"land in the wrong columns (an extra value: {extra[0][:20]!r}); a value probably "
                    f"contains an unquoted {name}: put quotes around it or remove it",
                    row=first + i,
                )
            row = row[:width]
        fixed.append(row)
    return fixed


# --- XLSX -----------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """One calamine value as the text a person sees (header cells and non-text data cells)."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is float:
        if value.is_integer():
            return format(int(value))
        return format(value, f".{EXCEL_DIGITS}g")
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is dt.datetime:
        return value.date().isoformat()  # type: ignore[no-any-return]
    if kind is dt.date or kind is dt.time:
        return value.isoformat()  # type: ignore[no-any-return]
    if value is None:
        return ""
    return str(value)


def _xlsx_column(values: list[Any]) -> tuple[pl.Series, list[int]]:
    """A column of calamine values as text, and the positions of numbers Excel cut to 15 digits.

    Whole columns of one type are converted by polars; only mixed columns take the slow path of
    converting cell by cell in Python.
    """
    try:
        return pl.Series(values, dtype=pl.String, strict=True), []
    except TypeError:
        pass  # not all text
    kinds = set(map(type, values))
    try:
        if kinds <= {str, float, int}:  # numbers and empty cells
            return _numbers_as_text(pl.Series([None if v == "" else v for v in values], dtype=pl.Float64))
        if kinds <= {str, dt.date}:  # dates (not date-times) and empty cells
            dates = pl.Series([None if v == "" else v for v in values], dtype=pl.Date, strict=True)
            return dates.cast(pl.String).fill_null(""), []
    except TypeError:
        pass  # text besides the numbers or dates
    long_numbers = [
        i for i, v in enumerate(values) if (type(v) is float or type(v) is int) and abs(v) >= _TOO_LONG_NUMBER
    ]
    return pl.Series([v if type(v) is str else _cell_text(v) for v in values], dtype=pl.String), long_numbers


def _numbers_as_text(numbers: pl.Series) -> tuple[pl.Series, list[int]]:
    """Floats as Excel shows them: whole numbers without ".0", others with 15 significant digits."""
    integral = numbers.is_finite() & (numbers.round(0) == numbers)
    whole = integral & (numbers.abs() < 2.0**63)  # those Int64 can hold
    texts = (
        pl.select(
            pl.when(whole).then(numbers.cast(pl.Int64, strict=False).cast(pl.String)).otherwise(pl.lit(""))
        )
        .to_series()
        .alias(numbers.name)
    )
    other = (~whole & numbers.is_not_null()).arg_true()
    if len(other):
        texts = texts.scatter(other, [_cell_text(v) for v in numbers.gather(other).to_list()])
    long_numbers = (integral & (numbers.abs() >= _TOO_LONG_NUMBER)).arg_true().to_list()
    return texts, long_numbers


def _calamine_failure(path: Path, e: BaseException) -> FileProblem:
    if type(e).__name__ == "PasswordError":
        return FileProblem(path, "the workbook is protected by a password: save it again without one")
    return FileProblem(path, f"{DAMAGED} (the workbook cannot be read: {str(e)[:200] or type(e).__name__})")


def _is_reader_crash(e: BaseException) -> bool:
    """A Rust panic inside a reader surfaces as pyo3's PanicException, a BaseException."""
    return isinstance(e, Exception) or type(e).__name__ == "PanicException"


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn a failure inside calamine into FileProblem (our own errors pass through)."""
    try:
        yield
    except BaseException as e:
        if not _is_reader_crash(e):
            raise
        raise _calamine_failure(path, e) from e


@dataclass
class _Choice(Generic[_Sheet]):
    """Which worksheet holds the table: the first whose header names every required column."""

    chosen: tuple[str, _Sheet, _Header] | None = None
    first_seen: tuple[str, _Header | None, list[list[str]]] | None = None  # for the refusal
    skipped: list[str] = field(default_factory=list)  # sheets before it, without the header
    also: list[str] = field(default_factory=list)  # sheets after it with a complete header too

    def refusal(self, options: _Options) -> FileProblem:
        if self.first_seen is None:
            return FileProblem(options.path, "no sheet has data")
        name, header, head = self.first_seen
        return _missing_required(options, header, head, where=f" of sheet '{name}'")

    def warnings(self, options: _Options) -> list[str]:
        assert self.chosen is not None
        name = self.chosen[0]
        found = []
        if self.skipped:
            found.append(
                f"read sheet '{name}'; sheet(s) before it without the table's header were ignored: "
                + ", ".join(f"'{s}'" for s in self.skipped)
            )
        if self.also:
            found.append(
                f"only sheet '{name}' was read; sheet(s) {', '.join(repr(s) for s in self.also)} also "
                f"have a {options.table.name} header and were NOT read: put all rows on one sheet, or "
                "upload each sheet as its own file"
            )
        return found


def _choose_sheet(
    options: _Options, sheets: Iterable[tuple[str, list[list[str]], _Sheet]]
) -> _Choice[_Sheet]:
    """Look at every sheet with data: (name, its first rows as text, what the reader needs later)."""
    choice: _Choice[_Sheet] = _Choice()
    for name, head, sheet in sheets:
        header = _best_header(_header_candidates(head, options.table))
        complete = header is not None and all(n in header.mapping for n in options.table.required)
        if choice.chosen is not None:
            if complete:
                choice.also.append(name)
            continue
        if complete and header is not None:
            choice.chosen = (name, sheet, header)
        else:
            choice.skipped.append(name)
            first = choice.first_seen
            if first is None or (
                header is not None and (first[1] is None or len(header.mapping) > len(first[1].mapping))
            ):
                choice.first_seen = (name, header, head)
    return choice


def _blank(head: list[list[str]]) -> bool:
    return not any(c.strip(BLANKS) for row in head for c in row)


def _long_number_warning(header: str, rows: Sequence[int]) -> str:
    return (
        f"column {header}, row(s) {_rows_text(rows)}: stored as a number; Excel keeps only "
        f"{EXCEL_DIGITS} digits, so the last digits are lost: format the column as text and re-enter "
        "these values"
    )


def _read_xlsx(options: _Options) -> _Grid:
    if XLSX_FAST:
        grid = _read_xlsx_fast(options)
        if grid is not None:
            return grid
    return _read_xlsx_calamine(options)


def _read_xlsx_calamine(options: _Options) -> _Grid:
    """The whole workbook through python-calamine: slow on big sheets, but it reads every cell type."""
    path = options.path
    with _reading(path):
        book = CalamineWorkbook.from_path(str(path))
    try:

        def sheets() -> Iterator[tuple[str, list[list[str]], CalamineSheet]]:
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue
                with _reading(path):
                    sheet = book.get_sheet_by_name(meta.name)
                    if sheet.start is None:
                        continue
                    top = sheet.to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS)
                head = [[_cell_text(v) for v in row] for row in top]
                if _blank(head) and sheet.total_height <= HEADER_SEARCH_ROWS:
                    continue
                yield meta.name, head, sheet

        choice = _choose_sheet(options, sheets())
        if choice.chosen is None:
            raise choice.refusal(options)
        name, sheet, header = choice.chosen
        options.warnings.extend(choice.warnings(options))
        total_width = max(sheet.total_width, len(header.cells))
        _check_header(options, header, total_width)
        with _reading(path):
            rows = sheet.to_python(skip_empty_area=False)
    finally:
        book.close()

    data = rows[header.index + 1 :]
    del rows
    first_data_row = header.index + 2
    cells = header.cells + [""] * (total_width - len(header.cells))
    if any(len(r) != total_width for r in data):  # calamine rows are rectangular; be safe anyway
        data = [list(r) + [""] * (total_width - len(r)) for r in data]
    columns: dict[int, pl.Series] = {}
    for j in _positions_to_read(header, total_width):
        texts, long_numbers = _xlsx_column([r[j] for r in data])
        columns[j] = texts.alias(str(j))
        if long_numbers and cells[j].strip(BLANKS):
            rows_at = [first_data_row + i for i in long_numbers]
            options.warnings.append(_long_number_warning(cells[j].strip(BLANKS), rows_at))
    return _Grid(header.index + 1, first_data_row, header.mapping, cells, columns, sheet=name)


# --- XLSX, the fast way: the header from a peek at the XML, the data from fastexcel ----------------


def _read_xlsx_fast(options: _Options) -> _Grid | None:
    """What `_read_xlsx_calamine` gives, in about half the time and memory; None where it cannot be sure.

    None sends the workbook to python-calamine, which then reads it, or refuses it, as always (the
    cases are listed in the module docstring). Refusals of a chosen sheet's header (too wide, two
    columns meaning the same) are raised here, worded as python-calamine's path words them.
    """
    path = options.path
    try:
        book = read_tops(path, HEADER_SEARCH_ROWS)
    except Exception:  # Unsure, or a damaged zip or XML: python-calamine says what is wrong
        return None

    def sheets() -> Iterator[tuple[str, list[list[str]], SheetTop]]:
        for top in book.sheets:
            if top.empty:
                continue
            head = [[_cell_text(v) for v in row] for row in top.rows]
            if _blank(head) and top.end_row <= HEADER_SEARCH_ROWS:
                continue
            yield top.name, head, top

    choice = _choose_sheet(options, sheets())
    if choice.chosen is None:
        return None
    name, top, header = choice.chosen
    h = header.index
    if any(kind == GUESS for (row, _), kind in top.kinds.items() if row == h):
        return None  # a header cell python-calamine may give as a date
    if max(len(row) for row in top.rows) > options.max_columns:
        return None  # refused for its width: python-calamine's width goes in the message
    others = [s.name for s in book.sheets if s.name != name]
    if others and not _sheets_readable(path, [s.name for s in book.sheets], others):
        return None
    loaded = _fastexcel_sheet(path, top, header)
    if loaded is None:
        return None
    frame, positions, loaded_width = loaded
    width = max(loaded_width, len(header.cells))  # the header's cells reach the widest row above it
    cells = header.cells + [""] * (width - len(header.cells))
    header = _Header(h, cells, header.mapping)
    _check_header(options, header, width)

    warnings = choice.warnings(options)
    first_data_row = h + 2
    columns: dict[int, pl.Series] = {}
    for j in _positions_to_read(header, width):
        if j not in positions:  # a column with no cell from the header down
            columns[j] = pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias(str(j))
            continue
        converted = _fastexcel_text(frame.to_series(positions[j]), book.date1904)
        if converted is None:
            return None
        texts, long_numbers = converted
        columns[j] = texts.alias(str(j))
        if long_numbers and cells[j].strip(BLANKS):
            rows_at = [first_data_row + i for i in long_numbers]
            warnings.append(_long_number_warning(cells[j].strip(BLANKS), rows_at))
    del frame
    options.warnings.extend(warnings)
    return _Grid(h + 1, first_data_row, header.mapping, cells, columns, sheet=name)


def _sheets_readable(path: Path, worksheets: list[str], others: list[str]) -> bool:
    """python-calamine sees the same worksheets and reads the other ones, as its own path would."""
    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
            if names != worksheets:
                return False
            for name in others:
                book.get_sheet_by_name(name)
        finally:
            book.close()
    except BaseException as e:
        if not _is_reader_crash(e):
            raise
        return False
    return True


def _fastexcel_alias(name: str, taken: list[str]) -> str:
    """The column name fastexcel gives a header repeated further left: name_1, name_2, …"""
    alias, n = name, 0
    while alias in taken:
        n += 1
        alias = f"{name}_{n}"
    return alias


def _fastexcel_sheet(
    path: Path, top: SheetTop, header: _Header
) -> tuple[pl.DataFrame, dict[int, int], int] | None:
    """The rows below the header as typed columns, each column's position in the frame (by sheet
    position, 0 = column A), and the sheet's width from the header row down; None if fastexcel
    cannot read them all with one type per column, or its header row is not the one the peek read."""
    h = header.index
    mapped = set(header.mapping.values())
    unknown = {j for j, c in enumerate(header.cells) if c.strip(BLANKS) and j not in mapped}
    seen: list[tuple[int, int, str]] = []  # every column of the sheet: position, index, name

    def use(column: fastexcel.ColumnInfoNoDtype) -> bool:
        seen.append((column.absolute_index, column.index, column.name))
        return column.absolute_index not in unknown

    try:
        reader = fastexcel.read_excel(path.absolute())  # absolute: fastexcel expands a leading ~
        batch = reader.load_sheet(
            top.name,
            header_row=h,
            skip_rows=0,  # the first row after the header (None would skip blank rows)
            dtype_coercion="strict",  # text and numbers in one column raise: python-calamine reads it
            schema_sample_rows=None,  # every row, so that "strict" sees every cell
            use_columns=use,
            eager=True,  # borrowed strings: faster, and a third less memory than the lazy sheet
        )
        del reader
        if any(_looks_escaped(column) for column in batch.columns):
            return None
        frame = pl.from_arrow(batch, rechunk=False)
        del batch
    except BaseException as e:
        if not _is_reader_crash(e):
            raise
        return None
    assert isinstance(frame, pl.DataFrame)
    if not seen:
        return None
    start = seen[0][0] - seen[0][1]
    taken: list[str] = []
    for position, index, name in seen:
        if position != start + index or index != len(taken):
            return None
        kind = top.kinds.get((h, position))
        if kind is None:
            expected = _fastexcel_alias(f"__UNNAMED__{index}", taken)
        elif kind == TEXT:
            expected = _fastexcel_alias(str(top.rows[h][position]).replace("\0", ""), taken)
        else:  # a number, bool or error value: fastexcel's own wording
            expected = name
        if name != expected:
            return None
        taken.append(name)
    selected = [position for position, _, _ in seen if position not in unknown]
    if frame.width != len(selected):
        return None
    if top.end_row <= HEADER_SEARCH_ROWS and frame.height != top.end_row - h:
        return None  # the peek read the whole sheet: the rows must agree
    return frame, {position: k for k, position in enumerate(selected)}, start + len(seen)


_ESCAPED = re.compile(rb"_x[0-9A-Fa-f]{4}_")


def _looks_escaped(column: pa.Array) -> bool:
    """Text still holding an _xHHHH_ escape (Excel's way of storing control characters).

    fastexcel's calamine (0.36) decodes the escapes in shared and inline strings but not in
    formula results; python-calamine's (0.37) decodes them everywhere. Text that still looks
    escaped after fastexcel (a formula result, or a literal "_x000D_" typed into a cell) may read
    differently, so such a sheet goes to python-calamine. Searching the column's byte buffer
    takes milliseconds.
    """
    import pyarrow as pa

    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        data = column.buffers()[2]
        return data is not None and _ESCAPED.search(memoryview(data)) is not None
    return pa.types.is_string_view(kind)  # text this check cannot search: assume the worst


_FIRST_DAY = dt.date(1900, 1, 1)  # python-calamine gives earlier serials (below 1) as times of day
_LAST_DAY = dt.date(9999, 12, 31)  # and later ones as numbers


def _fastexcel_text(series: pl.Series, date1904: bool) -> tuple[pl.Series, list[int]] | None:
    """A fastexcel column as `_xlsx_column` gives python-calamine's values; None when it cannot."""
    dtype = series.dtype
    if dtype == pl.String:
        return series, []
    if dtype == pl.Null or dtype == pl.Boolean:
        return series.cast(pl.String), []  # true / false
    if dtype.is_float() or dtype.is_integer():
        return _numbers_as_text(series.cast(pl.Float64))
    if isinstance(dtype, pl.Datetime | pl.Date):
        dates = series.dt.date() if isinstance(dtype, pl.Datetime) else series
        if date1904 or not dates.is_between(_FIRST_DAY, _LAST_DAY).fill_null(True).all():
            return None
        return dates.cast(pl.String), []
    return None  # durations


def _rows_text(rows: Sequence[int], limit: int = 5) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


# --- Parquet --------------------------------------------------------------------------------------


def _read_parquet(options: _Options) -> _Grid:
    import pyarrow.parquet as pq

    path = options.path
    try:
        arrow = pq.read_table(path)
        frame = pl.from_arrow(arrow, rechunk=False)
    except BaseException as e:
        if not _is_reader_crash(e):
            raise
        raise FileProblem(path, f"{DAMAGED} (the Parquet file cannot be read)") from e
    assert isinstance(frame, pl.DataFrame)
    names = [str(c) for c in frame.columns]
    header = _best_header(_header_candidates([names], options.table))
    if header is None or any(n not in header.mapping for n in options.table.required):
        raise _missing_required(options, header, [names])
    _check_header(options, header, len(names))
    columns: dict[int, pl.Series] = {}
    for j in _positions_to_read(header, len(names)):
        columns[j] = _parquet_text(options, frame.to_series(j), names[j])
    return _Grid(1, 2, header.mapping, names, columns)


def _parquet_text(options: _Options, series: pl.Series, header: str) -> pl.Series:
    dtype = series.dtype
    if dtype == pl.String:
        return series
    if dtype.is_nested() or dtype == pl.Object:
        raise FileProblem(options.path, f"the column holds {dtype} values, not single values", column=header)
    if dtype == pl.Datetime:
        return series.dt.date().cast(pl.String)
    if dtype == pl.Binary:
        try:
            return series.cast(pl.String)
        except pl.exceptions.PolarsError as e:
            raise FileProblem(options.path, "the column holds binary data, not text", column=header) from e
    if dtype.is_float():
        texts, long_numbers = _numbers_as_text(series.cast(pl.Float64))
        if long_numbers:
            options.warnings.append(
                f"column {header}, row(s) {_rows_text([2 + i for i in long_numbers])}: stored as a "
                f"floating-point number, which keeps only about {EXCEL_DIGITS} digits: store the column "
                "as text"
            )
        return texts
    return series.cast(pl.String)


# --- common ending --------------------------------------------------------------------------------


def _finish(options: _Options, grid: _Grid, fmt: str) -> ParsedTable:
    """Trim cells, drop empty rows, refuse huge cells, find duplicates; build the ParsedTable."""
    path, table = options.path, options.table
    mapped = set(grid.mapping.values())
    unknown = [j for j, h in enumerate(grid.headers) if h.strip(BLANKS) and j not in mapped]
    height = len(next(iter(grid.data.values())))
    raw = pl.DataFrame([grid.data[j].alias(f"c{j}") for j in grid.data])
    raw = raw.with_columns(pl.col(f"c{j}").str.strip_chars(BLANKS).replace("", None) for j in grid.data)
    raw = raw.with_columns(
        pl.int_range(grid.first_data_row, grid.first_data_row + height, dtype=pl.Int64).alias("_row")
    )
    # A row is empty when every schema column is: pre-numbered template rows (序号 1..100 and
    # nothing else) are not rows of data.
    nonempty = raw.select(pl.any_horizontal(pl.col(f"c{j}").is_not_null() for j in mapped)).to_series()
    if not nonempty.all():  # filtering copies every column: only when there is a row to drop
        raw = raw.filter(nonempty)
    raw = _drop_repeated_headers(options, raw, grid)
    if raw.height == 0:
        raise FileProblem(path, "the sheet has a header but no rows", row=grid.header_row)

    unnamed = [j for j in grid.data if j not in mapped]
    if unnamed:
        filled = raw.select(pl.col(f"c{j}").is_not_null().any() for j in unnamed).row(0)
        letters = [_column_letter(j) for j, hit in zip(unnamed, filled, strict=True) if hit]
        if letters:
            options.warnings.append(
                f"column(s) {_shorten_list(letters)} have values but no header; they were ignored"
            )
    ordered = [c.name for c in table.columns if c.name in grid.mapping]
    frame = raw.select(*(pl.col(f"c{grid.mapping[name]}").alias(name) for name in ordered), pl.col("_row"))
    headers = {name: grid.headers[grid.mapping[name]].strip(BLANKS) for name in ordered}
    _refuse_huge_cells(options, frame, ordered, headers)
    _warn_shortened_numbers(options, frame, ordered, headers)
    unknown_headers = [grid.headers[j].strip(BLANKS) for j in unknown]
    if unknown:
        options.warnings.append(
            f"column(s) not in the {table.name} table were ignored: {_shorten_list(unknown_headers)}"
        )
    duplicates = _repeated_rows(frame, ordered)
    return ParsedTable(
        path=path,
        format=fmt,
        encoding=grid.encoding,
        sheet=grid.sheet,
        header_row=grid.header_row,
        columns=headers,
        unknown_columns=unknown_headers,
        duplicate_rows=duplicates,
        frame=frame,
        warnings=options.warnings,
    )


def _repeated_rows(frame: pl.DataFrame, names: list[str]) -> list[int]:
    """The `_row` of every row equal in `names` to an earlier row."""
    # Equal rows hash alike: only rows sharing a hash need comparing (usually none, and hashing
    # is several times faster than comparing whole rows).
    maybe = frame.select(names).hash_rows().is_duplicated()
    if not maybe.any():
        return []
    shared = frame.filter(maybe)
    repeated = shared.select(~pl.struct(names).is_first_distinct()).to_series()
    return shared["_row"].filter(repeated).to_list()


def _drop_repeated_headers(options: _Options, raw: pl.DataFrame, grid: _Grid) -> pl.DataFrame:
    """Skip rows that repeat the header (files pasted together, each with its header)."""
    texts = {j: grid.headers[j].strip(BLANKS) for j in grid.mapping.values()}
    first = next(iter(texts))
    if not raw.select((pl.col(f"c{first}") == texts[first]).any()).item():
        return raw
    repeated = pl.all_horizontal((pl.col(f"c{j}") == text).fill_null(False) for j, text in texts.items())
    rows = raw.filter(repeated)["_row"].to_list()
    if not rows:
        return raw
    options.warnings.append(f"row(s) {_rows_text(rows)} repeat the header; they were skipped")
    return raw.filter(~repeated)


def _refuse_huge_cells(
    options: _Options, frame: pl.DataFrame, names: list[str], headers: dict[str, str]
) -> None:
    limit = options.max_cell_chars
    most_bytes = frame.select(pl.col(n).str.len_bytes().max() for n in names).row(0)
    suspects = [n for n, m in zip(names, most_bytes, strict=True) if m is not None and m > limit]
    if not suspects:  # a character is at least one byte
        return
    longest = frame.select(pl.col(n).str.len_chars().max() for n in suspects).row(0)
    offending = [n for n, m in zip(suspects, longest, strict=True) if m is not None and m > limit]
    if not offending:
        return
    first: tuple[int, str, str] | None = None
    for name in offending:
        hit = frame.filter(pl.col(name).str.len_chars() > limit).select("_row", name).row(0)
        if first is None or hit[0] < first[0]:
            first = (hit[0], name, hit[1])
    assert first is not None
    row, name, value = first
    raise FileProblem(
        options.path,
        f"a value is {len(value):,} characters long; at most {limit:,} are accepted (is the file "
        "mixed up, or a text pasted into one cell?)",
        row=row,
        column=headers[name],
        value=value[:20] + "…",
    )


def _warn_shortened_numbers(
    options: _Options, frame: pl.DataFrame, names: list[str], headers: dict[str, str]
) -> None:
    # Only columns of digits: ID numbers, area codes and short identifier-like text.
    kinds = {Kind.ID_NUMBER, Kind.AREA_CODE}
    names = [
        n
        for n in names
        if (column := options.table.column(n)).kind in kinds
        or (column.kind == Kind.TEXT and column.max_length <= 32)
    ]
    if not names:
        return
    hits = frame.select(pl.col(n).str.contains(_SCIENTIFIC).any() for n in names).row(0)
    for name, hit in zip(names, hits, strict=True):
        if not hit:
            continue
        found = frame.filter(pl.col(name).str.contains(_SCIENTIFIC)).select("_row", name)
        example = found[name][0]
        options.warnings.append(
            f"column {headers[name]}, row(s) {_rows_text(found['_row'].to_list())}: '{example}' is a "
            "number Excel shortened when it saved the file; its digits are lost: format the column "
            "as text in the original workbook and save again"
        )
