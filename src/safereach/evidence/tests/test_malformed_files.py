"""Every malformed file is refused with `path:line: column: reason`, never a traceback, never a
partial load, on SQLite and (with DATABASE_URL set) PostgreSQL. The fixes live in the importers'
shared core (base.py, bulk.py, run.py), so each case here holds for every importer."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safereach.evidence.importers.base import LoadFailed
from safereach.evidence.importers.run import load
from safereach.evidence.models import Dataset, Incident

pytestmark = pytest.mark.django_db

HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")
GOOD = ("abc123,2018-01,Essex Police,Essex Police,0.454764,51.749376,On or near High Street,"
        "E01021596,Chelmsford 001A,Burglary,Under investigation,")
SHAPE = re.compile(r"^.+:\d+: [^:]+: .+$", re.DOTALL)


def refused(path, kind="crime") -> list[str]:
    before = (Dataset.objects.count(), Incident.objects.count())
    with pytest.raises(LoadFailed) as failed:
        load(kind, [path])
    assert (Dataset.objects.count(), Incident.objects.count()) == before  # nothing half loaded
    problems = [str(p) for p in failed.value.problems]
    assert problems and all(SHAPE.match(p) for p in problems), problems
    return problems


def crime_file(tmp_path, *rows, name="bad.csv"):
    path = tmp_path / name
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def test_a_crime_id_of_5000_characters_is_named(tmp_path):
    good = crime_file(tmp_path, GOOD, name="good.csv")
    bad = crime_file(tmp_path, GOOD, GOOD.replace("abc123", "x" * 5000))
    before = Incident.objects.count()
    with pytest.raises(LoadFailed) as failed:
        load("crime", [good, bad])
    assert Incident.objects.count() == before
    assert [str(p) for p in failed.value.problems] == [
        f"{bad}:3: reference: is 5,000 characters long; the most it holds is 100"]


def test_a_nul_character_is_named_with_its_column(tmp_path):
    bad = crime_file(tmp_path, GOOD, GOOD.replace("On or near", "On\x00or near"))
    assert refused(bad) == [
        f"{bad}:3: Location: contains a NUL character (byte 0x00); remove it and load again"]


def test_month_0000_01_is_not_a_month(tmp_path):
    bad = crime_file(tmp_path, GOOD.replace("2018-01", "0000-01"))
    assert refused(bad) == [f"{bad}:2: Month: '0000-01' is not a month (YYYY-MM)"]


@pytest.mark.parametrize("text", ["nan", "inf", "-Infinity"])
def test_a_longitude_that_is_not_a_number_is_refused_not_dropped(tmp_path, text):
    bad = crime_file(tmp_path, GOOD.replace("0.454764", text))
    assert refused(bad) == [f"{bad}:2: Longitude: {text!r} is not a number"]


def test_json_nested_200000_deep_is_refused(tmp_path):
    bad = tmp_path / "deep.geojson"
    bad.write_text("[" * 200_000 + "]" * 200_000)
    assert refused(bad, "boundaries") == [f"{bad}:1: (json): JSON nested more than 500 levels deep"]


def test_json_nested_deep_in_a_naptan_file_is_refused(tmp_path):
    bad = tmp_path / "stops.json"
    bad.write_text("[" + "[" * 100_000 + "]" * 100_000 + "]")
    problems = refused(bad, "places")
    assert len(problems) == 1 and problems[0].startswith(f"{bad}:1: ")


def test_a_boundary_name_of_200000_characters_is_named(tmp_path):
    bad = tmp_path / "lsoa.geojson"
    bad.write_text(
        '{"type":"FeatureCollection","features":[\n'
        '{"type":"Feature","properties":{"LSOA11CD":"E01021596","LSOA11NM":"' + "n" * 200_000 + '"},'
        '"geometry":{"type":"Polygon","coordinates":[[[0.45,51.74],[0.46,51.74],[0.46,51.75],[0.45,51.74]]]}}\n]}')
    problems = refused(bad, "boundaries")
    assert problems == [f"{bad}:2: name: is 200,000 characters long; the most it holds is 200"]


# --- Fuzzing: any change to a good file is loaded whole or refused with reasons --------------

CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["nan", "inf", "-1e309", "0000-01", "2018-13", "\x00", "", '"', "x" * 400,
                     "E01021596", "0.47", "51.75", "9999-12", "\u202e", "\r", "\n"]),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(column=st.integers(0, 11), value=CELLS, extra=st.booleans())
def test_fuzzed_crime_files_load_whole_or_are_refused_with_reasons(tmp_path, column, value, extra):
    cells = GOOD.split(",")
    cells[column] = value
    row = ",".join(cells) + ("," if extra else "")
    path = tmp_path / "fuzz.csv"
    path.write_bytes(("\n".join((HEADER, GOOD, row)) + "\n").encode("utf-8", "surrogatepass"))
    datasets, incidents = Dataset.objects.count(), Incident.objects.count()
    try:
        outcomes = load("crime", [path])
    except LoadFailed as failed:
        assert (Dataset.objects.count(), Incident.objects.count()) == (datasets, incidents)
        assert all(SHAPE.match(str(p)) for p in failed.problems)
    else:
        added = Incident.objects.count() - incidents
        assert added in (0, outcomes[0].rows)  # 0: the same file loaded before
    Incident.objects.all().delete()
    Dataset.objects.all().delete()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.binary(max_size=400))
def test_fuzzed_bytes_are_refused_with_reasons_for_every_format(tmp_path, data):
    for kind in ("crime", "boundaries", "places", "deprivation", "notices", "schools"):
        path = tmp_path / f"fuzz-{kind}"
        path.write_bytes(data)
        datasets = Dataset.objects.count()
        try:
            load(kind, [path])
        except LoadFailed as failed:
            assert Dataset.objects.count() == datasets
            assert all(SHAPE.match(str(p)) for p in failed.problems)
        Dataset.objects.all().delete()


# --- Every CSV importer, every column, the hostile values of the issue ------------------------

from safereach.evidence.tests import test_load_fire_incidents as fire  # noqa: E402
from safereach.evidence.tests import test_load_notices as notices  # noqa: E402
from safereach.evidence.tests import test_load_places as places  # noqa: E402
from safereach.evidence.tests import test_load_schools as schools  # noqa: E402

FILES = {
    "crime": (HEADER, [GOOD], {}),
    "places": (places.HEADER, [places.CARE_HOME, places.HOTEL], {}),
    "notices": (notices.HEADER, [notices.CLOSURE, notices.CAWN], {}),
    "schools": (schools.HEADER, [schools.TANGLEWOOD], {}),
    "fire-incidents": (fire.ANIMAL, [fire.DOG, fire.FOX], {}),
}
HOSTILE = ["x" * 5000, "a\x00b", "nan", "inf", "0000-01", "-1e309", '"' + "y" * 300 + '"']


def every_hostile_file():
    for kind, (header, rows, options) in FILES.items():
        for column in range(len(header.split(","))):
            for value in HOSTILE:
                yield pytest.param(kind, header, rows, options, column, value,
                                   id=f"{kind}-{column}-{value[:6]!r}")


@pytest.mark.parametrize(("kind", "header", "rows", "options", "column", "value"),
                         list(every_hostile_file()))
def test_every_importer_loads_whole_or_refuses_with_reasons(tmp_path, kind, header, rows, options,
                                                            column, value):
    cells = rows[-1].split(",")
    cells[column] = value if '"' in value or "," not in value else f'"{value}"'
    path = tmp_path / f"{kind}.csv"
    path.write_text("\n".join((header, *rows[:-1], ",".join(cells))) + "\n", encoding="utf-8")
    datasets = Dataset.objects.count()
    try:
        outcomes = load(kind, [path], options=options)
    except LoadFailed as failed:
        assert Dataset.objects.count() == datasets
        assert all(SHAPE.match(str(p)) for p in failed.problems), failed.problems
        assert all(p.line >= 1 for p in failed.problems), failed.problems
    else:
        assert Dataset.objects.count() == datasets + 1 and outcomes[0].rows == len(rows)
