"""Labour-export workstations (劳务工作站): a sending county's office in a destination city.

A station keeps no roster of its own: its migrants are read from the employment ledger (the
spells of the county's people who work in the station's city, or whose job the station placed).
It keeps what only it knows: the jobs it placed (`Placement`, each a spell of the ledger), the
recruitment information it collected (`StationVacancy`, each a ledger `Vacancy`), the labour
disputes and wage-arrears cases it handled (`Dispute`, with their history) and its visits.
docs/employment-workstations.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from lnob.areas.models import Area
from lnob.employment.models import Employer, Spell, Vacancy
from lnob.registry.models import Person


class Workstation(models.Model):
    """A labour-export workstation of a sending county in a destination city, run by the
    officers named on it (users holding the role workstation_officer in the county)."""

    county = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("派出县"))
    name = models.CharField(_("名称"), max_length=100)
    destination_city = models.CharField(_("驻地城市"), max_length=50)
    destination_province = models.CharField(_("驻地省份"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="workstations", blank=True, verbose_name=_("工作站专员")
    )
    opened_on = models.DateField(_("设立日期"))
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("劳务工作站")
        verbose_name_plural = _("劳务工作站")
        ordering = ["county_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="workstation_name_once_per_county"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="workstation_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def city_key(self) -> str:
        """What a spell's destination must contain to be in this city: the city's name without
        its 市, so that 广东省东莞市长安镇 and 东莞 both match 东莞市."""
        return city_key(self.destination_city)

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.county_id}


def city_key(city: str) -> str:
    city = city.strip()
    return city[:-1] if len(city) > 2 and city.endswith("市") else city


class Placement(models.Model):
    """A job the station placed a migrant in (有组织劳务输出): the ledger spell it wrote. The
    spell is on the station's roster while it runs, wherever its destination says."""

    station = models.ForeignKey(Workstation, on_delete=models.PROTECT, related_name="placements")
    spell = models.OneToOneField(Spell, on_delete=models.PROTECT, related_name="workstation_placement")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("工作站输出就业")
        verbose_name_plural = _("工作站输出就业")

    def __str__(self) -> str:
        employer = self.spell.employer
        where = employer.name if employer is not None else self.spell.destination
        return _("{station}输出：{person}，{employer}，{start} 起").format(
            station=self.station.name, person=self.person.name, employer=where, start=self.spell.start
        )

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id, "area": self.station.county_id}


class StationVacancy(models.Model):
    """Recruitment information a station collected from an employer at its destination."""

    station = models.ForeignKey(Workstation, on_delete=models.PROTECT, related_name="vacancy_links")
    vacancy = models.OneToOneField(Vacancy, on_delete=models.PROTECT, related_name="workstation_link")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("工作站收集的招聘信息")
        verbose_name_plural = _("工作站收集的招聘信息")

    def __str__(self) -> str:
        return f"{self.station} · {self.vacancy}"

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.station.county_id}


class DisputeKind(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("欠薪")
    INJURY = "injury", _("工伤")
    CONTRACT = "contract", _("劳动合同")
    OTHER = "other", _("其他")


class DisputeState(models.TextChoices):
    INTAKE = "intake", _("已受理")
    MEDIATION = "mediation", _("调解中")
    RESOLVED = "resolved", _("已解决")
    ESCALATED = "escalated", _("已移交")


CLOSED_STATES = (DisputeState.RESOLVED, DisputeState.ESCALATED)


class Dispute(ConcurrentTransitionMixin, models.Model):
    """A labour dispute or wage-arrears case (劳动纠纷、欠薪) a station took in for a migrant:
    intake → mediation → resolved, or escalated (to labour arbitration, inspection or a court).
    The state moves only through the transitions below (lnob.employment.workstations.services
    checks who, when and the amounts), each recorded as a DisputeEvent."""

    station = models.ForeignKey(Workstation, on_delete=models.PROTECT, related_name="disputes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("务工人员"))
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="+", verbose_name=_("用工单位")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=DisputeKind.choices)
    state = FSMField(
        _("状态"), max_length=20, choices=DisputeState.choices, default=DisputeState.INTAKE, protected=True
    )
    opened_on = models.DateField(_("受理日期"))
    mediation_on = models.DateField(_("开始调解日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    amount_claimed = models.DecimalField(_("诉求金额（元）"), max_digits=12, decimal_places=2)
    amount_recovered = models.DecimalField(_("追回金额（元）"), max_digits=12, decimal_places=2, default=0)
    escalated_to = models.CharField(_("移交机构"), max_length=100, blank=True)
    summary = models.CharField(_("情况"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("劳动纠纷和欠薪案件")
        verbose_name_plural = _("劳动纠纷和欠薪案件")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_claimed__gte=0), name="dispute_claimed_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_recovered__gte=0) & Q(amount_recovered__lte=F("amount_claimed")),
                name="dispute_recovered_within_claimed",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")), name="dispute_dates"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["resolved", "escalated"], closed_on__isnull=False)
                | (~Q(state__in=["resolved", "escalated"]) & Q(closed_on__isnull=True)),
                name="dispute_closed_iff_final",
            ),
        ]
        indexes = [models.Index(fields=["station", "state"], name="dispute_station_state")]

    def __str__(self) -> str:
        return _("{person}与{employer}的{kind}（{state}）").format(
            person=self.person.name,
            employer=self.employer.name,
            kind=self.get_kind_display(),
            state=self.get_state_display(),
        )

    def get_additional_data(self) -> dict[str, int]:
        return {"person": self.person_id, "area": self.station.county_id}

    @property
    def closed(self) -> bool:
        return self.state in CLOSED_STATES

    # -- transitions: called only by services.dispute_step, which checks the actor and the data --
    @transition(field=state, source=DisputeState.INTAKE, target=DisputeState.MEDIATION)
    def mediate(self) -> None:
        """开始调解: the station brings the worker and the employer together."""

    @transition(field=state, source=DisputeState.MEDIATION, target=DisputeState.RESOLVED)
    def resolve(self) -> None:
        """调解解决: settled, with the amount recovered."""

    @transition(field=state, source=DisputeState.MEDIATION, target=DisputeState.ESCALATED)
    def escalate(self) -> None:
        """移交: to labour arbitration, labour inspection or a court, with what was recovered so far."""


class DisputeEvent(models.Model):
    """A step of a dispute: who, when, from which state to which, with their note."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=20)
    to_state = models.CharField(_("新状态"), max_length=20)
    on = models.DateField(_("日期"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=500)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("案件办理记录")
        verbose_name_plural = _("案件办理记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dispute_id} · {self.action}"

    @property
    def to_label(self) -> str:
        return str(dict(DisputeState.choices).get(self.to_state, self.to_state))


class Visit(models.Model):
    """A visit by the station's staff (走访): to an employer or a place where migrants live,
    how many migrants they met, and whom of the roster by name."""

    station = models.ForeignKey(Workstation, on_delete=models.PROTECT, related_name="visits")
    on = models.DateField(_("走访日期"))
    visitors = models.CharField(_("走访人"), max_length=100)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("用工单位"),
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    persons_met = models.PositiveIntegerField(_("见到务工人员数"), default=0)
    persons = models.ManyToManyField(Person, related_name="+", blank=True, verbose_name=_("见到的务工人员"))
    notes = models.CharField(_("走访情况"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(employer__isnull=False) | ~Q(place=""), name="visit_names_where"
            ),
        ]

    def __str__(self) -> str:
        where = self.employer.name if self.employer is not None else self.place
        return f"{self.station} · {self.on} · {where}"

    def get_additional_data(self) -> dict[str, int]:
        return {"area": self.station.county_id}
