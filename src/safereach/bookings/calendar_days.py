"""Which days schools of a local authority are open: its term dates, less closures and the
bank holidays in England (the govuk-bank-holidays package's maintained list, read offline)."""

from datetime import date, timedelta
from functools import lru_cache

from govuk_bank_holidays.bank_holidays import BankHolidays

from safereach.bookings.models import Closure, Term


@lru_cache(maxsize=1)
def bank_holidays() -> frozenset[date]:
    # use_cached_holidays: the list shipped with the package; never fetched from GOV.UK here.
    holidays = BankHolidays(use_cached_holidays=True).get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    return frozenset(h["date"] for h in holidays)


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
    holidays = bank_holidays()
    return sorted(d for d in term_days if d.isoweekday() <= 5 and d not in holidays)
