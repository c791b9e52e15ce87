"""Rows with only a postcode, placed from OS Code-Point Open; GP practices from the NHS register."""

import csv
import gzip

import pytest
from django.core.management import CommandError, call_command

from safereach.evidence.importers.base import LoadFailed
from safereach.evidence.importers.postcode_points import PostcodePoints
from safereach.evidence.importers.run import load
from safereach.evidence.models import Place

pytestmark = pytest.mark.django_db

CODE_POINT = """CM1 1QQ,10,570800,206900,E92000001,E19000001,E18000006,E10000012,E07000070,E05004102
CM2 0AB,10,571500,205100,E92000001,E19000001,E18000006,E10000012,E07000070,E05004103
"""
EPRACCUR_HEADER = (
    "OrganisationCode,Name,NationalGrouping,HighLevelHealthGeography,AddressLine1,AddressLine2,"
    "AddressLine3,AddressLine4,AddressLine5,Postcode,OpenDate,CloseDate,StatusCode,"
    "OrganisationSubTypeCode,Commissioner,JoinProviderPurchaserDate,LeftProviderPurchaserDate,"
    "ContactTelephoneNumber,Null1,Null2,Null3,AmendedRecordIndicator,Null4,ProviderPurchaser,Null5,"
    "PrescribingSetting,Null6\n"
)


def _practice(code, name, postcode, status="A", setting="4"):
    return (
        f"{code},{name},Y60,QH8,THE SURGERY,1 HIGH STREET,CHELMSFORD,ESSEX,,{postcode},19740401,,{status},B,"
        f"06Q,20200401,,01245 000000,,,,0,,06Q,,{setting},\n"
    )


@pytest.fixture
def code_point(tmp_path):
    path = tmp_path / "codepoint.csv"
    path.write_text(CODE_POINT)
    return path


def test_postcodes_are_placed_at_their_centres(code_point):
    found = PostcodePoints.read([code_point])
    placed = found.place(["cm1  1qq", "CM2 0AB", "SW1A 1AA", ""])
    assert placed.easting[:2].tolist() == [570800, 571500]
    assert placed.present.tolist() == [True, True, False, False]
    assert 0.4 < placed.lon[0] < 0.5 and 51.7 < placed.lat[0] < 51.8


def test_a_csv_of_places_with_only_postcodes(tmp_path, code_point):
    path = tmp_path / "care-homes.csv"
    path.write_text("Name,Kind,Postcode\nRiverside,care home,CM1 1QQ\nThe Beeches,care home,CM2 0AB\n")
    load("places", [path], options={"postcodes": [code_point]})
    assert dict(Place.objects.values_list("name", "easting")) == {"Riverside": 570800, "The Beeches": 571500}


def test_a_postcode_not_in_the_files_is_a_problem_and_nothing_is_loaded(tmp_path, code_point):
    path = tmp_path / "care-homes.csv"
    path.write_text("Name,Kind,Postcode\nRiverside,care home,CM1 1QQ\nFar Away,care home,SW1A 1AA\n")
    with pytest.raises(LoadFailed) as failed:
        load("places", [path], options={"postcodes": [code_point]})
    assert str(failed.value.problems[0]) == (
        f"{path}:3: Postcode: has no location, and its postcode SW1A 1AA is not in the postcode file given"
    )
    assert not Place.objects.exists()


def test_bad_code_point_files_are_named_line_by_line(tmp_path):
    path = tmp_path / "codepoint.csv"
    path.write_text("CM1 1QQ,10,570800,206900\nNOT A CODE,10,1,2\nCM2 0AB,10,east,206900\nCM3 1AA,10,9e9,1\n")
    with pytest.raises(LoadFailed) as failed:
        PostcodePoints.read([path])
    assert [str(p) for p in failed.value.problems] == [
        f"{path}:2: Postcode: 'NOT A CODE' is not a UK postcode",
        f"{path}:3: Eastings/Northings: 'east', '206900' are not numbers",
        f"{path}:4: Eastings/Northings: 9e+09, 1 is outside Great Britain's grid",
    ]


def test_open_gp_practices_from_the_register_placed_by_postcode(tmp_path, code_point):
    path = tmp_path / "epraccur.csv"
    path.write_text(
        EPRACCUR_HEADER
        + _practice("F81001", "THE LAWNS SURGERY", "CM1 1QQ")
        + _practice("F81002", "CLOSED SURGERY", "CM1 1QQ", status="C")
        + _practice("F81003", "OUT OF HOURS", "CM1 1QQ", setting="2")
        + _practice("A81001", "THE DENSHAM SURGERY", "TS18 1HU")
    )
    outcome = load("places", [path], options={"postcodes": [code_point]})[0]
    place = Place.objects.get()
    assert (place.kind, place.name, place.reference, place.postcode) == (
        "GP practice",
        "The Lawns Surgery",
        "F81001",
        "CM1 1QQ",
    )
    assert place.address == "The Surgery, 1 High Street, Chelmsford, Essex"
    assert "1 not in the postcode files given, left out" in outcome.dataset.name


def test_the_register_without_postcode_files_says_what_to_give(tmp_path):
    path = tmp_path / "epraccur.csv"
    path.write_text(EPRACCUR_HEADER + _practice("F81001", "THE LAWNS SURGERY", "CM1 1QQ"))
    with pytest.raises(CommandError):
        call_command("load", "places", str(path), verbosity=0)
    with pytest.raises(LoadFailed, match="give the OS Code-Point Open files that cover it with --postcodes"):
        load("places", [path])
    assert not Place.objects.exists()


@pytest.mark.shared_data
def test_essex_gp_practices_placed_from_code_point_open(shared_data):
    register = shared_data / "nhs_ods_gp_practices" / "epraccur_2023-12_England_Wales_with_header.csv.gz"
    code_point = (
        shared_data / "os_codepoint_open_essex" / "CodePointOpen_2025-10_Essex_Southend_Thurrock_only.csv.gz"
    )
    call_command("load", "places", str(register), "--postcodes", str(code_point), verbosity=0)
    practices = Place.objects.filter(kind="GP practice")
    # The geocoded extract beside the data counts 209 open Essex GP practices, placed the same way.
    assert practices.count() == 209
    geocoded = (
        shared_data
        / "nhs_ods_gp_practices"
        / "epraccur_Essex_Southend_Thurrock_geocoded_CodePointOpen.csv.gz"
    )
    with gzip.open(geocoded, "rt", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = {
        r["OrganisationCode"]: (float(r["Easting_CodePointOpen"]), float(r["Northing_CodePointOpen"]))
        for r in rows
        if r["StatusCode"] == "A" and r["PrescribingSetting"] == "4"
    }
    for ref, e, n in practices.values_list("reference", "easting", "northing"):
        assert ref in expected
        assert abs(expected[ref][0] - e) < 1 and abs(expected[ref][1] - n) < 1


@pytest.mark.shared_data
def test_the_essex_geocoded_extract_loads_with_its_own_coordinates(shared_data):
    geocoded = (
        shared_data
        / "nhs_ods_gp_practices"
        / "epraccur_Essex_Southend_Thurrock_geocoded_CodePointOpen.csv.gz"
    )
    load("places", [geocoded])
    assert Place.objects.filter(kind="GP practice").count() == 209
