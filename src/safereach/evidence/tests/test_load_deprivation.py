"""Loading the English Indices of Deprivation 2019 by LSOA."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from safereach.evidence.importers.base import LoadFailed
from safereach.evidence.importers.run import load
from safereach.evidence.models import Dataset, Deprivation

pytestmark = pytest.mark.django_db

IDS = ["LSOA code (2011)", "LSOA name (2011)", "Local Authority District code (2019)",
       "Local Authority District name (2019)"]
DOMAIN_NAMES = [
    ("imd", "Index of Multiple Deprivation (IMD)", "Score"),
    ("income", "Income", "Score (rate)"),
    ("employment", "Employment", "Score (rate)"),
    ("education", "Education, Skills and Training", "Score"),
    ("health", "Health Deprivation and Disability", "Score"),
    ("crime", "Crime", "Score"),
    ("housing", "Barriers to Housing and Services", "Score"),
    ("living_environment", "Living Environment", "Score"),
    ("idaci", "Income Deprivation Affecting Children Index (IDACI)", "Score (rate)"),
]
# File 7's header, as MHCLG publishes it (IDAOPI and the sub-domains are read past).
FILE_7 = IDS + [
    name for _, label, score in DOMAIN_NAMES for name in (
        f"{label} {score}", f"{label} Rank (where 1 is most deprived)",
        f"{label} Decile (where 1 is most deprived 10% of LSOAs)")
] + ["Income Deprivation Affecting Older People (IDAOPI) Score (rate)",
     "Total population: mid 2015 (excluding prisoners)",
     "Dependent Children aged 0-15: mid 2015 (excluding prisoners)"]
FILE_1 = IDS + ["Index of Multiple Deprivation (IMD) Rank",
                "Index of Multiple Deprivation (IMD) Decile"]
FILE_2 = IDS + [
    name for key, label, _ in DOMAIN_NAMES if key != "idaci" for name in (
        f"{label} Rank (where 1 is most deprived)",
        f"{label} Decile (where 1 is most deprived 10% of LSOAs)")
]
CITY_001A = ["E01000001", "City of London 001A", "E09000001", "City of London"]
CHELMSFORD_006E = ["E01021596", "Chelmsford 006E", "E07000070", "Chelmsford"]


def file_7_row(ids, base):
    """Scores, ranks and deciles that differ field by field, so a mix-up shows."""
    values = []
    for n in range(len(DOMAIN_NAMES)):
        values += [f"{base + n / 10:.3f}", str(1000 * (n + 1) + base), str(n + 1)]
    return ids + values + ["0.1", "1500", "300"]


def write_csv(tmp_path, name, header, *rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_xlsx(tmp_path, name, header, *rows, gap_before_last=False):
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes["A1"] = "English Indices of Deprivation 2019: notes"
    sheet = book.create_sheet("IMD2019")
    sheet.append(header)
    for i, row in enumerate(rows):
        if gap_before_last and i == len(rows) - 1:
            sheet.append([])
        sheet.append([int(v) if v.isdigit() else v for v in row])
    path = tmp_path / name
    book.save(path)
    return path


def problems_of(paths):
    with pytest.raises(LoadFailed) as failed:
        load("deprivation", paths)
    return [str(p) for p in failed.value.problems]


def test_file_7_gives_every_score_rank_decile_and_population(tmp_path):
    path = write_csv(tmp_path, "file7.csv", FILE_7, file_7_row(CHELMSFORD_006E, 5))
    [outcome] = load("deprivation", [path])
    assert outcome.rows == 1
    row = Deprivation.objects.get()
    assert (row.lsoa_code, row.lsoa_name, row.district_code, row.vintage) == (
        "E01021596", "Chelmsford 006E", "E07000070", 2019)
    for n, (key, _, _) in enumerate(DOMAIN_NAMES):
        assert getattr(row, f"{key}_score") == pytest.approx(5 + n / 10)
        assert getattr(row, f"{key}_rank") == 1000 * (n + 1) + 5
        assert getattr(row, f"{key}_decile") == n + 1
    assert (row.population, row.children_population) == (1500, 300)
    assert Dataset.objects.get().name == (
        "English Indices of Deprivation 2019: IMD and 8 domains (score, rank, decile), population")


FILE_6 = [*IDS, "Total population: mid 2015 (excluding prisoners)",
          "Dependent Children aged 0-15: mid 2015 (excluding prisoners)",
          "Population aged 16-59: mid 2015 (excluding prisoners)"]


def test_file_6_populations_with_thousands_separators(tmp_path, table_counts):
    # MHCLG's File 6 for England writes 1,000 and over as "1,296".
    path = write_csv(tmp_path, "file6.csv", FILE_6,
                     ["E01021596", "Chelmsford 006E", "E07000070", "Chelmsford", "1,296", "175", "656"])
    load("deprivation", [path])
    assert Deprivation.objects.values_list("population", "children_population").get() == (1296, 175)
    # A separator does not make a count of people out of anything else.
    before = table_counts()
    bad = write_csv(tmp_path, "bad.csv", FILE_6,
                    ["E01021597", "Chelmsford 006F", "E07000070", "Chelmsford", "1,2x6", "175", "656"])
    with pytest.raises(LoadFailed) as failed:
        load("deprivation", [bad])
    assert [str(p) for p in failed.value.problems] == [
        f"{bad}:2: Total population: mid 2015 (excluding prisoners): '1,2x6' is not a count of people"]
    assert table_counts() == before


def test_file_1_then_file_2_fills_more_columns_without_erasing(tmp_path):
    load("deprivation", [write_csv(tmp_path, "file7.csv", FILE_7, file_7_row(CITY_001A, 1))])
    load("deprivation", [write_csv(tmp_path, "file1.csv", FILE_1, CITY_001A + ["29199", "9"],
                                   CHELMSFORD_006E + ["8031", "3"])])
    file_2_values = ["8031", "3", "6945", "3", "6074", "2", "5626", "2", "10754", "4", "9601",
                     "3", "12379", "4", "26575", "9"]
    load("deprivation", [write_csv(tmp_path, "file2.csv", FILE_2, CHELMSFORD_006E + file_2_values)])
    chelmsford = Deprivation.objects.get(lsoa_code="E01021596")
    assert (chelmsford.imd_rank, chelmsford.imd_decile) == (8031, 3)
    assert (chelmsford.income_rank, chelmsford.living_environment_decile) == (6945, 9)
    assert chelmsford.imd_score is None and chelmsford.idaci_rank is None
    city = Deprivation.objects.get(lsoa_code="E01000001")
    assert (city.imd_rank, city.imd_decile) == (29199, 9)  # File 1 corrected File 7's ranks
    assert (city.imd_score, city.idaci_rank, city.population) == (1.0, 9001, 1500)  # kept
    assert Deprivation.objects.count() == 2


def test_xlsx_is_read_from_its_data_sheet(tmp_path):
    path = write_xlsx(tmp_path, "File_1.xlsx", FILE_1, CITY_001A + ["29199", "9"])
    [outcome] = load("deprivation", [path])
    assert outcome.rows == 1
    row = Deprivation.objects.get()
    assert (row.lsoa_code, row.lsoa_name, row.imd_rank, row.imd_decile) == (
        "E01000001", "City of London 001A", 29199, 9)


def test_xlsx_problems_give_the_sheet_row(tmp_path, table_counts):
    before = table_counts()
    path = write_xlsx(tmp_path, "File_1.xlsx", FILE_1, CITY_001A + ["29199", "9"],
                      CHELMSFORD_006E + ["8031", "30"], gap_before_last=True)
    assert problems_of([path]) == [
        f"{path}:4: Index of Multiple Deprivation (IMD) Decile: '30' is not a decile "
        "(a whole number from 1 to 10)"]
    assert table_counts() == before


def test_a_workbook_without_a_data_sheet_or_a_broken_one_is_refused(tmp_path, table_counts):
    before = table_counts()
    notes_only = tmp_path / "notes.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.save(notes_only)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    problems = problems_of([notes_only, broken])
    assert problems[0] == (f"{notes_only}:1: (file): no sheet has an 'LSOA code (2011)' column "
                           "(sheets: Notes)")
    assert problems[1].startswith(f"{broken}:1: (file): is not a readable XLSX workbook")
    assert table_counts() == before


def test_loading_the_same_file_twice_adds_nothing(tmp_path, capsys):
    path = write_csv(tmp_path, "file1.csv", FILE_1, CITY_001A + ["29199", "9"])
    call_command("load", "deprivation", str(path))
    call_command("load", "deprivation", str(path))
    assert "already loaded" in capsys.readouterr().out
    assert Deprivation.objects.count() == Dataset.objects.count() == 1


@pytest.mark.parametrize("index, value, expected", [
    (0, "E0100001", "LSOA code (2011): 'E0100001' is not an LSOA code (E01 or W01 and six digits)"),
    (0, "S01006506",
     "LSOA code (2011): 'S01006506' is not an LSOA code (E01 or W01 and six digits)"),
    (0, "E01021596", "LSOA code (2011): E01021596 appears twice: on line 2 and on line 3"),
    (5, "0", "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived): '0' is not a "
             "rank (a whole number from 1 to 32,844)"),
    (5, "32845", "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived): '32845' is "
                 "not a rank (a whole number from 1 to 32,844)"),
    (5, "", "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived): is empty"),
    (6, "11", "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of "
              "LSOAs): '11' is not a decile (a whole number from 1 to 10)"),
    (6, "2.5", "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of "
               "LSOAs): '2.5' is not a decile (a whole number from 1 to 10)"),
    (7, "high", "Income Score (rate): 'high' is not a number"),
    (-2, "-5", "Total population: mid 2015 (excluding prisoners): '-5' is not a count of people"),
])
def test_bad_values_are_named_and_nothing_is_loaded(tmp_path, table_counts, index, value,
                                                    expected):
    load("deprivation", [write_csv(tmp_path, "good.csv", FILE_1, CITY_001A + ["29199", "9"])])
    before = table_counts()
    bad = file_7_row(CITY_001A, 1)
    bad[index] = value
    path = write_csv(tmp_path, "bad.csv", FILE_7, file_7_row(CHELMSFORD_006E, 5), bad)
    assert problems_of([path]) == [f"{path}:3: {expected}"]
    assert table_counts() == before


def test_a_file_without_deprivation_columns_or_lsoa_codes_is_refused(tmp_path, table_counts):
    before = table_counts()
    no_values = write_csv(tmp_path, "ids.csv", IDS, CITY_001A)
    no_codes = write_csv(tmp_path, "ranks.csv", FILE_1[1:], CITY_001A[1:] + ["29199", "9"])
    short_row = write_csv(tmp_path, "short.csv", FILE_1, CITY_001A + ["29199"])
    problems = problems_of([no_values, no_codes, short_row])
    assert problems[0] == (
        f"{no_values}:1: (header): no deprivation columns (expected MHCLG's names, such as "
        "'Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)'; the header has: "
        f"{', '.join(IDS)})")
    assert problems[1].startswith(f"{no_codes}:1: LSOA code (2011): missing column")
    assert problems[2] == f"{short_row}:2: (row): expected 6 fields, found 5"
    assert table_counts() == before


def test_real_file_1_xlsx(shared_data, capsys):
    path = shared_data / "imd2019_lsoa" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx"
    call_command("load", "deprivation", str(path))
    assert Deprivation.objects.count() == 32_844
    city = Deprivation.objects.get(lsoa_code="E01000001")
    assert (city.lsoa_name, city.imd_rank, city.imd_decile) == ("City of London 001A", 29199, 9)
    chelmsford = Deprivation.objects.get(lsoa_code="E01021596")
    assert (chelmsford.district_code, chelmsford.imd_rank, chelmsford.imd_decile) == (
        "E07000070", 8031, 3)
    assert Deprivation.objects.filter(imd_decile=1).count() == 3_284  # 10% of England's LSOAs
    capsys.readouterr()
    call_command("datasets", "--json")
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["source_file"], listed["rows"]) == (path.name, 32_844)


def test_real_file_2_csv_adds_the_domains(shared_data):
    folder = shared_data / "imd2019_lsoa"
    load("deprivation", [folder / "imd2019_file1_imd_rank_decile.csv.gz",
                         folder / "iod2019_file2_domains_rank_decile.csv.gz"])
    southend_003a = Deprivation.objects.get(lsoa_code="E01015814")
    assert (southend_003a.imd_rank, southend_003a.imd_decile) == (19102, 6)
    city = Deprivation.objects.get(lsoa_code="E01000001")
    assert (city.income_rank, city.crime_decile, city.living_environment_rank) == (32831, 10, 7789)
    assert Deprivation.objects.count() == 32_844
    assert sorted(Dataset.objects.values_list("row_count", flat=True)) == [32_844, 32_844]
