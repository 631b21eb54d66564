"""lnob.exchange.parse: every file of tests/malformed/ (see MANIFEST.csv), and focused unit tests.

No database: parsing needs only the schema's headers, never its code lists.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter

from lnob.exchange import parse
from lnob.exchange.parse import (
    FileProblem,
    ParsedTable,
    _cell_text,
    _header_candidates,
    _lookup,
    _xlsx_column,
    read_table,
)
from lnob.exchange.schema import INCOMES, PERSONS, TABLES

CORPUS = Path(__file__).resolve().parent.parent / "malformed"
MANIFEST = list(csv.DictReader((CORPUS / "MANIFEST.csv").open(encoding="utf-8")))

ID1, ID2, ID3, ID4 = "530627200101010113", "530627200303150229", "53062720050101018X", "530627201007070448"
HH1, HH2 = "5306271022010001", "5306271022010002"
PEOPLE = [(ID1, "张三", HH1, "head"), (ID2, "李梅", HH1, "spouse"), (ID3, "张小明", HH1, "child")]
PERSON_COLUMNS = ["id_number", "name", "household_number", "relation"]

# What parsing must give for each `parsed` file. Keys:
#   format, encoding, sheet, header_row: compared exactly
#   rows: the `_row` values, in order;  people: the frame's four person columns equal PEOPLE
#   cells: {(row, column): value}, where value None means null
#   columns: the schema columns present (frame order, without _row)
#   unknown, duplicates: unknown_columns and duplicate_rows
#   warnings: substrings, each found in one warning; no other warning may be present
THREE = {"rows": [2, 3, 4], "people": True}
PARSED: dict[str, dict[str, Any]] = {
    "utf8_plain.csv": {"format": "csv", "encoding": "utf-8", "header_row": 1, **THREE},
    "utf8_bom.csv": {"encoding": "utf-8-sig", "columns": PERSON_COLUMNS, **THREE},
    "gbk.csv": {"encoding": "gb18030", **THREE},
    "gb18030_rare_chars.csv": {"encoding": "gb18030", "cells": {(2, "name"): "刘䶮", (3, "name"): "王𠀾"}},
    "tab_separated.csv": {"encoding": "utf-8", **THREE},
    "semicolon.csv": THREE,
    "utf16_unicode_text.txt": {"encoding": "utf-16", **THREE},
    "mac_line_endings.csv": THREE,
    "text_dates_formats.csv": {
        "cells": {
            (2, "joined"): "2024-01-05",
            (3, "joined"): "2024/1/5",
            (4, "joined"): "2024年1月5日",
            (5, "joined"): "20240105",
        }
    },
    "excel_serial_dates.xlsx": {"cells": {(2, "joined"): "45296"}},  # validation reads day numbers
    "date_cells.xlsx": {"cells": {(2, "joined"): "2024-01-05", (2, "birth_date"): "1980-01-01"}},
    "merged_header.xlsx": {"cells": {(2, "skills"): "电焊", (3, "skills"): None}, "unknown": []},
    "two_row_header.xlsx": {"header_row": 2, "rows": [3, 4, 5], "people": True},
    "two_row_header_vertical_merge.xlsx": {
        "header_row": 2,
        "rows": [3, 4, 5],
        "people": True,
        "columns": PERSON_COLUMNS,
    },
    "title_row.csv": {"header_row": 2, "rows": [3, 4, 5], "people": True},
    "header_in_row_5.xlsx": {"header_row": 5, "rows": [6, 7, 8], "people": True, "sheet": "Sheet1"},
    "star_headers.csv": {"columns": PERSON_COLUMNS, **THREE},
    "headers_with_spaces.csv": {"columns": PERSON_COLUMNS, **THREE},
    "english_headers.csv": {"columns": PERSON_COLUMNS, **THREE},
    "english_headers_uppercase.csv": THREE,
    "mixed_headers.xlsx": {
        "columns": [*PERSON_COLUMNS, "phone"],
        "cells": {(2, "phone"): "13800000000", (2, "household_number"): HH1},
    },
    "fullwidth_header_letters.csv": THREE,
    "header_notes.csv": {"columns": [*PERSON_COLUMNS, "ethnicity"], **THREE},
    "unknown_columns.csv": {
        "unknown": ["序号", "家庭住址"],
        "warnings": ["not in the persons table were ignored: 序号, 家庭住址"],
        **THREE,
    },
    "fullwidth_digits_id.csv": {"cells": {(2, "id_number"): "５３０６２７２００１０１０１０１１３"}},
    "lowercase_x_id.csv": {"cells": {(2, "id_number"): ID3.lower()}},
    "spaces_around_values.csv": {
        "cells": {
            (2, "id_number"): ID1,
            (2, "name"): "张三",
            (2, "household_number"): HH1,
            (2, "relation"): "head",
            (3, "name"): "李 梅",
            (3, "relation"): "spouse",
        }
    },
    "blank_cells_are_null.csv": {
        "cells": {(2, "ethnicity"): None, (3, "name"): None, (3, "ethnicity"): None}
    },
    "leading_zeros.csv": {
        "cells": {(2, "number"): "0012", (2, "village"): "053062710220", (2, "left_poverty_year"): "02019"}
    },
    "leading_zeros.xlsx": {"cells": {(2, "number"): "0012", (2, "left_poverty_year"): "02019"}},
    "injection.csv": {
        "cells": {
            (2, "name"): "=CMD|' /C calc'!A0",
            (2, "skills"): "+1+1",
            (3, "name"): "@SUM(A1:A9)",
            (3, "skills"): "-2+3",
            (4, "name"): '=HYPERLINK("http://x.example","点我")',
            (4, "skills"): "=1+1",
        }
    },
    "injection.xlsx": {
        "cells": {(2, "name"): "=CMD|' /C calc'!A0", (2, "skills"): "+1+1", (3, "name"): "@SUM(A1)"}
    },
    "formulas.xlsx": {"cells": {(2, "amount"): "36000.5", (3, "amount"): "0.3", (4, "amount"): "12000"}},
    "numbers_and_bools.xlsx": {
        "cells": {(2, "left_poverty_year"): "2019", (2, "housing_safe"): "true", (2, "water_safe"): "false"}
    },
    "multiline_cell.csv": {"rows": [2, 3], "cells": {(2, "skills"): "电焊\n驾驶", (3, "skills"): "缝纫"}},
    "hidden_characters.csv": {"cells": {(2, "id_number"): ID1, (2, "name"): "张三"}},
    "duplicate_rows.csv": {"rows": [2, 3, 4, 5, 6], "duplicates": [5, 6]},
    "duplicate_rows_spaces.xlsx": {"rows": [2, 3], "duplicates": [3]},
    "blank_rows_between.xlsx": {"rows": [2, 5, 7], "people": True},
    "blank_lines_between.csv": {"rows": [2, 5, 7], "people": True},
    "short_row.csv": {"cells": {(2, "ethnicity"): "汉族", (3, "ethnicity"): None, (3, "relation"): "spouse"}},
    "trailing_commas.csv": {"columns": PERSON_COLUMNS, **THREE},
    "repeated_header.csv": {"rows": [2, 4], "warnings": ["row(s) 3 repeat the header; they were skipped"]},
    "excel_sep_line.csv": {"encoding": "utf-8-sig", "header_row": 2, "rows": [3, 4, 5], "people": True},
    "numbered_template_rows.xlsx": {"rows": [2], "unknown": ["序号"], "cells": {(2, "id_number"): ID1}},
    "formula_errors.xlsx": {"rows": [2], "cells": {(2, "amount"): None, (2, "note"): None}},
    "second_sheet.xlsx": {"sheet": "人员", "warnings": ["sheet(s) before it", "'填表说明'"], **THREE},
    "two_sheets_with_data.xlsx": {
        "sheet": "一组",
        "rows": [2],
        "cells": {(2, "id_number"): ID1},
        "warnings": ["'二组' also have a persons header and were NOT read"],
    },
    "codes_sheet_after.xlsx": {"sheet": "人员", **THREE},
    "unnamed_column_with_values.xlsx": {"rows": [2], "warnings": ["column(s) F have values but no header"]},
    "xlsx_named_csv.csv": {
        "format": "xlsx",
        "sheet": "人员",
        "warnings": ["named .csv but holds an XLSX workbook"],
        **THREE,
    },
    "csv_named_xlsx.xlsx": {
        "format": "csv",
        "encoding": "gb18030",
        "warnings": ["named .xlsx but holds CSV text"],
        **THREE,
    },
    "persons.parquet": {"format": "parquet", "header_row": 1, "encoding": None, "sheet": None, **THREE},
    "typed.parquet": {
        "format": "parquet",
        "cells": {
            (2, "period_start"): "2025-07-01",
            (3, "period_end"): "2026-06-30",
            (2, "amount"): "36000",
            (3, "amount"): "36000.5",
            (2, "note"): "1",
            (3, "note"): None,
        },
    },
    "parquet_named.csv": {"format": "parquet", "warnings": ["named .csv but holds a Parquet file"], **THREE},
}

# Extra expectations for `row_error` files (parsing gives the raw value validation must refuse).
ROW_ERRORS: dict[str, dict[str, Any]] = {
    "wrong_type_amount.csv": {"cells": {(3, "amount"): "三万六"}},
    "wrong_type_amount.xlsx": {"cells": {(2, "amount"): "约3万"}},
    "negative_amount.csv": {"cells": {(2, "amount"): "-500"}},
    "id_as_number.xlsx": {
        # the float closest to the ID: its last digits are wrong, so the checksum fails
        "cells": {(2, "id_number"): "530627200101010112"},
        "warnings": ["column 身份证号, row(s) 2, 3: stored as a number; Excel keeps only 15 digits"],
    },
    "scientific_id.csv": {
        "cells": {(2, "id_number"): "5.30627E+17"},
        "warnings": ["'5.30627E+17' is a number Excel shortened"],
    },
}


def cell(parsed: ParsedTable, row: int, column: str) -> str | None:
    hit = parsed.frame.filter(pl.col("_row") == row)
    assert hit.height == 1, f"row {row} not in the frame (rows: {parsed.frame['_row'].to_list()})"
    value: str | None = hit[column][0]
    return value


def check(parsed: ParsedTable, expected: dict[str, Any]) -> None:
    frame = parsed.frame
    assert frame.columns[-1] == "_row" and frame.schema["_row"] == pl.Int64
    assert all(frame.schema[c] == pl.String for c in frame.columns[:-1])
    assert list(parsed.columns) == frame.columns[:-1]
    for key in ("format", "encoding", "sheet", "header_row"):
        if key in expected:
            assert getattr(parsed, key) == expected[key], key
    if "rows" in expected:
        assert frame["_row"].to_list() == expected["rows"]
    if expected.get("people"):
        assert frame.select(PERSON_COLUMNS).rows() == PEOPLE
    for (row, column), value in expected.get("cells", {}).items():
        assert cell(parsed, row, column) == value, (row, column)
    if "columns" in expected:
        assert frame.columns[:-1] == expected["columns"]
    assert parsed.unknown_columns == expected.get("unknown", parsed.unknown_columns)
    assert parsed.duplicate_rows == expected.get("duplicates", [])
    wanted = expected.get("warnings", [])
    for text in wanted:
        assert any(text in w for w in parsed.warnings), (text, parsed.warnings)
    unexplained = [w for w in parsed.warnings if not any(text in w for text in wanted)]
    if not parsed.unknown_columns:
        assert not unexplained, unexplained


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_corpus_file(entry: dict[str, str]) -> None:
    path = CORPUS / entry["file"]
    table = TABLES[entry["table"]]
    if entry["expect"] == "refused":
        with pytest.raises(FileProblem) as refused:
            read_table(path, table)
        message = str(refused.value)
        assert message.startswith(entry["file"]), message
        assert entry["detail"] in message, message
        return
    parsed = read_table(path, table)
    assert parsed.path == path
    if entry["expect"] == "parsed":
        assert entry["file"] in PARSED, "say in PARSED what parsing this file must give"
        check(parsed, PARSED[entry["file"]])
        return
    assert entry["expect"] == "row_error", entry
    fields = dict(part.split("=", 1) for part in entry["detail"].split(";"))
    row, column = int(fields["row"]), fields["column"]
    assert column in parsed.frame.columns, column
    assert cell(parsed, row, column) is not None  # the bad value reaches validation, untouched
    check(parsed, ROW_ERRORS.get(entry["file"], {}))


def test_corpus_is_complete_and_small() -> None:
    listed = {e["file"] for e in MANIFEST}
    present = {p.name for p in CORPUS.iterdir()} - {"MANIFEST.csv"}
    assert listed == present
    assert len(listed) >= 50
    assert {e["expect"] for e in MANIFEST} == {"refused", "parsed", "row_error"}
    assert all(e["table"] in TABLES for e in MANIFEST)
    assert all((CORPUS / name).stat().st_size < 50_000 for name in listed)
    assert set(PARSED) == {e["file"] for e in MANIFEST if e["expect"] == "parsed"}
    assert set(ROW_ERRORS) <= {e["file"] for e in MANIFEST if e["expect"] == "row_error"}


# --- FileProblem ----------------------------------------------------------------------------------


def test_file_problem_message_names_file_row_column_and_value() -> None:
    problem = FileProblem(Path("/x/persons.xlsx"), "too long", row=1, column="身份证号", value="5306…")
    assert str(problem) == "persons.xlsx, row 1, column 身份证号: too long (value: '5306…')"
    assert str(FileProblem("a/b.csv", "the file is empty")) == "b.csv: the file is empty"
    assert str(FileProblem("b.csv", "bad", column="姓名")) == "b.csv, column 姓名: bad"
    assert problem.row == 1 and problem.column == "身份证号" and problem.path.name == "persons.xlsx"


# --- header mapping -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("身份证号", "id_number"),
        (" * 身份证号 ", "id_number"),
        ("身份证号（必填）", "id_number"),
        ("身份证号\n(必填)", "id_number"),
        ("公民身份号码", "id_number"),
        ("ID_Number", "id_number"),
        ("ｉｄ＿ｎｕｍｂｅｒ", "id_number"),
        ("户号", "household_number"),
        ("劳动能力（人工认定）", "labour_override"),
        ("民族【选填】", "ethnicity"),
        ("身份证", None),
        ("", None),
        ("序号", None),
    ],
)
def test_header_lookup(text: str, column: str | None) -> None:
    assert _lookup(text, PERSONS.header_map()) == column


def test_header_notes_never_change_the_unit() -> None:
    header_map = INCOMES.header_map()
    assert _lookup("金额（元）", header_map) == "amount"
    assert _lookup("金额（万元）", header_map) is None  # 10,000 yuan: must not pass as yuan


def test_header_row_is_the_row_with_most_matches() -> None:
    rows = [
        ["人员信息表", "", "", ""],
        ["基本信息", "", "家庭", ""],
        ["身份证号", "姓名", "户编号", "与户主关系"],
        [ID1, "张三", HH1, "head"],
    ]
    candidates = _header_candidates(rows, PERSONS)
    best = max(candidates, key=lambda c: len(c.mapping))
    assert best.index == 2
    assert best.mapping == {"id_number": 0, "name": 1, "household_number": 2, "relation": 3}


def test_header_cell_merged_down_is_taken_from_the_row_above() -> None:
    rows = [["身份证号", "姓名", "家庭信息", ""], ["", "", "户编号", "与户主关系"]]
    best = max(_header_candidates(rows, PERSONS), key=lambda c: len(c.mapping))
    assert best.index == 1
    assert best.mapping == {"household_number": 2, "relation": 3, "id_number": 0, "name": 1}


def test_missing_required_lists_chinese_english_and_found_headers(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text("证件号,名字,户号\n1,2,3\n", encoding="utf-8")
    with pytest.raises(FileProblem) as refused:
        read_table(path, PERSONS)
    message = str(refused.value)
    assert "身份证号 (id_number), 姓名 (name), 与户主关系 (relation)" in message
    assert "headers found in row 1: 证件号, 名字, 户号" in message


def test_max_columns_is_a_parameter(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ["身份证号", "姓名", "户编号", "与户主关系", *[f"x{i}" for i in range(10)]]
    path.write_text(",".join(header) + "\n" + ",".join(["1"] * len(header)) + "\n", encoding="utf-8")
    assert read_table(path, PERSONS).unknown_columns == [f"x{i}" for i in range(10)]
    with pytest.raises(FileProblem, match=r"the table has 14 columns .* at most 10 are accepted"):
        read_table(path, PERSONS, max_columns=10)


# --- rows -----------------------------------------------------------------------------------------


def test_row_numbers_with_two_row_header_and_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "persons.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("人员")
    ws.merge_range(1, 1, 1, 2, "基本信息")  # data starts at B2, not A1
    ws.merge_range(1, 3, 1, 4, "家庭")
    ws.write_row(2, 1, ["身份证号", "姓名", "户编号", "与户主关系"])
    ws.write_row(3, 1, PEOPLE[0])
    ws.write_row(6, 1, PEOPLE[1])  # rows 5 and 6 blank
    ws.write_string(7, 2, "\u3000")  # row 8 only a full-width space
    ws.write_row(9, 1, PEOPLE[2])
    wb.close()
    parsed = read_table(path, PERSONS)
    assert parsed.header_row == 3
    assert parsed.frame["_row"].to_list() == [4, 7, 10]
    assert parsed.frame.select(PERSON_COLUMNS).rows() == PEOPLE


def test_csv_row_numbers_count_records_not_lines(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(
        f'身份证号,姓名,户编号,与户主关系,技能\n{ID1},张三,{HH1},head,"电焊\n\n驾驶"\n\n{ID2},李梅,{HH1},spouse,\n',
        encoding="utf-8",
    )
    parsed = read_table(path, PERSONS)
    assert parsed.frame["_row"].to_list() == [2, 4]
    assert cell(parsed, 2, "skills") == "电焊\n\n驾驶"


def test_duplicates_compare_schema_columns_only(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    rows = ["序号,身份证号,姓名,户编号,与户主关系"]
    rows += [f"{i},{ID1},张三,{HH1},head" for i in range(1, 4)]  # running number differs
    rows += [f"4,{ID2},李梅,{HH1},spouse", f"5,{ID2},李梅,{HH1},child"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    parsed = read_table(path, PERSONS)
    assert parsed.duplicate_rows == [3, 4]
    assert parsed.frame.height == 5  # listed, not removed


def test_blank_extra_fields_are_ignored_but_values_refused(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(f"身份证号,姓名,户编号,与户主关系\n{ID1},张三,{HH1},head, ,\n", encoding="utf-8")
    assert read_table(path, PERSONS).frame.height == 1
    path.write_text(f"身份证号,姓名,户编号,与户主关系\n{ID1},张,三,{HH1},head\n", encoding="utf-8")
    with pytest.raises(FileProblem, match=r"row 2: this row has 5 values .* unquoted comma"):
        read_table(path, PERSONS)


def test_huge_cell_names_row_column_and_start(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(f"身份证号,姓名,户编号,与户主关系\n{ID1},{'张' * 60},{HH1},head\n", encoding="utf-8")
    assert read_table(path, PERSONS).frame.height == 1
    with pytest.raises(FileProblem) as refused:
        read_table(path, PERSONS, max_cell_chars=50)
    assert str(refused.value).startswith("persons.csv, row 2, column 姓名: a value is 60 characters long")
    assert refused.value.value == "张" * 20 + "…"


# --- text encodings -------------------------------------------------------------------------------


def test_gbk_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_bytes(f"身份证号,姓名,户编号,与户主关系\n{ID1},欧阳娜娜,{HH1},head\n".encode("gbk"))
    parsed = read_table(path, PERSONS)
    assert parsed.encoding == "gb18030"
    assert cell(parsed, 2, "name") == "欧阳娜娜"


def test_undecodable_byte_is_named(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    good = "身份证号,姓名,户编号,与户主关系\n".encode("gbk")
    path.write_bytes(good + b"1,\x80\x80,2,head\n")
    with pytest.raises(FileProblem) as refused:
        read_table(path, PERSONS)
    assert f"byte {len(good) + 2} (0x80, on line 2)" in str(refused.value)


def test_utf8_that_is_also_valid_gbk_stays_utf8(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(f"身份证号,姓名,户编号,与户主关系\n{ID1},张三,{HH1},head\n", encoding="utf-8")
    assert read_table(path, PERSONS).encoding == "utf-8"


def test_tab_sniffed_even_below_a_title_line(tmp_path: Path) -> None:
    path = tmp_path / "persons.txt"
    path.write_text(
        f"人员名单, 2024\n身份证号\t姓名\t户编号\t与户主关系\n{ID1}\t张三\t{HH1}\thead\n", encoding="utf-8"
    )
    parsed = read_table(path, PERSONS)
    assert parsed.header_row == 2
    assert parsed.frame.select(PERSON_COLUMNS).rows() == [PEOPLE[0]]


def test_numbers_in_csv_are_never_inferred(tmp_path: Path) -> None:
    path = tmp_path / "households.csv"
    path.write_text("户编号,村代码,农户属性,脱贫年度\n0012,053062710220,ordinary,2019.0\n", encoding="utf-8")
    frame = read_table(path, TABLES["households"]).frame
    assert frame.row(0) == ("0012", "053062710220", "ordinary", "2019.0", 2)


# --- calamine values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("文本", "文本"),
        (2019.0, "2019"),
        (36000.5, "36000.5"),
        (0.1 + 0.2, "0.3"),
        (-3.0, "-3"),
        (45296.0, "45296"),
        (7, "7"),
        (True, "true"),
        (False, "false"),
        (dt.date(2024, 1, 5), "2024-01-05"),
        (dt.datetime(2024, 1, 5, 8, 30), "2024-01-05"),
        (dt.time(8, 30), "08:30:00"),
        (530627200101010113.0, "530627200101010112"),
        (None, ""),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert _cell_text(value) == text


@pytest.mark.parametrize(
    ("values", "texts", "long_numbers"),
    [
        (["a", "", " b"], ["a", "", " b"], []),
        ([2019.0, "", 36000.5, 0.1 + 0.2, -1.0, 7], ["2019", "", "36000.5", "0.3", "-1", "7"], []),
        (
            ["", 530627200101010113.0, 123456789012345.0, 1e15],
            ["", "530627200101010112", "123456789012345", "1000000000000000"],
            [1, 3],
        ),
        (["x", 530627200101010113.0, True], ["x", "530627200101010112", "true"], [1]),
        ([dt.date(2024, 1, 5), ""], ["2024-01-05", ""], []),
        ([dt.date(2024, 1, 5), "2024/1/6"], ["2024-01-05", "2024/1/6"], []),
        (
            [dt.datetime(2024, 1, 5, 8), dt.date(2024, 1, 6), 45296.0],
            ["2024-01-05", "2024-01-06", "45296"],
            [],
        ),
        ([float("nan"), 1e300], ["nan", format(int(1e300))], [1]),
        ([], [], []),
    ],
)
def test_xlsx_column(values: list[object], texts: list[str], long_numbers: list[int]) -> None:
    series, found = _xlsx_column(values)
    assert series.dtype == pl.String
    assert series.to_list() == texts
    assert found == long_numbers


def test_xlsx_values_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "incomes.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["户编号", "起始日期", "截止日期", "收入来源", "金额", "成员身份证号"])
    ws.write_string(1, 0, HH1)
    ws.write_datetime(1, 1, dt.datetime(2025, 7, 1), date)
    ws.write_number(1, 2, 46203)  # a serial date without date format
    ws.write_string(1, 3, "wages")
    ws.write_formula(1, 4, "=36000/2", None, 18000)
    ws.write_number(1, 5, float(ID1))
    wb.close()
    parsed = read_table(path, INCOMES)
    assert parsed.frame.row(0) == (HH1, "2025-07-01", "46203", "wages", "18000", "530627200101010112", 2)
    assert (
        len(parsed.warnings) == 1
        and "column 成员身份证号, row(s) 2: stored as a number" in parsed.warnings[0]
    )


def test_large_xlsx_parses(tmp_path: Path) -> None:
    """A small version of the 1,000,000-row benchmark: same shape, every cell type, constant memory."""
    path = tmp_path / "persons.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("人员")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    headers = [PERSONS.column(c.name).zh for c in PERSONS.columns]
    ws.write_row(0, 0, headers)
    n = 5000
    for i in range(1, n + 1):
        ws.write_string(i, 0, f"{i:018d}")
        ws.write_string(i, 1, f"张{i}")
        ws.write_string(i, 2, HH1)
        ws.write_string(i, 3, "child")
        ws.write_datetime(i, 4, dt.datetime(2020, 1, 1), date)
        ws.write_number(i, 12, i % 5)
        ws.write_number(i, 17, 13800000000 + i)
    wb.close()
    parsed = read_table(path, PERSONS)
    assert parsed.frame.height == n
    assert parsed.frame.columns == [*[c.name for c in PERSONS.columns], "_row"]
    assert parsed.frame["_row"][-1] == n + 1
    assert parsed.frame.row(n - 1)[:5] == (f"{n:018d}", f"张{n}", HH1, "child", "2020-01-01")
    assert parsed.frame["phone"][0] == "13800000001"
    assert parsed.frame["disability_grade"].to_list()[:5] == ["1", "2", "3", "4", "0"]
    assert parsed.duplicate_rows == []


# --- CSV: the polars fast path gives what the csv module gives ------------------------------------

CSV_PARSED = [
    e["file"]
    for e in MANIFEST
    if e["expect"] != "refused"
    and PARSED.get(e["file"], {}).get("format") not in ("xlsx", "parquet")
    and not e["file"].endswith((".xlsx", ".parquet"))
]


@pytest.mark.parametrize("name", CSV_PARSED)
def test_csv_fast_path_matches_csv_module(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    table = TABLES[next(e["table"] for e in MANIFEST if e["file"] == name)]
    fast = read_table(CORPUS / name, table)
    monkeypatch.setattr(parse, "_csv_frame_fast", lambda text, delimiter: None)
    slow = read_table(CORPUS / name, table)
    assert fast.frame.equals(slow.frame)
    assert (fast.header_row, fast.columns, fast.unknown_columns, fast.duplicate_rows, fast.warnings) == (
        slow.header_row,
        slow.columns,
        slow.unknown_columns,
        slow.duplicate_rows,
        slow.warnings,
    )


def test_csv_fast_path_only_for_plain_text() -> None:
    assert parse._csv_frame_fast("a,b\r\n1,2\r\n\r\n3,4\r\n", ",") is not None
    assert parse._csv_frame_fast('a,b\n"1,5",2\n', ",") is None  # quotes: csv module
    assert parse._csv_frame_fast("a,b\r1,2\r", ",") is None  # old Mac line ends
    assert parse._csv_frame_fast("a\n1,2\n", ",") is None  # a row longer than the first
    frame = parse._csv_frame_fast("a,b\n\n1\n", ",")
    assert frame is not None and frame.rows() == [("a", "b"), (None, None), ("1", None)]


def test_template_rows_numbered_but_empty_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    lines = ["序号,身份证号,姓名,户编号,与户主关系", f"1,{ID1},张三,{HH1},head"]
    lines += [f"{i},,,," for i in range(2, 50)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = read_table(path, PERSONS)
    assert parsed.frame["_row"].to_list() == [2]
    assert parsed.unknown_columns == ["序号"]


def test_values_without_header_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(f"身份证号,姓名,户编号,与户主关系,,\n{ID1},张三,{HH1},head,,合计\n", encoding="utf-8")
    parsed = read_table(path, PERSONS)
    assert parsed.warnings == ["column(s) F have values but no header; they were ignored"]
    assert parsed.frame.columns == [*PERSON_COLUMNS, "_row"]


def test_file_problem_survives_pickling() -> None:
    import pickle

    problem = pickle.loads(pickle.dumps(FileProblem("p.csv", "bad", row=3, column="姓名", value="x")))  # noqa: S301
    assert str(problem) == "p.csv, row 3, column 姓名: bad (value: 'x')"


def test_rows_repeating_the_header_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    header = "身份证号,姓名,户编号,与户主关系"
    path.write_text(
        f"{header}\n{ID1},张三,{HH1},head\n {header}\n{ID2},李梅,{HH1},spouse\n", encoding="utf-8"
    )
    parsed = read_table(path, PERSONS)
    assert parsed.frame["_row"].to_list() == [2, 4]
    assert parsed.warnings == ["row(s) 3 repeat the header; they were skipped"]


def test_our_own_template_filled_in_parses(tmp_path: Path) -> None:
    """The downloadable template (bilingual headers "*身份证号 id_number", text-formatted columns)."""
    import io

    import openpyxl

    from lnob.exchange.templates_xlsx import template_xlsx

    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(PERSONS)))
    book.worksheets[0].append(list(PEOPLE[0]))
    path = tmp_path / "persons.xlsx"
    book.save(path)
    parsed = read_table(path, PERSONS)
    assert list(parsed.columns) == [c.name for c in PERSONS.columns]
    assert parsed.frame.select(PERSON_COLUMNS).rows() == [PEOPLE[0]]
    assert parsed.warnings == []


# --- damaged files: refused with FileProblem, never another exception ------------------------------


@pytest.mark.parametrize("name", ["utf8_plain.csv", "second_sheet.xlsx", "typed.parquet", "gbk.csv"])
def test_truncated_or_scrambled_files_only_raise_file_problem(name: str, tmp_path: Path) -> None:
    import random

    data = (CORPUS / name).read_bytes()
    rnd = random.Random(name)
    for i in range(40):
        mutated = bytearray(data[: rnd.randrange(1, len(data))] if i % 2 else data)
        for _ in range(rnd.randrange(0, 8)):
            mutated[rnd.randrange(len(mutated))] = rnd.randrange(256)
        path = tmp_path / f"{i}{Path(name).suffix}"
        path.write_bytes(bytes(mutated))
        try:
            read_table(path, TABLES["persons"] if "typed" not in name else INCOMES)
        except FileProblem as problem:
            assert str(problem).startswith(path.name)


def test_csv_paths_agree_on_scrambled_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    rnd = random.Random(3)
    pieces = [",", "\n", "\r\n", "\t", ";", " ", "\u3000", "x", "\n\n", ",,"]
    sources = [(CORPUS / n).read_text(encoding="utf-8") for n in ("utf8_plain.csv", "title_row.csv")]
    fast_path = parse._csv_frame_fast

    def outcome(path: Path) -> object:
        try:
            p = read_table(path, PERSONS)
        except FileProblem as problem:
            return str(problem)
        return (p.frame.rows(), p.header_row, p.warnings, p.duplicate_rows)

    for i in range(150):
        text = rnd.choice(sources)
        for _ in range(rnd.randrange(1, 6)):
            k = rnd.randrange(len(text) + 1)
            text = text[:k] + rnd.choice(pieces) + text[k:]
        path = tmp_path / f"{i}.csv"
        path.write_bytes(text.encode("utf-8"))
        monkeypatch.setattr(parse, "_csv_frame_fast", fast_path)
        fast = outcome(path)
        monkeypatch.setattr(parse, "_csv_frame_fast", lambda text, delimiter: None)
        assert outcome(path) == fast, text
