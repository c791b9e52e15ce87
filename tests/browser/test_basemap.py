"""Every map reads with no background map: district and ward boundaries with their names and a
scale, drawn from the loaded data, at 1280 and 375 pixels wide; tiles come only by setting."""

import base64
import re

import pytest
from playwright.sync_api import expect

from safereach.accounts.models import Role
from safereach.maps.tests.conftest import mapped_county  # noqa: F401 (a fixture)
from tests.browser.conftest import ARTIFACTS, assert_accessible, sign_in
from tests.browser.test_maps import _give_reason

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A 1×1 PNG, served in place of a tile so the test never leaves the machine.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def fresh(settings):
    from django.core.cache import cache

    from safereach.areas.basemap import _shape
    from safereach.maps.map_areas import _map_area

    settings.TASKS = {"default": settings.TASK_BACKENDS["immediate"]}
    cache.clear()
    _map_area.cache_clear()
    _shape.cache_clear()


def _offline(page, live_server):
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    return lambda: [url for url in asked if not url.startswith(live_server.url)]


def _reads_without_tiles(page, holder: str, names: dict[str, list[str]], shot: str):
    expect(page.locator(f"{holder}[data-ready=true]")).to_be_attached()
    for level, shown in names.items():
        for name in shown:
            label = page.locator(f"{holder} .app-basemap-name--{level}", has_text=re.compile(f"^{name}$"))
            expect(label).to_be_visible()
    scale = page.locator(f"{holder} .leaflet-control-scale-line")
    expect(scale).to_be_visible()
    expect(scale).to_have_text(re.compile(r"^\d+ k?m$"))
    assert page.locator(f"{holder} .leaflet-tile").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(holder).screenshot(path=str(ARTIFACTS / f"{shot}.png"))


@pytest.mark.parametrize("width", [1280, 375])
def test_the_map_and_a_school_map_draw_boundaries_names_and_a_scale(page, live_server, mapped_county,  # noqa: F811
                                                                     width):
    page.set_viewport_size({"width": width, "height": 900})
    elsewhere = _offline(page, live_server)
    sign_in(page, live_server, mapped_county["users"][Role.ANALYST])

    page.goto(live_server.url + "/maps/?start=2024-01&end=2024-03")
    _give_reason(page)
    _reads_without_tiles(page, "#map", {"district": ["Northvale", "Southmere"], "ward": ["Northvale Ward 1"]},
                        f"basemap-county-{width}")
    assert page.locator("#map .app-basemap-name--district").count() == 2
    assert_accessible(page, f"basemap-county-page-{width}")

    page.goto(live_server.url + f"/matrix/schools/{mapped_county['schools'][0].urn}/")
    _reads_without_tiles(page, "#school-map", {"district": ["Northvale"], "ward": ["Northvale Ward 1"]},
                        f"basemap-school-{width}")
    assert_accessible(page, f"basemap-school-page-{width}")
    assert elsewhere() == [], "a map fetched from elsewhere"


def test_a_site_with_a_tile_server_gets_its_tiles_under_the_boundaries(page, live_server, mapped_county,  # noqa: F811
                                                                      settings):
    settings.SAFEREACH_TILES = {"URL": "https://tiles.example.org/{z}/{x}/{y}.png",
                                "ATTRIBUTION": "Example tiles"}
    tiles = []

    def serve(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PIXEL)

    page.route("https://tiles.example.org/**", serve)
    sign_in(page, live_server, mapped_county["users"][Role.ANALYST])
    page.goto(live_server.url + "/maps/?start=2024-01&end=2024-03")
    _give_reason(page)
    expect(page.locator("#map .leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator("#map .leaflet-control-attribution")).to_contain_text("Example tiles")
    expect(page.locator("#map .app-basemap-name--district", has_text="Northvale")).to_be_visible()
    assert tiles and all(url.endswith(".png") for url in tiles)
