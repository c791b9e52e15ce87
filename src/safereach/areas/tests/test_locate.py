"""Point-in-polygon over loaded boundaries."""

import json

import numpy as np
import pytest

from safereach.areas.locate import AreaLocator, reuse_locators
from safereach.areas.models import Area

pytestmark = pytest.mark.django_db


def square(x0, y0, size):
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


@pytest.fixture
def two_lsoas():
    west = Area.objects.create(code="E01000001", name="West", level="lsoa", vintage=2011,
                               geometry=square(0.0, 51.0, 0.1))
    east = Area.objects.create(code="E01000002", name="East", level="lsoa", vintage=2011,
                               last_vintage=2021, geometry=square(0.1, 51.0, 0.1))
    return west, east


def test_each_point_gets_the_area_containing_it_and_minus_one_outside(two_lsoas):
    west, east = two_lsoas
    locator = AreaLocator.for_level("lsoa", 2011)
    lon = np.array([0.05, 0.15, 0.05, 0.5, np.nan, 0.15])
    lat = np.array([51.05, 51.05, 51.05, 51.05, np.nan, 51.09])
    assert locator.locate(lon, lat).tolist() == [west.pk, east.pk, west.pk, -1, -1, east.pk]


def test_points_seen_in_an_earlier_call_are_answered_the_same(two_lsoas):
    west, east = two_lsoas
    locator = AreaLocator.for_level("lsoa", 2011)
    locator.locate(np.array([0.05, 0.15]), np.array([51.05, 51.05]))
    again = locator.locate(np.array([0.15, 0.5, 0.05, 0.12]), np.array([51.05, 51.05, 51.05, 51.01]))
    assert again.tolist() == [east.pk, -1, west.pk, east.pk]


def test_an_unchanged_area_belongs_to_every_set_it_was_published_in(two_lsoas):
    west, east = two_lsoas
    in_2021 = AreaLocator.for_level("lsoa", 2021).locate(np.array([0.05, 0.15]), np.array([51.05] * 2))
    assert in_2021.tolist() == [-1, east.pk]


def test_fictional_areas_are_never_used_for_real_data(two_lsoas):
    Area.objects.filter(code="E01000001").update(is_fictional=True)
    found = AreaLocator.for_level("lsoa", 2011).locate(np.array([0.05]), np.array([51.05]))
    assert found.tolist() == [-1]


def test_a_load_reads_the_boundaries_once_until_they_change(two_lsoas, django_assert_num_queries):
    with reuse_locators():
        first = AreaLocator.for_level("lsoa", 2011)
        with django_assert_num_queries(0):
            assert AreaLocator.for_level("lsoa", 2011) is first
