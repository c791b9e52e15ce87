"""Incident counts kept per grid cell and per LSOA for each month, and the questions the map
asks of them.

The incidents table can hold millions of rows (a national police.uk year is about six million);
counting a county's cells from it for every change of month range or category would take
seconds. So counts are kept per cell, month and category (IncidentCellCount) and per LSOA
(IncidentAreaCount), and brought up to date after every load: only the months whose incidents
changed are counted again. `naive_cell_counts` answers the same question from the incidents
table, for the tests and the benchmark to compare against.

The kept counts add every dataset together. When some incident dataset is withheld from the
viewer (its sharing agreement has ended, say: governance.access), a grid's counts are the kept
counts less that dataset's own, counted from its rows alone; other questions (per LSOA, the
categories and months) are answered from the incidents table without it.
"""

import hashlib
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, Max, Sum

from safereach.evidence.models import Dataset, Incident
from safereach.maps.grid import CELL_SIZES
from safereach.maps.models import IncidentAreaCount, IncidentCellCount, IncidentCountsState

INCIDENT_KINDS = ("crime", "fire-incidents")
_refreshing = threading.Lock()


@dataclass(frozen=True)
class Category:
    """Which incidents a layer counts: one source's category, every category of a source
    (`category` blank), or everything (both blank)."""

    source: str = ""
    category: str = ""

    @property
    def label(self) -> str:
        if self.category:
            return self.category
        return {"police": "All crime", "fire": "All fire incidents"}.get(self.source, "All incidents")

    @property
    def value(self) -> str:
        """As the page's URL gives it: 'police:Burglary', 'fire:', or '' for everything."""
        return f"{self.source}:{self.category}" if self.source else ""

    @classmethod
    def parse(cls, value: str) -> "Category":
        source, _, category = (value or "").partition(":")
        return cls(source.strip(), category.strip())

    def incident_filters(self) -> dict:
        """The same, as a filter of the incidents table."""
        return {k: v for k, v in (("source", self.source), ("category", self.category)) if v}

    def filters(self) -> dict:
        """The rows of the kept counts that hold this. Rollups have a blank category (every
        category of a source) or a blank source and category (everything), so the usual
        questions are equalities on the index."""
        if self.category and not self.source:
            return {"category": self.category}  # the category under any source
        return {"source": self.source, "category": self.category}


def version() -> tuple | None:
    """Which refresh of the kept counts is current: anything worked out from them is good until
    this changes. It is what ensure_fresh compares (the last incident, the datasets and each
    month's total), so it changes whenever the counts do, even within one tick of the clock."""
    state = (
        IncidentCountsState.objects.filter(key=1)
        .values_list("last_incident_id", "datasets", "month_totals", "refreshed_at")
        .first()
    )
    if state is None:
        return None
    last, datasets, totals, refreshed = state
    return last, tuple(datasets), tuple(sorted(totals.items())), refreshed.timestamp()


def _kept(name: str, compute):
    """A figure of the kept counts, remembered until they are next refreshed: the map's form asks
    for the categories and months on every request."""
    from django.core.cache import cache

    state = version()
    key = f"maps:{name}:{hashlib.sha256(repr(state).encode()).hexdigest()}" if state else None
    found = cache.get(key) if key else None
    if found is None:
        found = compute()
        if key:
            cache.set(key, found, 3600)
    return found


def categories(without=()) -> list[Category]:
    """Every category with incidents, grouped by source, with the rollups first; but for the
    datasets `without` (ids: withheld from the viewer, so not even their categories are named)."""
    if without:
        return _kept(
            "categories-without-" + "-".join(map(str, sorted(without))),
            lambda: _categories(
                Incident.objects.exclude(dataset_id__in=without)
                .values_list("source", "category")
                .distinct()
                .order_by("source", "category")
            ),
        )
    return _kept("categories", _categories)


def _categories(present=None) -> list[Category]:
    present = present if present is not None else (
        IncidentCellCount.objects.filter(size=CELL_SIZES[-1])
        .exclude(category="")
        .values_list("source", "category")
        .distinct()
        .order_by("source", "category")
    )
    sources = sorted({s for s, _ in present})
    found = [Category()] + [Category(s) for s in sources]
    return found + [Category(s, c) for s, c in present]


def months_present(without=()) -> list[date]:
    """The months with any incidents, oldest first; but for the datasets `without` (ids)."""
    if without:
        left = Incident.objects.exclude(dataset_id__in=without)
        return _kept(
            "months-without-" + "-".join(map(str, sorted(without))),
            lambda: list(left.values_list("month", flat=True).distinct().order_by("month")),
        )
    return _kept("months", _months_present)


def _months_present() -> list[date]:
    return list(
        IncidentCellCount.objects.filter(size=CELL_SIZES[-1], source="", category="")
        .values_list("month", flat=True)
        .distinct()
        .order_by("month")
    )


# ---------------------------------------------------------------------------- keeping counts


def _fingerprint() -> tuple[int, list[int]]:
    last = Incident.objects.aggregate(last=Max("id"))["last"] or 0
    datasets = sorted(Dataset.objects.filter(kind__in=INCIDENT_KINDS).values_list("id", flat=True))
    return last, datasets


def ensure_fresh() -> list[date]:
    """Bring the kept counts up to date with the incidents table; returns the months counted
    again (none when nothing changed, which costs two small queries)."""
    last, datasets = _fingerprint()
    state = IncidentCountsState.objects.filter(key=1).first()
    if state and state.last_incident_id == last and state.datasets == datasets:
        return []
    with _refreshing, transaction.atomic():
        state, _ = IncidentCountsState.objects.select_for_update().get_or_create(key=1)
        last, datasets = _fingerprint()
        if state.last_incident_id == last and state.datasets == datasets:
            return []  # another thread counted them while this one waited
        totals = {
            m.isoformat(): n
            for m, n in Incident.objects.values_list("month").annotate(n=Count("id")).order_by()
        }
        changed = {
            m for m in set(totals) | set(state.month_totals) if totals.get(m) != state.month_totals.get(m)
        }
        # New rows may replace old ones of the same month, leaving its total as it was.
        changed |= {
            m.isoformat()
            for m in Incident.objects.filter(id__gt=state.last_incident_id)
            .values_list("month", flat=True)
            .distinct()
        }
        months = sorted(date.fromisoformat(m) for m in changed)
        _count(months)
        state.last_incident_id, state.datasets, state.month_totals = last, datasets, totals
        state.save()
    return months


def refresh_all() -> None:
    """Count every month again (after boundaries change, say)."""
    with _refreshing, transaction.atomic():
        IncidentCellCount.objects.all().delete()
        IncidentAreaCount.objects.all().delete()
        months = list(Incident.objects.values_list("month", flat=True).distinct())
        _count(sorted(months))
        last, datasets = _fingerprint()
        totals = {
            m.isoformat(): n
            for m, n in Incident.objects.values_list("month").annotate(n=Count("id")).order_by()
        }
        IncidentCountsState.objects.update_or_create(
            key=1, defaults={"last_incident_id": last, "datasets": datasets, "month_totals": totals}
        )


def _count(months: list[date]) -> None:
    """Replace the kept counts of `months`, in SQL: one pass over those months' incidents for
    the smallest cells, then each larger size from the one below, then the rollups."""
    if not months:
        return
    for start in range(0, len(months), 200):
        chunk = months[start : start + 200]
        IncidentCellCount.objects.filter(month__in=chunk).delete()
        IncidentAreaCount.objects.filter(month__in=chunk).delete()
        _count_chunk(chunk)


def _floor_div(column: str, size: int) -> str:
    # Eastings and northings are never negative, so truncating is flooring; PostgreSQL rounds
    # when it casts, SQLite truncates.
    if connection.vendor == "postgresql":
        return f"FLOOR({column} / {size})::integer"
    return f"CAST({column} / {size} AS INTEGER)"


def _count_chunk(months: list[date]) -> None:
    # Column names quoted: "row", "size" and "count" are words of SQL. Each INSERT gives its rows
    # in the order of the lookup index, so the index grows at its end rather than all through.
    q = connection.ops.quote_name
    cells, areas = q(IncidentCellCount._meta.db_table), q(IncidentAreaCount._meta.db_table)
    incidents = q(Incident._meta.db_table)
    size, col, row, month, source, category, count, lsoa = (
        q(n) for n in ("size", "col", "row", "month", "source", "category", "count", "lsoa_id")
    )
    in_months = f"{month} IN ({', '.join(['%s'] * len(months))})"
    into_cells = f"INSERT INTO {cells} ({size}, {col}, {row}, {month}, {source}, {category}, {count}) "
    into_areas = f"INSERT INTO {areas} ({lsoa}, {month}, {source}, {category}, {count}) "
    base = CELL_SIZES[0]
    with connection.cursor() as cursor:
        cursor.execute(
            into_cells
            + f"SELECT {base}, {_floor_div(q('easting'), base)}, {_floor_div(q('northing'), base)}, "
            f"{month}, {source}, {category}, COUNT(*) FROM {incidents} "
            f"WHERE {in_months} AND {q('easting')} IS NOT NULL AND {q('northing')} IS NOT NULL "
            f"GROUP BY 2, 3, {month}, {source}, {category} ORDER BY {category}, {source}, {month}, 3, 2",
            months,
        )
        for smaller, larger in zip(CELL_SIZES, CELL_SIZES[1:]):
            cursor.execute(
                into_cells + f"SELECT {larger}, {col} / {larger // smaller}, {row} / {larger // smaller}, "
                f"{month}, {source}, {category}, "
                f"SUM({count}) FROM {cells} WHERE {size} = {smaller} AND {category} <> '' AND {in_months} "
                f"GROUP BY 2, 3, {month}, {source}, {category} ORDER BY {category}, {source}, {month}, 3, 2",
                months,
            )
        # Every category of a source, then every source: the questions asked most often.
        cursor.execute(
            into_cells + f"SELECT {size}, {col}, {row}, {month}, {source}, '', SUM({count}) FROM {cells} "
            f"WHERE {category} <> '' AND {in_months} GROUP BY {size}, {col}, {row}, {month}, {source} "
            f"ORDER BY {size}, {source}, {month}, {row}, {col}",
            months,
        )
        cursor.execute(
            into_cells + f"SELECT {size}, {col}, {row}, {month}, '', '', SUM({count}) FROM {cells} "
            f"WHERE {category} = '' AND {source} <> '' AND {in_months} "
            f"GROUP BY {size}, {col}, {row}, {month} "
            f"ORDER BY {size}, {month}, {row}, {col}",
            months,
        )
        cursor.execute(
            into_areas + f"SELECT {lsoa}, {month}, {source}, {category}, COUNT(*) FROM {incidents} "
            f"WHERE {in_months} AND {lsoa} IS NOT NULL GROUP BY {lsoa}, {month}, {source}, {category}",
            months,
        )
        cursor.execute(
            into_areas + f"SELECT {lsoa}, {month}, {source}, '', SUM({count}) FROM {areas} "
            f"WHERE {category} <> '' AND {in_months} GROUP BY {lsoa}, {month}, {source}",
            months,
        )
        cursor.execute(
            into_areas + f"SELECT {lsoa}, {month}, '', '', SUM({count}) FROM {areas} "
            f"WHERE {category} = '' AND {source} <> '' AND {in_months} GROUP BY {lsoa}, {month}",
            months,
        )


# ---------------------------------------------------------------------------- asking for counts


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def cell_counts(
    size: int, first: date, last: date, category: Category, cols: tuple[int, int], rows: tuple[int, int],
    without=(),
) -> dict[tuple[int, int], int]:
    """Incidents per cell of `size` within the column and row ranges (inclusive), over the
    months `first` to `last` (inclusive), from the kept counts; leaving out the incidents of
    the datasets `without` (ids), counted from the incidents table.

    The months and rows are listed rather than given as ranges: each pair is then an equality on
    the index and the columns a range within it, so only the view's cells are read."""
    if without:
        return naive_cell_counts(size, first, last, category, cols, rows, without)
    found = (
        IncidentCellCount.objects.filter(
            size=size,
            month__in=months_between(first, last),
            col__gte=cols[0],
            col__lte=cols[1],
            row__in=list(range(rows[0], rows[1] + 1)),
            **category.filters(),
        )
        .values_list("col", "row")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return {(c, r): n for c, r, n in found}


def counts_in_cells(
    size: int, cols: np.ndarray, rows: np.ndarray, first: date, last: date, category: Category, without=()
) -> np.ndarray:
    """Incidents in each of the cells (cols[i], rows[i]) of `size` over the months `first` to
    `last` (inclusive), in the cells' order; leaving out the datasets `without` (ids)."""
    found = monthly_cell_counts(size, cols, rows, category).between(first, last)
    if without:
        # The kept counts add every dataset together: take away the withheld datasets' own.
        found = found - withheld_cell_counts(size, cols, rows, category, without).between(first, last)
    return found


@dataclass(frozen=True)
class MonthlyCells:
    """The incidents in each of a set of cells in every month with incidents: a months × cells
    array, so any range of months is a sum of rows."""

    months: tuple[date, ...]
    counts: np.ndarray

    def between(self, first: date, last: date) -> np.ndarray:
        i, j = bisect_left(self.months, first), bisect_right(self.months, last)
        return self.counts[i:j].sum(axis=0, dtype=np.int64)


def monthly_cell_counts(size: int, cols: np.ndarray, rows: np.ndarray, category: Category) -> MonthlyCells:
    """Every month's incidents in the cells (cols[i], rows[i]) of `size`, from the kept counts.

    Someone looking at a map moves the months back and forth over the same area and category:
    each process remembers a few areas' months (a county's are some hundreds of kilobytes) until
    the kept counts are refreshed, so a change of months reads nothing from the database."""
    cols = np.ascontiguousarray(cols, dtype=np.int64)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    return _monthly(size, cols.tobytes(), rows.tobytes(), category, version())


def withheld_cell_counts(
    size: int, cols: np.ndarray, rows: np.ndarray, category: Category, datasets
) -> MonthlyCells:
    """Every month's incidents of the `datasets` (ids) alone in the cells, counted from the
    incidents table (those datasets' rows only) and remembered like the kept counts' months."""
    cols = np.ascontiguousarray(cols, dtype=np.int64)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    return _withheld(size, cols.tobytes(), rows.tobytes(), category, tuple(sorted(datasets)), version())


def forget() -> None:
    """Drop what this process remembers of the kept counts (tests start afresh with it)."""
    _monthly.cache_clear()
    _withheld.cache_clear()


class _Box:
    """The box round a set of cells, and where in the set's order each cell of the box is."""

    def __init__(self, cols: bytes, rows: bytes):
        self.c = np.frombuffer(cols, dtype=np.int64)
        self.r = np.frombuffer(rows, dtype=np.int64)
        self.c0, self.r0 = int(self.c.min()), int(self.r.min())
        self.c1, self.r1 = int(self.c.max()), int(self.r.max())
        self.width = self.c1 - self.c0 + 1
        # -1: a cell of the box that is not one of the set.
        self.position = np.full(self.width * (self.r1 - self.r0 + 1), -1, dtype=np.int64)
        self.position[(self.r - self.r0) * self.width + (self.c - self.c0)] = np.arange(len(self.c))

    def add(self, counts: np.ndarray, found: np.ndarray) -> None:
        """Add rows of (place in the box, count) to `counts`, one number per cell."""
        at = self.position[found[:, 0]]
        inside = at >= 0
        added = np.bincount(at[inside], weights=found[inside, 1], minlength=len(self.c))
        counts += added.astype(counts.dtype)


@lru_cache(maxsize=16)
def _withheld(size: int, cols: bytes, rows: bytes, category: Category, datasets: tuple, state):
    months = tuple(months_present())
    counts = np.zeros((len(months), len(cols) // 8), dtype=np.int32)
    if not len(cols) or not months or not datasets:
        return MonthlyCells(months, counts)
    box = _Box(cols, rows)
    q = connection.ops.quote_name
    filters = category.incident_filters()
    e, n = q("easting"), q("northing")
    sql = (
        f"SELECT {q('month')}, ({_floor_div(n, size)} - %s) * %s + ({_floor_div(e, size)} - %s), COUNT(*) "
        f"FROM {q(Incident._meta.db_table)} "
        f"WHERE {q('dataset_id')} IN ({', '.join(['%s'] * len(datasets))}) "
        + "".join(f"AND {q(k)} = %s " for k in filters)
        + f"AND {e} >= %s AND {e} < %s AND {n} >= %s AND {n} < %s GROUP BY 1, 2"
    )
    params = [box.r0, box.width, box.c0, *datasets, *filters.values(),
              box.c0 * size, (box.c1 + 1) * size, box.r0 * size, (box.r1 + 1) * size]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if found:
        index = {m: i for i, m in enumerate(months)} | {m.isoformat(): i for i, m in enumerate(months)}
        month = np.array([index[row[0]] for row in found])
        places = np.array([row[1:] for row in found], dtype=np.int64)
        for i in np.unique(month).tolist():
            box.add(counts[i], places[month == i])
    return MonthlyCells(months, counts)


@lru_cache(maxsize=48)
def _monthly(size: int, cols: bytes, rows: bytes, category: Category, state) -> MonthlyCells:
    months = tuple(months_present())
    counts = np.zeros((len(months), len(cols) // 8), dtype=np.int32)
    if not len(cols) or not months:
        return MonthlyCells(months, counts)
    box = _Box(cols, rows)
    q = connection.ops.quote_name
    filters = {"size": size, **category.filters()}
    # One month at a time, each an equality on the index down to the month, then the rows and a
    # range of columns; each row read back as its place in the box and its count, two numbers.
    sql = (
        f"SELECT ({q('row')} - %s) * %s + ({q('col')} - %s), {q('count')} "
        f"FROM {q(IncidentCellCount._meta.db_table)} WHERE "
        + " AND ".join(f"{q(k)} = %s" for k in filters)
        + f" AND {q('month')} = %s AND {q('row')} IN ({', '.join(['%s'] * (box.r1 - box.r0 + 1))}) "
        f"AND {q('col')} >= %s AND {q('col')} <= %s"
    )
    place, rows_in = [box.r0, box.width, box.c0, *filters.values()], range(box.r0, box.r1 + 1)
    with connection.cursor() as cursor:
        for i, month in enumerate(months):
            cursor.execute(sql, [*place, month, *rows_in, box.c0, box.c1])
            box.add(counts[i], np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2))
    return MonthlyCells(months, counts)


def naive_cell_counts(
    size: int, first: date, last: date, category: Category, cols: tuple[int, int], rows: tuple[int, int],
    without=(),
) -> dict[tuple[int, int], int]:
    """The same answer counted from the incidents table itself: the baseline the kept counts
    are measured against, and a check that they agree."""
    where = ["month >= %s", "month <= %s", "easting >= %s", "easting < %s", "northing >= %s", "northing < %s"]
    params: list = [first, last, cols[0] * size, (cols[1] + 1) * size, rows[0] * size, (rows[1] + 1) * size]
    if category.source:
        where.append("source = %s")
        params.append(category.source)
    if category.category:
        where.append("category = %s")
        params.append(category.category)
    if without:
        where.append(f"dataset_id NOT IN ({', '.join(['%s'] * len(without))})")
        params.extend(sorted(without))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_floor_div('easting', size)}, {_floor_div('northing', size)}, COUNT(*) "
            f"FROM {Incident._meta.db_table} WHERE {' AND '.join(where)} GROUP BY 1, 2",
            params,
        )
        return {(c, r): n for c, r, n in cursor.fetchall()}


def lsoa_counts(first: date, last: date, category: Category, without=()) -> dict[int, int]:
    """Incidents per LSOA (2011) id over the months, from the kept counts; leaving out the
    datasets `without` (ids), from the incidents table."""
    if without:
        return dict(
            Incident.objects.filter(month__gte=first, month__lte=last, lsoa__isnull=False,
                                    **category.incident_filters())
            .exclude(dataset_id__in=without)
            .values_list("lsoa_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    found = (
        IncidentAreaCount.objects.filter(month__gte=first, month__lte=last, **category.filters())
        .values_list("lsoa_id")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return dict(found)
