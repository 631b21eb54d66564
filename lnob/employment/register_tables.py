"""The ledger's own registers: the county's employers and their vacancies (招聘岗位).

Both are keyed on natural keys, so a file sent again changes nothing: an employer on its county
and credit code, a vacancy on its employer, title and start date."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import polars as pl
from auditlog.context import set_actor
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from lnob.areas.codes import Level, subtree_range
from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges
from lnob.core.errors import Msg
from lnob.exchange.schema import YES_NO, Column, Kind, Table, _employment
from lnob.registry.choices import Sex

from .models import Employer, Vacancy
from .registers import Context, Register, register_table
from .selectors import managed_counties


def _counties(user: Any, capability: Capability) -> list[int]:
    return sorted({subtree_range(lo, Level.COUNTY)[0] for lo, _hi in scope_ranges(user, capability)})


EMPLOYERS = Table(
    name="employers",
    zh="用工单位",
    key=("county", "credit_code"),
    description=(
        "The county's list of employers (用工单位), each identified by its unified social credit code "
        "(checked with stdnum.cn.uscc). `county` may be left blank by a user of one county."
    ),
    columns=(
        Column(
            "credit_code",
            "统一社会信用代码",
            Kind.TEXT,
            True,
            "91441900MA4W123409",
            "18 位，末位为校验码",
            max_length=18,
        ),
        Column(
            "name", "单位名称", Kind.TEXT, True, "东莞市华宏电子有限公司", aliases=("名称",), max_length=200
        ),
        Column("sector", "行业", Kind.TEXT, False, "电子制造", max_length=100),
        Column("address", "地址", Kind.TEXT, False, "广东省东莞市长安镇", max_length=200),
        Column("county", "登记县区划代码", Kind.AREA_CODE, False, "530627000000", "只管一个县的用户可不填"),
    ),
)


def _county_column(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """Blank counties are the actor's one county; a county the actor does not manage is refused."""
    mine = managed_counties(ctx.actor, ctx.register.capability)
    if "county" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.Int64).alias("county"))
    if not mine:  # a township's officer: the county's list is the county's
        ctx.refuse(rows.select("_row", pl.col("county").alias("value")), "county", str(Msg.OUT_OF_SCOPE))
        return rows.clear()
    if len(mine) == 1:
        rows = rows.with_columns(pl.col("county").fill_null(mine[0]))
    blank = rows.filter(pl.col("county").is_null())
    ctx.refuse(
        blank.select("_row", pl.lit("").alias("value")), "county", _("您管理不止一个县：请填写登记县区划代码")
    )
    foreign = rows.filter(pl.col("county").is_not_null() & ~pl.col("county").is_in(mine))
    ctx.refuse(foreign.select("_row", pl.col("county").alias("value")), "county", str(Msg.OUT_OF_SCOPE))
    return rows.filter(pl.col("county").is_in(mine))


def _valid_code(code: str) -> str | None:
    try:
        return str(uscc.validate(code))
    except ValidationError:
        return None


def load_employers(ctx: Context, rows: pl.DataFrame) -> None:
    rows = _county_column(ctx, rows).with_columns(
        pl.col("credit_code").map_elements(_valid_code, return_dtype=pl.String).alias("code")
    )
    bad = rows.filter(pl.col("code").is_null())
    ctx.refuse(
        bad.select("_row", pl.col("credit_code").alias("value")), "credit_code", str(Msg.CREDIT_CODE_INVALID)
    )
    rows = rows.filter(pl.col("code").is_not_null())
    # the same code written two ways (spaces, lower case) is one employer
    again = rows.filter(
        pl.struct("county", "code").is_duplicated() & ~pl.struct("county", "code").is_first_distinct()
    )
    ctx.refuse(
        again.select("_row", pl.col("credit_code").alias("value")),
        "credit_code",
        _("同一记录在文件中出现多次"),
    )
    if ctx.problems:
        return
    existing = {
        (e.county_id, e.credit_code): e
        for e in Employer.objects.filter(
            county_id__in=rows["county"].unique().to_list(), credit_code__in=rows["code"].to_list()
        )
    }
    new, changed = [], []
    for r in rows.iter_rows(named=True):
        values = {
            "name": r["name"].strip(),
            "sector": r.get("sector") or "",
            "address": r.get("address") or "",
        }
        found = existing.get((r["county"], r["code"]))
        if found is None:
            new.append(Employer(county_id=r["county"], credit_code=r["code"], **values))
        elif any(getattr(found, k) != v for k, v in values.items() if k in rows.columns or k == "name"):
            for k, v in values.items():
                if k in rows.columns or k == "name":
                    setattr(found, k, v)
            changed.append(found)
    with set_actor(ctx.actor):
        Employer.objects.bulk_create(new)
        Employer.objects.bulk_update(changed, ["name", "sector", "address"])
    ctx.created, ctx.updated = len(new), len(changed)


def dump_employers(user: Any) -> Iterator[tuple[Any, ...]]:
    counties = _counties(user, Capability.VIEW_REGISTRY)
    yield from (
        Employer.objects.filter(county_id__in=counties)
        .order_by("county_id", "credit_code")
        .values_list("credit_code", "name", "sector", "address", "county_id")
    )


VACANCIES = Table(
    name="vacancies",
    zh="招聘岗位",
    key=("employer_code", "title", "start"),
    description=(
        "Places an employer on the county's list offers (招聘岗位): how many, where, the wage and age "
        "ranges and the requirements. Key: employer, title and start date; a later file with `status` "
        "closed ends the vacancy."
    ),
    columns=(
        Column(
            "employer_code",
            "用工单位统一社会信用代码",
            Kind.TEXT,
            True,
            "91441900MA4W123409",
            "须已在本县用工单位名单中",
            max_length=18,
        ),
        Column("title", "岗位名称", Kind.TEXT, True, "电子装配工", max_length=100),
        Column("headcount", "招聘人数", Kind.INT, True, "30", "大于 0"),
        Column("location", "就业地域", Kind.CODE, True, "out_of_province", codes=_employment("Location")),
        Column("destination", "工作地点", Kind.TEXT, False, "广东省东莞市", max_length=100),
        Column("wage_min", "月工资下限", Kind.DECIMAL, True, "4000.00", "元"),
        Column("wage_max", "月工资上限", Kind.DECIMAL, True, "6000.00", "元，不低于下限"),
        Column("age_min", "最低年龄", Kind.INT, False, "18", "不填为 16"),
        Column("age_max", "最高年龄", Kind.INT, False, "50", "不填为 60"),
        Column("skills", "技能要求", Kind.TEXT, False, "", max_length=200),
        Column("certificates", "证书要求", Kind.TEXT, False, "", max_length=200),
        Column("physical", "体力要求", Kind.CODE, False, "medium", codes=_employment("Physical")),
        Column("home_based", "可居家就业", Kind.BOOL, False, "否", YES_NO),
        Column("housing", "提供住宿", Kind.BOOL, False, "是", YES_NO),
        Column(
            "sex_required",
            "性别要求",
            Kind.CODE,
            False,
            "",
            "仅限法律规定的情形；不填为不限",
            codes=lambda: [(str(v), str(lab)) for v, lab in Sex.choices],
        ),
        Column(
            "requirement_reason",
            "性别要求的法律依据",
            Kind.TEXT,
            False,
            "",
            "有性别要求时必填",
            max_length=200,
        ),
        Column("start", "到岗日期", Kind.DATE, True, "2026-12-01"),
        Column(
            "status",
            "状态",
            Kind.CODE,
            False,
            "open",
            "不填为招聘中",
            codes=lambda: [(str(v), str(lab)) for v, lab in Vacancy.Status.choices],
        ),
    ),
)

_VACANCY_FIELDS = (
    "headcount", "location", "destination", "wage_min", "wage_max", "age_min", "age_max", "skills",
    "certificates", "physical", "home_based", "housing", "sex_required", "requirement_reason", "status",
)  # fmt: skip
_DEFAULTS: dict[str, Any] = {
    "destination": "", "age_min": 16, "age_max": 60, "skills": "", "certificates": "", "physical": "medium",
    "home_based": False, "housing": False, "sex_required": "", "requirement_reason": "", "status": "open",
}  # fmt: skip


def load_vacancies(ctx: Context, rows: pl.DataFrame) -> None:
    counties = managed_counties(ctx.actor, ctx.register.capability)
    employers = pl.DataFrame(
        list(Employer.objects.filter(county_id__in=counties).values_list("credit_code", "pk")),
        schema={"employer_code": pl.String, "employer_id": pl.Int64},
        orient="row",
    )
    rows = rows.with_columns(pl.col("employer_code").str.to_uppercase().str.replace_all(" ", "")).join(
        employers, on="employer_code", how="left"
    )
    unknown = rows.filter(pl.col("employer_id").is_null())
    ctx.refuse(
        unknown.select("_row", pl.col("employer_code").alias("value")),
        "employer_code",
        _("不在本县用工单位名单中"),
    )
    for column, default in _DEFAULTS.items():
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(default).alias(column))
        else:
            rows = rows.with_columns(pl.col(column).fill_null(default))
    ctx.refuse(
        rows.filter(pl.col("headcount") <= 0).select("_row", pl.col("headcount").alias("value")),
        "headcount",
        str(Msg.HEADCOUNT),
    )
    ctx.refuse(
        rows.filter(pl.col("wage_max") < pl.col("wage_min")).select(
            "_row", pl.col("wage_max").alias("value")
        ),
        "wage_max",
        _("工资上限不能低于下限"),
    )
    ctx.refuse(
        rows.filter(pl.col("age_min") > pl.col("age_max")).select("_row", pl.col("age_min").alias("value")),
        "age_min",
        _("最低年龄不能高于最高年龄"),
    )
    ctx.refuse(
        rows.filter(
            (pl.col("sex_required") != "") & (pl.col("requirement_reason").str.strip_chars() == "")
        ).select("_row", pl.col("requirement_reason").alias("value")),
        "requirement_reason",
        _("性别要求须写明法律依据，否则不得限制性别"),
    )
    if ctx.problems:
        return
    existing = {
        (v.employer_id, v.title, v.start): v
        for v in Vacancy.objects.filter(employer_id__in=rows["employer_id"].unique().to_list())
    }
    new, changed = [], []
    for r in rows.iter_rows(named=True):
        values = {k: r[k] for k in _VACANCY_FIELDS}
        values["wage_min"], values["wage_max"] = Decimal(str(r["wage_min"])), Decimal(str(r["wage_max"]))
        found = existing.get((r["employer_id"], r["title"], r["start"]))
        if found is None:
            new.append(
                Vacancy(
                    employer_id=r["employer_id"],
                    title=r["title"],
                    start=r["start"],
                    created_by=ctx.actor,
                    **values,
                )
            )
        elif any(getattr(found, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(found, k, v)
            changed.append(found)
    with set_actor(ctx.actor):
        Vacancy.objects.bulk_create(new)
        Vacancy.objects.bulk_update(changed, list(_VACANCY_FIELDS))
    ctx.created, ctx.updated = len(new), len(changed)


def dump_vacancies(user: Any) -> Iterator[tuple[Any, ...]]:
    counties = _counties(user, Capability.VIEW_REGISTRY)
    vacancies = Vacancy.objects.filter(employer__county_id__in=counties)
    yield from vacancies.order_by("employer__credit_code", "start", "title").values_list(
        "employer__credit_code", "title", "headcount", "location", "destination", "wage_min", "wage_max",
        "age_min", "age_max", "skills", "certificates", "physical", "home_based", "housing",
        "sex_required", "requirement_reason", "start", "status",
    )  # fmt: skip


register_table(
    Register(
        EMPLOYERS,
        load_employers,
        dump_employers,
        Capability.MANAGE_EMPLOYMENT,
        label=gettext_lazy("用工单位"),
    )
)
register_table(
    Register(
        VACANCIES,
        load_vacancies,
        dump_vacancies,
        Capability.MANAGE_EMPLOYMENT,
        label=gettext_lazy("招聘岗位"),
    )
)
