"""Write tests/malformed/: the files counties really send, good and bad, and MANIFEST.csv.

Run once from the repository root (`.venv/bin/python tests/exchange_parse/make_malformed.py`);
the outputs are committed, so the tests do not depend on this script. It is deterministic: the
same files come out every time (workbook timestamps are fixed).

MANIFEST.csv columns: file, table, expect, detail where expect is
- refused: detail is a substring the FileProblem message must contain;
- parsed: detail says in words what parsing gives (test_parse.py checks it in code);
- row_error: parsing succeeds; validation must later report row=R;column=C (schema column name).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from stdnum.cn import ric

OUT = Path(__file__).resolve().parent.parent / "malformed"
FIXED = dt.datetime(2026, 1, 1, 8, 0, 0)

PERSON_HEADERS = ["身份证号", "姓名", "户编号", "与户主关系"]
INCOME_HEADERS = ["户编号", "起始日期", "截止日期", "收入来源", "金额"]
HOUSEHOLD_HEADERS = ["户编号", "村代码", "农户属性", "脱贫年度"]


def rid(birth: str, seq: int) -> str:
    """A resident ID with a correct check digit: 530627 + YYYYMMDD + 3-digit sequence + check."""
    body = f"530627{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # it wants a placeholder check digit


# Born 2001 or later: 530627 (镇雄县) exists from 2001, and the birth place is checked too.
ID1 = rid("20010101", 11)
ID2 = rid("20030315", 22)
ID3 = rid("20050101", 18)  # ends in X
ID4 = rid("20100707", 44)
assert all(ric.is_valid(i) for i in (ID1, ID2, ID3, ID4))
assert ID1[-1].isdigit() and ID2[-1].isdigit() and ID3.endswith("X")
HH1 = "5306271022010001"
HH2 = "5306271022010002"


def person_rows() -> list[list[str]]:
    return [
        [ID1, "张三", HH1, "head"],
        [ID2, "李梅", HH1, "spouse"],
        [ID3, "张小明", HH1, "child"],
    ]


CASES: list[tuple[str, str, str, str, Callable[[Path], Any]]] = []


def case(name: str, table: str, expect: str, detail: str) -> Callable[[Callable[[Path], Any]], None]:
    """Register a file: its manifest line and the function that writes it (run by build())."""

    def register(write: Callable[[Path], Any]) -> None:
        assert name not in {c[0] for c in CASES}, name
        CASES.append((name, table, expect, detail, write))

    return register


# --- writers --------------------------------------------------------------------------------------


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> None:
    path.write_bytes(csv_text(rows, delimiter).encode(encoding))


def workbook(path: Path) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": FIXED})
    return wb


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    wb = workbook(path)
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)  # text cells stay text, like "=CMD()" or "0012"
                else:
                    ws.write(r, c, value)
    wb.close()


def xlsx_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    tmp = OUT / "_tmp.xlsx"
    write_xlsx(tmp, sheets)
    data = tmp.read_bytes()
    tmp.unlink()
    return data


# --- text encodings and delimiters ----------------------------------------------------------------

case("utf8_plain.csv", "persons", "parsed", "plain UTF-8, 3 rows, encoding utf-8")(
    lambda p: write_csv(p, [PERSON_HEADERS, *person_rows()])
)
case(
    "utf8_bom.csv", "persons", "parsed", "UTF-8 with BOM (Excel 'CSV UTF-8'); header not polluted by the BOM"
)(lambda p: write_csv(p, [PERSON_HEADERS, *person_rows()], encoding="utf-8-sig"))
case("gbk.csv", "persons", "parsed", "GBK (Excel 'CSV' on Chinese Windows) decoded as gb18030")(
    lambda p: write_csv(p, [PERSON_HEADERS, *person_rows()], encoding="gbk")
)
case(
    "gb18030_rare_chars.csv",
    "persons",
    "parsed",
    "GB18030 with names outside GBK (䶮, 𠀾) decoded exactly",
)(
    lambda p: write_csv(
        p, [PERSON_HEADERS, [ID1, "刘䶮", HH1, "head"], [ID2, "王𠀾", HH1, "spouse"]], encoding="gb18030"
    )
)
case("tab_separated.csv", "persons", "parsed", "tab-separated text named .csv")(
    lambda p: write_csv(p, [PERSON_HEADERS, *person_rows()], delimiter="\t")
)
case("semicolon.csv", "persons", "parsed", "semicolon-separated")(
    lambda p: write_csv(p, [PERSON_HEADERS, *person_rows()], delimiter=";")
)
case("utf16_unicode_text.txt", "persons", "parsed", "Excel 'Unicode text': UTF-16 with BOM, tab-separated")(
    lambda p: p.write_bytes(csv_text([PERSON_HEADERS, *person_rows()], "\t").encode("utf-16"))
)
case("mac_line_endings.csv", "persons", "parsed", "lines ending in CR only")(
    lambda p: p.write_bytes(csv_text([PERSON_HEADERS, *person_rows()]).replace("\r\n", "\r").encode())
)
case(
    "not_utf8_nor_gbk.csv",
    "persons",
    "refused",
    "is neither UTF-8 nor GB18030",
)(lambda p: p.write_bytes(csv_text([PERSON_HEADERS, *person_rows()]).encode() + b"\xff\xfe\xff,\x80\n"))
case("nul_byte.csv", "persons", "refused", "NUL character on line 3")(
    lambda p: p.write_bytes(
        csv_text([PERSON_HEADERS, *person_rows()]).encode().replace(b"\xe6\x9d\x8e", b"\x00", 1)
    )
)

# --- dates ----------------------------------------------------------------------------------------


def serial_dates(p: Path) -> None:
    write_xlsx(p, {"人员": [[*PERSON_HEADERS, "加入日期"], [ID1, "张三", HH1, "head", 45296]]})


case(
    "excel_serial_dates.xlsx",
    "persons",
    "parsed",
    "a date typed as an Excel day number (45296) comes through as the text '45296'",
)(serial_dates)
case(
    "text_dates_formats.csv",
    "persons",
    "parsed",
    "dates as text 2024-01-05, 2024/1/5, 2024年1月5日, 20240105 come through unchanged",
)(
    lambda p: write_csv(
        p,
        [
            [*PERSON_HEADERS, "加入日期"],
            [ID1, "张三", HH1, "head", "2024-01-05"],
            [ID2, "李梅", HH1, "spouse", "2024/1/5"],
            [ID3, "张小明", HH1, "child", "2024年1月5日"],
            [ID4, "王五", HH2, "head", "20240105"],
        ],
    )
)


def date_cells(p: Path) -> None:
    wb = workbook(p)
    ws = wb.add_worksheet("人员")
    date = wb.add_format({"num_format": "yyyy年m月d日"})
    stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.write_row(0, 0, [*PERSON_HEADERS, "加入日期", "出生日期"])
    ws.write_row(1, 0, [ID1, "张三", HH1, "head"])
    ws.write_datetime(1, 4, dt.datetime(2024, 1, 5), date)
    ws.write_datetime(1, 5, dt.datetime(1980, 1, 1, 9, 30), stamp)
    wb.close()


case("date_cells.xlsx", "persons", "parsed", "real date cells become 2024-01-05; a date-time keeps its date")(
    date_cells
)

# --- headers --------------------------------------------------------------------------------------


def merged_header(p: Path) -> None:
    wb = workbook(p)
    ws = wb.add_worksheet("人员")
    ws.write_row(0, 0, PERSON_HEADERS)
    ws.merge_range(0, 4, 0, 5, "技能")  # one header over two columns
    ws.write_row(1, 0, [ID1, "张三", HH1, "head", "电焊"])
    ws.write_row(2, 0, [ID2, "李梅", HH1, "spouse"])
    wb.close()


case("merged_header.xlsx", "persons", "parsed", "a header cell merged over two columns")(merged_header)


def two_row_header(p: Path) -> None:
    wb = workbook(p)
    ws = wb.add_worksheet("人员")
    ws.merge_range(0, 0, 0, 1, "基本信息")
    ws.merge_range(0, 2, 0, 3, "家庭")
    ws.write_row(1, 0, PERSON_HEADERS)
    for i, row in enumerate(person_rows()):
        ws.write_row(2 + i, 0, row)
    wb.close()


case("two_row_header.xlsx", "persons", "parsed", "group titles merged above the real header: header row 2")(
    two_row_header
)


def vertical_merge_header(p: Path) -> None:
    wb = workbook(p)
    ws = wb.add_worksheet("人员")
    ws.merge_range(0, 0, 1, 0, "身份证号")  # merged down over both header rows
    ws.merge_range(0, 1, 1, 1, "姓名")
    ws.merge_range(0, 2, 0, 3, "家庭信息")
    ws.write_row(1, 2, ["户编号", "与户主关系"])
    for i, row in enumerate(person_rows()):
        ws.write_row(2 + i, 0, row)
    wb.close()


case(
    "two_row_header_vertical_merge.xlsx",
    "persons",
    "parsed",
    "two-row header where 身份证号/姓名 are merged down over both rows",
)(vertical_merge_header)
case("title_row.csv", "persons", "parsed", "a title line above the header: header row 2")(
    lambda p: write_csv(p, [["2024年人员信息表", "", "", ""], PERSON_HEADERS, *person_rows()])
)
case("header_in_row_5.xlsx", "persons", "parsed", "title, date line and a blank row before the header")(
    lambda p: write_xlsx(
        p,
        {
            "Sheet1": [
                ["某县防止返贫监测人员信息"],
                ["填报单位：某乡", None, "日期：2024-01-05"],
                [],
                ["说明：带*为必填"],
                ["*身份证号", "*姓名", "*户编号", "*与户主关系"],
                *person_rows(),
            ]
        },
    )
)
case("header_beyond_row_10.csv", "persons", "refused", "no header row found in the first 10 rows")(
    lambda p: write_csv(p, [[f"说明第{i}行"] for i in range(12)] + [PERSON_HEADERS, *person_rows()])
)
case("star_headers.csv", "persons", "parsed", "headers '* 身份证号', '*姓名' marked required with asterisks")(
    lambda p: write_csv(p, [["* 身份证号", "*姓名", "*户编号 ", "与户主关系*"], *person_rows()])
)
case("headers_with_spaces.csv", "persons", "parsed", "headers with inner/outer and full-width spaces")(
    lambda p: write_csv(p, [["身 份 证 号", " 姓名 ", "\u3000户编号", "与户主\n关系"], *person_rows()])
)
case("english_headers.csv", "persons", "parsed", "English column names")(
    lambda p: write_csv(p, [["id_number", "name", "household_number", "relation"], *person_rows()])
)
case("english_headers_uppercase.csv", "persons", "parsed", "English names in capitals")(
    lambda p: write_csv(p, [["ID_NUMBER", "Name", "Household_Number", "RELATION"], *person_rows()])
)
case("mixed_headers.xlsx", "persons", "parsed", "Chinese, English and alias headers mixed")(
    lambda p: write_xlsx(
        p,
        {
            "人员": [
                ["公民身份号码", "name", "户号", "relation", "手机号码"],
                [ID1, "张三", HH1, "head", "13800000000"],
            ]
        },
    )
)
case("fullwidth_header_letters.csv", "persons", "parsed", "headers typed in full-width letters (ｎａｍｅ)")(
    lambda p: write_csv(p, [["ｉｄ＿ｎｕｍｂｅｒ", "ｎａｍｅ", "户编号", "与户主关系"], *person_rows()])
)
case("header_notes.csv", "persons", "parsed", "headers with （必填）/(选填) notes")(
    lambda p: write_csv(
        p,
        [["身份证号（必填）", "姓名(必填)", "户编号【必填】", "与户主关系", "民族（选填）"], *person_rows()],
    )
)
case("missing_required.csv", "persons", "refused", "required column(s) missing: 姓名 (name)")(
    lambda p: write_csv(p, [["身份证号", "户编号", "与户主关系"], [ID1, HH1, "head"]])
)
case(
    "missing_several_required.xlsx",
    "persons",
    "refused",
    "姓名 (name), 户编号 (household_number), 与户主关系 (relation)",
)(lambda p: write_xlsx(p, {"人员": [["身份证号", "性别"], [ID1, "男"]]}))
case("no_header_at_all.csv", "persons", "refused", "no header row found")(
    lambda p: write_csv(p, person_rows())
)
case("amount_in_wan_yuan.csv", "incomes", "refused", "required column(s) missing: 金额 (amount)")(
    lambda p: write_csv(
        p,
        [
            ["户编号", "起始日期", "截止日期", "收入来源", "金额（万元）"],
            [HH1, "2025-07-01", "2026-06-30", "wages", "3.6"],
        ],
    )
)
case("unknown_columns.csv", "persons", "parsed", "extra columns 序号 and 家庭住址 dropped with a warning")(
    lambda p: write_csv(
        p,
        [["序号", *PERSON_HEADERS, "家庭住址"]]
        + [[str(i + 1), *row, "泼机村"] for i, row in enumerate(person_rows())],
    )
)
case("same_column_twice.csv", "persons", "refused", "two columns mean the same thing")(
    lambda p: write_csv(p, [[*PERSON_HEADERS, "户号"], [ID1, "张三", HH1, "head", HH1]])
)
case("thousands_of_columns.csv", "persons", "refused", "at most 300 are accepted")(
    lambda p: write_csv(
        p, [PERSON_HEADERS + [f"列{i}" for i in range(3000)], person_rows()[0] + ["x"] * 3000]
    )
)


def wide_xlsx(p: Path) -> None:
    wb = workbook(p)
    ws = wb.add_worksheet("人员")
    ws.write_row(0, 0, PERSON_HEADERS + [f"列{i}" for i in range(2000)])
    ws.write_row(1, 0, person_rows()[0])
    wb.close()


case("thousands_of_columns.xlsx", "persons", "refused", "at most 300 are accepted")(wide_xlsx)

# --- cells ----------------------------------------------------------------------------------------

case("fullwidth_digits_id.csv", "persons", "parsed", "ID typed in full-width digits is kept as typed")(
    lambda p: write_csv(
        p,
        [
            PERSON_HEADERS,
            [ID1.translate(str.maketrans("0123456789", "０１２３４５６７８９")), "张三", HH1, "head"],
        ],
    )
)
case("lowercase_x_id.csv", "persons", "parsed", "ID ending in lowercase x is kept as typed")(
    lambda p: write_csv(p, [PERSON_HEADERS, [ID3.lower(), "张小明", HH1, "child"]])
)
case(
    "spaces_around_values.csv",
    "persons",
    "parsed",
    "leading/trailing spaces, full-width spaces, no-break spaces and tabs are stripped",
)(
    lambda p: write_csv(
        p,
        [
            PERSON_HEADERS,
            [f"  {ID1} ", "\u3000张三\u3000", f"\u00a0{HH1}\t", " head "],
            [ID2, "李 梅", HH1, "\u200bspouse\ufeff"],
        ],
    )
)
case("blank_cells_are_null.csv", "persons", "parsed", "empty and whitespace-only cells become null")(
    lambda p: write_csv(
        p, [[*PERSON_HEADERS, "民族"], [ID1, "张三", HH1, "head", "   "], [ID2, "", HH1, "spouse", ""]]
    )
)
case(
    "leading_zeros.csv", "households", "parsed", "codes with leading zeros and long digit strings stay text"
)(
    lambda p: write_csv(
        p,
        [
            HOUSEHOLD_HEADERS,
            ["0012", "053062710220", "ordinary", "02019"],
            [HH1, "530627102201", "ordinary", ""],
        ],
    )
)
case("leading_zeros.xlsx", "households", "parsed", "text cells with leading zeros stay text in XLSX")(
    lambda p: write_xlsx(p, {"农户": [HOUSEHOLD_HEADERS, ["0012", "053062710220", "ordinary", "02019"]]})
)
case("wrong_type_amount.csv", "incomes", "row_error", "row=3;column=amount")(
    lambda p: write_csv(
        p,
        [
            INCOME_HEADERS,
            [HH1, "2025-07-01", "2026-06-30", "wages", "36000.00"],
            [HH1, "2025-07-01", "2026-06-30", "business_net", "三万六"],
        ],
    )
)
case("wrong_type_amount.xlsx", "incomes", "row_error", "row=2;column=amount")(
    lambda p: write_xlsx(p, {"收入": [INCOME_HEADERS, [HH1, "2025-07-01", "2026-06-30", "wages", "约3万"]]})
)
case("negative_amount.csv", "incomes", "row_error", "row=2;column=amount")(
    lambda p: write_csv(p, [INCOME_HEADERS, [HH1, "2025-07-01", "2026-06-30", "wages", "-500"]])
)
case("huge_cell.csv", "persons", "refused", "at most 2,000 are accepted")(
    lambda p: write_csv(p, [[*PERSON_HEADERS, "技能"], [ID1, "张三", HH1, "head", "电焊" * 2500]])
)
case(
    "injection.csv",
    "persons",
    "parsed",
    "=CMD(...), +, -, @ strings come through as plain text, never evaluated",
)(
    lambda p: write_csv(
        p,
        [
            [*PERSON_HEADERS, "技能"],
            [ID1, "=CMD|' /C calc'!A0", HH1, "head", "+1+1"],
            [ID2, "@SUM(A1:A9)", HH1, "spouse", "-2+3"],
            [ID3, '=HYPERLINK("http://x.example","点我")', HH1, "child", "\t=1+1"],
        ],
    )
)
case("injection.xlsx", "persons", "parsed", "formula-looking text cells stay text")(
    lambda p: write_xlsx(
        p,
        {
            "人员": [
                [*PERSON_HEADERS, "技能"],
                [ID1, "=CMD|' /C calc'!A0", HH1, "head", "+1+1"],
                [ID2, "@SUM(A1)", HH1, "spouse", "-2+3"],
            ]
        },
    )
)


def formulas(p: Path) -> None:
    wb = workbook(p)
    ws = wb.add_worksheet("收入")
    ws.write_row(0, 0, INCOME_HEADERS)
    ws.write_row(1, 0, [HH1, "2025-07-01", "2026-06-30", "wages"])
    ws.write_formula(1, 4, "=3000*12+0.5", None, 36000.5)
    ws.write_row(2, 0, [HH1, "2025-07-01", "2026-06-30", "transfer"])
    ws.write_formula(2, 4, "=0.1+0.2", None, 0.1 + 0.2)  # cached 0.30000000000000004
    ws.write_row(3, 0, [HH1, "2025-07-01", "2026-06-30", "business_net"])
    ws.write_formula(3, 4, "=1000*12", None, 12000)
    wb.close()


case("formulas.xlsx", "incomes", "parsed", "formula cells give their cached values: 36000.5, 0.3, 12000")(
    formulas
)


def numbers_and_bools(p: Path) -> None:
    wb = workbook(p)
    ws = wb.add_worksheet("农户")
    ws.write_row(0, 0, [*HOUSEHOLD_HEADERS, "住房安全有保障", "饮水安全有保障"])
    ws.write_row(1, 0, [HH1, "530627102201", "out_of_poverty"])
    ws.write_number(1, 3, 2019)
    ws.write_boolean(1, 4, True)
    ws.write_boolean(1, 5, False)
    wb.close()


case(
    "numbers_and_bools.xlsx",
    "households",
    "parsed",
    "2019 stored as number -> '2019'; TRUE/FALSE -> true/false",
)(numbers_and_bools)


def id_as_number(p: Path) -> None:
    wb = workbook(p)
    ws = wb.add_worksheet("人员")
    ws.write_row(0, 0, PERSON_HEADERS)
    ws.write_number(1, 0, float(ID1))  # a float holds ~16 digits; Excel itself would keep 15
    ws.write_row(1, 1, ["张三", HH1, "head"])
    ws.write_number(2, 0, float(ID2))
    ws.write_row(2, 1, ["李梅", HH1, "spouse"])
    wb.close()


case("id_as_number.xlsx", "persons", "row_error", "row=2;column=id_number")(id_as_number)
case("scientific_id.csv", "persons", "row_error", "row=2;column=id_number")(
    lambda p: write_csv(
        p, [PERSON_HEADERS, ["5.30627E+17", "张三", HH1, "head"], [ID2, "李梅", HH1, "spouse"]]
    )
)
case(
    "multiline_cell.csv", "persons", "parsed", "a quoted value spanning lines is one cell; rows count records"
)(
    lambda p: write_csv(
        p,
        [
            [*PERSON_HEADERS, "技能"],
            [ID1, "张三", HH1, "head", "电焊\n驾驶"],
            [ID2, "李梅", HH1, "spouse", "缝纫"],
        ],
    )
)
case(
    "hidden_characters.csv", "persons", "parsed", "zero-width space and stray BOM at cell ends are stripped"
)(lambda p: write_csv(p, [PERSON_HEADERS, [f"\u200b{ID1}", "张三\ufeff", HH1, "head"]]))

# --- rows -----------------------------------------------------------------------------------------

case("duplicate_rows.csv", "persons", "parsed", "rows 5 and 6 repeat row 2 exactly: duplicate_rows [5, 6]")(
    lambda p: write_csv(p, [PERSON_HEADERS, *person_rows(), person_rows()[0], person_rows()[0]])
)
case(
    "duplicate_rows_spaces.xlsx",
    "persons",
    "parsed",
    "a row equal to an earlier one after trimming spaces is a duplicate",
)(lambda p: write_xlsx(p, {"人员": [PERSON_HEADERS, person_rows()[0], [f" {ID1}", "张三 ", HH1, "head"]]}))


def blank_rows_between(p: Path) -> None:
    write_xlsx(
        p,
        {
            "人员": [
                PERSON_HEADERS,
                person_rows()[0],
                [],
                [None, "  "],
                person_rows()[1],
                [],
                person_rows()[2],
            ]
        },
    )


case("blank_rows_between.xlsx", "persons", "parsed", "blank rows skipped; data keeps rows 2, 5, 7")(
    blank_rows_between
)
case("blank_lines_between.csv", "persons", "parsed", "blank lines and ',,,' lines skipped; rows 2, 5, 7")(
    lambda p: write_csv(
        p, [PERSON_HEADERS, person_rows()[0], [], ["", "", "", ""], person_rows()[1], [" "], person_rows()[2]]
    )
)
case("ragged_row.csv", "persons", "refused", "this row has 5 values but the header has 4 columns")(
    lambda p: write_csv(p, [PERSON_HEADERS, person_rows()[0], [ID2, "李", "梅", HH1, "spouse"]])
)
case("short_row.csv", "persons", "parsed", "a row with fewer values is padded with empty cells")(
    lambda p: write_csv(
        p, [[*PERSON_HEADERS, "民族"], [ID1, "张三", HH1, "head", "汉族"], [ID2, "李梅", HH1, "spouse"]]
    )
)
case("trailing_commas.csv", "persons", "parsed", "empty extra fields at the end of rows are ignored")(
    lambda p: p.write_text(
        "身份证号,姓名,户编号,与户主关系\r\n" + "".join(f"{','.join(r)},,,\r\n" for r in person_rows()),
        encoding="utf-8",
    )
)
case("unclosed_quote.csv", "persons", "refused", "is never closed")(
    lambda p: p.write_text(
        f'身份证号,姓名,户编号,与户主关系\n{ID1},"张三,{HH1},head\n{ID2},李梅,{HH1},spouse\n',
        encoding="utf-8",
    )
)
case("quote_in_middle.csv", "persons", "refused", "row 2")(
    lambda p: p.write_text(f'身份证号,姓名,户编号,与户主关系\n{ID1},"张"三,{HH1},head\n', encoding="utf-8")
)
case("header_only.csv", "persons", "refused", "the sheet has a header but no rows")(
    lambda p: write_csv(p, [PERSON_HEADERS])
)
case("header_only.xlsx", "persons", "refused", "the sheet has a header but no rows")(
    lambda p: write_xlsx(p, {"人员": [PERSON_HEADERS]})
)
case("header_and_blank_rows.xlsx", "persons", "refused", "the sheet has a header but no rows")(
    lambda p: write_xlsx(p, {"人员": [PERSON_HEADERS, [None, " "], ["\u3000"]]})
)
case("only_blank_rows.csv", "persons", "refused", "the file has no data")(
    lambda p: p.write_bytes(b"\r\n\r\n  \r\n,,,\r\n")
)


def only_blank_rows_xlsx(p: Path) -> None:
    wb = workbook(p)
    ws = wb.add_worksheet("人员")
    fmt = wb.add_format({"bg_color": "#FFFF00"})
    for r in range(5):
        ws.write_blank(r, 0, None, fmt)
        ws.write_blank(r, 3, None, fmt)
    wb.close()


case("only_blank_rows.xlsx", "persons", "refused", "no sheet has data")(only_blank_rows_xlsx)

case(
    "repeated_header.csv",
    "persons",
    "parsed",
    "two exports pasted together: the second header row is skipped",
)(lambda p: write_csv(p, [PERSON_HEADERS, person_rows()[0], PERSON_HEADERS, person_rows()[1]]))
case("excel_sep_line.csv", "persons", "parsed", "Excel's 'sep=;' first line; semicolons; header row 2")(
    lambda p: p.write_bytes(
        ("sep=;\r\n" + csv_text([PERSON_HEADERS, *person_rows()], ";")).encode("utf-8-sig")
    )
)
case(
    "numbered_template_rows.xlsx",
    "persons",
    "parsed",
    "序号 pre-filled 1..20 but only one row of data: the others are empty rows",
)(
    lambda p: write_xlsx(
        p, {"人员": [["序号", *PERSON_HEADERS], [1, *person_rows()[0]], *[[i] for i in range(2, 21)]]}
    )
)
case("numbered_template_only.xlsx", "persons", "refused", "the sheet has a header but no rows")(
    lambda p: write_xlsx(p, {"人员": [["序号", *PERSON_HEADERS], *[[i] for i in range(1, 21)]]})
)


def formula_errors(p: Path) -> None:
    wb = workbook(p)
    ws = wb.add_worksheet("收入")
    ws.write_row(0, 0, [*INCOME_HEADERS, "备注"])
    ws.write_row(1, 0, [HH1, "2025-07-01", "2026-06-30", "wages"])
    ws.write_formula(1, 4, "=1/0", None, "#DIV/0!")
    ws.write_formula(1, 5, "=NA()", None, "#N/A")
    wb.close()


case(
    "formula_errors.xlsx",
    "incomes",
    "parsed",
    "cells showing #DIV/0! or #N/A arrive empty (calamine gives no value); validation sees a missing amount",
)(formula_errors)

# --- workbooks and sheets -------------------------------------------------------------------------


def empty_sheet(p: Path) -> None:
    wb = workbook(p)
    wb.add_worksheet("人员")
    wb.close()


case("empty_sheet.xlsx", "persons", "refused", "no sheet has data")(empty_sheet)


def empty_workbook(p: Path) -> None:
    wb = workbook(p)
    wb.add_worksheet("Sheet1")
    wb.add_worksheet("Sheet2")
    wb.add_worksheet("Sheet3")
    wb.close()


case("empty_workbook.xlsx", "persons", "refused", "no sheet has data")(empty_workbook)
case("second_sheet.xlsx", "persons", "parsed", "instructions on sheet 1, data on sheet 2 ('人员')")(
    lambda p: write_xlsx(
        p,
        {
            "填表说明": [["填表说明"], ["1. 身份证号填18位"], ["2. 姓名填写户籍姓名"]],
            "人员": [PERSON_HEADERS, *person_rows()],
        },
    )
)
case(
    "two_sheets_with_data.xlsx",
    "persons",
    "parsed",
    "two sheets with the header: first read, warning for the other",
)(
    lambda p: write_xlsx(
        p, {"一组": [PERSON_HEADERS, person_rows()[0]], "二组": [PERSON_HEADERS, person_rows()[1]]}
    )
)
case(
    "codes_sheet_after.xlsx", "persons", "parsed", "a code-list sheet after the data sheet causes no warning"
)(
    lambda p: write_xlsx(
        p, {"人员": [PERSON_HEADERS, *person_rows()], "代码": [["与户主关系"], ["head"], ["spouse"]]}
    )
)
case("wrong_sheet_only.xlsx", "persons", "refused", "of sheet '收入'")(
    lambda p: write_xlsx(p, {"收入": [INCOME_HEADERS, [HH1, "2025-07-01", "2026-06-30", "wages", 1]]})
)
case(
    "unnamed_column_with_values.xlsx",
    "persons",
    "parsed",
    "values in a column without header: warning, ignored",
)(lambda p: write_xlsx(p, {"人员": [PERSON_HEADERS, [*person_rows()[0], None, "备注？"]]}))

# --- what the file really is ----------------------------------------------------------------------


case("empty_file.csv", "persons", "refused", "the file is empty")(lambda p: p.write_bytes(b""))
case("empty_file.xlsx", "persons", "refused", "the file is empty")(lambda p: p.write_bytes(b""))
case(
    "xlsx_named_csv.csv", "persons", "parsed", "an XLSX workbook named .csv is read as XLSX, with a warning"
)(lambda p: p.write_bytes(xlsx_bytes({"人员": [PERSON_HEADERS, *person_rows()]})))
case("csv_named_xlsx.xlsx", "persons", "parsed", "CSV text named .xlsx is read as CSV, with a warning")(
    lambda p: write_csv(p, [PERSON_HEADERS, *person_rows()], encoding="gbk")
)
case("truncated.xlsx", "persons", "refused", "the file is damaged or incomplete")(
    lambda p: p.write_bytes(xlsx_bytes({"人员": [PERSON_HEADERS, *person_rows()]})[:3000])
)


def corrupt_member(p: Path) -> None:
    data = bytearray(xlsx_bytes({"人员": [PERSON_HEADERS, *person_rows()]}))
    # Damage the compressed worksheet stream but keep the zip directory intact.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 5, start + 60):
        data[i] ^= 0x5A
    p.write_bytes(bytes(data))


case("corrupt_sheet_in_zip.xlsx", "persons", "refused", "the file is damaged or incomplete")(corrupt_member)


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, statistics=False)
    return buffer.getvalue()


def persons_frame() -> pl.DataFrame:
    return pl.DataFrame(
        [dict(zip(["身份证号", "姓名", "户编号", "与户主关系"], r, strict=True)) for r in person_rows()]
    )


case("persons.parquet", "persons", "parsed", "Parquet with Chinese column names; rows numbered from 2")(
    lambda p: p.write_bytes(parquet_bytes(persons_frame()))
)
case(
    "typed.parquet",
    "incomes",
    "parsed",
    "Parquet with date, float and int columns: dates ISO, 36000.0 -> '36000', 36000.5 kept",
)(
    lambda p: p.write_bytes(
        parquet_bytes(
            pl.DataFrame(
                {
                    "household_number": [HH1, HH2],
                    "period_start": [dt.date(2025, 7, 1), dt.date(2025, 7, 1)],
                    "period_end": [dt.datetime(2026, 6, 30), dt.datetime(2026, 6, 30, 12)],
                    "source": ["wages", "transfer"],
                    "amount": [36000.0, 36000.5],
                    "note": [1, None],
                }
            )
        )
    )
)
case(
    "parquet_missing_column.parquet",
    "persons",
    "refused",
    "required column(s) missing: 与户主关系 (relation)",
)(lambda p: p.write_bytes(parquet_bytes(persons_frame().drop("与户主关系"))))
case("truncated.parquet", "persons", "refused", "the file is damaged or incomplete")(
    lambda p: p.write_bytes(parquet_bytes(persons_frame())[:-40])
)
case("parquet_bad_footer.parquet", "persons", "refused", "the file is damaged or incomplete")(
    lambda p: p.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")
)
case("parquet_named.csv", "persons", "parsed", "a Parquet file named .csv is read as Parquet")(
    lambda p: p.write_bytes(parquet_bytes(persons_frame()))
)
case("legacy_biff.xls", "persons", "refused", "old-style Excel .xls")(
    lambda p: p.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"\x09\x08\x10\x00" + b"\x00" * 508
    )
)
case("xls_renamed.xlsx", "persons", "refused", "save it as an .xlsx")(
    lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1016)
)
case(
    "png_renamed.csv",
    "persons",
    "refused",
    "this is not a CSV, XLSX or Parquet file: it looks like a PNG image",
)(
    lambda p: p.write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
        b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
    )
)
case("pdf_renamed.xlsx", "persons", "refused", "it looks like a PDF document")(
    lambda p: p.write_bytes(
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
)
case("html_table.xls", "persons", "refused", "web page")(
    lambda p: p.write_text(
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>身份证号</td><td>姓名</td></tr>"
        f"<tr><td>{ID1}</td><td>张三</td></tr></table></body></html>",
        encoding="utf-8",
    )
)


def zip_archive(p: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            zipfile.ZipInfo("persons.csv", date_time=(2026, 1, 1, 0, 0, 0)), csv_text([PERSON_HEADERS])
        )
    p.write_bytes(buffer.getvalue())


case("zip_archive.xlsx", "persons", "refused", "it is a zip archive")(zip_archive)


def ods_file(p: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype", date_time=(2026, 1, 1, 0, 0, 0)),
            "application/vnd.oasis.opendocument.spreadsheet",
        )
        z.writestr(
            zipfile.ZipInfo("content.xml", date_time=(2026, 1, 1, 0, 0, 0)), "<office:document-content/>"
        )
    p.write_bytes(buffer.getvalue())


case("spreadsheet.ods", "persons", "refused", "OpenDocument")(ods_file)


def build() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    for name, _table, _expect, _detail, write in CASES:
        write(OUT / name)
    with (OUT / "MANIFEST.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["file", "table", "expect", "detail"])
        writer.writerows(sorted(c[:4] for c in CASES))
    print(f"{len(CASES)} files in {OUT}")


if __name__ == "__main__":
    build()
