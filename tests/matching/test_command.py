"""`lnob match`: run an area and print the figures (one JSON line with --json), show a run again,
resume a failed one; a malformed or foreign area is a CommandError."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from lnob.matching.models import MatchLine, MatchRun
from tests.personas import WZ, ZX, ZX_V1, ZX_V2

from .helpers import make_employer, make_vacancy, resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(world) -> None:
    make_vacancy(world.zx_admin, make_employer(world.zx_admin, 1, "镇雄电子厂"), title="装配工", headcount=1)
    resident(world.zx_cadre1, ZX_V1, "甲")
    resident(world.zx_cadre2, ZX_V2, "乙")
    resident(world.zx_cadre2, ZX_V2, "丙", birth="19740101")  # 52: no vacancy takes them


def _match(*args: str) -> str:
    out = io.StringIO()
    call_command("match", *args, stdout=out)
    return out.getvalue()


def test_run_prints_one_json_line_with_the_figures(county) -> None:
    printed = _match("run", "--area", "530627", "--as-of", "2026-10-01", "--json")
    assert printed.count("\n") == 1
    out = json.loads(printed)
    done = MatchRun.objects.get()
    assert (out["run"], out["area"], out["as_of"], out["status"]) == (done.pk, ZX, "2026-10-01", "done")
    assert (out["seekers"], out["households"], out["slots"], out["places"], out["matched"]) == (3, 3, 1, 1, 1)
    assert out["reasons"] == {"matched": 1, "no_age": 1, "taken_equal": 1}
    assert out["households_optimal"] == out["households_greedy"] == 1
    assert MatchLine.objects.filter(run=done).count() == 3
    assert done.created_by is None  # the operator's run


def test_show_prints_a_runs_figures_again(county) -> None:
    out = json.loads(_match("run", "--area", "530627", "--as-of", "2026-10-01", "--json"))
    text = _match("show", str(out["run"]))
    assert f"matching run #{out['run']}: area {ZX} as of 2026-10-01: done" in text
    assert "3 seekers in 3 households; 1 places in 1 slots" in text
    assert "no_age: 1" in text
    assert json.loads(_match("show", str(out["run"]), "--json")) == out
    missing = MatchRun.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    with pytest.raises(CommandError):
        _match("show", str(missing))


@pytest.mark.parametrize("code", ["5306", "53062x", "5306270000001", ""])
def test_a_malformed_area_code_is_a_command_error(county, code) -> None:
    with pytest.raises(CommandError) as refused:
        _match("run", "--area", code)
    assert "area" in str(refused.value)
    assert not MatchRun.objects.exists()


def test_a_user_runs_only_their_own_areas(world, county) -> None:
    with pytest.raises(CommandError):
        _match("run", "--area", str(WZ)[:6], "--user", "zx_township")
    with pytest.raises(CommandError):
        _match("run", "--area", "530627", "--user", "no_such_user")
    with pytest.raises(CommandError) as future:
        _match("run", "--area", "530627", "--as-of", "2999-01-01")
    assert "as_of" in str(future.value)
    assert not MatchRun.objects.exists()
    out = json.loads(
        _match("run", "--area", str(ZX_V2), "--as-of", "2026-10-01", "--user", "zx_township", "--json")
    )
    assert (out["area"], out["seekers"]) == (ZX_V2, 2)
    assert MatchRun.objects.get().created_by == world.zx_township
