"""The `fairs` and `fair_vacancies` registers: the fairs, and the vacancies their recruiters offer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import polars as pl
from auditlog.context import set_actor
from django.utils.translation import gettext as _

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.core.errors import Msg
from lnob.employment.models import Employer, Vacancy
from lnob.employment.register_tables import VACANCIES, load_vacancies
from lnob.employment.registers import Context
from lnob.exchange.schema import Column, Kind, Table

from ..models import (
    FairStatus,
    FairVacancy,
    JobFair,
    Recruiter,
)
from ..services import FairMsg
from .common import FAIR_CODE, codes_of, county_code, managed_counties, text, with_defaults

# -- fairs ------------------------------------------------------------------------------------------

FAIRS = Table(
    name="fairs",
    zh="招聘会",
    key=("code",),
    description=(
        "Job fairs (招聘会) organised by a county or a township: the code is unique in the county. "
        "`status` moves planned → held → closed, never back; a fair is held from its first day on."
    ),
    columns=(
        Column("code", "招聘会编号", Kind.TEXT, True, "ZX-2026-01", "本县内不重复", max_length=30),
        Column("name", "名称", Kind.TEXT, True, "2026年春风行动招聘会", max_length=100),
        Column("area", "主办区域代码", Kind.AREA_CODE, True, "530627000000", "县或乡镇"),
        Column("start", "开始日期", Kind.DATE, True, "2026-03-05"),
        Column("end", "结束日期", Kind.DATE, False, "2026-03-06", "不填为开始日期"),
        Column("venue", "举办地点", Kind.TEXT, True, "镇雄县体育馆", max_length=200),
        Column("village", "举办地所在村（社区）代码", Kind.AREA_CODE, True, "530627102201", "主办区域内"),
        Column("status", "状态", Kind.CODE, False, "planned", "不填为筹备中", codes=codes_of(FairStatus)),
        Column("note", "备注", Kind.TEXT, False, "", max_length=200),
    ),
)

_ORDER = {FairStatus.PLANNED: 0, FairStatus.HELD: 1, FairStatus.CLOSED: 2}


def load_fairs(ctx: Context, rows: pl.DataFrame) -> None:
    rows = with_defaults(rows, {"status": "planned", "note": ""})
    if "end" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.Date).alias("end"))
    rows = rows.with_columns(pl.col("end").fill_null(pl.col("start")))
    codes = set(rows["area"].drop_nulls().to_list()) | set(rows["village"].drop_nulls().to_list())
    levels = dict(Area.objects.filter(code__in=codes).values_list("code", "level"))
    existing = {
        (f.county_id, f.code): f
        for f in JobFair.objects.filter(
            county_id__in={county_code(a) for a in rows["area"].to_list()}, code__in=rows["code"].to_list()
        )
    }
    new: list[JobFair] = []
    changed: list[JobFair] = []
    for r in rows.iter_rows(named=True):
        fair = _check_fair_row(ctx, r, levels, existing)
        if fair is None or ctx.problems:
            continue
        if fair.pk is None:
            new.append(fair)
        elif fair._changed:  # type: ignore[attr-defined]
            changed.append(fair)
    if ctx.problems:
        return
    with set_actor(ctx.actor):
        JobFair.objects.bulk_create(new)
        JobFair.objects.bulk_update(changed, ["name", "start", "end", "venue", "village", "status", "note"])
    ctx.created, ctx.updated = len(new), len(changed)


def _check_fair_row(
    ctx: Context, r: dict[str, Any], levels: dict[int, int], existing: dict[tuple[int, str], JobFair]
) -> JobFair | None:
    row, area, village = r["_row"], r["area"], r["village"]
    if levels.get(area) not in (Level.COUNTY, Level.TOWNSHIP):
        ctx.refuse_row(row, "area", area, str(FairMsg.NOT_COUNTY_OR_TOWNSHIP))
        return None
    if not ctx.may(area):
        ctx.refuse_row(row, "area", area, str(Msg.OUT_OF_SCOPE))
        return None
    lo, hi = subtree_range(area, Level(levels[area]))
    if levels.get(village) != Level.VILLAGE or not lo <= village < hi:
        ctx.refuse_row(row, "village", village, str(FairMsg.VILLAGE_OUTSIDE))
    if r["end"] < r["start"]:
        ctx.refuse_row(row, "end", r["end"], str(FairMsg.END_BEFORE_START))
    status = r["status"]
    if status != FairStatus.PLANNED and r["start"] > ctx.today:
        ctx.refuse_row(row, "status", status, str(FairMsg.NOT_YET).format(start=r["start"]))
    values = {
        "name": text(r["name"]),
        "start": r["start"],
        "end": r["end"],
        "venue": text(r["venue"]),
        "village_id": village,
        "status": status,
        "note": text(r["note"]),
    }
    fair = existing.get((county_code(area), text(r["code"])))
    if fair is None:
        return JobFair(
            county_id=county_code(area), area_id=area, code=text(r["code"]), created_by=ctx.actor, **values
        )
    if fair.area_id != area:
        ctx.refuse_row(row, "code", r["code"], _("这个编号已是另一主办区域的招聘会"))
        return None
    fair._changed = any(getattr(fair, k) != v for k, v in values.items())  # type: ignore[attr-defined]
    if fair._changed and fair.status == FairStatus.CLOSED:  # type: ignore[attr-defined]
        ctx.refuse_row(row, "code", r["code"], str(FairMsg.CLOSED))
    elif _ORDER[FairStatus(status)] < _ORDER[FairStatus(fair.status)]:
        ctx.refuse_row(
            row, "status", status, _("招聘会的状态不能回退（现为“{s}”）").format(s=fair.get_status_display())
        )
    for k, v in values.items():
        setattr(fair, k, v)
    return fair


def dump_fairs(user: Any) -> Iterator[tuple[Any, ...]]:
    from ..selectors import fairs_visible

    yield from (
        fairs_visible(user)
        .order_by("county_id", "start", "code")
        .values_list("code", "name", "area_id", "start", "end", "venue", "village_id", "status", "note")
    )


# -- fair vacancies ----------------------------------------------------------------------------------

_VACANCY_COLUMNS = tuple(c for c in VACANCIES.columns if c.name != "employer_code")

FAIR_VACANCIES = Table(
    name="fair_vacancies",
    zh="招聘会岗位",
    key=("fair_code", "employer_code", "title", "start"),
    description=(
        "The vacancies offered at a fair, one row each: the employer (by its credit code) joins the "
        "fair as a recruiter, and an employer new to the county's list is added to it with "
        "`employer_name`. The vacancy is the ledger's (the `vacancies` register, same columns and "
        "rules). No new recruiters or vacancies once the fair is closed."
    ),
    columns=(
        FAIR_CODE,
        Column(
            "employer_code",
            "用工单位统一社会信用代码",
            Kind.TEXT,
            True,
            "91441900MA4W123409",
            "不在本县名单中的单位须填写单位名称",
            max_length=18,
        ),
        Column(
            "employer_name",
            "单位名称",
            Kind.TEXT,
            False,
            "东莞市华宏电子有限公司",
            "新单位必填",
            max_length=200,
        ),
        Column("booth", "展位号", Kind.TEXT, False, "A01", max_length=20),
        *_VACANCY_COLUMNS,
    ),
)


def _fairs_by_code(ctx: Context, codes: list[str]) -> dict[str, JobFair]:
    """The fairs the actor manages, by code (a code names one fair in the actor's counties)."""
    counties = managed_counties(ctx.actor, ctx.register.capability)
    found: dict[str, JobFair] = {}
    for fair in JobFair.objects.filter(county_id__in=counties, code__in=codes).order_by("pk"):
        if ctx.may(fair.area_id):
            found.setdefault(fair.code, fair)
    return found


def _valid_credit_code(code: str | None) -> str | None:
    from stdnum.cn import uscc
    from stdnum.exceptions import ValidationError

    try:
        return str(uscc.validate(code or ""))
    except ValidationError:
        return None


def load_fair_vacancies(ctx: Context, rows: pl.DataFrame) -> None:
    fairs = _fairs_by_code(ctx, rows["fair_code"].unique().to_list())
    rows = rows.with_columns(
        pl.col("employer_code").map_elements(_valid_credit_code, return_dtype=pl.String).alias("_code")
    )
    names: dict[tuple[int, str], str] = {}
    for r in rows.iter_rows(named=True):
        fair = fairs.get(text(r["fair_code"]))
        if fair is None:
            ctx.refuse_row(
                r["_row"], "fair_code", r["fair_code"], _("未找到这个编号的招聘会，或您不是主办方")
            )
        elif r["_code"] is None:
            ctx.refuse_row(r["_row"], "employer_code", r["employer_code"], str(Msg.CREDIT_CODE_INVALID))
        elif text(r.get("employer_name")):
            names.setdefault((fair.county_id, r["_code"]), text(r["employer_name"]))
    if ctx.problems:
        return
    rows = rows.with_columns(
        pl.col("fair_code")
        .replace_strict({c: f.pk for c, f in fairs.items()}, return_dtype=pl.Int64)
        .alias("_fair"),
        pl.col("fair_code")
        .replace_strict({c: f.county_id for c, f in fairs.items()}, return_dtype=pl.Int64)
        .alias("_county"),
    )
    employers = _employers(ctx, rows, names)
    if ctx.problems:
        return
    keys = pl.DataFrame(
        [(county, code, pk) for (county, code), pk in employers.items()],
        schema={"_county": pl.Int64, "_code": pl.String, "_employer": pl.Int64},
        orient="row",
    )
    rows = rows.join(keys, on=["_county", "_code"], how="left")
    _closed_fairs_take_nothing_new(ctx, rows, fairs)
    if ctx.problems:
        return
    ledger_rows = _one_row_per_vacancy(
        ctx,
        rows.select(
            "_row",
            pl.col("_code").alias("employer_code"),
            *[c.name for c in _VACANCY_COLUMNS if c.name in rows.columns],
        ),
    )
    if ctx.problems:
        return
    load_vacancies(ctx, ledger_rows)  # the ledger's own checks and writes of its vacancies
    if ctx.problems:
        return
    changed_vacancies = ctx.updated
    vacancies = {
        (v.employer_id, v.title, v.start): v.pk
        for v in Vacancy.objects.filter(employer_id__in=rows["_employer"].unique().to_list())
    }
    created, updated = _recruiters_and_links(ctx, rows, vacancies)
    ctx.created, ctx.updated = created, changed_vacancies + updated


def _one_row_per_vacancy(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """A vacancy offered at two fairs of the file is one vacancy of the ledger: its rows must agree."""
    key = ["employer_code", "title", "start"]
    fields = [c for c in rows.columns if c not in ("_row", *key)]
    variants = rows.group_by(key).agg(pl.struct(fields).n_unique().alias("_n"))
    clash = rows.join(variants.filter(pl.col("_n") > 1), on=key, how="semi")
    ctx.refuse(
        clash.select("_row", pl.col("title").alias("value")),
        "title",
        _("同一岗位在文件中出现多次且内容不一致"),
    )
    return rows.unique(subset=key, keep="first", maintain_order=True)


def _employers(
    ctx: Context, rows: pl.DataFrame, names: dict[tuple[int, str], str]
) -> dict[tuple[int, str], int]:
    """The employers of the rows on their county's list; new ones added with their name."""
    wanted = set(zip(rows["_county"].to_list(), rows["_code"].to_list(), strict=True))
    found = {
        (e.county_id, e.credit_code): e.pk
        for e in Employer.objects.filter(
            county_id__in={c for c, _code in wanted}, credit_code__in={code for _c, code in wanted}
        )
    }
    missing = wanted - set(found)
    for r in rows.iter_rows(named=True):
        key = (r["_county"], r["_code"])
        if key in missing and key not in names:
            ctx.refuse_row(r["_row"], "employer_name", "", str(FairMsg.NAME_FOR_NEW_EMPLOYER))
    if ctx.problems:
        return found
    with set_actor(ctx.actor):
        made = Employer.objects.bulk_create(
            [Employer(county_id=c, credit_code=code, name=names[(c, code)]) for c, code in sorted(missing)]
        )
    found |= {(e.county_id, e.credit_code): e.pk for e in made}
    if len(made) != len(missing):  # a database that does not return keys from bulk_create
        found |= {
            (e.county_id, e.credit_code): e.pk
            for e in Employer.objects.filter(credit_code__in={code for _c, code in missing})
        }
    return found


def _closed_fairs_take_nothing_new(ctx: Context, rows: pl.DataFrame, fairs: dict[str, JobFair]) -> None:
    closed = {f.pk for f in fairs.values() if f.status == FairStatus.CLOSED}
    if not closed:
        return
    linked = set(
        FairVacancy.objects.filter(recruiter__fair_id__in=closed).values_list(
            "recruiter__fair_id", "vacancy__employer_id", "vacancy__title", "vacancy__start"
        )
    )
    for r in rows.filter(pl.col("_fair").is_in(sorted(closed))).iter_rows(named=True):
        if (r["_fair"], r["_employer"], r["title"], r["start"]) not in linked:
            ctx.refuse_row(r["_row"], "fair_code", r["fair_code"], str(FairMsg.CLOSED))


def _recruiters_and_links(
    ctx: Context, rows: pl.DataFrame, vacancies: dict[tuple[int, str, dt.date], int]
) -> tuple[int, int]:
    fair_ids = rows["_fair"].unique().to_list()
    recruiters = {(r.fair_id, r.employer_id): r for r in Recruiter.objects.filter(fair_id__in=fair_ids)}
    booths: dict[tuple[int, int], str] = {}
    for r in rows.iter_rows(named=True):
        booths.setdefault((r["_fair"], r["_employer"]), text(r.get("booth")))
    new = [
        Recruiter(fair_id=f, employer_id=e, booth=booth, created_by=ctx.actor)
        for (f, e), booth in booths.items()
        if (f, e) not in recruiters
    ]
    changed = []
    if "booth" in rows.columns:
        for key, booth in booths.items():
            found = recruiters.get(key)
            if found is not None and found.booth != booth:
                found.booth = booth
                changed.append(found)
    with set_actor(ctx.actor):
        Recruiter.objects.bulk_create(new)
        Recruiter.objects.bulk_update(changed, ["booth"])
    recruiters = {(r.fair_id, r.employer_id): r for r in Recruiter.objects.filter(fair_id__in=fair_ids)}
    links = set(
        FairVacancy.objects.filter(recruiter__fair_id__in=fair_ids).values_list("recruiter_id", "vacancy_id")
    )
    wanted = {
        (recruiters[(r["_fair"], r["_employer"])].pk, vacancies[(r["_employer"], r["title"], r["start"])])
        for r in rows.iter_rows(named=True)
    }
    made = [FairVacancy(recruiter_id=rec, vacancy_id=vac) for rec, vac in sorted(wanted - links)]
    with set_actor(ctx.actor):
        FairVacancy.objects.bulk_create(made)
    return len(made), len(changed)


def dump_fair_vacancies(user: Any) -> Iterator[tuple[Any, ...]]:
    from ..selectors import fairs_visible

    links = FairVacancy.objects.filter(recruiter__fair__in=fairs_visible(user))
    order = ("recruiter__fair__county_id", "recruiter__fair__code", "vacancy__employer__credit_code")
    vacancy = [f"vacancy__{c.name}" for c in _VACANCY_COLUMNS]
    yield from links.order_by(*order, "vacancy__start", "vacancy__title").values_list(
        "recruiter__fair__code",
        "vacancy__employer__credit_code",
        "vacancy__employer__name",
        "recruiter__booth",
        *vacancy,
    )
