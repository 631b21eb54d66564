"""Job matching's reads, every one scoped to the user's areas (an object outside them: 404).

A run is visible to a user whose areas lie inside the run's area (a village cadre sees the
county's run, and in it the lines of their own village only) or contain it. Its figures and its
fairness table are counts over the whole run and name no one; its lines and referrals are
filtered by the seeker's village.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from lnob.areas.codes import Level, level_of, subtree_range
from lnob.areas.roles import Capability
from lnob.areas.scoping import area_q, can, scope_ranges
from lnob.core.errors import NotFound
from lnob.registry.models import Person, PersonVersion
from lnob.registry.selectors import valid_on

from .models import LineState, MatchLine, MatchRun, Referral, SeekerProfile
from .runs import SMALL_GROUP, age_band

UPPER = (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP)


def _containing(ranges: list[tuple[int, int]]) -> set[int]:
    """The codes of the areas above each of the user's areas."""
    out: set[int] = set()
    for lo, _hi in ranges:
        level = level_of(lo)
        for upper in UPPER:
            if upper < level:
                out.add(subtree_range(lo, upper)[0])
    return out


def runs_visible(user: Any) -> QuerySet[MatchRun]:
    ranges = scope_ranges(user, Capability.VIEW_REGISTRY)
    if not ranges:
        return MatchRun.objects.none()
    return MatchRun.objects.filter(area_q("area_id", ranges) | Q(area_id__in=_containing(ranges)))


def run_list(*, user: Any) -> QuerySet[MatchRun]:
    return runs_visible(user).select_related("area", "task").order_by("-created_at", "-pk")


def run_get(*, user: Any, pk: int) -> MatchRun:
    run = runs_visible(user).select_related("area", "task", "rule").filter(pk=pk).first()
    if run is None:
        raise NotFound(pk)
    return run


def can_start(user: Any) -> bool:
    return bool(scope_ranges(user, Capability.MANAGE_EMPLOYMENT))


def lines(
    *, user: Any, run: MatchRun, reason: str = "", village: int | None = None, state: str = ""
) -> QuerySet[MatchLine]:
    qs = MatchLine.objects.filter(run=run).visible_to(user)
    if reason == "unmatched":
        qs = qs.exclude(reason="matched")
    elif reason:
        qs = qs.filter(reason=reason)
    if village:
        qs = qs.filter(village_id=village)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("person", "village", "vacancy__employer", "post", "referral").order_by(
        "-priority", "village_id", "pk"
    )


def line_get(*, user: Any, pk: int) -> MatchLine:
    line = (
        MatchLine.objects.visible_to(user)
        .select_related(
            "person",
            "village",
            "vacancy__employer",
            "post",
            "run__area",
            "best_vacancy__employer",
            "best_post__village",
        )
        .filter(pk=pk)
        .first()
    )
    if line is None:
        raise NotFound(pk)
    return line


def referral_fairs(*, user: Any, line: MatchLine) -> Any:
    """The job fairs a proposal may be referred through: fairs the person may attend
    (lnob.employment.fairs.selectors.open_fairs_for: of their county or township, not closed)
    that offer the proposal's vacancy and have not ended, soonest first."""
    from lnob.employment.fairs.models import FairVacancy
    from lnob.employment.fairs.selectors import open_fairs_for
    from lnob.registry.selectors import today

    offering = FairVacancy.objects.filter(vacancy=line.vacancy).values("recruiter__fair_id")
    return open_fairs_for(user=user, village=line.village_id).filter(pk__in=offering, end__gte=today())


def reason_counts(*, user: Any, run: MatchRun) -> dict[str, int]:
    from django.db.models import Count

    rows = MatchLine.objects.filter(run=run).visible_to(user).values_list("reason").annotate(n=Count("pk"))
    return dict(rows.order_by())


def referral_list(*, user: Any, state: str = "", run: MatchRun | None = None) -> QuerySet[Referral]:
    qs = Referral.objects.visible_to(user).select_related(
        "person", "village", "application__vacancy__employer", "line__post", "agreement", "fair", "station"
    )
    if run is not None:
        qs = qs.filter(line__run=run)
    if state == "open":
        qs = qs.filter(
            Q(application__state__in=["applied", "interviewed", "offered"])
            | Q(via="post", agreement__isnull=True, declined_on__isnull=True)
        )
    elif state:
        qs = qs.filter(application__state=state)
    return qs.order_by("-created_at", "-pk")


def referral_get(*, user: Any, pk: int) -> Referral:
    referral = referral_list(user=user).select_related("line__run").filter(pk=pk).first()
    if referral is None:
        raise NotFound(pk)
    return referral


def referral_state(referral: Referral) -> str:
    """One word for a referral's progress: an application's state; a post's signed, declined or open."""
    if referral.application is not None:
        return str(referral.application.state)
    if referral.agreement_id is not None:
        return "hired"
    if referral.declined_on is not None:
        return "declined"
    return "applied"


def profile_for(*, user: Any, person: Person) -> SeekerProfile | None:
    if not can(user, Capability.VIEW_REGISTRY, _village_of(person)):
        raise NotFound(person.pk)
    return SeekerProfile.objects.filter(person=person).first()


def _village_of(person: Person) -> int:
    from lnob.registry.selectors import person_area

    return person_area(person.pk) or 0


@dataclass(frozen=True)
class FairnessRow:
    group: str
    seekers: int
    matched: int
    referred: int
    hired: int

    @property
    def match_rate(self) -> float | None:
        return self.matched / self.seekers if self.seekers else None

    @property
    def hire_rate(self) -> float | None:
        return self.hired / self.referred if self.referred else None


def fairness(run: MatchRun) -> dict[str, list[FairnessRow]]:
    """The run's stored match rates by group, with the hire rates of its referrals so far (the
    same groups; small groups merged as in the run). Counts over the whole run: no one is named."""
    referred: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    hired: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = list(
        Referral.objects.filter(line__run=run).values_list(
            "person_id", "person__sex", "person__birth_date", "application__state", "agreement_id"
        )
    )
    versions = dict(
        PersonVersion.objects.filter(valid_on(run.as_of), person_id__in=[r[0] for r in rows]).values_list(
            "person_id", "ethnicity"
        )
    )
    grades = dict(
        PersonVersion.objects.filter(valid_on(run.as_of), person_id__in=[r[0] for r in rows]).values_list(
            "person_id", "disability_grade"
        )
    )
    known = {dim: {r["group"] for r in run.fairness.get(dim, [])} for dim in run.fairness}
    for person, sex, birth, state, agreement in rows:
        age = _age(birth, run.as_of)
        groups = {
            "sex": sex,
            "ethnicity": versions.get(person, ""),
            "age_band": age_band(age),
            "disabled": "yes" if grades.get(person) is not None else "no",
        }
        for dim, group in groups.items():
            key = group if group in known.get(dim, set()) else "other"
            referred[dim][key] += 1
            if state == "hired" or agreement is not None:
                hired[dim][key] += 1
    return {
        dim: [
            FairnessRow(
                r["group"],
                r["seekers"],
                r["matched"],
                referred[dim].get(r["group"], 0),
                hired[dim].get(r["group"], 0),
            )
            for r in rows_
        ]
        for dim, rows_ in run.fairness.items()
    }


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def proposals_pending(*, user: Any) -> int:
    return MatchLine.objects.visible_to(user).filter(state=LineState.PROPOSED, run__status="done").count()


__all__ = ["SMALL_GROUP"]
