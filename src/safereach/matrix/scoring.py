"""From indicator values to percentiles, a weighted score, a rank and a decile per school."""

import numpy as np


def percentile_within(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For each school, the share (per cent) of the other schools of its group with a lower
    value: "more than 91% of secondary schools". Ties count as not lower; NaN stays NaN and is
    left out of the others."""
    values = np.asarray(values, float)
    out = np.full(len(values), np.nan)
    for group in np.unique(groups):
        member = (groups == group) & ~np.isnan(values)
        chosen = values[member]
        if len(chosen) == 0:
            continue
        ordered = np.sort(chosen)
        lower = np.searchsorted(ordered, chosen, side="left")
        out[member] = 100.0 * lower / max(len(chosen) - 1, 1)
    return out


def weighted_score(scaled: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score 0-100 from indicators scaled 0-1 (schools × indicators, NaN where unknown).

    Weights are shared out over the indicators a school has, so a school is neither lifted
    nor sunk by a figure its source does not publish. Returns (score, points per indicator);
    the points of a school add up to its score."""
    scaled = np.asarray(scaled, float)
    known = ~np.isnan(scaled)
    w = np.where(known, np.asarray(weights, float)[None, :], 0.0)
    total = w.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        points = np.where(total > 0, 100.0 * w * np.nan_to_num(scaled) / total, 0.0)
    return points.sum(axis=1), points


def rank_and_decile(score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank 1 = highest score (ties share the better rank); decile 1 = the tenth most in need."""
    score = np.asarray(score, float)
    n = len(score)
    if n == 0:
        return np.empty(0, int), np.empty(0, int)
    ordered = np.sort(-score)
    rank = np.searchsorted(ordered, -score, side="left") + 1
    # The school ranked first is always in decile 1, however short the list.
    decile = (rank - 1) * 10 // n + 1
    return rank, np.clip(decile, 1, 10)
