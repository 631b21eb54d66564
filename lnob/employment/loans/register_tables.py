"""The channel's registers (lnob.employment.registers): businesses with their owners, loans, and
the banks' repayment feeds. Each is keyed on a natural key, so the same file again changes
nothing, and each checks its rows with the same rules as the services, in bulk.

- `businesses` (创业实体): key owner's resident ID + business name. Registers the owner as an
  entrepreneur when needed; a new business makes its owner self-employed in the ledger.
- `loans` (贷款): key the loan contract number (借款合同号). Checked against the rule of its type
  in force in the borrower's area on the issue day, like `loan_issue`.
- `loan_repayments` (还款记录): the bank feed, key contract number + date. A loan whose principal
  is repaid in full is settled on its last repayment's day.
"""

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

from lnob.areas.codes import Level, level_of
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.core.errors import DomainError, Msg
from lnob.employment.models import Employer, EmploymentPolicy, Location, Spell, SpellStatus
from lnob.employment.policy import Rule, covers, parse_params
from lnob.employment.registers import Context, Register, register_table
from lnob.employment.services import county_of
from lnob.exchange.schema import YES_NO, Column, Kind, Table
from lnob.registry.models import Person

from .households import groups_on
from .models import (
    OPEN_STATUSES,
    Business,
    BusinessStatus,
    Entrepreneur,
    Loan,
    LoanStatus,
    LoanType,
    Repayment,
    policy_kind,
)
from .services import LoanMsg, add_months, check_loan, valid_credit_code


def _codes(choices: Any) -> Any:
    return lambda: [(str(v), str(label)) for v, label in choices.choices]


def _dec(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _scoped(ctx: Context, rows: pl.DataFrame, area: str, column: str) -> pl.DataFrame:
    """Rows whose `area` the actor manages; the others refused on `column`."""
    mine = rows.with_columns(
        pl.col(area).map_elements(lambda a: ctx.may(int(a)), return_dtype=pl.Boolean).alias("_mine")
    )
    ctx.refuse(
        mine.filter(~pl.col("_mine")).select("_row", pl.col(column).alias("value")),
        column,
        str(Msg.OUT_OF_SCOPE),
    )
    return mine.filter(pl.col("_mine")).drop("_mine")


def _fill(rows: pl.DataFrame, defaults: dict[str, Any]) -> pl.DataFrame:
    for column, default in defaults.items():
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(default).alias(column))
        elif default is not None:
            rows = rows.with_columns(pl.col(column).fill_null(default))
    return rows


def _refuse_where(ctx: Context, rows: pl.DataFrame, condition: pl.Expr, column: str, message: Any) -> None:
    ctx.refuse(rows.filter(condition).select("_row", pl.col(column).alias("value")), column, str(message))


# -- businesses -----------------------------------------------------------------------------------

BUSINESSES = Table(
    name="businesses",
    zh="创业实体",
    key=("id_number", "name"),
    description=(
        "Businesses run by returning or local entrepreneurs (创业实体), each with its owner's resident "
        "ID. A new business makes its owner self-employed in the ledger from its start date. Key: "
        "owner and business name; a later file with `status` closed and `closed_on` closes it."
    ),
    columns=(
        Column("id_number", "创业者身份证号", Kind.ID_NUMBER, True, "530627198001010011", "须已在本县登记"),
        Column("returning", "返乡创业", Kind.BOOL, False, "是", YES_NO + "；不填为是"),
        Column("returned_from", "返乡前务工地", Kind.TEXT, False, "广东省东莞市", max_length=100),
        Column("returned_on", "返乡日期", Kind.DATE, False, "2024-03-01"),
        Column("name", "创业实体名称", Kind.TEXT, True, "泼机镇春梅养殖场", max_length=200),
        Column("sector", "行业", Kind.TEXT, False, "畜牧养殖", max_length=100),
        Column("business_village", "所在村区划代码", Kind.AREA_CODE, True, "530627102201"),
        Column(
            "credit_code",
            "统一社会信用代码",
            Kind.TEXT,
            False,
            "92530627MA6N0XY10F",
            "有则填写；18 位",
            max_length=18,
        ),
        Column("started", "开业日期", Kind.DATE, True, "2024-05-01"),
        Column(
            "status", "经营状态", Kind.CODE, False, "operating", "不填为经营中", codes=_codes(BusinessStatus)
        ),
        Column("closed_on", "关闭日期", Kind.DATE, False, "", "已关闭时必填"),
        Column("other_jobs", "其他用工人数", Kind.INT, False, "0", "未在本县台账中的雇工"),
    ),
)


def _check_business_rows(ctx: Context, rows: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    future = [(c, pl.col(c) > today) for c in ("started", "returned_on", "closed_on")]
    for column, condition in future:
        _refuse_where(ctx, rows, condition.fill_null(False), column, Msg.IN_FUTURE)
    local = ~pl.col("returning") & (
        (pl.col("returned_from").str.len_chars() > 0) | pl.col("returned_on").is_not_null()
    )
    _refuse_where(ctx, rows, local, "returned_from", LoanMsg.LOCAL_NO_RETURN)
    closed = pl.col("status") == BusinessStatus.CLOSED
    _refuse_where(ctx, rows, closed & pl.col("closed_on").is_null(), "closed_on", Msg.REQUIRED)
    _refuse_where(
        ctx,
        rows,
        ~closed & pl.col("closed_on").is_not_null(),
        "closed_on",
        _("只有已关闭的创业实体才有关闭日期"),
    )
    _refuse_where(
        ctx,
        rows,
        (pl.col("closed_on") < pl.col("started")).fill_null(False),
        "closed_on",
        Msg.PERIOD_REVERSED,
    )
    _refuse_where(ctx, rows, pl.col("other_jobs") < 0, "other_jobs", Msg.NEGATIVE_AMOUNT)
    rows = rows.with_columns(
        pl.col("credit_code").map_elements(lambda c: _compact_code(c), return_dtype=pl.String).alias("code")
    )
    _refuse_where(
        ctx,
        rows,
        (pl.col("credit_code") != "") & pl.col("code").is_null(),
        "credit_code",
        Msg.CREDIT_CODE_INVALID,
    )
    villages = set(
        Area.objects.filter(
            code__in=rows["business_village"].unique().to_list(), level=Level.VILLAGE
        ).values_list("code", flat=True)
    )
    rows = rows.with_columns(pl.col("business_village").is_in(sorted(villages)).alias("_known"))
    _refuse_where(ctx, rows, ~pl.col("_known"), "business_village", _("没有这个村级区划代码"))
    rows = rows.filter(pl.col("_known"))
    rows = _scoped(ctx, rows, "business_village", "business_village")
    same_county = [
        county_of(v) == county_of(o) for v, o in rows.select("business_village", "village").iter_rows()
    ]
    rows = rows.with_columns(pl.Series("_same", same_county, dtype=pl.Boolean))
    _refuse_where(ctx, rows, ~pl.col("_same"), "business_village", LoanMsg.OTHER_COUNTY)
    return rows


def _compact_code(code: str) -> str | None:
    if not code:
        return ""
    try:
        return valid_credit_code(code)
    except DomainError:
        return None


def load_businesses(ctx: Context, rows: pl.DataFrame) -> None:
    rows = _fill(
        rows,
        {
            "returning": True,
            "returned_from": "",
            "returned_on": None,
            "sector": "",
            "credit_code": "",
            "status": "operating",
            "closed_on": None,
            "other_jobs": 0,
        },
    )
    rows = rows.with_columns(pl.col("returned_on").cast(pl.Date), pl.col("closed_on").cast(pl.Date))
    rows = ctx.persons(rows)
    rows = _scoped(ctx, rows, "village", "id_number")
    rows = _check_business_rows(ctx, rows, ctx.today)
    if ctx.problems:
        return
    owners = _entrepreneurs(ctx, rows)
    existing = {
        (b.entrepreneur.person_id, b.name): b
        for b in Business.objects.filter(entrepreneur__person_id__in=list(owners)).select_related(
            "entrepreneur", "owner_spell"
        )
    }
    employers = _employers(ctx, rows)
    new: list[tuple[int, Business]] = []
    changed: list[Business] = []
    closing: list[Spell] = []
    for r in rows.iter_rows(named=True):
        values = {
            "sector": r["sector"],
            "village_id": r["business_village"],
            "credit_code": r["code"],
            "employer": employers.get((county_of(r["business_village"]), r["code"])),
            "status": r["status"],
            "closed_on": r["closed_on"],
            "other_jobs": r["other_jobs"],
        }
        found = existing.get((r["person_id"], r["name"]))
        if found is None:
            business = Business(
                entrepreneur=owners[r["person_id"]],
                name=r["name"],
                started=r["started"],
                created_by=ctx.actor,
                **values,
            )
            new.append((r["_row"], business))
            continue
        if found.started != r["started"]:
            ctx.refuse_row(r["_row"], "started", r["started"], _("已登记的创业实体不能通过导入修改开业日期"))
            continue
        if any(getattr(found, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(found, k, v)
            changed.append(found)
            spell = found.owner_spell
            if (
                r["closed_on"] is not None
                and spell is not None
                and spell.end is None
                and spell.start <= r["closed_on"]
            ):
                spell.end = r["closed_on"]
                closing.append(spell)
    spells = _owner_spells(ctx, new)
    if ctx.problems:
        return
    with set_actor(ctx.actor):
        Spell.objects.bulk_update(closing, ["end"])
        for (_row, business), spell in zip(new, spells, strict=True):
            business.owner_spell = spell
        Business.objects.bulk_create([b for _row, b in new])
        Business.objects.bulk_update(
            changed, ["sector", "village", "credit_code", "employer", "status", "closed_on", "other_jobs"]
        )
    ctx.created, ctx.updated = len(new), len(changed)


def _entrepreneurs(ctx: Context, rows: pl.DataFrame) -> dict[int, Entrepreneur]:
    """The owners as entrepreneurs: those already registered, and the others added (the first
    row of a person says whether they returned, from where and when)."""
    ids = rows["person_id"].unique().to_list()
    found = {e.person_id: e for e in Entrepreneur.objects.filter(person_id__in=ids)}
    new = []
    for r in rows.unique("person_id", keep="first", maintain_order=True).iter_rows(named=True):
        if r["person_id"] in found:
            continue
        e = Entrepreneur(
            person_id=r["person_id"],
            village_id=r["village"],
            returning=r["returning"],
            returned_from=r["returned_from"] if r["returning"] else "",
            returned_on=r["returned_on"] if r["returning"] else None,
            created_by=ctx.actor,
        )
        new.append(e)
        found[r["person_id"]] = e
    with set_actor(ctx.actor):
        Entrepreneur.objects.bulk_create(new)
    return found


def _employers(ctx: Context, rows: pl.DataFrame) -> dict[tuple[int, str], Employer]:
    """The businesses with a credit code on their county's employer list, added where missing."""
    wanted: dict[tuple[int, str], tuple[str, str]] = {}
    for r in rows.filter(pl.col("code") != "").iter_rows(named=True):
        wanted.setdefault((county_of(r["business_village"]), r["code"]), (r["name"], r["sector"]))
    if not wanted:
        return {}
    found = {
        (e.county_id, e.credit_code): e
        for e in Employer.objects.filter(
            county_id__in={c for c, _code in wanted}, credit_code__in={code for _c, code in wanted}
        )
    }
    new = [
        Employer(county_id=county, credit_code=code, name=name, sector=sector)
        for (county, code), (name, sector) in wanted.items()
        if (county, code) not in found
    ]
    with set_actor(ctx.actor):
        Employer.objects.bulk_create(new)
    found |= {
        (e.county_id, e.credit_code): e
        for e in Employer.objects.filter(
            county_id__in={c for c, _code in wanted}, credit_code__in={code for _c, code in wanted}
        )
    }
    return found


def _owner_spells(ctx: Context, new: list[tuple[int, Business]]) -> list[Spell | None]:
    """The self-employed spell of each new business's owner, checked like the ledger's service in
    bulk: a running full-time spell of the owner that began earlier ends the day before (a
    change of status); one already self-employed then is kept; any other overlap is refused."""
    persons = {b.entrepreneur.person_id for _row, b in new}
    spells: dict[int, list[Spell]] = defaultdict(list)
    for s in Spell.objects.filter(person_id__in=persons, full_time=True).order_by("start", "pk"):
        spells[s.person_id].append(s)
    ended: list[Spell] = []
    created: list[Spell] = []
    out: list[Spell | None] = []
    for row, business in sorted(new, key=lambda item: item[1].started):
        person, start = business.entrepreneur.person_id, business.started
        end = business.closed_on
        mine = spells[person]
        running = next((s for s in mine if s.start <= start and (s.end is None or s.end >= start)), None)
        if running is not None and running.status == SpellStatus.SELF_EMPLOYED:
            out.append(running)
            continue
        if running is not None and running.end is None and running.start < start:
            running.end = start - dt.timedelta(days=1)
            ended.append(running)
        other = next(
            (s for s in mine if s.start <= (end or dt.date.max) and (s.end is None or s.end >= start)), None
        )
        if other is not None:
            until = other.end.isoformat() if other.end else _("至今")
            message = _("与此人 {start} 至 {end} 的“{status}”记录时间重叠").format(
                start=other.start.isoformat(), end=until, status=other.get_status_display()
            )
            ctx.refuse_row(row, "started", start, message)
            out.append(None)
            continue
        spell = Spell(
            person_id=person,
            status=SpellStatus.SELF_EMPLOYED,
            start=start,
            end=end,
            location=Location.IN_COUNTY,
            destination=business.name[:100],
            note=_("创业：{name}").format(name=business.name)[:200],
            created_by=ctx.actor,
        )
        mine.append(spell)
        created.append(spell)
        out.append(spell)
    if ctx.problems:
        return out
    with set_actor(ctx.actor):
        Spell.objects.bulk_update(ended, ["end"])
        Spell.objects.bulk_create(created)
    # back in the order of `new`
    order = sorted(range(len(new)), key=lambda i: new[i][1].started)
    result: list[Spell | None] = [None] * len(new)
    for position, index in enumerate(order):
        result[index] = out[position]
    return result


def dump_businesses(user: Any) -> Iterator[tuple[Any, ...]]:
    from lnob.registry.models import Person

    # the business's village is the user's; its owner must be too (the export names them by ID)
    businesses = (
        Business.objects.visible_to(user)
        .filter(entrepreneur__person__in=Person.objects.visible_to(user))
        .select_related("entrepreneur__person")
    )
    for b in businesses.order_by("village_id", "name", "pk"):
        e = b.entrepreneur
        yield (
            e.person.id_number,
            e.returning,
            e.returned_from,
            e.returned_on,
            b.name,
            b.sector,
            b.village_id,
            b.credit_code,
            b.started,
            b.status,
            b.closed_on,
            b.other_jobs,
        )


# -- loans ----------------------------------------------------------------------------------------

LOANS = Table(
    name="loans",
    zh="创业与信贷贷款",
    key=("reference",),
    description=(
        "Start-up guarantee loans and out-of-poverty micro-credit (贷款), one row per loan contract, "
        "with the borrower's resident ID. Checked against the rule of its type in force in the "
        "borrower's area on the issue day: above the amount or term limit, outside the age range, or "
        "for an ineligible household, the row is refused naming the rule and its source."
    ),
    columns=(
        Column("reference", "借款合同号", Kind.TEXT, True, "ZXNS-2025-0001", max_length=50),
        Column("id_number", "借款人身份证号", Kind.ID_NUMBER, True, "530627198001010011", "须已在本县登记"),
        Column("type", "贷款类型", Kind.CODE, True, "micro_credit", codes=_codes(LoanType)),
        Column("lender", "贷款银行", Kind.TEXT, True, "镇雄农村商业银行", max_length=100),
        Column("amount", "贷款金额", Kind.DECIMAL, True, "50000.00", "元"),
        Column("term_months", "期限（月）", Kind.INT, True, "36"),
        Column("interest_rate", "年利率（%）", Kind.DECIMAL, True, "3.45"),
        Column("subsidy_rate", "贴息年利率（%）", Kind.DECIMAL, False, "3.45", "不填为 0"),
        Column("issued", "放款日期", Kind.DATE, True, "2025-03-15"),
        Column("purpose", "贷款用途", Kind.TEXT, True, "扩大养殖规模", max_length=200),
        Column("business_name", "创业实体名称", Kind.TEXT, False, "", "借款人的创业实体", max_length=200),
        Column("raised_limit", "较大资金需求提高额度", Kind.BOOL, False, "否", YES_NO),
        Column("note", "备注", Kind.TEXT, False, "", max_length=200),
    ),
)


class _Rules:
    """The loan rules, read once per file and matched per row (narrowest region, latest start
    by the day), as lnob.employment.policy.rule_for does for one."""

    def __init__(self) -> None:
        kinds = [policy_kind(t) for t in LoanType.values]
        self.rows = list(EmploymentPolicy.objects.filter(kind__in=kinds, active=True))
        self.cache: dict[tuple[str, int, dt.date], Rule | None] = {}

    def get(self, kind: str, area: int, day: dt.date) -> Rule | None:
        key = (kind, area, day)
        if key not in self.cache:
            fits = [
                r
                for r in self.rows
                if r.kind == kind and r.effective_from <= day and covers(r.area_code, area)
            ]
            best = max(
                fits,
                key=lambda r: (0 if r.area_code == 0 else int(level_of(r.area_code)), r.effective_from, r.pk),
                default=None,
            )
            self.cache[key] = None if best is None else Rule(best, parse_params(kind, best.params))
        return self.cache[key]


_LOAN_FIELDS = (
    "lender",
    "amount",
    "term_months",
    "interest_rate",
    "subsidy_rate",
    "issued",
    "maturity",
    "purpose",
    "business",
    "raised_limit",
    "subsidised_amount",
    "rule",
    "note",
)


def load_loans(ctx: Context, rows: pl.DataFrame) -> None:
    rows = _fill(rows, {"subsidy_rate": 0.0, "business_name": "", "raised_limit": False, "note": ""})
    rows = ctx.persons(rows)
    rows = _scoped(ctx, rows, "village", "id_number")
    _refuse_where(ctx, rows, pl.col("issued") > ctx.today, "issued", Msg.IN_FUTURE)
    rows = rows.filter(pl.col("issued") <= ctx.today)
    births = dict(Person.objects.filter(pk__in=rows["person_id"].to_list()).values_list("pk", "birth_date"))
    groups = groups_on((p, d) for p, d in rows.select("person_id", "issued").iter_rows())
    businesses = {
        (b.entrepreneur.person_id, b.name): b
        for b in Business.objects.filter(
            entrepreneur__person_id__in=rows["person_id"].to_list()
        ).select_related("entrepreneur")
    }
    existing = {
        loan.reference: loan
        for loan in Loan.objects.filter(reference__in=rows["reference"].to_list()).select_related("business")
    }
    repaid = _repaid({loan.pk for loan in existing.values()})
    rules = _Rules()
    new: list[Loan] = []
    changed: list[Loan] = []
    for r in rows.iter_rows(named=True):
        values = _loan_values(ctx, r, rules, births, groups, businesses)
        if values is None:
            continue
        found = existing.get(r["reference"])
        if found is None:
            new.append(
                Loan(
                    person_id=r["person_id"],
                    village_id=r["village"],
                    type=r["type"],
                    reference=r["reference"],
                    created_by=ctx.actor,
                    **values,
                )
            )
            continue
        if found.person_id != r["person_id"] or found.type != r["type"]:
            ctx.refuse_row(r["_row"], "reference", r["reference"], _("该借款合同号已用于另一笔贷款"))
            continue
        if values["amount"] < repaid.get(found.pk, Decimal("0")):
            ctx.refuse_row(r["_row"], "amount", values["amount"], _("贷款金额低于已归还的本金"))
            continue
        if any(getattr(found, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(found, k, v)
            changed.append(found)
    if ctx.problems:
        return
    with set_actor(ctx.actor):
        Loan.objects.bulk_create(new)
        Loan.objects.bulk_update(changed, list(_LOAN_FIELDS))
    ctx.created, ctx.updated = len(new), len(changed)


def _loan_values(
    ctx: Context,
    r: dict[str, Any],
    rules: _Rules,
    births: dict[int, dt.date],
    groups: dict[tuple[int, dt.date], set[str]],
    businesses: dict[tuple[int, str], Business],
) -> dict[str, Any] | None:
    """The loan's fields from a row, or None when the row was refused (the problems recorded)."""
    row = r["_row"]
    amount, interest, subsidy = _dec(r["amount"]), _dec(r["interest_rate"]), _dec(r["subsidy_rate"])
    refusals: list[DomainError] = []
    if amount <= 0:
        refusals.append(DomainError("amount", amount, LoanMsg.AMOUNT_NOT_POSITIVE))
    if r["term_months"] <= 0:
        refusals.append(DomainError("term_months", r["term_months"], LoanMsg.AMOUNT_NOT_POSITIVE))
    if subsidy > interest:
        message = str(LoanMsg.SUBSIDY_ABOVE_INTEREST).format(rate=interest)
        refusals.append(DomainError("subsidy_rate", subsidy, message))
    rule = rules.get(policy_kind(r["type"]), r["village"], r["issued"])
    if rule is None:
        refusals.append(DomainError("type", r["type"], _("放款日没有适用于该地区的贷款规则")))
    else:
        refusals += check_loan(
            rule=rule,
            amount=amount,
            term_months=r["term_months"],
            raised_limit=r["raised_limit"],
            birth_date=births[r["person_id"]],
            issued=r["issued"],
            groups=groups[(r["person_id"], r["issued"])],
        )
    business = None
    if r["business_name"]:
        business = businesses.get((r["person_id"], r["business_name"]))
        if business is None:
            refusals.append(DomainError("business_name", r["business_name"], LoanMsg.NOT_BORROWERS_BUSINESS))
    for refusal in refusals:
        column = "id_number" if refusal.field == "person" else refusal.field
        ctx.refuse_row(
            row, column, r[column] if column == "id_number" else refusal.value, str(refusal.message)
        )
    if refusals or rule is None or r["term_months"] <= 0:
        return None
    return {
        "lender": r["lender"],
        "amount": amount,
        "term_months": r["term_months"],
        "interest_rate": interest,
        "subsidy_rate": subsidy,
        "issued": r["issued"],
        "maturity": add_months(r["issued"], r["term_months"]),
        "purpose": r["purpose"],
        "business": business,
        "raised_limit": r["raised_limit"],
        "subsidised_amount": min(amount, rule.params.subsidised_max),
        "rule": rule.row,
        "note": r["note"],
    }


def _repaid(loans: set[int]) -> dict[int, Decimal]:
    from django.db.models import Sum

    return dict(
        Repayment.objects.filter(loan_id__in=loans)
        .values("loan_id")
        .annotate(s=Sum("principal"))
        .values_list("loan_id", "s")
    )


def dump_loans(user: Any) -> Iterator[tuple[Any, ...]]:
    loans = Loan.objects.visible_to(user).select_related("person", "business").order_by("issued", "reference")
    for loan in loans:
        yield (
            loan.reference,
            loan.person.id_number,
            loan.type,
            loan.lender,
            loan.amount,
            loan.term_months,
            loan.interest_rate,
            loan.subsidy_rate,
            loan.issued,
            loan.purpose,
            loan.business.name if loan.business else "",
            loan.raised_limit,
            loan.note,
        )


# -- repayments: the bank feed -----------------------------------------------------------------------

REPAYMENTS = Table(
    name="loan_repayments",
    zh="贷款还款记录",
    key=("reference", "date"),
    description=(
        "The banks' repayment feed (还款记录): principal and interest repaid on a loan on a day. Key: "
        "contract number and date. Refused: a loan not registered in the uploader's areas, a date "
        "before the loan was made or in the future, a row with neither principal nor interest, and "
        "more principal than is owed. A loan repaid in full is settled (结清) on its last day."
    ),
    columns=(
        Column("reference", "借款合同号", Kind.TEXT, True, "ZXNS-2025-0001", "须已登记", max_length=50),
        Column("date", "还款日期", Kind.DATE, True, "2025-06-21"),
        Column("principal", "归还本金", Kind.DECIMAL, False, "0.00", "元；不填为 0"),
        Column("interest", "支付利息", Kind.DECIMAL, False, "431.25", "元；不填为 0"),
    ),
)


def load_repayments(ctx: Context, rows: pl.DataFrame) -> None:
    rows = _fill(rows, {"principal": 0.0, "interest": 0.0})
    loans = {
        loan.reference: loan
        for loan in Loan.objects.filter(reference__in=rows["reference"].unique().to_list())
        if ctx.may(loan.village_id)
    }
    known = pl.col("reference").is_in(list(loans))
    _refuse_where(ctx, rows, ~known, "reference", _("没有这个借款合同号，或不在您的管辖范围内"))
    rows = rows.filter(known)
    existing = {(r.loan_id, r.date): r for r in Repayment.objects.filter(loan__in=list(loans.values()))}
    owed = {
        loan.pk: loan.amount
        - sum((r.principal for (l_, _d), r in existing.items() if l_ == loan.pk), Decimal(0))
        for loan in loans.values()
    }
    new: list[Repayment] = []
    changed: list[Repayment] = []
    for r in rows.sort("date").iter_rows(named=True):
        loan, row = loans[r["reference"]], r["_row"]
        principal, interest = _dec(r["principal"]), _dec(r["interest"])
        found = existing.get((loan.pk, r["date"]))
        if found is not None and (found.principal, found.interest) == (principal, interest):
            continue  # the same row again
        problem = _repayment_problem(loan, r["date"], principal, interest, ctx.today)
        if problem is not None:
            ctx.refuse_row(row, problem.field, problem.value, str(problem.message))
            continue
        left = owed[loan.pk] + (found.principal if found else 0)
        if principal > left:
            message = str(LoanMsg.ABOVE_OUTSTANDING).format(outstanding=left)
            ctx.refuse_row(row, "principal", principal, message)
            continue
        owed[loan.pk] = left - principal
        if found is None:
            new.append(
                Repayment(
                    loan=loan, date=r["date"], principal=principal, interest=interest, created_by=ctx.actor
                )
            )
        else:
            found.principal, found.interest = principal, interest
            changed.append(found)
    if ctx.problems:
        return
    with set_actor(ctx.actor):
        Repayment.objects.bulk_create(new)
        Repayment.objects.bulk_update(changed, ["principal", "interest"])
    _settle([loan for loan in loans.values() if owed[loan.pk] == 0 and loan.status in OPEN_STATUSES])
    ctx.created, ctx.updated = len(new), len(changed)


def _repayment_problem(
    loan: Loan, date: dt.date, principal: Decimal, interest: Decimal, today: dt.date
) -> DomainError | None:
    if loan.status not in OPEN_STATUSES:
        return DomainError("reference", loan.reference, LoanMsg.LOAN_CLOSED)
    if date < loan.issued:
        return DomainError("date", date, str(LoanMsg.BEFORE_ISSUE).format(date=loan.issued))
    if date > today:
        return DomainError("date", date, Msg.IN_FUTURE)
    if principal == 0 and interest == 0:
        return DomainError("principal", principal, LoanMsg.REPAYMENT_EMPTY)
    return None


def _settle(loans: list[Loan]) -> None:
    """Loans repaid in full are settled on their last repayment's day (one update per day)."""
    if not loans:
        return
    from django.db.models import Max

    last = dict(
        Repayment.objects.filter(loan__in=loans, principal__gt=0)
        .values("loan_id")
        .annotate(d=Max("date"))
        .values_list("loan_id", "d")
    )
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for loan in loans:
        by_day[last[loan.pk]].append(loan.pk)
    for day, ids in by_day.items():
        Loan.objects.filter(pk__in=ids, status__in=OPEN_STATUSES).update(
            status=LoanStatus.REPAID, closed_on=day
        )


def dump_repayments(user: Any) -> Iterator[tuple[Any, ...]]:
    visible = Loan.objects.visible_to(user).values("pk")
    yield from (
        Repayment.objects.filter(loan__in=visible)
        .order_by("loan__reference", "date")
        .values_list("loan__reference", "date", "principal", "interest")
    )


register_table(
    Register(
        BUSINESSES,
        load_businesses,
        dump_businesses,
        Capability.MANAGE_EMPLOYMENT,
        sensitive=True,
        label=gettext_lazy(  # type: ignore[arg-type]
            "创业实体"
        ),
    )
)
register_table(
    Register(
        LOANS,
        load_loans,
        dump_loans,
        Capability.MANAGE_EMPLOYMENT,
        sensitive=True,
        label=gettext_lazy(  # type: ignore[arg-type]
            "创业与信贷贷款"
        ),
    )
)
register_table(
    Register(
        REPAYMENTS,
        load_repayments,
        dump_repayments,
        Capability.MANAGE_EMPLOYMENT,
        label=gettext_lazy(  # type: ignore[arg-type]
            "贷款还款记录"
        ),
    )
)
