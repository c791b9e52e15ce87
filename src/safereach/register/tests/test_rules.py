"""The register's rules on a fixed today: when an entry appears, changes and goes, what it shows,
and whether each statutory deadline was met. Pure computation: no database, no clock."""

from datetime import date, timedelta

import pytest

from safereach.register.articles import Article
from safereach.register.rules import (
    AppealOutcome,
    ClaimOutcome,
    Event,
    EventKind,
    Notice,
    NoticeKind,
    Result,
    State,
    add_years,
    earliest_kept_service,
    entry_on,
    leaves_on,
    problems_with_event,
    problems_with_notice,
    public_spells,
    standing,
)

TODAY = date(2026, 3, 16)
A9 = Article(9, "risk assessment not suitable")
A14 = Article(14, "emergency routes obstructed")
K = EventKind
DAYS = timedelta(days=1)
_ids = iter(range(100, 10_000))


def days(n: int) -> timedelta:
    return timedelta(days=n)


def ev(kind, on, recorded=None, **extra) -> Event:
    return Event(kind, on, recorded or on, id=next(_ids), **extra)


SIXTY_DAYS_AGO = TODAY - timedelta(days=60)


def notice(
    served=SIXTY_DAYS_AGO,
    *events,
    kind=NoticeKind.ENFORCEMENT,
    recorded=None,
    compliance="default",
    under_18=False,
    articles=(A9,),
) -> Notice:
    if compliance == "default":
        compliance = served + days(60) if kind.has_compliance_date else None
    served_event = Event(K.SERVED, served, recorded or served, id=1)
    return Notice(kind, served, compliance, articles, under_18, (served_event, *events))


def entry(n, day=TODAY, keep=3):
    return entry_on(n, day, keep_years=keep)


def stand(n, today=TODAY, keep=3):
    return standing(n, today, keep_years=keep)


def deadline(n, what, today=TODAY):
    found = [d for d in stand(n, today).deadlines if d.what.startswith(what)]
    assert len(found) == 1, stand(n, today).deadlines
    return found[0]


# --- Entry on the register: the appeal period, then within 14 days ---------------------------------


def test_served_yesterday_is_not_on_the_register_and_appears_the_day_after_the_appeal_period():
    n = notice(TODAY - days(1))
    assert entry(n) is None
    s = stand(n)
    assert s.appears_on == TODAY + days(21)  # served + 22: the appeal period is served + 1 to + 21
    assert s.summary.startswith(f"Appears on the register on {(TODAY + days(21)).day} April 2026")
    d = deadline(n, "Entry on the register")
    assert (d.due, d.state, d.done_on) == (TODAY - days(1) + days(35), State.DUE, TODAY + days(21))


def test_while_the_appeal_period_runs_nothing_is_public_and_on_the_day_after_it_is():
    served = TODAY - days(21)  # today is the last day an appeal may be lodged
    n = notice(served)
    assert entry(n) is None
    tomorrow = entry(n, TODAY + DAYS)
    assert tomorrow is not None and tomorrow.appeared_on == TODAY + DAYS
    assert tomorrow.last_changed_on == TODAY + DAYS


def test_an_entry_that_appeared_on_time_meets_its_deadline():
    n = notice(TODAY - days(40))
    e = entry(n)
    assert e.appeared_on == TODAY - days(18) and e.result == Result.ONGOING
    assert e.articles == (A9,) and not e.details_withheld
    d = deadline(n, "Entry on the register")
    assert (d.state, d.done_on) == (State.MET, TODAY - days(18))


@pytest.mark.parametrize("late, state", [(35, State.MET), (36, State.MISSED)])
def test_a_notice_recorded_late_appears_late_and_misses_the_14_days(late, state):
    served = TODAY - days(50)
    n = notice(served, recorded=served + days(late))
    assert entry(n, served + days(late) - DAYS) is None  # the register did not know of it yet
    assert entry(n).appeared_on == served + days(late)
    d = deadline(n, "Entry on the register")
    assert (d.due, d.state, d.done_on) == (served + days(35), state, served + days(late))


def test_a_notice_not_yet_recorded_on_today_is_not_known():
    n = notice(TODAY - days(40), recorded=TODAY + DAYS)
    assert entry(n) is None
    assert stand(n).deadlines == ()


# --- Appeals --------------------------------------------------------------------------------------


def test_under_appeal_it_is_left_out_and_waits_for_the_decision():
    served = TODAY - days(40)
    n = notice(served, ev(K.APPEAL_LODGED, served + days(20)))
    assert entry(n) is None
    s = stand(n)
    assert "under appeal since" in s.summary
    assert s.waiting == (
        f"Appeal lodged on {(served + days(20)).day} February 2026: waiting for the decision",
    )
    assert [d.what for d in s.deadlines] == ["Left out while under appeal"]
    assert s.deadlines[0].state == State.MET


def test_after_the_appeal_is_decided_it_appears_the_next_day_within_14_days():
    served = TODAY - days(60)
    decided = TODAY - days(10)
    n = notice(
        served,
        ev(K.APPEAL_LODGED, served + days(5)),
        ev(K.APPEAL_DECIDED, decided, outcome=AppealOutcome.UPHELD),
    )
    assert entry(n, decided) is None
    assert entry(n, decided + DAYS).appeared_on == decided + DAYS
    d = deadline(n, "Entry on the register")
    assert (d.due, d.state) == (decided + days(14), State.MET)


def test_a_decision_recorded_late_misses_the_entry_deadline():
    served = TODAY - days(90)
    decided = TODAY - days(30)
    n = notice(
        served,
        ev(K.APPEAL_LODGED, served + days(5)),
        ev(K.APPEAL_DECIDED, decided, decided + days(20), outcome=AppealOutcome.ABANDONED),
    )
    d = deadline(n, "Entry on the register")
    assert (d.state, d.done_on) == (State.MISSED, decided + days(20))
    assert d.detail == "Appeared on 6 March 2026, 6 days late."


def test_cancelled_on_appeal_never_appears():
    served = TODAY - days(60)
    n = notice(
        served,
        ev(K.APPEAL_LODGED, served + days(5)),
        ev(K.APPEAL_DECIDED, TODAY - days(20), outcome=AppealOutcome.CANCELLED),
    )
    assert public_spells(n, 3) == []
    s = stand(n)
    assert "cancelled on appeal" in s.summary
    assert [d.what for d in s.deadlines] == ["Left out while under appeal"]
    assert s.deadlines[0].detail == "Never shown: cancelled on appeal."


def test_a_court_that_varies_the_notice_sets_the_revised_compliance_date_and_articles():
    served = TODAY - days(80)
    n = notice(
        served,
        ev(K.APPEAL_LODGED, served + days(5)),
        ev(
            K.APPEAL_DECIDED,
            TODAY - days(20),
            outcome=AppealOutcome.VARIED,
            compliance_date=TODAY + days(30),
            articles=(A14,),
        ),
    )
    e = entry(n)
    assert e.compliance_date == served + days(60)
    assert e.revised_compliance_date == TODAY + days(30)
    assert e.articles == (A14,)


def test_an_appeal_recorded_late_was_shown_while_under_appeal():
    served = TODAY - days(40)
    n = notice(served, ev(K.APPEAL_LODGED, served + days(21), served + days(30)))
    assert entry(n, served + days(22)) is not None  # before the appeal was recorded
    assert entry(n) is None
    d = deadline(n, "Left out while under appeal")
    assert (d.state, d.done_on) == (State.MISSED, served + days(30))
    assert "Shown from 26 February 2026 until 5 March 2026" in d.detail


# --- Complied, varied, extended: shown within 7 days ----------------------------------------------


@pytest.mark.parametrize("late, state", [(7, State.MET), (8, State.MISSED)])
def test_complied_is_shown_within_7_days_of_the_authority_being_satisfied(late, state):
    served = TODAY - days(90)
    complied = TODAY - days(20)
    n = notice(served, ev(K.COMPLIED, complied, complied + days(late)))
    assert entry(n, complied + days(late) - DAYS).result == Result.ONGOING
    after = entry(n, complied + days(late))
    assert after.result == Result.COMPLIED and after.complied_on == complied
    assert after.last_changed_on == complied + days(late)
    d = deadline(n, "“Complied” shown")
    assert (d.due, d.state, d.done_on) == (complied + days(7), state, complied + days(late))


def test_complied_before_the_entry_appears_is_shown_when_it_appears():
    served = TODAY - days(10)
    n = notice(served, ev(K.COMPLIED, served + days(3)))
    assert entry(n, served + days(22)).result == Result.COMPLIED
    d = deadline(n, "“Complied” shown")
    assert (d.state, d.done_on) == (State.DUE, served + days(22))


@pytest.mark.parametrize("late, state", [(7, State.MET), (9, State.MISSED)])
def test_a_variation_is_shown_within_7_days(late, state):
    served = TODAY - days(100)
    varied = TODAY - days(30)
    n = notice(served, ev(K.VARIED, varied, varied + days(late), articles=(A9, A14)))
    assert entry(n, varied + days(late) - DAYS).articles == (A9,)
    assert entry(n).articles == (A9, A14)
    assert entry(n).last_changed_on == varied + days(late)
    assert deadline(n, "Variation shown").state == state


def test_an_extension_sets_the_revised_compliance_date():
    served = TODAY - days(100)
    n = notice(
        served,
        ev(K.EXTENDED, TODAY - days(50), compliance_date=TODAY + days(10)),
        ev(K.EXTENDED, TODAY - days(5), compliance_date=TODAY + days(40)),
    )
    e = entry(n)
    assert (e.compliance_date, e.revised_compliance_date) == (served + days(60), TODAY + days(40))
    assert [d.state for d in stand(n).deadlines if d.what == "New compliance date shown"] == [State.MET] * 2


# --- Withdrawn: taken off within 7 days -----------------------------------------------------------


@pytest.mark.parametrize("late, state", [(7, State.MET), (8, State.MISSED)])
def test_a_withdrawn_notice_is_taken_off_within_7_days(late, state):
    served = TODAY - days(100)
    withdrawn = TODAY - days(20)
    n = notice(served, ev(K.WITHDRAWN, withdrawn, withdrawn + days(late)))
    assert entry(n, withdrawn + days(late) - DAYS) is not None
    assert entry(n, withdrawn + days(late)) is None
    d = deadline(n, "Withdrawn notice taken off")
    assert (d.due, d.state, d.done_on) == (withdrawn + days(7), state, withdrawn + days(late))
    assert stand(n).summary == f"Not on the register: withdrawn on {withdrawn.day} February 2026."


def test_withdrawn_before_it_could_appear_never_appears_and_owes_nothing():
    served = TODAY - days(40)
    n = notice(served, ev(K.WITHDRAWN, served + days(10)))
    assert public_spells(n, 3) == []
    assert stand(n).deadlines == ()


def test_withdrawn_after_the_entry_was_due_still_owed_the_entry():
    served = TODAY - days(60)
    n = notice(served, ev(K.WITHDRAWN, served + days(40), served + days(40)), recorded=served + days(38))
    d = deadline(n, "Entry on the register")
    assert d.state == State.MISSED and d.done_on == served + days(38)


# --- Under 18, trade secrets ----------------------------------------------------------------------


def test_a_notice_served_on_a_person_under_18_is_never_published():
    n = notice(TODAY - days(60), under_18=True)
    assert public_spells(n, 3) == []
    s = stand(n)
    assert s.summary == "Not on the register: it was served on a person under 18, so it is never published."
    assert s.deadlines == () and s.coming == ()


def test_until_a_trade_secret_claim_is_decided_the_details_are_withheld():
    served = TODAY - days(60)
    n = notice(served, ev(K.TRADE_SECRET_CLAIMED, served + days(14)))
    e = entry(n)
    assert e.details_withheld and e.articles == (A9,)
    d = deadline(n, "Details withheld")
    assert (d.state, d.due) == (State.MET, served + days(22))
    assert stand(n).waiting == ("Trade secret claimed on 29 January 2026: waiting for the decision",)


@pytest.mark.parametrize("outcome, withheld", [(ClaimOutcome.UPHELD, True), (ClaimOutcome.REJECTED, False)])
def test_a_decided_claim_keeps_or_lifts_the_withholding(outcome, withheld):
    served = TODAY - days(60)
    n = notice(
        served,
        ev(K.TRADE_SECRET_CLAIMED, served + days(2)),
        ev(K.TRADE_SECRET_DECIDED, TODAY - days(3), outcome=outcome),
    )
    assert entry(n).details_withheld is withheld
    shown = [d for d in stand(n).deadlines if d.what.startswith("Full entry shown")]
    assert [d.state for d in shown] == ([] if withheld else [State.MET])


def test_a_claim_recorded_after_the_entry_appeared_let_the_details_out():
    served = TODAY - days(60)
    n = notice(served, ev(K.TRADE_SECRET_CLAIMED, served + days(10), served + days(25)))
    assert not entry(n, served + days(24)).details_withheld
    assert entry(n, served + days(25)).details_withheld
    d = deadline(n, "Details withheld")
    assert (d.state, d.due, d.done_on) == (State.MISSED, served + days(22), served + days(25))


# --- Kept for the keeping period, then gone ------------------------------------------------------


def test_kept_three_years_from_service_then_gone():
    served = date(2023, 3, 1)
    n = notice(served)
    assert entry(n, date(2026, 3, 1)) is not None
    assert entry(n, date(2026, 3, 2)) is None
    assert entry(n, date(2026, 3, 2), keep=5) is not None
    assert stand(n, date(2026, 3, 2)).summary == (
        "Off the register since 2 March 2026: entries are kept 3 years from service."
    )


def test_older_than_the_keeping_period_when_recorded_never_appears():
    served = TODAY - days(4 * 365)
    n = notice(served, recorded=TODAY)
    assert entry(n) is None and public_spells(n, 3) == []
    assert stand(n).summary.startswith("Off the register since")


def test_29_february_keeps_until_1_march():
    assert add_years(date(2024, 2, 29), 3) == date(2027, 3, 1)
    assert leaves_on(date(2024, 2, 29), 3) == date(2027, 3, 2)


@pytest.mark.parametrize("keep", [3, 5])
def test_the_database_filter_for_kept_entries_agrees_with_leaves_on(keep):
    start = date(2027, 1, 1)
    for offset in range(0, 3 * 366):
        today = start + days(offset)
        earliest = earliest_kept_service(today, keep)
        assert leaves_on(earliest, keep) > today, today
        assert leaves_on(earliest - DAYS, keep) <= today, today


# --- Struck out, last changed, looking ahead ------------------------------------------------------


def test_an_event_struck_out_no_longer_counts_from_the_day_it_is_struck_out():
    served = TODAY - days(90)
    complied = ev(K.COMPLIED, TODAY - days(20))
    struck = Event(K.IN_ERROR, TODAY - days(5), TODAY - days(5), id=next(_ids), corrects=complied.id)
    n = notice(served, complied, struck)
    assert entry(n, TODAY - days(6)).result == Result.COMPLIED
    e = entry(n)
    assert e.result == Result.ONGOING and e.last_changed_on == TODAY - days(5)
    assert [d.what for d in stand(n).deadlines] == ["Entry on the register"]


def test_what_is_coming_in_the_next_14_days():
    appearing = notice(TODAY - days(15))
    assert [(c.on, c.what) for c in stand(appearing).coming] == [(TODAY + days(7), "Appears on the register")]
    going = notice(add_years(TODAY, -3) + days(5), compliance=None, kind=NoticeKind.ALTERATIONS)
    assert [(c.on, c.what) for c in stand(going).coming] == [
        (TODAY + days(6), "Leaves the register, 3 years after service")
    ]
    due = notice(TODAY - days(50), compliance=TODAY + days(3))
    assert [(c.on, c.what) for c in stand(due).coming] == [
        (TODAY + days(3), "Compliance date: record whether the work was done")
    ]
    passed = notice(TODAY - days(90), compliance=TODAY - days(2))
    assert [(c.on, c.what) for c in stand(passed).to_check] == [
        (TODAY - days(2), "Compliance date passed with no result recorded")
    ]
    done = notice(TODAY - days(90), ev(K.COMPLIED, TODAY - days(4)), compliance=TODAY - days(2))
    assert stand(done).to_check == ()


def test_events_recorded_after_today_are_not_yet_known():
    served = TODAY - days(90)
    n = notice(served, ev(K.WITHDRAWN, TODAY - days(1), TODAY + days(1)))
    assert entry(n) is not None
    assert stand(n).deadlines[-1].what == "Entry on the register"


# --- What the law rules out -----------------------------------------------------------------------


def test_an_enforcement_notice_gives_at_least_28_days():
    served = TODAY - days(1)
    assert problems_with_notice(NoticeKind.ENFORCEMENT, served, served + days(28), (A9,), TODAY) == []
    [(field, message)] = problems_with_notice(NoticeKind.ENFORCEMENT, served, served + days(27), (A9,), TODAY)
    assert field == "compliance_date" and "at least 28 days" in message and "12 April 2026" in message
    assert problems_with_notice(NoticeKind.ENFORCEMENT, served, None, (), TODAY) == [
        ("compliance_date", "Enter the date by which the work must be done"),
        ("articles", "Enter the articles breached, for example A9: risk assessment not suitable"),
    ]


def test_an_alterations_notice_has_no_compliance_date_and_no_future_service():
    assert problems_with_notice(NoticeKind.ALTERATIONS, TODAY + DAYS, TODAY + days(40), (), TODAY) == [
        ("served_on", "The date served must be today or in the past"),
        ("compliance_date", "An alterations notice has no compliance date: leave it blank"),
    ]
    assert problems_with_notice(NoticeKind.PROHIBITION, TODAY, None, (), TODAY) == []


def check(n, kind, on, **extra):
    return problems_with_event(n, Event(kind, on, TODAY, id=999, **extra), TODAY)


def test_an_appeal_is_lodged_within_21_days():
    n = notice(TODAY - days(30))
    assert check(n, K.APPEAL_LODGED, TODAY - days(9)) == []
    assert check(n, K.APPEAL_LODGED, TODAY - days(8)) == [
        ("on", "An appeal must be lodged within 21 days of service, by 7 March 2026")
    ]


def test_a_trade_secret_is_claimed_within_14_days():
    n = notice(TODAY - days(30))
    assert check(n, K.TRADE_SECRET_CLAIMED, TODAY - days(16)) == []
    assert check(n, K.TRADE_SECRET_CLAIMED, TODAY - days(15))[0][0] == "on"


def test_decisions_need_what_they_decide():
    n = notice(TODAY - days(30))
    assert check(n, K.APPEAL_DECIDED, TODAY, outcome="upheld") == [
        (None, "No appeal has been recorded: record the appeal being lodged first")
    ]
    lodged = notice(TODAY - days(30), ev(K.APPEAL_LODGED, TODAY - days(20)))
    assert check(lodged, K.APPEAL_DECIDED, TODAY, outcome="") == [
        ("outcome", "Select what the court decided")
    ]
    assert check(lodged, K.APPEAL_DECIDED, TODAY - days(25), outcome="upheld") == [
        ("on", "The decision must be on or after the appeal was lodged, 24 February 2026")
    ]
    assert check(n, K.TRADE_SECRET_DECIDED, TODAY, outcome="upheld")[0][1].startswith("No trade-secret claim")


def test_dates_are_not_in_the_future_or_before_service():
    n = notice(TODAY - days(30))
    assert check(n, K.COMPLIED, TODAY + DAYS) == [("on", "The date must be today or in the past")]
    assert check(n, K.COMPLIED, TODAY - days(31))[0][1].startswith("The date must be on or after the day")


def test_nothing_follows_a_withdrawal_and_complied_is_once():
    n = notice(TODAY - days(30), ev(K.WITHDRAWN, TODAY - days(3)))
    assert check(n, K.COMPLIED, TODAY)[0][1].startswith("The notice was withdrawn on 13 March 2026")
    done = notice(TODAY - days(30), ev(K.COMPLIED, TODAY - days(3)))
    assert check(done, K.COMPLIED, TODAY) == [(None, "Already recorded as complied with, on 13 March 2026")]
    assert check(done, K.EXTENDED, TODAY, compliance_date=TODAY + days(9))[0][1].startswith(
        "The notice was complied with"
    )


def test_an_extension_moves_the_date_later():
    n = notice(TODAY - days(30))  # compliance date served + 60 = today + 30
    assert check(n, K.EXTENDED, TODAY, compliance_date=TODAY + days(31)) == []
    assert check(n, K.EXTENDED, TODAY, compliance_date=TODAY + days(30)) == [
        ("compliance_date", "The new compliance date must be later than the current one, 15 April 2026")
    ]
    assert check(n, K.EXTENDED, TODAY) == [("compliance_date", "Enter the new compliance date")]
    assert check(n, K.VARIED, TODAY) == [
        ("compliance_date", "Enter the new compliance date, the new articles breached, or both")
    ]


def test_alterations_notices_are_not_complied_with_or_extended():
    n = notice(TODAY - days(30), kind=NoticeKind.ALTERATIONS)
    assert check(n, K.COMPLIED, TODAY)[0][1].startswith("An alterations notice has nothing to comply with")
    assert check(n, K.EXTENDED, TODAY, compliance_date=TODAY + days(9)) == [
        (None, "An alterations notice has no compliance date to extend")
    ]


def test_striking_out_takes_dependents_first():
    lodged = ev(K.APPEAL_LODGED, TODAY - days(20))
    n = notice(TODAY - days(30), lodged, ev(K.APPEAL_DECIDED, TODAY - days(2), outcome="upheld"))
    strike = Event(K.IN_ERROR, TODAY, TODAY, id=998, corrects=lodged.id)
    assert problems_with_event(n, strike, TODAY) == [("corrects", "Strike out the appeal's decision first")]
    served = Event(K.IN_ERROR, TODAY, TODAY, id=997, corrects=1)
    assert problems_with_event(n, served, TODAY) == [("corrects", "Select an event recorded on this notice")]


def test_only_a_varied_appeal_changes_the_terms():
    lodged = notice(TODAY - days(30), ev(K.APPEAL_LODGED, TODAY - days(20)))
    assert check(lodged, K.APPEAL_DECIDED, TODAY, outcome="upheld", compliance_date=TODAY + days(30)) == [
        ("outcome", "Only a notice the court varied takes a new compliance date or articles")
    ]
    assert check(lodged, K.APPEAL_DECIDED, TODAY, outcome="varied", compliance_date=TODAY + days(30)) == []
    claimed = notice(TODAY - days(30), ev(K.TRADE_SECRET_CLAIMED, TODAY - days(20)))
    assert check(claimed, K.TRADE_SECRET_DECIDED, TODAY - days(25), outcome="rejected") == [
        ("on", "The decision must be on or after the claim was made, 24 February 2026")
    ]
