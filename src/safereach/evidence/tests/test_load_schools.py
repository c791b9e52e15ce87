"""Loading schools from GIAS establishment CSVs."""

import csv
import gzip
import json

import pytest
from django.core.management import call_command

from safereach.areas.coordinates import to_wgs84
from safereach.areas.models import Area
from safereach.evidence.importers.base import LoadFailed
from safereach.evidence.importers.run import load
from safereach.evidence.models import Dataset
from safereach.schools.models import School

pytestmark = pytest.mark.django_db

HEADER = ("URN,LA (code),LA (name),EstablishmentName,TypeOfEstablishment (name),"
          "EstablishmentTypeGroup (name),EstablishmentStatus (name),PhaseOfEducation (name),"
          "StatutoryLowAge,StatutoryHighAge,Postcode,Town,DistrictAdministrative (code),"
          "Easting,Northing,NumberOfPupils,PercentageFSM")
TANGLEWOOD = ("114698,881,Essex,Tanglewood Nursery School,Local authority nursery school,"
              "Local authority maintained schools,Open,Nursery,2,5,CM1 2DX,Chelmsford,E07000070,"
              "569550,208482,174,0.0")
WEST_THURROCK = ("139991,883,Thurrock,West Thurrock Academy,Academy converter,Academies,Open,"
                 "Primary,3,11,RM20 3HR,Grays,,,,442,27.4")


def write(tmp_path, name, *lines, header=HEADER, encoding="utf-8", compress=False):
    text = "\n".join((header,) + lines) + "\n"
    path = tmp_path / name
    data = text.encode(encoding)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def problems_of(paths, **kwargs):
    with pytest.raises(LoadFailed) as failed:
        load("schools", paths, **kwargs)
    return [str(p) for p in failed.value.problems]


def lsoa_around(code, easting, northing, vintage=2011, half=200):
    """A square LSOA centred on a grid reference."""
    corners = [(easting - half, northing - half), (easting + half, northing - half),
               (easting + half, northing + half), (easting - half, northing + half)]
    lon, lat = to_wgs84([c[0] for c in corners], [c[1] for c in corners])
    ring = [[float(x), float(y)] for x, y in zip(lon, lat, strict=True)]
    return Area.objects.create(code=code, name=code, level="lsoa", vintage=vintage,
                               geometry=json.dumps({"type": "Polygon",
                                                    "coordinates": [ring + ring[:1]]}))


def test_loads_every_gias_field_with_both_coordinate_systems_and_the_lsoa(tmp_path):
    lsoa = lsoa_around("E01021596", 569_550, 208_482)
    [outcome] = load("schools", [write(tmp_path, "gias.csv", TANGLEWOOD, WEST_THURROCK)])
    assert outcome.rows == 2
    school = School.objects.get(urn=114698)
    assert (school.name, school.type_name, school.type_group, school.status, school.phase) == (
        "Tanglewood Nursery School", "Local authority nursery school",
        "Local authority maintained schools", "Open", "Nursery")
    assert (school.low_age, school.high_age, school.pupils, school.percent_fsm) == (2, 5, 174, 0.0)
    assert (school.postcode, school.town, school.la_code, school.la_name) == (
        "CM1 2DX", "Chelmsford", "881", "Essex")
    assert school.district_code == "E07000070"
    assert (school.easting, school.northing) == (569_550, 208_482)
    # Where GIAS's grid reference lands in WGS84 (the police.uk snap point nearby agrees).
    assert (school.lon, school.lat) == pytest.approx((0.454764, 51.749376), abs=2e-6)
    assert school.lsoa == lsoa and school.lsoa21 is None
    assert school.dataset == Dataset.objects.get()
    assert Dataset.objects.get().name == "Schools (GIAS), Essex, Thurrock"


def test_a_school_without_a_grid_reference_is_kept_without_a_location(tmp_path):
    load("schools", [write(tmp_path, "gias.csv", WEST_THURROCK)])
    school = School.objects.get(urn=139991)
    assert (school.easting, school.lon, school.lsoa) == (None, None, None)
    assert school.pupils == 442


def test_latitude_and_longitude_serve_when_there_is_no_grid_reference(tmp_path):
    lsoa = lsoa_around("E01034000", 569_550, 208_482, vintage=2021)
    path = write(tmp_path, "latlon.csv", "114698,Tanglewood Nursery School,51.749376,0.454764",
                 header="URN,EstablishmentName,Latitude,Longitude")
    load("schools", [path])
    school = School.objects.get()
    assert (school.easting, school.northing) == pytest.approx((569_550, 208_482), abs=0.5)
    assert school.lsoa21 == lsoa


def test_a_reduced_list_loads_with_urn_and_name_only(tmp_path):
    path = write(tmp_path, "partial.csv", "100000,The Aldgate School,,London,EC3A 5DE",
                 header="urn,name,open_date,town,postcode")
    load("schools", [path])
    school = School.objects.get()
    assert (school.urn, school.name, school.town, school.postcode, school.phase) == (
        100000, "The Aldgate School", "London", "EC3A 5DE", "")


def test_a_later_load_corrects_values_but_blanks_and_missing_columns_erase_nothing(tmp_path):
    lsoa_around("E01021596", 569_550, 208_482)
    load("schools", [write(tmp_path, "full.csv", TANGLEWOOD)])
    # A reduced list: no phase or location columns at all, and a new name.
    load("schools", [write(tmp_path, "partial.csv", "114698,Tanglewood Nursery,Chelmsford",
                           header="URN,EstablishmentName,Town")])
    # A fuller file with blank cells: blank phase, pupils and grid reference.
    blanks = TANGLEWOOD.replace(",Nursery,", ",,").replace("569550,208482,174", ",,")
    load("schools", [write(tmp_path, "blanks.csv", blanks)])
    school = School.objects.get()
    assert school.name == "Tanglewood Nursery School"  # the last file gave the name again
    assert (school.phase, school.pupils, school.easting) == ("Nursery", 174, 569_550)
    assert school.lsoa.code == "E01021596"
    assert school.dataset.source_file == "blanks.csv"
    assert School.objects.count() == 1


def test_a_moved_school_is_relinked_to_its_new_lsoa(tmp_path):
    lsoa_around("E01021596", 569_550, 208_482)
    load("schools", [write(tmp_path, "a.csv", TANGLEWOOD)])
    moved = TANGLEWOOD.replace("569550,208482", "580000,210000")
    load("schools", [write(tmp_path, "b.csv", moved)])
    school = School.objects.get()
    assert (school.easting, school.lsoa) == (580_000, None)


def test_loading_the_same_file_twice_adds_nothing(tmp_path, capsys):
    path = write(tmp_path, "gias.csv", TANGLEWOOD, WEST_THURROCK)
    call_command("load", "schools", str(path))
    call_command("load", "schools", str(path))
    assert "already loaded" in capsys.readouterr().out
    assert School.objects.count() == 2
    assert Dataset.objects.count() == 1


def test_a_windows_1252_file_needs_its_encoding(tmp_path, table_counts):
    before = table_counts()
    path = write(tmp_path, "edubase.csv", TANGLEWOOD,
                 WEST_THURROCK.replace("West Thurrock Academy", "St Cecilia’s Academy"),
                 encoding="cp1252")
    assert problems_of([path]) == [
        f"{path}:3: (encoding): byte 0x92 is not valid utf-8; save the file as UTF-8, or give "
        "its encoding with --encoding (GIAS downloads are often windows-1252)"]
    assert table_counts() == before
    load("schools", [path], encoding="cp1252")
    assert School.objects.get(urn=139991).name == "St Cecilia’s Academy"


def test_a_duplicate_urn_names_both_lines(tmp_path, table_counts):
    before = table_counts()
    path = write(tmp_path, "dup.csv", TANGLEWOOD, WEST_THURROCK, TANGLEWOOD)
    assert problems_of([path]) == [
        f"{path}:4: URN: URN 114698 appears twice: on line 2 and on line 4"]
    assert table_counts() == before


def replace_field(row: str, index: int, value: str) -> str:
    fields = next(csv.reader([row]))
    fields[index] = value
    return ",".join(fields)


@pytest.mark.parametrize("index, value, expected", [
    (0, "", "URN: is empty"),
    (0, "URN114698", "URN: 'URN114698' is not a URN (a whole number) from 1 to 99,999,999"),
    (3, " ", "EstablishmentName: is empty"),
    (1, "8810", "LA (code): is longer than 3 characters"),
    (8, "two", "StatutoryLowAge: 'two' is not a whole number from 0 to 99"),
    (15, "-3", "NumberOfPupils: '-3' is not a whole number from 0 to 100,000"),
    (16, "120", "PercentageFSM: '120' is not a percentage (0 to 100)"),
    (16, "n/a", "PercentageFSM: 'n/a' is not a number"),
    (13, "569,550", "(row): expected 17 fields, found 18"),
    (13, "east", "Easting: 'east' is not a number"),
    (13, "", "Easting/Northing: has only one of easting and northing"),
    (13, "769550", "Easting/Northing: easting 769550, northing 208482 is outside Great Britain's "
                   "national grid"),
])
def test_bad_values_are_named_and_nothing_is_loaded(tmp_path, table_counts, index, value,
                                                    expected):
    load("schools", [write(tmp_path, "good.csv", WEST_THURROCK)])
    before = table_counts()
    row = replace_field(TANGLEWOOD, index, value)
    if index == 13 and value == "569,550":
        row = TANGLEWOOD.replace("569550", "569,550")  # an unquoted thousands comma
    path = write(tmp_path, "bad.csv", WEST_THURROCK, row)
    assert problems_of([path]) == [f"{path}:3: {expected}"]
    assert table_counts() == before


def test_missing_columns_header_only_and_empty_files(tmp_path, table_counts):
    before = table_counts()
    no_name = write(tmp_path, "noname.csv", "114698,Chelmsford", header="URN,Town")
    header_only = write(tmp_path, "header.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    problems = problems_of([no_name, header_only, empty])
    assert problems[0].startswith(f"{no_name}:1: EstablishmentName: missing column (expected one "
                                  "of: EstablishmentName, name, establishment_name, school_name; "
                                  "the header has: URN, Town)")
    assert problems[1:] == [f"{header_only}:2: (file): the file has a header but no rows",
                            f"{empty}:1: (file): the file is empty"]
    assert table_counts() == before


def test_real_essex_schools_in_gias_format(shared_data, capsys):
    folder = shared_data / "boundaries_essex" / "lsoa_2011"
    load("boundaries", sorted(folder.glob("*.geojson")))
    path = shared_data / "schools_essex" / "schools_essex_gias_format.csv"
    call_command("load", "schools", str(path))
    assert School.objects.count() == 665
    tanglewood = School.objects.get(name="Tanglewood Nursery School")
    assert (tanglewood.urn, tanglewood.phase, tanglewood.la_code) == (114698, "Nursery", "881")
    assert (tanglewood.easting, tanglewood.northing) == (569_550, 208_482)
    assert tanglewood.lsoa.code == "E01021596"
    assert School.objects.get(urn=139991).lsoa is None  # RM20 3HR has no coordinates
    assert School.objects.filter(lsoa__isnull=False).count() == 664
    capsys.readouterr()
    call_command("datasets", "--json")
    [listed] = [d for d in json.loads(capsys.readouterr().out) if d["kind"] == "schools"]
    assert (listed["source_file"], listed["rows"]) == (path.name, 665)


def test_real_essex_schools_fall_in_the_lsoas_their_publisher_found(shared_data):
    folder = shared_data / "boundaries_essex" / "lsoa_2011"
    load("boundaries", sorted(folder.glob("*.geojson")))
    path = shared_data / "schools_essex" / "schools_essex.csv"
    load("schools", [path])
    with path.open(encoding="utf-8") as text:
        published = {int(r["URN"]): r["LSOA11CD_point_in_polygon"] for r in csv.DictReader(text)}
    ours = {urn: code or "" for urn, code in School.objects.values_list("urn", "lsoa__code")}
    assert ours == published


def test_real_national_schools_and_the_reduced_list_of_the_same_urns(shared_data):
    national = shared_data / "schools_essex" / "schools_england.csv.gz"
    reduced = next((shared_data / "schools_gias_partial").glob("*.csv"))
    [full, partial] = load("schools", [national, reduced])
    assert full.rows == partial.rows == 22_010
    assert School.objects.count() == 22_010
    aldgate = School.objects.get(urn=100000)
    assert (aldgate.name, aldgate.la_name, aldgate.type_name) == (
        "The Aldgate School", "City of London", "Voluntary aided school")
    assert (aldgate.easting, aldgate.northing) == (533_502, 181_167)
    assert School.objects.filter(easting__isnull=True).count() == 29
