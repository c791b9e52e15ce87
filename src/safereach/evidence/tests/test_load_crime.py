"""Loading data.police.uk street-level crime."""

import gzip
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safereach.areas.models import Area
from safereach.evidence.importers.base import LoadFailed
from safereach.evidence.importers.run import load
from safereach.evidence.models import Dataset, Incident

pytestmark = pytest.mark.django_db

HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")
GOOD = ("abc123,2018-01,Essex Police,Essex Police,0.454764,51.749376,On or near High Street,"
        "E01021596,Chelmsford 001A,Burglary,Under investigation,")
ASB = (",2018-01,Essex Police,Essex Police,0.471000,51.751000,On or near Market Road,"
       "E01021596,Chelmsford 001A,Anti-social behaviour,,")


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
        load("crime", paths)
    return [str(p) for p in failed.value.problems]


def test_loads_rows_with_both_coordinate_systems(tmp_path):
    path = write(tmp_path, "2018-01-test-street.csv", GOOD, ASB)
    [outcome] = load("crime", [path])
    assert outcome.rows == 2
    burglary = Incident.objects.get(category="Burglary")
    assert burglary.month == date(2018, 1, 1)
    assert burglary.reference == "abc123"
    assert burglary.reported_lsoa_code == "E01021596"
    assert (burglary.lon, burglary.lat) == (0.454764, 51.749376)
    # GIAS places Tanglewood Nursery School, Chelmsford, at this point: E 569550, N 208482.
    assert burglary.easting == pytest.approx(569_550, abs=2)
    assert burglary.northing == pytest.approx(208_482, abs=2)
    assert Incident.objects.get(category="Anti-social behaviour").reference == ""


def test_links_incidents_to_the_lsoa_containing_them_not_the_code_given(tmp_path):
    # A square LSOA (2021 codes) around the first point only.
    square = {"type": "Polygon", "coordinates": [[[0.45, 51.74], [0.46, 51.74], [0.46, 51.7495],
                                                  [0.45, 51.7495], [0.45, 51.74]]]}
    lsoa = Area.objects.create(code="E01034000", name="Test 001Z", level="lsoa", vintage=2021,
                               geometry=json.dumps(square))
    load("crime", [write(tmp_path, "a.csv", GOOD, ASB)])
    assert Incident.objects.get(category="Burglary").lsoa21 == lsoa
    assert Incident.objects.get(category="Anti-social behaviour").lsoa21 is None
    assert Incident.objects.get(category="Burglary").lsoa is None  # no 2011 boundaries loaded


def test_accepts_lower_snake_case_headers_and_gzip(tmp_path):
    snake = ("crime_id,month,reported_by,falls_within,longitude,latitude,location,lsoa_code,"
             "lsoa_name,crime_type,last_outcome_category,context")
    path = write(tmp_path, "snake.csv.gz", GOOD, header=snake, compress=True)
    load("crime", [path])
    assert Incident.objects.get().category == "Burglary"


def test_row_without_location_is_kept_without_coordinates(tmp_path):
    no_location = "x1,2018-01,Essex Police,Essex Police,,,No Location,,,Other crime,,"
    load("crime", [write(tmp_path, "a.csv", no_location)])
    incident = Incident.objects.get()
    assert incident.lon is None and incident.easting is None and incident.lsoa is None


def test_loading_the_same_file_twice_adds_nothing(tmp_path):
    path = write(tmp_path, "a.csv", GOOD, ASB)
    load("crime", [path])
    [again] = load("crime", [path])
    assert again.unchanged
    assert Incident.objects.count() == 2
    assert Dataset.objects.count() == 1


def test_a_revised_file_for_the_same_force_and_month_replaces_the_old_rows(tmp_path):
    load("crime", [write(tmp_path, "old.csv", GOOD, ASB)])
    load("crime", [write(tmp_path, "new.csv", GOOD)])
    assert Incident.objects.count() == 1
    assert list(Dataset.objects.values_list("source_file", flat=True)) == ["new.csv"]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("abc,2018-13,Essex Police,Essex Police,0.47,51.73,x,E01021596,n,Burglary,,",
         "2: Month: '2018-13' is not a month (YYYY-MM)"),
        ("abc,2018-01,Essex Police,Essex Police,0.47,51.73,x,E01021596,n,,,",
         "2: Crime type: is empty"),
        ("abc,2018-01,Essex Police,Essex Police,0.47,51.73,x,E0102159,n,Burglary,,",
         "2: LSOA code: 'E0102159' is not an LSOA code (E01 or W01 and six digits)"),
        ("abc,2018-01,Essex Police,Essex Police,0.47,51.73,x,E01021596,n,Burglary",
         "2: (row): expected 12 fields, found 10"),
        ("abc,2018-01,Essex Police,Essex Police,east,51.73,x,E01021596,n,Burglary,,",
         "2: Longitude: 'east' is not a number"),
        ("abc,2018-01,Essex Police,Essex Police,0.47,,x,E01021596,n,Burglary,,",
         "2: Longitude/Latitude: has only one of longitude and latitude"),
        ("abc,2018-01,Essex Police,Essex Police,2.35,48.85,x,E01021596,n,Burglary,,",
         "2: Longitude/Latitude: longitude 2.35, latitude 48.85 is outside Great Britain"),
        ("abc,2018-01,Essex Police,Essex Police,51.73,0.47,x,E01021596,n,Burglary,,",
         "2: Longitude/Latitude: latitude 0.47 and longitude 51.73 look swapped"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_loaded(tmp_path, table_counts, line, expected):
    load("crime", [write(tmp_path, "good.csv", GOOD)])
    before = table_counts()
    path = write(tmp_path, "bad.csv", ASB, line)
    [problem] = problems_of([path])
    assert problem.startswith(f"{path}:{expected.replace('2:', '3:', 1)}")
    assert table_counts() == before


def test_missing_column_names_what_the_header_has(tmp_path, table_counts):
    before = table_counts()
    path = write(tmp_path, "bad.csv", "x,2018-01", header="Crime ID,Month")
    problems = problems_of([path])
    assert f"{path}:1: Longitude: missing column" in problems[0]
    assert "the header has: Crime ID, Month" in problems[0]
    assert len(problems) == 4  # Longitude, Latitude, LSOA code, Crime type
    assert table_counts() == before


def test_empty_file_and_header_only_file(tmp_path, table_counts):
    before = table_counts()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write(tmp_path, "header.csv")
    problems = problems_of([empty, header_only])
    assert problems == [f"{empty}:1: (file): the file is empty",
                        f"{header_only}:2: (file): the file has a header but no rows"]
    assert table_counts() == before


def test_wrong_encoding_names_the_line(tmp_path, table_counts):
    before = table_counts()
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "\n" + GOOD + "\n" + GOOD.replace("High Street", "Caf\xe9 Row")
                      + "\n").encode("cp1252"))
    [problem] = problems_of([path])
    assert problem.startswith(f"{path}:3: (encoding): byte 0xe9 is not valid utf-8")
    assert table_counts() == before


def test_one_bad_file_stops_every_file_in_the_load(tmp_path, table_counts):
    before = table_counts()
    good = write(tmp_path, "good.csv", GOOD)
    bad = write(tmp_path, "bad.csv", GOOD.replace("2018-01", "Jan 2018"))
    problems_of([good, bad])
    assert table_counts() == before


def test_command_prints_problems_and_exits_non_zero(tmp_path, capsys, table_counts):
    before = table_counts()
    lines = [GOOD.replace("2018-01", f"2018-{n}") for n in range(13, 73)]  # 60 bad months
    path = write(tmp_path, "many.csv", *lines)
    with pytest.raises(CommandError, match="60 problems found; nothing was loaded"):
        call_command("load", "crime", str(path))
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{path}:2: Month: '2018-13' is not a month (YYYY-MM)"
    assert err[49] == f"{path}:51: Month: '2018-62' is not a month (YYYY-MM)"
    assert err[50] == "… and 10 more problems"
    assert table_counts() == before


def test_real_essex_months(shared_data, capsys):
    folder = shared_data / "police_uk_street_crime_essex"
    call_command("load", "crime", str(folder / "2018-01-essex-street.csv.gz"),
                 str(folder / "2024-04-essex-street.csv.gz"))
    jan = Incident.objects.filter(month=date(2018, 1, 1))
    assert jan.count() == 14_786
    assert jan.filter(category="Criminal damage and arson").count() == 1_311
    assert jan.filter(category="Anti-social behaviour", reference="").count() == 3_420
    april = Incident.objects.filter(month=date(2024, 4, 1))
    assert april.filter(category="Violence and sexual offences").count() == 4_830
    assert april.filter(lon__isnull=True).count() == 614  # published without a location
    assert april.filter(reported_lsoa_code="E01034354").exists()  # a 2021-only LSOA code
    capsys.readouterr()
    call_command("datasets", "--json")
    listed = {d["source_file"]: d["rows"] for d in json.loads(capsys.readouterr().out)}
    assert listed == {"2018-01-essex-street.csv.gz": 14_786, "2024-04-essex-street.csv.gz": 12_875}
