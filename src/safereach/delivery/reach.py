"""Reach: pupils reached and visits delivered, added up from the outcomes officers record, by
programme, district, ward, term and school year; the share of each programme's target schools
reached; the schools never visited; what schools said of their visits and what their pupils
knew straight after and six weeks on, by programme. Pure: it takes plain rows and returns
plain figures, so the page, the exports and `safereach reach` cannot disagree.

A figure is shown exactly to the agency whose visits it counts. Anywhere else a count of 1 to 4
reads "fewer than 5", with secondary suppression so that a hidden count cannot be worked out
from the total (core.small_counts). Pupils reached by a row whose visits are hidden are hidden
too: 28 pupils beside "fewer than 5" visits would point at one class.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from safereach.core.small_counts import (
    FEWER_THAN_SMALL,
    NOT_SHOWN,
    enough_to_summarise,
    is_small,
    shared_count,
    shared_table,
)
from safereach.schools.models import school_year_of  # noqa: F401 - the schools' rule, used here

BREAKDOWNS = ("programme", "district", "ward", "term", "school_year")
YEARS_OF_TARGET_SHARE = 3  # this school year and the two before
YEARS_SHOWN = 5  # school years in the table by school year


def school_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def term_label(name: str) -> str:
    """A short label for a chart's axis: 'Autumn term 2025' → 'Aut 25'."""
    found = re.search(r"(\d{4})", name)
    return f"{name[:3]} {found[1][2:]}" if found else name[:10]


@dataclass(frozen=True)
class DeliveredVisit:
    """One visit whose outcome says it was delivered, with where and when it counts."""

    agency_id: int
    programme: str
    school_id: int
    district: tuple[str, str]  # (code, name)
    ward: tuple[str, str]
    term: tuple[date, str]  # (first day, name)
    school_year: int
    pupils: int


@dataclass
class Row:
    key: str
    label: str
    visits: int
    pupils: int
    visits_text: str = ""
    pupils_text: str = ""
    shown: bool = True  # both figures shown as numbers (a chart draws it)


@dataclass
class TargetShare:
    programme: str
    label: str
    targets: int  # schools in the top tenth of the current list
    this_year: int
    last_three: int
    this_year_text: str = ""
    last_three_text: str = ""


@dataclass(frozen=True)
class VisitResults:
    """What a delivered visit's school said of it, and what its class knew: usefulness out of 5
    and whether it fitted the year group (None without feedback); the class's knowledge check
    straight after the visit and six weeks on, as (answers right, answers asked) (None when not
    taken)."""

    agency_id: int
    programme: str
    school_year: int
    usefulness: int | None = None
    about_right: bool | None = None
    after: tuple[int, int] | None = None
    six_weeks: tuple[int, int] | None = None


@dataclass
class ResultsRow:
    """One programme's feedback and knowledge checks in a school year. Averages and shares are
    None where the viewer may not see them: over fewer than 5 responses of another agency."""

    key: str
    label: str
    feedback: int
    feedback_text: str
    usefulness: float | None
    about_right: float | None
    classes: int
    classes_text: str
    right_after: float | None
    classes_six_weeks: int
    classes_six_weeks_text: str
    right_six_weeks: float | None
    right_after_same_classes: float | None  # the classes that took it again, straight after


RESULTS_COLUMNS = {
    "feedback": "Visits with feedback",
    "usefulness": "Usefulness (out of 5)",
    "about_right": "About right for the year group",
    "classes": "Classes checked after the visit",
    "right_after": "Answers right after the visit",
    "classes_six_weeks": "Classes checked again six weeks on",
    "right_six_weeks": "Answers right six weeks on",
    "right_after_same_classes": "The same classes, right after the visit",
}


def results_text(row: ResultsRow) -> dict[str, str]:
    """Each figure of a results row as the page, the spreadsheet and `safereach reach` show it:
    an average left out for small counts reads "not shown", one with nothing to average "–"."""

    def average(value, n, fmt):
        if not n:
            return "–"
        return NOT_SHOWN if value is None else fmt(value)

    def percent(value):
        return f"{100 * value:.0f}%"

    return {
        "feedback": row.feedback_text,
        "usefulness": average(row.usefulness, row.feedback, lambda v: f"{v:.1f}"),
        "about_right": average(row.about_right, row.feedback, percent),
        "classes": row.classes_text,
        "right_after": average(row.right_after, row.classes, percent),
        "classes_six_weeks": row.classes_six_weeks_text,
        "right_six_weeks": average(row.right_six_weeks, row.classes_six_weeks, percent),
        "right_after_same_classes": average(row.right_after_same_classes, row.classes_six_weeks, percent),
    }


def results_numbers(row: ResultsRow) -> dict:
    """The same figures as numbers, for the agency's own `safereach reach --json`: shares as
    fractions, None where there is nothing to average."""
    return {key: getattr(row, key) for key in RESULTS_COLUMNS}


def _share(pairs) -> float | None:
    asked = sum(a for _, a in pairs)
    return sum(r for r, _ in pairs) / asked if asked else None


def results_table(
    results: Iterable[VisitResults],
    *,
    school_year: int,
    own: Callable[[VisitResults], bool],
    programme_names: dict[str, str],
    programme: str | None = None,
) -> list[ResultsRow]:
    """Feedback and knowledge checks by programme for `school_year`, as this viewer may see them:
    another agency's counts of 1 to 4 read "fewer than 5", and an average over them is not
    shown (core.small_counts)."""
    by: dict[str, list[VisitResults]] = {}
    for r in results:
        if r.school_year == school_year and (programme is None or r.programme == programme):
            by.setdefault(r.programme, []).append(r)
    rows = []
    for slug, found in by.items():
        exact = all(own(r) for r in found)

        def shown(n: int) -> bool:
            return exact or enough_to_summarise(n)  # noqa: B023 - used at once, in this loop

        feedback = [r for r in found if r.usefulness is not None]
        checked = [r for r in found if r.after is not None]
        repeated = [r for r in found if r.six_weeks is not None]
        again = [r for r in repeated if r.after is not None]
        rows.append(
            ResultsRow(
                slug,
                programme_names.get(slug, slug),
                len(feedback),
                shared_count(len(feedback), not exact),
                sum(r.usefulness for r in feedback) / len(feedback)
                if feedback and shown(len(feedback))
                else None,
                sum(bool(r.about_right) for r in feedback) / len(feedback)
                if feedback and shown(len(feedback))
                else None,
                len(checked),
                shared_count(len(checked), not exact),
                _share([r.after for r in checked]) if shown(len(checked)) else None,
                len(repeated),
                shared_count(len(repeated), not exact),
                _share([r.six_weeks for r in repeated]) if shown(len(repeated)) else None,
                _share([r.after for r in again]) if shown(len(again)) else None,
            )
        )
    return sorted(rows, key=lambda r: r.label)


@dataclass
class Figures:
    school_year: int
    total_visits: int
    total_pupils: int
    total_visits_text: str
    total_pupils_text: str
    tables: dict[str, list[Row]]
    target_shares: list[TargetShare]
    suppressed: bool
    never_visited: list[dict] = field(default_factory=list)
    results: list[ResultsRow] = field(default_factory=list)


def _table(
    visits: list[DeliveredVisit],
    key: Callable,
    label: Callable,
    own: Callable[[DeliveredVisit], bool],
    order: Callable | None = None,
) -> list[Row]:
    """Rows of one breakdown, with each figure's text as this viewer may see it."""
    counts: dict[str, list] = {}
    shared_keys = set()
    for v in visits:
        k = key(v)
        row = counts.setdefault(k, [label(v), 0, 0])
        row[1] += 1
        row[2] += v.pupils
        if not own(v):
            shared_keys.add(k)
    exact = counts.keys() - shared_keys
    visits_text = shared_table({k: r[1] for k, r in counts.items()}, exact=exact)
    hidden_visits = {k for k, text in visits_text.items() if text in (FEWER_THAN_SMALL, NOT_SHOWN)}
    pupils_text = shared_table({k: r[2] for k, r in counts.items()}, exact=exact, hidden=hidden_visits)
    rows = [
        Row(
            k,
            r[0],
            r[1],
            r[2],
            visits_text[k],
            pupils_text[k],
            shown=visits_text[k] not in (FEWER_THAN_SMALL, NOT_SHOWN)
            and pupils_text[k] not in (FEWER_THAN_SMALL, NOT_SHOWN),
        )
        for k, r in counts.items()
    ]
    return sorted(rows, key=order or (lambda r: r.label))


def figures(
    visits: Iterable[DeliveredVisit],
    *,
    school_year: int,
    own: Callable[[DeliveredVisit], bool],
    targets: dict[str, set[int]],
    programme_names: dict[str, str],
    programme: str | None = None,
) -> Figures:
    """The reach figures of `school_year` (terms and school years reach back further) for the
    visits given, which the caller has narrowed to an agency or not. `own(v)` says whether the
    viewer may see v's counts exactly; `targets` maps a programme to its top-decile school ids."""
    visits = [v for v in visits if programme is None or v.programme == programme]
    this_year = [v for v in visits if v.school_year == school_year]
    recent = [v for v in visits if school_year - YEARS_OF_TARGET_SHARE < v.school_year <= school_year]
    years = [v for v in visits if school_year - YEARS_SHOWN < v.school_year <= school_year]
    tables = {
        "programme": _table(
            this_year, lambda v: v.programme, lambda v: programme_names.get(v.programme, v.programme), own
        ),
        "district": _table(this_year, lambda v: v.district[0], lambda v: v.district[1], own),
        "ward": _table(this_year, lambda v: v.ward[0], lambda v: f"{v.ward[1]}, {v.district[1]}", own),
        "term": _table(
            recent, lambda v: f"{v.term[0]:%Y-%m-%d}", lambda v: v.term[1], own, order=lambda r: r.key
        ),
        "school_year": _table(
            years,
            lambda v: str(v.school_year),
            lambda v: school_year_label(v.school_year),
            own,
            order=lambda r: r.key,
        ),
    }
    all_own = all(own(v) for v in this_year)
    total_visits = len(this_year)
    total_pupils = sum(v.pupils for v in this_year)
    shares = []
    for slug, ids in sorted(targets.items(), key=lambda item: programme_names.get(item[0], item[0])):
        if programme is not None and slug != programme:
            continue
        delivering = [v for v in recent if v.programme == slug and v.school_id in ids]
        reached_now = {v.school_id for v in delivering if v.school_year == school_year}
        reached_recent = {v.school_id for v in delivering}
        shared = not all(own(v) for v in delivering)
        shares.append(
            TargetShare(
                slug,
                programme_names.get(slug, slug),
                len(ids),
                len(reached_now),
                len(reached_recent),
                shared_count(len(reached_now), shared),
                shared_count(len(reached_recent), shared),
            )
        )
    texts = [t for rows in tables.values() for r in rows for t in (r.visits_text, r.pupils_text)]
    texts += [t for s in shares for t in (s.this_year_text, s.last_three_text)]
    total_visits_text = shared_count(total_visits, not all_own)
    total_pupils_text = (
        NOT_SHOWN
        if not all_own and is_small(total_visits) and total_pupils
        else shared_count(total_pupils, not all_own)
    )
    return Figures(
        school_year=school_year,
        total_visits=total_visits,
        total_pupils=total_pupils,
        total_visits_text=total_visits_text,
        total_pupils_text=total_pupils_text,
        tables=tables,
        target_shares=shares,
        suppressed=bool({FEWER_THAN_SMALL, NOT_SHOWN} & {*texts, total_visits_text, total_pupils_text}),
    )


def never_visited(schools: Iterable[dict], visited: set[int], targets: dict[str, set[int]]) -> list[dict]:
    """Schools with no delivered visit among `visited`, target schools first, then by name;
    each with the programmes whose top tenth it is in."""
    out = []
    for school in schools:
        if school["id"] in visited:
            continue
        target_of = sorted(slug for slug, ids in targets.items() if school["id"] in ids)
        out.append({**school, "target_of": target_of})
    return sorted(out, key=lambda s: (not s["target_of"], s["name"]))
