"""Each school's expected count of a programme's incidents near it over the coming months.

The forecast is a Poisson regression with an identity link and weights of 0 or more:

    expected = months ahead × (baseline + Σ_w a_w · pace over the last w months
                               + b · people nearby × deprivation + c · people nearby
                               [+ Σ_g d_g · people nearby in area classification g])

The pace over the last 1, 3, 6, 12 and 24 months (incidents a month, scaled from the months
with data) carries the school's own history: because the windows are nested and every weight
is 0 or more, a month's weight can only fall with its age, so recent months count more and the
longer windows steady small counts. The people within the school's radius, and how deprived they
are, are the prior that carries a school with a thin history. Every term adds a number of
incidents, so the forecast of each school is the sum of named contributions a person can read.

The weights are fitted only on windows before the month the forecast starts from (each window: the
features at an earlier month, and the incidents in the months after it, all before the origin), and
refitted whenever a list is built. Whether the prior earns its place is decided on the latest
window before the origin, fitted without that window, so it is only used where it helps the
ranking.

Counts per school and month come from one ball count per month in a KD-tree (scipy cKDTree), so a
national list costs a few seconds, and a rolling back-test reuses the same counts for each origin.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize
from scipy.spatial import cKDTree
from scipy.stats import spearmanr
from threadpoolctl import threadpool_limits

WINDOWS = (1, 3, 6, 12, 24)
# Earlier windows to learn the weights from, most recent first.
TRAINING_WINDOWS = 12
# The 2011 Output Area Classification's supergroups (ONS), by the first digit of the code.
SUPERGROUPS = {
    "1": "Rural residents", "2": "Cosmopolitans", "3": "Ethnicity central",
    "4": "Multicultural metropolitans", "5": "Urbanites", "6": "Suburbanites",
    "7": "Constrained city dwellers", "8": "Hard-pressed living",
}


@dataclass
class MonthlyCounts:
    """Incidents of a set of categories within each school's radius, per calendar month.

    `months[k]` is a month index (`indicators.month_index`); `present[k]` says whether any
    incident of any kind was loaded for that month: a month without data is not a month of
    no incidents."""

    counts: np.ndarray  # schools × months
    months: np.ndarray
    present: np.ndarray  # bool per month

    def column(self, month: int) -> int:
        return int(month - self.months[0]) if len(self.months) else -1

    def window(self, until: int, window: int) -> tuple[np.ndarray, int]:
        """(Count per school over the months present in the `window` months to `until`,
        number of months present)."""
        if len(self.months) == 0:
            return np.zeros(len(self.counts)), 0
        hi = min(self.column(until), len(self.months) - 1)
        lo = max(self.column(until - window + 1), 0)
        if hi < lo:
            return np.zeros(len(self.counts)), 0
        present = self.present[lo:hi + 1]
        return self.counts[:, lo:hi + 1][:, present].sum(axis=1), int(present.sum())

    def rate(self, until: int, window: int) -> np.ndarray | None:
        """Incidents a month over the window, from the months present; None when none are."""
        total, months = self.window(until, window)
        return total / months if months else None

    def is_present(self, month: int) -> bool:
        k = self.column(month)
        return 0 <= k < len(self.months) and bool(self.present[k])


def monthly_counts(school_xy: np.ndarray, radius: np.ndarray, incident_xy: np.ndarray,
                   incident_month: np.ndarray, months_present: set[int]) -> MonthlyCounts:
    """Counts per school and month of the incidents given (already the chosen categories).
    The months run from the first month present to the last."""
    if not months_present:
        return MonthlyCounts(np.zeros((len(school_xy), 0)), np.empty(0, int), np.empty(0, bool))
    first, last = min(months_present), max(months_present)
    months = np.arange(first, last + 1)
    present = np.isin(months, list(months_present))
    counts = np.zeros((len(school_xy), len(months)))
    if len(school_xy) and len(incident_xy):
        order = np.argsort(incident_month, kind="stable")
        xy, month = incident_xy[order], incident_month[order]
        bounds = np.searchsorted(month, np.r_[months, last + 1])
        for k in range(len(months)):
            lo, hi = bounds[k], bounds[k + 1]
            if hi > lo:
                counts[:, k] = cKDTree(xy[lo:hi]).query_ball_point(school_xy, radius,
                                                                  return_length=True)
    return MonthlyCounts(counts, months, present)


@dataclass
class Prior:
    """What a school's neighbourhood says before its own history: people within its radius
    (thousands), how deprived they are (0-1), and optionally the share of them in each area
    classification group (schools × groups, rows summing to 1 where known)."""

    people: np.ndarray
    deprivation: np.ndarray  # NaN where unknown
    deprivation_name: str = "deprivation"
    groups: np.ndarray | None = None
    group_names: list[str] = field(default_factory=list)


@dataclass
class Terms:
    """The forecast's terms for every school at one origin: incidents a month, each ≥ 0."""

    names: list[str]
    values: np.ndarray  # schools × terms
    kinds: list[str]  # "baseline", "history", "prior"


def terms(monthly: MonthlyCounts, until: int, prior: Prior | None, *, with_prior: bool,
          with_groups: bool = False) -> Terms:
    """The terms at origin `until`. A window with no month of data takes the pace of the
    nearest window that has some (the origin itself always has data in practice)."""
    n = len(monthly.counts)
    rates = {w: monthly.rate(until, w) for w in WINDOWS}
    known = [w for w in WINDOWS if rates[w] is not None]
    names, columns, kinds = ["baseline"], [np.ones(n)], ["baseline"]
    for w in WINDOWS:
        rate = rates[w]
        if rate is None:
            rate = rates[min(known, key=lambda k: abs(k - w))] if known else np.zeros(n)
        names.append(f"last_{w}")
        columns.append(rate)
        kinds.append("history")
    if with_prior and prior is not None:
        deprivation = np.nan_to_num(prior.deprivation, nan=float(np.nanmean(prior.deprivation))
                                    if np.isfinite(prior.deprivation).any() else 0.0)
        names.append("people_deprivation")
        columns.append(prior.people * deprivation)
        kinds.append("prior")
        if with_groups and prior.groups is not None:
            for g, name in enumerate(prior.group_names):
                names.append(f"people_{name}")
                columns.append(prior.people * np.nan_to_num(prior.groups[:, g]))
                kinds.append("prior")
        else:
            names.append("people")
            columns.append(prior.people)
            kinds.append("prior")
    return Terms(names, np.column_stack(columns), kinds)


def fit_weights(x: np.ndarray, y: np.ndarray, exposure: np.ndarray, ridge: float = 1e-6) -> np.ndarray:
    """Poisson regression with the identity link and weights ≥ 0: the weights w maximising
    Σ y log μ − μ with μ = exposure × x·w (exposure: months ahead with data). Columns are
    scaled to a mean of 1 for the solver and the weights scaled back."""
    scale = np.maximum(x.mean(axis=0), 1e-9)
    xs = x / scale

    # einsum rather than `@`: a matrix-vector product through a multi-threaded BLAS spins its
    # threads against each other on a busy machine and costs a hundred times more here.
    def loss(w):
        mu = exposure * np.einsum("ij,j->i", xs, w) + 1e-9
        value = np.sum(mu - y * np.log(mu)) / len(y) + 0.5 * ridge * np.sum(w ** 2)
        grad = np.einsum("ij,i->j", xs, exposure * (1 - y / mu)) / len(y) + ridge * w
        return value, grad

    start = np.full(x.shape[1], max(float(y.mean() / max(exposure.mean(), 1e-9)), 1e-3) / x.shape[1])
    # One BLAS thread: the solver's small steps gain nothing from more, and on a busy machine
    # threads waiting on each other make each step cost milliseconds.
    with threadpool_limits(1):
        found = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=[(0, None)] * x.shape[1])
    return found.x / scale


def top_tenth(score: np.ndarray) -> np.ndarray:
    """Indices of the top 10% of schools by score (at least one), ties in the order given."""
    n = max(1, int(np.ceil(len(score) * 0.10)))
    return np.argsort(-np.asarray(score, float), kind="stable")[:n]


def measures(score: np.ndarray, outcome: np.ndarray) -> dict:
    """How well a ranking foretold what happened: Spearman's rank correlation; top-decile
    precision (the share of the chosen tenth that turned out in the actual top tenth, ties at
    its edge counted in, schools with no incidents never); exposure captured (the chosen
    tenth's share of all the incidents near the schools). None where not defined."""
    score, outcome = np.asarray(score, float), np.asarray(outcome, float)
    if len(score) == 0:
        return {"spearman": None, "top_decile_precision": None, "exposure_captured": None}
    chosen = top_tenth(score)
    k = len(chosen)
    edge = np.sort(outcome)[::-1][k - 1]
    in_top = (outcome >= edge) & (outcome > 0)
    total = outcome.sum()
    rho = None
    if len(score) >= 3 and np.ptp(score) > 0 and np.ptp(outcome) > 0:
        rho = float(spearmanr(score, outcome).statistic)
    return {"spearman": rho,
            "top_decile_precision": float(in_top[chosen].mean()) if total > 0 else None,
            "exposure_captured": float(outcome[chosen].sum() / total) if total > 0 else None}


def _judge(score, outcome) -> float:
    m = measures(score, outcome)
    return np.mean([v for v in (m["spearman"], m["top_decile_precision"]) if v is not None] or [0])


@dataclass
class Forecast:
    """Expected incidents per school over `horizon` months from the month after `until`, with
    each school's contributions (schools × terms, summing to `expected`)."""

    until: int
    horizon: int
    expected: np.ndarray
    contributions: np.ndarray
    terms: Terms
    weights: np.ndarray  # incidents a month per unit of each term
    trained_on: list[int]  # the origins of the windows the weights were fitted on
    with_prior: bool
    with_groups: bool
    fallback: bool  # no earlier window to learn from: the pace of the last 12 months

    def describe_fit(self) -> str:
        from safereach.matrix.indicators import month_label

        if self.fallback:
            return ("No earlier window to learn from: the forecast is the pace of the last 12 "
                    "months with data.")
        first, last = min(self.trained_on), max(self.trained_on)
        return (f"Weights fitted on {len(self.trained_on)} earlier window"
                f"{'s' if len(self.trained_on) != 1 else ''} ({month_label(first)} to "
                f"{month_label(last)} as starting months), never on the months forecast.")


def training_origins(monthly: MonthlyCounts, until: int, horizon: int,
                     limit: int = TRAINING_WINDOWS) -> list[int]:
    """Months s before `until` with data, whose `horizon` months after all lie on or before
    `until` and have at least one month with data: the windows a forecast from `until` may
    learn from. Most recent first."""
    found = []
    for s in range(until - horizon, int(monthly.months[0]) - 1 if len(monthly.months) else until, -1):
        if not monthly.is_present(s):
            continue
        if any(monthly.is_present(m) for m in range(s + 1, s + horizon + 1)):
            found.append(s)
        if len(found) >= limit:
            break
    return found


def _outcome(monthly: MonthlyCounts, s: int, horizon: int) -> tuple[np.ndarray, int]:
    total, months = monthly.window(s + horizon, horizon)
    return total, months


def _fit(monthly, origins, horizon, prior, with_prior, with_groups):
    xs, ys, exposure = [], [], []
    for s in origins:
        y, months = _outcome(monthly, s, horizon)
        xs.append(terms(monthly, s, prior, with_prior=with_prior, with_groups=with_groups).values)
        ys.append(y)
        exposure.append(np.full(len(y), float(months)))
    return fit_weights(np.vstack(xs), np.concatenate(ys), np.concatenate(exposure))


def forecast(monthly: MonthlyCounts, until: int, horizon: int, prior: Prior | None = None, *,
             groups: bool = False) -> Forecast:
    """The forecast from `until` over the next `horizon` months, fitted on earlier windows only.

    With `groups` (and area classification shares in the prior) the prior splits the people
    nearby by classification group. The prior is kept only when, fitted without the latest
    earlier window, it ranks that window at least as well as the history alone."""
    origins = training_origins(monthly, until, horizon)
    if not origins:
        current = terms(monthly, until, prior, with_prior=False)
        weights = np.zeros(len(current.names))
        weights[current.names.index("last_12")] = 1.0
        return _finish(current, weights, until, horizon, [], False, False, True)
    # The prior has to earn its place on a window it was not fitted on: with a single earlier
    # window there is none to judge it on, and the history alone is used.
    use_prior = prior is not None and bool(np.isfinite(prior.people).any()) and len(origins) >= 2
    use_groups = use_prior and groups and prior.groups is not None
    if use_prior:
        # Judge the prior on the latest earlier window, fitted without it.
        latest, earlier = origins[0], origins[1:]
        outcome, _ = _outcome(monthly, latest, horizon)
        plain = np.einsum("ij,j->i", terms(monthly, latest, prior, with_prior=False).values,
                          _fit(monthly, earlier, horizon, prior, False, False))
        rich = np.einsum("ij,j->i", terms(monthly, latest, prior, with_prior=True,
                                          with_groups=use_groups).values,
                         _fit(monthly, earlier, horizon, prior, True, use_groups))
        use_prior = bool(_judge(rich, outcome) >= _judge(plain, outcome))
        use_groups = use_groups and use_prior
    weights = _fit(monthly, origins, horizon, prior, use_prior, use_groups)
    current = terms(monthly, until, prior, with_prior=use_prior, with_groups=use_groups)
    return _finish(current, weights, until, horizon, origins, use_prior, use_groups, False)


def _finish(current, weights, until, horizon, origins, with_prior, with_groups, fallback):
    contributions = current.values * weights[None, :] * horizon
    return Forecast(until, horizon, contributions.sum(axis=1), contributions, current, weights,
                    sorted(origins), with_prior, with_groups, fallback)


def last_period(monthly: MonthlyCounts, until: int, horizon: int) -> np.ndarray | None:
    """Last period's count: the `horizon` months to `until`, scaled from the months with
    data; None when none of them has any."""
    rate = monthly.rate(until, horizon)
    return None if rate is None else rate * horizon
