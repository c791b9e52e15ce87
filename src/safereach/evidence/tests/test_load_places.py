"""Loading vulnerable places: a CSV with name, kind and location; NaPTAN stops."""

import json

import pytest
from django.core.management import call_command

from safereach.areas.models import Area
from safereach.evidence.importers.base import LoadFailed
from safereach.evidence.importers.run import load
from safereach.evidence.models import Dataset, Place

pytestmark = pytest.mark.django_db

HEADER = "Reference,Name,Kind,Address,Postcode,Latitude,Longitude"
CARE_HOME = "CH1,Rainsford House,Care home,1 Rainsford Lane Chelmsford,cm1  2qs,51.7348,0.4595"
HOTEL = "H7,Station Hotel,HOTEL,2 Duke Street Chelmsford,CM1 1HT,51.7365,0.4686"
NO_REF = ",Riverside B&B,B&B,,,51.7300,0.4700"

NAPTAN = ("ATCOCode,NaptanCode,CommonName,Indicator,Street,LocalityName,Easting,Northing,"
          "Longitude,Latitude,StopType,BusStopType,Status")
BUS_STOP = ("150042019003,esxatgjt,Railway Station,Stop A,Duke Street,Chelmsford,570600,207050,"
            ",,BCT,MKD,active")
STATION = "9100CHLMSFD,,Chelmsford Rail Station,,,Chelmsford,570560,207140,,,RLY,,active"
PLATFORM = ("9100CHLMSFD1,,Chelmsford Rail Station,Platform 1,,Chelmsford,570560,207140,,,RPL,,"
            "active")
RETIRED = ("150042019004,esxatgjw,Old Stop,opp,Duke Street,Chelmsford,570610,207060,,,BCT,MKD,"
           "inactive")

JSON_STOPS = [
    {"atcoCode": "15000100106", "commonName": "The Crescent", "indicator": "opp",
     "bearing": "SW", "coordinates": {"latitude": 51.8166922868, "longitude": 0.4981359488},
     "street": "A131", "locality": "Little Leighs"},
    {"atcoCode": "15000100107", "commonName": "The Crescent", "indicator": "adj",
     "coordinates": {"latitude": 51.8164137805, "longitude": 0.4976997481},
     "street": "A131", "locality": "Little Leighs"},
]


def write(tmp_path, name, *lines, header=HEADER, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join((header,) + lines) + "\n").encode(encoding))
    return path


def write_json(tmp_path, name, items):
    path = tmp_path / name
    path.write_text(json.dumps(items, indent=4), encoding="utf-8")
    return path


def problems_of(paths, **options):
    with pytest.raises(LoadFailed) as failed:
        load("places", paths, options=options)
    return [str(p) for p in failed.value.problems]


def test_loads_places_with_kind_postcode_and_both_coordinate_systems(tmp_path):
    [outcome] = load("places", [write(tmp_path, "places.csv", CARE_HOME, HOTEL, NO_REF)])
    assert outcome.rows == 3
    home = Place.objects.get(reference="CH1")
    assert (home.kind, home.name) == ("care home", "Rainsford House")
    assert home.postcode == "CM1 2QS"
    assert home.address == "1 Rainsford Lane Chelmsford"
    assert (home.lat, home.lon) == (51.7348, 0.4595)
    assert home.easting == pytest.approx(569_935, abs=15)  # Chelmsford fire station is there
    assert home.northing == pytest.approx(206_870, abs=15)
    assert Place.objects.get(reference="H7").kind == "hotel"
    assert Place.objects.get(name="Riverside B&B").reference == ""
    assert Dataset.objects.get().name == "Places: care home (1), hotel (1), b&b (1)"


def test_easting_northing_and_a_kind_for_the_whole_file(tmp_path):
    path = write(tmp_path, "homes.csv", "Hill Court,569935,206870", "Elm Lodge,599728,226053",
                 header="Site name,Easting,Northing")
    load("places", [path], options={"place_kind": "Children's home"})
    assert set(Place.objects.values_list("kind", flat=True)) == {"children's home"}
    elm = Place.objects.get(name="Elm Lodge")
    assert elm.lat == pytest.approx(51.8972, abs=1e-3)
    assert elm.lon == pytest.approx(0.9015, abs=1e-3)


def test_place_kind_fills_rows_whose_kind_is_blank(tmp_path):
    load("places", [write(tmp_path, "p.csv", CARE_HOME, HOTEL.replace("HOTEL", ""))],
         options={"place_kind": "hostel"})
    assert sorted(Place.objects.values_list("kind", flat=True)) == ["care home", "hostel"]


def test_places_are_linked_to_the_lsoa_containing_them(tmp_path):
    square = {"type": "Polygon", "coordinates": [[[0.45, 51.73], [0.46, 51.73], [0.46, 51.74],
                                                  [0.45, 51.74], [0.45, 51.73]]]}
    lsoa = Area.objects.create(code="E01021596", name="Chelmsford 001A", level="lsoa",
                               vintage=2011, geometry=json.dumps(square))
    load("places", [write(tmp_path, "p.csv", CARE_HOME, HOTEL)])
    assert Place.objects.get(reference="CH1").lsoa == lsoa
    assert Place.objects.get(reference="H7").lsoa is None


def test_naptan_stops_csv_takes_its_kind_from_the_stop_type(tmp_path):
    path = write(tmp_path, "Stops.csv", BUS_STOP, STATION, PLATFORM, RETIRED, header=NAPTAN)
    [outcome] = load("places", [path])
    assert outcome.rows == 4  # rows in the file; the platform and the retired stop are skipped
    stop = Place.objects.get(reference="150042019003")
    assert (stop.kind, stop.name, stop.address) == (
        "bus stop", "Railway Station (Stop A)", "Duke Street, Chelmsford")
    assert (stop.easting, stop.northing) == (570_600, 207_050)
    assert stop.lat == pytest.approx(51.7359, abs=1e-3)
    assert Place.objects.get(reference="9100CHLMSFD").kind == "rail station"
    assert Place.objects.count() == 2


def test_reduced_naptan_json_is_bus_stops(tmp_path):
    load("places", [write_json(tmp_path, "stops.json", JSON_STOPS)])
    crescent = Place.objects.get(reference="15000100106")
    assert (crescent.kind, crescent.name, crescent.address) == (
        "bus stop", "The Crescent (opp)", "A131, Little Leighs")
    assert (crescent.lat, crescent.lon) == (51.8166922868, 0.4981359488)


def test_a_new_load_replaces_places_by_kind_and_reference(tmp_path):
    load("places", [write(tmp_path, "old.csv", CARE_HOME, HOTEL, NO_REF)])
    load("places", [write(tmp_path, "new.csv", CARE_HOME.replace("Rainsford House", "Rainsford"),
                          NO_REF)])
    assert sorted(Place.objects.values_list("name", flat=True)) == [
        "Rainsford", "Riverside B&B", "Station Hotel"]
    # A place of another kind with the same reference is another place.
    load("places", [write(tmp_path, "stops.csv", CARE_HOME.replace("Care home", "hostel"))])
    assert Place.objects.filter(reference="CH1").count() == 2


def test_loading_the_same_file_twice_adds_nothing(tmp_path):
    path = write(tmp_path, "places.csv", CARE_HOME, HOTEL)
    load("places", [path])
    [again] = load("places", [path])
    assert again.unchanged
    assert Place.objects.count() == 2
    assert Dataset.objects.count() == 1


@pytest.mark.parametrize(
    "line, expected",
    [
        ("CH9,Holly House,Care home,,,51.7348", "(row): expected 7 fields, found 6"),
        ("CH9,,Care home,,,51.7348,0.4595", "Name: is empty"),
        ("CH9,Holly House,,,,51.7348,0.4595",
         "Kind: is empty (give a kind, or --place-kind for rows without one)"),
        ("CH1,Holly House,Care home,,,51.7348,0.4595",
         "Reference: duplicate reference 'CH1' for a care home (also on line 2)"),
        ("CH9,Holly House,Care home,,,,", "Longitude/Latitude: has no location"),
        ("CH9,Holly House,Care home,,,51.7348,", "Longitude/Latitude: has only one of longitude "
                                                 "and latitude"),
        ("CH9,Holly House,Care home,,,north,0.4595", "Latitude: 'north' is not a number"),
        ("CH9,Holly House,Care home,,,48.85,2.35",
         "Longitude/Latitude: longitude 2.35, latitude 48.85 is outside Great Britain"),
        ("CH9,Holly House,Care home,,,0.4595,51.7348",
         "Longitude/Latitude: latitude 0.4595 and longitude 51.7348 look swapped"),
        ("CH9,Holly House,Care home,,CM1 2Q,51.7348,0.4595",
         "Postcode: 'CM1 2Q' is not a UK postcode"),
        (f"CH9,{'H' * 201},Care home,,,51.7348,0.4595", "Name: is 201 characters long"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_loaded(tmp_path, table_counts, line, expected):
    load("places", [write(tmp_path, "good.csv", HOTEL)])
    before = table_counts()
    path = write(tmp_path, "bad.csv", CARE_HOME, line)
    [problem] = problems_of([path])
    assert problem.startswith(f"{path}:3: {expected}")
    assert table_counts() == before


@pytest.mark.parametrize(
    "header, expected",
    [
        ("Reference,Title,Kind,Address,Postcode,Latitude,Longitude",
         "1: Name: missing column (expected one of: Name, Place name"),
        ("Reference,Name,Sort,Address,Postcode,Latitude,Longitude",
         "1: Kind: missing column (expected one of: Kind, Place kind"),
        ("Reference,Name,Kind,Address,Postcode,Lat,Where",
         "1: Longitude: missing column (the header has 'Lat' but none of: Longitude, Lon"),
        ("Reference,Name,Kind,Address,Postcode,Y,X",
         "1: Longitude/Latitude: missing columns (expected Latitude and Longitude, or Easting "
         "and Northing; the header has: Reference, Name, Kind, Address, Postcode, Y, X)"),
    ],
)
def test_wrong_headers_are_named(tmp_path, table_counts, header, expected):
    before = table_counts()
    path = write(tmp_path, "bad.csv", CARE_HOME, header=header)
    [problem] = problems_of([path])
    assert problem.startswith(f"{path}:{expected}")
    assert table_counts() == before


def test_naptan_json_problems_name_the_line_of_the_stop(tmp_path, table_counts):
    before = table_counts()
    bad = [JSON_STOPS[0], {**JSON_STOPS[1], "atcoCode": "",
                           "coordinates": {"latitude": 0.49, "longitude": 51.81}}]
    path = write_json(tmp_path, "stops.json", bad)
    assert problems_of([path]) == [
        f"{path}:14: atcoCode: is missing or empty",
        f"{path}:14: coordinates.longitude/coordinates.latitude: latitude 0.49 and longitude "
        "51.81 look swapped (latitude should be about 50 to 61 in Great Britain)",
    ]
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"atcoCode": "1"},\n  {"atcoCode": \n]\n', encoding="utf-8")
    [problem] = problems_of([broken])
    assert problem.startswith(f"{broken}:4: (json): not valid JSON: Expecting value")
    assert table_counts() == before


def test_empty_header_only_and_wrongly_encoded_files(tmp_path, table_counts):
    before = table_counts()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write(tmp_path, "header.csv")
    cp1252 = write(tmp_path, "cp1252.csv", CARE_HOME, HOTEL.replace("Station", "Caf\xe9"),
                   encoding="cp1252")
    assert problems_of([empty, header_only, cp1252]) == [
        f"{empty}:1: (file): the file is empty",
        f"{header_only}:2: (file): the file has a header but no rows",
        f"{cp1252}:3: (encoding): byte 0xe9 is not valid utf-8; save the file as UTF-8, or give "
        "its encoding with --encoding (GIAS downloads are often windows-1252)",
    ]
    assert table_counts() == before


def test_real_naptan_bus_stops_around_chelmsford(shared_data, capsys):
    path = shared_data / "poi_essex" / "naptan_bus_stops_chelmsford_area.json"
    call_command("load", "places", str(path))
    assert Place.objects.filter(kind="bus stop").count() == 678
    crescent = Place.objects.get(reference="15000100106")
    assert crescent.name == "The Crescent (opp)"
    assert (crescent.lat, crescent.lon) == (51.8166922868, 0.4981359488)
    assert crescent.easting == pytest.approx(572_287, abs=2)
    assert crescent.northing == pytest.approx(216_069, abs=2)
    capsys.readouterr()
    call_command("datasets", "--json")
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["source_file"], listed["rows"]) == (path.name, 678)
