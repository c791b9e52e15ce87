"""The register of fire-safety notices in a real browser, at 1280 and 375 pixels wide, each page
checked by axe-core and screenshotted: the public register, its map (drawn offline, markers a
keyboard reaches), an entry, the feeds; and protection staff recording a notice, what happened
to it, an import with problems, and the manager's page of what is owed."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import PASSWORD
from safereach.register.tests.factories import protection_manager, protection_officer
from safereach.register.tests.states import TODAY, ago, every_state, make_districts
from tests.browser.conftest import ARTIFACTS, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = [1280, 375]


@pytest.fixture
def register(db, settings):
    settings.SAFEREACH_REGISTER = {**settings.SAFEREACH_REGISTER, "TODAY": TODAY}
    make_districts()
    return every_state()


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def sized_page(browser, request):
    context = browser.new_context(viewport={"width": request.param, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def width(page) -> int:
    return page.viewport_size["width"]


def fits(page):
    """WCAG 1.4.10: nothing but a table's own region scrolls sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width(page)


def test_the_public_register_and_a_search(sized_page, live_server, register):
    page = sized_page
    page.goto(f"{live_server.url}/register/")
    expect(page.get_by_role("heading", name="3 entries")).to_be_visible()
    fits(page)
    assert_accessible(page, f"register-search-{width(page)}")
    page.get_by_label("Type of premises", exact=True).select_option(label="Care home")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 entry")).to_be_visible()
    page.get_by_role("link", name="Mill Lane Care Home").click()
    expect(page.get_by_role("heading", name="Mill Lane Care Home")).to_be_visible()
    expect(page.get_by_text("Sleeping on the top floor stopped")).to_be_visible()
    fits(page)
    assert_accessible(page, f"register-entry-{width(page)}")


def test_a_search_the_register_cannot_read(sized_page, live_server, register):
    page = sized_page
    page.goto(f"{live_server.url}/register/?district=E07999999")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text("Choose a district from the list")
    expect(summary).to_be_focused()
    assert_accessible(page, f"register-search-error-{width(page)}")


def test_search_suggestions_offer_only_published_names(page, live_server, register):
    page.goto(f"{live_server.url}/register/")
    box = page.get_by_label("Name, address or postcode")
    with page.expect_response(lambda r: "suggestions.json?q=Hidden" in r.url) as asked:
        box.press_sequentially("Hidden", delay=30)
    assert asked.value.json() == {"suggestions": []}
    assert page.locator("#register-suggestions option").count() == 0
    box.fill("")
    box.press_sequentially("Swa", delay=30)
    expect(page.locator("#register-suggestions option")).to_have_count(1)
    assert page.locator("#register-suggestions option").get_attribute("value") == "Swan Hotel"


def test_the_map_draws_offline_and_its_markers_take_the_keyboard(sized_page, live_server, register):
    page = sized_page
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/register/map/")
    expect(page.locator("#register-map[data-ready='true']")).to_be_attached()
    markers = page.locator(".app-register-map__marker")
    expect(markers).to_have_count(3)
    expect(page.locator(".app-basemap-name--district")).to_have_text(["Riverside"])
    assert all(url.startswith(live_server.url) for url in requests), "the map fetched from elsewhere"
    markers.first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content a")).to_be_visible()
    fits(page)
    assert_accessible(page, f"register-map-{width(page)}")


def test_the_feeds_page(page, live_server, register):
    page.goto(f"{live_server.url}/register/feeds/")
    expect(page.get_by_role("link", name="Entries as CSV")).to_be_visible()
    assert_accessible(page, "register-feeds")


def test_an_officer_records_a_notice_and_what_happened(sized_page, live_server, register):
    page = sized_page
    officer = protection_officer(register["service"], email=f"po{width(page)}@example.org", password=PASSWORD)
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/register/manage/")
    fits(page)
    assert_accessible(page, f"register-notices-{width(page)}")
    page.get_by_role("button", name="Record a notice").click()
    page.get_by_label("Notice number", exact=True).fill("FS/2026/100")
    page.get_by_label("Enforcement notice (article 30)").check()
    page.get_by_label("Served on", exact=True).fill("Crown Inns Ltd")
    page.get_by_role("group", name="Was it served on a person under 18?").get_by_label("No").check()
    page.get_by_label("Address", exact=True).fill("12 High Street, Chelmsford")
    page.get_by_label("Type of premises", exact=True).select_option(label="Shop")
    page.get_by_label("Date served", exact=True).fill(ago(2).isoformat())
    page.get_by_label("Compliance date", exact=True).fill((ago(2) + timedelta(days=20)).isoformat())
    page.get_by_label("Articles breached", exact=True).fill("A9: risk assessment not suitable")
    page.get_by_role("button", name="Record the notice").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_contain_text("An enforcement notice gives at least 28 days")
    expect(page.get_by_label("Address", exact=True)).to_have_value("12 High Street, Chelmsford")
    fits(page)
    assert_accessible(page, f"register-new-notice-errors-{width(page)}")
    page.get_by_label("Compliance date", exact=True).fill((ago(2) + timedelta(days=28)).isoformat())
    page.get_by_role("button", name="Record the notice").click()
    expect(page.get_by_text("Notice FS/2026/100 recorded")).to_be_visible()
    appears = ago(2) + timedelta(days=22)
    expect(page.get_by_text(f"Appears on the register on {appears:%-d %B %Y}")).to_be_visible()
    fits(page)
    assert_accessible(page, f"register-notice-{width(page)}")
    page.get_by_role("link", name="Trade secret claimed").click()
    page.get_by_label("Date the trade secret was claimed").fill(ago(1).isoformat())
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("Trade secret claimed recorded")).to_be_visible()
    expect(page.get_by_role("cell", name="Trade secret claimed", exact=True)).to_be_visible()


def test_an_import_with_problems_is_listed_and_loads_nothing(page, live_server, register, tmp_path):
    sign_in(page, live_server, protection_officer(register["service"], email="imp@example.org",
                                                  password=PASSWORD))
    page.goto(f"{live_server.url}/register/manage/import/")
    bad = tmp_path / "march.csv"
    bad.write_text("Notice number,Event,Date\nFS/1,complied,soon\n")
    page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_text("march.csv:2: Date: 'soon' is not a date")).to_be_visible()
    assert_accessible(page, "register-import-errors")


def test_the_managers_page_of_what_is_owed(sized_page, live_server, register):
    page = sized_page
    manager = protection_manager(register["service"], email=f"pm{width(page)}@example.org", password=PASSWORD)
    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/register/manage/due/")
    coming = page.locator("#coming-caption").locator("xpath=..")
    expect(coming.get_by_text("Appears on the register")).to_have_count(1)  # the appeal period running
    fits(page)
    assert_accessible(page, f"register-due-{width(page)}")
    page.goto(f"{live_server.url}/")
    expect(page.locator(f"section#{Role.PROTECTION_MANAGER}")).to_be_visible()
    assert (ARTIFACTS / f"register-due-{width(page)}.png").exists()
