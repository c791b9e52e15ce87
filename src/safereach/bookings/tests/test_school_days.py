from datetime import date, timedelta

from safereach.bookings.calendar_days import is_bank_holiday, open_days
from safereach.bookings.models import Closure, Term


def test_bank_holidays_come_from_the_maintained_list():
    assert is_bank_holiday(date(2026, 12, 25)) and is_bank_holiday(date(2027, 5, 3))  # early May
    assert not is_bank_holiday(date(2026, 12, 23))


def test_bank_holidays_go_on_after_the_announced_list_ends():
    """GOV.UK's list in the package ends in December 2028; 2029's holidays follow the rules."""
    in_2029 = [date(2029, 1, 1), date(2029, 3, 30), date(2029, 4, 2), date(2029, 5, 7),
               date(2029, 5, 28), date(2029, 8, 27), date(2029, 12, 25), date(2029, 12, 26)]
    assert all(is_bank_holiday(d) for d in in_2029)
    assert not is_bank_holiday(date(2029, 4, 3))


def test_a_term_in_2029_is_planned_around_its_bank_holidays(county):
    """A school that can do the week of the late May bank holiday 2029 is planned on a day of
    that week that is not the holiday."""
    from safereach.planning.term_plan import make_plan
    from safereach.planning.tests.test_term_plan_page import ask

    Term.objects.create(
        la_code="", name="Summer 2029", starts_on=date(2029, 4, 16), ends_on=date(2029, 7, 20)
    )
    holiday = date(2029, 5, 28)  # a Monday
    ask(county, county["school"], county["home_fire"], holiday)

    planned = make_plan(holiday, holiday + timedelta(days=4), seconds=1, workers=1, today=date(2029, 5, 1))

    days = {v.day for v in planned.after.proposed}
    assert len(planned.after.proposed) == 1 and holiday not in days
    assert days <= set(open_days("881", holiday, holiday + timedelta(days=4)))


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
