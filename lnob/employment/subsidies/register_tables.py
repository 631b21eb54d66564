"""The registers of this app (lnob.employment.registers), both holding resident IDs (sensitive):

- `insurance` (社保缴费记录): the social-insurance agency's quarterly file, keyed on resident ID,
  employer credit code, quarter and insurance kind, so the same file again changes nothing;
- `transport_subsidies` (一次性交通补助): the claim list, keyed on resident ID and year. Its
  export is the list for the bank; the bank's answer (paid, with the day, the amount and its
  reference) comes back in the same format. A new row is checked against the ledger like a claim
  entered by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import polars as pl
from auditlog.context import set_actor
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import area_q, scope_ranges
from lnob.core.errors import DomainError, Msg
from lnob.employment.models import Employer
from lnob.employment.policy import rule_for
from lnob.employment.registers import Context, Register, register_table
from lnob.employment.services import county_of
from lnob.exchange.schema import Column, Kind, Table
from lnob.registry.models import Person

from .models import ClaimStatus, InsuranceKind, SocialInsuranceRecord, Tier, TransportSubsidyClaim
from .rules import KIND, RANK
from .services import SubsidyMsg, check_eligible, check_payment, compute_frame, year_window


def _codes(choices: Any) -> Any:
    return lambda: [(str(v), str(label)) for v, label in choices.choices]


ID_ALIASES = ("公民身份号码", "证件号码", "身份证号码")
NOT_REGISTERED = gettext_lazy("此人未登记或不在您的管辖范围内")


def _inside(ranges: list[tuple[int, int]], column: str = "village") -> pl.Expr:
    inside = pl.lit(False)
    for lo, hi in ranges:
        inside = inside | pl.col(column).is_between(lo, hi, closed="left")
    return inside


def _in_scope(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """Resolved persons outside the register's capability (or with no household now) are refused
    like unknown ones: a file cannot tell who is registered where."""
    ranges = scope_ranges(ctx.actor, ctx.register.capability)
    ok = pl.col("village").is_not_null() & _inside(ranges)
    ctx.refuse(
        rows.filter(~ok).select("_row", pl.col("id_number").alias("value")), "id_number", str(NOT_REGISTERED)
    )
    return rows.filter(ok)


def _valid_code(code: str | None) -> str | None:
    try:
        return str(uscc.validate(code or ""))
    except ValidationError:
        return None


# -- insurance --------------------------------------------------------------------------------

INSURANCE = Table(
    name="insurance",
    zh="社保缴费记录",
    key=("id_number", "credit_code", "quarter", "kind"),
    description=(
        "The social-insurance agency's quarterly file (社保缴费记录): for each person, employer and "
        "insurance kind, the months contributed in the quarter and the contribution base. Evidence "
        "of work, compared with the ledger each quarter (docs/employment-subsidies.md)."
    ),
    columns=(
        Column("id_number", "身份证号", Kind.ID_NUMBER, True, "53062719850101001X", aliases=ID_ALIASES),
        Column("name", "姓名", Kind.TEXT, False, "张三", max_length=50),
        Column(
            "credit_code",
            "统一社会信用代码",
            Kind.TEXT,
            True,
            "91441900MA4W123409",
            "缴费单位的 18 位代码，末位为校验码",
            ("单位统一社会信用代码", "单位代码"),
            max_length=18,
        ),
        Column(
            "employer_name", "缴费单位", Kind.TEXT, False, "东莞市华宏电子有限公司", aliases=("单位名称",)
        ),
        Column(
            "kind", "险种", Kind.CODE, True, "pension", codes=_codes(InsuranceKind), aliases=("险种类型",)
        ),
        Column(
            "quarter", "缴费季度", Kind.TEXT, True, "2026Q1", "YYYYQn，如 2026Q1", ("季度",), max_length=20
        ),
        Column(
            "months",
            "缴费月数",
            Kind.TEXT,
            True,
            "3",
            "本季度缴费月数 1–3，或缴费月份如 1,2,3",
            ("缴费月份",),
            max_length=30,
        ),
        Column("base", "缴费基数", Kind.DECIMAL, False, "4200.00", "元/月", ("缴费工资",)),
        Column(
            "region",
            "参保地区划代码",
            Kind.AREA_CODE,
            True,
            "441900",
            "缴费单位所在省、市或县的区划代码（6 位或 12 位）",
            ("参保地", "单位所在地代码"),
        ),
    ),
)

QUARTER = re.compile(r"^(\d{4})\s*[-年]?\s*(?:Q|q|第)?\s*([1-4])\s*(?:季度)?$")


def parse_quarter(text: str | None) -> dt.date | None:
    """ "2026Q1" (also "2026-Q1", "2026年第1季度") -> 2026-01-01, its first day; None if not one."""
    m = QUARTER.match((text or "").strip())
    if m is None or not 2000 <= int(m.group(1)) <= 2100:
        return None
    return dt.date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)


def quarter_label(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def parse_months(text: str | None, quarter: dt.date) -> tuple[int, str] | None:
    """ "3" -> (3, ""); "4,5" or "2026-04,2026-05" -> (2, "4,5") for the quarter's months; None
    when the text is neither a count of 1-3 nor months of that quarter."""
    raw = (text or "").strip().replace("，", ",").replace("、", ",").replace(";", ",")
    if re.fullmatch(r"[1-3]", raw):
        return int(raw), ""
    inside = {quarter.month, quarter.month + 1, quarter.month + 2}
    months: set[int] = set()
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        m = re.fullmatch(r"(?:(\d{4})[-/.年])?(\d{1,2})月?", part)
        if m is None or (m.group(1) and int(m.group(1)) != quarter.year) or int(m.group(2)) not in inside:
            return None
        months.add(int(m.group(2)))
    if not months:
        return None
    return len(months), ",".join(str(x) for x in sorted(months))


BAD_QUARTER = gettext_lazy("季度应写作 YYYYQn，如 2026Q1")
BAD_MONTHS = gettext_lazy("缴费月数应为 1–3，或本季度内的月份（如 1,2,3）")
UNKNOWN_REGION = gettext_lazy("没有这个省、市或县的区划代码")


def _regions(codes: list[int]) -> dict[int, str]:
    """Known province, prefecture and county codes -> their names."""
    return dict(Area.objects.filter(code__in=codes, level__lte=Level.COUNTY).values_list("code", "name"))


def load_insurance(ctx: Context, rows: pl.DataFrame) -> None:
    rows = _in_scope(ctx, ctx.persons(rows))
    rows = rows.with_columns(
        pl.col("credit_code").map_elements(_valid_code, return_dtype=pl.String).alias("code"),
        pl.col("quarter").map_elements(parse_quarter, return_dtype=pl.Date).alias("quarter_start"),
    )
    bad = rows.filter(pl.col("code").is_null())
    ctx.refuse(
        bad.select("_row", pl.col("credit_code").alias("value")), "credit_code", str(Msg.CREDIT_CODE_INVALID)
    )
    bad = rows.filter(pl.col("quarter_start").is_null())
    ctx.refuse(bad.select("_row", pl.col("quarter").alias("value")), "quarter", str(BAD_QUARTER))
    late = rows.filter(pl.col("quarter_start") > ctx.today)
    ctx.refuse(late.select("_row", pl.col("quarter").alias("value")), "quarter", str(Msg.IN_FUTURE))
    known = _regions(rows["region"].drop_nulls().unique().to_list())
    bad = rows.filter(~pl.col("region").is_in(list(known)))
    ctx.refuse(bad.select("_row", pl.col("region").alias("value")), "region", str(UNKNOWN_REGION))
    good = rows.filter(
        pl.col("code").is_not_null()
        & pl.col("quarter_start").is_not_null()
        & (pl.col("quarter_start") <= ctx.today)
    )
    parsed: list[tuple[int, str] | None] = [
        parse_months(text, q)
        for text, q in zip(good["months"].to_list(), good["quarter_start"].to_list(), strict=True)
    ]
    for row, text, value in zip(good["_row"].to_list(), good["months"].to_list(), parsed, strict=True):
        if value is None:
            ctx.refuse_row(row, "months", text, str(BAD_MONTHS))
    again = good.filter(
        pl.struct("person_id", "code", "quarter_start", "kind").is_duplicated()
        & ~pl.struct("person_id", "code", "quarter_start", "kind").is_first_distinct()
    )
    ctx.refuse(
        again.select("_row", pl.col("credit_code").alias("value")),
        "credit_code",
        _("同一记录在文件中出现多次"),
    )
    if ctx.problems:
        return
    _write_insurance(
        ctx,
        good.with_columns(pl.Series("parsed_months", [p[0] for p in parsed if p])).with_columns(
            pl.Series("month_list", [p[1] for p in parsed if p])
        ),
    )


_INSURANCE_FIELDS = ("employer_name", "employer_id", "months", "month_list", "base", "region")


def _write_insurance(ctx: Context, rows: pl.DataFrame) -> None:
    persons = rows["person_id"].unique().to_list()
    existing = {
        (r.person_id, r.credit_code, r.quarter, r.kind): r
        for r in SocialInsuranceRecord.objects.filter(
            person_id__in=persons, credit_code__in=rows["code"].unique().to_list()
        )
    }
    counties = {county_of(v) for v in rows["village"].unique().to_list()}
    employers = {
        (county, code): pk
        for county, code, pk in Employer.objects.filter(
            county_id__in=counties, credit_code__in=rows["code"].unique().to_list()
        ).values_list("county_id", "credit_code", "pk")
    }
    new, changed = [], []
    for r in rows.iter_rows(named=True):
        values = {
            "employer_name": (r.get("employer_name") or "").strip()[:200],
            "employer_id": employers.get((county_of(r["village"]), r["code"])),
            "months": r["parsed_months"],
            "month_list": r["month_list"],
            "base": None if r.get("base") is None else Decimal(str(r["base"])).quantize(Decimal("0.01")),
            "region": r["region"],
        }
        found = existing.get((r["person_id"], r["code"], r["quarter_start"], r["kind"]))
        if found is None:
            new.append(
                SocialInsuranceRecord(
                    person_id=r["person_id"],
                    credit_code=r["code"],
                    quarter=r["quarter_start"],
                    kind=r["kind"],
                    created_by=ctx.actor,
                    **values,
                )
            )
        elif any(getattr(found, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(found, k, v)
            changed.append(found)
    with set_actor(ctx.actor):
        SocialInsuranceRecord.objects.bulk_create(new)
        SocialInsuranceRecord.objects.bulk_update(changed, list(_INSURANCE_FIELDS))
    ctx.created, ctx.updated = len(new), len(changed)


def dump_insurance(user: Any) -> Iterator[tuple[Any, ...]]:
    records = SocialInsuranceRecord.objects.filter(person__in=Person.objects.visible_to(user))
    rows = records.order_by("quarter", "person__id_number", "credit_code", "kind").values_list(
        "person__id_number",
        "person__name",
        "credit_code",
        "employer_name",
        "kind",
        "quarter",
        "months",
        "month_list",
        "base",
        "region",
    )
    for id_number, name, code, employer, kind, quarter, months, month_list, base, region in rows.iterator():
        yield (
            id_number,
            name,
            code,
            employer,
            kind,
            quarter_label(quarter),
            month_list or months,
            base,
            region,
        )


# -- transport subsidies ----------------------------------------------------------------------

TRANSPORT = Table(
    name="transport_subsidies",
    zh="一次性交通补助",
    key=("id_number", "year"),
    description=(
        "The transport-subsidy claims (一次性交通补助), one per person and year: the list for the "
        "bank, and the bank's answer. Status moves computed → approved → paid, or to rejected with "
        "the reason; a paid row cannot change. A new row is checked against the ledger: the person "
        "must have worked away from the county for the rule's minimum months, and the amount must "
        "not exceed the rule's."
    ),
    columns=(
        Column("id_number", "身份证号", Kind.ID_NUMBER, True, "53062719850101001X", aliases=ID_ALIASES),
        Column("name", "姓名", Kind.TEXT, False, "张三", "仅供核对", max_length=50),
        Column("year", "年度", Kind.INT, True, "2026"),
        Column("tier", "务工地域", Kind.CODE, True, "out_of_province", codes=_codes(Tier)),
        Column("destination", "务工地点", Kind.TEXT, False, "广东省东莞市", max_length=100),
        Column("months", "务工月数", Kind.DECIMAL, False, "6.0", "按台账计算，仅供核对"),
        Column("amount", "核定金额", Kind.DECIMAL, True, "600.00", "元，不高于规则金额"),
        Column("status", "状态", Kind.CODE, True, "approved", codes=_codes(ClaimStatus)),
        Column("reason", "不予发放原因", Kind.TEXT, False, "", "状态为不予发放时必填", max_length=300),
        Column("paid_on", "发放日期", Kind.DATE, False, "2026-12-20", "状态为已发放时必填"),
        Column("paid_amount", "发放金额", Kind.DECIMAL, False, "600.00", "元，不高于核定金额"),
        Column("payment_reference", "发放凭证号", Kind.TEXT, False, "BANK20261220-001", max_length=64),
        Column("village", "村代码", Kind.AREA_CODE, False, "530627102201", "仅供核对"),
        Column("rule", "依据规则", Kind.TEXT, False, "崇信县一次性交通补助（2024）", "仅供核对"),
    ),
)

NEXT = {
    ClaimStatus.COMPUTED: {ClaimStatus.APPROVED, ClaimStatus.REJECTED},
    ClaimStatus.APPROVED: {ClaimStatus.PAID, ClaimStatus.REJECTED},
}
BAD_STEP = gettext_lazy("不能从“{old}”改为“{new}”")
FIXED = gettext_lazy("核定的务工地域和金额由规则计算，不能在文件中修改（现为 {tier}，{amount} 元）")
ABOVE_RULE = gettext_lazy("高于规则核定的金额（{amount} 元）")
FARTHER = gettext_lazy("台账显示此人只达到“{tier}”")
LABELS = dict(ClaimStatus.choices)


def _refuse(ctx: Context, row: int, err: DomainError, columns: tuple[str, ...]) -> None:
    column = err.field if err.field in columns else "id_number"
    ctx.refuse_row(row, column, err.value, str(err.message))


def load_transport(ctx: Context, rows: pl.DataFrame) -> None:
    rows = _in_scope(ctx, ctx.persons(rows))
    for column in ("reason", "payment_reference", "destination"):
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit("").alias(column))
    for column, kind in (("paid_on", pl.Date), ("paid_amount", pl.Float64)):
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(None, kind).alias(column))
    existing = {
        (c.person_id, c.year): c
        for c in TransportSubsidyClaim.objects.filter(
            person_id__in=rows["person_id"].to_list(), year__in=rows["year"].unique().to_list()
        )
    }
    fresh = rows.filter(
        ~pl.struct("person_id", "year").map_elements(
            lambda s: (s["person_id"], s["year"]) in existing, return_dtype=pl.Boolean
        )
    )
    computed = _computed(ctx, fresh)
    new: list[TransportSubsidyClaim] = []
    changed: list[TransportSubsidyClaim] = []
    columns = tuple(c.name for c in TRANSPORT.columns)
    for r in rows.iter_rows(named=True):
        try:
            found = existing.get((r["person_id"], r["year"]))
            if found is None:
                if r["_row"] in computed:
                    new.append(_new_claim(ctx, r, computed[r["_row"]]))
            elif _changed(ctx, found, r):
                changed.append(found)
        except DomainError as err:
            _refuse(ctx, r["_row"], err, columns)
    if ctx.problems:
        return
    with set_actor(ctx.actor):
        TransportSubsidyClaim.objects.bulk_create(new)
        TransportSubsidyClaim.objects.bulk_update(
            changed,
            [
                "status",
                "reason",
                "decided_at",
                "decided_by",
                "paid_on",
                "paid_amount",
                "payment_reference",
                "paid_by",
            ],
        )
    ctx.created, ctx.updated = len(new), len(changed)


def _computed(ctx: Context, rows: pl.DataFrame) -> dict[int, tuple[Any, dict[str, Any]]]:
    """File row -> (rule, the engine's row) for rows naming a person without a claim that year;
    rows whose person is not eligible are refused with the reason."""
    out: dict[int, tuple[Any, dict[str, Any]]] = {}
    rows = rows.with_columns(pl.col("village").map_elements(county_of, return_dtype=pl.Int64).alias("county"))
    for (county, year), group in rows.group_by("county", "year"):
        persons = group["person_id"].to_list()
        county, year = int(str(county)), int(str(year))
        try:
            rule = rule_for(KIND, county, year_window(year)[1])
            lo, hi = subtree_range(county, Level.COUNTY)
            result, people = compute_frame(lo, hi, rule, county, year, persons)
        except DomainError as err:
            ctx.refuse(group.select("_row", pl.col("year").alias("value")), "year", str(err.message))
            continue
        for r in group.iter_rows(named=True):
            info = people.filter(pl.col("person_id") == r["person_id"])
            mine = result.filter(pl.col("person_id") == r["person_id"])
            try:
                engine_row = check_eligible(rule, mine, info.row(0, named=True), year)
            except DomainError as err:
                column = "months" if err.field == "months" else "id_number"
                ctx.refuse_row(
                    r["_row"],
                    column,
                    r.get(column) if column == "months" else r["id_number"],
                    str(err.message),
                )
                continue
            out[r["_row"]] = (rule, engine_row)
    return out


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _new_claim(
    ctx: Context, r: dict[str, Any], computed: tuple[Any, dict[str, Any]]
) -> TransportSubsidyClaim:
    rule, e = computed
    if RANK[r["tier"]] > RANK[e["tier"]]:
        raise DomainError("tier", r["tier"], str(FARTHER).format(tier=dict(Tier.choices)[e["tier"]]))
    amount = _money(r["amount"]) or Decimal(0)
    ceiling = _money(e["amount"]) or Decimal(0)
    if amount > ceiling:
        raise DomainError("amount", amount, str(ABOVE_RULE).format(amount=ceiling))
    claim = TransportSubsidyClaim(
        person_id=r["person_id"],
        household_id=r["household_id"],
        village_id=r["village"],
        year=r["year"],
        tier=r["tier"],
        destination=(r["destination"] or e["destination"] or "")[:100],
        destination_province=e["province"],
        months=Decimal(str(e["months"])).quantize(Decimal("0.1")),
        amount=amount,
        rule_id=rule.row.pk,
        note=_("由文件导入"),
        computed_by=ctx.actor,
    )
    status = r["status"]
    if status == ClaimStatus.COMPUTED:
        return claim
    claim.status = ClaimStatus.APPROVED
    return _step(ctx, claim, r, status)


def _step(
    ctx: Context, claim: TransportSubsidyClaim, r: dict[str, Any], status: str
) -> TransportSubsidyClaim:
    """Move `claim` (approved or computed) to `status` as the row says, checking the step."""
    now = timezone.now()
    if status == ClaimStatus.REJECTED:
        if not (r["reason"] or "").strip():
            raise DomainError("reason", "", SubsidyMsg.REASON_REQUIRED)
        claim.status, claim.reason, claim.decided_at, claim.decided_by = (
            status,
            r["reason"].strip(),
            now,
            ctx.actor,
        )
    elif status == ClaimStatus.APPROVED:
        claim.status, claim.decided_at, claim.decided_by = (
            status,
            claim.decided_at or now,
            claim.decided_by or ctx.actor,
        )
    elif status == ClaimStatus.PAID:
        if claim.status == ClaimStatus.COMPUTED:
            raise DomainError(
                "status", status, str(BAD_STEP).format(old=LABELS[claim.status], new=LABELS[status])
            )
        paid_amount = _money(r["paid_amount"])
        if r["paid_on"] is None:
            raise DomainError("paid_on", "", Msg.REQUIRED)
        if paid_amount is None:
            raise DomainError("paid_amount", "", Msg.REQUIRED)
        check_payment(claim, r["paid_on"], paid_amount, r["payment_reference"] or "")
        claim.status, claim.paid_on, claim.paid_amount = status, r["paid_on"], paid_amount
        claim.payment_reference, claim.paid_by = r["payment_reference"].strip(), ctx.actor
        claim.decided_at, claim.decided_by = claim.decided_at or now, claim.decided_by or ctx.actor
    return claim


def _changed(ctx: Context, claim: TransportSubsidyClaim, r: dict[str, Any]) -> bool:
    """Apply the row to an existing claim; False when it says what the claim already says."""
    if r["tier"] != claim.tier or _money(r["amount"]) != claim.amount:
        raise DomainError(
            "amount", r["amount"], str(FIXED).format(tier=claim.get_tier_display(), amount=claim.amount)
        )
    status = r["status"]
    same_payment = (
        r["paid_on"] == claim.paid_on
        and _money(r["paid_amount"]) == claim.paid_amount
        and (r["payment_reference"] or "").strip() == claim.payment_reference
    )
    if status == claim.status == ClaimStatus.REJECTED:
        reason = (r["reason"] or "").strip()
        if not reason:
            raise DomainError("reason", "", SubsidyMsg.REASON_REQUIRED)
        changed = reason[:300] != claim.reason
        claim.reason = reason[:300]
        return changed
    if status == claim.status and (status != ClaimStatus.PAID or same_payment):
        return False
    if claim.status == ClaimStatus.PAID:
        raise DomainError(
            "paid_on", r["paid_on"], str(SubsidyMsg.ALREADY_PAID).format(year=claim.year, day=claim.paid_on)
        )
    if status not in NEXT.get(ClaimStatus(claim.status), set()):
        raise DomainError(
            "status", status, str(BAD_STEP).format(old=LABELS[claim.status], new=LABELS[status])
        )
    _step(ctx, claim, r, status)
    return True


def _claim_scope(user: Any) -> Q:
    ranges = sorted(
        {*scope_ranges(user, Capability.MANAGE_EMPLOYMENT), *scope_ranges(user, Capability.APPROVE_PAYMENTS)}
    )
    return area_q("village_id", ranges)


def dump_transport(user: Any) -> Iterator[tuple[Any, ...]]:
    claims = TransportSubsidyClaim.objects.filter(_claim_scope(user)).order_by(
        "year", "village_id", "person__id_number"
    )
    yield from claims.values_list(
        "person__id_number",
        "person__name",
        "year",
        "tier",
        "destination",
        "months",
        "amount",
        "status",
        "reason",
        "paid_on",
        "paid_amount",
        "payment_reference",
        "village_id",
        "rule__name",
    ).iterator()


register_table(
    Register(
        INSURANCE,
        load_insurance,
        dump_insurance,
        Capability.MANAGE_EMPLOYMENT,
        sensitive=True,
        label=gettext_lazy("社保缴费记录"),
    )
)
register_table(
    Register(
        TRANSPORT,
        load_transport,
        dump_transport,
        Capability.APPROVE_PAYMENTS,
        view_capability=Capability.MANAGE_EMPLOYMENT,
        sensitive=True,
        label=gettext_lazy("一次性交通补助"),
    )
)
