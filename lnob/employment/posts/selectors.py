"""Reads of the public-welfare posts, scoped by the post's village (deny by default): a post, its
agreements and their attendance are seen by whoever sees the village; anything else is NotFound."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import NotFound
from lnob.registry.models import Person

from .models import Agreement, Attendance, Post
from .services import covered_days, month_days


def posts_visible(user: Any, capability: Capability = Capability.VIEW_REGISTRY) -> QuerySet[Post]:
    return Post.objects.visible_to(user, capability)  # type: ignore[return-value]


def running_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}ended_on__isnull": True})


def post_list(*, user: Any, village: int | None = None, status: str = "") -> QuerySet[Post]:
    """Posts the user may see, by village, each with how many agreements run on it (`filled`)."""
    posts = (
        posts_visible(user)
        .select_related("village")
        .annotate(filled=Count("agreements", filter=running_q("agreements__")))
        .order_by("village_id", "status", "title", "pk")
    )
    if village:
        posts = posts.filter(village_id=village)
    if status:
        posts = posts.filter(status=status)
    return posts


def post_get(*, user: Any, pk: int, capability: Capability = Capability.VIEW_REGISTRY) -> Post:
    post = posts_visible(user, capability).select_related("village__parent").filter(pk=pk).first()
    if post is None:
        raise NotFound(pk)
    return post


def post_by_code(*, user: Any, code: str, capability: Capability = Capability.VIEW_REGISTRY) -> Post:
    post = posts_visible(user, capability).select_related("village").filter(code=code).first()
    if post is None:
        raise NotFound(code)
    return post


def agreements_visible(user: Any, capability: Capability = Capability.VIEW_REGISTRY) -> QuerySet[Agreement]:
    return Agreement.objects.visible_to(user, capability)  # type: ignore[return-value]


def agreements_of(post: Post) -> list[Agreement]:
    """The post's agreements, running first, then the latest."""
    rows = post.agreements.select_related("person").order_by("-start", "-pk")
    return sorted(rows, key=lambda a: a.ended_on is not None)


def agreement_get(*, user: Any, pk: int, capability: Capability = Capability.VIEW_REGISTRY) -> Agreement:
    agreement = (
        agreements_visible(user, capability)
        .select_related("person", "post__village", "spell", "rule")
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise NotFound(pk)
    return agreement


def attendance_of(agreement: Agreement) -> list[Attendance]:
    return list(agreement.attendance.order_by("-month"))


def attendance_get(*, user: Any, pk: int, capability: Capability = Capability.VIEW_REGISTRY) -> Attendance:
    row = (
        Attendance.objects.visible_to(user, capability)
        .select_related("agreement__post", "agreement__person")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFound(pk)
    return row  # type: ignore[return-value]


@dataclass
class SheetRow:
    agreement: Agreement
    covered: int  # days of the month inside the agreement
    hours_owed: float  # the post's hours for the part of the month covered
    attendance: Attendance | None
    previous: Attendance | None  # last month's, to prefill the quick entry


def attendance_sheet(*, user: Any, village: int, month: dt.date) -> list[SheetRow]:
    """The month's attendance sheet of a village (考勤表): one row per agreement of the village's
    posts running some day of the month, with its attendance and last month's. Three queries
    whatever the village's size; NotFound outside the user's areas."""
    if not can(user, Capability.VIEW_REGISTRY, village):
        raise NotFound(village)
    first = month.replace(day=1)
    final = first.replace(day=month_days(first))
    agreements = list(
        Agreement.objects.filter(post__village_id=village, start__lte=final, end__gte=first)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .select_related("person", "post")
        .order_by("post__title", "person__name", "pk")
    )
    previous_month = (first - dt.timedelta(days=1)).replace(day=1)
    marks = Attendance.objects.filter(
        agreement_id__in=[a.pk for a in agreements], month__in=[first, previous_month]
    )
    this: dict[int, Attendance] = {}
    last: dict[int, Attendance] = {}
    for row in marks:
        (this if row.month == first else last)[row.agreement_id] = row
    rows = []
    for a in agreements:
        covered = covered_days(a.start, a.last_day, first)  # type: ignore[arg-type]
        rows.append(
            SheetRow(
                agreement=a,
                covered=covered,
                hours_owed=round(a.post.hours_per_month * covered / month_days(first), 1),
                attendance=this.get(a.pk),
                previous=last.get(a.pk),
            )
        )
    return rows


def person_search(*, user: Any, q: str, limit: int = 20) -> list[Person]:
    """People the user may edit whose name starts with `q`, or whose resident ID is `q`."""
    from lnob.registry.models import Household, Membership
    from lnob.registry.validation import normalise_id

    q = q.strip()
    if not q:
        return []
    households = Household.objects.visible_to(user, Capability.EDIT_REGISTRY).values("pk")
    members = Membership.objects.filter(household__in=households, left__isnull=True).values("person_id")
    return list(
        Person.objects.filter(pk__in=members)
        .filter(Q(name__startswith=q) | Q(id_number=normalise_id(q)))
        .order_by("name", "pk")[:limit]
    )
