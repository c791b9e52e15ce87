"""An analyst back-tests a programme's list on the demo county: the back-test runs in the
background while its page shows how far it has got, then the page shows the figures; each page
passes axe-core in a real browser."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safereach.accounts.models import User
from safereach.core.background import wait_for_background_tasks
from safereach.demo.build import rebuild_demo
from safereach.demo.county import generate
from safereach.demo.partners import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD
from safereach.matrix import tasks
from safereach.matrix.build import build, seed_programmes
from safereach.matrix.models import BacktestRun, Programme
from tests.browser.conftest import BACKGROUND_MS, BACKGROUND_SECONDS, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_county(db, settings):
    """The demo county with its incidents up to last month, and the arson list built."""
    # The demo's way: the back-test runs in a thread of the (live) server.
    settings.TASKS = {"default": settings.TASK_BACKENDS["thread"]}
    seed_programmes()
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    rebuild_demo(generate(last_month=last_month))
    build([Programme.objects.get(slug="arson")], built_by="browser test")
    yield last_month
    wait_for_background_tasks()


@pytest.fixture
def held_back_test(monkeypatch):
    """Holds the back-test once it starts building the list, until the test lets it go, so the
    page is seen while the back-test is under way."""
    go = threading.Event()
    real = tasks.run_backtest

    def run_backtest(programme, *, progress, **options):
        def report(fraction, text):
            progress(fraction, text)
            if text.startswith("Building the list"):
                go.wait(BACKGROUND_SECONDS)

        return real(programme, progress=report, **options)

    monkeypatch.setattr(tasks, "run_backtest", run_backtest)
    yield go
    go.set()


def test_an_analyst_back_tests_a_list_in_the_background(page, live_server, demo_county, held_back_test):
    until = (demo_county - timedelta(days=80)).replace(day=1)  # three months before the last
    sign_in(page, live_server, User.objects.get(email=f"analyst@{DEMO_EMAIL_DOMAIN}"), DEMO_PASSWORD)
    page.get_by_role("link", name="Target lists").click()
    page.get_by_role("link", name="Arson and deliberate fire-setting").first.click()
    page.get_by_role("link", name="Check this list against what happened next").click()
    assert_accessible(page, "matrix-backtest")

    page.get_by_label("Forecast from data up to (YYYY-MM)").fill(f"{until:%Y-%m}")
    page.get_by_label("Months to look ahead").fill("3")
    page.get_by_label("How many months to forecast from").fill("6")
    page.get_by_role("button", name="Run the back-test").click()

    expect(page.get_by_role("heading", name="Running the back-test")).to_be_visible()
    expect(page.get_by_role("progressbar", name="How far the back-test has got")).to_be_visible()
    page.evaluate("window.notReloaded = true")
    expect(page.get_by_role("status")).to_contain_text("Building the list from data up to",
                                                       timeout=BACKGROUND_MS)
    page.wait_for_function("document.querySelector('progress').value >= 10", timeout=BACKGROUND_MS)
    assert page.evaluate("window.notReloaded === true")
    assert_accessible(page, "matrix-backtest-progress")

    held_back_test.set()
    table = page.get_by_role("table", name="Rankings compared")
    expect(table).to_be_visible(timeout=BACKGROUND_MS)
    for ranking in ["This programme's list", "The forecast alone", "IMD alone",
                    "Last period's count alone", "The ceiling (the schools that turned out highest)"]:
        expect(table.get_by_role("row", name=ranking)).to_be_visible()
    expect(page.get_by_text(f"to {until:%Y-%m}, each looking 3 months ahead")).to_be_visible()
    expect(page.get_by_role("heading", name="What the figures mean")).to_be_visible()
    run = BacktestRun.objects.get()
    assert run.state == BacktestRun.State.DONE and run.result["incidents_after"] > 0
    assert_accessible(page, "matrix-backtest-result")


def test_bad_input_shows_an_error_summary_and_runs_nothing(page, live_server, demo_county):
    sign_in(page, live_server, User.objects.get(email=f"analyst@{DEMO_EMAIL_DOMAIN}"), DEMO_PASSWORD)
    page.goto(f"{live_server.url}/matrix/arson/backtest/")
    page.get_by_label("Forecast from data up to (YYYY-MM)").fill("Sept")
    page.get_by_label("Months to look ahead").fill("99")
    page.get_by_label("How many months to forecast from").fill("0")
    page.get_by_role("button", name="Run the back-test").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(["Enter a month as YYYY-MM, for example 2018-12",
                                                      "Look ahead at most 24 months",
                                                      "Forecast from at least 1 month"])
    # Nothing typed is lost.
    expect(page.get_by_label("How many months to forecast from")).to_have_value("0")
    assert not BacktestRun.objects.exists()
    assert_accessible(page, "matrix-backtest-errors")
