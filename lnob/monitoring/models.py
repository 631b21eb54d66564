"""Monitoring policy as versioned data (issue 4, part 1).

The rules differ by province and year (docs/policy and ../shared/domain/policy-reference.md), so
they are rows, not constants: a `PolicyVersion` belongs to a region (0 = the national default,
or a province, prefecture or county code) and takes effect on a date. A field left empty inherits
the value of the broader region, so a county version may change one deadline and keep the
province's threshold. `lnob.monitoring.policy.policy_for(area, day)` resolves the values that
hold for a village on a day, each with the version and the source it comes from.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from lnob.areas.models import Area
from lnob.areas.scoping import ScopedQuerySet

NATIONAL = 0


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("生效")
        RETIRED = "retired", _("停用")

    # the region as its 12-digit code, 0 for the national default: a code, not a foreign key, so
    # the defaults can be seeded before the area tree is loaded
    area_code = models.BigIntegerField(_("适用地区代码"), default=NATIONAL, help_text=_("0 表示全国"))
    effective_from = models.DateField(_("生效日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    name = models.CharField(_("名称"), max_length=100)

    threshold_yuan = models.DecimalField(
        _("监测范围（元/人/年）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    threshold_source = models.CharField(_("监测范围依据"), max_length=300, blank=True)
    decision_days = models.PositiveSmallIntegerField(_("认定时限（天）"), null=True, blank=True)
    decision_working_days = models.BooleanField(_("按工作日计算"), null=True, blank=True)
    decision_source = models.CharField(_("认定时限依据"), max_length=300, blank=True)
    notice_min_days = models.PositiveSmallIntegerField(_("公示最少天数"), null=True, blank=True)
    notice_source = models.CharField(_("公示依据"), max_length=300, blank=True)
    elimination_stable_months = models.PositiveSmallIntegerField(
        _("风险消除：收入稳定月数"), null=True, blank=True
    )
    elimination_min_measures = models.PositiveSmallIntegerField(
        _("风险消除：至少落实帮扶措施数"), null=True, blank=True
    )
    elimination_source = models.CharField(_("风险消除依据"), max_length=300, blank=True)
    medical_alert_yuan = models.DecimalField(
        _("医保预警：个人自付超过（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    medical_alert_source = models.CharField(_("医保预警依据"), max_length=300, blank=True)
    note = models.TextField(_("说明"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("监测政策版本")
        verbose_name_plural = _("监测政策版本")
        ordering = ["area_code", "-effective_from"]
        constraints = [
            # one active version per region and start date: which one holds is never a guess
            models.UniqueConstraint(
                fields=["area_code", "effective_from"],
                condition=Q(status="active"),
                name="policy_one_active_per_region_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from})"

    def get_additional_data(self) -> dict[str, int]:
        return {"policy": self.pk, "area": self.area_code}


class MonitoringCategory(models.Model):
    """The three kinds of monitored household (监测对象类型), as data with their source."""

    code = models.SlugField(_("代码"), max_length=40, primary_key=True)
    name_zh = models.CharField(_("中文名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80)
    definition = models.TextField(_("定义"))
    source = models.CharField(_("依据"), max_length=300, blank=True)
    sort = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("监测对象类型")
        verbose_name_plural = _("监测对象类型")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name_zh


class VillageScoped(ScopedQuerySet):
    area_field = "village_id"


class Rule(models.Model):
    """A screening rule, part of a policy version (docs/monitoring.md, "Rules are data").

    The expression is a condition over the household features (lnob.engine.monitor.expr): it is
    checked against the feature columns when saved and is never run as code. A narrower region's
    version may replace a rule of the same code, or switch it off there (`enabled` = False).
    """

    class Severity(models.IntegerChoices):
        LOW = 1, _("低")
        MEDIUM = 2, _("中")
        HIGH = 3, _("高")

    policy = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="rules")
    code = models.SlugField(_("规则代码"), max_length=40)
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150)
    category = models.ForeignKey(
        MonitoringCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("对应监测对象类型"),
    )
    risk_types = models.JSONField(_("风险类型"), default=list, blank=True)
    expression = models.TextField(_("条件表达式"))
    severity = models.PositiveSmallIntegerField(
        _("风险等级"), choices=Severity.choices, default=Severity.MEDIUM
    )
    explanation = models.CharField(_("说明模板"), max_length=300)
    source = models.CharField(_("依据"), max_length=300)
    exact = models.BooleanField(_("严格对应政策条文"), default=False)
    enabled = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("监测规则")
        verbose_name_plural = _("监测规则")
        ordering = ["policy", "code"]
        constraints = [models.UniqueConstraint(fields=["policy", "code"], name="rule_code_once_per_policy")]

    def __str__(self) -> str:
        return f"{self.code} · {self.name_zh}"

    def get_additional_data(self) -> dict[str, int]:
        return {"policy": self.policy_id, "area": self.policy.area_code}


class Sweep(models.Model):
    """One run of every rule over every household of a county as of a date. Kept for good."""

    class Kind(models.TextChoices):
        SWEEP = "sweep", _("排查")
        WHAT_IF = "what_if", _("试算")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    class Trigger(models.TextChoices):
        COMMAND = "command", _("命令行")
        SCHEDULE = "schedule", _("每月定时")
        BUTTON = "button", _("页面按钮")
        API = "api", _("接口")

    county = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("县"))
    as_of = models.DateField(_("排查基准日"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.SWEEP)
    draft = models.ForeignKey(
        PolicyVersion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="what_ifs",
        verbose_name=_("试算的草稿版本"),
    )
    trigger = models.CharField(_("发起方式"), max_length=10, choices=Trigger.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    policy = models.JSONField(_("所用政策与规则"), default=dict, blank=True)
    counts = models.JSONField(_("结果统计"), default=dict, blank=True)
    timings = models.JSONField(_("各阶段用时（秒）"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    task = models.ForeignKey("core.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("风险排查")
        verbose_name_plural = _("风险排查")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["county", "as_of"])]
        constraints = [
            # one sweep of a county and date under way at a time: two workers' schedules, or two
            # clicks, cannot queue the same sweep twice (a finished one may be run again)
            models.UniqueConstraint(
                fields=["county", "as_of"],
                condition=Q(kind="sweep", status__in=["queued", "running"]),
                name="sweep_one_under_way_per_county_and_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.county_id} @ {self.as_of} #{self.pk}"

    def get_additional_data(self) -> dict[str, int]:
        return {"sweep": self.pk, "area": self.county_id}


class SweepHit(models.Model):
    """A household that met a rule in a sweep, with the figures the rule read."""

    sweep = models.ForeignKey(Sweep, on_delete=models.CASCADE, related_name="hits", db_index=False)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", db_index=False)
    rule_code = models.CharField(_("规则代码"), max_length=40)
    severity = models.PositiveSmallIntegerField(_("风险等级"))
    evidence = models.TextField(_("依据数据（JSON）"))
    # in a what-if run, True marks the hits of the active policy it is compared with
    baseline = models.BooleanField(default=False)

    objects = VillageScoped.as_manager()

    class Meta:
        verbose_name = _("排查命中")
        verbose_name_plural = _("排查命中")
        indexes = [
            models.Index(fields=["sweep", "village"], name="sweephit_sweep_village"),
            models.Index(fields=["household", "sweep"], name="sweephit_household_sweep"),
        ]

    def __str__(self) -> str:
        return f"{self.sweep_id} · {self.household_id} · {self.rule_code}"


class Lead(models.Model):
    """A lead (风险线索): a household that may be at risk and must be looked at. At most one open
    lead per household; every new signal about it is added to that lead with its evidence."""

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        ACCEPTED = "accepted", _("已转入认定")
        DISMISSED = "dismissed", _("已排除")

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="leads")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", db_index=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("发现时间"))
    first_channel = models.CharField(_("首次来源"), max_length=20)
    severity = models.PositiveSmallIntegerField(_("风险等级"), default=2)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_reason = models.CharField(_("关闭原因"), max_length=300, blank=True)

    objects = VillageScoped.as_manager()

    class Meta:
        verbose_name = _("风险线索")
        verbose_name_plural = _("风险线索")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            # one current lead per household: open, or taken into a case not yet closed
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(closed_at__isnull=True),
                name="lead_one_current_per_household",
            )
        ]
        indexes = [models.Index(fields=["village", "status"], name="lead_village_status")]

    def __str__(self) -> str:
        return f"{self.household_id} · {self.get_status_display()}"

    def get_additional_data(self) -> dict[str, int]:
        return {"household": self.household_id, "area": self.village_id}


class Signal(models.Model):
    """One piece of evidence on a lead: a rule hit in a sweep, a report, a department's record."""

    class Channel(models.TextChoices):
        SWEEP = "sweep", _("系统排查")
        SELF_REPORT = "self_report", _("农户自主申报")
        CADRE = "cadre", _("干部排查")
        DEPARTMENT = "department", _("部门预警")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="signals", db_index=False)
    channel = models.CharField(_("来源"), max_length=20, choices=Channel.choices)
    sweep = models.ForeignKey(Sweep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rule_code = models.CharField(_("规则代码"), max_length=40, blank=True)
    risk_types = models.JSONField(_("风险类型"), default=list, blank=True)
    evidence = models.TextField(_("依据数据（JSON）"), blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    observed_on = models.DateField(_("发生或基准日期"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("线索证据")
        verbose_name_plural = _("线索证据")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["lead", "created_at"], name="signal_lead_created")]

    def __str__(self) -> str:
        return f"{self.lead_id} · {self.get_channel_display()} · {self.rule_code}"


class CaseState(models.TextChoices):
    """The steps of the official procedure (docs/monitoring.md, "Cases")."""

    LEAD = "lead", _("待入户核实")
    VISITED = "visited", _("已入户核实")
    COMPARED = "compared", _("已比对数据")
    VILLAGE_REVIEWED = "village_reviewed", _("村级已评议")
    NOTICE = "notice", _("公示中")
    TOWNSHIP_REVIEWED = "township_reviewed", _("乡镇已审核")
    APPROVED = "approved", _("县级已审定")
    REJECTED = "rejected", _("未通过")
    # after a risk elimination was approved (风险消除回退, 风险再标注)
    ROLLED_BACK = "rolled_back", _("消除已回退")
    REMARKED = "remarked", _("已再标注")


FINAL_STATES = (CaseState.APPROVED, CaseState.REJECTED, CaseState.ROLLED_BACK, CaseState.REMARKED)


class Case(ConcurrentTransitionMixin, models.Model):
    """One household carried through identification (识别纳入监测), step by step, on time.

    The state moves only through the transitions below (django-fsm-2; the field is protected), each
    called by lnob.monitoring.cases with the right role, a comment and a timestamp, recorded as a
    CaseEvent. The row is locked while a step is taken, and the mixin refuses a save whose state
    changed underneath: two clicks on the same step give one step.
    """

    class Kind(models.TextChoices):
        IDENTIFICATION = "identification", _("识别纳入")
        ELIMINATION = "elimination", _("风险消除")

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="cases")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", db_index=False)
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.IDENTIFICATION)
    state = FSMField(
        _("环节"), max_length=20, choices=CaseState.choices, default=CaseState.LEAD, protected=True
    )
    fast_track = models.BooleanField(_("先帮扶后认定"), default=False)
    fast_track_reason = models.CharField(_("先帮扶理由"), max_length=300, blank=True)
    category = models.ForeignKey(
        MonitoringCategory, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("监测对象类型")
    )
    risk_types = models.JSONField(_("风险类型"), default=list, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("责任人"),
    )  # fmt: skip
    opened_at = models.DateTimeField(_("立案时间"))
    due_on = models.DateField(_("办结期限"))
    policy = models.JSONField(_("所用时限"), default=dict, blank=True)
    authorisation_signed_on = models.DateField(_("农户签字授权日期"), null=True, blank=True)
    notice_start = models.DateField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateField(_("公示结束"), null=True, blank=True)
    rejected_reason = models.CharField(_("未通过原因"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = VillageScoped.as_manager()

    class Meta:
        verbose_name = _("监测认定案件")
        verbose_name_plural = _("监测认定案件")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(state__in=["approved", "rejected", "rolled_back", "remarked"]),
                name="case_one_in_progress_per_household",
            )
        ]
        indexes = [
            models.Index(fields=["village", "state"], name="case_village_state"),
            models.Index(fields=["assigned_to", "state"], name="case_assignee_state"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} · {self.get_state_display()}"

    def get_additional_data(self) -> dict[str, int]:
        return {"household": self.household_id, "area": self.village_id}

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    # -- transitions: called only by lnob.monitoring.cases, which checks role, order and data --
    @transition(field=state, source=CaseState.LEAD, target=CaseState.VISITED)
    def visit(self) -> None:
        """入户核实: the household's signed authorisation to check its data is recorded."""

    @transition(field=state, source=CaseState.VISITED, target=CaseState.COMPARED)
    def compare(self) -> None:
        """数据比对: income, assets and department data compared."""

    @transition(field=state, source=CaseState.COMPARED, target=CaseState.VILLAGE_REVIEWED)
    def village_review(self) -> None:
        """村级民主评议."""

    @transition(field=state, source=CaseState.VILLAGE_REVIEWED, target=CaseState.NOTICE)
    def post_notice(self) -> None:
        """公示: at least the policy's days, with a notice that shows no private data."""

    @transition(field=state, source=CaseState.NOTICE, target=CaseState.TOWNSHIP_REVIEWED)
    def township_review(self) -> None:
        """乡镇审核, after the notice period."""

    @transition(field=state, source=CaseState.TOWNSHIP_REVIEWED, target=CaseState.APPROVED)
    def approve(self) -> None:
        """县级审定: monitored, with its category and risk types."""

    @transition(
        field=state,
        source=[s for s in CaseState.values if s not in FINAL_STATES],
        target=CaseState.REJECTED,
    )
    def reject(self) -> None:
        """不予纳入, with the reason."""

    def _is_elimination(self: models.Model) -> bool:
        return getattr(self, "kind", "") == "elimination"

    @transition(
        field=state, source=CaseState.APPROVED, target=CaseState.ROLLED_BACK, conditions=[_is_elimination]
    )
    def roll_back(self) -> None:
        """风险消除回退: the elimination was not sound; the household is monitored again."""

    @transition(
        field=state, source=CaseState.APPROVED, target=CaseState.REMARKED, conditions=[_is_elimination]
    )
    def re_mark(self) -> None:
        """风险再标注: a new risk after elimination; the household goes through identification again."""


class CaseEvent(models.Model):
    """A step taken on a case: who, when, from which state to which, with their comment."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_state = models.CharField(_("原环节"), max_length=20)
    to_state = models.CharField(_("新环节"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("意见"))
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("案件办理记录")
        verbose_name_plural = _("案件办理记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.action}"

    @property
    def action_label(self) -> str:
        from .cases import ACTION_NAMES

        return str(ACTION_NAMES.get(self.action, self.action))

    @property
    def to_label(self) -> str:
        return str(dict(CaseState.choices).get(self.to_state, self.to_state))


class MeasureType(models.TextChoices):
    """Assistance measures (帮扶措施). Developmental ones build the household's own income;
    protective ones secure its basic living."""

    JOB_REFERRAL = "job_referral", _("就业推荐")
    WORKSHOP_JOB = "workshop_job", _("帮扶车间就业")
    TRAINING = "training", _("技能培训")
    PUBLIC_WELFARE_POST = "public_welfare_post", _("公益性岗位")
    TRANSPORT_SUBSIDY = "transport_subsidy", _("交通补贴")
    LOAN = "loan", _("小额信贷")
    INDUSTRY_SUPPORT = "industry_support", _("产业帮扶")
    DIBAO = "dibao", _("低保")
    TEKUN = "tekun", _("特困供养")
    TEMPORARY_ASSISTANCE = "temporary_assistance", _("临时救助")
    MEDICAL_ASSISTANCE = "medical_assistance", _("医疗救助")


PROTECTIVE = frozenset(
    {MeasureType.DIBAO, MeasureType.TEKUN, MeasureType.TEMPORARY_ASSISTANCE, MeasureType.MEDICAL_ASSISTANCE}
)


class Measure(models.Model):
    """One measure of a monitored household's assistance plan (帮扶计划)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        ACTIVE = "active", _("落实中")
        DONE = "done", _("已完成")
        STOPPED = "stopped", _("已终止")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="measures")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="measures")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", db_index=False)
    type = models.CharField(_("措施"), max_length=30, choices=MeasureType.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    responsible = models.CharField(_("责任人"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    no_labour_override = models.BooleanField(_("无劳动能力户仍安排开发式措施"), default=False)
    override_reason = models.CharField(_("理由"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # the actual job, post agreement, enrolment or loan that carries the measure out
    # (lnob.monitoring.links): a workshop job is a ledger spell, a loan is the loan itself
    link_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    link_id = models.PositiveBigIntegerField(null=True, blank=True)
    link = GenericForeignKey("link_type", "link_id")

    objects = VillageScoped.as_manager()

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="measure_dates"
            ),
            models.CheckConstraint(
                condition=Q(no_labour_override=False) | ~Q(override_reason=""),
                name="measure_override_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(link_type__isnull=True, link_id__isnull=True)
                | Q(link_type__isnull=False, link_id__isnull=False),
                name="measure_link_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} · {self.get_type_display()}"

    def get_additional_data(self) -> dict[str, int]:
        return {"household": self.household_id, "area": self.village_id}

    @property
    def kind(self) -> str:
        return "protective" if self.type in PROTECTIVE else "developmental"

    @property
    def kind_label(self) -> str:
        return str(_("保障性")) if self.type in PROTECTIVE else str(_("开发式"))
