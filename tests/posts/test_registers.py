"""The posts' registers (lnob.employment.registers): posts, agreements and monthly attendance in
and out as files. A good file is applied and the same file again changes nothing; a bad file is
refused with file, row, column and value and nothing is applied; an export goes back in
unchanged. One register through the command line, one through the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from lnob.employment.models import Spell
from lnob.employment.posts.models import Agreement, Attendance, Post
from lnob.employment.registers import Refused, export_file, import_file
from tests.personas import WZ_V1, ZX_V1, ZX_V2
from tests.posts.conftest import make_post
from tests.posts.helpers import read_csv, write_csv

D = dt.date
POST_HEADER = ["code", "village", "title", "post_type", "heavy", "monthly_pay", "hours_per_month", "places",
               "funding", "duties", "opened_on", "status", "closed_on"]  # fmt: skip


def _problems(refused: Refused) -> list[tuple]:
    return [(p.file, p.row, p.column, p.value) for p in refused.problems]


def test_a_posts_file_is_applied_once_and_goes_back_out_unchanged(world, tmp_path):
    rows = [
        [
            "",
            ZX_V1,
            "保洁员",
            "ordinary",
            "否",
            "500",
            "80",
            "4",
            "linkage_funds",
            "村道保洁",
            "2026-01-01",
            "",
            "",
        ],
        [
            "",
            ZX_V2,
            "垃圾清运员",
            "ordinary",
            "是",
            "550",
            "100",
            "1",
            "employment_funds",
            "",
            "2026-01-01",
            "",
            "",
        ],
    ]
    path = write_csv(tmp_path, "posts.csv", POST_HEADER, rows)
    result = import_file(actor=world.zx_admin, name="welfare_posts", path=path)
    assert (result.created, result.updated) == (2, 0)
    assert sorted(Post.objects.values_list("code", "heavy")) == [
        (f"GY{ZX_V1}001", False),
        (f"GY{ZX_V2}001", True),
    ]
    again = import_file(actor=world.zx_admin, name="welfare_posts", path=path)
    assert (again.created, again.updated) == (0, 0)
    data, _name = export_file(actor=world.zx_admin, name="welfare_posts", fmt="csv")
    out = tmp_path / "export.csv"
    out.write_bytes(data)
    back = import_file(actor=world.zx_admin, name="welfare_posts", path=out)
    assert (back.created, back.updated) == (0, 0)
    assert export_file(actor=world.zx_admin, name="welfare_posts", fmt="csv")[0] == data
    lines = read_csv(data)
    assert lines[1][:3] == [f"GY{ZX_V1}001", str(ZX_V1), "保洁员"]


def test_a_bad_posts_file_is_refused_with_every_problem_and_nothing_applied(world, tmp_path):
    rows = [
        ["", ZX_V1, "保洁员", "ordinary", "否", "500", "80", "4", "linkage_funds", "", "2026-01-01", "", ""],
        ["", ZX_V1, "护林员", "ordinary", "否", "600", "80", "1", "linkage_funds", "", "2026-01-01", "", ""],
        ["", WZ_V1, "保洁员", "ordinary", "否", "500", "80", "1", "linkage_funds", "", "2026-01-01", "", ""],
        ["", ZX_V2, "搬运工", "ordinary", "是", "550", "80", "3", "linkage_funds", "", "2026-01-01", "", ""],
        ["", ZX_V2, "水管员", "technical", "否", "500", "-8", "1", "linkage_funds", "", "2026-01-01", "", ""],
    ]
    path = write_csv(tmp_path, "bad-posts.csv", POST_HEADER, rows)
    with pytest.raises(Refused) as caught:
        import_file(actor=world.zx_admin, name="welfare_posts", path=path)
    assert _problems(caught.value) == [
        ("bad-posts.csv", 3, "monthly_pay", "600.00"),
        ("bad-posts.csv", 4, "village", str(WZ_V1)),
        ("bad-posts.csv", 5, "heavy", "是"),
        ("bad-posts.csv", 6, "hours_per_month", "-8"),
    ]
    assert "不能高于规则" in caught.value.problems[0].message
    assert "重体力岗位不能超过全县在设岗位的 20%" in caught.value.problems[2].message
    assert not Post.objects.exists()


AGREEMENT_HEADER = ["id_number", "name", "post_code", "start", "end", "monthly_pay", "ended_on", "end_reason"]


def test_an_agreements_file_writes_the_ledger_once_and_a_later_one_ends_them(world, people, post, tmp_path):
    wang = people["wang"]
    row = [wang.id_number, "王秀英", post.code, "2026-03-01", "2027-02-28", "", "", ""]
    path = write_csv(tmp_path, "agreements.csv", AGREEMENT_HEADER, [row])
    assert import_file(actor=world.zx_township, name="welfare_agreements", path=path).created == 1
    agreement = Agreement.objects.get()
    assert agreement.monthly_pay == Decimal("500") and [c["ok"] for c in agreement.checks] == [True] * 3
    spell = Spell.objects.get(person=wang)
    assert (spell.status, spell.channel, spell.location, spell.start, spell.end) == (
        "public_welfare", "public_welfare", "in_county", D(2026, 3, 1), None,
    )  # fmt: skip
    again = import_file(actor=world.zx_township, name="welfare_agreements", path=path)
    assert (again.created, again.updated) == (0, 0) and Spell.objects.count() == 1
    data, _name = export_file(actor=world.zx_admin, name="welfare_agreements", fmt="csv")
    out = tmp_path / "out.csv"
    out.write_bytes(data)
    assert (
        r := import_file(actor=world.zx_admin, name="welfare_agreements", path=out)
    ).created + r.updated == 0
    ended = write_csv(tmp_path, "ended.csv", AGREEMENT_HEADER, [[*row[:6], "2026-09-30", "resigned"]])
    assert import_file(actor=world.zx_township, name="welfare_agreements", path=ended).updated == 1
    spell.refresh_from_db()
    assert spell.end == D(2026, 9, 30) and Agreement.objects.get().ended_on == D(2026, 9, 30)


def test_a_bad_agreements_file_names_the_failed_criterion_and_applies_nothing(world, people, post, tmp_path):
    rows = [
        [people["wang"].id_number, "王秀英", post.code, "2026-03-01", "2027-02-28", "", "", ""],
        [people["li"].id_number, "李强", post.code, "2026-03-01", "2027-02-28", "", "", ""],
        [people["zhao"].id_number, "赵大爷", post.code, "2026-03-01", "2027-02-28", "", "", ""],
        [people["liu"].id_number, "刘红", post.code, "2026-03-01", "2027-02-28", "", "", ""],
        [people["chen"].id_number, "陈大姐", "GY000", "2026-03-01", "2027-02-28", "", "", ""],
    ]
    path = write_csv(tmp_path, "agreements.csv", AGREEMENT_HEADER, rows)
    with pytest.raises(Refused) as caught:
        import_file(actor=world.zx_township, name="welfare_agreements", path=path)
    assert _problems(caught.value) == [
        ("agreements.csv", 3, "id_number", "有劳动能力"),
        ("agreements.csv", 4, "name", "赵大爷"),
        ("agreements.csv", 5, "id_number", people["liu"].id_number),
        ("agreements.csv", 6, "post_code", "GY000"),
    ]
    assert (
        caught.value.problems[0].message == "不符合公益性岗位条件“劳动能力为弱劳动力或半劳动力”：有劳动能力"
    )
    assert not Agreement.objects.exists() and not Spell.objects.exists()


ATTENDANCE_HEADER = ["id_number", "name", "agreement_start", "month", "days_worked", "hours_worked",
                     "pay_due", "paid_amount", "paid_on", "note"]  # fmt: skip


@pytest.fixture
def signed(world, people, post):
    from lnob.employment.posts import services

    return services.agreement_sign(
        actor=world.zx_township, post=post, person=people["wang"], start=D(2026, 3, 1), end=D(2027, 2, 28)
    )


def test_an_attendance_file_is_applied_paid_by_the_county_and_goes_back_unchanged(world, signed, tmp_path):
    wang = signed.person.id_number
    rows = [
        [wang, "王秀英", "2026-03-01", "2026-09-01", "22", "80", "", "", "", ""],
        [wang, "王秀英", "2026-03-01", "2026-10-15", "20", "60", "375.00", "", "", "病假两天"],
    ]
    path = write_csv(tmp_path, "months.csv", ATTENDANCE_HEADER, rows)
    assert import_file(actor=world.zx_cadre1, name="welfare_attendance", path=path).created == 2
    assert list(Attendance.objects.order_by("month").values_list("month", "pay_due")) == [
        (D(2026, 9, 1), Decimal("500.00")), (D(2026, 10, 1), Decimal("375.00")),
    ]  # fmt: skip
    assert import_file(actor=world.zx_cadre1, name="welfare_attendance", path=path).updated == 0
    paid = write_csv(
        tmp_path, "paid.csv", ATTENDANCE_HEADER, [[*rows[0][:6], "500.00", "500.00", "2026-10-10", ""]]
    )
    with pytest.raises(Refused) as caught:
        import_file(actor=world.zx_cadre1, name="welfare_attendance", path=paid)  # a cadre does not pay
    assert _problems(caught.value) == [("paid.csv", 2, "paid_amount", "500.00")]
    assert import_file(actor=world.zx_admin, name="welfare_attendance", path=paid).updated == 1
    data, _name = export_file(actor=world.zx_admin, name="welfare_attendance", fmt="xlsx")
    out = tmp_path / "months.xlsx"
    out.write_bytes(data)
    back = import_file(actor=world.zx_cadre1, name="welfare_attendance", path=out)
    assert (back.created, back.updated) == (0, 0)
    assert Attendance.objects.get(month=D(2026, 9, 1)).paid_on == D(2026, 10, 10)


def test_a_bad_attendance_file_is_refused_row_by_row(world, signed, tmp_path):
    wang = signed.person.id_number
    rows = [
        [wang, "", "2026-03-01", "2026-09-01", "22", "80", "", "", "", ""],
        [wang, "", "2026-03-01", "2026-02-01", "20", "80", "", "", "", ""],  # before the agreement
        [wang, "", "2026-03-01", "2026-10-01", "-3", "80", "", "", "", ""],  # negative days
        [wang, "", "2026-03-01", "2026-08-01", "20", "80", "450", "", "", ""],  # wrong pay due
        [wang, "", "2026-04-01", "2026-07-01", "20", "80", "", "", "", ""],  # no such agreement
    ]
    path = write_csv(tmp_path, "months.csv", ATTENDANCE_HEADER, rows)
    with pytest.raises(Refused) as caught:
        import_file(actor=world.zx_cadre1, name="welfare_attendance", path=path)
    assert _problems(caught.value) == [
        ("months.csv", 3, "month", "2026-02"),
        ("months.csv", 4, "days_worked", "-3"),
        ("months.csv", 5, "pay_due", "450.00"),
        ("months.csv", 6, "agreement_start", "2026-04-01"),
    ]
    assert caught.value.problems[2].message == "应发补贴按考勤应为 500.00 元"
    assert not Attendance.objects.exists()


def test_another_county_cannot_import_into_or_export_from_zhenxiong(world, signed, tmp_path):
    row = [signed.person.id_number, "", "2026-03-01", "2026-09-01", "22", "80", "", "", "", ""]
    path = write_csv(tmp_path, "months.csv", ATTENDANCE_HEADER, [row])
    with pytest.raises(Refused) as caught:
        import_file(actor=world.wz_admin, name="welfare_attendance", path=path)
    assert caught.value.problems[0].column == "id_number"
    data, _name = export_file(actor=world.wz_admin, name="welfare_agreements", fmt="csv")
    assert len(read_csv(data)) == 1  # the header only


def test_posts_are_imported_from_the_command_line(world, tmp_path, capsys):
    row = ["", ZX_V1, "护林员", "ordinary", "否", "500", "80", "2", "linkage_funds", "", "2026-01-01", "", ""]
    path = write_csv(tmp_path, "posts.csv", POST_HEADER, [row])
    call_command("register", "import", "welfare_posts", str(path), "--user", "zx_township")
    assert "created 1" in capsys.readouterr().out
    bad = write_csv(tmp_path, "bad.csv", POST_HEADER, [[*row[:7], "0", *row[8:]]])
    with pytest.raises(SystemExit):
        call_command("register", "import", "welfare_posts", str(bad), "--user", "zx_township")
    assert "bad.csv 第 2 行，列 places，值 “0”" in capsys.readouterr().err
    assert Post.objects.count() == 1


def test_agreements_are_imported_through_the_api(world, people, post, tmp_path):
    c = Client()
    c.force_login(world.zx_township)
    good = [people["wang"].id_number, "王秀英", post.code, "2026-03-01", "2027-02-28", "", "", ""]
    bad = [people["zhao"].id_number, "赵老汉", post.code, "2026-03-01", "2027-02-28", "", "", ""]
    path = write_csv(tmp_path, "agreements.csv", AGREEMENT_HEADER, [good, bad])
    with path.open("rb") as f:
        refused = c.post("/api/v1/employment/registers/welfare_agreements", {"file": f})
    assert refused.status_code == 422
    problem = refused.json()["problems"][0]
    assert (problem["row"], problem["column"]) == (3, "id_number") and "年龄 16–60 岁" in problem["message"]
    assert not Agreement.objects.exists()
    path = write_csv(tmp_path, "agreements.csv", AGREEMENT_HEADER, [good])
    with path.open("rb") as f:
        done = c.post("/api/v1/employment/registers/welfare_agreements", {"file": f})
    assert done.status_code == 200 and done.json()["created"] == 1
    assert make_post  # the helper is shared with the other files


def test_a_signed_agreement_cannot_be_changed_by_file(world, people, post, tmp_path):
    row = [people["wang"].id_number, "王秀英", post.code, "2026-03-01", "2027-02-28", "", "", ""]
    import_file(
        actor=world.zx_township,
        name="welfare_agreements",
        path=write_csv(tmp_path, "a.csv", AGREEMENT_HEADER, [row]),
    )
    changed = write_csv(tmp_path, "b.csv", AGREEMENT_HEADER, [[*row[:5], "450", "", ""]])
    with pytest.raises(Refused) as caught:
        import_file(actor=world.zx_township, name="welfare_agreements", path=changed)
    assert _problems(caught.value) == [("b.csv", 2, "monthly_pay", "450.00")]
    assert caught.value.problems[0].message == "协议签订后不能修改岗位和月补贴：请结束后重新签订"


def test_the_registers_with_resident_ids_are_exported_only_to_who_may_see_them(world, people, post):
    from lnob.core.errors import NotFound

    assert export_file(actor=world.zx_auditor, name="welfare_posts", fmt="csv")[0]
    for name in ("welfare_agreements", "welfare_attendance"):
        with pytest.raises(NotFound):
            export_file(actor=world.zx_auditor, name=name, fmt="csv")


def test_each_register_has_a_template_and_is_listed_on_the_registers_screen(world):
    c = Client()
    c.force_login(world.zx_admin)
    page = c.get("/employment/registers/").content.decode()
    for name in ("welfare_posts", "welfare_agreements", "welfare_attendance"):
        assert f'data-register="{name}"' in page
        template = c.get(f"/employment/registers/{name}/template.xlsx")
        assert template.status_code == 200 and template.content[:2] == b"PK"


def test_one_file_ends_an_agreement_and_renews_it_on_the_freed_place(world, people, tmp_path):
    post = make_post(world.zx_township, title="护林员", places=1)
    wang = people["wang"].id_number
    first = [wang, "王秀英", post.code, "2026-01-05", "2026-06-30", "", "", ""]
    import_file(
        actor=world.zx_township,
        name="welfare_agreements",
        path=write_csv(tmp_path, "a.csv", AGREEMENT_HEADER, [first]),
    )
    rows = [
        [*first[:6], "2026-06-30", "expired"],
        [wang, "王秀英", post.code, "2026-08-01", "2027-07-31", "", "", ""],
    ]
    result = import_file(
        actor=world.zx_township,
        name="welfare_agreements",
        path=write_csv(tmp_path, "b.csv", AGREEMENT_HEADER, rows),
    )
    assert (result.created, result.updated) == (1, 1)
    spells = list(Spell.objects.filter(person=people["wang"]).order_by("start").values_list("start", "end"))
    assert spells == [(D(2026, 1, 5), D(2026, 6, 30)), (D(2026, 8, 1), None)]  # a month between them
