"""Did incidents near schools that received a programme change, compared with similar schools
that had not received it yet? A difference-in-differences event study for a staggered roll-out,
over plain arrays: nothing here knows of Django.

The design (Callaway and Sant'Anna 2021, "Difference-in-differences with multiple time
periods", with not-yet-treated comparisons and a universal base period):

- A school is treated from the first month of the term of its first delivered visit; schools
  first treated in the same month form a cohort g. Each cohort is compared only with schools
  not treated by then, never with schools treated earlier (which is what makes an ordinary
  two-way fixed-effects regression wrong when effects grow or differ between cohorts).
- Each treated school is matched to its `neighbours` nearest schools of the same phase group
  among those not treated by g, on the matrix's indicators as they stood before g (percentiles,
  scaled by their spread) and on its own incidents a month in the year before g. A comparison
  school stops counting in the month it is treated, or in the month a school whose surroundings
  overlap its own is (optional: `Panel.exposed`), since an incident near both counts for both.
- For treated school i of cohort g and month t, with b the last month before g:
  d_i(t) = (Y_i(t) - Y_i(b)) - mean over i's matches j still untreated at t of
  (Y_j(t) - Y_j(b)) * L_i / L_j, L being a school's incidents a month in the year before g:
  each comparison's change is taken as a share of its own level and applied to the treated
  school's, so that a season or a trend that moves every count by a share (as crime's do) moves
  a busy school's and a quiet one's alike (parallel trends in proportion).
  ATT(g, t) is the mean of d_i(t) over the cohort; an event-time estimate theta(e) is the mean
  of d_i(g_i + e) over every treated school observed e months from its start, so cohorts count
  by their size (Callaway and Sant'Anna's "dynamic" aggregation).
- The overall effect averages each treated school's d over months 0 to `post` after its start,
  then averages the schools (their "group" aggregation); it is also given as a share of the
  treated schools' own incidents a month before treatment.
- Confidence intervals come from a bootstrap that resamples areas (squares twice the largest
  radius across, `Panel.cluster`), each with all its schools and their whole series, whether
  they appear as treated or as comparisons: nearby schools share incidents, so they are not
  independent (Callaway and Sant'Anna cluster their multiplier bootstrap the same way). 95%
  percentile intervals, pointwise.
  Matches are made once, on the sample; a resample reweights them. The months before
  treatment test the design: if the treated and comparison schools were on parallel paths,
  every theta(e) for e < -1 is zero up to noise; a Wald test with the bootstrap covariance
  says how surprising they are.

Why not a package: the packages on PyPI that implement Callaway and Sant'Anna (csdid,
differences, moderndid, diff-diff) take one covariate vector per school and weight by a
propensity score; here comparison schools are matched cohort by cohort on the indicators as
they stood before that cohort's term, which those interfaces cannot say, and each would bring
pandas (and more) into the running service for some two hundred lines of numpy.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree
from scipy.stats import chi2

# A school never treated within the data (or treated only after it) is "not yet treated" for
# every month.
NEVER = np.iinfo(np.int64).max

# Below these the estimate is refused: too few schools and the bootstrap interval is not to be
# trusted; too few months and neither the trend before treatment nor the change after it can
# be seen.
MIN_MONTHS = 12  # months of incident data in the panel
MIN_MONTHS_BEFORE = 6  # months of data before a cohort's term, for its schools to count
MIN_MONTHS_AFTER = 3  # months of data from a cohort's term on
MIN_TREATED = 10  # treated schools in cohorts that count
MIN_COMPARISON = 20  # distinct comparison schools matched to them

NEIGHBOURS = 5
WINDOW_BEFORE = 12  # months before the term shown (and tested for parallel trends)
WINDOW_AFTER = 12  # months from the term on, shown and averaged into the overall effect
BOOTSTRAP = 999
# Two schools share surroundings when their centres are closer than this share of the sum of
# their radii (1: any overlap at all).
OVERLAP = 1.0


@dataclass
class Panel:
    """Monthly counts for every school in the study, and when each was first treated."""

    outcome: np.ndarray  # schools × months: incidents within the school's radius
    months: np.ndarray  # month indices (year * 12 + month - 1), ascending; months without data left out
    first_treated: np.ndarray  # month index the school's treatment starts, or NEVER
    group: np.ndarray  # exact-match group of each school (its phase group)
    # Covariates for matching, as they stood before cohort g: g → schools × features.
    covariates: dict[int, np.ndarray] = field(default_factory=dict)
    covariate_names: list[str] = field(default_factory=list)
    # Month from which a treated school's surroundings overlap the school's own (NEVER if none):
    # from then on its incidents may have been prevented by that school's visit, so it is no
    # longer a fair comparison. None: schools do not overlap.
    exposed: np.ndarray | None = None
    # The area each school is resampled with (nearby schools share incidents, so they are not
    # independent); None: each school alone.
    cluster: np.ndarray | None = None


@dataclass
class Cohort:
    month: int
    schools: int  # treated schools matched and counted
    unmatched: int  # treated schools with no comparison school of their group
    months_before: int
    months_after: int
    # Treated schools left out because a school sharing their surroundings was treated before
    # them: their months before are not free of the programme.
    exposed_before: int = 0


@dataclass
class Estimate:
    overall: float
    overall_ci: tuple[float, float]
    relative: float | None  # overall / treated schools' incidents a month before treatment
    relative_ci: tuple[float, float] | None
    baseline: float  # treated schools' mean incidents a month before treatment
    event_times: list[int]
    event_estimates: list[float]
    event_ci: list[tuple[float, float]]
    event_schools: list[int]  # treated schools behind each event-time estimate
    pretrend_chi2: float | None
    pretrend_df: int
    pretrend_p: float | None
    cohorts: list[Cohort]
    treated: int
    comparison: int
    months: int
    balance: list[dict]  # per covariate: standardised differences before and after matching
    bootstrap: int
    neighbours: int


@dataclass
class Refusal:
    reasons: list[str]
    treated: int
    comparison: int
    months: int
    cohorts: list[Cohort]


def _standardised_difference(a: np.ndarray, b: np.ndarray, weights: np.ndarray | None = None) -> float | None:
    """(mean of a - weighted mean of b) / pooled standard deviation; None where undefined."""
    if len(a) == 0 or len(b) == 0:
        return None
    w = np.ones(len(b)) if weights is None else weights
    mean_b = np.average(b, weights=w)
    var_b = np.average((b - mean_b) ** 2, weights=w)
    spread = np.sqrt((np.var(a) + var_b) / 2)
    if spread == 0:
        return 0.0
    return float((np.mean(a) - mean_b) / spread)


def exposure(xy: np.ndarray, radius: np.ndarray, first_treated: np.ndarray) -> np.ndarray:
    """For each school, the month the first treated school whose surroundings overlap its own
    (their circles touch: centres closer than OVERLAP times the sum of their radii) was
    treated, or NEVER."""
    first_treated = np.asarray(first_treated, np.int64)
    out = np.full(len(first_treated), NEVER, np.int64)
    treated = np.flatnonzero(first_treated != NEVER)
    if len(treated) == 0:
        return out
    tree = cKDTree(xy)
    for k in treated:
        near = np.array(tree.query_ball_point(xy[k], float(np.max(radius))), int)
        near = near[near != k]
        close = np.hypot(*(xy[near] - xy[k]).T) < (radius[near] + radius[k]) * OVERLAP
        out[near[close]] = np.minimum(out[near[close]], first_treated[k])
    return out


def match(
    treated_x: np.ndarray,
    treated_group: np.ndarray,
    pool_x: np.ndarray,
    pool_group: np.ndarray,
    neighbours: int,
    treated_level: np.ndarray | None = None,
    pool_level: np.ndarray | None = None,
) -> list[np.ndarray]:
    """For each treated school, the indices into the pool of its `neighbours` nearest schools of
    the same group (fewer when the group has fewer; none when it has none).

    Features are scaled by their spread over treated and pool together, so no indicator counts
    more for being on a wider scale; a feature missing for a school counts as the middle (50).
    The indicators together count as much as the level of incidents before treatment, when it is
    given: schools must start from the same place, or a season that swells every count by a
    share moves theirs by different amounts."""

    def scaled(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        both = np.vstack([a, b]) if len(b) else a
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an indicator no school has: spread 1
            spread = np.nanstd(both, axis=0) if len(both) else np.ones(a.shape[1])
        spread = np.where((spread > 0) & np.isfinite(spread), spread, 1.0)
        return np.nan_to_num(a, nan=50.0) / spread, np.nan_to_num(b, nan=50.0) / spread

    tx, px = scaled(treated_x, pool_x)
    features = max(1, treated_x.shape[1])
    if treated_level is not None and pool_level is not None:
        tl, pl = scaled(np.asarray(treated_level, float)[:, None], np.asarray(pool_level, float)[:, None])
    else:
        tl, pl = np.zeros((len(tx), 1)), np.zeros((len(px), 1))
    matches = []
    for x, level, g in zip(tx, tl, treated_group):
        candidates = np.flatnonzero(pool_group == g)
        if len(candidates) == 0:
            matches.append(candidates)
            continue
        distance = np.sum((px[candidates] - x) ** 2, axis=1) / features + (pl[candidates, 0] - level[0]) ** 2
        nearest = np.argsort(distance, kind="stable")[:neighbours]
        matches.append(candidates[nearest])
    return matches


def estimate(
    panel: Panel,
    *,
    neighbours: int = NEIGHBOURS,
    before: int = WINDOW_BEFORE,
    after: int = WINDOW_AFTER,
    bootstrap: int = BOOTSTRAP,
    seed: int = 0,
) -> Estimate | Refusal:
    """The event study for `panel`, or a refusal that says which threshold was not met."""
    y = np.asarray(panel.outcome, float)
    months = np.asarray(panel.months, np.int64)
    first = np.asarray(panel.first_treated, np.int64)
    # A comparison counts while neither it nor a school whose surroundings overlap its own has
    # been treated.
    clean_until = first if panel.exposed is None else np.minimum(first, np.asarray(panel.exposed, np.int64))
    n = len(first)
    column = {int(m): k for k, m in enumerate(months)}
    start = int(months[0]) if len(months) else 0
    end = int(months[-1]) if len(months) else -1

    cohorts: list[Cohort] = []
    rows = []  # (school, cohort month, base column, matched pool schools) per treated school
    levels: dict[int, np.ndarray] = {}  # cohort → every school's incidents a month before it
    for g in sorted({int(m) for m in first if m != NEVER and start < m <= end}):
        before_g = months[months < g]
        months_before, months_after = len(before_g), int(np.sum(months >= g))
        treated = np.flatnonzero(first == g)
        if months_before < MIN_MONTHS_BEFORE or months_after < MIN_MONTHS_AFTER:
            cohorts.append(Cohort(g, 0, 0, months_before, months_after))
            continue
        exposed_before = int(np.sum(clean_until[treated] < g))
        treated = treated[clean_until[treated] >= g]
        pool = np.flatnonzero(clean_until > g)
        x = panel.covariates.get(g)
        if x is None:
            x = np.zeros((n, 0))
        window = [column[m] for m in range(g - before, g) if m in column]
        level = y[:, window].mean(axis=1)  # incidents a month before the term
        levels[g] = level
        found = match(
            x[treated],
            panel.group[treated],
            x[pool],
            panel.group[pool],
            neighbours,
            level[treated],
            level[pool],
        )
        base = column[int(before_g[-1])]
        counted = 0
        for school, chosen in zip(treated, found):
            if len(chosen):
                rows.append((int(school), g, base, pool[chosen]))
                counted += 1
        cohorts.append(
            Cohort(g, counted, len(treated) - counted, months_before, months_after, exposed_before)
        )

    comparison = len({int(j) for _, _, _, chosen in rows for j in chosen})
    reasons = []
    if len(months) < MIN_MONTHS:
        reasons.append(
            f"The incidents loaded cover {len(months)} month{'s' if len(months) != 1 else ''}; "
            f"an estimate needs at least {MIN_MONTHS}."
        )
    if len(rows) < MIN_TREATED:
        reasons.append(
            f"{len(rows)} school{'s' if len(rows) != 1 else ''} received the programme in a term with at "
            f"least {MIN_MONTHS_BEFORE} months of incident data before it and {MIN_MONTHS_AFTER} from it on, "
            f"and had a comparison school; an estimate needs at least {MIN_TREATED}."
        )
    if comparison < MIN_COMPARISON:
        reasons.append(
            f"{comparison} similar school{'s' if comparison != 1 else ''} not yet visited could be "
            f"compared with them; an estimate needs at least {MIN_COMPARISON}."
        )
    if reasons:
        return Refusal(reasons, len(rows), comparison, len(months), cohorts)

    # Each treated school's difference e months from its start, d[e], in the sample (row 0 of
    # the weights) and in every bootstrap resample of the schools (the rows after it): a school
    # drawn twice counts twice wherever it appears, as treated or as a comparison.
    events = np.arange(-before, after + 1)
    post = (events >= 0) & (events <= after)
    weights = _bootstrap_weights(
        np.arange(n) if panel.cluster is None else np.asarray(panel.cluster), bootstrap, seed
    )
    theta_sum = np.zeros((bootstrap + 1, len(events)))
    theta_n = np.zeros((bootstrap + 1, len(events)))
    overall_sum = np.zeros(bootstrap + 1)
    overall_n = np.zeros(bootstrap + 1)
    level_sum = np.zeros(bootstrap + 1)
    observed = np.zeros(len(events), int)
    for school, g, base, chosen in rows:
        cols = np.array([column.get(g + int(e), -1) for e in events])
        seen = cols >= 0
        own = np.full(len(events), np.nan)
        own[seen] = y[school, cols[seen]] - y[school, base]
        others = np.full((len(chosen), len(events)), np.nan)
        # Each comparison's change as a share of its own incidents a month before the term (one
        # a year at least), scaled to the treated school's: seasons and trends that move every
        # count by a share move big and small counts alike.
        scale = levels[g][school] / np.maximum(levels[g][chosen], 1 / 12)
        others[:, seen] = (y[np.ix_(chosen, cols[seen])] - y[chosen, base][:, None]) * scale[:, None]
        # A comparison school stops counting in the month it is treated.
        others[clean_until[chosen][:, None] <= (g + events)[None, :]] = np.nan
        counted = np.isfinite(others)
        w = weights[:, chosen]
        with np.errstate(invalid="ignore", divide="ignore"):
            d = own[None, :] - (w @ np.where(counted, others, 0.0)) / (w @ counted.astype(float))
        finite = np.isfinite(d)
        mine = weights[:, school][:, None]
        theta_sum += mine * np.where(finite, d, 0.0)
        theta_n += mine * finite
        observed += finite[0]
        with np.errstate(invalid="ignore", divide="ignore"):
            effect = np.where(finite[:, post], d[:, post], 0.0).sum(axis=1) / finite[:, post].sum(axis=1)
        overall_sum += mine[:, 0] * np.nan_to_num(effect)
        overall_n += mine[:, 0] * np.isfinite(effect)
        pre = [column[m] for m in range(g - before, g) if m in column]
        level_sum += mine[:, 0] * np.mean(y[school, pre])
    with np.errstate(invalid="ignore", divide="ignore"):
        theta = theta_sum / theta_n
        overall = overall_sum / overall_n
        level = level_sum / weights[:, [school for school, _, _, _ in rows]].sum(axis=1)
        relative = overall / level

    def interval(draws: np.ndarray) -> tuple[float, float]:
        draws = draws[np.isfinite(draws)]
        if len(draws) == 0:
            return (float("nan"), float("nan"))
        low, high = np.percentile(draws, [2.5, 97.5])
        return (float(low), float(high))

    # Months before treatment, less the base month (0 by construction).
    pre_k = [k for k, e in enumerate(events) if e < -1 and np.isfinite(theta[0, k])]
    chi2_stat, df, p = None, 0, None
    if pre_k:
        draws = theta[1:, pre_k]
        draws = draws[np.isfinite(draws).all(axis=1)]
        if len(draws) > len(pre_k):
            cov = np.cov(draws, rowvar=False).reshape(len(pre_k), len(pre_k))
            df = int(np.linalg.matrix_rank(cov))
            if df:
                point = theta[0, pre_k]
                chi2_stat = float(point @ np.linalg.pinv(cov) @ point)
                p = float(chi2.sf(chi2_stat, df))

    shown = [k for k in range(len(events)) if observed[k] > 0]
    return Estimate(
        overall=float(overall[0]),
        overall_ci=interval(overall[1:]),
        relative=float(relative[0]) if level[0] > 0 else None,
        relative_ci=interval(relative[1:]) if level[0] > 0 else None,
        baseline=float(level[0]),
        event_times=[int(events[k]) for k in shown],
        event_estimates=[float(theta[0, k]) for k in shown],
        event_ci=[interval(theta[1:, k]) for k in shown],
        event_schools=[int(observed[k]) for k in shown],
        pretrend_chi2=chi2_stat,
        pretrend_df=df,
        pretrend_p=p,
        cohorts=cohorts,
        treated=len(rows),
        comparison=comparison,
        months=len(months),
        balance=_balance(panel, rows, before, column, clean_until),
        bootstrap=bootstrap,
        neighbours=neighbours,
    )


def _bootstrap_weights(cluster: np.ndarray, replications: int, seed: int) -> np.ndarray:
    """Row 0 weighs every school once; each further row is a resample of the areas (`cluster`)
    with replacement, as counts, each area's schools going with it with their whole series."""
    rng = np.random.default_rng(seed)
    areas, member = np.unique(cluster, return_inverse=True)
    weights = np.ones((replications + 1, len(cluster)))
    drawn = rng.multinomial(len(areas), np.full(len(areas), 1 / len(areas)), size=replications)
    weights[1:] = drawn[:, member]
    return weights


def areas(xy: np.ndarray, side: float) -> np.ndarray:
    """Each school's square of `side` metres on a grid: the areas the bootstrap resamples."""
    cells = np.floor(np.asarray(xy, float) / side).astype(np.int64)
    return cells[:, 0] * 1_000_003 + cells[:, 1]


def _balance(panel: Panel, rows, before: int, column: dict[int, int], clean_until: np.ndarray) -> list[dict]:
    """How alike treated and comparison schools were before treatment, indicator by indicator
    and on incidents a month in the year before: the standardised difference against every
    school not yet treated, and against the matched ones (weighted by how often each was
    chosen). Under 0.1 is usually read as well balanced."""
    y = np.asarray(panel.outcome, float)

    def level(g: int) -> np.ndarray:
        return y[:, [column[m] for m in range(g - before, g) if m in column]].mean(axis=1)

    features = [
        (name, lambda g, f=f: panel.covariates[g][:, f]) for f, name in enumerate(panel.covariate_names)
    ]
    features.append(("incidents a month before the term", level))
    out = []
    for name, values in features:
        treated, pool, matched, weights = [], [], [], []
        by_cohort = {g: values(g) for g in sorted({g for _, g, _, _ in rows})}
        for school, g, _, chosen in rows:
            x = by_cohort[g]
            treated.append(x[school])
            matched.extend(x[chosen])
            weights.extend([1 / len(chosen)] * len(chosen))
        for g, x in by_cohort.items():
            pool.extend(x[clean_until > g])
        a = np.nan_to_num(np.array(treated, float), nan=50.0)
        out.append(
            {
                "indicator": name,
                "treated_mean": float(np.mean(a)),
                "before_matching": _standardised_difference(
                    a, np.nan_to_num(np.array(pool, float), nan=50.0)
                ),
                "after_matching": _standardised_difference(
                    a, np.nan_to_num(np.array(matched, float), nan=50.0), np.array(weights)
                ),
            }
        )
    return out
