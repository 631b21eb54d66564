"""The workstations' registers (lnob.employment.registers): the stations, their disputes and
wage-arrears cases (persons by resident ID: sensitive), and their visits.

Keys are natural, so a file sent again changes nothing: a station on its county and name; a
dispute on its station, the person, the employer and the day it was taken in; a visit on its
station, day and where. Imports are the county's (MANAGE_EMPLOYMENT over the county); officers
record their work on the screens and through the API.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, cast

import polars as pl
from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.areas.codes import Level, subtree_range
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, scope_ranges
from lnob.core.errors import Msg
from lnob.employment.models import Employer
from lnob.employment.registers import Context, Register, register_table
from lnob.exchange.schema import Column, Kind, Table
from lnob.registry.models import Person

from .models import CLOSED_STATES, Dispute, DisputeEvent, DisputeKind, DisputeState, Visit, Workstation
from .services import WMsg

COUNTY = Column("county", "派出县区划代码", Kind.AREA_CODE, False, "530627000000", "只管一个县的用户可不填")
STATION = Column("station", "工作站名称", Kind.TEXT, True, "镇雄县驻东莞劳务工作站", max_length=100)


COUNTY_WIDTH = 1_000_000  # a county's subtree: its code and the next million (lnob.areas.codes)


def _codes(choices: Any) -> Any:
    return lambda: [(str(v), str(label)) for v, label in choices.choices]


def _managed(user: Any, capability: Capability) -> list[int]:
    """The counties the user runs (the capability over the whole county)."""
    counties = {subtree_range(lo, Level.COUNTY)[0] for lo, _hi in scope_ranges(user, capability)}
    return sorted(c for c in counties if can(user, capability, c))


def _seen(user: Any) -> list[int]:
    return sorted(
        {subtree_range(lo, Level.COUNTY)[0] for lo, _hi in scope_ranges(user, Capability.VIEW_REGISTRY)}
    )


def _text(rows: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    for column in columns:
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(None, pl.String).alias(column))
    return rows.with_columns([pl.col(c).fill_null("") for c in columns])


def _county(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """Blank counties are the actor's one county; a county the actor does not run is refused."""
    mine = _managed(ctx.actor, ctx.register.capability)
    if "county" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.Int64).alias("county"))
    if len(mine) == 1:
        rows = rows.with_columns(pl.col("county").fill_null(mine[0]))
    blank = rows.filter(pl.col("county").is_null())
    ctx.refuse(
        blank.select("_row", pl.lit("").alias("value")), "county", _("您管理不止一个县：请填写派出县区划代码")
    )
    foreign = rows.filter(pl.col("county").is_not_null() & ~pl.col("county").is_in(mine))
    ctx.refuse(foreign.select("_row", pl.col("county").alias("value")), "county", str(Msg.OUT_OF_SCOPE))
    return rows.filter(pl.col("county").is_in(mine))


def _stations(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` with `station_id` of the station each row names in its county; unknown ones refused."""
    stations = pl.DataFrame(
        list(
            Workstation.objects.filter(county_id__in=rows["county"].unique().to_list()).values_list(
                "county_id", "name", "pk"
            )
        ),
        schema={"county": pl.Int64, "station": pl.String, "station_id": pl.Int64},
        orient="row",
    )
    rows = rows.join(stations, on=["county", "station"], how="left")
    unknown = rows.filter(pl.col("station_id").is_null())
    ctx.refuse(
        unknown.select("_row", pl.col("station").alias("value")), "station", _("本县没有这个劳务工作站")
    )
    return rows.filter(pl.col("station_id").is_not_null())


def _employers(
    ctx: Context, rows: pl.DataFrame, column: str = "employer_code", required: bool = True
) -> pl.DataFrame:
    """`rows` with `employer_id` from the county's list by credit code; unknown codes refused."""
    employers = pl.DataFrame(
        list(
            Employer.objects.filter(county_id__in=rows["county"].unique().to_list()).values_list(
                "county_id", "credit_code", "pk"
            )
        ),
        schema={"county": pl.Int64, "_code": pl.String, "employer_id": pl.Int64},
        orient="row",
    )
    rows = rows.with_columns(pl.col(column).str.to_uppercase().str.replace_all(" ", "").alias("_code"))
    rows = rows.join(employers, on=["county", "_code"], how="left").drop("_code")
    unknown = rows.filter(pl.col(column).is_not_null() & pl.col("employer_id").is_null())
    ctx.refuse(unknown.select("_row", pl.col(column).alias("value")), column, str(WMsg.EMPLOYER_NOT_LISTED))
    if required:
        return rows.filter(pl.col("employer_id").is_not_null())
    return rows.filter(pl.col(column).is_null() | pl.col("employer_id").is_not_null())


def _future(ctx: Context, rows: pl.DataFrame, column: str) -> None:
    late = rows.filter(pl.col(column) > ctx.today)
    ctx.refuse(late.select("_row", pl.col(column).alias("value")), column, str(Msg.IN_FUTURE))


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


# -- workstations -----------------------------------------------------------------------------

WORKSTATIONS = Table(
    name="workstations",
    zh="劳务工作站",
    key=("county", "name"),
    description=(
        "The county's labour-export workstations (劳务工作站): the destination city, contact and "
        "officers (usernames of users holding the workstation officer's role in the county, "
        "separated by ;). A station's roster is not in the file: it is read from the ledger."
    ),
    columns=(
        Column(
            "name", "名称", Kind.TEXT, True, "镇雄县驻东莞劳务工作站", aliases=("工作站名称",), max_length=100
        ),
        Column("destination_city", "驻地城市", Kind.TEXT, True, "东莞市", max_length=50),
        Column("destination_province", "驻地省份", Kind.TEXT, False, "广东省", max_length=50),
        Column("address", "地址", Kind.TEXT, False, "广东省东莞市长安镇", max_length=200),
        Column("contact_name", "联系人", Kind.TEXT, False, "王海", max_length=50),
        Column("contact_phone", "联系电话", Kind.TEXT, False, "0769-85330000", max_length=30),
        Column(
            "officers",
            "工作站专员",
            Kind.TEXT,
            False,
            "demo_workstation_officer",
            "用户名，多个用 ; 分隔",
            max_length=500,
        ),
        Column("opened_on", "设立日期", Kind.DATE, True, "2021-03-01"),
        Column("closed_on", "撤销日期", Kind.DATE, False, "", "仍在运行的不填"),
        Column("note", "备注", Kind.TEXT, False, "", max_length=200),
        COUNTY,
    ),
)
_STATION_FIELDS = (
    "destination_city",
    "destination_province",
    "address",
    "contact_name",
    "contact_phone",
    "opened_on",
    "closed_on",
    "note",
)


def _usernames(text: str) -> list[str]:
    return sorted({u for u in re.split(r"[;；,，、\s]+", text or "") if u})


def _officer_ids(ctx: Context, rows: pl.DataFrame) -> dict[int, list[int]]:
    """Row -> officer user ids; names that are not officers of the row's county are refused."""
    names = sorted({u for text in rows["officers"].to_list() for u in _usernames(text)})
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names, is_active=True)}
    out: dict[int, list[int]] = {}
    for row, county, text in rows.select("_row", "county", "officers").iter_rows():
        ids = []
        for name in _usernames(text):
            user = users.get(name)
            if user is None or not can(user, Capability.MANAGE_OWN_WORKSTATION, county):
                ctx.refuse_row(row, "officers", name, str(WMsg.NOT_AN_OFFICER))
            else:
                ids.append(user.pk)
        out[row] = ids
    return out


def load_workstations(ctx: Context, rows: pl.DataFrame) -> None:
    has_officers = "officers" in rows.columns
    rows = _text(
        _county(ctx, rows),
        ("destination_province", "address", "contact_name", "contact_phone", "officers", "note"),
    )
    if "closed_on" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.Date).alias("closed_on"))
    _future(ctx, rows, "opened_on")
    reversed_ = rows.filter(pl.col("closed_on") < pl.col("opened_on"))
    ctx.refuse(
        reversed_.select("_row", pl.col("closed_on").alias("value")),
        "closed_on",
        str(WMsg.CLOSED_BEFORE_OPENED),
    )
    officers = _officer_ids(ctx, rows)
    if ctx.problems:
        return
    existing = {
        (s.county_id, s.name): s
        for s in Workstation.objects.filter(county_id__in=rows["county"].unique().to_list())
    }
    new, changed, touched = [], [], []
    for r in rows.iter_rows(named=True):
        values = {k: r[k] for k in _STATION_FIELDS}
        found = existing.get((r["county"], r["name"]))
        if found is None:
            found = Workstation(county_id=r["county"], name=r["name"], created_by=ctx.actor, **values)
            new.append(found)
        elif any(getattr(found, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(found, k, v)
            changed.append(found)
        touched.append((found, officers[r["_row"]]))
    with set_actor(ctx.actor):
        Workstation.objects.bulk_create(new)
        Workstation.objects.bulk_update(changed, list(_STATION_FIELDS))
        officer_changes = _set_officers(touched) if has_officers else set()
    ctx.created = len(new)
    ctx.updated = len({s.pk for s in changed} | officer_changes)


def _set_officers(touched: list[tuple[Workstation, list[int]]]) -> set[int]:
    """Each station's officers become the file's; returns the stations whose officers changed."""
    through = Workstation.officers.through
    current: dict[int, set[int]] = {}
    for station_id, user_id in through.objects.filter(
        workstation__in=[s.pk for s, _ids in touched]
    ).values_list("workstation_id", "user_id"):
        current.setdefault(station_id, set()).add(user_id)
    changed = {s.pk for s, ids in touched if current.get(s.pk, set()) != set(ids)}
    through.objects.filter(workstation__in=changed).delete()
    through.objects.bulk_create(
        [through(workstation_id=s.pk, user_id=uid) for s, ids in touched if s.pk in changed for uid in ids]
    )
    return {pk for pk in changed if pk in current}


def dump_workstations(user: Any) -> Iterator[tuple[Any, ...]]:
    stations = list(Workstation.objects.filter(county_id__in=_seen(user)).order_by("county_id", "name"))
    names: dict[int, list[str]] = {}
    through = Workstation.officers.through.objects.filter(workstation__in=[s.pk for s in stations])
    for station_id, username in through.order_by("user__username").values_list(
        "workstation_id", "user__username"
    ):
        names.setdefault(station_id, []).append(username)
    for s in stations:
        yield (
            s.name,
            s.destination_city,
            s.destination_province,
            s.address,
            s.contact_name,
            s.contact_phone,
            ";".join(names.get(s.pk, [])),
            s.opened_on,
            s.closed_on,
            s.note,
            s.county_id,
        )


# -- disputes ---------------------------------------------------------------------------------

DISPUTES = Table(
    name="workstation_disputes",
    zh="劳动纠纷和欠薪案件",
    key=("station", "id_number", "employer_code", "opened_on"),
    description=(
        "Labour disputes and wage-arrears cases (劳动纠纷、欠薪) the workstations took in: the "
        "migrant by resident ID, the employer by credit code (on the county's list), the kind, the "
        "amount claimed and recovered, and where the case stands. A later file moves a case "
        "forward (intake → mediation → resolved or escalated), never back."
    ),
    columns=(
        STATION,
        Column("id_number", "身份证号", Kind.ID_NUMBER, True, "530627199001010012"),
        Column("name", "姓名", Kind.TEXT, False, "张三", "填写时须与身份证号一致", max_length=50),
        Column(
            "employer_code",
            "用工单位统一社会信用代码",
            Kind.TEXT,
            True,
            "91441900MA4W123409",
            "须已在本县用工单位名单中",
            max_length=18,
        ),
        Column("kind", "类型", Kind.CODE, True, "wage_arrears", codes=_codes(DisputeKind)),
        Column("amount_claimed", "诉求金额", Kind.DECIMAL, True, "12000.00", "元；欠薪案件须大于 0"),
        Column("opened_on", "受理日期", Kind.DATE, True, "2026-05-06"),
        Column("summary", "情况", Kind.TEXT, True, "拖欠 3 个月工资", max_length=500),
        Column("state", "状态", Kind.CODE, False, "intake", "不填为已受理", codes=_codes(DisputeState)),
        Column("mediation_on", "开始调解日期", Kind.DATE, False, ""),
        Column("closed_on", "办结日期", Kind.DATE, False, "", "已解决或已移交的须填写"),
        Column("amount_recovered", "追回金额", Kind.DECIMAL, False, "0", "元；不超过诉求金额"),
        Column("escalated_to", "移交机构", Kind.TEXT, False, "", "已移交的须填写", max_length=100),
        COUNTY,
    ),
)
_ORDER = {
    DisputeState.INTAKE: 0,
    DisputeState.MEDIATION: 1,
    DisputeState.RESOLVED: 2,
    DisputeState.ESCALATED: 2,
}
_DISPUTE_FIELDS = (
    "kind",
    "amount_claimed",
    "summary",
    "mediation_on",
    "closed_on",
    "amount_recovered",
    "escalated_to",
)


def _dispute_checks(ctx: Context, rows: pl.DataFrame) -> None:
    def refuse(bad: pl.Expr, column: str, message: Any, value: str | None = None) -> None:
        hit = rows.filter(bad)
        shown = pl.col(value or column)
        if rows.schema[value or column] == pl.Float64:  # money as written: 20000.00, not 20000.0
            shown = shown.cast(pl.Decimal(14, 2)).cast(pl.String)
        ctx.refuse(hit.select("_row", shown.alias("value")), column, str(message))

    final = pl.col("state").is_in([str(s) for s in CLOSED_STATES])
    refuse(
        (pl.col("kind") == "wage_arrears") & (pl.col("amount_claimed") <= 0),
        "amount_claimed",
        WMsg.CLAIM_ZERO_ARREARS,
    )
    refuse(
        pl.col("amount_recovered") > pl.col("amount_claimed"),
        "amount_recovered",
        _("追回金额不能超过诉求金额"),
    )
    for column in ("opened_on", "mediation_on", "closed_on"):
        _future(ctx, rows, column)
    refuse(pl.col("mediation_on") < pl.col("opened_on"), "mediation_on", _("开始调解日期不能早于受理日期"))
    refuse(
        pl.col("closed_on") < pl.coalesce("mediation_on", "opened_on"),
        "closed_on",
        _("办结日期不能早于受理或调解日期"),
    )
    refuse(
        final & pl.col("closed_on").is_null(), "closed_on", _("已解决或已移交的案件须填写办结日期"), "state"
    )
    refuse(~final & pl.col("closed_on").is_not_null(), "closed_on", _("未办结的案件不填办结日期"))
    refuse(
        (pl.col("state") == "escalated") & (pl.col("escalated_to") == ""),
        "escalated_to",
        WMsg.ESCALATED_TO_REQUIRED,
        "state",
    )
    refuse(
        (pl.col("state") == "intake") & pl.col("mediation_on").is_not_null(),
        "mediation_on",
        _("已受理（未调解）的案件不填开始调解日期"),
    )


def _named_persons(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """Resident IDs of people of the row's county; a name given must be theirs."""
    rows = ctx.persons(rows)
    rows = rows.with_columns(pl.col("village").cast(pl.Int64))
    outside = rows.filter(
        pl.col("village").is_null()
        | (pl.col("village") < pl.col("county"))
        | (pl.col("village") >= pl.col("county") + COUNTY_WIDTH)
    )
    ctx.refuse(
        outside.select("_row", pl.col("id_number").alias("value")), "id_number", str(WMsg.NOT_IN_COUNTY)
    )
    rows = rows.join(outside.select("_row"), on="_row", how="anti")
    if "name" in rows.columns:
        names = dict(Person.objects.filter(pk__in=rows["person_id"].to_list()).values_list("pk", "name"))
        for row, person_id, name in rows.select("_row", "person_id", "name").iter_rows():
            if name and names.get(person_id) != name:
                ctx.refuse_row(row, "name", name, _("姓名与身份证号登记的不一致"))
    return rows


def load_disputes(ctx: Context, rows: pl.DataFrame) -> None:
    rows = _text(_county(ctx, rows), ("escalated_to", "name"))
    for column, kind in (
        ("mediation_on", pl.Date),
        ("closed_on", pl.Date),
        ("state", pl.String),
        ("amount_recovered", pl.Float64),
    ):
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(None, kind).alias(column))
    rows = rows.with_columns(pl.col("state").fill_null("intake"), pl.col("amount_recovered").fill_null(0.0))
    rows = _employers(ctx, _stations(ctx, rows))
    rows = _named_persons(ctx, rows)
    _dispute_checks(ctx, rows)
    if ctx.problems:
        return
    existing = {
        (d.station_id, d.person_id, d.employer_id, d.opened_on): d
        for d in Dispute.objects.filter(
            station_id__in=rows["station_id"].unique().to_list(), person_id__in=rows["person_id"].to_list()
        )
    }
    new, changed, moves, events = [], [], [], []
    for r in rows.iter_rows(named=True):
        values = {k: r[k] for k in _DISPUTE_FIELDS}
        values["amount_claimed"], values["amount_recovered"] = (
            _money(r["amount_claimed"]),
            _money(r["amount_recovered"]),
        )
        found = existing.get((r["station_id"], r["person_id"], r["employer_id"], r["opened_on"]))
        if found is None:
            new.append(
                Dispute(
                    station_id=r["station_id"],
                    person_id=r["person_id"],
                    employer_id=r["employer_id"],
                    opened_on=r["opened_on"],
                    state=r["state"],
                    created_by=ctx.actor,
                    **values,
                )
            )
            continue
        if found.state != r["state"]:
            if found.closed or _ORDER[DisputeState(r["state"])] < _ORDER[DisputeState(found.state)]:
                ctx.refuse_row(
                    r["_row"],
                    "state",
                    r["state"],
                    _("案件已是“{state}”，不能改回").format(state=found.get_state_display()),
                )
                continue
            moves.append((found, r["state"]))
        if any(getattr(found, k) != v for k, v in values.items()) or found.state != r["state"]:
            for k, v in values.items():
                setattr(found, k, v)
            changed.append(found)
    if ctx.problems:
        return
    with set_actor(ctx.actor):
        Dispute.objects.bulk_create(new)
        Dispute.objects.bulk_update(changed, list(_DISPUTE_FIELDS))
        # the state is protected on loaded rows (django-fsm): moved in one update per target state
        for state in {s for _d, s in moves}:
            Dispute.objects.filter(pk__in=[d.pk for d, s in moves if s == state]).update(state=state)
        events += [_event(d, "", d.state, d.opened_on, ctx) for d in new]
        events += [_event(d, d.state, s, d.closed_on or d.mediation_on or ctx.today, ctx) for d, s in moves]
        DisputeEvent.objects.bulk_create(events)
    ctx.created, ctx.updated = len(new), len(changed)


def _event(dispute: Dispute, before: str, after: str, on: dt.date, ctx: Context) -> DisputeEvent:
    return DisputeEvent(
        dispute=dispute,
        action="import",
        from_state=before,
        to_state=after,
        on=on,
        actor=ctx.actor,
        note=_("由文件 {file} 导入").format(file=ctx.file),
        data={"file": ctx.file},
    )


def dump_disputes(user: Any) -> Iterator[tuple[Any, ...]]:
    disputes = Dispute.objects.filter(
        station__county_id__in=_seen(user), person_id__in=Person.objects.visible_to(user).values("pk")
    )
    yield from disputes.order_by("station__county_id", "station__name", "opened_on", "pk").values_list(
        "station__name",
        "person__id_number",
        "person__name",
        "employer__credit_code",
        "kind",
        "amount_claimed",
        "opened_on",
        "summary",
        "state",
        "mediation_on",
        "closed_on",
        "amount_recovered",
        "escalated_to",
        "station__county_id",
    )


# -- visits -----------------------------------------------------------------------------------

VISITS = Table(
    name="workstation_visits",
    zh="工作站走访记录",
    key=("station", "on", "employer_code", "place"),
    description=(
        "The workstations' visits (走访): when, who went, where (an employer of the county's list "
        "by credit code, or a place), how many migrants they met, and what they found. The names "
        "of the migrants met are recorded on the screen, not in the file; a file never counts "
        "fewer people than the names kept."
    ),
    columns=(
        STATION,
        Column("on", "走访日期", Kind.DATE, True, "2026-06-12"),
        Column("visitors", "走访人", Kind.TEXT, True, "王海、李梅", max_length=100),
        Column(
            "employer_code",
            "用工单位统一社会信用代码",
            Kind.TEXT,
            False,
            "91441900MA4W123409",
            "与地点至少填一项",
            max_length=18,
        ),
        Column("place", "地点", Kind.TEXT, False, "", max_length=200),
        Column("persons_met", "见到务工人员数", Kind.INT, False, "12", "不填为 0"),
        Column("notes", "走访情况", Kind.TEXT, False, "宿舍条件良好，工资按月发放", max_length=1000),
        COUNTY,
    ),
)


def load_visits(ctx: Context, rows: pl.DataFrame) -> None:
    rows = _text(_county(ctx, rows), ("place", "notes"))
    if "employer_code" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.String).alias("employer_code"))
    if "persons_met" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.Int64).alias("persons_met"))
    rows = rows.with_columns(pl.col("persons_met").fill_null(0))
    rows = _employers(ctx, _stations(ctx, rows), required=False)
    _future(ctx, rows, "on")
    nowhere = rows.filter(pl.col("employer_code").is_null() & (pl.col("place") == ""))
    ctx.refuse(nowhere.select("_row", pl.lit("").alias("value")), "place", str(WMsg.WHERE_REQUIRED))
    negative = rows.filter(pl.col("persons_met") < 0)
    ctx.refuse(
        negative.select("_row", pl.col("persons_met").alias("value")), "persons_met", str(Msg.NEGATIVE_AMOUNT)
    )
    key = pl.struct("station_id", "on", "employer_id", "place")
    again = rows.filter(key.is_duplicated() & ~key.is_first_distinct())
    ctx.refuse(again.select("_row", pl.col("on").alias("value")), "on", _("同一记录在文件中出现多次"))
    stations = {s.pk: s for s in Workstation.objects.filter(pk__in=rows["station_id"].unique().to_list())}
    for row, station_id, on in rows.select("_row", "station_id", "on").iter_rows():
        s = stations[station_id]
        if on < s.opened_on or (s.closed_on is not None and on > s.closed_on):
            ctx.refuse_row(
                row, "on", on, str(WMsg.STATION_CLOSED).format(opened=s.opened_on, closed=s.closed_on or "—")
            )
    if ctx.problems:
        return
    visits = Visit.objects.filter(station_id__in=list(stations), on__in=rows["on"].unique().to_list())
    existing = {(v.station_id, v.on, v.employer_id, v.place): v for v in visits}
    named = Counter(
        Visit.persons.through.objects.filter(visit__in=[v.pk for v in existing.values()]).values_list(
            "visit_id", flat=True
        )
    )
    new, changed = [], []
    fields = ("visitors", "persons_met", "notes")
    for r in rows.iter_rows(named=True):
        values = {k: r[k] for k in fields}
        found = existing.get((r["station_id"], r["on"], r["employer_id"], r["place"]))
        if found is None:
            new.append(
                Visit(
                    station_id=r["station_id"],
                    on=r["on"],
                    employer_id=r["employer_id"],
                    place=r["place"],
                    created_by=ctx.actor,
                    **values,
                )
            )
        elif any(getattr(found, k) != v for k, v in values.items()):
            if r["persons_met"] < named.get(found.pk, 0):
                ctx.refuse_row(
                    r["_row"],
                    "persons_met",
                    r["persons_met"],
                    str(WMsg.MET_FEWER_THAN_NAMED).format(named=named[found.pk]),
                )
                continue
            for k, v in values.items():
                setattr(found, k, v)
            changed.append(found)
    if ctx.problems:
        return
    with set_actor(ctx.actor):
        Visit.objects.bulk_create(new)
        Visit.objects.bulk_update(changed, list(fields))
    ctx.created, ctx.updated = len(new), len(changed)


def dump_visits(user: Any) -> Iterator[tuple[Any, ...]]:
    visits = Visit.objects.filter(station__county_id__in=_seen(user))
    yield from visits.order_by("station__county_id", "station__name", "on", "pk").values_list(
        "station__name",
        "on",
        "visitors",
        "employer__credit_code",
        "place",
        "persons_met",
        "notes",
        "station__county_id",
    )


register_table(
    Register(
        WORKSTATIONS,
        load_workstations,
        dump_workstations,
        Capability.MANAGE_EMPLOYMENT,
        label=cast(str, gettext_lazy("劳务工作站")),
    )
)
register_table(
    Register(
        DISPUTES,
        load_disputes,
        dump_disputes,
        Capability.MANAGE_EMPLOYMENT,
        sensitive=True,
        label=cast(str, gettext_lazy("劳务工作站劳动纠纷和欠薪案件")),
    )
)
register_table(
    Register(
        VISITS,
        load_visits,
        dump_visits,
        Capability.MANAGE_EMPLOYMENT,
        label=cast(str, gettext_lazy("劳务工作站走访记录")),
    )
)
