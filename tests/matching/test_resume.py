"""A run is idempotent and resumable: executed again it still holds one line per seeker; a run
that failed (or was cut off) is run again by services.run_resume or `lnob match resume` and ends
with the lines a fresh run on the same data has."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from lnob.core.errors import NotFound
from lnob.core.models import Task
from lnob.matching import runs, services
from lnob.matching.models import MatchLine, MatchRun
from tests.personas import ZX, ZX_V1, ZX_V2

from .helpers import AS_OF, make_employer, make_vacancy, resident, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(world) -> None:
    factory = make_employer(world.zx_admin, 1, "镇雄电子厂", sector="电子")
    make_vacancy(world.zx_admin, factory, title="装配工", headcount=2)
    make_vacancy(world.zx_admin, factory, title="外派工", location="out_of_province", headcount=1, age_max=55)
    for k in range(3):
        resident(world.zx_cadre1, ZX_V1, f"泼机{k}", birth=f"199{k}0101")
        resident(world.zx_cadre2, ZX_V2, f"海子{k}", birth=f"198{k}0101")
    resident(world.zx_cadre2, ZX_V2, "年长", birth="19650101")  # 61: past working age, no line


def _lines(r: MatchRun) -> list[tuple[Any, ...]]:
    return sorted(
        MatchLine.objects.filter(run=r).values_list(
            "person_id", "household_id", "village_id", "vacancy_id", "post_id", "priority", "score",
            "wage_part", "distance_part", "skill_part", "preference_part", "reason", "state",
        )
    )  # fmt: skip


def test_executing_a_run_again_leaves_one_line_per_seeker(world, county) -> None:
    done = run(world.zx_admin)
    first = _lines(done)
    assert len(first) == done.figures["seekers"] == 6
    assert runs.execute(done) == done.figures  # a finished run is left as it is
    assert _lines(done) == first
    # a run cut off after writing its lines (still "running") is executed again from the start
    MatchRun.objects.filter(pk=done.pk).update(status="running")
    again = MatchRun.objects.select_related("area").get(pk=done.pk)
    runs.execute(again)
    again.refresh_from_db()
    assert again.status == "done"
    assert _lines(again) == first
    assert len({p for p, *_rest in _lines(again)}) == 6


def test_a_failed_run_resumes_to_the_lines_of_a_fresh_run(world, county) -> None:
    done = run(world.zx_admin)
    MatchRun.objects.filter(pk=done.pk).update(status="failed", error="killed")
    MatchLine.objects.filter(run=done).delete()
    failed = MatchRun.objects.get(pk=done.pk)

    resumed = services.run_resume(actor=world.zx_admin, run=failed)
    assert (resumed.status, resumed.error) == ("done", "")
    fresh = run(world.zx_admin)
    assert fresh.pk != resumed.pk
    assert _lines(resumed) == _lines(fresh)
    assert resumed.figures["matched"] == fresh.figures["matched"] == 3


def test_a_run_that_fails_while_loading_is_marked_failed_and_resumed_from_the_command_line(
    world, county, monkeypatch
) -> None:
    real = runs.load

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(runs, "load", broken)
    failed = services.run_start(actor=world.zx_admin, area_code=ZX, as_of=AS_OF, inline=True)
    assert (failed.status, failed.error) == ("failed", "the database went away")
    assert failed.task.status == Task.Status.FAILED
    assert not MatchLine.objects.filter(run=failed).exists()

    monkeypatch.setattr(runs, "load", real)
    with pytest.raises(NotFound):  # someone of another county cannot resume it
        services.run_resume(actor=world.wz_admin, run=failed)
    out = io.StringIO()
    call_command("match", "resume", str(failed.pk), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert (printed["run"], printed["status"], printed["seekers"], printed["matched"]) == (
        failed.pk,
        "done",
        6,
        3,
    )
    assert "error" not in printed
    assert MatchLine.objects.filter(run=failed).count() == 6
