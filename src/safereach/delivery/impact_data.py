"""The impact evaluation over the database: which schools received a programme and from which
term, each school's monthly count of the programme's incidents within its radius, and the
matrix's indicators before each term, handed to the pure estimator in delivery.impact; and the
answer, or the refusal, as a dict for the page, the JSON command and the kept run.

The programme is a matrix programme: its profile names the incident categories it aims to
prevent (police.uk crime types and fire incident types, whichever are loaded) and the radius
around each school, by phase. Its schools are those its target list ranks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date

import numpy as np

from safereach.bookings.calendar_days import terms_for
from safereach.bookings.models import Term
from safereach.delivery import impact
from safereach.delivery.models import VisitOutcome
from safereach.evidence.models import Incident
from safereach.matrix import indicators as ind
from safereach.matrix.compute import Evidence, Matrix
from safereach.matrix.evidence import load_evidence
from safereach.matrix.models import Programme
from safereach.schools.models import School

Progress = Callable[[float, str], None]

DESIGN = {
    "question": "Did incidents near schools that received the programme change, compared with similar "
    "schools that had not received it yet?",
    "maryland_scale": 3,
    "can_show": [
        "Whether incidents of the programme's kinds within each school's radius changed after its first "
        "delivered visit, by more or less than they changed near similar schools not yet visited.",
        "How that difference grew or faded month by month after the term of the visit.",
        "Whether treated and comparison schools were already drifting apart before the visits "
        "(the check of the months before): if they were, the estimate is not to be trusted.",
    ],
    "cannot_show": [
        "That the programme caused the change: schools were chosen for visits because of their need, "
        "and whatever led to a visit (a spate of incidents, a new head teacher, other work in the same "
        "streets) may also move incidents. Matching on the matrix's indicators removes only the "
        "differences those indicators measure.",
        "Anything about individual children: the unit is the school's surroundings, and an incident "
        "near a school need not involve its pupils.",
        "Effects that reach beyond a school's radius: a school stops being a comparison once its "
        "surroundings overlap a visited school's, and a visited school is left out if a neighbour "
        "sharing its surroundings was visited first, but an effect that spreads further still pulls "
        "the estimate towards no change.",
        "Effects smaller than the interval: an interval that includes zero means no change could be "
        "told apart from noise, not that the programme has no effect.",
    ],
    "stronger": "A stepped-wedge roll-out, in which an agreed random share of the schools waiting for the "
    "programme is held back for a term, compares like with like by design (Maryland level 4-5).",
}


def thresholds() -> dict:
    return {
        "months_of_incident_data": impact.MIN_MONTHS,
        "months_before_a_term": impact.MIN_MONTHS_BEFORE,
        "months_from_a_term_on": impact.MIN_MONTHS_AFTER,
        "treated_schools": impact.MIN_TREATED,
        "comparison_schools": impact.MIN_COMPARISON,
    }


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def first_delivered_visits(programme_slug: str) -> dict[int, date]:
    """school id → the day of its first delivered visit of a session of the programme."""
    first: dict[int, date] = {}
    for school_id, starts_at in (
        VisitOutcome.objects.filter(delivered=True, visit__session__programme__slug=programme_slug)
        .values_list("visit__school_id", "visit__starts_at")
        .order_by("visit__starts_at")
    ):
        first.setdefault(school_id, starts_at.date())
    return first


def treatment_terms(first_visits: dict[int, date], la_codes: dict[int, str]) -> dict[int, tuple[date, str]]:
    """school id → (first day of the term its first delivered visit fell in, the term's name).
    A visit outside the local authority's term dates starts its school's treatment in its own
    month."""
    terms: dict[str, list[Term]] = {}
    out = {}
    for school_id, day in first_visits.items():
        la = la_codes.get(school_id, "")
        if la not in terms:
            terms[la] = list(terms_for(la)[0])
        term = next((t for t in terms[la] if t.starts_on <= day <= t.ends_on), None)
        if term is None:
            out[school_id] = (day.replace(day=1), f"{day:%B %Y}")
        else:
            out[school_id] = (term.starts_on, term.name)
    return out


def panel_months(categories) -> list[int]:
    """The months every source of the programme's incidents has data for: police.uk months
    missing from a force's data, or a fire service's export that starts later, are left out
    rather than read as months without incidents."""
    sources = set(
        Incident.objects.filter(category__in=categories).values_list("source", flat=True).distinct()
    )
    months = None
    for source in sorted(sources):
        present = {
            ind.month_index(m.year, m.month)
            for m in Incident.objects.filter(source=source).values_list("month", flat=True).distinct()
        }
        months = present if months is None else months & present
    return sorted(months or [])


def monthly_counts(
    evidence: Evidence, radius: np.ndarray, columns: np.ndarray, months: list[int], schools: np.ndarray
) -> np.ndarray:
    """Incidents of the chosen categories within each school's radius, month by month."""
    chosen = np.isin(evidence.incident_category, columns)
    xy, month, category = (
        evidence.incident_xy[chosen],
        evidence.incident_month[chosen],
        evidence.incident_category[chosen],
    )
    out = np.zeros((len(schools), len(months)))
    for k, m in enumerate(months):
        counts = ind.incident_counts(
            evidence.school_xy[schools],
            radius[schools],
            xy,
            month,
            category,
            len(evidence.categories),
            until=m,
            window=1,
        )
        out[:, k] = counts.total[:, columns].sum(axis=1)
    return out


def _evidence_until(evidence: Evidence, month: int) -> Evidence:
    known = evidence.incident_month <= month
    return Evidence(
        **{
            **evidence.__dict__,
            "incident_xy": evidence.incident_xy[known],
            "incident_month": evidence.incident_month[known],
            "incident_category": evidence.incident_category[known],
        }
    )


def evaluate(
    programme: Programme,
    *,
    bootstrap: int = impact.BOOTSTRAP,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict:
    """The impact estimate for `programme` on the data loaded now, or why there is none."""
    progress = progress or (lambda fraction, text: None)
    profile = programme.parsed_profile()
    categories = list(profile.target_categories)
    base = {
        "programme": programme.slug,
        "programme_name": programme.name,
        "categories": categories,
        "radius_m": profile.radius_m,
        "thresholds": thresholds(),
        "design": DESIGN,
    }
    if not categories:
        return {
            **base,
            "status": "refused",
            "reasons": [
                "The programme's targeting profile counts no incidents, so there is nothing to measure a "
                "change in."
            ],
            "treated": 0,
            "comparison": 0,
            "months": 0,
            "cohorts": [],
        }
    progress(0.0, "Reading the schools and incidents loaded")
    evidence, school_ids = load_evidence()
    matrix = Matrix(evidence)
    radius = matrix.radius(profile)
    members = np.flatnonzero(np.isin(evidence.school_phase_group, profile.phases))
    months = panel_months(categories)
    columns = matrix.category_columns(categories)

    first_visits = first_delivered_visits(programme.slug)
    la_codes = dict(School.objects.filter(pk__in=list(first_visits)).values_list("pk", "la_code"))
    terms = treatment_terms(first_visits, la_codes)
    position = {school_ids[s]: k for k, s in enumerate(members)}
    first = np.full(len(members), impact.NEVER, np.int64)
    term_names: dict[int, str] = {}
    outside = 0
    for school_id, (starts, name) in terms.items():
        k = position.get(school_id)
        if k is None:
            outside += 1  # not ranked by this programme's list (another phase, or no location)
            continue
        first[k] = ind.month_index(starts.year, starts.month)
        term_names[int(first[k])] = name

    progress(0.1, f"Counting {', '.join(categories).lower()} near {len(members):,} schools, month by month")
    outcome = (
        monthly_counts(evidence, radius, columns, months, members) if months else np.zeros((len(members), 0))
    )

    covariates = {}
    names: list[str] = []
    cohorts = sorted({int(g) for g in first if g != impact.NEVER and months and months[0] < g <= months[-1]})
    for k, g in enumerate(cohorts):
        before = [m for m in months if m < g]
        if len(before) < impact.MIN_MONTHS_BEFORE or len(months) - len(before) < impact.MIN_MONTHS_AFTER:
            continue  # the estimator leaves this cohort out
        progress(
            0.2 + 0.6 * k / max(1, len(cohorts)),
            f"Building the target list as it stood before {term_names.get(g, ind.month_label(g))}",
        )
        as_then = Matrix(_evidence_until(evidence, before[-1]), until=before[-1])
        target = as_then.target_list(profile)
        order = {int(s): r for r, s in enumerate(target.school_index)}
        names = list(target.percentiles)
        table = (
            np.column_stack([target.percentiles[name] for name in names])
            if names
            else np.zeros((len(order), 0))
        )
        covariates[g] = np.array([table[order[int(s)]] for s in members]).reshape(len(members), len(names))

    progress(0.85, "Comparing treated and not-yet-treated schools, and the bootstrap")
    panel = impact.Panel(
        outcome,
        np.array(months, np.int64),
        first,
        evidence.school_phase_group[members],
        covariates,
        names,
        exposed=impact.exposure(evidence.school_xy[members], radius[members], first),
        cluster=impact.areas(evidence.school_xy[members], 2 * float(np.max(radius)) if len(radius) else 1.0),
    )
    result = impact.estimate(panel, bootstrap=bootstrap, seed=seed)
    shared = {
        **base,
        "months": len(months),
        "first_month": ind.month_label(months[0]) if months else None,
        "last_month": ind.month_label(months[-1]) if months else None,
        "schools": len(members),
        "visited_outside_the_list": outside,
        "cohorts": [
            {
                "term": term_names.get(c.month, ind.month_label(c.month)),
                "month": ind.month_label(c.month),
                **{k: v for k, v in asdict(c).items() if k != "month"},
            }
            for c in result.cohorts
        ],
        "treated": result.treated,
        "comparison": result.comparison,
    }
    return as_dict(result, shared, seed)


def as_dict(result: impact.Estimate | impact.Refusal, shared: dict, seed: int = 0) -> dict:
    """The estimator's answer as the page, the command and the kept run read it."""
    if isinstance(result, impact.Refusal):
        return {**shared, "status": "refused", "reasons": result.reasons}
    return {
        **shared,
        "status": "estimate",
        "overall": {
            "incidents_a_month": round(result.overall, 3),
            "ci95": [round(v, 3) for v in result.overall_ci],
            "baseline_incidents_a_month": round(result.baseline, 3),
            "relative": None if result.relative is None else round(result.relative, 4),
            "relative_ci95": None
            if result.relative_ci is None
            else [round(v, 4) for v in result.relative_ci],
        },
        "event_study": [
            {
                "months_from_term": e,
                "estimate": round(v, 3),
                "ci95": [round(lo, 3), round(hi, 3)],
                "schools": n,
            }
            for e, v, (lo, hi), n in zip(
                result.event_times, result.event_estimates, result.event_ci, result.event_schools
            )
        ],
        "pretrend": {
            "chi2": None if result.pretrend_chi2 is None else round(result.pretrend_chi2, 3),
            "df": result.pretrend_df,
            "p": None if result.pretrend_p is None else round(result.pretrend_p, 4),
            "passed": result.pretrend_p is None or result.pretrend_p >= 0.05,
        },
        "balance": [
            {
                **b,
                **{
                    k: None if b[k] is None else round(b[k], 3)
                    for k in ("treated_mean", "before_matching", "after_matching")
                },
            }
            for b in result.balance
        ],
        "method": {
            "neighbours": result.neighbours,
            "bootstrap": result.bootstrap,
            "seed": seed,
            "window_before": impact.WINDOW_BEFORE,
            "window_after": impact.WINDOW_AFTER,
        },
    }
