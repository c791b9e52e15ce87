"""The dates a school gave, written as people write them: each month and year once."""

from datetime import date

from safereach.bookings.models import Booking


def text(start, end, more=()):
    return Booking(dates_from=start, dates_to=end, more_dates=[[a, b] for a, b in more]).dates_text


def test_dates_are_written_with_each_month_and_year_once():
    assert text(date(2027, 3, 1), date(2027, 3, 5), [("2027-03-15", "2027-03-19")]) == (
        "1 to 5 March 2027 and 15 to 19 March 2027"
    )
    assert text(date(2027, 3, 29), date(2027, 4, 2)) == "29 March to 2 April 2027"
    assert text(date(2026, 12, 21), date(2027, 1, 8)) == "21 December 2026 to 8 January 2027"
    assert text(date(2027, 3, 3), date(2027, 3, 3)) == "3 March 2027"
