"""The incident counts kept per cell and LSOA give the same answers as counting the incidents."""

import datetime

import pytest

from safereach.evidence.models import Dataset, Incident
from safereach.maps import counts
from safereach.maps.counts import Category
from safereach.maps.grid import CELL_SIZES
from safereach.maps.models import IncidentAreaCount

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = (datetime.date(2024, m, 1) for m in (1, 2, 3))
WHOLE = ((2200, 2300), (790, 830))  # cell ranges of 250 m covering the county


def _range(size):
    return ((WHOLE[0][0] * 250) // size, (WHOLE[0][1] * 250) // size), (
        (WHOLE[1][0] * 250) // size,
        (WHOLE[1][1] * 250) // size,
    )


def test_kept_counts_equal_counting_the_incidents(mapped_county):
    counts.ensure_fresh()
    for size in CELL_SIZES:
        cols, rows = _range(size)
        for category in [
            Category(),
            Category("police"),
            Category("police", "Burglary"),
            Category("", "Anti-social behaviour"),
            Category("fire"),
        ]:
            for months in [(JAN, MAR), (FEB, FEB), (MAR, MAR)]:
                kept = counts.cell_counts(size, *months, category, cols, rows)
                assert kept == counts.naive_cell_counts(size, *months, category, cols, rows)
                expected = Incident.objects.filter(
                    month__gte=months[0], month__lte=months[1], **category.incident_filters()
                ).count()
                assert sum(kept.values()) == expected, (size, category, months)


def test_lsoa_counts_follow_the_incidents_links(mapped_county):
    counts.ensure_fresh()
    kept = counts.lsoa_counts(JAN, MAR, Category())
    for lsoa in mapped_county["lsoas"]:
        assert kept.get(lsoa.pk, 0) == Incident.objects.filter(lsoa=lsoa).count()


def test_nothing_is_counted_again_until_the_incidents_change(mapped_county):
    assert counts.ensure_fresh() == [JAN, FEB, MAR]
    assert counts.ensure_fresh() == []
    dataset = Dataset.objects.get(kind="crime")
    Incident.objects.create(
        dataset=dataset,
        source="fire",
        category="Deliberate secondary fire",
        month=datetime.date(2024, 4, 1),
        easting=561_000,
        northing=201_000,
    )
    assert counts.ensure_fresh() == [datetime.date(2024, 4, 1)]
    assert counts.cell_counts(
        1000, datetime.date(2024, 4, 1), datetime.date(2024, 4, 1), Category("fire"), (561, 561), (201, 201)
    ) == {(561, 201): 1}


def test_deleting_a_dataset_takes_its_counts_away(mapped_county):
    counts.ensure_fresh()
    Dataset.objects.filter(kind="crime").delete()
    assert counts.ensure_fresh() == [JAN, FEB, MAR]
    assert counts.cell_counts(16000, JAN, MAR, Category(), (0, 100), (0, 200)) == {}
    assert not IncidentAreaCount.objects.exists()


def test_the_categories_and_months_loaded(mapped_county):
    counts.ensure_fresh()
    assert counts.months_present() == [JAN, FEB, MAR]
    labels = [c.label for c in counts.categories()]
    assert labels[:2] == ["All incidents", "All crime"]
    assert {"Anti-social behaviour", "Burglary", "Criminal damage and arson"} <= set(labels)
    assert Category.parse("police:Burglary") == Category("police", "Burglary")
    assert Category.parse("") == Category()


def test_counts_in_any_cells_and_months_equal_counting_the_incidents(mapped_county):
    """The months remembered per set of cells give the same answers as the incidents table, for
    cells in any order and any range of months, and follow a new load at once."""
    import numpy as np

    counts.ensure_fresh()
    rng = np.random.default_rng(7)
    for size in CELL_SIZES:
        (c0, c1), (r0, r1) = _range(size)
        cols, rows = np.meshgrid(np.arange(c0, c1 + 1), np.arange(r0, r1 + 1))
        order = rng.permutation(cols.size)[: max(1, cols.size // 2)]  # some cells, shuffled
        cols, rows = cols.ravel()[order], rows.ravel()[order]
        for category in [Category(), Category("police", "Burglary"), Category("", "Anti-social behaviour")]:
            for months in [(JAN, MAR), (FEB, FEB), (FEB, MAR), (datetime.date(2023, 1, 1), JAN)]:
                found = counts.counts_in_cells(size, cols, rows, *months, category)
                naive = counts.naive_cell_counts(size, *months, category, (c0, c1), (r0, r1))
                assert found.tolist() == [naive.get((c, r), 0) for c, r in zip(cols.tolist(), rows.tolist())]
    cols, rows = np.array([561]), np.array([201])
    april = datetime.date(2024, 4, 1)
    assert counts.counts_in_cells(1000, cols, rows, JAN, april, Category("fire")).tolist() == [0]
    Incident.objects.create(
        dataset=Dataset.objects.get(kind="crime"), source="fire", category="Deliberate secondary fire",
        month=april, easting=561_000, northing=201_000,
    )
    counts.ensure_fresh()
    assert counts.counts_in_cells(1000, cols, rows, JAN, april, Category("fire")).tolist() == [1]
    assert counts.counts_in_cells(1000, cols, rows, JAN, MAR, Category("fire")).tolist() == [0]
