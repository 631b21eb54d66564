"""Row-level validation of imported files: every problem names its row, column and value."""

import datetime as dt
from pathlib import Path

import polars as pl

from lnob.exchange.parse import read_table
from lnob.exchange.schema import HOUSEHOLDS, PERSONS
from lnob.exchange.validate import check_persons, check_scope, type_columns
from tests.personas import WZ_V1, ZX_V1, ZX_V2, make_id


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def issues_of(v) -> set[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    return {(r["row"], r["column"], r["message"]) for r in v.issues.iter_rows(named=True)}


def test_person_rows_are_typed_and_each_problem_is_located(tmp_path):
    good_head, good_child = make_id("19800101", "M"), make_id("20100101", "F")
    bad = good_head[:-1] + ("1" if good_head[-1] != "1" else "2")
    path = write(
        tmp_path,
        "persons.csv",
        [
            "身份证号,姓名,户编号,与户主关系,性别,加入日期",
            f"{good_head},张三,H1,户主,男,2020-01-01",  # row 2: labels accepted for codes
            f"{good_child.lower()},张小妹,H1,child,M,2020/1/1",  # row 3: sex contradicts the ID
            f"{bad},李四,H2,head,,2020年1月1日",  # row 4: checksum
            f"{good_head},张三,H3,head,,20200101",  # row 5: same ID again
            f"{make_id('19900101')},王五,H4,spouse,,45000",  # row 6: household without a head
            f"{make_id('19900101')},赵六,H5,boss,,2020-13-01",  # row 7: unknown relation, bad date
        ],
    )
    parsed = read_table(path, PERSONS)
    v = type_columns(PERSONS, parsed.frame)
    check_persons(v, today=dt.date(2026, 1, 1))
    found = issues_of(v)
    assert (3, "sex", "性别与身份证号不符") in found
    assert (4, "id_number", "身份证号无效：校验码错误") in found
    assert (5, "id_number", "同一身份证号在文件中出现多次") in found
    assert (6, "household_number", "该户在文件中没有户主") in found
    assert any(r == 7 and c == "relation" for r, c, _m in found)
    assert any(r == 7 and c == "joined" for r, c, _m in found)
    assert (2, "relation", "不是可选的代码值") not in found
    row2 = v.typed.filter(pl.col("_row") == 2).row(0, named=True)
    assert row2["relation"] == "head" and row2["sex"] == "M" and row2["joined"] == dt.date(2020, 1, 1)
    assert v.typed.filter(pl.col("_row") == 6)["joined"].item() == dt.date(2023, 3, 15)  # Excel day number
    assert v.invalid_rows == {3, 4, 5, 6, 7}
    assert set(v.valid["_row"].to_list()) == {2}
    bad_value = v.issues.filter((pl.col("row") == 4) & (pl.col("column") == "id_number"))["value"].item()
    assert bad_value == bad


def test_household_villages_must_exist_and_be_in_the_uploaders_scope(world, tmp_path):
    path = write(
        tmp_path,
        "households.csv",
        [
            "户编号,村代码,农户属性",
            f"H1,{ZX_V1},脱贫户",
            f"H2,{ZX_V2},一般农户",
            f"H3,{WZ_V1},ordinary",
            "H4,530627999999,ordinary",
        ],
    )
    v = type_columns(HOUSEHOLDS, read_table(path, HOUSEHOLDS).frame)
    check_scope(v, "village", user=world.zx_cadre1)
    found = issues_of(v)
    assert (3, "village", "该区域不在您的管辖范围内") in found
    assert (4, "village", "该区域不在您的管辖范围内") in found
    assert (5, "village", "没有这个村级区划代码") in found
    assert v.invalid_rows == {3, 4, 5}
    assert v.typed.filter(pl.col("_row") == 2)["status"].item() == "out_of_poverty"
