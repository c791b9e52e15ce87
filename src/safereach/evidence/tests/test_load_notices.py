"""Loading notices: child abduction warning, closure, fire-safety enforcement."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from safereach.evidence.importers.base import DatasetInfo, LoadFailed
from safereach.evidence.importers.run import load
from safereach.evidence.models import Dataset, Notice

pytestmark = pytest.mark.django_db

HEADER = "Kind,Reference,Premises,Address,Postcode,Issued,Expires,Latitude,Longitude"
CLOSURE = ("Closure notice,CN-2024-01,Flat 3,12 Moulsham Street Chelmsford,cm2 0hu,2024-03-01,"
           "2024-03-03,51.7290,0.4740")
ENFORCEMENT = ("Enforcement notice,FS-77,The Queens Head,30 Lower Anchor Street,CM2 0AS,"
               "15/02/2024,,,")
PROHIBITION = "Fire safety prohibition notice,FS-78,Unit 4,Widford Industrial Estate,,01/03/2024,,,"
CAWN = "CAWN,CAWN-0001,Hotel car park,Victoria Road,,2024-02-20,2024-08-20,51.7370,0.4690"


def write(tmp_path, name, *lines, header=HEADER, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join((header,) + lines) + "\n").encode(encoding))
    return path


def problems_of(paths):
    with pytest.raises(LoadFailed) as failed:
        load("notices", paths)
    return [str(p) for p in failed.value.problems]


def test_loads_notices_with_known_kinds_both_date_styles_and_optional_parts(tmp_path):
    [outcome] = load("notices", [write(tmp_path, "n.csv", CLOSURE, ENFORCEMENT, PROHIBITION)])
    assert outcome.rows == 3
    closure = Notice.objects.get(reference="CN-2024-01")
    assert closure.kind == "closure notice"
    assert (closure.issued_on, closure.expires_on) == (date(2024, 3, 1), date(2024, 3, 3))
    assert closure.postcode == "CM2 0HU"
    assert closure.easting == pytest.approx(570_970, abs=20)
    enforcement = Notice.objects.get(reference="FS-77")
    assert enforcement.kind == "fire safety enforcement notice"
    assert enforcement.issued_on == date(2024, 2, 15)  # day first
    assert enforcement.expires_on is None and enforcement.lon is None
    assert Notice.objects.get(reference="FS-78").kind == "fire safety prohibition notice"
    dataset = Dataset.objects.get()
    assert dataset.classification == "OFFICIAL"
    assert (dataset.period_start, dataset.period_end) == (date(2024, 2, 15), date(2024, 3, 1))


def test_a_file_with_a_child_abduction_warning_notice_is_official_sensitive(tmp_path):
    load("notices", [write(tmp_path, "n.csv", CLOSURE, CAWN)])
    assert Notice.objects.get(reference="CAWN-0001").kind == "child abduction warning notice"
    assert Dataset.objects.get().classification == "OFFICIAL-SENSITIVE"


def test_classification_given_when_loading_wins(tmp_path):
    load("notices", [write(tmp_path, "n.csv", CAWN)], DatasetInfo(classification="OFFICIAL"))
    assert Dataset.objects.get().classification == "OFFICIAL"


def test_command_loads_cawns_as_official_sensitive(tmp_path):
    call_command("load", "notices", str(write(tmp_path, "n.csv", CAWN)))
    assert Dataset.objects.get().classification == "OFFICIAL-SENSITIVE"


def test_easting_northing_columns_and_other_header_spellings(tmp_path):
    header = "Notice type,Notice number,Premises name,Date issued,Expiry date,Easting,Northing"
    path = write(tmp_path, "n.csv", "Alterations Notices,FS-90,Mill,2024-01-05,,570970,206340",
                 header=header)
    load("notices", [path])
    notice = Notice.objects.get()
    assert notice.kind == "fire safety alterations notice"
    assert notice.lat == pytest.approx(51.729, abs=1e-3)


def test_a_new_load_updates_notices_by_kind_and_reference(tmp_path):
    load("notices", [write(tmp_path, "old.csv", CLOSURE, ENFORCEMENT)])
    first = Notice.objects.get(reference="FS-77").pk
    load("notices", [write(tmp_path, "new.csv", ENFORCEMENT.replace(",,,", ",2024-04-15,,"))])
    enforcement = Notice.objects.get(reference="FS-77")
    assert enforcement.pk == first
    assert enforcement.expires_on == date(2024, 4, 15)
    assert Notice.objects.count() == 2
    assert Dataset.objects.count() == 2
    load("notices", [write(tmp_path, "newer.csv", CLOSURE.replace("Flat 3", "Flat 3A"),
                           ENFORCEMENT)])
    assert Notice.objects.get(reference="CN-2024-01").premises == "Flat 3A"
    # Every notice of the first two loads is now in the third: they leave no empty datasets.
    assert list(Dataset.objects.values_list("source_file", flat=True)) == ["newer.csv"]


def test_loading_the_same_file_twice_adds_nothing(tmp_path):
    path = write(tmp_path, "n.csv", CLOSURE, ENFORCEMENT)
    load("notices", [path])
    [again] = load("notices", [path])
    assert again.unchanged
    assert Notice.objects.count() == 2
    assert Dataset.objects.count() == 1


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Parking ticket,P-1,,,,2024-03-01,,,",
         "Kind: 'Parking ticket' is not a kind of notice SafeReach knows (child abduction warning "
         "notice; closure notice; closure order;"),
        (",P-1,,,,2024-03-01,,,", "Kind: is empty"),
        ("Closure notice,,,,,2024-03-01,,,", "Reference: is empty"),
        ("closure notice,CN-2024-01,,,,2024-03-05,,,",
         "Reference: duplicate reference 'CN-2024-01' for a closure notice (also on line 2)"),
        ("Closure notice,CN-2,,,,2024-13-01,,,",
         "Issued: '2024-13-01' is not a date (YYYY-MM-DD or DD/MM/YYYY)"),
        ("Closure notice,CN-2,,,,31/02/2024,,,",
         "Issued: '31/02/2024' is not a date (YYYY-MM-DD or DD/MM/YYYY)"),
        ("Closure notice,CN-2,,,,03-01-2024,,,",
         "Issued: '03-01-2024' is not a date (YYYY-MM-DD or DD/MM/YYYY)"),
        ("Closure notice,CN-2,,,,,,,", "Issued: is empty"),
        ("Closure notice,CN-2,,,,2024-03-05,2024-03-04,,",
         "Expires: expires 2024-03-04, before it was issued (2024-03-05)"),
        ("Closure notice,CN-2,,,SW1A,2024-03-05,,,", "Postcode: 'SW1A' is not a UK postcode"),
        ("Closure notice,CN-2,,,,2024-03-05", "(row): expected 9 fields, found 6"),
        ("Closure notice,CN-2,,,,2024-03-05,,0.474,51.729",
         "Longitude/Latitude: latitude 0.474 and longitude 51.729 look swapped"),
        ("Closure notice,CN-2,,,,2024-03-05,,40.7,-74.0",
         "Longitude/Latitude: longitude -74, latitude 40.7 is outside Great Britain"),
        ("Closure notice,CN-2,,,,2024-03-05,,51.729,",
         "Longitude/Latitude: has only one of longitude and latitude"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_loaded(tmp_path, table_counts, line, expected):
    load("notices", [write(tmp_path, "good.csv", ENFORCEMENT)])
    before = table_counts()
    path = write(tmp_path, "bad.csv", CLOSURE, line)
    [problem] = problems_of([path])
    assert problem.startswith(f"{path}:3: {expected}")
    assert table_counts() == before


def test_wrong_headers_empty_files_and_wrong_encoding(tmp_path, table_counts):
    before = table_counts()
    no_dates = write(tmp_path, "nodates.csv", "Closure notice,CN-1", header="Kind,Reference")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write(tmp_path, "header.csv")
    cp1252 = write(tmp_path, "cp1252.csv", CLOSURE, ENFORCEMENT.replace("Queens", "Qu\xe9ens"),
                   encoding="cp1252")
    problems = problems_of([no_dates, empty, header_only, cp1252])
    assert problems[0].startswith(
        f"{no_dates}:1: Issued: missing column (expected one of: Issued, Issued on, Date issued")
    assert "the header has: Kind, Reference)" in problems[0]
    assert problems[1:] == [
        f"{empty}:1: (file): the file is empty",
        f"{header_only}:2: (file): the file has a header but no rows",
        f"{cp1252}:3: (encoding): byte 0xe9 is not valid utf-8; save the file as UTF-8, or give "
        "its encoding with --encoding (GIAS downloads are often windows-1252)",
    ]
    assert table_counts() == before


def test_datasets_lists_the_rows_and_classification(tmp_path, capsys):
    call_command("load", "notices", str(write(tmp_path, "n.csv", CLOSURE, CAWN, ENFORCEMENT)))
    capsys.readouterr()
    call_command("datasets", "--json")
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["rows"], listed["classification"]) == (3, "OFFICIAL-SENSITIVE")
    assert listed["name"] == ("Notices: closure notice (1), child abduction warning notice (1), "
                              "fire safety enforcement notice (1)")
