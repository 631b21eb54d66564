"""An area's seekers and the county's open slots, as a matching instance, read in bulk.

Seekers (docs/matching.md, "Who is a seeker"): members of the area's households on the date, of
working age, with full or partial labour capacity, not in school, willing to work (a profile can
say they are not), and either not in work on the date or only unstably in work: in work part time
only, or in `unstable_spells` or more separate spells in the last twelve months. Each carries the
constraints of lnob.engine.match.instance, from their profile where they gave one and from the
rule's defaults by labour capacity where not; skills and certificates come from the registry.

A seeker whose profile contradicts the registry is reported in the run and not matched:
- `willing_but_unable`: the profile says willing, the registry says no labour capacity;
- `capacity_conflict`: partial labour capacity, but the profile says heavy work.

Slots: the open vacancies of the area's county with the places not yet filled by a hire (a
workshop's vacancies among them: a workshop posts its places as vacancies of its employer), and
the area's open public-welfare posts with their free places, offered under the post rule in force
(its ages, its labour capacities, its household statuses) to the people of the post's village.

Queries go through lnob.monitoring.load.read (COPY on PostgreSQL, one cursor read on SQLite);
the small tables (vacancies, posts, profiles) are a handful of ORM value queries.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from django.db.models import Count, Q

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.core.errors import DomainError
from lnob.employment.services import county_of
from lnob.engine.match.instance import (
    COUNTY,
    HOME,
    NO_SEX,
    OUT,
    PROVINCE,
    Instance,
    Seekers,
    Slots,
    words,
)
from lnob.engine.monitor.features import AVAILABLE_ENROLMENT, age_expr, labour_capacity
from lnob.monitoring.load import Query, read

from .rules import MatchingParams

REACH = {"home": HOME, "county": COUNTY, "province": PROVINCE, "anywhere": OUT}
PHYSICAL = {"light": 0, "medium": 1, "heavy": 2}
TIER = {"in_county": COUNTY, "in_province": PROVINCE, "out_of_province": OUT}
SEX = {"M": 0, "F": 1}
IN_WORK = ("employed", "self_employed", "public_welfare")
_SPLIT = re.compile(r"[、,，;；/\s]+")


def tokens(text: str) -> list[str]:
    return [t for t in _SPLIT.split(text or "") if t]


@dataclass
class Loaded:
    inst: Instance
    person: np.ndarray  # person id per seeker
    household: np.ndarray  # household id per household index
    village: np.ndarray  # village code per seeker
    slot_vacancy: np.ndarray  # vacancy id per slot, or -1
    slot_post: np.ndarray  # post id per slot, or -1
    seekers: pl.DataFrame  # per seeker, for the fairness table: sex, ethnicity, age, disabled
    monitored: np.ndarray  # bool per household
    zero_employment: np.ndarray  # bool per household
    problems: list[dict[str, Any]] = field(default_factory=list)


def _d(day: dt.date) -> str:
    return f"'{day.isoformat()}'"


def _queries(lo: int, hi: int, as_of: dt.date) -> dict[str, Query]:
    d = _d(as_of)
    year_ago = _d(as_of - dt.timedelta(days=365))
    members = (
        "SELECT m.person_id FROM registry_membership m JOIN registry_household h ON h.id = m.household_id "
        f"WHERE h.village_id >= {lo} AND h.village_id < {hi} "
        f'AND m.joined <= {d} AND (m."left" IS NULL OR m."left" > {d})'
    )
    return {
        "members": Query(
            "SELECT m.person_id, m.household_id, h.village_id FROM registry_membership m "
            "JOIN registry_household h ON h.id = m.household_id "
            f"WHERE h.village_id >= {lo} AND h.village_id < {hi} "
            f'AND m.joined <= {d} AND (m."left" IS NULL OR m."left" > {d})',
            {"person_id": pl.Int64, "household_id": pl.Int64, "village_id": pl.Int64},
        ),
        "people": Query(
            f"SELECT id, birth_date, sex FROM registry_person WHERE id IN ({members})",
            {"person_id": pl.Int64, "birth_date": pl.Date, "sex": pl.String},
        ),
        "versions": Query(
            "SELECT person_id, enrolment, health, CAST(COALESCE(disability_grade, -1) AS INTEGER), "
            "labour_override, ethnicity, skills, certificates FROM registry_personversion "
            f"WHERE valid_from <= {d} AND (valid_to IS NULL OR valid_to > {d}) AND person_id IN ({members})",
            {
                "person_id": pl.Int64,
                "enrolment": pl.String,
                "health": pl.String,
                "disability_grade": pl.Int64,
                "labour_override": pl.String,
                "ethnicity": pl.String,
                "skills": pl.String,
                "certificates": pl.String,
            },
        ),
        "households": Query(
            "SELECT v.household_id, v.status FROM registry_householdversion v "
            "JOIN registry_household h ON h.id = v.household_id "
            f"WHERE h.village_id >= {lo} AND h.village_id < {hi} "
            f"AND v.valid_from <= {d} AND (v.valid_to IS NULL OR v.valid_to > {d})",
            {"household_id": pl.Int64, "status": pl.String},
        ),
        "spells": Query(
            f'SELECT person_id, status, start, COALESCE("end", {d}), CAST(full_time AS INTEGER) '
            f'FROM employment_spell WHERE start <= {d} AND ("end" IS NULL OR "end" >= {year_ago}) '
            f"AND person_id IN ({members})",
            {
                "person_id": pl.Int64,
                "status": pl.String,
                "start": pl.Date,
                "end": pl.Date,
                "full_time": pl.Int64,
            },
        ),
        "profiles": Query(
            "SELECT person_id, CAST(willing AS INTEGER), reach, physical_limit, "
            "CAST(COALESCE(min_wage, -1) AS INTEGER), sectors FROM matching_seekerprofile "
            f"WHERE person_id IN ({members})",
            {
                "person_id": pl.Int64,
                "willing": pl.Int64,
                "reach": pl.String,
                "physical_limit": pl.String,
                "min_wage": pl.Int64,
                "sectors": pl.String,
            },
        ),
    }


def _monitored(lo: int, hi: int, as_of: dt.date) -> set[int]:
    """Households monitored on `as_of`: the decisions taken by that day (a backdated run does not
    see a later approval or elimination)."""
    from lnob.monitoring.models import Case
    from lnob.monitoring.selectors import monitored_case_ids

    cases = Case.objects.filter(
        household__village_id__gte=lo, household__village_id__lt=hi, closed_at__date__lte=as_of
    )
    return set(Case.objects.filter(pk__in=monitored_case_ids(cases)).values_list("household_id", flat=True))


def people(area: Area, as_of: dt.date, params: MatchingParams) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(persons of working age in the area with their labour, work and household flags;
    households with their weights)."""
    lo, hi = subtree_range(area.code, Level(area.level))
    frames = read(_queries(lo, hi, as_of))
    working_age = tuple(settings.LNOB_WORKING_AGE)
    spells = frames["spells"].filter(pl.col("status").is_in(IN_WORK))
    now = spells.filter((pl.col("start") <= as_of) & (pl.col("end") >= as_of))
    work = (
        now.group_by("person_id")
        .agg(pl.col("full_time").max().alias("full_time_now"))
        .join(spells.group_by("person_id").agg(pl.len().alias("spells_year")), on="person_id", how="left")
    )
    persons = (
        frames["members"]
        .join(frames["people"], on="person_id")
        .join(frames["versions"], on="person_id")
        .with_columns(age_expr(as_of))
        .with_columns(
            pl.when(pl.col("disability_grade") >= 0)
            .then(pl.col("disability_grade"))
            .alias("disability_grade")
        )
        .with_columns(labour_capacity(working_age).alias("labour"))  # type: ignore[arg-type]
        .join(work, on="person_id", how="left")
        .join(frames["profiles"], on="person_id", how="left")
        .with_columns(
            pl.col("full_time_now").is_not_null().alias("in_work"),
            pl.col("labour").is_in(["full", "partial"]).alias("able"),
        )
    )
    monitored = _monitored(lo, hi, as_of)
    p = params.priority
    households = (
        frames["households"]
        .join(
            persons.group_by("household_id").agg(
                (pl.col("in_work") & pl.col("able")).any().alias("someone_in_work"),
                pl.col("able").any().alias("has_labour"),
            ),
            on="household_id",
            how="left",
        )
        .with_columns(
            pl.col("household_id").is_in(list(monitored)).alias("monitored"),
            (pl.col("has_labour").fill_null(False) & ~pl.col("someone_in_work").fill_null(False)).alias(
                "zero_employment"
            ),
            (pl.col("status") == "out_of_poverty").alias("out_of_poverty"),
        )
        .with_columns(
            (
                p.base
                + pl.col("monitored").cast(pl.Int64) * p.monitored
                + pl.col("zero_employment").cast(pl.Int64) * p.zero_employment
                + pl.col("out_of_poverty").cast(pl.Int64) * p.out_of_poverty
            ).alias("weight"),
            (pl.col("monitored") | pl.col("out_of_poverty")).alias("poor"),
        )
    )
    return persons, households


def seekers_of(persons: pl.DataFrame, params: MatchingParams) -> pl.DataFrame:
    """The seekers among the persons, with a `problem` column (null when none)."""
    unstable = pl.col("in_work") & (
        (pl.col("full_time_now") == 0) | (pl.col("spells_year").fill_null(0) >= params.unstable_spells)
    )
    looking = (~pl.col("in_work") | unstable) & pl.col("enrolment").is_in(list(AVAILABLE_ENROLMENT))
    willing = pl.col("willing").fill_null(1) == 1
    problem = (
        pl.when((pl.col("willing") == 1) & (pl.col("labour") == "none"))
        .then(pl.lit("willing_but_unable"))
        .when((pl.col("labour") == "partial") & (pl.col("physical_limit") == "heavy"))
        .then(pl.lit("capacity_conflict"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    return (
        persons.with_columns(problem.alias("problem"))
        .filter(looking & willing & (pl.col("able") | pl.col("problem").is_not_null()))
        .sort("person_id")
    )


def load(area: Area, as_of: dt.date, params: MatchingParams) -> Loaded:
    persons, households = people(area, as_of, params)
    seekers = seekers_of(persons, params)
    vacancies, posts = _slots(area, county_of(area.code), as_of)
    slot_rows = vacancies + posts
    skill_vocab = sorted({t for r in slot_rows for t in tokens(r["skills"])})
    cert_vocab = sorted({t for r in slot_rows for t in tokens(r["certificates"])})
    sector_vocab = sorted(
        {t for r in slot_rows for t in tokens(r["sector"])}
        | {t for text in seekers["sectors"].drop_nulls().to_list() for t in tokens(text)}
    )

    hh = households.filter(pl.col("household_id").is_in(seekers["household_id"].unique().implode()))
    hh = hh.sort("household_id")
    household_ids = hh["household_id"].to_numpy()
    index = {int(h): k for k, h in enumerate(household_ids)}
    poor = dict(zip(hh["household_id"].to_list(), hh["poor"].to_list(), strict=True))

    labour = seekers["labour"].to_list()
    profile_reach = seekers["reach"].fill_null("").to_list()
    profile_physical = seekers["physical_limit"].fill_null("").to_list()
    default_reach = {k: REACH[v] for k, v in params.reach.items()}
    default_physical = {k: PHYSICAL[v] for k, v in params.physical.items()}
    reach = np.array(
        [
            REACH[r] if r else default_reach.get(lab, HOME)
            for r, lab in zip(profile_reach, labour, strict=True)
        ],
        dtype=np.int8,
    )
    capacity = np.array(
        [
            PHYSICAL[c] if c else default_physical.get(lab, 0)
            for c, lab in zip(profile_physical, labour, strict=True)
        ],
        dtype=np.int8,
    )
    household_list = seekers["household_id"].to_list()
    inst = Instance(
        Seekers(
            household=np.array([index[h] for h in household_list], dtype=np.int32),
            reach=reach,
            capacity=capacity,
            partial=np.array([lab == "partial" for lab in labour], dtype=bool),
            age=seekers["age"].to_numpy().astype(np.int16),
            min_wage=np.maximum(seekers["min_wage"].fill_null(0).to_numpy(), 0).astype(np.int32),
            skills=_bitsets(seekers["skills"].to_list(), skill_vocab),
            certs=_bitsets(seekers["certificates"].to_list(), cert_vocab),
            sectors=_bitsets(seekers["sectors"].fill_null("").to_list(), sector_vocab),
            sex=np.array([SEX.get(s, NO_SEX) for s in seekers["sex"].to_list()], dtype=np.int8),
            village=seekers["village_id"].to_numpy().astype(np.int64),
            poor=np.array([bool(poor.get(h)) for h in household_list], dtype=bool),
        ),
        Slots(
            tier=np.array([r["tier"] for r in slot_rows], dtype=np.int8),
            age_min=np.array([r["age_min"] for r in slot_rows], dtype=np.int16),
            age_max=np.array([r["age_max"] for r in slot_rows], dtype=np.int16),
            wage_min=np.array([r["wage_min"] for r in slot_rows], dtype=np.int32),
            wage_max=np.array([r["wage_max"] for r in slot_rows], dtype=np.int32),
            physical=np.array([PHYSICAL[r["physical"]] for r in slot_rows], dtype=np.int8),
            skills=_bitsets([r["skills"] for r in slot_rows], skill_vocab),
            certs=_bitsets([r["certificates"] for r in slot_rows], cert_vocab),
            sector=np.array(
                [
                    sector_vocab.index(tokens(r["sector"])[0]) if tokens(r["sector"]) else -1
                    for r in slot_rows
                ],
                dtype=np.int16,
            ),
            headcount=np.array([r["places"] for r in slot_rows], dtype=np.int32),
            partial_only=np.array([r["partial_only"] for r in slot_rows], dtype=bool),
            sex_required=np.array([SEX.get(r["sex_required"], NO_SEX) for r in slot_rows], dtype=np.int8),
            village=np.array([r["village"] for r in slot_rows], dtype=np.int64),
            poor_only=np.array([r["poor_only"] for r in slot_rows], dtype=bool),
        ),
        hh["weight"].to_numpy().astype(np.int64),
    )
    person_ids = seekers["person_id"].to_numpy()
    problem_codes = seekers["problem"].to_list()
    inst.problems = [(i, code) for i, code in enumerate(problem_codes) if code is not None]
    inst.check()
    return Loaded(
        inst=inst,
        person=person_ids,
        household=household_ids,
        village=seekers["village_id"].to_numpy(),
        slot_vacancy=np.array([r.get("vacancy", -1) for r in slot_rows], dtype=np.int64),
        slot_post=np.array([r.get("post", -1) for r in slot_rows], dtype=np.int64),
        seekers=seekers.select("person_id", "sex", "ethnicity", "age", "disability_grade"),
        monitored=hh["monitored"].to_numpy(),
        zero_employment=hh["zero_employment"].to_numpy(),
        problems=[{"person": int(person_ids[i]), "code": code} for i, code in inst.problems],
    )


def _bitsets(texts: list[str | None], vocab: list[str]) -> np.ndarray:
    where = {t: k for k, t in enumerate(vocab)}
    out = np.zeros((len(texts), words(len(vocab))), dtype=np.uint64)
    for i, text in enumerate(texts):
        for t in tokens(text or ""):
            k = where.get(t)
            if k is not None:
                out[i, k // 64] |= np.uint64(1) << np.uint64(k % 64)
    return out


def _slots(area: Area, county: int, as_of: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from lnob.employment.fairs.models import Application, State
    from lnob.employment.models import Vacancy

    open_vacancies = list(
        Vacancy.objects.filter(status=Vacancy.Status.OPEN, employer__county_id=county)
        .order_by("pk")
        .values(
            "pk", "location", "home_based", "age_min", "age_max", "wage_min", "wage_max", "physical",
            "skills", "certificates", "employer__sector", "headcount", "sex_required",
        )
    )  # fmt: skip
    hired = dict(
        Application.objects.filter(vacancy_id__in=[v["pk"] for v in open_vacancies], state=State.HIRED)
        .values_list("vacancy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    vacancies = []
    for v in open_vacancies:
        places = int(v["headcount"]) - int(hired.get(v["pk"], 0))
        if places <= 0:
            continue
        vacancies.append(
            {
                "vacancy": v["pk"],
                "tier": HOME if v["home_based"] else TIER[v["location"]],
                "age_min": v["age_min"],
                "age_max": v["age_max"],
                "wage_min": int(v["wage_min"]),
                "wage_max": int(v["wage_max"]),
                "physical": v["physical"],
                "skills": v["skills"],
                "certificates": v["certificates"],
                "sector": v["employer__sector"],
                "places": places,
                "partial_only": False,
                "poor_only": False,
                "sex_required": v["sex_required"],
                "village": -1,
            }
        )
    return vacancies, _posts(area, as_of)


def _posts(area: Area, as_of: dt.date) -> list[dict[str, Any]]:
    from lnob.employment.posts.models import Agreement, Post
    from lnob.employment.posts.rules import params as post_params
    from lnob.employment.posts.rules import post_rule

    lo, hi = subtree_range(area.code, Level(area.level))
    open_posts = list(
        Post.objects.filter(
            village_id__gte=lo, village_id__lt=hi, status=Post.Status.OPEN, opened_on__lte=as_of
        )
        .order_by("pk")
        .values("pk", "village_id", "heavy", "monthly_pay", "places")
    )
    running = dict(
        Agreement.objects.filter(post_id__in=[p["pk"] for p in open_posts], start__lte=as_of, end__gte=as_of)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
        .values_list("post_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out = []
    rules: dict[int, Any] = {}
    for p in open_posts:
        free = int(p["places"]) - int(running.get(p["pk"], 0))
        if free <= 0:
            continue
        village = p["village_id"]
        if village not in rules:
            try:
                rules[village] = post_params(post_rule(village, as_of))
            except DomainError:
                rules[village] = None
        rule = rules[village]
        if rule is None:  # no post rule for the place: the post cannot be filled, so it is no slot
            continue
        pay = int(p["monthly_pay"])
        out.append(
            {
                "post": p["pk"],
                "tier": COUNTY,
                "age_min": rule.min_age,
                "age_max": rule.max_age,
                "wage_min": pay,
                "wage_max": pay,
                "physical": "heavy" if p["heavy"] else "light",
                "skills": "",
                "certificates": "",
                "sector": "",
                "places": free,
                "partial_only": set(rule.labour_capacities) == {"partial"},
                "poor_only": bool(set(rule.household_statuses) <= {"out_of_poverty", "monitored"}),
                "sex_required": "",
                "village": village,
            }
        )
    return out
