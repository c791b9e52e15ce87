"""Production settings come from the environment, and Django's deployment check agrees they
are safe. Each case runs `safereach` in its own process because settings are read at import."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent


def production_environment(**overrides: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SAFEREACH_")}
    # Browser tests set this in the test process for Playwright; a deployment never has it.
    environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    environ.update(
        {
            "SAFEREACH_DEBUG": "0",
            "SAFEREACH_SECRET_KEY": secrets.token_urlsafe(64),
            "SAFEREACH_ALLOWED_HOSTS": "safereach.example.org",
            "SAFEREACH_SECURE": "1",
        }
    )
    environ.update(overrides)
    return environ


def safereach(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "safereach.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_production_environment():
    # Static files from npm are part of a deployment: without them the check rightly warns.
    # `make test` installs them; a bare `pytest` on a new clone may not have, so it skips there
    # (never under CI, where a missing install must fail).
    if not (PROJECT_DIR / "node_modules").is_dir() and not os.environ.get("CI"):
        pytest.skip("front-end packages not installed: run `make test` (it runs npm ci)")

    result = safereach("check", "--deploy", "--fail-level", "WARNING", env=production_environment())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_flags_debug_left_on():
    # The same check must not be clean when the environment forgets to turn DEBUG off, or the
    # test above would prove nothing.
    env = production_environment(SAFEREACH_DEBUG="1")

    result = safereach("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_a_site_left_on_defaults_runs_without_debug_on_a_random_key_of_its_own(tmp_path):
    env = production_environment(SAFEREACH_SECRET_KEY_FILE=str(tmp_path / "key"))
    for name in ("SAFEREACH_SECRET_KEY", "SAFEREACH_DEBUG", "SAFEREACH_ALLOWED_HOSTS", "SAFEREACH_SECURE"):
        del env[name]
    probe = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)"

    first = safereach("shell", "-c", probe, env=env)
    again = safereach("shell", "-c", probe, env=env)

    assert first.returncode == 0, first.stderr
    debug, key = first.stdout.strip().splitlines()[-1].split()
    assert debug == "False" and len(key) >= 50 and again.stdout == first.stdout
    assert (tmp_path / "key").read_text() == key and (tmp_path / "key").stat().st_mode & 0o077 == 0
    # The deploy check says production must set the key itself.
    check = safereach("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert check.returncode != 0 and "safereach.W001" in check.stdout + check.stderr


def test_deploy_check_refuses_a_key_published_in_source():
    published = "demo-only-insecure-key-set-SAFEREACH_SECRET_KEY-in-production"
    env = production_environment(SAFEREACH_SECRET_KEY=published)

    result = safereach("check", "--deploy", env=env)

    assert result.returncode != 0 and "safereach.E001" in result.stdout + result.stderr


def test_deploy_check_refuses_a_register_held_at_a_fixed_day():
    env = production_environment(SAFEREACH_REGISTER_TODAY="2026-03-16")

    result = safereach("check", "--deploy", env=env)

    assert result.returncode != 0 and "safereach.E101" in result.stdout + result.stderr


@pytest.mark.parametrize("setting, value, message", [
    ("SAFEREACH_REGISTER_KEEP_YEARS", "2", "must be a whole number of years, 3 or more"),
    ("SAFEREACH_REGISTER_TODAY", "16/03/2026", "SAFEREACH_REGISTER_TODAY must be a date, YYYY-MM-DD"),
])
def test_register_settings_that_cannot_be_right_are_refused(setting, value, message):
    result = safereach("check", env=production_environment(**{setting: value}))

    assert result.returncode != 0 and message in result.stderr
