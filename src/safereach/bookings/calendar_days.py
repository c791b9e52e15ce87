"""Which days schools of a local authority are open: its term dates, less closures and the
bank holidays in England."""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from govuk_bank_holidays.bank_holidays import BankHolidays

from safereach.bookings.models import Closure, Term


@lru_cache(maxsize=1)
def _announced() -> tuple[frozenset[date], int]:
    """GOV.UK's list as the govuk-bank-holidays package ships it (read offline, never fetched),
    and the last year it covers."""
    listed = BankHolidays(use_cached_holidays=True).get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    days = frozenset(h["date"] for h in listed)
    return days, max(d.year for d in days)


@lru_cache(maxsize=64)
def _by_the_rules(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: date) -> bool:
    """GOV.UK's announced bank holidays (which include one-off days) for the years its list
    covers; after that, the usual rules for England (the holidays package), so holidays do not
    vanish when the list runs out."""
    announced, last_year = _announced()
    return day in announced if day.year <= last_year else day in _by_the_rules(day.year)


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def terms_for(la_code: str):
    """The authority's own term dates, or the default ones when it has given none."""
    terms = Term.objects.filter(la_code=la_code)
    return (terms, la_code) if terms.exists() else (Term.objects.filter(la_code=""), "")


def open_days(la_code: str, start: date, end: date) -> list[date]:
    """Weekdays from `start` to `end` in term, not in a closure and not a bank holiday."""
    terms, code = terms_for(la_code)
    term_days = set()
    for term in terms.filter(starts_on__lte=end, ends_on__gte=start):
        term_days.update(_days(max(term.starts_on, start), min(term.ends_on, end)))
    for closure in Closure.objects.filter(la_code=code, starts_on__lte=end, ends_on__gte=start):
        term_days.difference_update(_days(closure.starts_on, closure.ends_on))
    return sorted(d for d in term_days if d.isoweekday() <= 5 and not is_bank_holiday(d))
