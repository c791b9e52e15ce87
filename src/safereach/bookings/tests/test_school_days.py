from datetime import date, timedelta

from safereach.bookings.calendar_days import bank_holidays, open_days
from safereach.bookings.models import Closure, Term


def test_bank_holidays_come_from_the_maintained_list():
    assert date(2026, 12, 25) in bank_holidays() and date(2027, 5, 3) in bank_holidays()  # early May
    assert date(2026, 12, 23) not in bank_holidays()


def test_open_days_are_term_weekdays_less_closures_and_bank_holidays(db):
    Term.objects.create(
        la_code="", name="Summer 2027", starts_on=date(2027, 4, 12), ends_on=date(2027, 7, 21)
    )
    Closure.objects.create(
        la_code="", name="Half term", starts_on=date(2027, 5, 31), ends_on=date(2027, 6, 4)
    )

    days = open_days("881", date(2027, 4, 1), date(2027, 6, 11))

    assert days[0] == date(2027, 4, 12)  # Easter holidays before the term
    assert date(2027, 5, 3) not in days  # early May bank holiday
    assert not any(date(2027, 5, 31) <= d <= date(2027, 6, 4) for d in days)
    assert all(d.isoweekday() <= 5 for d in days)
    assert days[-1] == date(2027, 6, 11)


def test_an_authority_with_its_own_terms_uses_them(db):
    Term.objects.create(la_code="", name="Default", starts_on=date(2027, 4, 12), ends_on=date(2027, 7, 21))
    Term.objects.create(
        la_code="881", name="Essex summer", starts_on=date(2027, 4, 19), ends_on=date(2027, 7, 16)
    )
    Closure.objects.create(
        la_code="", name="Default half term", starts_on=date(2027, 5, 24), ends_on=date(2027, 5, 28)
    )

    essex = open_days("881", date(2027, 4, 12), date(2027, 5, 28))
    other = open_days("999", date(2027, 4, 12), date(2027, 5, 28))

    assert essex[0] == date(2027, 4, 19) and other[0] == date(2027, 4, 12)
    assert date(2027, 5, 25) in essex and date(2027, 5, 25) not in other
    assert len(open_days("881", date(2027, 8, 1), date(2027, 8, 31))) == 0  # summer holiday
    assert date(2027, 4, 19) + timedelta(days=0) in essex
