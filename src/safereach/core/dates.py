"""The range of dates SafeReach takes from people: far enough back for last years' records and
far enough ahead to plan, never so far that arithmetic on them overflows or a typo (2207 for
2027) is taken as meant."""

from datetime import date

YEARS_BACK = 10
YEARS_AHEAD = 3


def earliest(today: date) -> date:
    return today.replace(year=today.year - YEARS_BACK, day=min(today.day, 28))


def latest(today: date) -> date:
    return today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))


def parse_day(value: str, today: date) -> date | None:
    """An ISO date (YYYY-MM-DD) within the range around `today`; None for anything else."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if earliest(today) <= day <= latest(today) else None


def out_of_range(day: date, today: date, what: str = "the date") -> str | None:
    """The error for a day outside the range around `today` (for a form field), or None."""
    if day < earliest(today):
        return f"{what[0].upper()}{what[1:]} must be on or after {earliest(today):%-d %B %Y}"
    if day > latest(today):
        return f"{what[0].upper()}{what[1:]} must be before {latest(today):%-d %B %Y}"
    return None
