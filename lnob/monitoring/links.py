"""A measure of an assistance plan points at what carries it out: the ledger spell of a workshop
job, the public-welfare post agreement, the course enrolment, the loan, the transport subsidy.

Each kind of object is registered with the measure types it can carry out (`register`); the
objects a measure may link to are those of the household's members (each such model has a
`person` foreign key). The link is written by `measure_link`, which checks both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditlog.context import set_actor
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, NotFound


@dataclass(frozen=True)
class Linkable:
    model: str  # app_label.ModelName
    types: frozenset[str]  # the measure types it carries out
    filter: dict[str, Any]  # extra conditions (e.g. a spell of channel workshop)


LINKABLE: list[Linkable] = []


def register(model: str, types: set[str], **filter: Any) -> None:
    LINKABLE.append(Linkable(model, frozenset(types), filter))


def _members(measure: Any) -> list[int]:
    from lnob.registry.models import Membership

    day = measure.start
    members = Membership.objects.filter(household_id=measure.household_id, joined__lte=day).filter(
        Q(left__isnull=True) | Q(left__gt=day)
    )
    current = Membership.objects.filter(household_id=measure.household_id, left__isnull=True)
    return sorted(
        set(members.values_list("person_id", flat=True)) | set(current.values_list("person_id", flat=True))
    )


def _model(linkable: Linkable) -> type[models.Model] | None:
    try:
        return apps.get_model(linkable.model)
    except LookupError:  # a channel not installed
        return None


def candidates(measure: Any, user: Any, limit: int = 50) -> list[tuple[str, str]]:
    """(key, label) of the objects the measure may link to: of its type, of the household's
    members whom the user may see (a member who moved out of the user's areas is not offered)."""
    from lnob.registry.models import Person

    people = list(
        Person.objects.visible_to(user).filter(pk__in=_members(measure)).values_list("pk", flat=True)
    )
    out: list[tuple[str, str]] = []
    for linkable in LINKABLE:
        model = _model(linkable)
        if model is None or measure.type not in linkable.types:
            continue
        rows = model._default_manager.filter(person_id__in=people, **linkable.filter).select_related("person")
        for obj in rows.order_by("-pk")[:limit]:
            out.append((f"{model._meta.label_lower}:{obj.pk}", f"{obj.person.name} · {obj}"))  # type: ignore[attr-defined]
    return out


def measure_link(*, actor: Any, measure: Any, key: str) -> Any:
    """Point the measure at the object `key` ("app_label.model:pk") names. Refused when the object
    is not one of the household's members' of the measure's type."""
    from .models import Measure

    with transaction.atomic():
        locked = Measure.objects.select_for_update().filter(pk=measure.pk).first()
        if locked is None or not Measure.objects.visible_to(actor).filter(pk=measure.pk).exists():
            raise NotFound(measure.pk)
        village_or_county = can(actor, Capability.CASE_VILLAGE, locked.village_id) or can(
            actor, Capability.CASE_COUNTY, locked.village_id
        )
        if not village_or_county:
            raise DomainError("link", key, _("帮扶措施由村干部或县级管理员安排"))
        if key not in dict(candidates(locked, actor, limit=10_000)):
            raise DomainError(
                "link", key, _("只能关联该户成员的、与措施类别相符的就业、岗位、培训或贷款记录")
            )
        label, pk = key.rsplit(":", 1)
        app_label, model_name = label.split(".")
        locked.link_type = ContentType.objects.get_by_natural_key(app_label, model_name)
        locked.link_id = int(pk)
        with set_actor(actor):
            locked.save(update_fields=["link_type", "link_id"])
    return locked


def describe(measure: Any) -> str:
    """What the measure is linked to, in words; "" when nothing."""
    if measure.link_type_id is None:
        return ""
    obj = measure.link
    if obj is None:
        return _("（已删除的记录）")
    return f"{obj.person.name} · {obj}"


# what carries each kind of measure out; a channel not installed is skipped
register("employment.Spell", {"job_referral"}, status__in=["employed", "self_employed"])
register("workshops.WorkshopJob", {"workshop_job"})
register("workstations.Placement", {"job_referral"})
register("fairs.Application", {"job_referral"})
register("posts.Agreement", {"public_welfare_post"})
register("training.Enrolment", {"training"})
register("training.RainDewStudent", {"training"})
register("loans.Loan", {"loan"})
register("subsidies.TransportSubsidyClaim", {"transport_subsidy"})
