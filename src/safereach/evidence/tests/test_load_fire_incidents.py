"""Loading a fire service's incident CSV through a column mapping."""

import json
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safereach.evidence.importers.base import LoadFailed
from safereach.evidence.importers.run import load
from safereach.evidence.models import Dataset, Incident

pytestmark = pytest.mark.django_db

# The LFB animal-rescue columns the built-in mapping reads, with one of its £ headers.
ANIMAL = ("IncidentNumber,DateTimeOfCall,HourlyNotionalCost(£),PropertyCategory,Ward,Borough,"
          "Easting_m,Northing_m,Easting_rounded,Northing_rounded")
DOG = "139091,01/01/2009 03:01,255,Dwelling,Crystal Palace & Upper Norwood,Croydon,,,532350,170050"
FOX = ("275091,15/07/2015 08:51,260,Outdoor Structure,Woodside,Croydon,534785.0,167546.0,"
       "534750,167550")
CAT = "1000,02/02/2016 10:00,298,Dwelling,Woodside,Croydon,NULL,NULL,534750,167550"

# LFB's main "Incident records" schema, as the `lfb` mapping reads it.
RECORDS = ("IncidentNumber,DateOfCall,CalYear,TimeOfCall,IncidentGroup,StopCodeDescription,"
           "PropertyCategory,PropertyType,IncGeo_WardName,ProperCase,Easting_m,Northing_m,"
           "Easting_rounded,Northing_rounded,Notional Cost (£)")
PRIMARY = ("000008-01012017,01 Jan 2017,2017,00:02:43,Fire,Primary Fire,Dwelling,"
           "House - single occupancy,Woodside,Croydon,NULL,NULL,534750,167550,328")
MALICIOUS = ("000019-01012017,01 Jan 2017,2017,00:10:10,False Alarm,False alarm - Malicious,"
             "Outdoor,Park,Woodside,Croydon,534785,167546,534750,167550,328")

CUSTOM = """\
service = "Essex County Fire and Rescue Service"
reference = "Incident ref"
category = "Type"
property_type = { columns = ["Property", "Property detail"], join = ": " }
location_text = "Town"

[occurred_at]
columns = ["Date", "Time"]
format = "%Y-%m-%d %H:%M"

[deliberate]
column = "Motive"
deliberate = ["Deliberate", "Deliberate - others property"]
accidental = ["Accidental"]
unknown = ["Not known"]

[[location]]
longitude = "Lon"
latitude = "Lat"
"""
CUSTOM_HEADER = "Incident ref,Date,Time,Type,Property,Property detail,Town,Motive,Lon,Lat"
ARSON = ("ECF-1,2024-03-05,21:15,Secondary fire,Outdoor,Grassland,Chelmsford,Deliberate,"
         "0.4595,51.7348")
CHIP_PAN = "ECF-2,2024-03-06,18:00,Primary fire,Dwelling,,Colchester,accidental,0.9015,51.8972"
UNKNOWN = "ECF-3,2024-03-07,09:30,Primary fire,Road Vehicle,Car,Harlow,Not known,,"


def write(tmp_path, name, *lines, header=ANIMAL, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join((header,) + lines) + "\n").encode(encoding))
    return path


def mapping(tmp_path, text=CUSTOM, name="essex.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(paths, **options):
    with pytest.raises(LoadFailed) as failed:
        load("fire-incidents", paths, options=options)
    return [str(p) for p in failed.value.problems]


def test_lfb_animal_rescue_mapping_is_found_from_the_header(tmp_path):
    [outcome] = load("fire-incidents", [write(tmp_path, "animals.csv", DOG, FOX, CAT)])
    assert outcome.rows == 3
    fox = Incident.objects.get(reference="275091")
    assert fox.source == Incident.Source.FIRE
    assert fox.reported_by == "London Fire Brigade"
    assert fox.category == "Animal rescue"
    assert fox.property_type == "Outdoor Structure"
    assert fox.location == "Woodside, Croydon"
    assert fox.deliberate is None  # LFB publishes no motive
    # 08:51 in London in July is 07:51 UTC.
    assert fox.occurred_at == datetime(2015, 7, 15, 7, 51, tzinfo=UTC)
    assert fox.month == date(2015, 7, 1)
    # Exact coordinates where LFB gives them …
    assert (fox.easting, fox.northing) == (534_785, 167_546)
    assert fox.lon == pytest.approx(-0.0639, abs=1e-3)
    assert fox.lat == pytest.approx(51.3906, abs=1e-3)
    # … and the rounded ones where they are blank or NULL (dwellings).
    dog, cat = Incident.objects.get(reference="139091"), Incident.objects.get(reference="1000")
    assert (dog.easting, dog.northing) == (532_350, 170_050)
    assert (cat.easting, cat.northing) == (534_750, 167_550)
    dataset = Dataset.objects.get()
    assert dataset.publisher == "London Fire Brigade"
    assert dataset.licence == "Open Government Licence v2.0"
    assert (dataset.period_start, dataset.period_end) == (date(2009, 1, 1), date(2016, 2, 2))


def test_lfb_incident_records_with_the_built_in_lfb_mapping(tmp_path):
    path = write(tmp_path, "lfb.csv", PRIMARY, MALICIOUS, header=RECORDS)
    load("fire-incidents", [path], options={"mapping": "lfb"})
    fire = Incident.objects.get(reference="000008-01012017")
    assert fire.category == "Primary Fire"
    assert fire.property_type == "Dwelling"
    assert fire.occurred_at == datetime(2017, 1, 1, 0, 2, 43, tzinfo=UTC)
    assert (fire.easting, fire.northing) == (534_750, 167_550)
    hoax = Incident.objects.get(category="False alarm - Malicious")
    assert (hoax.easting, hoax.northing) == (534_785, 167_546)
    assert hoax.location == "Woodside, Croydon"


def test_lfb_mapping_reads_each_date_style_lfb_has_published(tmp_path):
    rows = [PRIMARY.replace("01 Jan 2017", day).replace("000008", f"00000{i}")
            for i, day in enumerate(["01-Jan-17", "01/01/2017", "2017-01-01"])]
    load("fire-incidents", [write(tmp_path, "lfb.csv", *rows, header=RECORDS)],
         options={"mapping": "lfb"})
    assert set(Incident.objects.values_list("month", flat=True)) == {date(2017, 1, 1)}


def test_a_mapping_file_with_longitude_latitude_deliberate_and_joined_columns(tmp_path):
    path = write(tmp_path, "ecfrs.csv", ARSON, CHIP_PAN, UNKNOWN, header=CUSTOM_HEADER)
    load("fire-incidents", [path], options={"mapping": str(mapping(tmp_path))})
    arson = Incident.objects.get(reference="ECF-1")
    assert arson.deliberate is True
    assert arson.category == "Secondary fire"
    assert arson.property_type == "Outdoor: Grassland"
    assert arson.location == "Chelmsford"
    assert arson.reported_by == "Essex County Fire and Rescue Service"
    assert arson.easting == pytest.approx(569_935, abs=15)  # Chelmsford fire station
    chip_pan = Incident.objects.get(reference="ECF-2")
    assert chip_pan.deliberate is False  # values compare without regard to case
    assert chip_pan.property_type == "Dwelling"  # an empty part is left out, not joined
    car = Incident.objects.get(reference="ECF-3")
    assert car.deliberate is None and car.lon is None and car.lsoa is None
    assert Dataset.objects.get().publisher == "Essex County Fire and Rescue Service"


def test_a_revised_export_replaces_incidents_by_service_and_reference(tmp_path):
    load("fire-incidents", [write(tmp_path, "old.csv", DOG, FOX)])
    load("fire-incidents", [write(tmp_path, "new.csv", FOX.replace("Woodside", "Selhurst"), CAT)])
    assert sorted(Incident.objects.values_list("reference", flat=True)) == [
        "1000", "139091", "275091"]
    assert Incident.objects.get(reference="275091").location == "Selhurst, Croydon"
    # Another service's incident with the same reference is a different incident.
    load("fire-incidents", [write(tmp_path, "ecfrs.csv", ARSON.replace("ECF-1", "1000"),
                                  header=CUSTOM_HEADER)],
         options={"mapping": str(mapping(tmp_path))})
    assert Incident.objects.filter(reference="1000").count() == 2


def test_loading_the_same_file_twice_adds_nothing(tmp_path):
    path = write(tmp_path, "animals.csv", DOG, FOX)
    load("fire-incidents", [path])
    [again] = load("fire-incidents", [path])
    assert again.unchanged
    assert Incident.objects.count() == 2
    assert Dataset.objects.count() == 1


def test_an_old_dataset_emptied_by_a_reload_is_removed(tmp_path):
    load("fire-incidents", [write(tmp_path, "old.csv", DOG)])
    load("fire-incidents", [write(tmp_path, "new.csv", DOG.replace("Dwelling", "Outdoor"))])
    assert list(Dataset.objects.values_list("source_file", flat=True)) == ["new.csv"]


@pytest.mark.parametrize(
    "line, expected",
    [
        (DOG.replace("01/01/2009 03:01", "2009-01-01 03:01"),
         "DateTimeOfCall: '2009-01-01 03:01' does not match the mapping's format '%d/%m/%Y %H:%M'"),
        (DOG.replace("01/01/2009 03:01", "31/02/2009 03:01"),
         "DateTimeOfCall: '31/02/2009 03:01' does not match the mapping's format"),
        (DOG.replace("01/01/2009 03:01", ""), "DateTimeOfCall: is empty"),
        (DOG.replace("139091", ""), "IncidentNumber: is empty"),
        (FOX, "IncidentNumber: duplicate reference '275091' (also on line 2)"),
        (DOG.replace(",255", ""), "(row): expected 10 fields, found 9"),
        (DOG.replace("532350", "5323x0"), "Easting_rounded: '5323x0' is not a number"),
        (DOG.replace(",170050", ","), "Easting_rounded/Northing_rounded: has only one of easting "
                                      "and northing"),
        (DOG.replace("532350,170050", "932350,170050"),
         "Easting_rounded/Northing_rounded: easting 932350, northing 170050 is outside "
         "Great Britain's national grid"),
        (DOG.replace(",,532350,170050", ",,-0.098,51.41"),
         "Easting_rounded/Northing_rounded: easting -0.098, northing 51.41 look like degrees"),
        (DOG.replace("Dwelling", "D" * 121), "PropertyCategory: is 121 characters long"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_loaded(tmp_path, table_counts, line, expected):
    load("fire-incidents", [write(tmp_path, "good.csv", CAT)])
    before = table_counts()
    path = write(tmp_path, "bad.csv", FOX, line)
    [problem] = problems_of([path])
    assert problem.startswith(f"{path}:3: {expected}")
    assert table_counts() == before


@pytest.mark.parametrize(
    "line, expected",
    [
        (ARSON.replace("0.4595,51.7348", "51.7348,0.4595"),
         "Lon/Lat: latitude 0.4595 and longitude 51.7348 look swapped"),
        (ARSON.replace("0.4595,51.7348", "2.35,48.85"),
         "Lon/Lat: longitude 2.35, latitude 48.85 is outside Great Britain"),
        (ARSON.replace(",Deliberate,", ",Arson?,"),
         "Motive: 'Arson?' is none of the values the mapping lists (accidental, deliberate, "
         "deliberate - others property, not known)"),
        (ARSON.replace("Secondary fire", ""), "Type: is empty"),
    ],
)
def test_bad_rows_under_a_custom_mapping(tmp_path, table_counts, line, expected):
    before = table_counts()
    path = write(tmp_path, "bad.csv", line, header=CUSTOM_HEADER)
    [problem] = problems_of([path], mapping=str(mapping(tmp_path)))
    assert problem.startswith(f"{path}:2: {expected}")
    assert table_counts() == before


def test_columns_the_mapping_names_must_be_in_the_header(tmp_path, table_counts):
    before = table_counts()
    path = write(tmp_path, "animals.csv", DOG, FOX)  # an animal-rescue file …
    problems = problems_of([path], mapping="lfb")  # … under the incident-records mapping
    assert problems[0].startswith(f"{path}:1: DateOfCall: missing column (mapping ")
    assert "lfb.toml names it; the header has: IncidentNumber, DateTimeOfCall" in problems[0]
    assert [p.split(": ")[1] for p in problems] == [
        "DateOfCall", "TimeOfCall", "StopCodeDescription", "IncGeo_WardName", "ProperCase"]
    assert table_counts() == before


def test_a_header_that_fits_no_built_in_mapping_asks_for_one(tmp_path, table_counts):
    before = table_counts()
    path = write(tmp_path, "ecfrs.csv", ARSON, header=CUSTOM_HEADER)
    [problem] = problems_of([path])
    assert problem == (f"{path}:1: (mapping): the header fits none of the built-in mappings "
                       "(lfb, lfb-animal-rescue); give --mapping FILE or the name of a built-in "
                       "mapping")
    assert table_counts() == before


def test_a_mapping_that_does_not_exist(tmp_path, table_counts):
    before = table_counts()
    missing = str(tmp_path / "nowhere.toml")
    [problem] = problems_of([write(tmp_path, "a.csv", DOG)], mapping=missing)
    assert problem == (f"{missing}:0: (mapping): no such mapping file, nor a built-in mapping "
                       "(lfb, lfb-animal-rescue)")
    assert table_counts() == before


@pytest.mark.parametrize(
    "change, expected",
    [
        (('format = "%Y-%m-%d %H:%M"', 'format = "%Y-%m-%d %H:%M'),
         "9: (mapping): not valid TOML: "),
        (('format = "%Y-%m-%d %H:%M"', 'format = "%H:%M"'),
         "9: occurred_at.format: '%H:%M' does not hold a whole date (day, month and year)"),
        (('format = "%Y-%m-%d %H:%M"', 'format = "%Y-%m-%d %Q"'),
         "9: occurred_at.format: '%Y-%m-%d %Q' is not a usable strptime format"),
        (('service = "Essex County Fire and Rescue Service"\n', ""), "1: service: is missing"),
        (('category = "Type"', 'categroy = "Type"'), "3: categroy: is not a key here"),
        (('category = "Type"', 'category = { value = "Fire", column = "Type" }'),
         "3: category: needs exactly one of column, columns or value"),
        (('reference = "Incident ref"', 'reference = { value = "X" }'),
         "2: reference: must name a column, not a fixed value"),
        (('accidental = ["Accidental"]', 'accidental = ["Accidental", "deliberate"]'),
         "14: deliberate.accidental: deliberate is listed under another meaning too"),
        (('latitude = "Lat"', 'northing = "Lat"'),
         "17: location[1]: needs easting and northing, or longitude and latitude"),
        (('[[location]]\nlongitude = "Lon"\nlatitude = "Lat"\n', ""),
         "1: location: is missing (one or more [[location]] tables"),
    ],
)
def test_a_bad_mapping_file_names_its_line(tmp_path, table_counts, change, expected):
    before = table_counts()
    assert change[0] in CUSTOM
    bad = mapping(tmp_path, CUSTOM.replace(*change))
    problems = problems_of([write(tmp_path, "a.csv", ARSON, header=CUSTOM_HEADER)],
                           mapping=str(bad))
    assert problems[0].startswith(f"{bad}:{expected}"), problems
    assert table_counts() == before


def test_empty_and_header_only_files(tmp_path, table_counts):
    before = table_counts()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write(tmp_path, "header.csv")
    assert problems_of([empty, header_only]) == [
        f"{empty}:1: (file): the file is empty",
        f"{header_only}:2: (file): the file has a header but no rows"]
    assert table_counts() == before


def test_the_pound_sign_in_a_windows_1252_header_is_a_wrong_encoding(tmp_path, table_counts):
    before = table_counts()
    path = write(tmp_path, "cp1252.csv", DOG, encoding="cp1252")
    [problem] = problems_of([path])
    assert problem.startswith(f"{path}:1: (encoding): byte 0xa3 is not valid utf-8")
    # Given its encoding, the same file loads.
    load("fire-incidents", [path], encoding="cp1252")
    assert Incident.objects.get().reference == "139091"
    assert table_counts() != before


def test_command_takes_a_built_in_mapping_by_name(tmp_path, capsys):
    path = write(tmp_path, "lfb.csv", PRIMARY, header=RECORDS)
    call_command("load", "fire-incidents", str(path), "--mapping", "lfb")
    assert "loaded 1 rows" in capsys.readouterr().out
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load", "fire-incidents", str(write(tmp_path, "a.csv", DOG)),
                     "--mapping", "lfb")


def test_real_lfb_animal_rescues(shared_data, capsys):
    path = shared_data / "fire_incidents" / "lfb_animal_rescue_incidents_2009-2019_ons-spark.csv"
    call_command("load", "fire-incidents", str(path))
    rescues = Incident.objects.filter(source=Incident.Source.FIRE)
    assert rescues.count() == 5_898
    in_2015 = rescues.filter(occurred_at__year=2015)
    assert in_2015.count() == 540
    assert in_2015.filter(property_type="Dwelling").count() == 264
    assert rescues.filter(property_type="Road Vehicle").count() == 220
    assert not rescues.filter(lon__isnull=True).exists()  # rounded coordinates fill every gap
    # The first rescue of 2009, a dog in a Croydon house: rounded coordinates only.
    dog = rescues.get(reference="139091")
    assert dog.occurred_at == datetime(2009, 1, 1, 3, 1, tzinfo=UTC)
    assert (dog.easting, dog.northing) == (532_350, 170_050)
    assert dog.location == "Crystal Palace & Upper Norwood, Croydon"
    # A fox trapped in railings: exact coordinates.
    assert rescues.get(reference="275091").easting == 534_785
    capsys.readouterr()
    call_command("datasets", "--json")
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["source_file"], listed["rows"]) == (path.name, 5_898)
    assert listed["period_start"] == "2009-01-01"
