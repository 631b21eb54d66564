"""Skills training (技能培训) and the Rain and Dew plan (雨露计划).

A county or township runs **courses**; registered persons **enrol**, their **attendance** is taken
day by day (or in class hours online), a trainee who attended enough **completes** and may earn a
**certificate**. A **living allowance** (培训期间生活费补贴) is computed from attendance with the
rule in force (lnob.employment.policy, kind `training_allowance`) and paid in records that never
exceed it. A **雨露计划 student** of an out-of-poverty or monitored household gets a yearly grant
(kind `rain_dew`), paid in records that never exceed it. Whether a trainee is in work afterwards
is read from the ledger's spells, never kept here (docs/employment-training.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lnob.areas.models import Area
from lnob.registry.models import Household, Person


class Mode(models.TextChoices):
    OFFLINE = "offline", _("线下")
    ONLINE = "online", _("线上")


class CourseStatus(models.TextChoices):
    PLANNED = "planned", _("招生中")
    RUNNING = "running", _("培训中")
    FINISHED = "finished", _("已结业")
    CANCELLED = "cancelled", _("已取消")


OPEN_STATUSES = (CourseStatus.PLANNED, CourseStatus.RUNNING)


class CertificateKind(models.TextChoices):
    SKILL_LEVEL = "skill_level", _("职业技能等级证书")
    QUALIFICATION = "qualification", _("职业资格证书")
    SPECIAL = "special", _("专项职业能力证书")
    TRAINING = "training", _("培训合格证书")


class Programme(models.TextChoices):
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中等职业教育")
    HIGHER_VOCATIONAL = "higher_vocational", _("高等职业教育")


class Course(models.Model):
    """A training course (培训班) run in a county or a township."""

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("举办地区"), db_index=False
    )
    title = models.CharField(_("培训班名称"), max_length=100)
    skill = models.CharField(_("培训工种"), max_length=50)
    provider = models.CharField(_("培训机构"), max_length=100)
    start = models.DateField(_("开班日期"))
    end = models.DateField(_("结业日期"))
    hours = models.PositiveIntegerField(_("课时"))
    mode = models.CharField(_("培训方式"), max_length=10, choices=Mode.choices, default=Mode.OFFLINE)
    cost_per_trainee = models.DecimalField(_("人均培训费（元）"), max_digits=10, decimal_places=2)
    places = models.PositiveIntegerField(_("招生人数"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "title", "start"], name="course_once_per_area_title_start"
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="course_dates"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="course_hours_positive"),
            models.CheckConstraint(condition=Q(places__gt=0), name="course_places_positive"),
            models.CheckConstraint(condition=Q(cost_per_trainee__gte=0), name="course_cost_not_negative"),
        ]
        indexes = [models.Index(fields=["area", "start"], name="course_area_start")]

    def __str__(self) -> str:
        return f"{self.title}（{self.start:%Y-%m-%d}）"

    @property
    def scheduled_days(self) -> int:
        return (self.end - self.start).days + 1

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.area_id}


class Enrolment(models.Model):
    """A registered person on a course (培训学员): once per person and course. Completion and the
    certificate are recorded here; attendance is one row a day."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="training_enrolments", db_index=False
    )
    enrolled_on = models.DateField(_("报名日期"))
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)
    certificate_kind = models.CharField(
        _("证书类别"), max_length=20, choices=CertificateKind.choices, blank=True
    )
    certificate_number = models.CharField(_("证书编号"), max_length=50, blank=True)
    certificate_date = models.DateField(_("发证日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("培训学员")
        verbose_name_plural = _("培训学员")
        constraints = [
            models.UniqueConstraint(fields=["person", "course"], name="enrolment_once_per_person_course"),
            # a certificate is all three fields or none, and only after completion
            models.CheckConstraint(
                condition=(
                    Q(certificate_number="") & Q(certificate_kind="") & Q(certificate_date__isnull=True)
                )
                | (
                    ~Q(certificate_number="")
                    & ~Q(certificate_kind="")
                    & Q(certificate_date__isnull=False)
                    & Q(completed_on__isnull=False)
                ),
                name="enrolment_certificate_whole_after_completion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.course.title}（{self.course.start:%Y-%m}）"

    def get_additional_data(self) -> dict[str, int | None]:
        from lnob.registry.selectors import person_area

        return {"person": self.person_id, "area": person_area(self.person_id)}


class Attendance(models.Model):
    """A trainee present on a day: offline, the day counts; online, the class hours studied."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("培训考勤")
        verbose_name_plural = _("培训考勤")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="attendance_once_a_day"),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | (Q(hours__gt=0) & Q(hours__lte=24)), name="attendance_hours"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.day}"


class AllowancePayment(models.Model):
    """A payment of a trainee's living allowance (培训生活费补贴发放)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("发放日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    reference = models.CharField(_("凭证号"), max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("培训生活费补贴发放")
        verbose_name_plural = _("培训生活费补贴发放")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allowance_payment_positive"),
            models.UniqueConstraint(
                fields=["enrolment", "reference"], name="allowance_payment_reference_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.paid_on} · {self.reference}"

    def get_additional_data(self) -> dict[str, int | None]:
        from lnob.registry.selectors import person_area

        person = Enrolment.objects.filter(pk=self.enrolment_id).values_list("person_id", flat=True).first()
        return {"person": person, "area": person_area(person) if person else None}


class RainDewStudent(models.Model):
    """A 雨露计划 student for one school year: a child of an out-of-poverty or monitored household
    in secondary or higher vocational education, with the year's grant set by the rule."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="rain_dew", db_index=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", db_index=False)
    # the village of the household when registered: where the student's records are scoped
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", db_index=False)
    school = models.CharField(_("就读学校"), max_length=100)
    programme = models.CharField(_("学历层次"), max_length=24, choices=Programme.choices)
    school_year = models.PositiveSmallIntegerField(
        _("学年"), help_text=_("学年开始的年份，如 2026 表示 2026—2027 学年")
    )
    grant = models.DecimalField(_("补助标准（元）"), max_digits=10, decimal_places=2)
    rule = models.ForeignKey(
        "employment.EmploymentPolicy", on_delete=models.PROTECT, related_name="+", verbose_name=_("依据规则")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("雨露计划学生")
        verbose_name_plural = _("雨露计划学生")
        constraints = [
            models.UniqueConstraint(fields=["person", "school_year"], name="rain_dew_once_a_year"),
            models.CheckConstraint(condition=Q(grant__gt=0), name="rain_dew_grant_positive"),
        ]
        indexes = [models.Index(fields=["village", "school_year"], name="rain_dew_village_year")]

    def __str__(self) -> str:
        return str(_("{name} · 雨露计划 {first}—{second} 学年")).format(
            name=self.person.name, first=self.school_year, second=self.school_year + 1
        )

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id, "household": self.household_id, "area": self.village_id}


class RainDewPayment(models.Model):
    """A payment of a 雨露计划 grant."""

    student = models.ForeignKey(RainDewStudent, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("发放日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    reference = models.CharField(_("凭证号"), max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("雨露计划补助发放")
        verbose_name_plural = _("雨露计划补助发放")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="rain_dew_payment_positive"),
            models.UniqueConstraint(fields=["student", "reference"], name="rain_dew_payment_reference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} · {self.paid_on} · {self.reference}"

    def get_additional_data(self) -> dict[str, int | None]:
        row = RainDewStudent.objects.filter(pk=self.student_id).values_list("person_id", "village_id").first()
        return {"person": row[0], "area": row[1]} if row else {"person": None, "area": None}
