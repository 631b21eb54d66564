"""The fast XLSX path gives exactly what python-calamine gives, and hands over when it cannot be sure.

lnob.exchange.parse reads a workbook's header from a peek at the XML (lnob.exchange.xlsx_peek)
and its data with fastexcel; `parse.XLSX_FAST = False` forces the python-calamine path, so every
test here reads a file both ways and compares everything read_table gives.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook, SheetTypeEnum

from lnob.exchange import parse, xlsx_peek
from lnob.exchange.parse import FileProblem, read_table
from lnob.exchange.schema import PERSONS, TABLES, Table

CORPUS = Path(__file__).resolve().parent.parent / "malformed"
MANIFEST = list(csv.DictReader((CORPUS / "MANIFEST.csv").open(encoding="utf-8")))
ID1, ID2, ID3 = "530627200101010113", "530627200303150229", "53062720050101018X"
HH1 = "5306271022010001"


def outcome(path: Path, table: Table, **options: Any) -> tuple[Any, ...]:
    """Everything read_table gives, or its refusal."""
    try:
        p = read_table(path, table, **options)
    except FileProblem as problem:
        return ("refused", str(problem), problem.row, problem.column, problem.value)
    frame = p.frame
    return (
        frame.columns,
        frame.dtypes,
        frame.rows(),
        p.format,
        p.sheet,
        p.header_row,
        p.columns,
        p.unknown_columns,
        p.duplicate_rows,
        p.warnings,
    )


@pytest.fixture
def both_ways(monkeypatch: pytest.MonkeyPatch) -> Any:
    """read(path, table) -> (fast outcome, python-calamine outcome, whether the fast path read it)."""
    fast_read = parse._read_xlsx_fast
    used: list[bool] = []

    def spy(options: Any) -> Any:
        grid = fast_read(options)
        used.append(grid is not None)
        return grid

    monkeypatch.setattr(parse, "_read_xlsx_fast", spy)

    def read(
        path: Path, table: Table = PERSONS, **options: Any
    ) -> tuple[tuple[Any, ...], tuple[Any, ...], bool]:
        used.clear()
        monkeypatch.setattr(parse, "XLSX_FAST", True)
        fast = outcome(path, table, **options)
        took_fast_path = bool(used) and used[0]
        monkeypatch.setattr(parse, "XLSX_FAST", False)
        slow = outcome(path, table, **options)
        monkeypatch.setattr(parse, "XLSX_FAST", True)
        return fast, slow, took_fast_path

    return read


# --- the corpus -----------------------------------------------------------------------------------

XLSX_CORPUS = [
    e["file"] for e in MANIFEST if e["file"].endswith(".xlsx") or e["file"] == "xlsx_named_csv.csv"
]
# Files the fast path reads itself (the others are refused, or python-calamine words the refusal).
FAST_CORPUS = {
    "blank_rows_between.xlsx",
    "codes_sheet_after.xlsx",
    "date_cells.xlsx",
    "header_in_row_5.xlsx",
    "id_as_number.xlsx",
    "merged_header.xlsx",
    "numbers_and_bools.xlsx",
    "second_sheet.xlsx",
    "two_row_header.xlsx",
    "two_sheets_with_data.xlsx",
    "unnamed_column_with_values.xlsx",
    "xlsx_named_csv.csv",
}


@pytest.mark.parametrize("name", XLSX_CORPUS)
def test_corpus_reads_the_same_both_ways(name: str, both_ways: Any) -> None:
    table = TABLES[next(e["table"] for e in MANIFEST if e["file"] == name)]
    fast, slow, took_fast_path = both_ways(CORPUS / name, table)
    assert fast == slow
    if name in FAST_CORPUS:
        assert took_fast_path


# --- the shapes counties send ----------------------------------------------------------------------


def test_blank_rows_title_and_data_from_column_b(tmp_path: Path, both_ways: Any) -> None:
    """Rows 1-2 blank, a title in row 3, the header in row 5 from column B, data with blank rows."""
    path = tmp_path / "persons.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("人员")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    text = wb.add_format({"num_format": "@"})
    ws.write_string(2, 2, "镇雄县 2025 年人员名单")  # C3
    headers = ["序号", "身份证号", "姓名", "户编号", "与户主关系", "加入日期", "残疾等级", "", "联系电话"]
    headers.append("银行账号")
    ws.write_row(4, 1, headers)  # B5
    rows = [
        (6, [1, ID1, "张三", HH1, "head", dt.datetime(2020, 1, 1), 1, None, 13800000000, 6.2e18]),
        (8, [2, ID2, " 李梅 ", HH1, "spouse", dt.datetime(2021, 3, 15, 8, 30), None, "合计", 13800000001]),
        (9, [3, ID3, "张小明", HH1, "child", None, 0.1 + 0.2, None, None, 6222020200112233445]),
    ]
    for row, values in rows:
        for k, value in enumerate(values):
            if isinstance(value, dt.datetime):
                ws.write_datetime(row - 1, 1 + k, value, date)
            elif isinstance(value, str):
                ws.write_string(row - 1, 1 + k, value, text)
            elif value is not None:
                ws.write_number(row - 1, 1 + k, value)
    ws.write_blank(11, 3, None, text)  # a styled empty cell further down: no row
    wb.close()

    fast, slow, took_fast_path = both_ways(path)
    assert took_fast_path
    assert fast == slow
    parsed = read_table(path, PERSONS)
    assert (parsed.sheet, parsed.header_row) == ("人员", 5)
    assert parsed.frame["_row"].to_list() == [6, 8, 9]  # the rows Excel shows
    columns = ["id_number", "name", "joined", "disability_grade", "phone", "bank_account"]
    assert parsed.frame.select(columns).rows() == [
        (ID1, "张三", "2020-01-01", "1", "13800000000", "6200000000000000000"),
        (ID2, "李梅", "2021-03-15", None, "13800000001", None),
        (ID3, "张小明", None, "0.3", None, "6222020200112233472"),
    ]
    assert parsed.unknown_columns == ["序号"]
    assert len(parsed.warnings) == 3
    assert any("column 银行账号, row(s) 6, 9: stored as a number" in w for w in parsed.warnings)
    assert any("column(s) I have values but no header" in w for w in parsed.warnings)


def test_title_in_column_a_above_data_from_column_c(tmp_path: Path, both_ways: Any) -> None:
    """Cells above the header reach further left and right than the table below it."""
    path = tmp_path / "persons.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_string(0, 0, "人员信息")
    ws.write_string(1, 12, "填表人：")
    ws.write_row(3, 2, ["身份证号", "姓名", "户编号", "与户主关系", "备注", "备注"])
    ws.write_row(4, 2, [ID1, "张三", HH1, "head", "a", "b"])
    ws.write_row(5, 2, [ID1, "张三", HH1, "head", "c", "d"])
    wb.close()
    fast, slow, took_fast_path = both_ways(path)
    assert took_fast_path
    assert fast == slow
    parsed = read_table(path, PERSONS)
    assert parsed.header_row == 4 and parsed.duplicate_rows == [6]


def test_every_cell_type_in_its_own_column(tmp_path: Path, both_ways: Any) -> None:
    path = tmp_path / "households.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("农户")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    headers = ["户编号", "村代码", "农户属性", "脱贫年度", "住房安全有保障", "饮水安全有保障", "联系电话"]
    ws.write_row(0, 0, [*headers, "生效日期"])
    for i in range(1, 40):
        ws.write_string(i, 0, f"53062710220100{i:02d}")
        ws.write_number(i, 1, 530627102201)
        ws.write_string(i, 2, "ordinary" if i % 3 else "")
        if i % 4:
            ws.write_datetime(i, 3, dt.datetime(2019, 1, 1) + dt.timedelta(days=i), date)
        ws.write_boolean(i, 4, bool(i % 2))
        if i % 5:
            ws.write_formula(i, 5, "=1/0", None, "#DIV/0!")
        ws.write_number(i, 6, 13800000000 + i if i % 7 else 1e15 + i)
        ws.write_datetime(i, 7, dt.datetime(2025, 7, 1, 12, 30), date)
    wb.close()
    fast, slow, took_fast_path = both_ways(path, TABLES["households"])
    assert took_fast_path
    assert fast == slow


def test_workbook_saved_by_openpyxl(tmp_path: Path, both_ways: Any) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员"
    sheet.append([None])
    sheet.append(["身份证号", "姓名", "户编号", "与户主关系", "加入日期"])
    sheet.append([ID1, "张三", HH1, "head", dt.date(2020, 5, 1)])
    sheet.append([ID2, "李梅\n(母)", HH1, "spouse", None])
    path = tmp_path / "persons.xlsx"
    book.save(path)
    fast, slow, took_fast_path = both_ways(path)
    assert took_fast_path
    assert fast == slow


def test_large_sheet_takes_the_fast_path(tmp_path: Path, both_ways: Any) -> None:
    path = tmp_path / "persons.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("人员")
    ws.write_row(0, 0, [c.zh for c in PERSONS.columns])
    for i in range(1, 3001):
        ws.write_row(i, 0, [f"{i:018d}", f"张{i}", HH1, "child"])
        ws.write_number(i, 12, i % 5)
    wb.close()
    fast, slow, took_fast_path = both_ways(path)
    assert took_fast_path
    assert fast == slow


# --- what python-calamine reads instead --------------------------------------------------------------


def test_text_and_numbers_in_one_column_fall_back(tmp_path: Path, both_ways: Any) -> None:
    path = tmp_path / "persons.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["身份证号", "姓名", "户编号", "与户主关系"])
    ws.write_row(1, 0, [ID1, "张三", HH1, "head"])
    ws.write_row(2, 0, [ID2, "李梅", 5306271022010001, "spouse"])  # typed as a number
    ws.write_row(3, 0, [ID3, "张小明", "0012", "child"])
    wb.close()
    fast, slow, took_fast_path = both_ways(path)
    assert not took_fast_path
    assert fast == slow
    assert read_table(path, PERSONS).frame["household_number"].to_list() == [HH1, HH1, "0012"]


def test_times_of_day_and_durations_fall_back(tmp_path: Path, both_ways: Any) -> None:
    for fmt, value in (("hh:mm", 0.25), ("[h]:mm:ss", 1.5)):
        path = tmp_path / f"persons{len(fmt)}.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet()
        ws.write_row(0, 0, ["身份证号", "姓名", "户编号", "与户主关系", "加入日期"])
        ws.write_row(1, 0, [ID1, "张三", HH1, "head"])
        ws.write_number(1, 4, value, wb.add_format({"num_format": fmt}))
        wb.close()
        fast, slow, took_fast_path = both_ways(path)
        assert not took_fast_path
        assert fast == slow


def test_header_cell_shown_as_a_date_falls_back(tmp_path: Path, both_ways: Any) -> None:
    path = tmp_path / "persons.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["身份证号", "姓名", "户编号", "与户主关系"])
    ws.write_datetime(0, 4, dt.datetime(2025, 1, 1), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_row(1, 0, [ID1, "张三", HH1, "head", "x"])
    wb.close()
    fast, slow, took_fast_path = both_ways(path)
    assert not took_fast_path
    assert fast == slow
    assert read_table(path, PERSONS).unknown_columns == ["2025-01-01"]


def test_formula_text_with_escapes_falls_back(tmp_path: Path, both_ways: Any) -> None:
    path = tmp_path / "persons.xlsx"
    header = "".join(
        f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for c, h in zip("ABCD", ["身份证号", "姓名", "户编号", "与户主关系"], strict=True)
    )
    data = (
        f'<c r="A2" t="str"><f>"x"</f><v>{ID1}</v></c><c r="B2" t="str"><f>A1</f><v>张_x000D_三</v></c>'
        f'<c r="C2" t="str"><v>{HH1}</v></c><c r="D2" t="str"><v>head</v></c>'
    )
    raw_workbook(path, [("人员", f'<row r="1">{header}</row><row r="2">{data}</row>')])
    fast, slow, took_fast_path = both_ways(path)
    assert not took_fast_path
    assert fast == slow
    assert read_table(path, PERSONS).frame["name"].to_list() == ["张\r三"]


def test_damaged_other_sheet_is_refused_as_before(tmp_path: Path, both_ways: Any) -> None:
    """Damage below the rows the peek reads: python-calamine still reads every sheet first."""
    good = tmp_path / "good.xlsx"
    wb = xlsxwriter.Workbook(str(good))
    ws = wb.add_worksheet("人员")
    ws.write_row(0, 0, ["身份证号", "姓名", "户编号", "与户主关系"])
    ws.write_row(1, 0, [ID1, "张三", HH1, "head"])
    notes = wb.add_worksheet("说明")
    notes.write_string(0, 0, "说明")
    notes.write_string(11, 0, "第12行")
    notes.write_number(29, 0, 30)
    wb.close()
    path = tmp_path / "persons.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b'<c r="A30">', b'<c r="A30" t="zz">')  # an unknown cell type
            target.writestr(item, data)
    assert b'"zz"' in zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml")
    fast, slow, took_fast_path = both_ways(path)
    assert not took_fast_path
    assert fast == slow and fast[0] == "refused"


def test_too_wide_is_refused_as_before(tmp_path: Path, both_ways: Any) -> None:
    path = tmp_path / "persons.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["身份证号", "姓名", "户编号", "与户主关系"])
    ws.write_row(1, 0, [ID1, "张三", HH1, "head"])
    ws.write_string(30, 20, "far away")  # column U, below the rows the peek reads
    wb.close()
    fast, slow, took_fast_path = both_ways(path, PERSONS, max_columns=20)
    assert took_fast_path is False  # refused: no grid
    assert fast == slow
    assert "the table has 21 columns (up to column U)" in fast[1]
    fast, slow, took_fast_path = both_ways(path, PERSONS, max_columns=21)
    assert took_fast_path
    assert fast == slow


def test_two_columns_meaning_the_same_are_refused_as_before(tmp_path: Path, both_ways: Any) -> None:
    path = tmp_path / "persons.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(2, 1, ["身份证号", "姓名", "户编号", "与户主关系", "name"])
    ws.write_row(3, 1, [ID1, "张三", HH1, "head", "张三"])
    wb.close()
    fast, slow, _ = both_ways(path)
    assert fast == slow
    assert "two columns mean the same thing" in fast[1] and "column F 'name'" in fast[1]


def test_empty_columns_log_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """fastexcel logs "Could not determine dtype for column N" for every empty column: expected."""
    path = tmp_path / "persons.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["身份证号", "姓名", "户编号", "与户主关系", "民族"])
    ws.write_row(1, 0, [ID1, "张三", HH1, "head"])
    wb.close()
    assert read_table(path, PERSONS).frame["ethnicity"].to_list() == [None]
    assert not [r for r in caplog.records if r.name.startswith("fastexcel")]


# --- random workbooks: the peek against python-calamine, the fast path against the slow one ------

NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {NS}>'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" xfId="0"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="46" xfId="0" applyNumberFormat="1"/><xf numFmtId="20" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)  # styles 1: date, 2: duration [h]:mm:ss, 3: time h:mm


def raw_workbook(path: Path, sheets: list[tuple[str, str]], shared: str | None = None) -> None:
    """A workbook written by hand: (sheet name, the XML inside <sheetData>), shared strings' <si>s."""
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        book = f'<?xml version="1.0"?><workbook {NS}><sheets>'
        rels = '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        for i, (name, body) in enumerate(sheets, 1):
            book += f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
            rels += f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            z.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<?xml version="1.0"?><worksheet {NS}><sheetData>{body}</sheetData></worksheet>',
            )
        n = len(sheets)
        rels += f'<Relationship Id="rId{n + 1}" Type="{rel}/styles" Target="styles.xml"/>'
        if shared is not None:
            rels += f'<Relationship Id="rId{n + 2}" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst {NS}>{shared}</sst>')
        z.writestr("xl/workbook.xml", book + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", rels + "</Relationships>")
        z.writestr("xl/styles.xml", STYLES)


def letters(column: int) -> str:
    return parse._column_letter(column)


TEXTS = ["姓名", "  a  ", "", "x_x000D_y", "\u3000b", "1.5", "true", "a&amp;b", "&lt;x&gt;", "t\tb", "l\nb"]


NUMBERS = ["1", "2019", "1.5", "0.30000000000000004", ID1, "1e15", ".5", "+3", "-0", "1E+03"]


def random_si(rnd: random.Random) -> str:
    t = rnd.choice(TEXTS)
    keep = ' xml:space="preserve"' if rnd.random() < 0.5 else ""
    return rnd.choice(
        [
            f"<si><t{keep}>{t}</t></si>",
            f"<si><r><rPr><b/></rPr><t{keep}>{t}</t></r><r><t>{rnd.choice(TEXTS)}</t></r></si>",
            f'<si><t>{t}</t><rPh sb="0" eb="1"><t>ph</t></rPh><phoneticPr fontId="1"/></si>',
            "<si/>",
            "<si><t/></si>",
            f"<si><t>{t}</t><r><t>{rnd.choice(TEXTS)}</t></r></si>",
        ]
    )


def random_cell(rnd: random.Random, ref: str | None, shared: int, kind: str = "any") -> str:
    r = f' r="{ref}"' if ref else ""
    choices = {
        "sst": lambda: f'<c{r} t="s"><v>{rnd.randrange(shared)}</v></c>' if shared else "<c/>",
        "inline": lambda: f'<c{r} t="inlineStr"><is><t>{rnd.choice(TEXTS)}</t></is></c>',
        "str": lambda: f'<c{r} t="str"><f>X</f><v>{rnd.choice(["a", " b ", ID1, "0012", ""])}</v></c>',
        "num": lambda: f"<c{r}><v>{rnd.choice(NUMBERS)}</v></c>",
        "date": lambda: f'<c{r} s="1"><v>{rnd.choice(["45296", "45296.5", "1", "60", "2958465"])}</v></c>',
        "time": lambda: f'<c{r} s="3"><v>{rnd.choice(["0.25", "45296.25"])}</v></c>',
        "bool": lambda: f'<c{r} t="b"><v>{rnd.choice(["0", "1"])}</v></c>',
        "error": lambda: f'<c{r} t="e"><v>{rnd.choice(["#N/A", "#DIV/0!", "#REF!"])}</v></c>',
        "styled": lambda: f'<c{r} s="1"/>',
        "formula": lambda: f"<c{r}><f>Z</f></c>",
        "empty_str": lambda: f'<c{r} t="str"><f>Y</f><v></v></c>',
    }
    if kind == "any":
        kind = rnd.choice(list(choices))
    return choices[kind]()


def random_sheet(rnd: random.Random, shared: int) -> str:
    rows, r = [], rnd.choice([0, 0, 0, 1, 3, 9, 10, 11, 12])
    for _ in range(rnd.choice([0, 1, 2, 5, 12, 15])):
        r += rnd.choice([1, 1, 1, 2, 5])
        numbered = rnd.random() < 0.9
        cells, c = [], rnd.choice([0, 0, 1, 3])
        for _ in range(rnd.randrange(0, 6)):
            c += rnd.choice([1, 1, 2])
            ref = f"{letters(c - 1)}{r}" if numbered and rnd.random() < 0.9 else None
            cells.append(random_cell(rnd, ref, shared))
        attribute = f' r="{r}"' if numbered else ""
        rows.append(f"<row{attribute}>{''.join(cells)}</row>")
    return "".join(rows)


def calamine_tops(path: Path) -> list[tuple[str, list[list[str]] | None, int]]:
    book = CalamineWorkbook.from_path(str(path))
    tops = []
    for meta in book.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        sheet = book.get_sheet_by_name(meta.name)
        if sheet.start is None:
            tops.append((meta.name, None, -1))
            continue
        top = sheet.to_python(skip_empty_area=False, nrows=10)
        tops.append((meta.name, [[parse._cell_text(v) for v in row] for row in top], sheet.total_height))
    return tops


def test_peek_reads_first_rows_as_python_calamine(tmp_path: Path) -> None:
    rnd = random.Random(2025)
    path = tmp_path / "random.xlsx"
    read = 0
    for _ in range(300):
        shared = [random_si(rnd) for _ in range(rnd.randrange(0, 8))]
        sheets = [(f"S{k}", random_sheet(rnd, len(shared))) for k in range(rnd.choice([1, 1, 2, 3]))]
        raw_workbook(path, sheets, "".join(shared) if shared else None)
        try:
            peek = xlsx_peek.read_tops(path, 10)
        except xlsx_peek.Unsure:
            continue
        read += 1
        expected = calamine_tops(path)
        assert [s.name for s in peek.sheets] == [name for name, _, _ in expected]
        for top, (_, rows, total_height) in zip(peek.sheets, expected, strict=True):
            if rows is None:
                assert top.empty
                continue
            assert not top.empty
            assert (top.end_row <= 10) == (total_height <= 10)
            if top.end_row <= 10:
                assert top.end_row == total_height
            assert len(top.rows) == len(rows)
            for i, (theirs, ours) in enumerate(zip(rows, top.rows, strict=True)):
                texts = [parse._cell_text(v) for v in ours]
                texts += [""] * (len(theirs) - len(texts))
                for j, text in enumerate(texts):
                    if top.kinds.get((i, j)) != xlsx_peek.GUESS:
                        assert text == theirs[j], (sheets, i, j)
    assert read > 250


HEADERS = ["身份证号", "姓名", "户编号", "与户主关系", "民族", "备注", "", "联系电话"]
COLUMN_KINDS = ["sst", "sst", "inline", "str", "num", "date", "bool", "error", "empty_str"]


def random_table(rnd: random.Random, shared: int) -> str:
    """A persons sheet: maybe a title, the header in row 1-10 from column A-C, typed columns."""
    header_row, first = rnd.choice([1, 1, 2, 3, 5, 10]), rnd.choice([0, 0, 1, 2])
    rows = []
    if header_row > 1 and rnd.random() < 0.6:
        r = rnd.randrange(1, header_row)
        rows.append(f'<row r="{r}"><c r="{letters(rnd.choice([0, first]))}{r}" t="str"><v>标题</v></c></row>')
    headers = rnd.sample(HEADERS, k=len(HEADERS))
    cells = "".join(
        f'<c r="{letters(first + j)}{header_row}" t="str"><v>{h}</v></c>' for j, h in enumerate(headers) if h
    )
    rows.append(f'<row r="{header_row}">{cells}</row>')
    kinds = [rnd.choice(COLUMN_KINDS + (["time", "any"] if rnd.random() < 0.2 else [])) for _ in headers]
    r = header_row
    for _ in range(rnd.randrange(0, 25)):
        r += rnd.choice([1, 1, 1, 2])
        cells = "".join(
            random_cell(rnd, f"{letters(first + j)}{r}", shared, "error" if rnd.random() < 0.03 else kind)
            for j, kind in enumerate(kinds)
            if rnd.random() > 0.25
        )
        rows.append(f'<row r="{r}">{cells}</row>')
    return "".join(rows)


def test_fast_path_reads_random_tables_as_python_calamine(tmp_path: Path, both_ways: Any) -> None:
    rnd = random.Random(7)
    path = tmp_path / "persons.xlsx"
    fast_reads = 0
    for _ in range(120):
        shared = [random_si(rnd) for _ in range(rnd.randrange(1, 8))]
        sheets = [
            (f"S{k}", random_table(rnd, len(shared)) if rnd.random() < 0.85 else "")
            for k in range(rnd.choice([1, 1, 1, 2]))
        ]
        raw_workbook(path, sheets, "".join(shared))
        fast, slow, took_fast_path = both_ways(path)
        assert fast == slow, sheets
        fast_reads += took_fast_path
    assert fast_reads > 30


def test_peek_refuses_a_dtd(tmp_path: Path) -> None:
    path = tmp_path / "persons.xlsx"
    raw_workbook(path, [("S", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>')], "<si><t>x</t></si>")
    data = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(
        b"<sst", b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]><sst', 1
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, part in parts.items():
            z.writestr(name, part)
    assert path.read_bytes() != data
    with pytest.raises(xlsx_peek.Unsure):
        xlsx_peek.read_tops(path, 10)
