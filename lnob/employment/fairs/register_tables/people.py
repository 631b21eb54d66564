"""The `fair_attendees` and `fair_outcomes` registers (resident IDs: sensitive)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import polars as pl
from auditlog.context import set_actor
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges
from lnob.core.errors import Msg
from lnob.employment.models import Channel, Spell, SpellStatus, Vacancy
from lnob.employment.registers import Context
from lnob.exchange.schema import Column, Kind, Table

from ..models import (
    DECLINE_REASONS,
    REJECT_REASONS,
    Application,
    Attendee,
    FairVacancy,
    JobFair,
    Reason,
    Source,
    State,
)
from ..services import FairMsg
from .common import FAIR_CODE, ID_NUMBER, People, codes_of, text, with_defaults

# -- attendees -------------------------------------------------------------------------------------


FAIR_ATTENDEES = Table(
    name="fair_attendees",
    zh="招聘会求职登记",
    key=("fair_code", "id_number"),
    description=(
        "The registered people who came to a fair to find work, by resident ID: persons of the "
        "organiser's area, registered by those who keep their ledger (a village cadre for the "
        "village). `name`, when given, must be the registered name."
    ),
    columns=(
        FAIR_CODE,
        ID_NUMBER,
        Column("name", "姓名", Kind.TEXT, False, "张三", "填写时须与登记的姓名一致", max_length=50),
        Column("registered_on", "登记日期", Kind.DATE, False, "2026-03-01", "不填为今天"),
        Column("note", "备注", Kind.TEXT, False, "", max_length=200),
    ),
)


def load_fair_attendees(ctx: Context, rows: pl.DataFrame) -> None:
    people = People(ctx, rows)
    existing = {
        (a.fair_id, a.person_id): a
        for a in Attendee.objects.filter(
            fair__in=list(people.fairs.values()), person_id__in=people.rows["person_id"].to_list()
        )
    }
    new, changed = [], []
    for r in people.rows.iter_rows(named=True):
        fair = people.check(ctx, r)
        if fair is None:
            continue
        registered_on = r.get("registered_on") or ctx.today
        if registered_on > ctx.today:
            ctx.refuse_row(r["_row"], "registered_on", registered_on, str(Msg.IN_FUTURE))
        found = existing.get((fair.pk, r["person_id"]))
        if found is None:
            if not fair.open:
                ctx.refuse_row(r["_row"], "fair_code", r["fair_code"], str(FairMsg.CLOSED))
            new.append(
                Attendee(
                    fair=fair,
                    person_id=r["person_id"],
                    village_id=r["village"],
                    registered_on=registered_on,
                    note=text(r.get("note")),
                    created_by=ctx.actor,
                )
            )
            continue
        updates = {}
        if r.get("registered_on") and found.registered_on != r["registered_on"]:
            updates["registered_on"] = r["registered_on"]
        if "note" in rows.columns and found.note != text(r.get("note")):
            updates["note"] = text(r.get("note"))
        if updates and not fair.open:
            ctx.refuse_row(r["_row"], "fair_code", r["fair_code"], str(FairMsg.CLOSED))
        elif updates:
            for k, v in updates.items():
                setattr(found, k, v)
            changed.append(found)
    if ctx.problems:
        return
    with set_actor(ctx.actor):
        Attendee.objects.bulk_create(new)
        Attendee.objects.bulk_update(changed, ["registered_on", "note"])
    ctx.created, ctx.updated = len(new), len(changed)


def dump_fair_attendees(user: Any) -> Iterator[tuple[Any, ...]]:
    from lnob.areas.scoping import area_q

    from ..selectors import fairs_visible

    attendees = Attendee.objects.filter(fair__in=fairs_visible(user)).filter(
        area_q("village_id", scope_ranges(user, Capability.VIEW_REGISTRY))
    )
    yield from attendees.order_by("fair__county_id", "fair__code", "person__id_number").values_list(
        "fair__code", "person__id_number", "person__name", "registered_on", "note"
    )


# -- outcomes --------------------------------------------------------------------------------------

FAIR_OUTCOMES = Table(
    name="fair_outcomes",
    zh="招聘会面试及录用结果",
    key=("fair_code", "id_number", "employer_code", "title", "vacancy_start"),
    description=(
        "Each application of an attendee for a vacancy of the fair, and how far it went (`state`): "
        "applied, interviewed, offered (with the wage), hired (the first day of work in "
        "`decided_on`: the ledger gets the spell, and the person's running full-time spell ends the "
        "day before), declined by the person or rejected by the employer (with the reason). A "
        "person not yet registered for the fair is registered. An application only moves forward; "
        "one that ended is kept as it is."
    ),
    columns=(
        FAIR_CODE,
        ID_NUMBER,
        Column(
            "employer_code", "用工单位统一社会信用代码", Kind.TEXT, True, "91441900MA4W123409", max_length=18
        ),
        Column("title", "岗位名称", Kind.TEXT, True, "电子装配工", max_length=100),
        Column("vacancy_start", "岗位到岗日期", Kind.DATE, True, "2026-03-20", "与招聘会岗位的到岗日期一致"),
        Column("state", "进展", Kind.CODE, False, "offered", "不填为待面试", codes=codes_of(State)),
        Column("interviewed_on", "面试日期", Kind.DATE, False, "2026-03-05"),
        Column("offered_on", "录用日期", Kind.DATE, False, "2026-03-05", "拟录用、已上岗须填"),
        Column("offered_wage", "录用月工资", Kind.DECIMAL, False, "4800.00", "元；拟录用、已上岗须填"),
        Column("offered_start", "约定到岗日期", Kind.DATE, False, "2026-03-20"),
        Column(
            "decided_on", "结果日期", Kind.DATE, False, "2026-03-20", "已上岗为上岗日期；放弃、未录用为当日"
        ),
        Column("reason", "原因", Kind.CODE, False, "", "本人放弃、未录用须填", codes=codes_of(Reason)),
        Column("note", "说明", Kind.TEXT, False, "", max_length=200),
    ),
)

_RANK = {
    State.APPLIED: 0,
    State.INTERVIEWED: 1,
    State.OFFERED: 2,
    State.HIRED: 3,
    State.DECLINED: 3,
    State.REJECTED: 3,
}
_FIELDS = (
    "state",
    "interviewed_on",
    "offered_on",
    "offered_wage",
    "offered_start",
    "decided_on",
    "reason",
    "note",
)


def _outcome_problems(r: dict[str, Any], fair: JobFair, today: dt.date) -> list[tuple[str, Any, str]]:
    """What is wrong with a row's outcome itself, as (column, value, message)."""
    state, out = r["state"], []
    needs = {
        State.INTERVIEWED: ("interviewed_on",),
        State.OFFERED: ("offered_on", "offered_wage"),
        State.HIRED: ("offered_on", "offered_wage", "decided_on"),
        State.DECLINED: ("reason", "decided_on"),
        State.REJECTED: ("reason", "decided_on"),
    }.get(state, ())
    out += [(c, "", str(Msg.REQUIRED)) for c in needs if r.get(c) in (None, "")]
    for column in ("interviewed_on", "offered_on", "decided_on"):
        day = r.get(column)
        if day is not None and day > today:
            out.append((column, day, str(Msg.IN_FUTURE)))
        if day is not None and column != "decided_on" and day < fair.start:
            out.append((column, day, str(FairMsg.BEFORE_FAIR).format(start=fair.start)))
    if (
        state == State.HIRED
        and r.get("decided_on")
        and r.get("offered_on")
        and r["decided_on"] < r["offered_on"]
    ):
        out.append(("decided_on", r["decided_on"], str(FairMsg.BEFORE_OFFER).format(date=r["offered_on"])))
    reason = r.get("reason") or ""
    allowed = {State.DECLINED: DECLINE_REASONS, State.REJECTED: REJECT_REASONS}.get(state)
    if reason and allowed is not None and reason not in allowed:
        out.append(("reason", reason, str(FairMsg.REASON_NOT_FOR).format(action=State(state).label)))
    if reason == Reason.OTHER and not text(r.get("note")):
        out.append(("note", "", str(FairMsg.NOTE_FOR_OTHER)))
    return out


def _values(r: dict[str, Any]) -> dict[str, Any]:
    wage = r.get("offered_wage")
    return {
        "state": r["state"],
        "interviewed_on": r.get("interviewed_on"),
        "offered_on": r.get("offered_on"),
        "offered_wage": None if wage is None else Decimal(str(wage)).quantize(Decimal("0.01")),
        "offered_start": r.get("offered_start"),
        "decided_on": r.get("decided_on"),
        "reason": r.get("reason") or "",
        "note": text(r.get("note")),
    }


def load_fair_outcomes(ctx: Context, rows: pl.DataFrame) -> None:
    rows = with_defaults(rows, {"state": "applied"}).with_columns(
        pl.col("employer_code").str.to_uppercase().str.replace_all(" ", "")
    )
    people = People(ctx, rows)
    fairs = list(people.fairs.values())
    offered = {
        (
            link.recruiter.fair_id,
            link.vacancy.employer.credit_code,
            link.vacancy.title,
            link.vacancy.start,
        ): link.vacancy
        for link in FairVacancy.objects.filter(recruiter__fair__in=fairs).select_related(
            "recruiter", "vacancy__employer"
        )
    }
    persons = people.rows["person_id"].to_list()
    attendees = {
        (a.fair_id, a.person_id): a for a in Attendee.objects.filter(fair__in=fairs, person_id__in=persons)
    }
    apps = {
        (a.attendee_id, a.vacancy_id): a
        for a in Application.objects.filter(attendee__fair__in=fairs, person_id__in=persons)
    }
    plan = _Plan()
    for r in people.rows.iter_rows(named=True):
        fair = people.check(ctx, r)
        if fair is None:
            continue
        vacancy = offered.get((fair.pk, r["employer_code"], text(r["title"]), r["vacancy_start"]))
        if vacancy is None:
            ctx.refuse_row(r["_row"], "title", r["title"], str(FairMsg.NOT_AT_FAIR))
            continue
        for column, value, message in _outcome_problems(r, fair, ctx.today):
            ctx.refuse_row(r["_row"], column, value, message)
        attendee = attendees.get((fair.pk, r["person_id"]))
        if attendee is None:
            if not fair.open:
                ctx.refuse_row(r["_row"], "fair_code", r["fair_code"], str(FairMsg.CLOSED))
            attendee = Attendee(
                fair=fair,
                person_id=r["person_id"],
                village_id=r["village"],
                registered_on=min(fair.start, ctx.today),
                created_by=ctx.actor,
            )
            attendees[(fair.pk, r["person_id"])] = attendee
            plan.attendees.append(attendee)
        found = apps.get((attendee.pk, vacancy.pk)) if attendee.pk else None
        plan.take(ctx, r, fair, vacancy, attendee, found, people.births[r["person_id"]])
    plan.check_hires(ctx)
    if ctx.problems:
        return
    plan.apply(ctx)


class _Plan:
    """What an outcomes file will write: new attendees, new and changed applications, new hires."""

    def __init__(self) -> None:
        self.attendees: list[Attendee] = []
        self.new: list[tuple[Application, Attendee]] = []
        self.changed: list[Application] = []
        # (file row, application, vacancy, fair, first day of work)
        self.hires: list[tuple[int, Application, Vacancy, JobFair, dt.date]] = []
        self.closing: list[Spell] = []  # running spells the hires end

    def take(
        self,
        ctx: Context,
        r: dict[str, Any],
        fair: JobFair,
        vacancy: Vacancy,
        attendee: Attendee,
        found: Application | None,
        birth: dt.date,
    ) -> None:
        values, row = _values(r), r["_row"]
        if found is None:
            if not fair.open or vacancy.status != Vacancy.Status.OPEN:
                closed = str(FairMsg.CLOSED if not fair.open else FairMsg.VACANCY_CLOSED)
                ctx.refuse_row(row, "fair_code" if not fair.open else "title", r["title"], closed)
            from lnob.registry.rules import age_on

            age = age_on(birth, fair.start)
            if not vacancy.age_min <= age <= vacancy.age_max:
                too = str(FairMsg.AGE).format(age=age, low=vacancy.age_min, high=vacancy.age_max)
                ctx.refuse_row(row, "id_number", r["id_number"], too)
            app = Application(
                person_id=r["person_id"],
                vacancy=vacancy,
                village_id=attendee.village_id,
                source=Source.JOB_FAIR,
                created_by=ctx.actor,
                **values,
            )
            self.new.append((app, attendee))
            if app.state == State.HIRED and app.decided_on is not None:
                self.hires.append((row, app, vacancy, fair, app.decided_on))
            return
        if all(getattr(found, k) == v for k, v in values.items()):
            return
        before, after = State(found.state), State(values["state"])
        if _RANK[before] == 3 or _RANK[after] < _RANK[before]:
            ctx.refuse_row(
                row, "state", after, _("已有结果或已到“{s}”的记录不能改回或修改").format(s=before.label)
            )
            return
        if not fair.open and after in (State.INTERVIEWED, State.OFFERED) and after != before:
            ctx.refuse_row(row, "state", after, str(FairMsg.CLOSED))
        for k, v in values.items():
            setattr(found, k, v)
        self.changed.append(found)
        if after == State.HIRED and found.decided_on is not None:
            self.hires.append((row, found, vacancy, fair, found.decided_on))

    def check_hires(self, ctx: Context) -> None:
        """The hires' places, and their spells against the ledger: as `application_hire` does one
        by one (a running full-time spell that began earlier ends the day before; any other
        overlap of full-time spells is refused)."""
        from lnob.exchange.stage import overlapping

        if not self.hires:
            return
        vacancy_ids = {h[2].pk for h in self.hires}
        taken = Counter(
            Application.objects.filter(vacancy_id__in=vacancy_ids, state=State.HIRED).values_list(
                "vacancy_id", flat=True
            )
        )
        for row, app, vacancy, _fair, _start in sorted(self.hires, key=lambda h: (h[4], h[0])):
            taken[vacancy.pk] += 1
            if taken[vacancy.pk] > vacancy.headcount:
                ctx.refuse_row(row, "state", app.state, str(FairMsg.FULL).format(n=vacancy.headcount))
        persons = {h[1].person_id for h in self.hires}
        spells = list(Spell.objects.filter(person_id__in=persons, full_time=True))
        first_start: dict[int, dt.date] = {}
        for _row, app, _v, _f, start in self.hires:
            first_start[app.person_id] = min(first_start.get(app.person_id, start), start)
        self.closing = [s for s in spells if s.end is None and s.start < first_start[s.person_id]]
        for s in self.closing:
            s.end = first_start[s.person_id] - dt.timedelta(days=1)
        spans = pl.DataFrame(
            [(None, s.person_id, s.start, s.end) for s in spells]
            + [(row, app.person_id, start, None) for row, app, _v, _f, start in self.hires],
            schema={"_row": pl.Int64, "id_number": pl.Int64, "start": pl.Date, "end": pl.Date},
            orient="row",
        )
        for row, start in overlapping(spans).select("_row", "start").iter_rows():
            ctx.refuse_row(row, "decided_on", start, _("与此人已登记的另一条全职就业记录时间重叠"))

    def apply(self, ctx: Context) -> None:
        now = timezone.now()
        with set_actor(ctx.actor):
            Attendee.objects.bulk_create(self.attendees)
            Spell.objects.bulk_update(self.closing, ["end"])
            spells = [
                Spell(
                    person_id=app.person_id,
                    status=SpellStatus.EMPLOYED,
                    channel=Channel.JOB_FAIR,
                    location=v.location,
                    destination=v.destination,
                    employer_id=v.employer_id,
                    monthly_wage=app.offered_wage,
                    start=start,
                    note=fair.name[:200],
                    created_by=ctx.actor,
                )
                for _row, app, v, fair, start in self.hires
            ]
            Spell.objects.bulk_create(spells)
            for (_row, app, _v, _f, _s), spell in zip(self.hires, spells, strict=True):
                app.spell = spell
            for app, attendee in self.new:
                app.attendee = attendee
                app.attendee_id = attendee.pk
            Application.objects.bulk_create([app for app, _a in self.new])
            for app in self.changed:
                app.updated_at = now
            Application.objects.bulk_update(self.changed, [*_FIELDS, "spell", "updated_at"])
        ctx.created, ctx.updated = len(self.new), len(self.changed)


def dump_fair_outcomes(user: Any) -> Iterator[tuple[Any, ...]]:
    from lnob.areas.scoping import area_q

    from ..selectors import fairs_visible

    apps = Application.objects.filter(attendee__fair__in=fairs_visible(user)).filter(
        area_q("village_id", scope_ranges(user, Capability.VIEW_REGISTRY))
    )
    order = ("attendee__fair__county_id", "attendee__fair__code", "person__id_number", "pk")
    yield from apps.order_by(*order).values_list(
        "attendee__fair__code",
        "person__id_number",
        "vacancy__employer__credit_code",
        "vacancy__title",
        "vacancy__start",
        *_FIELDS,
    )
