import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LNOB = str(Path(sys.executable).parent / "lnob")


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LNOB, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def test_production_refuses_the_demo_secret_key() -> None:
    result = run("check", LNOB_PRODUCTION="1", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug() -> None:
    result = run("check", LNOB_PRODUCTION="1", DEBUG="1", SECRET_KEY="x" * 50)
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_production_starts_with_a_real_secret() -> None:
    result = run("check", LNOB_PRODUCTION="1", DEBUG="0", SECRET_KEY="k" * 50, ALLOWED_HOSTS="lnob.example")
    assert result.returncode == 0, result.stderr


def test_help_lists_the_operator_commands() -> None:
    out = run("--help").stdout
    for command in ("serve", "synth", "demo", "token", "migrate"):
        assert command in out


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    """A constraint or field declared on a model but missing from the migrations does not exist in
    any database: `makemigrations --check` must find nothing to write."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("makemigrations", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()
