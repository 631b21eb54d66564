"""The workshops' registers (lnob.employment.registers): the county's workshops, their rosters
(spells of the ledger through the workshop channel, by resident ID) and their subsidy claims.

Each is keyed on natural keys, so a file sent again changes nothing: a workshop on its employer's
credit code and its name; a roster row on the workshop, the resident ID and the start date; a
claim line on the workshop, the kind, the period's start and the resident ID."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import polars as pl
from auditlog.context import set_actor
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, scope_ranges
from lnob.core.errors import DomainError, Msg
from lnob.core.sensitive import mask_id
from lnob.employment.models import IN_WORK, Channel, Employer, Location, Spell, SpellStatus
from lnob.employment.registers import Context, Register, register_table
from lnob.exchange.schema import YES_NO, Column, Kind, Table

from . import claims as claim_services
from .models import (
    ClaimKind,
    ClaimLine,
    ClaimState,
    Rating,
    SubsidyClaim,
    Workshop,
    WorkshopEvent,
    WorkshopJob,
    WorkshopState,
    WorkshopType,
)
from .roster import roster_spells


def _codes(choices: Any) -> Any:
    return lambda: [(str(v), str(label)) for v, label in choices.choices]


def _county(code: int) -> int:
    return subtree_range(code, Level.COUNTY)[0]


def _counties(user: Any, capability: Capability) -> list[int]:
    return sorted({_county(lo) for lo, _hi in scope_ranges(user, capability)})


def _frame(rows: list[tuple[Any, ...]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def _workshops_of(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` with `workshop_id` and `village` of the workshop each (employer_code, workshop) names,
    among the workshops of the actor's areas; rows naming another are refused."""
    counties = _counties(ctx.actor, ctx.register.capability)
    known = _frame(
        list(
            Workshop.objects.filter(employer__county_id__in=counties).values_list(
                "employer__credit_code", "name", "pk", "village_id"
            )
        ),
        {
            "employer_code": pl.String,
            "workshop": pl.String,
            "workshop_id": pl.Int64,
            "workshop_village": pl.Int64,
        },
    )
    rows = rows.with_columns(
        pl.col("employer_code").str.to_uppercase().str.replace_all(" ", ""),
        pl.col("workshop").str.strip_chars(),
    ).join(known, on=["employer_code", "workshop"], how="left")
    unknown = rows.filter(
        pl.col("workshop_id").is_null()
        | ~pl.col("workshop_village").map_elements(ctx.may, return_dtype=pl.Boolean)
    )
    ctx.refuse(
        unknown.select("_row", pl.col("workshop").alias("value")),
        "workshop",
        _("本县没有这个车间（按经营主体信用代码和车间名称）"),
    )
    return rows.filter(pl.col("workshop_id").is_not_null()).join(
        unknown.select("_row"), on="_row", how="anti"
    )


# -- workshops ------------------------------------------------------------------------------------

WORKSHOPS = Table(
    name="workshops",
    zh="就业帮扶车间",
    key=("employer_code", "name"),
    description=(
        "The county's employment-assistance workshops (就业帮扶车间): the employer that runs each (on the "
        "county's list), its name, type and village. `recognised_on` records a recognition the county "
        "already made (the workshop then runs normally from that day); blank, the workshop waits for "
        "recognition on its page. `managers`: login names of users holding the workshop-manager role there."
    ),
    columns=(
        Column(
            "employer_code",
            "经营主体统一社会信用代码",
            Kind.TEXT,
            True,
            "91500101MA5U7LXK0F",
            "须已在本县用工单位名单中",
            max_length=18,
        ),
        Column("name", "车间名称", Kind.TEXT, True, "分水镇竹编帮扶车间", aliases=("车间",), max_length=100),
        Column("type", "车间类型", Kind.CODE, True, "home_based", codes=_codes(WorkshopType)),
        Column("village", "所在村区划代码", Kind.AREA_CODE, True, "500101103201"),
        Column("address", "地址", Kind.TEXT, False, "石碾村三组", max_length=200),
        Column("opened", "开办日期", Kind.DATE, False, "2024-03-01"),
        Column("recognised_on", "认定日期", Kind.DATE, False, "2024-06-30", "已认定的填写；不填为待认定"),
        Column("rating", "年度考评等次", Kind.CODE, False, "good", codes=_codes(Rating)),
        Column("rating_year", "考评年度", Kind.INT, False, "2025"),
        Column(
            "managers", "车间负责人账号", Kind.TEXT, False, "wz_ws_zhang", "多个用逗号分隔", max_length=200
        ),
        Column("note", "备注", Kind.TEXT, False, "", max_length=200),
    ),
)

_WORKSHOP_FIELDS = ("type", "village_id", "address", "opened", "rating", "rating_year", "note")


def _managers(ctx: Context, rows: pl.DataFrame) -> dict[int, list[Any]]:
    """row -> users named as managers, each holding the role in the workshop's village."""
    from django.contrib.auth import get_user_model

    if "managers" not in rows.columns:
        return {}
    wanted = {
        r["_row"]: [n.strip() for n in (r["managers"] or "").replace("，", ",").split(",") if n.strip()]
        for r in rows.select("_row", "managers", "village").iter_rows(named=True)
    }
    names = {n for ns in wanted.values() for n in ns}
    users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=names, is_active=True)}
    villages = dict(rows.select("_row", "village").iter_rows())
    out: dict[int, list[Any]] = {}
    for row, ns in wanted.items():
        for n in ns:
            if n not in users or not can(users[n], Capability.MANAGE_OWN_WORKSHOP, villages[row]):
                ctx.refuse_row(row, "managers", n, _("该用户不是车间所在村的帮扶车间负责人"))
        out[row] = [users[n] for n in ns if n in users]
    return out


def load_workshops(ctx: Context, rows: pl.DataFrame) -> None:
    for column in ("address", "note", "rating", "managers"):
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(None, pl.String).alias(column))
    for column in ("opened", "recognised_on"):
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(None, pl.Date).alias(column))
    if "rating_year" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.Int64).alias("rating_year"))
    counties = _counties(ctx.actor, ctx.register.capability)
    employers = _frame(
        list(Employer.objects.filter(county_id__in=counties).values_list("credit_code", "pk", "county_id")),
        {"employer_code": pl.String, "employer_id": pl.Int64, "county": pl.Int64},
    )
    rows = rows.with_columns(pl.col("employer_code").str.to_uppercase().str.replace_all(" ", "")).join(
        employers, on="employer_code", how="left"
    )
    ctx.refuse(
        rows.filter(pl.col("employer_id").is_null()).select("_row", pl.col("employer_code").alias("value")),
        "employer_code",
        _("不在本县用工单位名单中"),
    )
    villages = set(
        Area.objects.filter(code__in=rows["village"].drop_nulls().to_list(), level=Level.VILLAGE).values_list(
            "code", flat=True
        )
    )
    today = ctx.today
    for r in rows.filter(pl.col("employer_id").is_not_null()).iter_rows(named=True):
        row, village = r["_row"], r["village"]
        if village not in villages or not ctx.may(village):
            ctx.refuse_row(
                row, "village", village, str(Msg.OUT_OF_SCOPE if village in villages else Msg.NOT_A_VILLAGE)
            )
        elif _county(village) != r["county"]:
            ctx.refuse_row(
                row, "employer_code", r["employer_code"], _("经营主体须在车间所在县的用工单位名单中")
            )
        if bool(r["rating"]) != (r["rating_year"] is not None):
            ctx.refuse_row(row, "rating_year", r["rating_year"], _("请同时填写考评等次和考评年度"))
        for column in ("opened", "recognised_on"):
            if r[column] is not None and r[column] > today:
                ctx.refuse_row(row, column, r[column], str(Msg.IN_FUTURE))
    managers = _managers(ctx, rows)
    if ctx.problems:
        return
    existing = {
        (w.employer_id, w.name): w
        for w in Workshop.objects.filter(employer_id__in=rows["employer_id"].unique().to_list())
    }
    new, changed, events, m2m = [], [], [], []
    for r in rows.iter_rows(named=True):
        values = {
            "type": r["type"],
            "village_id": r["village"],
            "address": (r["address"] or "").strip(),
            "opened": r["opened"],
            "rating": r["rating"] or "",
            "rating_year": r["rating_year"],
            "note": (r["note"] or "").strip(),
        }
        found = existing.get((r["employer_id"], r["name"].strip()))
        if found is None:
            recognised = r["recognised_on"]
            found = Workshop(
                employer_id=r["employer_id"],
                name=r["name"].strip(),
                created_by=ctx.actor,
                recognised_on=recognised,
                state=WorkshopState.NORMAL if recognised else WorkshopState.APPLIED,
                **values,
            )
            new.append((found, r["_row"]))
        else:
            if not ctx.may(found.village_id):  # a workshop of another area is not the actor's to change
                ctx.refuse_row(r["_row"], "name", r["name"], str(Msg.OUT_OF_SCOPE))
                continue
            if r["recognised_on"] is not None and r["recognised_on"] != found.recognised_on:
                ctx.refuse_row(
                    r["_row"], "recognised_on", r["recognised_on"], _("已登记车间的认定日期不能通过导入修改")
                )
                continue
            if any(getattr(found, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(found, k, v)
                changed.append(found)
        m2m.append((found, managers.get(r["_row"], [])))
    if ctx.problems:
        return
    with set_actor(ctx.actor):
        Workshop.objects.bulk_create([w for w, _row in new])
        Workshop.objects.bulk_update(changed, [k.removesuffix("_id") for k in _WORKSHOP_FIELDS])
        _set_managers(m2m, set(rows.columns))
        events = [
            WorkshopEvent(
                workshop=w,
                action="import",
                to_state=w.state,
                day=w.recognised_on or ctx.today,
                actor=ctx.actor,
                comment=ctx.file[:500],
            )
            for w, _row in new
        ]
        WorkshopEvent.objects.bulk_create(events)
    ctx.created, ctx.updated = len(new), len(changed)


def _set_managers(pairs: list[tuple[Workshop, list[Any]]], columns: set[str]) -> None:
    """Managers as the file names them (a file without the column leaves them as they are)."""
    if "managers" not in columns or not pairs:
        return
    through = Workshop.managers.through
    current = defaultdict(set)
    for workshop_id, user_id in through.objects.filter(workshop_id__in=[w.pk for w, _u in pairs]).values_list(
        "workshop_id", "user_id"
    ):
        current[workshop_id].add(user_id)
    drop, add = [], []
    for w, users in pairs:
        want = {u.pk for u in users}
        if want != current[w.pk]:
            drop.append(w.pk)
            add += [through(workshop_id=w.pk, user_id=u) for u in want]
    through.objects.filter(workshop_id__in=drop).delete()
    through.objects.bulk_create(add)


def dump_workshops(user: Any) -> Iterator[tuple[Any, ...]]:
    from .selectors import workshops_visible

    workshops = (
        workshops_visible(user).filter(area_in(user)).select_related("employer").prefetch_related("managers")
    )
    for w in workshops.order_by("employer__credit_code", "name"):
        yield (
            w.employer.credit_code,
            w.name,
            w.type,
            w.village_id,
            w.address,
            w.opened,
            w.recognised_on,
            w.rating,
            w.rating_year,
            ",".join(sorted(u.get_username() for u in w.managers.all())),
            w.note,
        )


def area_in(user: Any) -> Any:
    from lnob.areas.scoping import area_q

    return area_q("village_id", scope_ranges(user, Capability.VIEW_REGISTRY))


# -- rosters -------------------------------------------------------------------------------------

ROSTER = Table(
    name="workshop_roster",
    zh="帮扶车间工人名册",
    key=("employer_code", "workshop", "id_number", "start"),
    description=(
        "Who works in which workshop, from when to when: each row is a spell of the employment ledger "
        "through the workshop channel (in work, in the county, with the workshop's employer). The person "
        "must be registered in the workshop's county. An open spell out of work that began earlier ends "
        "the day before; a full-time spell overlapping another of the person's, in the file or in the "
        "ledger, is refused. A later file with an end date closes the spell."
    ),
    columns=(
        Column(
            "employer_code", "经营主体统一社会信用代码", Kind.TEXT, True, "91500101MA5U7LXK0F", max_length=18
        ),
        Column("workshop", "车间名称", Kind.TEXT, True, "分水镇竹编帮扶车间", max_length=100),
        Column("id_number", "身份证号", Kind.ID_NUMBER, True, "500101199803150020"),
        Column("name", "姓名", Kind.TEXT, False, "李春梅", "核对用，不导入", max_length=50),
        Column("start", "入职日期", Kind.DATE, True, "2025-03-01"),
        Column("end", "离职日期", Kind.DATE, False, "", "在岗不填"),
        Column("monthly_wage", "月工资", Kind.DECIMAL, False, "2200.00", "元"),
        Column("full_time", "全职", Kind.BOOL, False, "是", YES_NO),
    ),
)


def load_roster(ctx: Context, rows: pl.DataFrame) -> None:
    for column, dtype in (("end", pl.Date), ("monthly_wage", pl.Float64), ("full_time", pl.Boolean)):
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(None, dtype).alias(column))
    rows = rows.with_columns(pl.col("full_time").fill_null(True))
    rows = _workshops_of(ctx, ctx.persons(rows))
    employers = dict(
        Workshop.objects.filter(pk__in=rows["workshop_id"].unique().to_list()).values_list(
            "pk", "employer_id"
        )
    )
    good: list[dict[str, Any]] = []
    for r in rows.iter_rows(named=True):
        row = r["_row"]
        if r["village"] is None or _county(r["village"]) != _county(r["workshop_village"]):
            ctx.refuse_row(row, "id_number", mask_id(r["id_number"]), _("此人不在车间所在县登记"))
        elif r["start"] > ctx.today:
            ctx.refuse_row(row, "start", r["start"], str(Msg.IN_FUTURE))
        elif r["end"] is not None and r["end"] < r["start"]:
            ctx.refuse_row(row, "end", r["end"], _("结束日期不能早于开始日期"))
        elif r["end"] is not None and r["end"] > ctx.today:
            ctx.refuse_row(row, "end", r["end"], str(Msg.IN_FUTURE))
        else:
            good.append({**r, "employer_id": employers[r["workshop_id"]]})
    _apply_roster(ctx, good)


def _apply_roster(ctx: Context, rows: list[dict[str, Any]]) -> None:
    persons = {r["person_id"] for r in rows}
    ledger: dict[int, list[Spell]] = defaultdict(list)
    for s in Spell.objects.filter(person_id__in=persons).select_related("workshop_job"):
        ledger[s.person_id].append(s)
    matched: dict[int, Spell] = {}
    for r in rows:
        for s in ledger[r["person_id"]]:
            if (
                s.channel == Channel.WORKSHOP
                and s.employer_id == r["employer_id"]
                and s.start == r["start"]
                and s.status in IN_WORK
            ):
                matched[r["_row"]] = s
    idle_ends: dict[int, Spell] = {}
    for r in rows:
        _overlaps(ctx, r, rows, ledger[r["person_id"]], matched, idle_ends)
    if ctx.problems:
        return
    new_spells, new_jobs, changed = [], [], []
    for r in rows:
        wage = (
            None if r["monthly_wage"] is None else Decimal(str(r["monthly_wage"])).quantize(Decimal("0.01"))
        )
        found = matched.get(r["_row"])
        if found is None:
            spell = Spell(
                person_id=r["person_id"],
                status=SpellStatus.EMPLOYED,
                channel=Channel.WORKSHOP,
                location=Location.IN_COUNTY,
                destination=r["workshop"][:100],
                employer_id=r["employer_id"],
                start=r["start"],
                end=r["end"],
                monthly_wage=wage,
                full_time=r["full_time"],
                created_by=ctx.actor,
            )
            new_spells.append(spell)
            new_jobs.append((spell, r))
        elif (found.end, found.monthly_wage, found.full_time) != (r["end"], wage, r["full_time"]):
            found.end, found.monthly_wage, found.full_time = r["end"], wage, r["full_time"]
            changed.append(found)
    with set_actor(ctx.actor):
        Spell.objects.bulk_update(list(idle_ends.values()), ["end"])
        Spell.objects.bulk_create(new_spells)
        Spell.objects.bulk_update(changed, ["end", "monthly_wage", "full_time"])
        WorkshopJob.objects.bulk_create(
            [
                WorkshopJob(
                    workshop_id=r["workshop_id"], spell=s, person_id=r["person_id"], created_by=ctx.actor
                )
                for s, r in new_jobs
            ]
        )
    ctx.created, ctx.updated = len(new_spells), len(changed)


def _overlaps(
    ctx: Context,
    r: dict[str, Any],
    rows: list[dict[str, Any]],
    spells: list[Spell],
    matched: dict[int, Spell],
    idle_ends: dict[int, Spell],
) -> None:
    """Refuse a full-time row that shares a day with another full-time spell of the person, in the
    ledger (but the spell it updates, and an open one out of work begun earlier, which ends the
    day before) or in the file."""
    if not r["full_time"]:
        return
    far = dt.date.max
    start, end = r["start"], r["end"] or far
    own = matched.get(r["_row"])
    for s in spells:
        if not s.full_time or s is own or any(s is m for m in matched.values()):
            continue
        if s.start > end or (s.end or far) < start:
            continue
        if s.end is None and s.start < start and s.status not in IN_WORK:
            s.end = start - dt.timedelta(days=1)
            idle_ends[s.pk] = s
            continue
        until = s.end.isoformat() if s.end else _("至今")
        ctx.refuse_row(
            r["_row"],
            "start",
            r["start"],
            _("与此人 {start} 至 {end} 的“{status}”记录时间重叠").format(
                start=s.start.isoformat(), end=until, status=s.get_status_display()
            ),
        )
        return
    for o in rows:
        if o is r or o["person_id"] != r["person_id"] or not o["full_time"] or o["_row"] > r["_row"]:
            continue
        if o["start"] <= end and (o["end"] or far) >= start:
            ctx.refuse_row(
                r["_row"], "start", r["start"], _("与文件第 {row} 行的记录时间重叠").format(row=o["_row"])
            )
            return


def dump_roster(user: Any) -> Iterator[tuple[Any, ...]]:
    from lnob.registry.models import Person

    from .selectors import workshops_visible

    workshops = list(workshops_visible(user).filter(area_in(user)).select_related("employer"))
    by_pk = {w.pk: w for w in workshops}
    spells = roster_spells(workshops, dt.date.min, dt.date.max)
    # only the workers the user may see: a workshop in the user's village may employ others
    visible = Person.objects.visible_to(user).filter(pk__in={r.person_id for r in spells})
    ids = dict(visible.values_list("pk", "id_number"))
    spells = [r for r in spells if r.person_id in ids]
    for r in sorted(
        spells,
        key=lambda r: (
            by_pk[r.workshop_id].employer.credit_code,
            by_pk[r.workshop_id].name,
            ids[r.person_id],
            r.start,
        ),
    ):
        w = by_pk[r.workshop_id]
        yield (
            w.employer.credit_code,
            w.name,
            ids[r.person_id],
            r.name,
            r.start,
            r.end,
            r.monthly_wage,
            r.full_time,
        )


# -- claims --------------------------------------------------------------------------------------

CLAIMS = Table(
    name="workshop_claims",
    zh="帮扶车间补贴申报",
    key=("employer_code", "workshop", "kind", "period_start", "id_number"),
    description=(
        "Subsidy claims of workshops, one row per worker claimed. Rows of the same workshop, kind and "
        "period form one claim, saved as a draft with its amount computed from the rule in force and "
        "the ledger (`months` blank: the months the ledger shows). A worker not on the roster in the "
        "period, or more months than the ledger shows, is refused. `amount`, `state`, `paid_on` and "
        "`payment_reference` are written by the export and not read: a claim past its draft cannot be "
        "changed by a file, and the export goes back in unchanged."
    ),
    columns=(
        Column(
            "employer_code", "经营主体统一社会信用代码", Kind.TEXT, True, "91500101MA5U7LXK0F", max_length=18
        ),
        Column("workshop", "车间名称", Kind.TEXT, True, "分水镇竹编帮扶车间", max_length=100),
        Column("kind", "补贴类别", Kind.CODE, True, "workshop_subsidy", codes=_codes(ClaimKind)),
        Column("period_start", "期间起", Kind.DATE, True, "2026-01-01"),
        Column("period_end", "期间止", Kind.DATE, True, "2026-06-30"),
        Column("rating", "考评等次", Kind.CODE, False, "", "等次奖补填写", codes=_codes(Rating)),
        Column("id_number", "身份证号", Kind.ID_NUMBER, True, "500101199803150020"),
        Column("months", "申报月数", Kind.INT, False, "6", "不填按台账"),
        Column("amount", "金额", Kind.DECIMAL, False, "", "导出时填写，导入时不读"),
        Column("state", "状态", Kind.CODE, False, "", "导出时填写，导入时不读", codes=_codes(ClaimState)),
        Column("paid_on", "发放日期", Kind.DATE, False, "", "导出时填写，导入时不读"),
        Column(
            "payment_reference", "支付凭证号", Kind.TEXT, False, "", "导出时填写，导入时不读", max_length=100
        ),
    ),
)


def load_claims(ctx: Context, rows: pl.DataFrame) -> None:
    for column, dtype in (("rating", pl.String), ("months", pl.Int64)):
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(None, dtype).alias(column))
    rows = _workshops_of(ctx, rows)
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in rows.iter_rows(named=True):
        groups[(r["workshop_id"], r["kind"], r["period_start"], r["period_end"], r["rating"] or "")].append(r)
    workshops = Workshop.objects.in_bulk([k[0] for k in groups])
    existing = {
        (c.workshop_id, c.kind, c.period_start, c.period_end): c
        for c in SubsidyClaim.objects.filter(workshop_id__in=list(workshops))
        .exclude(state=ClaimState.REJECTED)
        .prefetch_related("lines__person")
    }
    for (shop, kind, start, end, rating), group in groups.items():
        lines = [claim_services.LineIn(r["id_number"], r["months"]) for r in group]
        claim = existing.get((shop, kind, start, end))
        try:
            if claim is None:
                claim_services.claim_create(
                    actor=ctx.actor,
                    workshop=workshops[shop],
                    kind=kind,
                    period_start=start,
                    period_end=end,
                    rating=rating,
                    lines=lines,
                    evidence_text=ctx.file,
                )
                ctx.created += 1
            elif _claim_changed(claim, group):
                _replace_lines(ctx, claim, group, lines, rating)
        except DomainError as e:
            ctx.refuse_row(
                _row_of(e, group),
                "id_number" if e.field in ("id_number", "lines") else e.field,
                e.value,
                str(e.message),
            )


def _claim_changed(claim: SubsidyClaim, group: list[dict[str, Any]]) -> bool:
    have = {line.person.id_number: line.months for line in claim.lines.all()}
    want = {r["id_number"]: r["months"] for r in group}
    return set(have) != set(want) or any(m is not None and have[i] != m for i, m in want.items())


def _replace_lines(
    ctx: Context, claim: SubsidyClaim, group: list[dict[str, Any]], lines: list[Any], rating: str
) -> None:
    if claim.state != ClaimState.DRAFT:
        raise DomainError("state", claim.get_state_display(), _("申报已提交，不能通过导入修改"))
    from lnob.employment import policy

    rule = policy.rule_for(claim.kind, claim.workshop.village_id, claim.period_end)
    computed = claim_services.compute(
        workshop=claim.workshop,
        kind=claim.kind,
        rule=rule,
        start=claim.period_start,
        end=claim.period_end,
        rating=rating or claim.rating,
        lines=lines,
        exclude=claim.pk,
    )
    with set_actor(ctx.actor):
        claim.lines.all().delete()
        for line in computed.lines:
            line.claim = claim
        claim.lines.model.objects.bulk_create(computed.lines)
        claim.amount, claim.figures, claim.policy = computed.amount, computed.figures, rule.row
        claim.save(update_fields=["amount", "figures", "policy"])
    ctx.updated += 1


def _row_of(e: DomainError, group: list[dict[str, Any]]) -> int:
    """The file row a refusal is about: the one whose resident ID or months it names."""
    for r in group:
        if e.field == "id_number" and mask_id(r["id_number"]) == e.value:
            return int(r["_row"])
        if e.field == "months" and r["months"] == e.value:
            return int(r["_row"])
    return int(group[0]["_row"])


def dump_claims(user: Any) -> Iterator[tuple[Any, ...]]:
    from .selectors import claims_visible

    claims = claims_visible(user).filter(workshop__in=Workshop.objects.filter(area_in(user)))
    from lnob.registry.models import Person

    lines = (
        ClaimLine.objects.filter(claim__in=claims, person__in=Person.objects.visible_to(user))
        .select_related("claim", "claim__workshop", "claim__workshop__employer", "person")
        .order_by(
            "claim__workshop__employer__credit_code",
            "claim__workshop__name",
            "claim__kind",
            "claim__period_start",
            "person__id_number",
        )
    )
    for line in lines:
        c = line.claim
        yield (
            c.workshop.employer.credit_code,
            c.workshop.name,
            c.kind,
            c.period_start,
            c.period_end,
            c.rating,
            line.person.id_number,
            line.months,
            line.amount,
            c.state,
            c.paid_on,
            c.payment_reference,
        )


register_table(
    Register(
        WORKSHOPS,
        load_workshops,
        dump_workshops,
        Capability.MANAGE_EMPLOYMENT,
        label=gettext_lazy("就业帮扶车间"),
    )
)
register_table(
    Register(
        ROSTER,
        load_roster,
        dump_roster,
        Capability.MANAGE_EMPLOYMENT,
        sensitive=True,
        label=gettext_lazy("帮扶车间工人名册"),
    )
)
register_table(
    Register(
        CLAIMS,
        load_claims,
        dump_claims,
        Capability.MANAGE_EMPLOYMENT,
        sensitive=True,
        label=gettext_lazy("帮扶车间补贴申报"),
    )
)
