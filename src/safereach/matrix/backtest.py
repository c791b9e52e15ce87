"""Does the target list point where incidents happen next? A rolling back-test.

From each of several origins (months with data whose following `horizon` months all have data),
the list is built again from the data up to that month only, and every ranking is compared with
each school's count of the programme's incidents within its radius over the `horizon` months
after. The rankings: the programme's list, the forecast alone, IMD alone, last period's count
alone (the `horizon` months to the origin), and the ceiling (the schools that turned out
highest, known only afterwards). With an area classification loaded, the forecast with the
classification in its prior too, so the back-test says whether it helps.

Measures (forecast.measures): Spearman's rank correlation; top-decile precision; exposure
captured (the chosen tenth's share of all incidents near the schools), beside the ceiling's.
Each is reported per origin and as the mean and spread over origins.
"""

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from safereach.matrix import forecast as fc
from safereach.matrix import indicators as ind
from safereach.matrix.compute import Evidence, Matrix
from safereach.matrix.profiles import Profile

# Told the fraction done (0 to 1) and what is being done now, between the steps of a back-test.
Progress = Callable[[float, str], None]
MEASURES = ("spearman", "top_decile_precision", "exposure_captured")
RANKINGS = ("profile", "forecast", "imd_only", "last_period_count", "oracle")
WITH_CLASSIFICATION = "forecast_with_area_classification"


def _quiet(fraction: float, text: str) -> None:
    pass


def origins_available(months_present: set[int], horizon: int, *, until: int | None = None) -> list[int]:
    """Months with data, on or before `until`, whose `horizon` months after all have data."""
    return [m for m in sorted(months_present)
            if (until is None or m <= until)
            and all(m + k in months_present for k in range(1, horizon + 1))]


def _rounded(value):
    return None if value is None else round(float(value), 4)


def _summary(per_origin: list[dict]) -> dict:
    """Mean over origins of each measure, and its spread (standard deviation, lowest, highest)."""
    out = {}
    for measure in MEASURES:
        values = [o[measure] for o in per_origin if o.get(measure) is not None]
        out[measure] = _rounded(np.mean(values)) if values else None
        out[f"{measure}_spread"] = ({"sd": _rounded(np.std(values)), "lowest": _rounded(min(values)),
                                     "highest": _rounded(max(values))} if values else None)
    out["origins_measured"] = len([o for o in per_origin if o.get("spearman") is not None])
    return out


def backtest(evidence: Evidence, profile: Profile, *, horizon: int, origins: int = 6,
             until: int | None = None, seed: int = 0, permutations: int = 99,
             progress: Progress | None = None) -> dict:
    """The rolling back-test's figures for one programme, as a dict ready for JSON: the latest
    `origins` origins on or before `until` (default: the latest there can be)."""
    progress = progress or _quiet
    categories = profile.target_categories
    if not categories:
        raise ValueError("This programme's profile counts no incidents, so there is nothing to "
                         "compare its list with")
    present = evidence.months_present()
    possible = origins_available(present, horizon, until=until)
    if not possible:
        raise ValueError(f"The data loaded has no month followed by {horizon} month"
                         f"{'s' if horizon != 1 else ''} with data"
                         + (f" on or before {ind.month_label(until)}" if until is not None else ""))
    chosen_origins = possible[-origins:]
    profile = replace(profile, horizon_months=horizon)  # the list forecasts what is judged
    shared: dict = {}
    full = Matrix(evidence, seed=seed, permutations=permutations, monthly=shared)
    monthly = full.monthly(profile, categories)  # counted once, on all the data, for every origin
    classified = evidence.lsoa_groups is not None and np.isfinite(evidence.lsoa_groups).any()

    per_origin = []
    latest_fit = None
    for k, origin in enumerate(chosen_origins):
        progress(0.95 * k / len(chosen_origins),
                 f"Building the list from data up to {ind.month_label(origin)} "
                 f"({k + 1} of {len(chosen_origins)})")
        known = evidence.incident_month <= origin
        past = Evidence(**{**evidence.__dict__, "incident_xy": evidence.incident_xy[known],
                           "incident_month": evidence.incident_month[known],
                           "incident_category": evidence.incident_category[known]})
        matrix = Matrix(past, until=origin, seed=seed, permutations=permutations, monthly=shared)
        target = matrix.target_list(profile)
        chosen = target.school_index
        outcome, _ = monthly.window(origin + horizon, horizon)
        outcome = outcome[chosen]
        found, member = matrix.forecast(profile, categories, horizon=horizon)
        position = {s: r for r, s in enumerate(member)}
        rows = np.array([position[s] for s in chosen], int)
        last = fc.last_period(monthly, origin, horizon)
        imd = matrix.catchment(profile, "imd", "catchment")[chosen]
        scores = {
            "profile": target.score,
            "forecast": found.expected[rows],
            "imd_only": imd,
            "last_period_count": (last[chosen] if last is not None else np.full(len(chosen), np.nan)),
            "oracle": outcome,
        }
        if classified:
            with_groups, _ = matrix.forecast(profile, categories, horizon=horizon, groups=True)
            scores[WITH_CLASSIFICATION] = with_groups.expected[rows]
        figures = {}
        for name, score in scores.items():
            score = np.asarray(score, float)
            if np.isnan(score).all():
                figures[name] = {m: None for m in MEASURES}
                continue
            # Schools without a figure (say, no IMD for their area) go to the bottom.
            score = np.where(np.isnan(score), np.nanmin(score) - 1, score)
            figures[name] = fc.measures(score, outcome)  # rounded once averaged
        per_origin.append({
            "until": ind.month_label(origin),
            "incidents_near_schools_after": int(outcome.sum()),
            "months_missing_before": [ind.month_label(m) for m in range(origin - profile.window_months + 1,
                                                                         origin + 1) if m not in present],
            "forecast_fit": found.describe_fit(),
            "forecast_uses_prior": found.with_prior,
            "rankings": figures,
        })
        latest_fit = found

    is_target = np.isin(evidence.incident_category, full.category_columns(categories))
    after = (is_target & (evidence.incident_month > chosen_origins[0])
             & (evidence.incident_month <= chosen_origins[-1] + horizon))
    names = [*RANKINGS, *([WITH_CLASSIFICATION] if classified else [])]
    rankings = {name: _summary([o["rankings"][name] for o in per_origin]) for name in names}
    for o in per_origin:
        o["rankings"] = {name: {m: _rounded(v) for m, v in figures.items()}
                         for name, figures in o["rankings"].items()}
    progress(0.98, "Comparing the rankings with what happened")
    return {
        "until": ind.month_label(chosen_origins[-1]),
        "first_origin": ind.month_label(chosen_origins[0]),
        "origins_asked": origins,
        "origins_used": len(chosen_origins),
        "horizon_months": horizon,
        "categories": list(categories),
        "schools": int(len(chosen)),
        # Incidents of the categories in the months the forecasts cover, each counted once.
        "incidents_after": int(after.sum()),
        "rankings": rankings,
        "origins": per_origin,
        "forecast": {
            "fitted_on": latest_fit.describe_fit(),
            "uses_prior": latest_fit.with_prior,
            "weights": {name: _rounded(w) for name, w in zip(latest_fit.terms.names, latest_fit.weights)},
        },
    }
