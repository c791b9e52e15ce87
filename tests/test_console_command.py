"""`safereach` is Django's manage command for this project, installed as a console script."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def safereach(*args, env):
    # The console script sits beside the interpreter running the tests.
    script = Path(sys.executable).with_name("safereach")
    command = [str(script)] if script.exists() else [shutil.which("safereach") or "safereach"]
    return subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def scratch_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'console.sqlite3'}"
    return env


def test_migrate_load_and_list_datasets_from_the_console(tmp_path, scratch_env):
    assert safereach("migrate", "--no-input", "-v0", env=scratch_env).returncode == 0
    crime = tmp_path / "2018-01-test-street.csv"
    crime.write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
        "LSOA name,Crime type,Last outcome category,Context\n"
        ",2018-01,Essex Police,Essex Police,0.454764,51.749376,On or near X,E01021596,"
        "Chelmsford 006E,Anti-social behaviour,,\n", encoding="utf-8")
    loaded = safereach("load", "crime", str(crime), "--loaded-by", "analyst", env=scratch_env)
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded 1 rows" in loaded.stdout
    listed = safereach("datasets", "--json", env=scratch_env)
    [dataset] = json.loads(listed.stdout)
    assert (dataset["kind"], dataset["rows"], dataset["loaded_by"]) == ("crime", 1, "analyst")


def test_a_failed_load_exits_non_zero_with_the_problems_on_stderr(tmp_path, scratch_env):
    assert safereach("migrate", "--no-input", "-v0", env=scratch_env).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("Crime ID,Month\nx,2018-01\n", encoding="utf-8")
    result = safereach("load", "crime", str(bad), env=scratch_env)
    assert result.returncode != 0
    assert f"{bad}:1: Longitude: missing column" in result.stderr
    assert "nothing was loaded" in result.stderr
    assert json.loads(safereach("datasets", "--json", env=scratch_env).stdout) == []
