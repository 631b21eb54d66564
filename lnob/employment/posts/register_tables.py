"""The posts' registers (lnob.employment.registers): the posts, the agreements, and the monthly
attendance and pay, each in and out as CSV or XLSX with the same checks as the screens.

Keys, so a file sent again changes nothing: a post on its village, title and the day it was set
up; an agreement on the person's resident ID and its start; a month of attendance on the resident
ID, the agreement's start and the month. Agreements and attendance name people by resident ID,
so those two registers are sensitive (export needs VIEW_SENSITIVE, and is audited).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, cast

import polars as pl
from auditlog.context import set_actor
from django.db.models import Count, TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, Msg
from lnob.employment.registers import Context, Register, register_table
from lnob.exchange.schema import YES_NO, Column, Kind, Table

from . import bulk
from .messages import M
from .models import Agreement, Attendance, EndReason, Funding, Post, PostType
from .rules import params, post_rule
from .services import check_post_fields, heavy_share_error, next_code


def _codes(choices: type[TextChoices]) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(str(v), str(label)) for v, label in choices.choices]


def _refuse_all(ctx: Context, problems: list[bulk.Problem]) -> None:
    for row, column, value, message in problems:
        ctx.refuse_row(row, column, value, message)


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


# -- posts ----------------------------------------------------------------------------------------

POSTS = Table(
    name="welfare_posts",
    zh="公益性岗位",
    key=("village", "title", "opened_on"),
    description=(
        "The villages' public-welfare posts (乡村公益性岗位): type, monthly pay, hours and places. Key: "
        "village, title and the day the post was set up. Pay is checked against the rule in force "
        "(not above its figure for the type, light or heavy), as are the funding source and the "
        "county's share of heavy places. A later file with `status` closed and `closed_on` "
        "withdraws a post that no agreement runs on. `code` is given by the system when blank."
    ),
    columns=(
        Column("code", "岗位编号", Kind.TEXT, False, "GY530627102201001", "不填则自动编号", max_length=32),
        Column("village", "村代码", Kind.AREA_CODE, True, "530627102201"),
        Column("title", "岗位名称", Kind.TEXT, True, "保洁员", "如 保洁员、护林员、水管员", max_length=50),
        Column("post_type", "岗位类型", Kind.CODE, True, "ordinary", codes=_codes(PostType)),
        Column("heavy", "重体力岗位", Kind.BOOL, False, "否", YES_NO),
        Column("monthly_pay", "月补贴", Kind.DECIMAL, True, "500.00", "元，不高于规则规定"),
        Column("hours_per_month", "每月工时", Kind.INT, True, "80", "大于 0"),
        Column("places", "岗位数", Kind.INT, True, "2", "大于 0"),
        Column("funding", "资金来源", Kind.CODE, True, "linkage_funds", codes=_codes(Funding)),
        Column("duties", "工作内容", Kind.TEXT, False, "村内道路和公共场所保洁", max_length=200),
        Column("opened_on", "设岗日期", Kind.DATE, True, "2026-01-01"),
        Column("status", "状态", Kind.CODE, False, "open", "不填为在设", codes=_codes(Post.Status)),
        Column("closed_on", "撤销日期", Kind.DATE, False, "", "撤销时填写"),
    ),
)

_POST_FIELDS = (
    "post_type", "heavy", "monthly_pay", "hours_per_month", "places", "funding", "duties", "status",
    "closed_on",
)  # fmt: skip
_POST_DEFAULTS: dict[str, Any] = {
    "heavy": False,
    "duties": "",
    "status": "open",
    "code": None,
    "closed_on": None,
}


def _with_defaults(rows: pl.DataFrame, defaults: dict[str, Any], dtypes: dict[str, Any]) -> pl.DataFrame:
    for column, default in defaults.items():
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(default, dtype=dtypes.get(column)).alias(column))
        elif default is not None:
            rows = rows.with_columns(pl.col(column).fill_null(default))
    return rows


def load_posts(ctx: Context, rows: pl.DataFrame) -> None:
    rows = _with_defaults(rows, _POST_DEFAULTS, {"code": pl.String, "closed_on": pl.Date})
    villages = set(
        Area.objects.filter(code__in=rows["village"].unique().to_list(), level=Level.VILLAGE).values_list(
            "code", flat=True
        )
    )
    existing = {
        (p.village_id, p.title, p.opened_on): p
        for p in Post.objects.filter(
            village_id__in=sorted(villages), title__in=rows["title"].unique().to_list()
        )
    }
    running = dict(
        Agreement.objects.filter(post__in=list(existing.values()), ended_on__isnull=True)
        .values_list("post_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    codes_in_use = dict(
        Post.objects.filter(code__in=rows["code"].drop_nulls().to_list()).values_list("code", "pk")
    )
    new: list[Post] = []
    changed: list[Post] = []
    kept: list[tuple[int, Post]] = []  # (row, post as it will stand) for the heavy-share check
    for r in rows.iter_rows(named=True):
        found = _post_row(ctx, r, villages, existing, running, codes_in_use)
        if found is None:
            continue
        post, differs = found
        kept.append((r["_row"], post))
        if post.pk is None:
            new.append(post)
        elif differs:
            changed.append(post)
    _heavy_shares(ctx, kept)
    if ctx.problems:
        return
    taken: set[str] = set()
    for post in new:
        if not post.code:
            post.code = next_code(post.village_id, taken)
        taken.add(post.code)
        post.created_by = ctx.actor
    with set_actor(ctx.actor):
        Post.objects.bulk_create(new)
        Post.objects.bulk_update(changed, list(_POST_FIELDS))
    ctx.created, ctx.updated = len(new), len(changed)


def _changed(before: Post, r: dict[str, Any]) -> bool:
    return any(getattr(before, f) != _post_value(f, r[f]) for f in _POST_FIELDS)


def _post_value(name: str, value: Any) -> Any:
    if name == "monthly_pay":
        return _dec(value)
    if name == "duties":
        return (value or "").strip()
    return value


def _post_row(
    ctx: Context,
    r: dict[str, Any],
    villages: set[int],
    existing: dict[tuple[int, str, dt.date], Post],
    running: dict[int, int],
    codes_in_use: dict[str, int],
) -> tuple[Post, bool] | None:
    """The post a row describes (new, or an existing one with the row's values) and whether it
    changes anything, or None with its problem recorded."""
    row, village, title = r["_row"], r["village"], r["title"].strip()
    if village not in villages:
        ctx.refuse_row(row, "village", village, _("没有这个村级区划代码"))
        return None
    if not ctx.may(village):
        ctx.refuse_row(row, "village", village, str(Msg.OUT_OF_SCOPE))
        return None
    closed = r["status"] == Post.Status.CLOSED
    if closed != (r["closed_on"] is not None):
        ctx.refuse_row(row, "closed_on", r["closed_on"], _("撤销的岗位须填写撤销日期，在设的岗位不填"))
        return None
    if closed and r["closed_on"] < r["opened_on"]:
        ctx.refuse_row(row, "closed_on", r["closed_on"], str(M.CLOSED_BEFORE_OPENED))
        return None
    try:
        rule = post_rule(village, r["opened_on"])
        check_post_fields(
            rule_name=rule.row.name, rule=params(rule), post_type=r["post_type"], heavy=r["heavy"],
            monthly_pay=_dec(r["monthly_pay"]) or Decimal(0), hours=r["hours_per_month"], places=r["places"],
            funding=r["funding"],
        )  # fmt: skip
    except DomainError as err:
        ctx.refuse_row(row, err.field, err.value, str(err.message))
        return None
    found = existing.get((village, title, r["opened_on"]))
    code = (r["code"] or "").strip()
    if found is None and code and code in codes_in_use:
        ctx.refuse_row(row, "code", code, str(M.CODE_TAKEN))
        return None
    if found is not None and code and code != found.code:
        ctx.refuse_row(row, "code", code, _("与已有岗位的编号（{code}）不符").format(code=found.code))
        return None
    if found is not None:
        busy = running.get(found.pk, 0)
        if closed and busy:
            ctx.refuse_row(row, "status", r["status"], str(M.POST_HAS_AGREEMENTS).format(n=busy))
            return None
        if r["places"] < busy:
            ctx.refuse_row(row, "places", r["places"], _("岗位数不能少于在岗人数（{n}）").format(n=busy))
            return None
    differs = found is None or _changed(found, r)
    post = found or Post(village_id=village, title=title, opened_on=r["opened_on"], code=code)
    for f in _POST_FIELDS:
        setattr(post, f, _post_value(f, r[f]))
    return post, differs


def _heavy_shares(ctx: Context, kept: list[tuple[int, Post]]) -> None:
    """Each county's heavy places after the file, against its rule's cap; the file's heavy rows of
    a county over the cap are refused."""
    by_county: dict[int, list[tuple[int, Post]]] = defaultdict(list)
    for row, post in kept:
        by_county[subtree_range(post.village_id, Level.COUNTY)[0]].append((row, post))
    for county, items in by_county.items():
        heavy_rows = [(row, p) for row, p in items if p.heavy and p.status == Post.Status.OPEN]
        if not heavy_rows:
            continue
        in_file = {p.pk for _row, p in items if p.pk is not None}
        lo, hi = subtree_range(county, Level.COUNTY)
        others = Post.objects.filter(village_id__gte=lo, village_id__lt=hi, status="open").exclude(
            pk__in=in_file
        )
        heavy = sum(p.places for p in others if p.heavy) + sum(p.places for _r, p in heavy_rows)
        total = sum(p.places for p in others) + sum(
            p.places for _r, p in items if p.status == Post.Status.OPEN
        )
        rule = params(post_rule(heavy_rows[0][1].village_id, heavy_rows[0][1].opened_on))
        if (err := heavy_share_error(rule, heavy, total)) is not None:
            for row, _p in heavy_rows:
                ctx.refuse_row(row, "heavy", "是", str(err.message))


def dump_posts(user: Any) -> Iterator[tuple[Any, ...]]:
    posts = Post.objects.visible_to(user).order_by("village_id", "opened_on", "title")
    yield from posts.values_list(
        "code", "village_id", "title", "post_type", "heavy", "monthly_pay", "hours_per_month", "places",
        "funding", "duties", "opened_on", "status", "closed_on",
    )  # fmt: skip


# -- agreements -----------------------------------------------------------------------------------

_ID = Column("id_number", "身份证号", Kind.ID_NUMBER, True, "530627198001010011", "须已在您管辖范围内登记")
_NAME = Column("name", "姓名", Kind.TEXT, False, "张三", "核对用：须与登记的姓名一致", max_length=50)

AGREEMENTS = Table(
    name="welfare_agreements",
    zh="公益性岗位协议",
    key=("id_number", "start"),
    description=(
        "Agreements putting a person on a public-welfare post (公益性岗位协议). Key: resident ID and start. "
        "Each new agreement is checked like one signed on screen: the post open and not full, the "
        "term within the rule's months, the person eligible on the start date (age, labour "
        "capacity, household status; the failed criterion is named), no other running or "
        "overlapping agreement; and it writes the person's ledger spell (公益性岗位, in the county). "
        "A later file with `ended_on` and `end_reason` ends an agreement and closes its spell."
    ),
    columns=(
        _ID,
        _NAME,
        Column(
            "post_code", "岗位编号", Kind.TEXT, True, "GY530627102201001", "见公益性岗位台账", max_length=32
        ),
        Column("start", "协议开始日期", Kind.DATE, True, "2026-01-01", "不晚于今天"),
        Column("end", "协议截止日期", Kind.DATE, True, "2026-12-31", "不超过规则规定的月数"),
        Column("monthly_pay", "月补贴", Kind.DECIMAL, False, "500.00", "元；不填为岗位月补贴，不得高于"),
        Column("ended_on", "实际结束日期", Kind.DATE, False, "", "结束时填写"),
        Column("end_reason", "结束原因", Kind.CODE, False, "", "结束时填写", codes=_codes(EndReason)),
    ),
)


def _names(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """Rows whose name, when given, is not the registered one are refused."""
    if "name" not in rows.columns:
        return rows
    from lnob.registry.models import Person

    names = dict(Person.objects.filter(pk__in=rows["person_id"].to_list()).values_list("pk", "name"))
    wrong = rows.filter(
        pl.col("name").is_not_null()
        & (pl.col("name").str.strip_chars() != pl.col("person_id").replace_strict(names, default=""))
    )
    ctx.refuse(wrong.select("_row", pl.col("name").alias("value")), "name", _("姓名与身份证号登记的不一致"))
    return rows.filter(~pl.col("_row").is_in(wrong["_row"].implode()))


def _editable(ctx: Context, rows: pl.DataFrame, village: str) -> pl.DataFrame:
    """Rows whose person's village the actor may not edit are refused as not registered."""
    ok = rows[village].map_elements(
        lambda v: can(ctx.actor, Capability.EDIT_REGISTRY, v), return_dtype=pl.Boolean
    )
    bad = rows.filter(~ok)
    ctx.refuse(
        bad.select("_row", pl.col("id_number").alias("value")),
        "id_number",
        _("此人未登记或不在您的管辖范围内"),
    )
    return rows.filter(ok)


def load_agreements(ctx: Context, rows: pl.DataFrame) -> None:
    rows = _with_defaults(
        rows,
        {"monthly_pay": None, "ended_on": None, "end_reason": None},
        {"monthly_pay": pl.Float64, "ended_on": pl.Date, "end_reason": pl.String},
    )
    rows = _names(ctx, _editable(ctx, ctx.persons(rows), "village"))
    posts = {
        p.code: p
        for p in Post.objects.visible_to(ctx.actor, Capability.MANAGE_EMPLOYMENT)
        .select_related("village")
        .filter(code__in=rows["post_code"].unique().to_list())
    }
    existing = {
        (a.person_id, a.start): a
        for a in Agreement.objects.filter(person_id__in=rows["person_id"].to_list()).select_related(
            "post", "spell"
        )
    }
    items: list[bulk.NewAgreement] = []
    endings: list[bulk.Ending] = []
    for r in rows.iter_rows(named=True):
        post = posts.get(r["post_code"].strip())
        if post is None:
            ctx.refuse_row(r["_row"], "post_code", r["post_code"], str(M.UNKNOWN_POST))
            continue
        found = existing.get((r["person_id"], r["start"]))
        pay = _dec(r["monthly_pay"])
        if found is None:
            items.append(
                bulk.NewAgreement(
                    row=r["_row"], person_id=r["person_id"], post=post, start=r["start"], end=r["end"],
                    monthly_pay=pay, ended_on=r["ended_on"], end_reason=r["end_reason"] or "",
                )
            )  # fmt: skip
            continue
        ending = _existing_row(ctx, r, found, post, pay)
        if ending is not None:
            endings.append(ending)
    plan = bulk.plan_agreements(items=items, endings=endings, today=ctx.today)
    _refuse_all(ctx, plan.problems)
    if ctx.problems:
        return
    bulk.apply_agreements(plan, actor=ctx.actor)
    ctx.created, ctx.updated = len(plan.agreements), len(plan.ended)


def _existing_row(
    ctx: Context, r: dict[str, Any], found: Agreement, post: Post, pay: Decimal | None
) -> bulk.Ending | None:
    """A row for an agreement already signed: unchanged, or ending it; anything else is refused."""
    row = r["_row"]
    changed = [
        (column, value)
        for column, value, same in (
            ("post_code", r["post_code"], found.post_id == post.pk),
            ("monthly_pay", pay, pay is None or pay == found.monthly_pay),
            ("end", r["end"], r["end"] == found.end),
        )
        if not same
    ]
    if changed:
        ctx.refuse_row(row, changed[0][0], changed[0][1], str(M.CHANGE_AFTER_SIGNING))
        return None
    if found.ended_on is not None:
        if (r["ended_on"], r["end_reason"] or "") != (found.ended_on, found.end_reason):
            ctx.refuse_row(row, "ended_on", r["ended_on"], str(M.ALREADY_ENDED).format(day=found.ended_on))
        return None
    if r["ended_on"] is None:
        if r["end_reason"]:
            ctx.refuse_row(row, "ended_on", None, str(Msg.REQUIRED))
        return None
    return bulk.Ending(row=row, agreement=found, ended_on=r["ended_on"], reason=r["end_reason"] or "")


def dump_agreements(user: Any) -> Iterator[tuple[Any, ...]]:
    from lnob.registry.models import Person

    # the post's village is the user's; the person must be too (a post may take a neighbour)
    agreements = (
        Agreement.objects.visible_to(user)
        .filter(person__in=Person.objects.visible_to(user))
        .order_by("post__village_id", "post__code", "start", "pk")
    )
    for row in agreements.values_list(
        "person__id_number",
        "person__name",
        "post__code",
        "start",
        "end",
        "monthly_pay",
        "ended_on",
        "end_reason",
    ):
        yield (*row[:7], row[7] or None)


# -- attendance -----------------------------------------------------------------------------------

ATTENDANCE = Table(
    name="welfare_attendance",
    zh="公益性岗位考勤与发放",
    key=("id_number", "agreement_start", "month"),
    description=(
        "Monthly attendance and pay of public-welfare post holders (考勤与发放). Key: resident ID, the "
        "agreement's start and the month (any day of it). The pay due is computed: the agreement's "
        "monthly pay times the smaller of the share of the month inside the agreement and the share "
        "of the post's monthly hours worked, to the fen; a `pay_due` given must equal it. Refused: a "
        "month outside the agreement or in the future, negative days or hours, more days than the "
        "month has inside the agreement, a change to a month already paid. `paid_amount` and "
        "`paid_on` (together, not above the pay due) need the payment-approval right (the county)."
    ),
    columns=(
        _ID,
        _NAME,
        Column("agreement_start", "协议开始日期", Kind.DATE, True, "2026-01-01"),
        Column("month", "月份", Kind.DATE, True, "2026-10-01", "该月任一天，记为当月"),
        Column("days_worked", "出勤天数", Kind.INT, True, "22"),
        Column("hours_worked", "工时", Kind.DECIMAL, True, "80", "小时，最多一位小数"),
        Column("pay_due", "应发补贴", Kind.DECIMAL, False, "500.00", "元；不填则按考勤计算"),
        Column("paid_amount", "实发金额", Kind.DECIMAL, False, "", "元；县级发放后填写"),
        Column("paid_on", "发放日期", Kind.DATE, False, "", "与实发金额同时填写"),
        Column("note", "备注", Kind.TEXT, False, "", max_length=200),
    ),
)


def load_attendance(ctx: Context, rows: pl.DataFrame) -> None:
    payment_given = "paid_amount" in rows.columns or "paid_on" in rows.columns
    rows = _with_defaults(
        rows,
        {"pay_due": None, "paid_amount": None, "paid_on": None, "note": ""},
        {"pay_due": pl.Float64, "paid_amount": pl.Float64, "paid_on": pl.Date},
    )
    rows = _names(ctx, ctx.persons(rows)).with_columns(pl.col("month").dt.truncate("1mo"))
    again = rows.filter(pl.struct("person_id", "agreement_start", "month").is_duplicated())
    ctx.refuse(again.select("_row", pl.col("month").alias("value")), "month", _("同一记录在文件中出现多次"))
    agreements = {
        (a.person_id, a.start): a
        for a in Agreement.objects.visible_to(ctx.actor, Capability.EDIT_REGISTRY)
        .filter(person_id__in=rows["person_id"].to_list())
        .select_related("post")
    }
    months: list[bulk.MonthRow] = []
    for r in rows.iter_rows(named=True):
        agreement = agreements.get((r["person_id"], r["agreement_start"]))
        if agreement is None:
            ctx.refuse_row(r["_row"], "agreement_start", r["agreement_start"], str(M.NO_AGREEMENT))
            continue
        hours = Decimal(str(r["hours_worked"]))
        if hours != hours.quantize(Decimal("0.1")):
            ctx.refuse_row(r["_row"], "hours_worked", r["hours_worked"], _("工时最多一位小数"))
            continue
        months.append(
            bulk.MonthRow(
                row=r["_row"], agreement=agreement, month=r["month"], days_worked=r["days_worked"],
                hours_worked=hours.quantize(Decimal("0.1")), pay_due=_dec(r["pay_due"]),
                paid_amount=_dec(r["paid_amount"]), paid_on=r["paid_on"], note=(r["note"] or "").strip(),
                payment_given=payment_given,
            )
        )  # fmt: skip
    plan = bulk.plan_attendance(
        rows=months,
        today=ctx.today,
        may_pay=lambda village: can(ctx.actor, Capability.APPROVE_PAYMENTS, village),
        actor=ctx.actor,
    )
    _refuse_all(ctx, plan.problems)
    if ctx.problems:
        return
    bulk.apply_attendance(plan, actor=ctx.actor)
    ctx.created, ctx.updated = len(plan.new), len(plan.changed)


def dump_attendance(user: Any) -> Iterator[tuple[Any, ...]]:
    from lnob.registry.models import Person

    marks = (
        Attendance.objects.visible_to(user)
        .filter(agreement__person__in=Person.objects.visible_to(user))
        .order_by("agreement__post__village_id", "agreement_id", "month")
    )
    yield from marks.values_list(
        "agreement__person__id_number", "agreement__person__name", "agreement__start", "month", "days_worked",
        "hours_worked", "pay_due", "paid_amount", "paid_on", "note",
    )  # fmt: skip


register_table(
    Register(
        POSTS,
        load_posts,
        dump_posts,
        Capability.MANAGE_EMPLOYMENT,
        label=cast(str, gettext_lazy("公益性岗位")),
    )
)
register_table(
    Register(
        AGREEMENTS,
        load_agreements,
        dump_agreements,
        Capability.MANAGE_EMPLOYMENT,
        sensitive=True,
        label=cast(str, gettext_lazy("公益性岗位协议")),
    )
)
register_table(
    Register(
        ATTENDANCE,
        load_attendance,
        dump_attendance,
        Capability.EDIT_REGISTRY,
        sensitive=True,
        label=cast(str, gettext_lazy("公益性岗位考勤与发放")),
    )
)
