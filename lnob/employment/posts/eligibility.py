"""Who may be hired on a public-welfare post, checked criterion by criterion with the reasons.

For a person and a day (the agreement's start), the rule in force for the post's village
(rules.PostRule) is checked:

- age on that day, from the birth date, within [min_age, max_age];
- labour capacity: the cadre's judgement recorded on the person (人工认定) if any, otherwise
  derived from health and disability as the registry does (age is the age criterion's business,
  so a 62-year-old with a chronic illness counts as partial capacity here);
- the household the person belonged to that day: at least one of the allowed statuses and none
  of the excluded ones. A household's status is the registry's attribute valid that day
  (脱贫户, 一般农户) and the monitoring decision in force that day: its identification approved
  (监测对象), or an elimination approved (已风险消除) and not rolled back.

Everything is read in bulk (six queries for any number of people and days), so the same code
checks one person on the sign screen, a whole import file, and the dashboard figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.employment.policy import Rule
from lnob.registry.choices import LabourCapacity
from lnob.registry.rules import age_on, derive_labour_capacity

from .models import HouseholdTag
from .rules import PostRule, params, post_rule

TAG_LABELS = dict(HouseholdTag.choices)
CAPACITY_LABELS = dict(LabourCapacity.choices)


@dataclass(frozen=True)
class Facts:
    """What the criteria look at, for one person on one day."""

    person_id: int
    day: dt.date
    age: int | None
    capacity: str
    household_id: int | None
    village: int | None
    tags: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Check:
    key: str  # age | labour | household | excluded
    label: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "ok": self.ok, "detail": self.detail}


@dataclass(frozen=True)
class Eligibility:
    facts: Facts
    rule: Rule
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failed(self) -> Check | None:
        return next((c for c in self.checks if not c.ok), None)


def _labels(codes: Iterable[str], labels: dict[str, Any]) -> str:
    return _("或").join(str(labels.get(c, c)) for c in codes)


@dataclass(frozen=True)
class Labels:
    """The words of a rule's criteria, worked out once per rule (they do not depend on the person)."""

    age: str
    labour: str
    household: str
    excluded: str
    none: str
    no_status: str

    @staticmethod
    def of(rule: PostRule) -> Labels:
        return Labels(
            age=_("年龄 {low}–{high} 岁").format(low=rule.min_age, high=rule.max_age),
            labour=_("劳动能力为{allowed}").format(allowed=_labels(rule.labour_capacities, CAPACITY_LABELS)),
            household=_("农户属性为{allowed}").format(allowed=_labels(rule.household_statuses, TAG_LABELS)),
            excluded=_("不属于{excluded}").format(excluded=_labels(rule.excluded_statuses, TAG_LABELS)),
            none=str(_("当日不属于任何在册农户")),
            no_status=str(_("无农户属性")),
        )


def _names(codes: Iterable[str], labels: dict[str, Any]) -> str:
    return "、".join(str(labels.get(c, c)) for c in codes)


def checks_for(facts: Facts, rule: PostRule, words: Labels | None = None) -> tuple[Check, ...]:
    """Each criterion of the rule, with what was found."""
    words = words or Labels.of(rule)
    out = []
    if facts.age is None:
        out.append(Check("age", words.age, False, _("未登记出生日期")))
    else:
        ok = rule.min_age <= facts.age <= rule.max_age
        out.append(Check("age", words.age, ok, _("{age} 岁（{day}）").format(age=facts.age, day=facts.day)))
    capacity = str(CAPACITY_LABELS.get(facts.capacity, facts.capacity)) if facts.capacity else _("未登记")
    out.append(Check("labour", words.labour, facts.capacity in rule.labour_capacities, capacity))
    tags = [t for t in HouseholdTag.values if t in facts.tags]
    found = _names(tags, TAG_LABELS) if tags else words.none
    if facts.household_id is not None and not tags:
        found = words.no_status
    out.append(Check("household", words.household, bool(facts.tags & set(rule.household_statuses)), found))
    if rule.excluded_statuses:
        hit = [t for t in tags if t in rule.excluded_statuses]
        out.append(Check("excluded", words.excluded, not hit, _names(hit, TAG_LABELS) if hit else found))
    return tuple(out)


def facts_on(pairs: Iterable[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], Facts]:
    """Facts for each (person, day), read in bulk."""
    from lnob.registry.models import Membership, Person, PersonVersion

    wanted = sorted(set(pairs))
    ids = sorted({p for p, _d in wanted})
    births = dict(Person.objects.filter(pk__in=ids).values_list("pk", "birth_date"))
    members: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for member in Membership.objects.filter(person_id__in=ids).values_list(
        "person_id", "household_id", "household__village_id", "joined", "left"
    ):
        members[member[0]].append(member[1:])
    versions: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in PersonVersion.objects.filter(person_id__in=ids).values_list(
        "person_id", "valid_from", "valid_to", "health", "disability_grade", "labour_override"
    ):
        versions[row[0]].append(row[1:])
    households = sorted({h for rows in members.values() for h, *_rest in rows})
    statuses, decisions = _household_history(households)
    out = {}
    for person, day in wanted:
        home = next(
            (
                (h, v)
                for h, v, joined, left in members[person]
                if joined <= day and (left is None or left > day)
            ),
            (None, None),
        )
        birth = births.get(person)
        out[(person, day)] = Facts(
            person_id=person,
            day=day,
            age=age_on(birth, day) if birth else None,
            capacity=_capacity(versions[person], birth, day),
            household_id=home[0],
            village=home[1],
            tags=_tags(statuses.get(home[0], []), decisions.get(home[0], []), day)
            if home[0]
            else frozenset(),
        )
    return out


def _capacity(versions: list[tuple[Any, ...]], birth: dt.date | None, day: dt.date) -> str:
    version = next((v for v in versions if v[0] <= day and (v[1] is None or v[1] > day)), None)
    if version is None or birth is None:
        return ""
    _from, _to, health, grade, override = version
    if override:
        return str(override)
    low, _high = settings.LNOB_WORKING_AGE
    return derive_labour_capacity(
        age=max(age_on(birth, day), low), health=health, disability_grade=grade, working_age=(low, 200)
    )


def _household_history(
    households: list[int],
) -> tuple[dict[int, list[tuple[Any, ...]]], dict[int, list[tuple[Any, ...]]]]:
    """Each household's attribute versions and its monitoring decisions (the case steps that
    approved, rolled back or re-marked), in time order."""
    from lnob.monitoring.models import CaseEvent, CaseState
    from lnob.registry.models import HouseholdVersion

    statuses: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for h, start, end, status in HouseholdVersion.objects.filter(household_id__in=households).values_list(
        "household_id", "valid_from", "valid_to", "status"
    ):
        statuses[h].append((start, end, status))
    decisions: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    events = CaseEvent.objects.filter(
        case__household_id__in=households,
        to_state__in=[CaseState.APPROVED, CaseState.ROLLED_BACK, CaseState.REMARKED],
    ).order_by("at", "pk")
    for h, kind, state, at in events.values_list("case__household_id", "case__kind", "to_state", "at"):
        decisions[h].append((timezone.localdate(at), kind, state))
    return statuses, decisions


def _tags(statuses: list[tuple[Any, ...]], decisions: list[tuple[Any, ...]], day: dt.date) -> frozenset[str]:
    tags = {s for start, end, s in statuses if start <= day and (end is None or end > day)}
    monitoring = ""
    for on, kind, state in decisions:  # the latest decision taken by that day holds
        if on > day:
            break
        if state == "approved":
            monitoring = "monitored" if kind == "identification" else "risk_eliminated"
        elif state == "rolled_back":
            monitoring = "monitored"
        else:  # re-marked: no longer eliminated; a new identification decides
            monitoring = ""
    if monitoring:
        tags.add(monitoring)
    return frozenset(tags)


def evaluate(items: Iterable[tuple[int, dt.date, int]]) -> dict[tuple[int, dt.date, int], Eligibility]:
    """Eligibility of each (person, day, post village), with the rule in force there that day.
    DomainError when no rule covers a village (rule_for says which)."""
    items = list(items)
    facts = facts_on((p, d) for p, d, _v in items)
    rules: dict[tuple[int, dt.date], Rule] = {}
    words: dict[int, Labels] = {}
    out = {}
    for person, day, village in items:
        if (village, day) not in rules:
            rules[(village, day)] = post_rule(village, day)
        rule = rules[(village, day)]
        if rule.row.pk not in words:
            words[rule.row.pk] = Labels.of(params(rule))
        f = facts[(person, day)]
        out[(person, day, village)] = Eligibility(f, rule, checks_for(f, params(rule), words[rule.row.pk]))
    return out


def eligibility(*, person_id: int, day: dt.date, village: int) -> Eligibility:
    """One person's eligibility for a post of `village` starting on `day`."""
    return evaluate([(person_id, day, village)])[(person_id, day, village)]


def household_tags_on(household_ids: list[int], day: dt.date) -> dict[int, frozenset[str]]:
    """What each household is on `day` (for the dashboard's "filled by poor" figure)."""
    statuses, decisions = _household_history(household_ids)
    return {h: _tags(statuses.get(h, []), decisions.get(h, []), day) for h in household_ids}
