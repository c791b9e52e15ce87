"""Loading incident figures published only per area (dwelling fires per MSOA and the like)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safereach.evidence.importers.base import LoadFailed
from safereach.evidence.importers.run import load
from safereach.evidence.models import AreaRate, Dataset

pytestmark = pytest.mark.django_db

HEADER = "MSOA11CD,count,rate_per_1000"
BRC_HEADER = "MSOA11CD,Number of fires (three-year average),Proportion of fire incidents per person"


def write(tmp_path, name, *lines, header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join((header,) + lines) + "\n", encoding="utf-8")
    return path


def problems_of(paths, **options):
    with pytest.raises(LoadFailed) as failed:
        load("area-rates", paths, options=options)
    return [str(p) for p in failed.value.problems]


def test_loads_counts_and_rates_per_1000_under_the_measure_given(tmp_path):
    path = write(tmp_path, "fires.csv", "E02004000,5.5,1.06", "E02004001,10,1.89")
    [outcome] = load("area-rates", [path], options={"measure": "Dwelling  Fires"})
    assert outcome.rows == 2
    rate = AreaRate.objects.get(area_code="E02004000")
    assert (rate.measure, rate.level, rate.count, rate.rate_per_1000) == (
        "dwelling fires", "msoa", 5.5, 1.06)
    assert outcome.dataset.name == "Dwelling fires per MSOA"


def test_levels_come_from_the_codes_and_the_rate_unit_from_the_header(tmp_path):
    path = write(tmp_path, "mixed.csv", "E01021596,Dwelling fires,0.0021", "E05004111,Dwelling fires,0.0015",
                 "E07000070,Dwelling fires,0.0009", header="area_code,Measure,rate_per_person")
    load("area-rates", [path])
    stored = {r.area_code: (r.level, r.measure, r.rate_per_1000) for r in AreaRate.objects.all()}
    assert stored["E01021596"] == ("lsoa", "dwelling fires", pytest.approx(2.1))
    assert stored["E05004111"] == ("ward", "dwelling fires", pytest.approx(1.5))
    assert stored["E07000070"] == ("district", "dwelling fires", pytest.approx(0.9))


def test_a_newer_load_of_a_measure_replaces_the_same_areas_figures(tmp_path):
    load("area-rates", [write(tmp_path, "old.csv", "E02004000,5,1.0")], options={"measure": "fires"})
    load("area-rates", [write(tmp_path, "new.csv", "E02004000,6,1.2")], options={"measure": "fires"})
    assert list(AreaRate.objects.values_list("count", "rate_per_1000")) == [(6.0, 1.2)]
    assert list(Dataset.objects.values_list("source_file", flat=True)) == ["new.csv"]
    [again] = load("area-rates", [tmp_path / "new.csv"], options={"measure": "fires"})
    assert again.unchanged and AreaRate.objects.count() == 1


@pytest.mark.parametrize("line, expected", [
    ("E0200400,5,1.0", "3: MSOA11CD: 'E0200400' is not an LSOA, MSOA, ward or district code "
                       "(E01, E02, E05, E06-E09 or the Welsh W01, W02, W05, W06, and six digits)"),
    ("E10000012,5,1.0", "3: MSOA11CD: 'E10000012' is not an LSOA, MSOA, ward or district code "
                        "(E01, E02, E05, E06-E09 or the Welsh W01, W02, W05, W06, and six digits)"),
    ("E02004001,many,1.0", "3: count: 'many' is not a number"),
    ("E02004001,5,-0.5", "3: rate_per_1000: '-0.5' is negative"),
    ("E02004001,,", "3: count or rate_per_1000: has neither a count nor a rate"),
    ("E02004000,6,1.1", "3: MSOA11CD: E02004000 appears twice: on line 2 and on line 3"),
    ("NA,6,1.1", "3: MSOA11CD: has a rate but no area code"),
    ("E02004001,5", "3: (row): expected 3 fields, found 2"),
])
def test_bad_rows_are_named_and_nothing_is_loaded(tmp_path, table_counts, line, expected):
    load("area-rates", [write(tmp_path, "good.csv", "E02000001,1,1.0")], options={"measure": "fires"})
    before = table_counts()
    path = write(tmp_path, "bad.csv", "E02004000,5,1.0", line)
    assert problems_of([path], measure="fires") == [f"{path}:{expected}"]
    assert table_counts() == before
    assert AreaRate.objects.get().area_code == "E02000001"


@pytest.mark.parametrize("header, expected", [
    ("FID,count", "1: (area code): missing column (expected an ONS code column such as MSOA11CD, "
                  "LSOA11CD, WD19CD, LAD19CD, or area_code; the header has: FID, count)"),
    ("MSOA11CD,fires", "1: (count or rate): missing column (expected count, count_per_year, "
                       "rate_per_1000, rate_per_person or rate_per_100000; the header has: "
                       "MSOA11CD, fires)"),
])
def test_missing_columns_name_what_the_header_has(tmp_path, table_counts, header, expected):
    before = table_counts()
    path = write(tmp_path, "bad.csv", "E02004000,5", header=header)
    assert problems_of([path], measure="fires") == [f"{path}:{expected}"]
    assert table_counts() == before


def test_a_file_that_does_not_say_what_it_counts_is_refused(tmp_path, table_counts):
    before = table_counts()
    path = write(tmp_path, "fires.csv", "E02004000,5,1.0")
    assert problems_of([path]) == [
        f"{path}:1: (measure): says nothing of what is counted: give --measure "
        "(e.g. 'dwelling fires') or a Measure column"]
    assert table_counts() == before


def test_empty_and_header_only_files(tmp_path, table_counts):
    before = table_counts()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write(tmp_path, "header.csv")
    assert problems_of([empty, header_only], measure="fires") == [
        f"{empty}:1: (file): the file is empty",
        f"{header_only}:2: (file): the file has a header but no rows"]
    assert table_counts() == before


def test_the_command_takes_the_measure_and_refuses_a_bad_file(tmp_path, capsys, table_counts):
    good = write(tmp_path, "fires.csv", "E01021596,2,1.3", header="LSOA11CD,count,rate_per_1000")
    call_command("load", "area-rates", str(good), "--measure", "dwelling fires")
    assert AreaRate.objects.get().measure == "dwelling fires"
    before = table_counts()
    bad = write(tmp_path, "bad.csv", "E01021596,2,lots", header="LSOA11CD,count,rate_per_1000")
    with pytest.raises(CommandError, match="1 problem found; nothing was loaded"):
        call_command("load", "area-rates", str(bad), "--measure", "dwelling fires")
    assert capsys.readouterr().err.strip() == f"{bad}:2: rate_per_1000: 'lots' is not a number"
    assert table_counts() == before


def test_a_small_file_with_the_british_red_cross_header_is_recognised(tmp_path):
    path = write(tmp_path, "brc.csv", "E02000001,5,6.184291898577613e-4", "NA,36.333333333333336,NA",
                 header=BRC_HEADER)
    [outcome] = load("area-rates", [path])
    assert outcome.rows == 2
    rate = AreaRate.objects.get()
    assert (rate.measure, rate.count, rate.period) == ("dwelling fires", 5, "three-year average")
    assert rate.rate_per_1000 == pytest.approx(0.6184291898577613)
    assert outcome.dataset.name.endswith("; 36.3 a year not placed in any area")
    assert outcome.dataset.licence == "CC-BY-4.0"


def test_real_british_red_cross_dwelling_fires_per_msoa(shared_data):
    path = shared_data / "fire_incidents" / "brc_dwelling_fires_msoa11_3yr_avg.csv"
    [outcome] = load("area-rates", [path])
    # 6,786 rows: 6,785 English MSOAs and one row of fires no MSOA could be given.
    assert outcome.rows == outcome.dataset.row_count == 6_786
    assert AreaRate.objects.count() == 6_785
    assert set(AreaRate.objects.values_list("level", "measure").distinct()) == {
        ("msoa", "dwelling fires")}
    # City of London 001: 5 fires a year, 6.184291898577613e-4 per person.
    city = AreaRate.objects.get(area_code="E02000001")
    assert city.count == 5
    assert city.rate_per_1000 == pytest.approx(0.6184291898577613)
    # A row from the middle of the file (line 3,903).
    essex = AreaRate.objects.get(area_code="E02004000")
    assert essex.count == 5.5
    assert essex.rate_per_1000 == pytest.approx(1.0578957491825351)
    assert outcome.dataset.publisher.startswith("British Red Cross")
