"""The sentences that say what a list's weighting and a back-test's figures mean."""

from safereach.matrix.wording import backtest_rows, backtest_verdict, weighting_sentence


def test_the_weighting_in_one_sentence():
    assert weighting_sentence(0.0).startswith("Schools are ordered by risk alone")
    assert weighting_sentence(1.0).startswith("Schools are ordered by need alone")
    assert weighting_sentence(0.3) == (
        "Risk counts for 70% of the score and need for 30%, so a school with many incidents "
        "forecast nearby comes first even when its children's need is average.")
    assert "most in need comes first" in weighting_sentence(0.6)
    assert "high on both" in weighting_sentence(0.5)
    assert weighting_sentence(0.5, has_risk=False).startswith("No risk figure is loaded")
    assert weighting_sentence(0.5, has_need=False).startswith("No need figure is loaded")


def _figures(rho, precision, exposure):
    return {"spearman": rho, "top_decile_precision": precision, "exposure_captured": exposure,
            "spearman_spread": {"sd": 0.01, "lowest": rho - 0.01, "highest": rho + 0.01}}


def test_where_the_list_stands_in_plain_english():
    result = {"incidents_after": 120, "rankings": {
        "profile": _figures(0.95, 0.92, 0.46), "forecast": _figures(0.95, 0.92, 0.46),
        "last_period_count": _figures(0.93, 0.89, 0.45), "oracle": _figures(1, 1, 0.48)}}
    assert backtest_verdict(result) == (
        "Of the tenth of schools this list put first, 92% turned out among the tenth with the most "
        "incidents near them, better than simply taking last period's count (89%). Those schools "
        "had 46% of all the incidents near the schools; the best any tenth could have had was 48%.")
    rows = backtest_rows(result)
    assert [r["name"] for r in rows] == ["This programme's list", "The forecast alone",
                                         "Last period's count alone",
                                         "The ceiling (the schools that turned out highest)"]
    assert rows[0] | {} == {**rows[0], "spearman": "0.950", "spearman_range": "0.940 to 0.960",
                            "precision": "92%", "exposure": "46%"}
    # A back-test kept from before the rolling back-test says nothing it cannot.
    assert backtest_verdict({"rankings": {"profile": {"spearman": 0.8, "capture_top_10pc": 0.5}}}) == ""
    assert backtest_rows({"rankings": {"profile": {"spearman": 0.8, "capture_top_10pc": 0.5}}}) == []
