"""Councils' tiers of need load from CSV all or nothing, with each problem as path:line: column:
reason; loaded tiers are the tiers in force."""

import pytest

from safereach.evidence.importers.base import LoadFailed
from safereach.evidence.importers.run import load
from safereach.schools.models import School, TierDecision
from safereach.schools.tests.factories import make_school

pytestmark = pytest.mark.django_db


def write(tmp_path, text, name="tiers.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_council_file_sets_the_tiers(tmp_path):
    a, b, c = (make_school(urn=urn) for urn in (111111, 222222, 333333))
    path = write(tmp_path, "URN,Tier of need,Notes\n111111,1,\n222222,Tier 2: enhanced,Repeat visits\n"
                           "333333,Complex,\"Exploitation, exclusions\"\n")
    (outcome,) = load("tiers", [path])
    assert outcome.rows == 3 and outcome.dataset.classification == "OFFICIAL-SENSITIVE"
    assert [School.objects.get(pk=s.pk).need_tier for s in (a, b, c)] == [1, 2, 3]
    decision = TierDecision.objects.get(school=c)
    assert decision.source == "council" and decision.reason == "Exploitation, exclusions"
    assert TierDecision.objects.get(school=a).reason == "The council's assessment in tiers.csv"
    (again,) = load("tiers", [path])  # the same file again changes nothing
    assert again.unchanged and TierDecision.objects.count() == 3


def test_every_bad_row_is_named_and_nothing_is_loaded(tmp_path, table_counts):
    make_school(urn=111111)
    path = write(tmp_path, "URN,Tier\n111111,4\nabc,1\n999999,2\n,\n111111,2\n")
    before = table_counts()
    with pytest.raises(LoadFailed) as failed:
        load("tiers", [path])
    assert failed.value.report().splitlines() == [
        f"{path}:2: Tier: '4' is not a tier: give 1, 2 or 3 (universal, enhanced or complex)",
        f"{path}:3: URN: 'abc' is not a URN (a whole number)",
        f"{path}:4: URN: no school with URN 999999 is loaded (load the schools first)",
        f"{path}:5: URN: is empty",
        f"{path}:5: Tier: is empty",
        f"{path}:6: URN: duplicate URN 111111 (also on line 2)",
    ]
    assert table_counts() == before


def test_a_file_without_the_columns_says_which(tmp_path):
    path = write(tmp_path, "School,Need\nOakfield,1\n")
    with pytest.raises(LoadFailed) as failed:
        load("tiers", [path])
    assert "1: URN: missing column" in failed.value.report()
