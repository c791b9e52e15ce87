"""Does the target list point where incidents happen next?

Build the matrix from data up to month `until` only; count each school's incidents of the
programme's categories within its radius in the `horizon` months after; compare. Beside the
hand-set profile: IMD alone, last period's count alone, and a profile learned by Poisson
regression on earlier windows only (fitted before `until`, never on the months it predicts).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.spatial import cKDTree
from scipy.stats import spearmanr

from safereach.matrix import indicators as ind
from safereach.matrix.compute import Evidence, Matrix
from safereach.matrix.profiles import Profile

# Told the fraction done (0 to 1) and what is being done now, between the steps of a back-test.
Progress = Callable[[float, str], None]


def _quiet(fraction: float, text: str) -> None:
    pass


def spearman(score: np.ndarray, outcome: np.ndarray) -> float | None:
    """Spearman's rank correlation; None when either side does not vary."""
    if len(score) < 3 or np.ptp(score) == 0 or np.ptp(outcome) == 0:
        return None
    return float(spearmanr(score, outcome).statistic)


def top_tenth(score: np.ndarray) -> np.ndarray:
    """Indices of the top 10% of schools by score (at least one)."""
    n = max(1, int(np.ceil(len(score) * 0.10)))
    return np.argsort(-score, kind="stable")[:n]


def capture(chosen_xy: np.ndarray, chosen_radius: np.ndarray, incident_xy: np.ndarray) -> float | None:
    """Share of the incidents that lie within the radius of at least one chosen school (an
    incident near two of them counts once)."""
    if len(incident_xy) == 0:
        return None
    tree = cKDTree(incident_xy)
    near = np.zeros(len(incident_xy), bool)
    # One query per distinct radius (one per phase group), each over all chosen schools.
    for r in np.unique(chosen_radius):
        for found in tree.query_ball_point(chosen_xy[chosen_radius == r], r):
            near[found] = True
    return float(near.mean())


def fit_poisson(features: np.ndarray, outcome: np.ndarray, ridge: float = 1.0) -> np.ndarray:
    """Poisson regression (log link) with a small ridge penalty: coefficients with the
    intercept first. Features are percentiles scaled 0-1, so the penalty treats them alike."""
    x = np.column_stack([np.ones(len(features)), features])
    y = np.asarray(outcome, float)

    def loss(beta):
        eta = np.clip(x @ beta, -30, 30)
        mu = np.exp(eta)
        value = np.sum(mu - y * eta) + 0.5 * ridge * np.sum(beta[1:] ** 2)
        grad = x.T @ (mu - y)
        grad[1:] += ridge * beta[1:]
        return value, grad

    start = np.zeros(x.shape[1])
    start[0] = np.log(max(y.mean(), 1e-6))
    return minimize(loss, start, jac=True, method="L-BFGS-B").x


@dataclass
class Ranking:
    name: str
    spearman: float | None
    capture: float | None


def _features(target) -> np.ndarray:
    return np.column_stack([np.nan_to_num(p, nan=50.0) / 100
                            for p in target.percentiles.values()])


def backtest(evidence: Evidence, profile: Profile, *, until: int, horizon: int,
             seed: int = 0, permutations: int = 99, progress: Progress | None = None) -> dict:
    """The back-test's figures for one programme, as a dict ready for JSON. `progress` hears
    of each step; building the two lists takes most of the time, so the fractions say so."""
    progress = progress or _quiet
    categories = profile.target_categories
    columns = np.array([i for i, c in enumerate(evidence.categories) if c in set(categories)], int)
    is_target = np.isin(evidence.incident_category, columns)
    months = evidence.incident_month
    after = is_target & (months > until) & (months <= until + horizon)
    missing = [ind.month_label(m) for m in range(until - profile.window_months + 1, until + horizon + 1)
               if m not in evidence.months_present()]

    # Only what was known at `until`: later incidents are not in the matrix's evidence.
    known = months <= until
    past = Evidence(**{**evidence.__dict__, "incident_xy": evidence.incident_xy[known],
                       "incident_month": months[known],
                       "incident_category": evidence.incident_category[known]})
    matrix = Matrix(past, until=until, seed=seed, permutations=permutations)
    progress(0.0, f"Building the list from data up to {ind.month_label(until)}")
    target = matrix.target_list(profile)
    chosen = target.school_index
    xy = evidence.school_xy[chosen]
    radius = matrix.radius(profile)[chosen]

    # What happened next: the same radius counts over the horizon, from all the evidence.
    progress(0.65, f"Counting incidents near each school in the {horizon} month{'s' if horizon != 1 else ''} "
             f"after {ind.month_label(until)}")
    outcome_counts = ind.incident_counts(
        xy, radius, evidence.incident_xy[after], months[after],
        evidence.incident_category[after], len(evidence.categories),
        until=until + horizon, window=horizon)
    outcome = outcome_counts.total[:, columns].sum(axis=1)
    last_period = matrix.counts(profile, until=until, window=horizon).total[chosen][:, columns].sum(axis=1)
    imd_values, _ = evidence.lsoa_deprivation.get("imd", (None, ""))
    imd = (matrix.catchment(profile, "imd", "catchment")[chosen] if imd_values is not None
           else np.full(len(chosen), np.nan))
    incident_xy = evidence.incident_xy[after]

    def judge(name: str, score: np.ndarray) -> Ranking:
        score = np.asarray(score, float)
        # Schools without a figure (say, no IMD for their area) go to the bottom.
        floor = np.nanmin(score) - 1 if np.isfinite(score).any() else 0.0
        score = np.where(np.isnan(score), floor, score)
        top = top_tenth(score)
        return Ranking(name, spearman(score, outcome), capture(xy[top], radius[top], incident_xy))

    progress(0.68, "Comparing the profile, IMD alone and last period's count with what happened")
    rankings = [judge("profile", target.score), judge("imd_only", imd),
                judge("last_period_count", last_period)]

    # Learned profile: fitted where both features and outcome lie before `until`.
    learned = {"fitted": False}
    fit_until = until - horizon
    trained_on = is_target & (months > fit_until) & (months <= until)
    if trained_on.any() and len(chosen) > 5:
        earlier_known = months <= fit_until
        progress(0.7, f"Building the list from data up to {ind.month_label(fit_until)}, "
                 "to learn a profile from")
        earlier = Evidence(**{**evidence.__dict__, "incident_xy": evidence.incident_xy[earlier_known],
                              "incident_month": months[earlier_known],
                              "incident_category": evidence.incident_category[earlier_known]})
        train_matrix = Matrix(earlier, until=fit_until, seed=seed, permutations=permutations)
        train = train_matrix.target_list(profile)
        train_outcome = matrix.counts(profile, until=until, window=horizon).total[
            train.school_index][:, columns].sum(axis=1)
        progress(0.97, "Fitting the learned profile and comparing it with what happened")
        beta = fit_poisson(_features(train), train_outcome)
        predicted = np.exp(np.column_stack([np.ones(len(chosen)), _features(target)]) @ beta)
        rankings.append(judge("learned_poisson", predicted))
        learned = {"fitted": True, "fitted_on": f"indicators up to {ind.month_label(fit_until)}, "
                   f"incidents {ind.month_label(fit_until + 1)} to {ind.month_label(until)}",
                   "coefficients": {"intercept": round(float(beta[0]), 4),
                                    **{name: round(float(b), 4)
                                       for name, b in zip(target.percentiles, beta[1:])}}}

    return {
        "until": ind.month_label(until),
        "horizon_months": horizon,
        "categories": list(categories),
        "schools": int(len(chosen)),
        "incidents_after": int(after.sum()),
        "incidents_near_schools_after": int(outcome.sum()),
        "months_missing": missing,
        "rankings": {r.name: {"spearman": None if r.spearman is None else round(r.spearman, 4),
                              "capture_top_10pc": None if r.capture is None else round(r.capture, 4)}
                     for r in rankings},
        "learned_profile": learned,
    }
