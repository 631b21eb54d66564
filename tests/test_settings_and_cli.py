import os
import subprocess
import sys
from pathlib import Path

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
