"""Reach over the database: the delivered visits as delivery.reach reads them, the target
schools of each programme, the schools never visited, and where the figures come from (sources,
period and classification), for the pages, the exports and `safereach reach`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.dispatch import Signal

from safereach.bookings.calendar_days import terms_for
from safereach.delivery.models import VisitOutcome
from safereach.delivery.reach import (
    DeliveredVisit,
    Figures,
    figures,
    never_visited,
    results_table,
    school_year_of,
)
from safereach.evidence.models import Classification, Dataset
from safereach.matrix.models import Programme, TargetList
from safereach.matrix.targets import top_decile_school_ids
from safereach.schools.models import School

NOT_KNOWN = ("", "Not known")
# What schools said of their visits and what their pupils knew are recorded above this app (in
# schoolpage): a receiver returns them as delivery.reach.VisitResults rows, for the visits of
# `agency_id`'s sessions (every agency's when None).
visit_results = Signal()
CLOSED = "Closed"


def usual_term(day: date) -> tuple[date, str]:
    """England's usual terms, for a visit outside the local authority's term dates (or where
    none are loaded): autumn from September, spring from January, summer from April."""
    if day.month >= 9:
        return date(day.year, 9, 1), f"Autumn term {day.year}"
    if day.month <= 3:
        return date(day.year, 1, 1), f"Spring term {day.year}"
    return date(day.year, 4, 1), f"Summer term {day.year}"


def programme_names() -> dict[str, str]:
    return dict(Programme.objects.values_list("slug", "name"))


def delivered_visits(agency_id: int | None = None) -> list[DeliveredVisit]:
    """Every delivered visit (of `agency_id`'s sessions, when given), with its school's district
    and ward (from the school's LSOA; GIAS's district when the LSOA is not known) and its term."""
    outcomes = VisitOutcome.objects.filter(delivered=True)
    if agency_id is not None:
        outcomes = outcomes.filter(visit__session__partner_id=agency_id)
    rows = outcomes.values_list(
        "visit__session__partner_id",
        "visit__session__programme__slug",
        "visit__school_id",
        "visit__school__la_code",
        "visit__starts_at",
        "visit__school__lsoa__district__code",
        "visit__school__lsoa__district__name",
        "visit__school__lsoa__parent__code",
        "visit__school__lsoa__parent__name",
        "visit__school__district_code",
        "visit__school__la_name",
        "pupils_reached",
    )
    terms: dict[str, list] = {}
    out = []
    for (
        agency,
        programme,
        school,
        la,
        starts_at,
        d_code,
        d_name,
        w_code,
        w_name,
        gias_district,
        la_name,
        pupils,
    ) in rows:
        day = starts_at.date()
        if la not in terms:
            terms[la] = list(terms_for(la)[0].values_list("starts_on", "ends_on", "name"))
        term = next(((s, n) for s, e, n in terms[la] if s <= day <= e), None) or usual_term(day)
        district = (
            (d_code, d_name)
            if d_code
            else ((gias_district, la_name or gias_district) if gias_district else NOT_KNOWN)
        )
        out.append(
            DeliveredVisit(
                agency,
                programme,
                school,
                district,
                (w_code, w_name) if w_code else NOT_KNOWN,
                term,
                school_year_of(day),
                pupils,
            )
        )
    return out


def target_schools() -> dict[str, set[int]]:
    """Each programme with a current target list → its top-decile school ids."""
    slugs = TargetList.objects.filter(is_current=True, area=None).values_list("programme__slug", flat=True)
    return {slug: top_decile_school_ids(slug) for slug in sorted(set(slugs))}


def schools_in_scope():
    """The schools reach counts over: open schools inside the loaded boundaries, as the matrix
    ranks them."""
    return School.objects.filter(lsoa__isnull=False).exclude(status=CLOSED)


def school_rows() -> list[dict]:
    return [
        {
            "id": pk,
            "urn": urn,
            "name": name,
            "phase": phase,
            "district": district or NOT_KNOWN[1],
            "ward": ward or NOT_KNOWN[1],
        }
        for pk, urn, name, phase, district, ward in schools_in_scope().values_list(
            "pk", "urn", "name", "phase", "lsoa__district__name", "lsoa__parent__name"
        )
    ]


@dataclass
class Report:
    figures: Figures
    never_visited: list[dict]
    sources: list[dict]
    classification: str
    period: str
    agency: object | None
    programme: str | None


def sources(visits: list[DeliveredVisit], agency) -> tuple[list[dict], str]:
    """Where the figures come from, and the classification they take (the highest of them)."""
    kept = VisitOutcome.objects.filter(delivered=True)
    if agency is not None:
        kept = kept.filter(visit__session__partner=agency)
    rows = [
        {
            "source": "Visit outcomes recorded by officers in SafeReach"
            + (f" for {agency.name}" if agency is not None else " for every agency"),
            "publisher": agency.name if agency is not None else "Each delivering agency",
            "period": "",
            "licence": "",
            "rows": len(visits),
            "classification": Classification.OFFICIAL,
        }
    ]
    datasets = Dataset.objects.filter(
        pk__in=set(schools_in_scope().exclude(dataset=None).values_list("dataset", flat=True))
        | set(schools_in_scope().exclude(lsoa__dataset=None).values_list("lsoa__dataset", flat=True))
    ).order_by("kind", "name")
    for d in datasets:
        period = (
            f"{d.period_start:%d %B %Y} to {d.period_end:%d %B %Y}" if d.period_start and d.period_end else ""
        )
        rows.append(
            {
                "source": d.name,
                "publisher": d.publisher,
                "period": period,
                "licence": d.licence,
                "rows": d.row_count,
                "classification": d.classification,
            }
        )
    for t in TargetList.objects.filter(is_current=True, area=None).select_related("programme"):
        rows.append(
            {
                "source": f"Target list: {t.programme.name} (top tenth of schools)",
                "publisher": "SafeReach vulnerability matrix",
                "licence": "",
                "period": f"built {t.built_at:%d %B %Y}"
                + (f", incidents to {t.until:%B %Y}" if t.until else ""),
                "rows": t.school_count,
                "classification": Classification.OFFICIAL,
            }
        )
    sensitive = any(r["classification"] == Classification.OFFICIAL_SENSITIVE for r in rows)
    return rows, Classification.OFFICIAL_SENSITIVE if sensitive else Classification.OFFICIAL


def report(*, school_year: int, agency=None, programme: str | None = None, own=None) -> Report:
    """The reach figures for `school_year`, for one agency's visits or every agency's. `own(v)`
    says which visits the viewer sees exactly (default: all of them)."""
    visits = delivered_visits(None if agency is None else agency.pk)
    targets = target_schools()
    result = figures(
        visits,
        school_year=school_year,
        own=own or (lambda v: True),
        targets=targets,
        programme_names=programme_names(),
        programme=programme,
    )
    result.results = results_table(
        [
            row
            for _, rows in visit_results.send(sender=Report, agency_id=None if agency is None else agency.pk)
            for row in rows or []
        ],
        school_year=school_year,
        own=own or (lambda v: True),
        programme_names=programme_names(),
        programme=programme,
    )
    visited = {v.school_id for v in visits if programme is None or v.programme == programme}
    never = never_visited(
        school_rows(),
        visited,
        {programme: targets[programme]} if programme in targets else ({} if programme else targets),
    )
    found, classification = sources(visits, agency)
    period = (
        f"School year {school_year}/{(school_year + 1) % 100:02d} (1 September {school_year} to 31 August "
        f"{school_year + 1}); terms from {school_year - 2}/{(school_year - 1) % 100:02d} on; "
        "schools never visited: since records began"
    )
    return Report(result, never, found, classification, period, agency, programme)
