"""SAFEREACH_PLANNER_WORKERS: how many processes a term plan solves weeks in."""

import os
import subprocess
import sys

PROBE = "from safereach import settings; print(settings.SAFEREACH_PLANNER['WORKERS'])"


def workers_setting(**env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SAFEREACH_")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, timeout=60, check=False
    )


def test_one_per_core_by_default_and_a_number_when_given():
    cores = len(os.sched_getaffinity(0))
    assert workers_setting().stdout.strip() == str(max(1, min(4, cores)))
    assert workers_setting(SAFEREACH_PLANNER_WORKERS="3").stdout.strip() == "3"


def test_a_setting_that_is_not_a_whole_number_from_one_is_refused():
    for given in ("0", "two", "-1", "1.5"):
        result = workers_setting(SAFEREACH_PLANNER_WORKERS=given)
        assert result.returncode != 0
        assert f"SAFEREACH_PLANNER_WORKERS must be a whole number from 1, not {given!r}" in result.stderr
