"""The arrows run one way: an app imports only apps below it in the flow of data
(DESIGN.md), and `core` and `accounts` import no domain app. Read from the source itself, so a
new import that runs uphill fails here."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "safereach"

# Lower floors first. An app may import apps on lower floors, never a higher one; the apps on
# one floor import each other only as listed in SIDEWAYS.
FLOORS = [
    {"core"},
    {"accounts"},
    {"routing"},  # pure: travel times, the officer's day and what fits, slots, the planner
    {"areas"},
    {"schools"},
    {"evidence"},
    {"governance"},  # sharing agreements over evidence's datasets; who may see them
    {"matrix"},
    {"catalogue", "workforce"},
    {"bookings"},
    {"planning", "delivery", "register"},
    {"maps", "schoolpage"},
    {"home"},
    {"demo"},
]
SIDEWAYS = {("workforce", "catalogue")}  # an officer delivers the catalogue's sessions
FLOOR = {app: n for n, apps in enumerate(FLOORS) for app in apps}
# Project modules that are not apps: settings, URLs and the command line see every app.
TOP = {"settings", "urls", "wsgi", "manage"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n.split(".")[1] for n in names if n.startswith("safereach.") and n.count(".") >= 1}


def app_modules():
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if len(parts) < 2 or "migrations" in parts or "tests" in parts:
            continue
        yield parts[0], path


def test_every_app_has_a_floor():
    apps = {p.parent.name for p in SRC.glob("*/apps.py")}
    assert apps - FLOOR.keys() == set()


@pytest.mark.parametrize("app, path", list(app_modules()), ids=lambda v: str(v).rpartition("safereach/")[2])
def test_imports_run_downhill(app, path):
    uphill = []
    for other in imports_of(path) - {app} - TOP:
        if other not in FLOOR:
            continue
        if FLOOR[other] > FLOOR[app] or (FLOOR[other] == FLOOR[app] and (app, other) not in SIDEWAYS):
            uphill.append(other)
    assert uphill == [], f"{path.relative_to(SRC)} imports {uphill}, above {app}"
