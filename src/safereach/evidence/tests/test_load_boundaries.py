"""Loading boundaries: GeoJSON FeatureCollections of LSOAs, wards and districts."""

import json

import numpy as np
import pytest
from django.core.management import call_command

from safereach.areas.coordinates import to_wgs84
from safereach.areas.models import Area
from safereach.evidence.importers.base import LoadFailed
from safereach.evidence.importers.run import load
from safereach.evidence.models import Dataset
from safereach.schools.models import School

pytestmark = pytest.mark.django_db

# Tanglewood Nursery School, Chelmsford, per GIAS: the centre of the test squares.
CENTRE = (569_550.0, 208_482.0)


def square_bng(centre=CENTRE, side=1000.0) -> list[list[float]]:
    e, n = centre
    h = side / 2
    return [[e - h, n - h], [e + h, n - h], [e + h, n + h], [e - h, n + h], [e - h, n - h]]


def square(centre=CENTRE, side=1000.0) -> dict:
    """A Polygon in WGS84 whose corners are those of a square in BNG."""
    ring = np.array(square_bng(centre, side))
    lon, lat = to_wgs84(ring[:, 0], ring[:, 1])
    return {"type": "Polygon", "coordinates": [np.column_stack([lon, lat]).tolist()]}


def feature(props, geometry=None):
    return {"type": "Feature", "properties": props,
            "geometry": square() if geometry is None else geometry}


def write(tmp_path, name, *features, crs="urn:ogc:def:crs:OGC:1.3:CRS84", **extra):
    """One feature a line, as ONS and ogr2ogr write them: feature N is on line N + 5."""
    head = {"type": "FeatureCollection", "name": name.split(".")[0], **extra}
    if crs:
        head["crs"] = {"type": "name", "properties": {"name": crs}}
    text = "{\n" + "".join(f'"{k}": {json.dumps(v)},\n' for k, v in head.items())
    text += '"features": [\n' + ",\n".join(json.dumps(f) for f in features) + "\n]\n}\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(paths):
    with pytest.raises(LoadFailed) as failed:
        load("boundaries", paths)
    return [str(p) for p in failed.value.problems]


@pytest.mark.parametrize("key, code, level, vintage", [
    ("LSOA11CD", "E01021596", "lsoa", 2011),
    ("lsoa21cd", "E01034000", "lsoa", 2021),
    ("WD19CD", "E05004111", "ward", 2019),
    ("WD25CD", "E05015000", "ward", 2025),
    ("lad17cd", "E07000070", "district", 2017),
    ("LADCD", "E07000070", "district", None),
])
def test_level_and_vintage_come_from_the_property_names(tmp_path, key, code, level, vintage):
    name_key = key[:-2] + ("nm" if key.islower() else "NM")
    load("boundaries", [write(tmp_path, "a.geojson", feature({key: code, name_key: "Somewhere"}))])
    area = Area.objects.get(code=code)
    assert (area.level, area.vintage, area.name) == (level, vintage, "Somewhere")


def test_stores_wgs84_geometry_bounding_box_centroids_and_area(tmp_path):
    load("boundaries", [write(tmp_path, "a.geojson",
                              feature({"LSOA11CD": "E01021596", "LSOA11NM": "Chelmsford 006E"}))])
    area = Area.objects.get(code="E01021596")
    ring = np.array(square()["coordinates"][0])
    assert json.loads(area.geometry)["coordinates"][0] == ring.tolist()
    assert (area.min_lon, area.min_lat) == (ring[:, 0].min(), ring[:, 1].min())
    assert (area.max_lon, area.max_lat) == (ring[:, 0].max(), ring[:, 1].max())
    assert area.area_km2 == pytest.approx(1.0, abs=1e-3)
    assert (area.centroid_easting, area.centroid_northing) == pytest.approx(CENTRE, abs=0.5)
    lon, lat = to_wgs84(*CENTRE)
    assert area.centroid_lon == pytest.approx(float(lon), abs=1e-5)
    assert area.centroid_lat == pytest.approx(float(lat), abs=1e-5)
    assert Dataset.objects.get().name == "LSOA boundaries (2011), a"


@pytest.mark.parametrize("crs", ["urn:ogc:def:crs:EPSG::27700", None])
def test_a_british_national_grid_file_is_transformed(tmp_path, crs):
    bng = {"type": "Polygon", "coordinates": [square_bng()]}
    load("boundaries", [write(tmp_path, "bng.geojson", feature({"LSOA11CD": "E01021596"}, bng),
                              crs=crs)])
    area = Area.objects.get(code="E01021596")
    stored = np.array(json.loads(area.geometry)["coordinates"][0])
    assert stored == pytest.approx(np.array(square()["coordinates"][0]), abs=1e-7)
    assert area.area_km2 == pytest.approx(1.0, abs=1e-6)
    assert (area.centroid_easting, area.centroid_northing) == pytest.approx(CENTRE, abs=0.05)
    assert area.name == "E01021596"  # no name property: known by its code


def test_district_link_is_read_and_the_district_created_with_its_name(tmp_path):
    load("boundaries", [write(tmp_path, "wards.geojson", feature({
        "WD25CD": "E05004111", "WD25NM": "St Andrews", "LAD25CD": "E07000070",
        "LAD25NM": "Chelmsford", "LADCD_ACTIVE": "E07000070", "UTLACD": "E10000012"}))])
    ward = Area.objects.get(code="E05004111")
    assert ward.district.code == "E07000070"
    assert ward.parent == ward.district  # a ward's parent is its district
    assert (ward.district.name, ward.district.level, ward.district.vintage) == (
        "Chelmsford", "district", 2025)
    assert ward.district.geometry == ""


def test_a_district_named_only_by_code_is_named_when_its_boundary_loads(tmp_path):
    load("boundaries", [write(tmp_path, "lsoas.geojson",
                              feature({"LSOA11CD": "E01021596", "LADCD_ACTIVE": "E07000070"}))])
    assert Area.objects.get(code="E07000070").name == "E07000070"
    load("boundaries", [write(tmp_path, "lad.geojson",
                              feature({"LADCD": "E07000070", "LADNM": "Chelmsford"},
                                      square(side=5000)))])
    district = Area.objects.get(code="E07000070")
    assert district.name == "Chelmsford"
    assert district.area_km2 == pytest.approx(25.0, abs=0.01)
    assert Area.objects.get(code="E01021596").district == district
    assert Area.objects.count() == 2


def test_loading_again_or_a_newer_file_updates_and_never_duplicates(tmp_path, capsys):
    first = write(tmp_path, "a.geojson", feature({"LSOA11CD": "E01021596", "LSOA11NM": "Old"}))
    call_command("load", "boundaries", str(first))
    call_command("load", "boundaries", str(first))
    assert "already loaded" in capsys.readouterr().out
    newer = write(tmp_path, "b.geojson",
                  feature({"LSOA11CD": "E01021596", "LSOA11NM": "Chelmsford 006E"},
                          square(side=2000)))
    load("boundaries", [newer])
    area = Area.objects.get()
    assert (area.name, round(area.area_km2, 3)) == ("Chelmsford 006E", 4.0)
    assert area.dataset.source_file == "b.geojson"
    assert Dataset.objects.count() == 2


def test_an_lsoa_in_both_2011_and_2021_stays_one_area_of_2011(tmp_path):
    # ONS keeps a code while its boundary is unchanged; IMD 2019 needs the 2011 set whole.
    load("boundaries", [write(tmp_path, "2021.geojson", feature({"LSOA21CD": "E01021596"}))])
    load("boundaries", [write(tmp_path, "2011.geojson", feature({"LSOA11CD": "E01021596"}))])
    load("boundaries", [write(tmp_path, "2021b.geojson", feature({"lsoa21cd": "E01021596"}))])
    assert list(Area.objects.values_list("code", "vintage")) == [("E01021596", 2011)]


def test_schools_loaded_before_the_lsoas_are_linked_when_the_lsoas_arrive(tmp_path):
    lon, lat = to_wgs84(*CENTRE)
    inside = School.objects.create(urn=114698, name="Tanglewood Nursery School",
                                   lon=float(lon), lat=float(lat))
    far_lon, far_lat = to_wgs84(CENTRE[0] + 5000, CENTRE[1])
    outside = School.objects.create(urn=100000, name="Elsewhere", lon=float(far_lon),
                                    lat=float(far_lat))
    unlocated = School.objects.create(urn=139991, name="West Thurrock Academy")
    load("boundaries", [write(tmp_path, "a.geojson", feature({"LSOA11CD": "E01021596"}))])
    inside.refresh_from_db()
    assert inside.lsoa.code == "E01021596" and inside.lsoa21 is None
    assert School.objects.get(pk=outside.pk).lsoa is None
    assert School.objects.get(pk=unlocated.pk).lsoa is None


def test_a_ring_that_touches_itself_at_a_vertex_is_repaired(tmp_path):
    # Two squares meeting at one corner, drawn as a single ring: GEOS calls it a "Ring
    # Self-intersection"; ONS's generalised Maldon wards hold two such rings.
    ring = np.array([[0, 0], [1, 0], [1, 1], [2, 1], [2, 2], [1, 2], [1, 1], [0, 1], [0, 0]],
                    dtype=float) * 500 + CENTRE
    lon, lat = to_wgs84(ring[:, 0], ring[:, 1])
    touching = {"type": "Polygon", "coordinates": [np.column_stack([lon, lat]).tolist()]}
    load("boundaries", [write(tmp_path, "a.geojson", feature({"WD19CD": "E05004205"}, touching))])
    area = Area.objects.get()
    assert json.loads(area.geometry)["type"] == "MultiPolygon"
    assert area.area_km2 == pytest.approx(0.5, abs=1e-3)


BOWTIE = {"type": "Polygon", "coordinates": [[[0.45, 51.74], [0.46, 51.75], [0.46, 51.74],
                                              [0.45, 51.75], [0.45, 51.74]]]}


@pytest.mark.parametrize("features, expected", [
    ([{"LSOA11CD": "E01021596"}, {"LSOA11CD": ""}],
     "7: LSOA11CD: feature 2: has no code"),
    ([{"LSOA11CD": "E01021596"}, {"LSOA11NM": "Nameless"}],
     "7: LSOA11CD: feature 2: has no code"),
    ([{"LSOA11CD": "E01021596"}, {"LSOA11CD": "E0102159"}],
     "7: LSOA11CD: feature 2: 'E0102159' is not an LSOA code (E01, W01, S01 and six digits)"),
    ([{"LSOA11CD": "E01021596"}, {"LSOA11CD": "E01021596"}],
     "7: LSOA11CD: feature 2: E01021596 appears again (first on line 6)"),
    ([{"LSOA11CD": "E01021596", "LADCD_ACTIVE": "E0700007"}],
     "6: LADCD_ACTIVE: feature 1: 'E0700007' is not a district code "
     "(E06, E07, E08, E09, W06, S12, N09 and six digits)"),
    ([{"LSOA11CD": "E01021596"}, ({"LSOA11CD": "E01021597"}, BOWTIE)],
     "7: geometry: feature 2 (E01021597): invalid geometry: Self-intersection[0.455 51.745]"),
    ([({"LSOA11CD": "E01021596"}, {"type": "Polygon", "coordinates": [[[2.35, 48.85],
      [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]]})],
     "6: geometry: feature 1 (E01021596): longitude 2.35, latitude 48.85 is outside Great Britain"),
    ([({"LSOA11CD": "E01021596"}, {"type": "Polygon", "coordinates": [[[51.74, 0.45],
      [51.75, 0.45], [51.75, 0.46], [51.74, 0.45]]]})],
     "6: geometry: feature 1 (E01021596): latitude 0.45 and longitude 51.74 look swapped"),
    ([({"LSOA11CD": "E01021596"}, {"type": "Point", "coordinates": [0.45, 51.74]})],
     "6: geometry: feature 1 (E01021596): is a Point, not a Polygon or MultiPolygon"),
    ([({"LSOA11CD": "E01021596"}, {"type": "Polygon", "coordinates": [[[0.45, 51.74],
      [0.46, 51.74], [0.46, 51.75]]]})],
     "6: geometry: feature 1 (E01021596): cannot be read:"),
    ([{"MSOA11CD": "E02000001", "FID": 1}],
     "6: (properties): no LSOA, ward or district code property (expected ONS names such as "
     "LSOA11CD, LSOA21CD, WD19CD, LAD19CD; the first feature has: MSOA11CD, FID)"),
])
def test_bad_features_are_named_and_nothing_is_loaded(tmp_path, table_counts, features, expected):
    load("boundaries", [write(tmp_path, "good.geojson", feature({"LSOA11CD": "E01015814"}))])
    before = table_counts()
    built = [feature(*f) if isinstance(f, tuple) else feature(f) for f in features]
    path = write(tmp_path, "bad.geojson", *built)
    problems = problems_of([path])
    assert problems[0].startswith(f"{path}:{expected}")
    assert table_counts() == before


def test_a_feature_without_geometry_is_named(tmp_path, table_counts):
    before = table_counts()
    path = write(tmp_path, "bad.geojson", {"type": "Feature", "properties": {"WD19CD": "E05004111"},
                                           "geometry": None})
    assert problems_of([path]) == [f"{path}:6: geometry: feature 1 (E05004111): has no geometry"]
    assert table_counts() == before


@pytest.mark.parametrize("text, expected", [
    ("LSOA11CD,LSOA11NM\nE01021596,x\n",
     "1: (file): not valid JSON: Expecting value (column 1)"),
    ('{"type": "FeatureCollection",\n "features": [\n {"type": "Feature",}\n]}',
     "3: (file): not valid JSON: Expecting property name enclosed in double quotes (column 21)"),
    ('{"type": "Feature", "properties": {}, "geometry": null}',
     "1: (file): is not a GeoJSON FeatureCollection (its type is 'Feature')"),
    ("[1, 2]", "1: (file): is not a GeoJSON FeatureCollection (its type is 'list')"),
    ('{"type": "FeatureCollection", "features": []}',
     "1: (file): the FeatureCollection has no features"),
])
def test_a_file_that_is_not_a_feature_collection_is_refused(tmp_path, table_counts, text,
                                                            expected):
    before = table_counts()
    path = tmp_path / "bad.geojson"
    path.write_text(text)
    assert problems_of([path]) == [f"{path}:{expected}"]
    assert table_counts() == before


def test_an_unknown_coordinate_reference_system_is_refused(tmp_path, table_counts):
    before = table_counts()
    path = write(tmp_path, "mercator.geojson", feature({"LSOA11CD": "E01021596"}),
                 crs="urn:ogc:def:crs:EPSG::3857")
    assert problems_of([path]) == [
        f"{path}:1: crs: coordinate reference system 'urn:ogc:def:crs:EPSG::3857' is not "
        "supported (use WGS84 longitude/latitude or British National Grid, EPSG:27700)"]
    assert table_counts() == before


def test_a_minified_file_names_features_by_number(tmp_path):
    text = json.dumps({"type": "FeatureCollection", "features": [
        feature({"LSOA11CD": "E01021596"}), feature({"LSOA11CD": "X"})]})
    path = tmp_path / "one-line.geojson"
    path.write_text(text)
    assert problems_of([path]) == [
        f"{path}:1: LSOA11CD: feature 2: 'X' is not an LSOA code (E01, W01, S01 and six digits)"]


def test_real_essex_lsoa_2011_boundaries(shared_data, capsys):
    folder = shared_data / "boundaries_essex" / "lsoa_2011"
    files = sorted(folder.glob("*.geojson"))
    assert len(files) == 14
    call_command("load", "boundaries", *map(str, files))
    lsoas = Area.objects.filter(level="lsoa", vintage=2011)
    assert lsoas.count() == 1_077
    assert lsoas.exclude(geometry="").count() == 1_077
    chelmsford = Area.objects.get(code="E01021596")
    assert (chelmsford.name, chelmsford.district.code) == ("Chelmsford 006E", "E07000070")
    # Tanglewood Nursery School (E 569550, N 208482) lies in it, and so does its centroid's box.
    assert chelmsford.min_lon < 0.454764 < chelmsford.max_lon
    assert chelmsford.min_lat < 51.749376 < chelmsford.max_lat
    assert 0.05 < chelmsford.area_km2 < 5
    assert Area.objects.filter(level="district").count() == 14
    capsys.readouterr()
    call_command("datasets", "--json")
    listed = {d["source_file"]: d["rows"] for d in json.loads(capsys.readouterr().out)}
    assert listed == {f.name: json.loads(f.read_text())["features"].__len__() for f in files}
    assert sum(listed.values()) == 1_077


def test_real_essex_districts_have_the_area_their_publisher_computed(shared_data):
    path = shared_data / "boundaries_essex" / "essex_lad_boundaries_derived.geojson"
    load("boundaries", [path])
    published = {f["properties"]["LADCD"]: f["properties"]["area_km2"]
                 for f in json.loads(path.read_text())["features"]}
    stored = dict(Area.objects.filter(level="district").values_list("code", "area_km2"))
    assert stored == pytest.approx(published, abs=0.01)  # e.g. Southend-on-Sea 41.66 km²
    assert Area.objects.get(code="E07000077").name == "Uttlesford"


def test_real_wards_2019_load_with_their_self_touching_rings_repaired(shared_data):
    folder = shared_data / "boundaries_essex" / "wards_2019"
    load("boundaries", sorted(folder.glob("*.geojson")))
    assert Area.objects.filter(level="ward", vintage=2019).count() == 276
    belfairs = Area.objects.get(code="E05002212")
    assert (belfairs.name, belfairs.district.code, belfairs.parent.code) == (
        "Belfairs", "E06000033", "E06000033")
