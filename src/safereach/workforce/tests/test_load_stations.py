"""Loading fire and police stations: the Home Office list (CSV or .ods) and generic CSVs."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safereach.evidence.importers.base import LoadFailed
from safereach.evidence.importers.run import load
from safereach.evidence.models import Dataset
from safereach.workforce.models import Station

pytestmark = pytest.mark.django_db

HOME_OFFICE = ("FRS_FULLNAME,E_CODE,STATION_NAME,STATION_ADDRESS,STATION_POSTCODE,"
               "STATION_EASTING,STATION_NORTHING")
CHELMSFORD = ('Essex,E31000015,E34 Chelmsford,"Fire Station, Rainsford Lane, Chelmsford\n",'
              "CM1 2QS,569935,206870")
HARLOW = ('Essex,E31000015,W70 Harlow Central,"Harlow Central Fire Station, Fourth Avenue, '
          'Harlow,\n ",CM20 1DU ,544481,210282')
ELLESMERE = ("Cheshire,E31000006,Ellesmere Port Fire Station,"
             "Wellington Road,CH65 OEZ,339973,375792")
WITHHELD = ("West Sussex,E31000037,Arundel," + ",".join(
    ['"Not available here, but please see https://www.westsussex.gov.uk/"'] * 4))

POLICE = "Name,Address,Postcode,Latitude,Longitude"
HQ = "Chelmsford Police Station,New Street,CM1 1NF,51.7385,0.4710"
GRAYS = "Grays Police Station,Brooke Road,RM17 5BU,51.4777,0.3230"


def write(tmp_path, name, *lines, header=HOME_OFFICE, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join((header,) + lines) + "\n").encode(encoding))
    return path


def problems_of(paths, **options):
    with pytest.raises(LoadFailed) as failed:
        load("stations", paths, options=options)
    return [str(p) for p in failed.value.problems]


def test_home_office_list_gives_fire_stations_with_tidy_addresses(tmp_path):
    [outcome] = load("stations", [write(tmp_path, "ho.csv", CHELMSFORD, HARLOW, ELLESMERE)])
    assert outcome.rows == 3
    chelmsford = Station.objects.get(name="E34 Chelmsford")
    assert chelmsford.service == Station.Service.FIRE
    assert (chelmsford.operator, chelmsford.operator_code) == ("Essex", "E31000015")
    assert chelmsford.address == "Fire Station, Rainsford Lane, Chelmsford"  # newline gone
    assert (chelmsford.easting, chelmsford.northing) == (569_935, 206_870)
    assert chelmsford.lat == pytest.approx(51.7348, abs=1e-3)
    assert chelmsford.lon == pytest.approx(0.4595, abs=1e-3)
    harlow = Station.objects.get(name="W70 Harlow Central")
    assert harlow.address == "Harlow Central Fire Station, Fourth Avenue, Harlow"
    assert harlow.postcode == "CM20 1DU"
    # The letter O typed for a zero in the inward code is put right.
    assert Station.objects.get(name__startswith="Ellesmere").postcode == "CH65 0EZ"
    assert Dataset.objects.get().publisher == "Home Office"


def test_stations_whose_location_the_publisher_withheld_are_counted_but_not_loaded(tmp_path):
    [outcome] = load("stations", [write(tmp_path, "ho.csv", CHELMSFORD, WITHHELD)])
    assert outcome.rows == 2
    assert list(Station.objects.values_list("name", flat=True)) == ["E34 Chelmsford"]
    assert Dataset.objects.get().name == ("Fire and rescue stations, Essex; "
                                          "1 listed without a location, not loaded")


def test_police_stations_with_service_and_operator_from_the_command(tmp_path):
    path = write(tmp_path, "police.csv", HQ, GRAYS, header=POLICE)
    call_command("load", "stations", str(path), "--service", "police",
                 "--publisher", "Essex Police")
    hq = Station.objects.get(name="Chelmsford Police Station")
    assert hq.service == Station.Service.POLICE
    assert hq.operator == "Essex Police"
    assert hq.postcode == "CM1 1NF"
    assert hq.easting == pytest.approx(570_712, abs=2)


def test_service_column_wins_and_option_fills_blanks(tmp_path):
    header = "Service,Force,Force code,Name,Easting,Northing"
    path = write(tmp_path, "mixed.csv", "police,Essex Police,E23000008,Grays,561500,177900",
                 ",Essex Police,E23000008,Harlow,544600,209700", header=header)
    load("stations", [path], options={"service": "other"})
    assert dict(Station.objects.values_list("name", "service")) == {
        "Grays": "police", "Harlow": "other"}
    assert Station.objects.get(name="Grays").operator_code == "E23000008"


def test_a_reload_updates_stations_in_place(tmp_path):
    load("stations", [write(tmp_path, "old.csv", CHELMSFORD, HARLOW)])
    first = Station.objects.get(name="E34 Chelmsford").pk
    load("stations", [write(tmp_path, "new.csv", CHELMSFORD.replace("569935", "569940"))])
    chelmsford = Station.objects.get(name="E34 Chelmsford")
    # The same row, so officers based there keep their base.
    assert chelmsford.pk == first
    assert chelmsford.easting == 569_940
    assert Station.objects.count() == 2
    assert chelmsford.dataset.source_file == "new.csv"


def test_loading_the_same_file_twice_adds_nothing(tmp_path):
    path = write(tmp_path, "ho.csv", CHELMSFORD, HARLOW)
    load("stations", [path])
    [again] = load("stations", [path])
    assert again.unchanged
    assert Station.objects.count() == 2
    assert Dataset.objects.count() == 1


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Essex,E31000015,E21 Wivenhoe,Rectory Road,CO7 9EU,602640",
         "(row): expected 7 fields, found 6"),
        ("Essex,E31000015,,Rectory Road,CO7 9EU,602640,222490", "STATION_NAME: is empty"),
        ("Essex,E3100001,E21 Wivenhoe,Rectory Road,CO7 9EU,602640,222490",
         "E_CODE: 'E3100001' is not an ONS code (a letter and eight digits)"),
        ("Essex,E31000015,E34 Chelmsford,Rectory Road,CO7 9EU,602640,222490",
         "STATION_NAME: duplicate station 'E34 Chelmsford' of Essex (also on line 2)"),
        ("Essex,E31000015,E21 Wivenhoe,Rectory Road,CO7 9EU,,",
         "STATION_EASTING/STATION_NORTHING: has no location"),
        ("Essex,E31000015,E21 Wivenhoe,Rectory Road,CO7 9EU,602640,2224x0",
         "STATION_NORTHING: '2224x0' is not a number"),
        ("Essex,E31000015,E21 Wivenhoe,Rectory Road,CO7 9EU,1602640,222490",
         "STATION_EASTING/STATION_NORTHING: easting 1.60264e+06, northing 222490 is outside "
         "Great Britain's national grid"),
        ("Essex,E31000015,E21 Wivenhoe,Rectory Road,CO7 9EU,51.85,0.96",
         "STATION_EASTING/STATION_NORTHING: easting 51.85, northing 0.96 look like degrees"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_loaded(tmp_path, table_counts, line, expected):
    load("stations", [write(tmp_path, "good.csv", HARLOW)])
    before = table_counts()
    path = write(tmp_path, "bad.csv", CHELMSFORD, line)
    [problem] = problems_of([path])
    # Line 4: Chelmsford's quoted address takes lines 2 and 3.
    assert problem.startswith(f"{path}:4: {expected}")
    assert table_counts() == before


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Grays Police Station,Brooke Road,RM17 5BU,0.3230,51.4777",
         "Longitude/Latitude: latitude 0.323 and longitude 51.4777 look swapped"),
        ("Grays Police Station,Brooke Road,RM17 5BU,48.85,2.35",
         "Longitude/Latitude: longitude 2.35, latitude 48.85 is outside Great Britain"),
    ],
)
def test_bad_locations_in_a_police_file(tmp_path, table_counts, line, expected):
    before = table_counts()
    path = write(tmp_path, "police.csv", HQ, line, header=POLICE)
    [problem] = problems_of([path], service="police")
    assert problem.startswith(f"{path}:3: {expected}")
    assert table_counts() == before


def test_a_file_with_no_service_asks_for_one(tmp_path, table_counts):
    before = table_counts()
    path = write(tmp_path, "police.csv", HQ, header=POLICE)
    assert problems_of([path]) == [
        f"{path}:1: Service: missing column (or give --service fire or --service police for "
        "the whole file)"]
    bad = write(tmp_path, "bad.csv", "ambulance," + HQ, header="Service," + POLICE)
    assert problems_of([bad]) == [
        f"{bad}:2: Service: 'ambulance' is not one of: fire, police, other"]
    assert table_counts() == before


def test_wrong_headers_empty_files_and_wrong_encoding(tmp_path, table_counts):
    before = table_counts()
    no_name = write(tmp_path, "noname.csv", "Brooke Road,51.4,0.3",
                    header="Address,Latitude,Longitude")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write(tmp_path, "header.csv")
    cp1252 = write(tmp_path, "cp1252.csv", CHELMSFORD.replace("Rainsford", "R\xe9insford"),
                   encoding="cp1252")
    problems = problems_of([no_name, empty, header_only, cp1252])
    assert problems[0].startswith(f"{no_name}:1: Name: missing column (expected one of: Name, "
                                  "Station name")
    assert problems[1:] == [
        f"{empty}:1: (file): the file is empty",
        f"{header_only}:2: (file): the file has a header but no rows",
        f"{cp1252}:2: (encoding): byte 0xe9 is not valid utf-8; save the file as UTF-8, or give "
        "its encoding with --encoding (GIAS downloads are often windows-1252)",
    ]
    assert table_counts() == before


def test_command_refuses_an_unknown_service(tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'ambulance'"):
        call_command("load", "stations", str(write(tmp_path, "p.csv", HQ, header=POLICE)),
                     "--service", "ambulance")


@pytest.mark.parametrize("name", ["home_office_fire_stations_england.csv",
                                  "fire-stations-dataset.ods"])
def test_real_home_office_fire_stations(shared_data, capsys, name):
    path = shared_data / "fire_stations" / name
    call_command("load", "stations", str(path))
    assert Station.objects.count() == 1_374  # 1,399 listed; 25 West Sussex without a location
    essex = Station.objects.filter(operator_code="E31000015")
    assert essex.count() == 50
    assert set(essex.values_list("operator", flat=True)) == {"Essex"}
    chelmsford = essex.get(name="E34 Chelmsford")
    assert (chelmsford.easting, chelmsford.northing) == (569_935, 206_870)
    assert chelmsford.postcode == "CM1 2QS"
    assert chelmsford.address == "Fire Station, Rainsford Lane, Chelmsford"
    basildon = essex.get(name="W52 Basildon")
    assert basildon.postcode == "SS14 1EH"  # "SS14 1EH \n  " in the source
    assert "\n" not in "".join(essex.values_list("address", flat=True))
    assert Station.objects.get(name="Bryher").operator_code == "E06000053"
    capsys.readouterr()
    call_command("datasets", "--json")
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["source_file"], listed["rows"]) == (name, 1_399)
    assert listed["publisher"] == "Home Office"
