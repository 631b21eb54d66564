"""The exchange format, written once.

Each table of the format is a `Table` of `Column`s. The same definitions drive the validation of
imported rows, the downloadable XLSX templates (headers, dropdowns, hints) and
docs/exchange-format.md (`lnob exchange docs`). A column accepts its English name, its Chinese
header, or any listed alias, compared after trimming spaces and folding full-width characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from lnob.registry.choices import (
    AlertKind,
    Department,
    Education,
    Enrolment,
    ExpenditureType,
    Health,
    HouseholdStatus,
    IncomeSource,
    JoinReason,
    LabourCapacity,
    LeaveReason,
    Relation,
    TransferType,
)


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"  # money, yuan with 2 decimals, never negative
    DATE = "date"
    BOOL = "bool"
    CODE = "code"  # one of a code list
    ID_NUMBER = "id_number"  # 18-digit resident ID, checked with stdnum.cn.ric
    AREA_CODE = "area_code"  # 12-digit administrative code (6 and 9 digits are padded)


def _choices(choices: type) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(str(value), str(label)) for value, label in choices.choices]  # type: ignore[attr-defined]


def _employment(name: str) -> Callable[[], list[tuple[str, str]]]:
    """A code list of the employment ledger (imported when used: the registry loads first)."""

    def codes() -> list[tuple[str, str]]:
        from lnob.employment import models

        return [(str(value), str(label)) for value, label in getattr(models, name).choices]

    return codes


def _risk_types() -> list[tuple[str, str]]:
    from lnob.registry.models import RiskType

    return [(r.code, r.name_zh) for r in RiskType.objects.filter(active=True)]


def _ethnicities() -> list[tuple[str, str]]:
    from lnob.registry.validation import ethnicities

    return [(name, name) for name in sorted(ethnicities())]


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    kind: Kind
    required: bool = False
    example: str = ""
    hint: str = ""
    aliases: tuple[str, ...] = ()
    codes: Callable[[], list[tuple[str, str]]] | None = None
    max_length: int = 200

    def headers(self) -> tuple[str, ...]:
        return (self.name, self.zh, *self.aliases)


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str = ""
    _by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def header_map(self) -> dict[str, str]:
        """Normalised header text -> column name, for every accepted header."""
        accepted = {normalise_header(h): c.name for c in self.columns for h in c.headers()}
        # the bilingual headers of our own templates ("*身份证号 id_number"), either order
        accepted |= {normalise_header(f"{c.zh}{c.name}"): c.name for c in self.columns}
        accepted |= {normalise_header(f"{c.name}{c.zh}"): c.name for c in self.columns}
        return accepted


def normalise_header(text: object) -> str:
    folded = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return "".join(folded.split()).replace("*", "")


YES_NO = "是/否, yes/no, 1/0"

HOUSEHOLDS = Table(
    name="households",
    zh="农户",
    key=("number",),
    description="One row per household: where it lives and its current attributes.",
    columns=(
        Column(
            "number",
            "户编号",
            Kind.TEXT,
            True,
            "5306271022010001",
            aliases=("户号", "家庭编号"),
            max_length=32,
        ),
        Column(
            "village",
            "村代码",
            Kind.AREA_CODE,
            True,
            "530627102201",
            "12 位统计用区划代码",
            ("行政村代码", "村级区划代码"),
        ),
        Column(
            "status",
            "农户属性",
            Kind.CODE,
            True,
            "out_of_poverty",
            codes=_choices(HouseholdStatus),
            aliases=("户类型",),
        ),
        Column("left_poverty_year", "脱贫年度", Kind.INT, False, "2019", "仅脱贫户填写"),
        Column("housing_safe", "住房安全有保障", Kind.BOOL, False, "是", YES_NO, ("住房安全",)),
        Column("water_safe", "饮水安全有保障", Kind.BOOL, False, "是", YES_NO, ("饮水安全",)),
        Column(
            "contact_phone",
            "联系电话",
            Kind.TEXT,
            False,
            "13800000000",
            aliases=("户联系电话",),
            max_length=20,
        ),
        Column("valid_from", "生效日期", Kind.DATE, False, "2024-01-01", "不填则为导入当日"),
    ),
)

PERSONS = Table(
    name="persons",
    zh="人员",
    key=("id_number",),
    description="One row per person, with the household they belong to now.",
    columns=(
        Column(
            "id_number",
            "身份证号",
            Kind.ID_NUMBER,
            True,
            "53062720050101001X",
            "18 位；末位 x 自动转为大写",
            ("证件号码", "公民身份号码", "身份证号码"),
        ),
        Column("name", "姓名", Kind.TEXT, True, "张三", max_length=50),
        Column(
            "household_number",
            "户编号",
            Kind.TEXT,
            True,
            "5306271022010001",
            aliases=("户号",),
            max_length=32,
        ),
        Column("relation", "与户主关系", Kind.CODE, True, "head", codes=_choices(Relation)),
        Column("joined", "加入日期", Kind.DATE, False, "2020-01-01", "不填则为导入当日"),
        Column("join_reason", "加入原因", Kind.CODE, False, "registered", codes=_choices(JoinReason)),
        Column(
            "sex",
            "性别",
            Kind.CODE,
            False,
            "M",
            "可不填，由身份证号推出；填写则核对",
            codes=lambda: [("M", "男"), ("F", "女")],
        ),
        Column(
            "birth_date", "出生日期", Kind.DATE, False, "2005-01-01", "可不填，由身份证号推出；填写则核对"
        ),
        Column("ethnicity", "民族", Kind.CODE, False, "汉族", codes=_ethnicities),
        Column("education", "文化程度", Kind.CODE, False, "junior", codes=_choices(Education)),
        Column("enrolment", "在校生状况", Kind.CODE, False, "not_in_school", codes=_choices(Enrolment)),
        Column("health", "健康状况", Kind.CODE, False, "healthy", codes=_choices(Health)),
        Column("disability_grade", "残疾等级", Kind.INT, False, "", "1-4；无残疾留空"),
        Column(
            "labour_override", "劳动能力（人工认定）", Kind.CODE, False, "", codes=_choices(LabourCapacity)
        ),
        Column("labour_override_reason", "人工认定理由", Kind.TEXT, False, ""),
        Column("skills", "技能", Kind.TEXT, False, "电焊"),
        Column("certificates", "证书", Kind.TEXT, False, ""),
        Column("phone", "联系电话", Kind.TEXT, False, "13800000000", aliases=("手机号码",), max_length=20),
        Column("bank_account", "银行账号", Kind.TEXT, False, "", aliases=("银行卡号",), max_length=32),
    ),
)

MEMBERSHIPS = Table(
    name="memberships",
    zh="家庭成员变动",
    key=("id_number", "household_number", "joined"),
    description="Past and present memberships, for counties that keep the history.",
    columns=(
        Column(
            "id_number", "身份证号", Kind.ID_NUMBER, True, "53062720050101001X", aliases=("公民身份号码",)
        ),
        Column(
            "household_number",
            "户编号",
            Kind.TEXT,
            True,
            "5306271022010001",
            aliases=("户号",),
            max_length=32,
        ),
        Column("relation", "与户主关系", Kind.CODE, True, "child", codes=_choices(Relation)),
        Column("joined", "加入日期", Kind.DATE, True, "2020-01-01"),
        Column("join_reason", "加入原因", Kind.CODE, False, "registered", codes=_choices(JoinReason)),
        Column("left", "离开日期", Kind.DATE, False, ""),
        Column("leave_reason", "离开原因", Kind.CODE, False, "", codes=_choices(LeaveReason)),
    ),
)

_PERIOD = (
    Column(
        "household_number", "户编号", Kind.TEXT, True, "5306271022010001", aliases=("户号",), max_length=32
    ),
    Column("period_start", "起始日期", Kind.DATE, True, "2025-07-01"),
    Column("period_end", "截止日期", Kind.DATE, True, "2026-06-30"),
)

INCOMES = Table(
    name="incomes",
    zh="收入",
    key=("household_number", "period_start", "period_end", "source", "transfer_type", "id_number"),
    columns=(
        *_PERIOD,
        Column("source", "收入来源", Kind.CODE, True, "wages", codes=_choices(IncomeSource)),
        Column(
            "transfer_type",
            "转移性收入类别",
            Kind.CODE,
            False,
            "",
            "仅转移性收入填写",
            codes=_choices(TransferType),
        ),
        Column("amount", "金额", Kind.DECIMAL, True, "36000.00", "元，不能为负", ("金额（元）",)),
        Column("id_number", "成员身份证号", Kind.ID_NUMBER, False, "", "工资性收入可填挣得收入的成员"),
        Column("note", "备注", Kind.TEXT, False, ""),
    ),
)

EXPENDITURES = Table(
    name="expenditures",
    zh="刚性支出",
    key=("household_number", "period_start", "period_end", "type", "id_number"),
    columns=(
        *_PERIOD,
        Column("type", "支出类型", Kind.CODE, True, "medical_self_paid", codes=_choices(ExpenditureType)),
        Column("amount", "金额", Kind.DECIMAL, True, "12000.00", "元，不能为负", ("金额（元）",)),
        Column("id_number", "成员身份证号", Kind.ID_NUMBER, False, ""),
        Column("note", "备注", Kind.TEXT, False, ""),
    ),
)

SHOCKS = Table(
    name="shocks",
    zh="风险事件",
    key=("household_number", "date", "risk_type", "id_number"),
    columns=(
        Column(
            "household_number",
            "户编号",
            Kind.TEXT,
            True,
            "5306271022010001",
            aliases=("户号",),
            max_length=32,
        ),
        Column("date", "发生日期", Kind.DATE, True, "2026-03-15"),
        Column("risk_type", "风险类型", Kind.CODE, True, "illness", codes=_risk_types),
        Column("id_number", "成员身份证号", Kind.ID_NUMBER, False, ""),
        Column("note", "备注", Kind.TEXT, False, ""),
    ),
)

ALERTS = Table(
    name="alerts",
    zh="部门预警",
    key=("department", "kind", "id_number", "date"),
    description=(
        "Alerts pushed by line departments (部门筛查预警), one row per person and event. Departments "
        "know people by resident ID: the household is the one the person belonged to on the date. "
        "Rows about persons not registered in your areas are reported back, row by row."
    ),
    columns=(
        Column(
            "department",
            "报送部门",
            Kind.CODE,
            True,
            "medical_insurance",
            codes=_choices(Department),
            aliases=("部门", "数据来源部门"),
        ),
        Column(
            "kind",
            "预警类型",
            Kind.CODE,
            True,
            "medical_self_paid",
            "须为报送部门的预警类型",
            codes=_choices(AlertKind),
            aliases=("预警事项",),
        ),
        Column(
            "id_number",
            "身份证号",
            Kind.ID_NUMBER,
            True,
            "53062720050101001X",
            aliases=("证件号码", "公民身份号码", "身份证号码"),
        ),
        Column("name", "姓名", Kind.TEXT, False, "张三", "填写则与登记的姓名核对", max_length=50),
        Column("date", "发生日期", Kind.DATE, True, "2026-03-15", aliases=("预警日期", "业务日期")),
        Column(
            "amount",
            "金额",
            Kind.DECIMAL,
            False,
            "26000.00",
            "元；大额医疗自付和灾害损失必填",
            ("金额（元）", "自付金额", "损失金额"),
        ),
        Column("grade", "残疾等级", Kind.INT, False, "", "1-4；仅残疾登记填写"),
        Column("reference", "部门业务编号", Kind.TEXT, False, "YB2026030001", max_length=64),
        Column("note", "备注", Kind.TEXT, False, ""),
    ),
)

SPELLS = Table(
    name="spells",
    zh="就业记录",
    key=("id_number", "start", "status"),
    description=(
        "The employment ledger (务工就业台账): one row per spell of one status of a person, from "
        "`start` to `end` (blank while it lasts). Two full-time spells of a person may not overlap."
    ),
    columns=(
        Column(
            "id_number",
            "身份证号",
            Kind.ID_NUMBER,
            True,
            "53062720050101001X",
            aliases=("证件号码", "公民身份号码", "身份证号码"),
        ),
        Column("name", "姓名", Kind.TEXT, False, "张三", "填写则与登记的姓名核对", max_length=50),
        Column("status", "就业状态", Kind.CODE, True, "employed", codes=_employment("SpellStatus")),
        Column("start", "开始日期", Kind.DATE, True, "2026-03-01"),
        Column("end", "结束日期", Kind.DATE, False, "", "仍在继续的留空"),
        Column(
            "location",
            "就业地域",
            Kind.CODE,
            False,
            "out_of_province",
            "在岗必填",
            codes=_employment("Location"),
        ),
        Column("destination", "务工地点", Kind.TEXT, False, "广东省东莞市", max_length=100),
        Column("channel", "就业渠道", Kind.CODE, False, "organised_export", codes=_employment("Channel")),
        Column(
            "employer_code",
            "用工单位统一社会信用代码",
            Kind.TEXT,
            False,
            "91441900MA4W123409",
            "须已在本县用工单位名单中",
            max_length=18,
        ),
        Column("monthly_wage", "月工资", Kind.DECIMAL, False, "4800.00", "元，不能为负", ("月工资（元）",)),
        Column("full_time", "全职", Kind.BOOL, False, "是", "不填为全职；兼职可与其他记录重叠"),
        Column("note", "备注", Kind.TEXT, False, ""),
    ),
)

AREAS = Table(
    name="areas",
    zh="乡镇和村",
    key=("code",),
    description="Townships and villages the county creates; province to county come from the national table.",
    columns=(
        Column(
            "code",
            "区划代码",
            Kind.AREA_CODE,
            True,
            "530627102201",
            "乡镇 9 位或村 12 位",
            ("统计用区划代码",),
        ),
        Column("name", "名称", Kind.TEXT, True, "泼机村", max_length=100),
        Column("parent", "上级区划代码", Kind.AREA_CODE, True, "530627102000"),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (AREAS, HOUSEHOLDS, PERSONS, MEMBERSHIPS, INCOMES, EXPENDITURES, SHOCKS, ALERTS, SPELLS)
}
