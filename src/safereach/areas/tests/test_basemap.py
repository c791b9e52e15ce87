"""What every map draws beneath its layers: the district and ward boundaries around the view,
with their names written inside them, and background tiles only when a site has set them up."""

import json

import pytest
import shapely

from safereach.areas.basemap import _shape, basemap, basemap_around
from safereach.areas.models import Area
from safereach.areas.tests.factories import make_area

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_shapes():
    _shape.cache_clear()
    yield
    _shape.cache_clear()


def _box(lon0, lat0, lon1, lat1, level, name, **extra):
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    return make_area(
        level, name=name, geometry=json.dumps({"type": "Polygon", "coordinates": [ring]}),
        min_lon=lon0, min_lat=lat0, max_lon=lon1, max_lat=lat1, **extra,
    )


def _names(drawn, level):
    features = drawn["boundaries"]["features"]
    return [f["properties"]["name"] for f in features if f["properties"]["level"] == level]


def test_districts_and_wards_around_the_view_with_their_names_inside_them():
    _box(0.0, 51.0, 0.4, 51.3, Area.Level.DISTRICT, "Uttlesmere")
    _box(0.4, 51.0, 0.8, 51.3, Area.Level.DISTRICT, "Braintford")
    _box(3.0, 53.0, 3.4, 53.3, Area.Level.DISTRICT, "Far away")
    _box(0.0, 51.0, 0.2, 51.15, Area.Level.WARD, "Mill End")
    _box(0.2, 51.0, 0.4, 51.15, Area.Level.WARD, "Church Green")
    make_area(Area.Level.WARD, name="No boundary")
    _box(0.0, 51.0, 0.1, 51.05, Area.Level.LSOA, "Uttlesmere 001A")

    drawn = basemap(0.1, 51.05, 0.38, 51.1)  # with a margin, it reaches Braintford

    assert _names(drawn, "district") == ["Braintford", "Uttlesmere"]
    assert _names(drawn, "ward") == ["Church Green", "Mill End"]
    assert _names(drawn, "lsoa") == []
    for feature in drawn["boundaries"]["features"]:
        lat, lon = feature["properties"]["label"]
        assert shapely.from_geojson(json.dumps(feature["geometry"])).contains(shapely.Point(lon, lat))
    assert "tiles" not in drawn  # nothing to fetch unless the site has a tile server


def test_real_boundaries_are_drawn_rather_than_the_demo_county_and_only_the_newest_wards():
    _box(0.0, 51.0, 0.4, 51.3, Area.Level.DISTRICT, "Demo district", is_fictional=True)
    _box(0.0, 51.0, 0.4, 51.3, Area.Level.DISTRICT, "Real district")
    _box(0.0, 51.0, 0.2, 51.15, Area.Level.WARD, "Old ward", vintage=2019)
    _box(0.0, 51.0, 0.2, 51.15, Area.Level.WARD, "New ward", vintage=2023)

    drawn = basemap(0.0, 51.0, 0.4, 51.3)

    assert _names(drawn, "district") == ["Real district"]
    assert _names(drawn, "ward") == ["New ward"]


def test_a_wide_view_gets_simpler_lines_than_a_close_one():
    lons = [0.0 + i * 0.0005 for i in range(400)]
    wiggle = [[lon, 51.0 + (0.0002 if i % 2 else 0)] for i, lon in enumerate(lons)]
    ring = wiggle + [[lons[-1], 51.3], [0.0, 51.3], wiggle[0]]
    make_area(Area.Level.DISTRICT, name="Wiggly", min_lon=0.0, min_lat=51.0, max_lon=lons[-1], max_lat=51.3,
              geometry=json.dumps({"type": "Polygon", "coordinates": [ring]}))

    def points(drawn):
        return len(drawn["boundaries"]["features"][0]["geometry"]["coordinates"][0])

    assert points(basemap(0.0, 51.0, 2.0, 52.0)) < points(basemap(0.0, 51.0, 0.02, 51.01))


def test_a_view_round_points_is_at_least_as_wide_as_asked(settings):
    _box(0.0, 51.0, 0.4, 51.3, Area.Level.DISTRICT, "Uttlesmere")
    _box(0.5, 51.0, 0.9, 51.3, Area.Level.DISTRICT, "Next door")
    assert _names(basemap_around([(51.1, 0.2)]), "district") == ["Uttlesmere"]
    assert _names(basemap_around([(51.1, 0.2)], at_least_m=40_000), "district") == ["Next door", "Uttlesmere"]
    assert basemap_around([(None, None)])["boundaries"]["features"] == []

    settings.SAFEREACH_TILES = {"URL": "https://tiles.example/{z}/{x}/{y}.png", "ATTRIBUTION": "© Example"}
    assert basemap_around([(51.1, 0.2)])["tiles"] == {
        "url": "https://tiles.example/{z}/{x}/{y}.png", "attribution": "© Example"}


def test_an_area_with_no_bounding_box_is_placed_by_its_shape():
    near = _box(0.0, 51.0, 0.2, 51.15, Area.Level.WARD, "Near")
    far = _box(3.0, 53.0, 3.4, 53.3, Area.Level.WARD, "Far")
    Area.objects.filter(pk__in=[near.pk, far.pk]).update(
        min_lon=None, min_lat=None, max_lon=None, max_lat=None)
    assert _names(basemap(0.0, 51.0, 0.2, 51.1), "ward") == ["Near"]
