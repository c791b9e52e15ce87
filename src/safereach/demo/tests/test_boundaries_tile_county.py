"""LSOAs tile the county without gaps or overlaps; wards and districts nest exactly."""

import numpy as np
import shapely

from safereach.areas.coordinates import GB_LAT, GB_LON, to_bng


def _polygons(county, level):
    rows = [a for a in county.areas if a["level"] == level]
    return rows, np.array(shapely.from_geojson([a["geometry"] for a in rows]))


def test_polygons_are_valid_and_in_great_britain(county):
    for level in ("lsoa", "ward", "district"):
        rows, polygons = _polygons(county, level)
        assert shapely.is_valid(polygons).all(), level
        assert set(shapely.get_type_id(polygons)) == {3}, level  # single Polygons
        for a in rows:
            assert GB_LON[0] < a["min_lon"] < a["max_lon"] < GB_LON[1]
            assert GB_LAT[0] < a["min_lat"] < a["max_lat"] < GB_LAT[1]


def test_lsoas_do_not_overlap(county):
    _, polygons = _polygons(county, "lsoa")
    left, right = shapely.STRtree(polygons).query(polygons, predicate="intersects")
    pairs = left < right
    shared = shapely.area(shapely.intersection(polygons[left[pairs]], polygons[right[pairs]]))
    assert pairs.sum() > len(polygons)  # neighbours touch…
    assert shared.max() < 1e-12  # …along edges only (degrees², i.e. under a square metre)


def test_lsoas_cover_the_county(county):
    rows, polygons = _polygons(county, "lsoa")
    outline_km2 = county.geography.outline.area / 1e6
    assert abs(sum(a["area_km2"] for a in rows) / outline_km2 - 1) < 0.005
    union = shapely.union_all(polygons)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0  # no gaps inside
    assert abs(union.area / shapely.area(polygons).sum() - 1) < 1e-6
    # The stored area agrees with the polygon itself, measured back on the national grid.
    first = rows[0]
    coords = np.array(shapely.from_geojson(first["geometry"]).exterior.coords)
    e, n = to_bng(coords[:, 0], coords[:, 1])
    assert abs(shapely.Polygon(np.column_stack([e, n])).area / 1e6 / first["area_km2"] - 1) < 0.001


def test_lsoas_nest_in_wards_in_districts(county):
    by_code = {a["code"]: a for a in county.areas}
    shapes = {a["code"]: shapely.from_geojson(a["geometry"]) for a in county.areas}
    for level, parent_level in (("lsoa", "ward"), ("ward", "district")):
        children = [a for a in county.areas if a["level"] == level]
        for parent in (a for a in county.areas if a["level"] == parent_level):
            mine = [shapes[c["code"]] for c in children if c["parent_code"] == parent["code"]]
            assert mine, parent["code"]
            union = shapely.union_all(mine)
            assert shapely.symmetric_difference(union, shapes[parent["code"]]).area < 1e-10
    for a in county.areas:
        if a["level"] == "lsoa":
            assert by_code[a["parent_code"]]["level"] == "ward"
            assert a["district_code"] == by_code[a["parent_code"]]["parent_code"]
            assert a["vintage"] == 2011


def test_codes_cannot_be_real_ons_codes(county):
    prefixes = {"lsoa": "X01", "ward": "X05", "district": "X07"}
    for a in county.areas:
        assert len(a["code"]) == 9 and a["code"].startswith(prefixes[a["level"]])
    assert len({a["code"] for a in county.areas}) == len(county.areas)
    assert all(a["name"].endswith("(fictional)") for a in county.areas if a["level"] == "district")
