"""Unmet demand and the tier mix, computed on plain rows."""

from safereach.schoolpage.unmet_demand import (
    ANY_YEAR,
    NO_OFFICER,
    NO_SESSION,
    Asked,
    Offer,
    tier_mix,
    unmet_demand,
)

YEARS = {y: f"Year {y}" for y in range(1, 14)} | {0: "Reception"}
COHORTS = {"send": "SEND", "at-risk-of-exclusion": "At risk of exclusion"}


def offer(programme, years, tiers=(1, 2), needs_officer=True, has_officer=True):
    return Offer(programme, frozenset(years), frozenset(tiers), needs_officer, has_officer)


def asked(school, topics, years=(), cohorts=(), tier=None, area="North", taught=range(0, 7),
          pressing=False):
    return Asked(school, area, tuple(topics), tuple(years), tuple(cohorts), tier, tuple(taught),
                 pressing)


def rows(needs, offers, waiting=(), visited=()):
    return [(r.area, r.topic, r.cohort, r.reason, r.schools, r.pressing)
            for r in unmet_demand(needs, offers, set(waiting), set(visited), YEARS, COHORTS)]


def test_a_topic_no_session_teaches_to_the_year_group_is_unmet():
    offers = [offer("knife-crime", [7, 8, 9])]
    needs = [asked(1, ["knife-crime"], years=[6]), asked(2, ["knife-crime"], years=[6], pressing=True),
             asked(3, ["knife-crime"], years=[8])]
    assert rows(needs, offers) == [("North", "knife-crime", "Year 6", NO_SESSION, 2, 1)]


def test_a_session_for_other_tiers_does_not_cover_a_tier_3_school():
    offers = [offer("exploitation", [5, 6], tiers=[1])]
    assert rows([asked(1, ["exploitation"], years=[6], tier=3)], offers) == [
        ("North", "exploitation", "Year 6", NO_SESSION, 1, 0)]
    assert rows([asked(1, ["exploitation"], years=[6], tier=1)], offers) == []


def test_sessions_nobody_delivers_or_requests_waiting_in_the_queue_are_out_of_reach():
    nobody = [offer("arson", [5, 6], has_officer=False)]
    assert rows([asked(1, ["arson"], years=[5])], nobody) == [
        ("North", "arson", "Year 5", NO_OFFICER, 1, 0)]
    online = [offer("arson", [5, 6], needs_officer=False, has_officer=False)]
    assert rows([asked(1, ["arson"], years=[5])], online) == []  # no officer needs to travel
    staffed = [offer("arson", [5, 6])]
    assert rows([asked(1, ["arson"], years=[5])], staffed, waiting={(1, "arson")}) == [
        ("North", "arson", "Year 5", NO_OFFICER, 1, 0)]


def test_a_school_with_a_visit_for_the_topic_is_met():
    assert rows([asked(1, ["arson"], years=[5])], [], visited={(1, "arson")}) == []


def test_groups_count_by_the_school_year_groups_and_no_cohort_means_any_year():
    offers = [offer("drugs-alcohol", [10, 11])]
    needs = [asked(1, ["drugs-alcohol"], cohorts=["send"], taught=range(7, 12)),
             asked(2, ["drugs-alcohol"], cohorts=["at-risk-of-exclusion"], taught=range(0, 7), area="South"),
             asked(3, ["drugs-alcohol"], taught=range(0, 7), area="South")]
    assert rows(needs, offers) == [
        ("South", "drugs-alcohol", "At risk of exclusion", NO_SESSION, 1, 0),
        ("South", "drugs-alcohol", ANY_YEAR, NO_SESSION, 1, 0),
    ]


def test_tier_mix_by_area_in_dorsets_shape():
    schools = [("Dorset", 1)] * 73 + [("Dorset", 2)] * 12 + [("Dorset", 3)] * 16 + [("Dorset", None)] * 4
    schools += [("Poole", 2), ("Poole", None)]
    mix = {m.area: m for m in tier_mix(schools)}
    dorset = mix["Dorset"]
    assert (dorset.schools, dorset.assessed, dorset.not_assessed) == (105, 101, 4)
    assert [round(100 * dorset.share(t)) for t in (1, 2, 3)] == [72, 12, 16]
    assert mix["Poole"].share(2) == 1.0
    assert mix["All areas"].schools == 107
    assert tier_mix([("Only", None)])[0].share(1) is None
