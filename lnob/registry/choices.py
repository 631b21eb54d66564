"""Coded values of the registry. Chinese terms are the ones the national system uses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdStatus(models.TextChoices):
    OUT_OF_POVERTY = "out_of_poverty", _("脱贫户")
    ORDINARY = "ordinary", _("一般农户")
    OTHER = "other", _("其他")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
    GRANDCHILD = "grandchild", _("孙子女")
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class JoinReason(models.TextChoices):
    REGISTERED = "registered", _("建档登记")
    BIRTH = "birth", _("出生")
    MARRIAGE = "marriage", _("婚入")
    MOVED = "moved", _("迁入")
    OTHER = "other", _("其他")


class LeaveReason(models.TextChoices):
    DEATH = "death", _("死亡")
    MARRIAGE = "marriage", _("婚出")
    MOVED = "moved", _("迁出")
    OTHER = "other", _("其他")


class Education(models.TextChoices):
    NONE = "none", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中专/职高")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科及以上")


class Enrolment(models.TextChoices):
    NOT_IN_SCHOOL = "not_in_school", _("非在校生")
    PRESCHOOL = "preschool", _("学前教育")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中职")
    HIGHER = "higher", _("高职/大学")
    DROPPED_OUT = "dropped_out", _("辍学")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("长期慢性病")
    SERIOUS = "serious", _("患有大病")


class LabourCapacity(models.TextChoices):
    FULL = "full", _("有劳动能力")
    PARTIAL = "partial", _("弱劳动力或半劳动力")
    NONE = "none", _("丧失劳动能力")
    NOT_WORKING_AGE = "not_working_age", _("非劳动年龄")


class IncomeSource(models.TextChoices):
    WAGES = "wages", _("工资性收入")
    BUSINESS_NET = "business_net", _("生产经营性净收入")
    PROPERTY_NET = "property_net", _("财产性净收入")
    TRANSFER = "transfer", _("转移性收入")
    PRODUCTION_COST = "production_cost", _("生产经营性支出")


class TransferType(models.TextChoices):
    DIBAO = "dibao", _("低保金")
    TEKUN = "tekun", _("特困供养金")
    PENSION = "pension", _("养老金")
    SUBSIDY = "subsidy", _("政策性补贴")
    OTHER = "other", _("其他转移性收入")


class ExpenditureType(models.TextChoices):
    MEDICAL_SELF_PAID = "medical_self_paid", _("医疗自付费用")
    EDUCATION = "education", _("教育支出")
    DISASTER_LOSS = "disaster_loss", _("灾害损失")
    OTHER_RIGID = "other_rigid", _("其他刚性支出")


class Department(models.TextChoices):
    """Line departments that push risk alerts to the county (部门筛查预警)."""

    MEDICAL_INSURANCE = "medical_insurance", _("医疗保障部门")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门")
    EDUCATION = "education", _("教育部门")
    DISABLED_FEDERATION = "disabled_federation", _("残疾人联合会")
    EMERGENCY_MANAGEMENT = "emergency_management", _("应急管理部门")
    HR_SOCIAL_SECURITY = "hr_social_security", _("人力资源和社会保障部门")


class AlertKind(models.TextChoices):
    """What a department alert reports. `ALERT_DEPARTMENT` gives the department that sends each."""

    MEDICAL_SELF_PAID = "medical_self_paid", _("大额医疗自付费用")
    DIBAO_GRANTED = "dibao_granted", _("纳入低保")
    DIBAO_STOPPED = "dibao_stopped", _("退出低保")
    TEKUN_GRANTED = "tekun_granted", _("纳入特困供养")
    TEKUN_STOPPED = "tekun_stopped", _("退出特困供养")
    DROPOUT = "dropout", _("义务教育阶段辍学")
    DISABILITY_REGISTERED = "disability_registered", _("残疾登记")
    DISASTER_LOSS = "disaster_loss", _("灾害损失")
    LAYOFF = "layoff", _("企业裁员")
    UNEMPLOYMENT_REGISTERED = "unemployment_registered", _("失业登记")


ALERT_DEPARTMENT: dict[str, str] = {
    AlertKind.MEDICAL_SELF_PAID: Department.MEDICAL_INSURANCE,
    AlertKind.DIBAO_GRANTED: Department.CIVIL_AFFAIRS,
    AlertKind.DIBAO_STOPPED: Department.CIVIL_AFFAIRS,
    AlertKind.TEKUN_GRANTED: Department.CIVIL_AFFAIRS,
    AlertKind.TEKUN_STOPPED: Department.CIVIL_AFFAIRS,
    AlertKind.DROPOUT: Department.EDUCATION,
    AlertKind.DISABILITY_REGISTERED: Department.DISABLED_FEDERATION,
    AlertKind.DISASTER_LOSS: Department.EMERGENCY_MANAGEMENT,
    AlertKind.LAYOFF: Department.HR_SOCIAL_SECURITY,
    AlertKind.UNEMPLOYMENT_REGISTERED: Department.HR_SOCIAL_SECURITY,
}
# alerts that carry an amount (yuan), and the one that carries a disability grade
ALERT_AMOUNT_REQUIRED = frozenset({AlertKind.MEDICAL_SELF_PAID, AlertKind.DISASTER_LOSS})
ALERT_WITH_GRADE = AlertKind.DISABILITY_REGISTERED
# alerts that reveal a person's health: shown only to roles that may see health data
ALERT_SENSITIVE = frozenset({AlertKind.MEDICAL_SELF_PAID, AlertKind.DISABILITY_REGISTERED})
