"""Loading ONS geography lookups: LSOA → ward → district."""

import gzip
import json

import pytest
from django.core.management import call_command

from safereach.areas.models import Area
from safereach.evidence.importers.base import LoadFailed
from safereach.evidence.importers.run import load
from safereach.evidence.models import Dataset

pytestmark = pytest.mark.django_db

HEADER = "FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM"
BELFAIRS = [
    "3801,E01015816,Southend-on-Sea 003C,E05002212,Belfairs,E06000033,Southend-on-Sea",
    "3803,E01015814,Southend-on-Sea 003A,E05002212,Belfairs,E06000033,Southend-on-Sea",
]
ST_ANDREWS = "10464,E01021596,Chelmsford 006E,E05004111,St Andrews,E07000070,Chelmsford"


def write(tmp_path, name, *lines, header=HEADER, compress=False):
    text = "\n".join((header,) + lines) + "\n"
    path = tmp_path / name
    if compress:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(paths):
    with pytest.raises(LoadFailed) as failed:
        load("lookups", paths)
    return [str(p) for p in failed.value.problems]


def test_creates_the_areas_with_names_and_links(tmp_path):
    [outcome] = load("lookups", [write(tmp_path, "lu.csv.gz", *BELFAIRS, ST_ANDREWS,
                                       compress=True)])
    assert outcome.rows == 3
    lsoa = Area.objects.get(code="E01015814")
    assert (lsoa.name, lsoa.level, lsoa.vintage, lsoa.geometry) == (
        "Southend-on-Sea 003A", "lsoa", 2011, "")
    assert (lsoa.parent.code, lsoa.parent.name, lsoa.parent.level, lsoa.parent.vintage) == (
        "E05002212", "Belfairs", "ward", 2019)
    assert lsoa.district.code == "E06000033"
    ward = lsoa.parent
    assert ward.parent == ward.district == lsoa.district
    assert (ward.district.name, ward.district.level) == ("Southend-on-Sea", "district")
    assert Area.objects.count() == 3 + 2 + 2
    assert Dataset.objects.get().name == "LSOA (2011) → ward (2019) → district (2019) lookup"


def test_links_areas_loaded_from_boundaries_without_touching_their_geometry(tmp_path):
    square = json.dumps({"type": "Polygon", "coordinates": [[[0.6, 51.5], [0.7, 51.5],
                                                             [0.7, 51.6], [0.6, 51.5]]]})
    drawn = Area.objects.create(code="E01015814", name="Southend-on-Sea 003A", level="lsoa",
                                vintage=2011, geometry=square, area_km2=0.23)
    load("lookups", [write(tmp_path, "lu.csv", *BELFAIRS)])
    drawn.refresh_from_db()
    assert (drawn.geometry, drawn.area_km2, drawn.dataset) == (square, 0.23, None)
    assert drawn.parent.code == "E05002212"
    assert Area.objects.filter(code="E01015814").count() == 1


def test_a_ward_file_with_a_row_per_electoral_division_links_each_ward_once(tmp_path):
    header = "FID,WD19CD,WD19NM,LAD19CD,LAD19NM,CTY19CD,CTY19NM,CED19CD,CED19NM"
    ward = "E05004111,St Andrews,E07000070,Chelmsford,E10000012,Essex"
    rows = [f"1,{ward},E58000420,Chelmsford North ED", f"2,{ward},E58000421,Chelmsford West ED"]
    [outcome] = load("lookups", [write(tmp_path, "wards.csv", *rows, header=header)])
    assert outcome.rows == 2
    ward = Area.objects.get(code="E05004111")
    assert (ward.parent.code, ward.district.code, ward.parent.name) == (
        "E07000070", "E07000070", "Chelmsford")
    assert Area.objects.count() == 2  # counties and divisions are not areas here


def test_any_year_is_read_and_an_lsoa_to_district_file_sets_no_parent(tmp_path):
    header = "lsoa21cd,lsoa21nm,lad22cd,lad22nm"
    load("lookups", [write(tmp_path, "lu.csv", "E01034000,Chelmsford 020F,E07000070,Chelmsford",
                           header=header)])
    lsoa = Area.objects.get(code="E01034000")
    assert (lsoa.vintage, lsoa.parent, lsoa.district.code, lsoa.district.vintage) == (
        2021, None, "E07000070", 2022)


def test_a_name_is_not_erased_and_an_earlier_vintage_is_kept(tmp_path):
    load("lookups", [write(tmp_path, "a.csv", *BELFAIRS)])
    load("lookups", [write(tmp_path, "b.csv", "E05002212,E06000033",
                           header="WD25CD,LAD25CD")])
    ward = Area.objects.get(code="E05002212")
    assert (ward.name, ward.vintage) == ("Belfairs", 2019)


def test_loading_the_same_file_twice_adds_nothing(tmp_path, capsys):
    path = write(tmp_path, "lu.csv", *BELFAIRS)
    call_command("load", "lookups", str(path))
    call_command("load", "lookups", str(path))
    assert "already loaded" in capsys.readouterr().out
    assert Area.objects.count() == 4
    assert Dataset.objects.count() == 1


@pytest.mark.parametrize("lines, expected", [
    (["1,E0101581,Southend-on-Sea 003A,E05002212,Belfairs,E06000033,Southend-on-Sea"],
     "3: LSOA11CD: 'E0101581' is not an LSOA code (E01, W01, S01 and six digits)"),
    (["1,E02001234,Southend-on-Sea 003A,E05002212,Belfairs,E06000033,Southend-on-Sea"],
     "3: LSOA11CD: 'E02001234' is not an LSOA code (E01, W01, S01 and six digits)"),
    (["1,E01015815,Southend-on-Sea 003B,E05002212,Belfairs,E10000012,Essex"],
     "3: LAD19CD: 'E10000012' is not a district code (E06, E07, E08, E09, W06, S12, N09 "
     "and six digits)"),
    (["1,E01015815,Southend-on-Sea 003B,,Belfairs,E06000033,Southend-on-Sea"],
     "3: WD19CD: is empty"),
    (["1,E01015815,Southend-on-Sea 003B,E05002213,Blenheim Park,E06000033,Southend-on-Sea",
      "2,E01015815,Southend-on-Sea 003B,E05002212,Belfairs,E06000033,Southend-on-Sea"],
     "4: WD19CD: E01015815 is in E05002212 here but in E05002213 on line 3"),
    (["1,E01015815,Southend-on-Sea 003B,E05002212,Belfairs,E06000033"],
     "3: (row): expected 7 fields, found 6"),
])
def test_bad_rows_are_named_and_nothing_is_loaded(tmp_path, table_counts, lines, expected):
    load("lookups", [write(tmp_path, "good.csv", ST_ANDREWS)])
    before = table_counts()
    path = write(tmp_path, "bad.csv", BELFAIRS[0], *lines)
    assert problems_of([path])[0] == f"{path}:{expected}"
    assert table_counts() == before


@pytest.mark.parametrize("header, expected", [
    ("FID,MSOA11CD,MSOA11NM",
     "1: (header): no LSOA, ward or district code column (expected ONS names such as LSOA11CD, "
     "WD19CD, LAD19CD; the header has: FID, MSOA11CD, MSOA11NM)"),
    ("LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM",
     "1: (header): has LSOA codes of more than one year (LSOA11CD, LSOA21CD); a lookup links "
     "one LSOA, ward and district set"),
])
def test_a_file_that_is_not_a_lookup_is_refused(tmp_path, table_counts, header, expected):
    before = table_counts()
    path = write(tmp_path, "bad.csv", "E02000001,x,E02000002", header=header)
    assert problems_of([path]) == [f"{path}:{expected}"]
    assert table_counts() == before


def test_header_only_and_empty_files(tmp_path, table_counts):
    before = table_counts()
    header_only = write(tmp_path, "header.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert problems_of([header_only, empty]) == [
        f"{header_only}:2: (file): the file has a header but no rows",
        f"{empty}:1: (file): the file is empty"]
    assert table_counts() == before


def test_real_national_lsoa_ward_district_lookup(shared_data, capsys):
    path = shared_data / "geography_lookups" / "LSOA11_WD19_LAD19_EW_LU.csv.gz"
    call_command("load", "lookups", str(path))
    with gzip.open(path, "rt", encoding="utf-8") as text:
        rows = sum(1 for _ in text) - 1
    assert rows == 34_753
    assert Area.objects.filter(level="lsoa", vintage=2011).count() == 34_753
    belfairs = Area.objects.get(code="E05002212")
    assert (belfairs.name, belfairs.district.code, belfairs.district.name) == (
        "Belfairs", "E06000033", "Southend-on-Sea")
    chelmsford_006e = Area.objects.get(code="E01021596")
    assert (chelmsford_006e.parent.name, chelmsford_006e.district.name) == (
        "St Andrews", "Chelmsford")
    # Essex: the 14 districts of the police and fire area hold 1,077 LSOAs.
    essex = ["E06000033", "E06000034", *(f"E070000{n}" for n in range(66, 78))]
    assert Area.objects.filter(level="lsoa", district__code__in=essex).count() == 1_077
    capsys.readouterr()
    call_command("datasets", "--json")
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["source_file"], listed["rows"]) == (path.name, rows)


def test_real_ward_district_county_lookup(shared_data):
    path = shared_data / "geography_lookups" / "WD19_LAD19_CTY19_CED19_EN_LU.csv"
    [outcome] = load("lookups", [path])
    assert outcome.rows == 5_575 == len(path.read_text().splitlines()) - 1
    winslow = Area.objects.get(code="E05010364")
    assert (winslow.name, winslow.parent.code, winslow.parent.name) == (
        "Winslow", "E07000004", "Aylesbury Vale")


def test_an_lsoa_to_msoa_lookup_sets_each_lsoas_msoa(tmp_path):
    # ONS "OA to LSOA to MSOA to LAD": several output areas per LSOA, read past.
    header = "OA11CD,LSOA11CD,LSOA11NM,MSOA11CD,MSOA11NM,LAD11CD,LAD11NM"
    rows = ["E00120001,E01021596,Chelmsford 006E,E02004463,Chelmsford 006,E07000070,Chelmsford",
            "E00120002,E01021596,Chelmsford 006E,E02004463,Chelmsford 006,E07000070,Chelmsford",
            "E00120003,E01021597,Chelmsford 006F,E02004463,Chelmsford 006,E07000070,Chelmsford"]
    load("lookups", [write(tmp_path, "lsoa_ward.csv", ST_ANDREWS)])
    [outcome] = load("lookups", [write(tmp_path, "msoa.csv", *rows, header=header)])
    lsoa = Area.objects.get(code="E01021596")
    assert (lsoa.msoa_code, lsoa.parent.name, lsoa.district.code) == (
        "E02004463", "St Andrews", "E07000070")  # the ward link is kept
    assert Area.objects.get(code="E01021597").msoa_code == "E02004463"
    assert Area.objects.get(code="E07000070").msoa_code is None
    assert outcome.dataset.name == (
        "LSOA (2011) → district (2011) lookup, with each LSOA's MSOA (2011)")
    # A later lookup without MSOAs leaves them as they are.
    load("lookups", [write(tmp_path, "again.csv", ST_ANDREWS.replace("10464", "1"))])
    assert Area.objects.get(code="E01021596").msoa_code == "E02004463"


@pytest.mark.parametrize("lines, expected", [
    (["E01021597,E0200446"], "3: MSOA11CD: 'E0200446' is not an MSOA code (E02, W02 or S02 and six digits)"),
    (["E01021597,"], "3: MSOA11CD: is empty"),
    (["E01021596,E02004464"], "3: MSOA11CD: E01021596 is in E02004464 here but in E02004463 on line 2"),
])
def test_bad_msoa_codes_are_named_and_nothing_is_loaded(tmp_path, table_counts, lines, expected):
    before = table_counts()
    path = write(tmp_path, "bad.csv", "E01021596,E02004463", *lines, header="LSOA11CD,MSOA11CD")
    assert problems_of([path]) == [f"{path}:{expected}"]
    assert table_counts() == before


OAC_HEADER = ("OA11CD,OAC11CD,OAC11NM,LSOA11CD,LSOA11NM,MSOA11CD,MSOA11NM,LAD17CD,LAD17NM,"
              "CTRY11NM")
OAC_ROWS = [
    "E00120001,7d1,Ageing Communities and Families,E01021596,Chelmsford 006E,E02004463,"
    "Chelmsford 006,E07000070,Chelmsford,England",
    "E00120002,8a2,Hard-Pressed Ageing Workers,E01021596,Chelmsford 006E,E02004463,"
    "Chelmsford 006,E07000070,Chelmsford,England",
    "E00120003,8b1,Industrious Transitions,E01021596,Chelmsford 006E,E02004463,"
    "Chelmsford 006,E07000070,Chelmsford,England",
    # Great Britain files carry Scotland's data zones and intermediate zones in the same columns.
    "S00088956,1a1,Rural Workers and Families,S01006506,Culter - 01,S02001236,Culter,"
    "S12000033,Aberdeen City,Scotland",
]


def test_an_output_area_lookup_with_classifications_gives_each_lsoas_supergroups(tmp_path):
    from safereach.evidence.models import OutputAreaClassification

    [outcome] = load("lookups", [write(tmp_path, "oa.csv", *OAC_ROWS, header=OAC_HEADER)])
    chelmsford = OutputAreaClassification.objects.get(lsoa_code="E01021596")
    assert (chelmsford.output_areas, chelmsford.supergroups) == (3, {"7": 1, "8": 2})
    assert OutputAreaClassification.objects.get(lsoa_code="S01006506").supergroups == {"1": 1}
    assert Area.objects.get(code="S01006506").msoa_code == "S02001236"
    assert Area.objects.get(code="E01021596").district.code == "E07000070"
    assert outcome.dataset.name.endswith("and the 2011 Output Area Classification")
    # A newer classification of the same LSOA replaces the old one.
    load("lookups", [write(tmp_path, "again.csv", OAC_ROWS[0], header=OAC_HEADER)])
    assert OutputAreaClassification.objects.get(lsoa_code="E01021596").supergroups == {"7": 1}


@pytest.mark.parametrize("code, expected", [
    ("9z1", "'9z1' is not an Output Area Classification code (a digit 1-8, a letter and a digit, "
            "as 7d1)"),
    ("", "is empty"),
])
def test_bad_classification_codes_are_named_and_nothing_is_loaded(tmp_path, table_counts, code, expected):
    before = table_counts()
    bad = OAC_ROWS[1].replace("8a2", code)
    path = write(tmp_path, "bad.csv", OAC_ROWS[0], bad, header=OAC_HEADER)
    assert problems_of([path]) == [f"{path}:3: OAC11CD: {expected}"]
    assert table_counts() == before
