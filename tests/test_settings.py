"""DATABASE_URL picks the database.

Settings are read once, at import, from the environment, so each case imports them in a fresh
Python process with its own environment rather than patching the already-loaded module.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Prints the parts of the settings under test as JSON.
PROBE = """
import json
from safereach import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "host": db.get("HOST", ""),
    "port": db.get("PORT", ""),
    "user": db.get("USER", ""),
    "options": db.get("OPTIONS", {}),
    "conn_max_age": db.get("CONN_MAX_AGE"),
    "project_dir": str(settings.PROJECT_DIR),
}))
"""


def database_settings(**env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SAFEREACH_")}
    environ.pop("DATABASE_URL", None)
    environ.update(env)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sqlite_in_the_project_directory_by_default():
    db = database_settings()

    assert db["engine"] == "django.db.backends.sqlite3"
    assert Path(db["name"]) == Path(db["project_dir"]) / "safereach.sqlite3"
    assert Path(db["project_dir"]) == PROJECT_DIR


def test_sqlite_gets_a_busy_timeout_and_write_ahead_logging():
    db = database_settings()

    assert db["options"]["timeout"] == 20
    assert "journal_mode=WAL" in db["options"]["init_command"]


def test_a_sqlite_url_names_the_file(tmp_path):
    path = tmp_path / "elsewhere.sqlite3"

    db = database_settings(DATABASE_URL=f"sqlite:///{path}")

    assert db["engine"] == "django.db.backends.sqlite3"
    assert Path(db["name"]) == path
    assert "journal_mode=WAL" in db["options"]["init_command"]


def test_a_postgres_url_selects_postgresql():
    db = database_settings(DATABASE_URL="postgres://reach:s3cret@127.0.0.1:5433/safereach_test")

    assert db["engine"] == "django.db.backends.postgresql"
    assert db["name"] == "safereach_test"
    assert db["host"] == "127.0.0.1"
    assert db["port"] == 5433
    assert db["user"] == "reach"
    # SQLite's pragmas must not leak into another engine's connection options.
    assert "init_command" not in db["options"]
    assert "timeout" not in db["options"]


def test_connection_lifetime_comes_from_the_environment():
    assert database_settings()["conn_max_age"] == 60
    assert database_settings(SAFEREACH_CONN_MAX_AGE="0")["conn_max_age"] == 0


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_that_database_url_names():
    # CI runs the suite twice, once with DATABASE_URL pointing at PostgreSQL: this proves the
    # second run really talks to PostgreSQL and that every migration applies there.
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"

    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
