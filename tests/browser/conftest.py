"""Drive Debian's Chromium through Playwright against pytest-django's live server."""

import json
import os
import threading
from pathlib import Path

import pytest

from safereach.accounts.tests.factories import PASSWORD

PROJECT_DIR = Path(__file__).resolve().parents[2]
# Debian's Chromium; Playwright's own browser builds cannot be downloaded here.
CHROMIUM = Path(os.environ.get("SAFEREACH_CHROMIUM", "/usr/bin/chromium"))
AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
BUILT_CSS = PROJECT_DIR / "src" / "safereach" / "static" / "build" / "safereach.css"
ARTIFACTS = PROJECT_DIR / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# How long a test waits for background work (a term plan, a back-test) to reach the state it
# looks for, and how long a task held for the test waits for the test to have looked: generous,
# for a machine busy with other work. Each wait ends as soon as its state is there.
BACKGROUND_SECONDS = 180
BACKGROUND_MS = BACKGROUND_SECONDS * 1000
# The accessibility standard SafeReach must meet (WCAG 2.2 AA), plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is absent: install it with apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    for needed in (AXE, BUILT_CSS):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run `npm ci && npm run build` first")

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses
    # database calls while one runs. The test code is plain synchronous code, so allow them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _page_of_width(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    # A deadline for each wait, generous for a busy machine: waits end as soon as the state is there.
    page.set_default_timeout(30_000)
    # The Content-Security-Policy (core/headers.py) must refuse nothing the pages themselves use.
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused: " + "; ".join(refused)


@pytest.fixture
def page(browser):
    yield from _page_of_width(browser, 1280, 900)


@pytest.fixture
def phone(browser):
    """A page 375 CSS pixels wide, as on a phone."""
    yield from _page_of_width(browser, 375, 800)


@pytest.fixture
def gates():
    """`gates()` makes an event a background task waits on until the test has looked at the
    page; every one is opened when the test ends, so no task is left waiting on a test that
    failed (ask for this fixture after the one that waits for the background tasks)."""
    made = []

    def gate() -> threading.Event:
        made.append(threading.Event())
        return made[-1]

    yield gate
    for event in made:
        event.set()


def sign_in(page, live_server, user, password=PASSWORD):
    """Sign in through the real form, as a person would."""
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def wait_for_govuk_frontend(page):
    """GOV.UK Frontend's JavaScript is a deferred module: wait until it has set components up."""
    page.wait_for_function("() => document.body.classList.contains('govuk-frontend-supported')")


def assert_accessible(page, name: str):
    """Run axe-core on the page as people get it, save a screenshot, and fail on any violation."""
    wait_for_govuk_frontend(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    # Evaluated through the browser's debugging protocol: the page's Content-Security-Policy
    # (no inline scripts) stays in force, as it is for people.
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [node["target"] for node in v["nodes"]][:5],
        }
        for v in results["violations"]
    ]
    assert violations == [], f"{name}: " + json.dumps(violations, indent=2)


@pytest.fixture
def county(db):
    """A small fictional county with something on every role's home page."""
    from safereach.accounts.models import Agency, Role
    from safereach.accounts.tests.factories import make_agency, make_user
    from safereach.areas.models import Area
    from safereach.areas.tests.factories import make_area
    from safereach.evidence.models import Classification, Incident
    from safereach.evidence.tests.factories import make_dataset, make_incident, make_notice, make_place
    from safereach.schools.tests.factories import make_school
    from safereach.workforce.tests.factories import make_officer, make_station

    fire = make_agency("Demoshire Fire and Rescue Service (fictional)", is_fictional=True)
    police = make_agency("Demoshire Police (fictional)", kind=Agency.Kind.POLICE,
                           is_fictional=True)
    crime = make_dataset(kind="crime", name="Demoshire street crime (fictional)",
                           source_file="demo-street-crime.csv", publisher="Demoshire Police",
                           row_count=4, is_fictional=True)
    make_dataset(kind="schools", name="Demoshire schools (fictional)",
                   source_file="demo-schools.csv", publisher="SafeReach demo",
                   classification=Classification.OFFICIAL_SENSITIVE,
                   sharing_agreement="Demoshire MACE agreement", row_count=3, is_fictional=True)
    district = make_area(Area.Level.DISTRICT, name="Demoshire Vale", is_fictional=True)
    ward = make_area(Area.Level.WARD, name="Market Ward", parent=district, is_fictional=True)
    lsoa = make_area(Area.Level.LSOA, name="Demoshire Vale 001A", parent=ward,
                       district=district, is_fictional=True)
    for name, phase in [("Brookside Primary", "Primary"), ("Hillcrest Academy", "Secondary"),
                        ("Meadow Special School", "Not applicable")]:
        make_school(name=name, phase=phase, lsoa=lsoa, is_fictional=True)
    for category in ["Criminal damage and arson", "Anti-social behaviour", "Burglary"]:
        make_incident(crime, category=category, lsoa=lsoa)
    make_incident(crime, source=Incident.Source.FIRE, category="Secondary fire")
    make_place(crime, name="Riverside Care Home")
    make_notice(crime, premises="12 Mill Lane")
    central = make_station("Central Fire Station (fictional)", postcode="DM1 1AA",
                             is_fictional=True)
    users = {
        Role.ADMINISTRATOR: make_user(Role.ADMINISTRATOR, email="admin@demo.example",
                                        first_name="Ada", agency=fire),
        Role.ANALYST: make_user(Role.ANALYST, email="analyst@demo.example",
                                  first_name="Arun", agency=police),
        Role.COORDINATOR: make_user(Role.COORDINATOR, email="coordinator@demo.example",
                                      first_name="Cara", agency=fire),
        Role.OFFICER: make_user(Role.OFFICER, email="officer@demo.example",
                                  first_name="Owen", agency=fire),
        Role.PARTNER: make_user(Role.PARTNER, email="partner@demo.example",
                                  first_name="Pat", agency=police),
        Role.PROTECTION_OFFICER: make_user(Role.PROTECTION_OFFICER, email="protection@demo.example",
                                           first_name="Priya", agency=fire),
        Role.PROTECTION_MANAGER: make_user(Role.PROTECTION_MANAGER, email="manager@demo.example",
                                           first_name="Morgan", agency=fire),
    }
    make_officer(fire, "Owen Jones", user=users[Role.OFFICER], base=central)
    make_officer(fire, "Fatima Khan", base=central)
    return users
