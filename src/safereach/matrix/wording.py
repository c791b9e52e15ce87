"""What a list's weighting and a back-test's figures mean, in sentences for the pages."""

BASELINE_NAMES = {"profile": "This programme's list", "forecast": "The forecast alone",
                  "imd_only": "IMD alone", "last_period_count": "Last period's count alone",
                  "oracle": "The ceiling (the schools that turned out highest)",
                  "forecast_with_area_classification":
                      "The forecast with the area classification in its prior",
                  # Back-tests kept from before the rolling back-test.
                  "learned_poisson": "Learned profile (Poisson regression on earlier months)"}


def weighting_sentence(need_share: float, has_need: bool = True, has_risk: bool = True) -> str:
    """What the profile's mix of need and risk means for who comes first, in one sentence."""
    if not has_risk:
        return ("No risk figure is loaded for these schools, so they are ordered by need alone: "
                "the children's deprivation, free school meals and the schools' own assessments.")
    if not has_need:
        return ("No need figure is loaded for these schools, so they are ordered by risk alone: "
                "what is forecast to happen around them.")
    if need_share <= 0:
        return ("Schools are ordered by risk alone, the incidents forecast near them; need is shown "
                "beside it but does not change the order.")
    if need_share >= 1:
        return ("Schools are ordered by need alone; the risk around them is shown beside it but "
                "does not change the order.")
    need = round(100 * need_share)
    more = ("so a school with many incidents forecast nearby comes first even when its children's "
            "need is average" if need < 50 else
            "so a school whose children are most in need comes first even with fewer incidents "
            "forecast nearby" if need > 50 else
            "so a school must be high on both to come first")
    return f"Risk counts for {100 - need}% of the score and need for {need}%, {more}."


def _percent(value) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def backtest_rows(result: dict) -> list[dict]:
    """The rankings of a rolling back-test as rows of the page's table, in words."""
    rows = []
    for key, figures in (result.get("rankings") or {}).items():
        if "top_decile_precision" not in figures:
            continue  # a back-test kept from before the rolling back-test
        spread = figures.get("spearman_spread") or {}
        rows.append({
            "name": BASELINE_NAMES.get(key, key), "key": key,
            "spearman": "–" if figures["spearman"] is None else f"{figures['spearman']:.3f}",
            "spearman_range": (f"{spread['lowest']:.3f} to {spread['highest']:.3f}" if spread else ""),
            "precision": _percent(figures["top_decile_precision"]),
            "exposure": _percent(figures["exposure_captured"]),
        })
    return rows


def backtest_verdict(result: dict) -> str:
    """Where the list stands, in plain English."""
    r = result.get("rankings") or {}
    if "top_decile_precision" not in r.get("profile", {}):
        return ""
    if not result.get("incidents_after"):
        return ""
    listed, last, ceiling = r["profile"], r.get("last_period_count", {}), r.get("oracle", {})
    if listed.get("top_decile_precision") is None or last.get("top_decile_precision") is None:
        return ""
    picked = round(100 * listed["top_decile_precision"])
    lead = listed["top_decile_precision"] - last["top_decile_precision"]
    compared = ("about as well as" if abs(lead) < 0.01 else "better than" if lead > 0 else "worse than")
    return (f"Of the tenth of schools this list put first, {picked}% turned out among the tenth with "
            f"the most incidents near them, {compared} simply taking last period's count "
            f"({_percent(last['top_decile_precision'])}). Those schools had "
            f"{_percent(listed['exposure_captured'])} of all the incidents near the schools; the "
            f"best any tenth could have had was {_percent(ceiling.get('exposure_captured'))}.")
