"""The multi-agency map as an analyst and a partner meet it, at 1280 and 375 pixels wide."""

import pytest
from playwright.sync_api import expect

from safereach.accounts.models import Role
from safereach.maps.tests.conftest import mapped_county  # noqa: F401 (a fixture)
from safereach.maps.tests.test_sharing import fires  # noqa: F401 (a fixture)
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEW = "/maps/?area=E07000900&start=2024-01&end=2024-03&chosen=1&layers=hotspots&layers=notices&layers=street"


@pytest.fixture(autouse=True)
def fresh(settings):
    from django.core.cache import cache

    from safereach.maps.map_areas import _map_area

    settings.TASKS = {"default": settings.TASK_BACKENDS["immediate"]}
    cache.clear()
    _map_area.cache_clear()


def _give_reason(page, reason="Planning visits for the MACE meeting"):
    """The page asked for shows OFFICIAL-SENSITIVE data: say why, then go on to it."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Why do you need this data?")
    page.get_by_label("Why do you need to see OFFICIAL-SENSITIVE data?").fill(reason)
    page.get_by_role("button", name="Continue").click()


def _open_map(page, live_server, width, reason=False):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + VIEW)
    if reason:
        _give_reason(page)
    expect(page.locator("#map[data-ready=true]")).to_be_attached()
    for layer in ("hotspots", "notices", "street"):
        expect(page.locator(f"#map[data-loaded-{layer}=true]")).to_be_attached()


@pytest.mark.parametrize("width", [1280, 375])
def test_an_analyst_sees_hot_spots_street_points_and_cawns(page, live_server, mapped_county, width):  # noqa: F811
    sign_in(page, live_server, mapped_county["users"][Role.ANALYST])
    _open_map(page, live_server, width, reason=True)
    expect(page.locator("#legend-hotspots")).to_contain_text("Hot spot, 99% confidence")
    expect(page.locator("#legend-notices")).to_contain_text("Child abduction warning notice")
    expect(page.locator("#legend-street")).to_contain_text("Crime (police.uk snap point)")
    expect(page.get_by_text("anonymous map points (snap points)").first).to_be_visible()
    # Drawn without any tile server: boundaries and names from the data.
    expect(page.locator("#map .app-basemap-name--ward").first).to_be_attached()
    assert_accessible(page, f"maps-analyst-{width}")

    page.get_by_label("Incidents per grid cell").check()
    expect(page.locator("#legend-incidents")).to_contain_text("incidents in")
    assert "layers=incidents" in page.url  # the view, as it now is, can be shared

    page.get_by_role("link", name="Notices in force as a table").click()
    expect(page.get_by_role("table")).to_contain_text("CAWN/2024/001")
    assert_accessible(page, f"maps-notices-table-{width}")
    from safereach.accounts.models import AuditEvent

    assert AuditEvent.objects.filter(action="sensitive.view", target="map layer notices").exists()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_partner_never_sees_street_points_cawns_or_small_counts(page, live_server, mapped_county,  # noqa: F811
                                                                   width):
    sign_in(page, live_server, mapped_county["users"][Role.PARTNER])
    _open_map(page, live_server, width)
    expect(page.locator("#legend-street")).to_contain_text("not shown to your role")
    expect(page.locator("#legend-notices")).to_contain_text("Closure notice")
    expect(page.locator("#legend-notices .app-legend")).not_to_contain_text("abduction")
    assert "CAWN" not in page.content()
    assert_accessible(page, f"maps-partner-{width}")

    page.goto(live_server.url + "/maps/tables/incidents/?start=2024-01&end=2024-03"
              "&category=police:Burglary")
    expect(page.get_by_role("table")).to_contain_text("fewer than 5")
    assert_accessible(page, f"maps-partner-incidents-table-{width}")


def test_an_analyst_builds_the_map_pack(page, live_server, mapped_county):  # noqa: F811
    sign_in(page, live_server, mapped_county["users"][Role.ANALYST])
    page.goto(live_server.url + "/maps/pack/")
    _give_reason(page)
    assert_accessible(page, "maps-pack-form")
    page.get_by_label("Month (YYYY-MM)").fill("March")
    page.get_by_role("button", name="Build the map pack").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the month of the meeting")
    assert_accessible(page, "maps-pack-error")
    page.get_by_label("Area").select_option("E07000900")
    page.get_by_label("Month (YYYY-MM)").fill("2024-03")
    page.get_by_role("button", name="Build the map pack").click()
    expect(page.get_by_text("Map pack ready")).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the map pack (PDF)").click()
    assert download.value.suggested_filename == "map-pack-northvale-2024-03.pdf"
    assert_accessible(page, "maps-pack-ready")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_map_says_when_data_is_withheld(page, live_server, mapped_county, fires, width):  # noqa: F811
    """The fire service's incidents, shared under an agreement that has ended, are withheld from
    the police's analyst: the map and the tables say so."""
    sign_in(page, live_server, mapped_county["users"][Role.ANALYST])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/maps/?area=E07000900&start=2024-01&end=2024-03&chosen=1&layers=incidents")
    expect(page.locator("#map[data-loaded-incidents=true]")).to_be_attached()
    expect(page.locator(".govuk-inset-text").first).to_contain_text("not in force for your agency")
    assert_accessible(page, f"maps-withheld-{width}")
    page.goto(live_server.url + "/maps/tables/incidents/?area=E07000900&start=2024-01&end=2024-03")
    expect(page.locator(".govuk-inset-text")).to_contain_text("The figures here are made without it")
    assert_accessible(page, f"maps-withheld-table-{width}")


def test_switching_on_a_sensitive_layer_asks_why_then_shows_it(page, live_server, mapped_county):  # noqa: F811
    sign_in(page, live_server, mapped_county["users"][Role.ANALYST])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/maps/?area=E07000900&start=2024-01&end=2024-03&chosen=1&layers=hotspots")
    expect(page.locator("#map[data-loaded-hotspots=true]")).to_be_attached()
    page.get_by_label("Notices", exact=True).check()
    page.locator("#legend-notices").get_by_role("link", name="Say why you need it").click()
    _give_reason(page)
    expect(page.locator("#map[data-loaded-notices=true]")).to_be_attached()
    expect(page.locator("#legend-notices")).to_contain_text("Child abduction warning notice")
